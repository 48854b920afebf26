#include "oauth/GrantHandler.h"

#include "oauth/Scopes.h"

namespace oauthdesk::oauth {

std::expected<Grant, OAuthError> ClientCredentialsGrant::decide(const Client &client, const Request &request)
{
    // RFC 6749 §4.4: only a confidential client can use its own credentials as a grant.
    if (client.isPublic)
        return std::unexpected(
            OAuthError::unauthorizedClient(QStringLiteral("client_credentials is for confidential clients only")));
    const auto scope = Scopes::forTokenRequest(client, request.form.value(QStringLiteral("scope")));
    if (!scope)
        return std::unexpected(scope.error());
    Grant grant;
    grant.client = client;
    grant.scope = *scope;
    grant.withRefresh = false; // RFC 6749 §4.4.3: no refresh token for this grant
    return grant;
}

std::expected<Grant, OAuthError> PasswordGrant::decide(const Client &client, const Request &request)
{
    const QString username = request.form.value(QStringLiteral("username"));
    if (username.isEmpty() || !request.form.contains(QStringLiteral("password")))
        return std::unexpected(OAuthError::invalidRequest(QStringLiteral("username and password are required")));
    auto user = m_context.users.find(username);
    if (!user
        || (user->hasPassword()
            && !m_context.users.checkPassword(username, request.form.value(QStringLiteral("password")))
                    .value_or(false)))
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("wrong username or password")));
    const auto scope = Scopes::forTokenRequest(client, request.form.value(QStringLiteral("scope")));
    if (!scope)
        return std::unexpected(scope.error());
    Grant grant;
    grant.client = client;
    grant.user = user;
    grant.scope = *scope;
    grant.withRefresh = client.allowsGrant(grant::RefreshToken);
    return grant;
}

} // namespace oauthdesk::oauth
