#include "oauth/GrantHandler.h"

#include "crypto/Random.h"
#include "util/Clock.h"

#include <QRegularExpression>

namespace oauthdesk::oauth {

bool AuthorizationCodeGrant::verifyPkce(const QString &verifier, const QString &challenge, const QString &method)
{
    // RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9\\-._~]{43,128}$"));
    if (!shape.match(verifier).hasMatch())
        return false;
    if (method == QLatin1String("S256"))
        return crypto::constantTimeEquals(crypto::base64Url(crypto::sha256(verifier.toLatin1())), challenge.toLatin1());
    if (method == QLatin1String("plain"))
        return crypto::constantTimeEquals(verifier.toLatin1(), challenge.toLatin1());
    return false;
}

std::expected<Grant, OAuthError> AuthorizationCodeGrant::decide(const Client &client, const Request &request)
{
    const QString code = request.form.value(QStringLiteral("code"));
    if (code.isEmpty())
        return std::unexpected(OAuthError::invalidRequest(QStringLiteral("code is missing")));
    auto record = m_context.tokens.findByValue(TokenKind::AuthorizationCode, code);
    // RFC 6749 §4.1.3: the code must have been issued to this very client.
    if (!record || record->clientId != client.clientId)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the authorization code is not valid")));

    if (record->usedAt > 0 || record->revokedAt > 0) {
        // RFC 6749 §4.1.2: a code used twice revokes every token issued from it.
        m_context.tokens.revokeGrant(record->grantId);
        return std::unexpected(OAuthError::invalidGrant(
            QStringLiteral("the authorization code was already used; the tokens issued from it are revoked")));
    }
    if (record->expiresAt <= Clock::nowMs())
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the authorization code has expired")));

    // RFC 6749 §4.1.3: redirect_uri is required, and identical, when the authorization request had one.
    const QString redirectUri = request.form.value(QStringLiteral("redirect_uri"));
    if (!record->redirectUri.isEmpty() && redirectUri != record->redirectUri)
        return std::unexpected(OAuthError::invalidGrant(redirectUri.isEmpty()
                ? QStringLiteral("redirect_uri is required: the authorization request had one")
                : QStringLiteral("redirect_uri differs from the one in the authorization request")));
    // Left out of the authorization request, it meant the client's only registered URI; many libraries send it
    // at the token endpoint anyway, and that value is accepted.
    if (record->redirectUri.isEmpty() && !redirectUri.isEmpty()
        && (client.redirectUris.size() != 1 || client.redirectUris.first() != redirectUri))
        return std::unexpected(OAuthError::invalidGrant(
            QStringLiteral("redirect_uri differs from the one the authorization request used")));

    const QString verifier = request.form.value(QStringLiteral("code_verifier"));
    if (record->codeChallenge.isEmpty()) {
        // RFC 9700 §4.8.2: a verifier for a code issued without a challenge is a downgrade attempt.
        if (!verifier.isEmpty())
            return std::unexpected(OAuthError::invalidGrant(
                QStringLiteral("code_verifier was sent but the authorization request had no code_challenge")));
    } else {
        if (verifier.isEmpty())
            return std::unexpected(OAuthError::invalidGrant(QStringLiteral("code_verifier is required (PKCE)")));
        if (!verifyPkce(verifier, record->codeChallenge, record->codeChallengeMethod))
            return std::unexpected(
                OAuthError::invalidGrant(QStringLiteral("code_verifier does not match the code_challenge")));
    }

    std::optional<User> user;
    if (!record->username.isEmpty()) {
        user = m_context.users.find(record->username);
        if (!user)
            return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the user of this code no longer exists")));
    }

    auto marked = m_context.tokens.markUsed(*record);
    if (!marked)
        return std::unexpected(OAuthError::serverError(marked.error().message));
    if (!*marked) {
        m_context.tokens.revokeGrant(record->grantId);
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the authorization code was already used")));
    }

    Grant grant;
    grant.client = client;
    grant.user = user;
    grant.scope = record->scope;
    grant.grantId = record->grantId;
    grant.withRefresh = client.allowsGrant(grant::RefreshToken);
    grant.nonce = record->nonce;
    grant.authTime = record->authTime;
    return grant;
}

} // namespace oauthdesk::oauth
