#pragma once

#include "oauth/Context.h"
#include "oauth/OAuthError.h"

#include <expected>
#include <optional>

namespace oauthdesk::oauth {

// What a grant decided to issue.
struct Grant
{
    Client client;
    std::optional<User> user;
    QString scope;
    QString grantId; // the family: the code's, or the refresh token's
    bool withRefresh = false;
    QString nonce; // OpenID Connect
    qint64 authTime = 0;
};

// Mints access and refresh tokens for a decided grant and builds the RFC 6749 §5.1 response.
class TokenIssuer final
{
public:
    explicit TokenIssuer(Context &context);
    std::expected<QJsonObject, OAuthError> issue(const Grant &grant);

private:
    Context &m_context;
};

} // namespace oauthdesk::oauth
