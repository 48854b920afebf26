#include "oauth/OAuthError.h"

namespace oauthdesk::oauth {

Response OAuthError::toResponse() const
{
    QJsonObject body{{QStringLiteral("error"), code}};
    if (!description.isEmpty())
        body.insert(QStringLiteral("error_description"), description);
    Response response = Response::json(status, body);
    response.noStore();
    if (status == 401 && basicChallenge)
        response.withHeader("WWW-Authenticate", "Basic realm=\"oauthdesk\", charset=\"UTF-8\"");
    return response;
}

} // namespace oauthdesk::oauth
