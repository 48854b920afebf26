#pragma once

#include "oauth/Message.h"

#include <QString>

namespace oauthdesk::oauth {

// An error as RFC 6749 §5.2 (and RFC 6750, 7009, 7662, 8628) spell it.
struct OAuthError
{
    QString code;
    QString description;
    int status = 400;

    static OAuthError invalidRequest(const QString &d) { return {QStringLiteral("invalid_request"), d}; }
    static OAuthError invalidClient(const QString &d) { return {QStringLiteral("invalid_client"), d, 401}; }
    static OAuthError invalidGrant(const QString &d) { return {QStringLiteral("invalid_grant"), d}; }
    static OAuthError unauthorizedClient(const QString &d) { return {QStringLiteral("unauthorized_client"), d}; }
    static OAuthError unsupportedGrantType(const QString &d) { return {QStringLiteral("unsupported_grant_type"), d}; }
    static OAuthError invalidScope(const QString &d) { return {QStringLiteral("invalid_scope"), d}; }
    static OAuthError serverError(const QString &d) { return {QStringLiteral("server_error"), d, 500}; }

    // The JSON error response of the token, revocation and introspection endpoints, never cached.
    Response toResponse() const;

    // RFC 6749 §4.1.2.1 and §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E; descriptions quote
    // request values (a scope, a client id), so anything else is replaced.
    static QString safeDescription(const QString &description);
};

} // namespace oauthdesk::oauth
