#include "http/OAuthService.h"

#include "http/HttpServer.h"
#include "oauth/AuthorizeEndpoint.h"
#include "oauth/BearerGuard.h"
#include "oauth/DeviceAuthorizationEndpoint.h"
#include "oauth/DeviceCodeGrant.h"
#include "oauth/OidcProvider.h"
#include "oauth/TokenEndpoint.h"

#include <QJsonArray>

namespace oauthdesk {

using namespace oauth;

OAuthService::OAuthService(std::shared_ptr<Database> db, const Config &config, const QString &issuer)
    : m_context(std::make_unique<Context>(db, config, issuer))
    , m_token(std::make_unique<TokenEndpoint>(*m_context))
    , m_revocation(std::make_unique<RevocationEndpoint>(*m_context))
    , m_introspection(std::make_unique<IntrospectionEndpoint>(*m_context))
    , m_guard(std::make_unique<BearerGuard>(*m_context))
    , m_authorize(std::make_unique<AuthorizeEndpoint>(*m_context))
    , m_oidc(std::make_unique<OidcProvider>(*m_context, *m_authorize))
    , m_deviceAuthorization(std::make_unique<DeviceAuthorizationEndpoint>(*m_context))
    , m_deviceVerification(std::make_unique<DeviceVerificationEndpoint>(*m_context))
{
    m_token->addGrant(std::make_unique<AuthorizationCodeGrant>(*m_context));
    m_token->addGrant(std::make_unique<RefreshTokenGrant>(*m_context));
    m_token->addGrant(std::make_unique<ClientCredentialsGrant>(*m_context));
    m_token->addGrant(std::make_unique<PasswordGrant>(*m_context));
    m_token->addGrant(std::make_unique<DeviceCodeGrant>(*m_context));
    m_oidc->installHooks();
}

OAuthService::~OAuthService() = default;

QJsonObject OAuthService::metadata() const
{
    const QString &iss = m_context->issuer;
    auto url = [&iss](const char *path) { return QString(iss + QLatin1String(path)); };
    return {
        {QStringLiteral("issuer"), iss},
        {QStringLiteral("authorization_endpoint"), url("/oauth/authorize")},
        {QStringLiteral("token_endpoint"), url("/oauth/token")},
        {QStringLiteral("revocation_endpoint"), url("/oauth/revoke")},
        {QStringLiteral("introspection_endpoint"), url("/oauth/introspect")},
        {QStringLiteral("userinfo_endpoint"), url("/oauth/userinfo")},
        {QStringLiteral("jwks_uri"), url("/oauth/jwks")},
        {QStringLiteral("end_session_endpoint"), url("/oauth/logout")},
        {QStringLiteral("device_authorization_endpoint"), url("/oauth/device_authorization")},
        {QStringLiteral("response_types_supported"), QJsonArray{QStringLiteral("code")}},
        {QStringLiteral("response_modes_supported"),
            QJsonArray::fromStringList(oauth::AuthorizeEndpoint::responseModes())},
        {QStringLiteral("grant_types_supported"), QJsonArray::fromStringList(m_token->grantTypes())},
        {QStringLiteral("token_endpoint_auth_methods_supported"),
            QJsonArray{authmethod::Basic, authmethod::Post, authmethod::None}},
        {QStringLiteral("revocation_endpoint_auth_methods_supported"),
            QJsonArray{authmethod::Basic, authmethod::Post, authmethod::None}},
        {QStringLiteral("introspection_endpoint_auth_methods_supported"),
            QJsonArray{authmethod::Basic, authmethod::Post}},
        {QStringLiteral("code_challenge_methods_supported"),
            QJsonArray{QStringLiteral("S256"), QStringLiteral("plain")}},
        {QStringLiteral("scopes_supported"), QJsonArray::fromStringList(m_authorize->knownScopes())},
        {QStringLiteral("authorization_response_iss_parameter_supported"), true},
        {QStringLiteral("service_documentation"), url("/")},
    };
}

void OAuthService::install(HttpServer &server)
{
    server.route({"GET"}, QStringLiteral("/healthz"), [](const Request &) {
        return Response::json(200, {{QStringLiteral("status"), QStringLiteral("ok")}}).noStore();
    });
    server.route({"POST"}, QStringLiteral("/oauth/token"), [this](const Request &r) { return m_token->handle(r); });
    server.route(
        {"POST"}, QStringLiteral("/oauth/revoke"), [this](const Request &r) { return m_revocation->handle(r); });
    server.route(
        {"POST"}, QStringLiteral("/oauth/introspect"), [this](const Request &r) { return m_introspection->handle(r); });
    server.route({"GET", "POST"}, QStringLiteral("/oauth/authorize"),
        [this](const Request &r) { return m_authorize->handle(r); });
    server.route({"GET", "POST"}, QStringLiteral("/oauth/authorize/interaction"), [this](const Request &r) {
        return r.method == "POST" ? m_authorize->interaction(r) : m_authorize->showPending(r);
    });
    server.route({"POST"}, QStringLiteral("/oauth/device_authorization"),
        [this](const Request &r) { return m_deviceAuthorization->handle(r); });
    server.route({"GET", "POST"}, QStringLiteral("/device"),
        [this](const Request &r) { return m_deviceVerification->handle(r); });
    server.route({"GET"}, QStringLiteral("/.well-known/oauth-authorization-server"), [this](const Request &) {
        return Response::json(200, metadata()).withHeader("Access-Control-Allow-Origin", "*");
    });
    server.route({"GET"}, QStringLiteral("/.well-known/openid-configuration"),
        [this](const Request &) { return m_oidc->discovery(metadata()); });
    server.route({"GET"}, QStringLiteral("/oauth/jwks"), [this](const Request &) { return m_oidc->jwks(); });
    server.route(
        {"GET", "POST"}, QStringLiteral("/oauth/userinfo"), [this](const Request &r) { return m_oidc->userinfo(r); });
    server.route(
        {"GET", "POST"}, QStringLiteral("/oauth/logout"), [this](const Request &r) { return m_oidc->logout(r); });
    server.route({"GET"}, QStringLiteral("/"), [this](const Request &) { return m_authorize->homePage(); });
    server.routePrefix(QStringLiteral("/api/"), [this](const Request &r) { return m_guard->handleApi(r); });
    // What a browser app (a public client with PKCE) calls itself; the pages and authorize are navigations.
    server.allowCrossOrigin({QStringLiteral("/oauth/token"), QStringLiteral("/oauth/revoke"),
        QStringLiteral("/oauth/userinfo"), QStringLiteral("/oauth/jwks"), QStringLiteral("/oauth/device_authorization"),
        QStringLiteral("/.well-known/oauth-authorization-server"), QStringLiteral("/.well-known/openid-configuration"),
        QStringLiteral("/api/")});
}

} // namespace oauthdesk
