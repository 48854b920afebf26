#pragma once

#include "oauth/GrantHandler.h"

namespace oauthdesk::oauth {

// The token endpoint's side of RFC 8628 (§3.4, §3.5): polling with a device code until a person decides.
class DeviceCodeGrant final : public GrantHandler
{
public:
    using GrantHandler::GrantHandler;
    QString grantType() const override { return grant::DeviceCode; }
    std::expected<Grant, OAuthError> decide(const Client &client, const Request &request) override;
};

} // namespace oauthdesk::oauth
