#include "oauth/OAuthError.h"

namespace oauthdesk::oauth {

QString OAuthError::safeDescription(const QString &description)
{
    QString out = description;
    for (QChar &ch : out) {
        const char16_t u = ch.unicode();
        if (u < 0x20 || u > 0x7E || u == 0x22 || u == 0x5C)
            ch = QLatin1Char('?');
    }
    return out;
}

Response OAuthError::toResponse() const
{
    QJsonObject body{{QStringLiteral("error"), code}};
    if (!description.isEmpty())
        body.insert(QStringLiteral("error_description"), safeDescription(description));
    Response response = Response::json(status, body);
    response.noStore();
    // RFC 9110 §15.5.2: every 401 carries a challenge; RFC 6749 §5.2 makes it a MUST when Basic was tried.
    if (status == 401)
        response.withHeader("WWW-Authenticate", "Basic realm=\"oauthdesk\", charset=\"UTF-8\"");
    return response;
}

} // namespace oauthdesk::oauth
