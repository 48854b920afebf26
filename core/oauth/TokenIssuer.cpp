#include "oauth/TokenIssuer.h"

#include "oauth/Scopes.h"
#include "util/Clock.h"

namespace oauthdesk::oauth {

TokenIssuer::TokenIssuer(Context &context)
    : m_context(context)
{ }

std::expected<QJsonObject, OAuthError> TokenIssuer::issue(const Grant &grant)
{
    const qint64 now = Clock::nowMs();
    const int accessTtl = m_context.accessTtl(grant.client);

    TokenRecord access;
    access.kind = TokenKind::AccessToken;
    access.clientId = grant.client.clientId;
    access.username = grant.user ? grant.user->username : QString();
    access.scope = grant.scope;
    access.grantId = grant.grantId.isEmpty() ? TokenStore::newGrantId() : grant.grantId;
    access.issuedAt = now;
    access.expiresAt = now + qint64(accessTtl) * 1000;
    access.authTime = grant.authTime; // for the auth_time claim of a JWT access token (RFC 9068 §2.2.1)

    QString accessValue;
    if (grant.client.accessTokenFormat == QLatin1String("jwt") && m_context.makeJwtAccessToken) {
        accessValue = m_context.makeJwtAccessToken(grant.client, access);
        if (accessValue.isEmpty())
            return std::unexpected(OAuthError::serverError(QStringLiteral("the JWT access token could not be signed")));
        if (auto ok = m_context.tokens.insert(access, accessValue); !ok)
            return std::unexpected(OAuthError::serverError(ok.error().message));
    } else {
        auto value = m_context.tokens.issue(access);
        if (!value)
            return std::unexpected(OAuthError::serverError(value.error().message));
        accessValue = *value;
    }

    QJsonObject body{{QStringLiteral("access_token"), accessValue},
        {QStringLiteral("token_type"), QStringLiteral("Bearer")}, {QStringLiteral("expires_in"), accessTtl},
        {QStringLiteral("scope"), grant.scope}};

    if (grant.withRefresh) {
        TokenRecord refresh;
        refresh.kind = TokenKind::RefreshToken;
        refresh.clientId = access.clientId;
        refresh.username = access.username;
        refresh.scope = grant.scope;
        refresh.grantId = access.grantId;
        refresh.issuedAt = now;
        refresh.expiresAt = now + qint64(m_context.refreshTtl(grant.client)) * 1000;
        auto value = m_context.tokens.issue(refresh);
        if (!value)
            return std::unexpected(OAuthError::serverError(value.error().message));
        body.insert(QStringLiteral("refresh_token"), *value);
    }

    if (grant.user && Scopes::split(grant.scope).contains(QStringLiteral("openid")) && m_context.makeIdToken) {
        const QString idToken
            = m_context.makeIdToken(grant.client, *grant.user, grant.scope, grant.nonce, grant.authTime, accessValue);
        if (idToken.isEmpty())
            return std::unexpected(OAuthError::serverError(QStringLiteral("the ID token could not be signed")));
        body.insert(QStringLiteral("id_token"), idToken);
    }
    return body;
}

} // namespace oauthdesk::oauth
