#pragma once

#include "oauth/Context.h"
#include "oauth/OAuthError.h"
#include "oauth/TokenIssuer.h"

#include <expected>

namespace oauthdesk::oauth {

// One grant type of the token endpoint: checks the request and decides what to issue.
class GrantHandler
{
public:
    explicit GrantHandler(Context &context)
        : m_context(context)
    { }
    virtual ~GrantHandler() = default;
    GrantHandler(const GrantHandler &) = delete;
    GrantHandler &operator=(const GrantHandler &) = delete;

    virtual QString grantType() const = 0;
    virtual std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) = 0;

protected:
    Context &m_context;
};

class AuthorizationCodeGrant final : public GrantHandler
{
public:
    using GrantHandler::GrantHandler;
    QString grantType() const override { return grant::AuthorizationCode; }
    std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) override;
    // RFC 7636 §4.6; public for the unit tests.
    static bool verifyPkce(const QString &verifier, const QString &challenge, const QString &method);
};

class RefreshTokenGrant final : public GrantHandler
{
public:
    using GrantHandler::GrantHandler;
    QString grantType() const override { return grant::RefreshToken; }
    std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) override;
};

class ClientCredentialsGrant final : public GrantHandler
{
public:
    using GrantHandler::GrantHandler;
    QString grantType() const override { return grant::ClientCredentials; }
    std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) override;
};

class PasswordGrant final : public GrantHandler
{
public:
    using GrantHandler::GrantHandler;
    QString grantType() const override { return grant::Password; }
    std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) override;
};

} // namespace oauthdesk::oauth
