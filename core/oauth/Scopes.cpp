#include "oauth/Scopes.h"

namespace oauthdesk::oauth {

QStringList Scopes::split(const QString &scope)
{
    QStringList out = scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    out.removeDuplicates();
    return out;
}

QString Scopes::join(const QStringList &scopes)
{
    return scopes.join(QLatin1Char(' '));
}

bool Scopes::isValidToken(const QString &s)
{
    return isScopeToken(s);
}

std::optional<QString> Scopes::firstNotAllowed(const Client &client, const QStringList &requested)
{
    for (const QString &s : requested) {
        if (!isValidToken(s))
            return s;
        // A client with no list accepts any scope: a developer tool should not get in the way.
        if (!client.scopes.isEmpty() && !client.scopes.contains(s))
            return s;
    }
    return std::nullopt;
}

bool Scopes::isSubset(const QStringList &narrow, const QStringList &wide)
{
    for (const QString &s : narrow)
        if (!wide.contains(s))
            return false;
    return true;
}

std::expected<QString, OAuthError> Scopes::forTokenRequest(const Client &client, const QString &requested)
{
    QStringList scopes = split(requested);
    if (auto bad = firstNotAllowed(client, scopes))
        return std::unexpected(
            OAuthError::invalidScope(QStringLiteral("scope '%1' is not allowed for this client").arg(*bad)));
    return join(scopes.isEmpty() ? client.scopes : scopes);
}

} // namespace oauthdesk::oauth
