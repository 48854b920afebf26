#pragma once

#include "oauth/BearerGuard.h"
#include "oauth/Context.h"
#include "oauth/Message.h"
#include "storage/KeyStore.h"

#include <QJsonObject>
#include <QStringList>

namespace oauthdesk::oauth {

class AuthorizeEndpoint;

// Which user claims a token or the UserInfo response carries for a set of scopes (OpenID Connect Core §5.4).
class ClaimSelection final
{
public:
    static const QStringList &profileClaims();
    static const QStringList &emailClaims();
    static const QStringList &addressClaims();
    static const QStringList &phoneClaims();
    // Names the protocol owns (iss, sub, aud, exp, nonce...): a user's custom claim never overrides one.
    static const QStringList &protocolClaims();

    // The standard claims the scopes allow, plus the user's custom claims (always). "sub" is not included.
    static QJsonObject forScopes(const User &user, const QStringList &scopes);
};

// OpenID Connect on top of the OAuth endpoints: discovery, the JWK Set, UserInfo, RP-Initiated Logout, and the
// Context hooks that sign ID tokens and RFC 9068 JWT access tokens.
class OidcProvider final
{
public:
    // How long an ID token is valid: as long as a default access token, so both can be inspected together.
    static constexpr int IdTokenLifetimeSecs = 3600;

    OidcProvider(Context &context, AuthorizeEndpoint &authorize);

    // Sets makeIdToken, makeJwtAccessToken and jtiOfJwt on the context, and makes sure an RS256 key exists.
    void installHooks();

    Response discovery(const QJsonObject &oauthMetadata) const; // GET /.well-known/openid-configuration
    Response jwks() const; // GET /oauth/jwks
    Response userinfo(const Request &request); // GET/POST /oauth/userinfo
    Response logout(const Request &request); // GET/POST /oauth/logout

    // The full OpenID Provider metadata: the RFC 8414 document plus the OpenID Connect Discovery 1.0 members.
    QJsonObject discoveryDocument(const QJsonObject &oauthMetadata) const;
    QStringList supportedClaims() const;
    // A retired key stays in the JWK Set this long: the longest lifetime of a token it may have signed.
    qint64 keyRetentionMs() const;
    // The public keys a token of ours may carry a signature of.
    QList<QJsonObject> publishedKeys() const;

    QString makeIdToken(const Client &client, const User &user, const QString &scope, const QString &nonce,
        qint64 authTime, const QString &accessToken);
    QString makeJwtAccessToken(const Client &client, TokenRecord &record);
    std::optional<QString> jtiOfJwt(const QString &jwt) const;
    // id_token_hint (authorize, logout): an ID token this server signed and issued, expired or not, with a retired
    // key too, and issued to `clientId` when that is not empty; its claims.
    Result<QJsonObject> verifyIdTokenHint(const QString &idToken, const QString &clientId) const;

private:
    QString sign(crypto::Alg alg, const QByteArray &typ, const QJsonObject &claims);
    Response logoutError(const QString &detail) const;

    Context &m_context;
    AuthorizeEndpoint &m_authorize;
    KeyStore m_keys;
    BearerGuard m_guard;
};

} // namespace oauthdesk::oauth
