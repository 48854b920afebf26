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
    if (s.isEmpty())
        return false;
    for (QChar ch : s) {
        const ushort u = ch.unicode();
        if (u < 0x21 || u == 0x22 || u == 0x5C || u > 0x7E)
            return false;
    }
    return true;
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

} // namespace oauthdesk::oauth
