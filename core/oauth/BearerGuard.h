#pragma once

#include "oauth/Context.h"
#include "oauth/Message.h"

#include <expected>

namespace oauthdesk::oauth {

// RFC 6750: finds and checks the bearer token of a request to /api/*; the Meteor package's authorise().
class BearerGuard final
{
public:
    explicit BearerGuard(Context &context);

    // The live token, or the 400/401/403 response with its WWW-Authenticate challenge.
    std::expected<TokenRecord, Response> authorise(const Request &request, const QStringList &requiredScopes = {});
    // GET /api/me and the other /api/* examples.
    Response handleApi(const Request &request);

    static Response challenge(int status, const QString &error, const QString &description, const QString &scope = {});

private:
    Context &m_context;
};

} // namespace oauthdesk::oauth
