#include "http/RequestLogEntry.h"

#include "oauth/Message.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace oauthdesk {

namespace {

QByteArray redactForm(const QByteArray &encoded)
{
    const oauth::FormParams params = oauth::FormParams::parse(encoded);
    QByteArray out;
    for (const auto &[key, value] : params.pairs()) {
        if (!out.isEmpty())
            out += '&';
        out += oauth::FormParams::encodeComponent(key) + '=';
        out += RequestLogEntry::isSecretName(key) ? RequestLogEntry::maskValue(value.toUtf8())
                                                  : oauth::FormParams::encodeComponent(value);
    }
    return out;
}

QJsonValue redactJson(const QJsonValue &value)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (RequestLogEntry::isSecretName(it.key()) && it.value().isString())
                it.value() = QString::fromUtf8(RequestLogEntry::maskValue(it.value().toString().toUtf8()));
            else
                it.value() = redactJson(it.value());
        }
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = redactJson(*it);
        return array;
    }
    return value;
}

// Most JSON bodies (introspection answers, /api responses) carry no secret: skip parsing those.
bool mentionsSecret(const QByteArray &json)
{
    static const QByteArrayList names
        = {"_token\"", "\"token\"", "client_secret\"", "\"code\"", "device_code\"", "password\""};
    for (const QByteArray &name : names)
        if (json.contains(name))
            return true;
    return false;
}

// The form of response_mode=form_post, and the pages' CSRF fields: hidden inputs with secret names.
QByteArray redactHiddenInputs(const QByteArray &html)
{
    static const QRegularExpression input(
        QStringLiteral("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\""));
    const QString page = QString::fromUtf8(html);
    QString out;
    qsizetype last = 0;
    auto matches = input.globalMatch(page);
    while (matches.hasNext()) {
        const auto m = matches.next();
        if (!RequestLogEntry::isSecretName(m.captured(1)))
            continue;
        out += QStringView(page).mid(last, m.capturedStart(2) - last);
        out += QString::fromLatin1(RequestLogEntry::maskValue(m.captured(2).toUtf8()));
        last = m.capturedEnd(2);
    }
    if (last == 0)
        return html;
    out += QStringView(page).mid(last);
    return out.toUtf8();
}

QByteArray redactBody(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray type;
    for (const auto &[k, v] : headers)
        if (k.compare("Content-Type", Qt::CaseInsensitive) == 0)
            type = v.toLower();
    if (type.startsWith("application/x-www-form-urlencoded"))
        return redactForm(body);
    if (type.startsWith("text/html") && body.contains("type=\"hidden\""))
        return redactHiddenInputs(body);
    if (type.startsWith("application/json") && mentionsSecret(body)) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError) {
            const QJsonValue redacted = redactJson(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
            return redacted.isObject() ? QJsonDocument(redacted.toObject()).toJson(QJsonDocument::Compact)
                                       : QJsonDocument(redacted.toArray()).toJson(QJsonDocument::Compact);
        }
    }
    return body;
}

QList<QPair<QByteArray, QByteArray>> redactHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QList<QPair<QByteArray, QByteArray>> out = headers;
    for (auto &[key, value] : out) {
        if (key.compare("Authorization", Qt::CaseInsensitive) == 0) {
            const qsizetype space = value.indexOf(' ');
            value = space < 0 ? RequestLogEntry::maskValue(value)
                              : value.left(space + 1) + RequestLogEntry::maskValue(value.mid(space + 1));
        } else if (key.compare("Cookie", Qt::CaseInsensitive) == 0
            || key.compare("Set-Cookie", Qt::CaseInsensitive) == 0) {
            value = RequestLogEntry::maskValue(value);
        } else if (key.compare("Location", Qt::CaseInsensitive) == 0) {
            // The answer's parameters travel in the query, or in the fragment (response_mode=fragment).
            const qsizetype hash = value.indexOf('#');
            QByteArray fragment = hash < 0 ? QByteArray() : value.mid(hash);
            if (hash >= 0)
                value.truncate(hash);
            if (const qsizetype q = value.indexOf('?'); q >= 0)
                value = value.left(q + 1) + redactForm(value.mid(q + 1));
            if (!fragment.isEmpty())
                value += '#' + redactForm(fragment.mid(1));
        }
    }
    return out;
}

} // namespace

bool RequestLogEntry::isSecretName(const QString &name)
{
    static const QStringList names = {QStringLiteral("client_secret"), QStringLiteral("code"),
        QStringLiteral("code_verifier"), QStringLiteral("refresh_token"), QStringLiteral("access_token"),
        QStringLiteral("id_token"), QStringLiteral("token"), QStringLiteral("password"), QStringLiteral("device_code"),
        QStringLiteral("id_token_hint"), QStringLiteral("csrf"), QStringLiteral("session")};
    return names.contains(name);
}

QByteArray RequestLogEntry::maskValue(const QByteArray &value)
{
    // Enough of the start to match it against the token tables, never enough to use it.
    if (value.size() <= 8)
        return QByteArrayLiteral("****");
    return value.left(4) + QByteArrayLiteral("****");
}

RequestLogEntry RequestLogEntry::redacted() const
{
    RequestLogEntry out = *this;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    if (q >= 0)
        out.path = path.left(q + 1) + QString::fromUtf8(redactForm(path.mid(q + 1).toUtf8()));
    out.requestHeaders = redactHeaders(requestHeaders);
    out.responseHeaders = redactHeaders(responseHeaders);
    out.requestBody = redactBody(requestBody, requestHeaders);
    out.responseBody = redactBody(responseBody, responseHeaders);
    return out;
}

QJsonObject RequestLogEntry::toJson() const
{
    auto headersJson = [](const QList<QPair<QByteArray, QByteArray>> &headers) {
        QJsonObject o;
        for (const auto &[k, v] : headers)
            o.insert(QString::fromLatin1(k), QString::fromUtf8(v));
        return o;
    };
    return {{QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("method"), QString::fromLatin1(method)}, {QStringLiteral("path"), path},
        {QStringLiteral("status"), status}, {QStringLiteral("duration_ms"), static_cast<double>(durationUs) / 1000.0},
        {QStringLiteral("client_id"), clientId.isEmpty() ? QJsonValue() : QJsonValue(clientId)},
        {QStringLiteral("remote"), remote}, {QStringLiteral("request_headers"), headersJson(requestHeaders)},
        {QStringLiteral("request_body"), QString::fromUtf8(requestBody)},
        {QStringLiteral("response_headers"), headersJson(responseHeaders)},
        {QStringLiteral("response_body"), QString::fromUtf8(responseBody)}};
}

} // namespace oauthdesk
