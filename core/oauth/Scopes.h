#pragma once

#include "oauth/OAuthError.h"
#include "storage/Types.h"

#include <QStringList>

#include <expected>
#include <optional>

namespace oauthdesk::oauth {

// Scope strings (RFC 6749 §3.3): space-delimited, order-free, case-sensitive.
struct Scopes
{
    static QStringList split(const QString &scope);
    static QString join(const QStringList &scopes);
    static bool isValidToken(const QString &token);
    // The scopes granted for `requested` (empty: the client's own list), or the one not allowed.
    static std::optional<QString> firstNotAllowed(const Client &client, const QStringList &requested);
    static bool isSubset(const QStringList &narrow, const QStringList &wide);
    // The scope a token request may have (RFC 6749 §3.3): the requested one if the client allows all of it,
    // the client's own list when nothing was requested, or invalid_scope.
    static std::expected<QString, OAuthError> forTokenRequest(const Client &client, const QString &requested);
};

} // namespace oauthdesk::oauth
