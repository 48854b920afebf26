#include "oauth/GrantHandler.h"

#include "oauth/Scopes.h"
#include "util/Clock.h"

namespace oauthdesk::oauth {

std::expected<Grant, OAuthError> RefreshTokenGrant::decide(const Client &client, const Request &request)
{
    const QString value = request.form.value(QStringLiteral("refresh_token"));
    if (value.isEmpty())
        return std::unexpected(OAuthError::invalidRequest(QStringLiteral("refresh_token is missing")));
    auto record = m_context.tokens.findByValue(TokenKind::RefreshToken, value);
    // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
    if (!record || record->clientId != client.clientId)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the refresh token is not valid")));
    if (record->revokedAt > 0)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the refresh token was revoked")));
    if (record->usedAt > 0) {
        // RFC 9700 §4.14.2: a rotated-out refresh token coming back means it leaked; end the whole family.
        m_context.tokens.revokeGrant(record->grantId);
        return std::unexpected(OAuthError::invalidGrant(
            QStringLiteral("the refresh token was already used; every token of this grant is now revoked")));
    }
    if (record->expiresAt <= Clock::nowMs())
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the refresh token has expired")));

    const QStringList granted = Scopes::split(record->scope);
    QString scope = record->scope;
    // RFC 6749 §3.2: an empty scope parameter counts as omitted, which keeps the granted scope.
    if (!request.form.value(QStringLiteral("scope")).isEmpty()) {
        const QStringList requested = Scopes::split(request.form.value(QStringLiteral("scope")));
        // RFC 6749 §6: the scope may narrow, never widen beyond what the owner granted.
        if (!Scopes::isSubset(requested, granted))
            return std::unexpected(
                OAuthError::invalidScope(QStringLiteral("the requested scope exceeds the scope originally granted")));
        scope = Scopes::join(requested);
    }

    std::optional<User> user;
    if (!record->username.isEmpty()) {
        user = m_context.users.find(record->username);
        if (!user)
            return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the user of this token no longer exists")));
    }

    Grant grant;
    grant.client = client;
    grant.user = user;
    grant.scope = scope;
    grant.grantId = record->grantId;
    // OpenID Connect Core §12.2: a refreshed ID token keeps the time of the original authentication.
    if (const auto code = m_context.tokens.codeOfGrant(record->grantId))
        grant.authTime = code->authTime;
    if (client.refreshRotation) {
        auto marked = m_context.tokens.markUsed(*record);
        if (!marked)
            return std::unexpected(OAuthError::serverError(marked.error().message));
        if (!*marked) {
            m_context.tokens.revokeGrant(record->grantId);
            return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the refresh token was already used")));
        }
        grant.withRefresh = true;
    }
    return grant;
}

} // namespace oauthdesk::oauth
