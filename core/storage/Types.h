#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace oauthdesk {

namespace grant {
inline const QString AuthorizationCode = QStringLiteral("authorization_code");
inline const QString RefreshToken = QStringLiteral("refresh_token");
inline const QString ClientCredentials = QStringLiteral("client_credentials");
inline const QString Password = QStringLiteral("password");
inline const QString DeviceCode = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
inline const QStringList all = {AuthorizationCode, RefreshToken, ClientCredentials, Password, DeviceCode};
} // namespace grant

namespace authmethod {
inline const QString Basic = QStringLiteral("client_secret_basic");
inline const QString Post = QStringLiteral("client_secret_post");
inline const QString None = QStringLiteral("none");
inline const QStringList all = {Basic, Post, None};
} // namespace authmethod

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
bool isScopeToken(const QString &s);

// A registered client application, named with RFC 7591 metadata where one exists.
struct Client
{
    QString clientId;
    QString secret; // empty for public clients
    QString name;
    QStringList redirectUris;
    QStringList grantTypes;
    QStringList scopes; // empty: any scope is accepted
    QString authMethod = authmethod::Basic;
    bool authMethodPinned = false; // otherwise a confidential client accepts both basic and post
    bool isPublic = false;
    bool active = true;
    QString autoApproveUser;
    int accessTokenTtl = 0; // seconds; 0 means the server default
    int refreshTokenTtl = 0;
    int codeTtl = 0;
    bool pkceRequired = false; // always in force for public clients
    bool pkceAllowPlain = false;
    bool refreshRotation = true;
    QString accessTokenFormat = QStringLiteral("opaque"); // or "jwt" (RFC 9068)
    QString idTokenAlg = QStringLiteral("RS256");
    QStringList postLogoutRedirectUris;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool requiresPkce() const { return isPublic || pkceRequired; }
    bool allowsGrant(const QString &g) const { return grantTypes.contains(g); }
    // RFC 7591 names; the secret only when asked for.
    QJsonObject toJson(bool withSecret = true) const;
    bool operator==(const Client &) const = default;
};

// A test identity offered on the login page.
struct User
{
    QString username;
    QString passwordHash; // empty: no password needed
    QJsonObject claims;
    QString sub;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    bool hasPassword() const { return !passwordHash.isEmpty(); }
    QJsonObject toJson() const;
    bool operator==(const User &) const = default;
};

enum class TokenKind { AuthorizationCode, AccessToken, RefreshToken };

enum class TokenStatus { Active, Expired, Revoked, Used };

QString toString(TokenKind kind);
QString toString(TokenStatus status);

// One stored code or token. The raw value is never stored: only its SHA-256 and a short prefix.
struct TokenRecord
{
    TokenKind kind = TokenKind::AccessToken;
    qint64 id = 0;
    QString hash;
    QString prefix;
    QString clientId;
    QString username; // empty for client_credentials
    QString scope;
    QString grantId;
    qint64 issuedAt = 0; // ms since the epoch
    qint64 expiresAt = 0;
    qint64 revokedAt = 0;
    qint64 usedAt = 0; // codes: redeemed; refresh tokens: rotated out
    // Authorization codes only.
    QString redirectUri;
    QString codeChallenge;
    QString codeChallengeMethod;
    QString nonce;
    qint64 authTime = 0; // seconds
    // JWT access tokens only.
    QString jti;

    TokenStatus status(qint64 nowMs) const;
    QJsonObject toJson(qint64 nowMs) const;
};

// What a token list or a revoke-many selects.
struct TokenFilter
{
    QString clientId;
    QString username;
    QString prefix;
    bool activeOnly = false;
    int limit = -1;
    qint64 afterId = 0; // only ids below this: the next page of a newest-first list
    // Live views: rows newer than what is loaded, oldest first, so a LIMIT leaves no gap.
    qint64 sinceId = 0; // only ids above this
    bool oldestFirst = false;
    std::optional<TokenStatus> status; // the status the token has now
    QString grantId;
};

} // namespace oauthdesk

Q_DECLARE_METATYPE(oauthdesk::Client)
Q_DECLARE_METATYPE(oauthdesk::User)
Q_DECLARE_METATYPE(oauthdesk::TokenRecord)
