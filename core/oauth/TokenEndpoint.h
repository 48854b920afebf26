#pragma once

#include "oauth/ClientAuthenticator.h"
#include "oauth/GrantHandler.h"

#include <QHash>

#include <memory>

namespace oauthdesk::oauth {

// POST /oauth/token (RFC 6749 §3.2): checks the request, authenticates the client, dispatches to a grant.
class TokenEndpoint final
{
public:
    explicit TokenEndpoint(Context &context);
    void addGrant(std::unique_ptr<GrantHandler> handler);
    QStringList grantTypes() const;
    Response handle(const Request &request);

private:
    Context &m_context;
    ClientAuthenticator m_authenticator;
    TokenIssuer m_issuer;
    QHash<QString, std::shared_ptr<GrantHandler>> m_grants;
};

// POST /oauth/revoke (RFC 7009).
class RevocationEndpoint final
{
public:
    explicit RevocationEndpoint(Context &context);
    Response handle(const Request &request);

private:
    Context &m_context;
    ClientAuthenticator m_authenticator;
};

// POST /oauth/introspect (RFC 7662).
class IntrospectionEndpoint final
{
public:
    explicit IntrospectionEndpoint(Context &context);
    Response handle(const Request &request);

private:
    Context &m_context;
    ClientAuthenticator m_authenticator;
};

// Finds the live access token of a request, whatever its format (opaque or RFC 9068 JWT).
std::optional<TokenRecord> findLiveAccessToken(Context &context, const QString &value);

// Checks the common shape of a form POST to the token, revocation and introspection endpoints.
std::optional<OAuthError> checkFormPost(const Request &request);

} // namespace oauthdesk::oauth
