#include "oauth/BearerGuard.h"

#include "oauth/Scopes.h"
#include "oauth/TokenEndpoint.h"
#include "util/Clock.h"

namespace oauthdesk::oauth {

namespace {

// RFC 6750 §3: error_description and scope values are limited to %x20-21 / %x23-5B / %x5D-7E. The scope of
// /api/scope/NAME comes from the request path, so anything else (quotes, CR LF, non-ASCII) is replaced.
QByteArray quotedStringValue(const QString &value)
{
    QByteArray out;
    out.reserve(value.size());
    for (QChar ch : value) {
        const char16_t u = ch.unicode();
        out += (u >= 0x20 && u <= 0x7E && u != 0x22 && u != 0x5C) ? char(u) : '?';
    }
    return out;
}

} // namespace

BearerGuard::BearerGuard(Context &context)
    : m_context(context)
{ }

Response BearerGuard::challenge(int status, const QString &error, const QString &description, const QString &scope)
{
    // RFC 6750 §3: without a token the challenge carries no error code at all.
    QByteArray header = "Bearer realm=\"oauthdesk\"";
    QJsonObject body;
    if (!error.isEmpty()) {
        header += ", error=\"" + error.toLatin1() + '"';
        body.insert(QStringLiteral("error"), error);
        if (!description.isEmpty()) {
            QString safe = description;
            safe.replace(QLatin1Char('"'), QLatin1Char('\''));
            header += ", error_description=\"" + quotedStringValue(safe) + '"';
            body.insert(QStringLiteral("error_description"), description);
        }
        if (!scope.isEmpty())
            header += ", scope=\"" + quotedStringValue(scope) + '"';
    } else {
        body.insert(QStringLiteral("error_description"), description);
    }
    Response r = Response::json(status, body);
    r.withHeader("WWW-Authenticate", header);
    return r;
}

std::expected<TokenRecord, Response> BearerGuard::authorise(const Request &request, const QStringList &requiredScopes)
{
    QStringList found;
    QString token;
    const QByteArray authorization = request.header("Authorization");
    if (request.headerCount("Authorization") > 1)
        return std::unexpected(
            challenge(400, QStringLiteral("invalid_request"), QStringLiteral("more than one Authorization header")));
    if (!authorization.isEmpty()) {
        if (authorization.size() > 7 && authorization.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0) {
            token = QString::fromLatin1(authorization.mid(7).trimmed());
            found << QStringLiteral("the Authorization header");
        } else {
            return std::unexpected(
                challenge(401, {}, QStringLiteral("the Authorization header is not a Bearer token")));
        }
    }
    // RFC 6750 §2.2: a form body may carry it, on a request that is not GET.
    if (request.method != "GET" && request.method != "HEAD" && request.isFormEncoded()
        && request.form.contains(QStringLiteral("access_token"))) {
        token = request.form.value(QStringLiteral("access_token"));
        found << QStringLiteral("the form body");
        if (request.form.count(QStringLiteral("access_token")) > 1)
            found << QStringLiteral("the form body again");
    }
    if (request.query.contains(QStringLiteral("access_token"))) {
        // RFC 6750 §2.3 is off by default: URLs end up in logs and Referer headers.
        if (!m_context.config.allowQueryStringTokens)
            return std::unexpected(challenge(400, QStringLiteral("invalid_request"),
                QStringLiteral("access_token in the query string is disabled; send an "
                               "Authorization: Bearer header")));
        token = request.query.value(QStringLiteral("access_token"));
        found << QStringLiteral("the query string");
    }
    // RFC 6750 §2: a client MUST NOT use more than one method to send the token.
    if (found.size() > 1)
        return std::unexpected(challenge(400, QStringLiteral("invalid_request"),
            QStringLiteral("the token was sent in %1").arg(found.join(QStringLiteral(" and ")))));
    if (found.isEmpty() || token.isEmpty())
        return std::unexpected(challenge(401, {}, QStringLiteral("an access token is required")));

    auto record = findLiveAccessToken(m_context, token);
    if (!record)
        return std::unexpected(challenge(
            401, QStringLiteral("invalid_token"), QStringLiteral("the access token is unknown, expired or revoked")));
    const QStringList granted = Scopes::split(record->scope);
    if (!Scopes::isSubset(requiredScopes, granted))
        return std::unexpected(challenge(403, QStringLiteral("insufficient_scope"),
            QStringLiteral("this resource needs the scope '%1'").arg(Scopes::join(requiredScopes)),
            Scopes::join(requiredScopes)));
    return *record;
}

Response BearerGuard::handleApi(const Request &request)
{
    // /api/scope/NAME demonstrates 403 insufficient_scope: it needs the scope NAME.
    QStringList required;
    const QString scopePrefix = QStringLiteral("/api/scope/");
    if (request.path.startsWith(scopePrefix))
        required = Scopes::split(request.path.mid(scopePrefix.size()));

    auto record = authorise(request, required);
    if (!record)
        return record.error();

    QJsonObject body{{QStringLiteral("client_id"), record->clientId}, {QStringLiteral("scope"), record->scope},
        {QStringLiteral("exp"), record->expiresAt / 1000}};
    if (!record->username.isEmpty()) {
        if (auto user = m_context.users.find(record->username)) {
            body.insert(QStringLiteral("sub"), user->sub);
            body.insert(QStringLiteral("username"), user->username);
            body.insert(QStringLiteral("claims"), user->claims);
        }
    } else {
        body.insert(QStringLiteral("sub"), record->clientId);
    }
    if (request.path != QLatin1String("/api/me")) {
        body.insert(QStringLiteral("path"), request.path);
        body.insert(QStringLiteral("method"), QString::fromLatin1(request.method));
    }
    Response response = Response::json(200, body).noStore();
    response.clientId = record->clientId;
    return response;
}

} // namespace oauthdesk::oauth
