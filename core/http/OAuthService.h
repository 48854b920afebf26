#pragma once

#include "storage/Config.h"

#include <QJsonObject>

#include <memory>

namespace oauthdesk {

class Database;
class HttpServer;

namespace oauth {
struct Context;
class TokenEndpoint;
class RevocationEndpoint;
class IntrospectionEndpoint;
class BearerGuard;
class AuthorizeEndpoint;
class OidcProvider;
class DeviceAuthorizationEndpoint;
class DeviceVerificationEndpoint;
} // namespace oauth

// The routing table: which endpoint object answers which path. Lives on the server thread.
class OAuthService final
{
public:
    OAuthService(std::shared_ptr<Database> db, const Config &config, const QString &issuer);
    ~OAuthService();
    OAuthService(const OAuthService &) = delete;
    OAuthService &operator=(const OAuthService &) = delete;

    void install(HttpServer &server);
    oauth::Context &context() { return *m_context; }
    // RFC 8414 metadata, listing only what this server really supports.
    QJsonObject metadata() const;

private:
    std::unique_ptr<oauth::Context> m_context;
    std::unique_ptr<oauth::TokenEndpoint> m_token;
    std::unique_ptr<oauth::RevocationEndpoint> m_revocation;
    std::unique_ptr<oauth::IntrospectionEndpoint> m_introspection;
    std::unique_ptr<oauth::BearerGuard> m_guard;
    std::unique_ptr<oauth::AuthorizeEndpoint> m_authorize;
    std::unique_ptr<oauth::OidcProvider> m_oidc;
    std::unique_ptr<oauth::DeviceAuthorizationEndpoint> m_deviceAuthorization;
    std::unique_ptr<oauth::DeviceVerificationEndpoint> m_deviceVerification;
};

} // namespace oauthdesk
