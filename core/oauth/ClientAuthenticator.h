#pragma once

#include "oauth/Context.h"
#include "oauth/OAuthError.h"

#include <expected>

namespace oauthdesk::oauth {

// RFC 6749 §2.3: who is calling the token, revocation or introspection endpoint.
class ClientAuthenticator final
{
public:
    explicit ClientAuthenticator(Context &context);

    // `allowPublic`: a public client may identify itself with client_id alone (token and revocation endpoints).
    std::expected<Client, OAuthError> authenticate(const Request &request, bool allowPublic) const;

private:
    Context &m_context;
};

} // namespace oauthdesk::oauth
