#include "oauth/Message.h"

#include <QHash>
#include <QJsonDocument>
#include <QUrl>

namespace oauthdesk::oauth {

QString FormParams::decodeComponent(const QByteArray &component)
{
    QByteArray bytes = component;
    bytes.replace('+', ' '); // QUrlQuery keeps '+' as is; forms mean a space
    return QString::fromUtf8(QByteArray::fromPercentEncoding(bytes));
}

QByteArray FormParams::encodeComponent(const QString &value)
{
    return QUrl::toPercentEncoding(value);
}

FormParams FormParams::parse(const QByteArray &encoded)
{
    FormParams out;
    for (const QByteArray &piece : encoded.split('&')) {
        if (piece.isEmpty())
            continue;
        const qsizetype eq = piece.indexOf('=');
        const QByteArray name = eq < 0 ? piece : piece.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : piece.mid(eq + 1);
        out.m_pairs.append({decodeComponent(name), decodeComponent(value)});
    }
    return out;
}

QString FormParams::value(const QString &name) const
{
    for (const auto &[key, value] : m_pairs)
        if (key == name)
            return value;
    return {};
}

bool FormParams::contains(const QString &name) const
{
    for (const auto &pair : m_pairs)
        if (pair.first == name)
            return true;
    return false;
}

int FormParams::count(const QString &name) const
{
    int n = 0;
    for (const auto &pair : m_pairs)
        n += pair.first == name;
    return n;
}

QString FormParams::firstRepeated(const QStringList &names) const
{
    // Counted in one pass, not pair by pair: a 1 MiB body holds some 300 000 parameters, and a quadratic scan of
    // those kept the server thread busy for minutes.
    QHash<QString, int> seen;
    seen.reserve(m_pairs.size());
    for (const auto &pair : m_pairs)
        if (names.isEmpty() || names.contains(pair.first))
            ++seen[pair.first];
    for (const auto &pair : m_pairs)
        if (seen.value(pair.first) > 1)
            return pair.first;
    return {};
}

QByteArray FormParams::encode() const
{
    QByteArray out;
    for (const auto &[key, value] : m_pairs) {
        if (!out.isEmpty())
            out += '&';
        out += encodeComponent(key) + '=' + encodeComponent(value);
    }
    return out;
}

QByteArray Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

int Request::headerCount(const QByteArray &name) const
{
    int n = 0;
    for (const auto &pair : headers)
        n += pair.first.compare(name, Qt::CaseInsensitive) == 0;
    return n;
}

QString Request::cookie(const QString &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(';')) {
            const QByteArray trimmed = part.trimmed();
            const qsizetype eq = trimmed.indexOf('=');
            if (eq > 0 && QString::fromLatin1(trimmed.left(eq)) == name)
                return QString::fromLatin1(trimmed.mid(eq + 1));
        }
    }
    return {};
}

bool Request::isFormEncoded() const
{
    const QByteArray type = header("Content-Type").split(';').first().trimmed().toLower();
    return type == "application/x-www-form-urlencoded";
}

Response Response::json(int status, const QJsonObject &object)
{
    Response r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    r.headers.append(QPair<QByteArray, QByteArray>("Content-Type", "application/json"));
    return r;
}

Response Response::html(int status, const QString &page)
{
    Response r;
    r.status = status;
    r.body = page.toUtf8();
    r.headers.append(QPair<QByteArray, QByteArray>("Content-Type", "text/html; charset=utf-8"));
    // The pages are never framed (clickjacking) and never cached.
    r.headers.append(QPair<QByteArray, QByteArray>("X-Frame-Options", "DENY"));
    r.headers.append(QPair<QByteArray, QByteArray>("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"));
    r.headers.append(QPair<QByteArray, QByteArray>("Cache-Control", "no-store"));
    r.headers.append(QPair<QByteArray, QByteArray>("Referrer-Policy", "no-referrer"));
    return r;
}

Response Response::redirect(const QString &location, int status)
{
    Response r;
    r.status = status;
    r.headers.append(QPair<QByteArray, QByteArray>("Location", location.toUtf8()));
    r.headers.append(QPair<QByteArray, QByteArray>("Cache-Control", "no-store"));
    return r;
}

Response Response::text(int status, const QByteArray &body)
{
    Response r;
    r.status = status;
    r.body = body;
    r.headers.append(QPair<QByteArray, QByteArray>("Content-Type", "text/plain; charset=utf-8"));
    return r;
}

Response &Response::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append(QPair<QByteArray, QByteArray>(name, value));
    return *this;
}

Response &Response::replaceHeader(const QByteArray &name, const QByteArray &value)
{
    headers.removeIf([&name](const auto &header) { return header.first.compare(name, Qt::CaseInsensitive) == 0; });
    return withHeader(name, value);
}

Response &Response::noStore()
{
    headers.append(QPair<QByteArray, QByteArray>("Cache-Control", "no-store"));
    headers.append(QPair<QByteArray, QByteArray>("Pragma", "no-cache"));
    return *this;
}

Response &Response::withCookie(
    const QString &name, const QString &value, const QString &path, const QString &sameSite, bool secure, int maxAge)
{
    QString cookie = name + QLatin1Char('=') + value + QStringLiteral("; Path=") + path;
    if (maxAge >= 0)
        cookie += QStringLiteral("; Max-Age=%1").arg(maxAge);
    cookie += QStringLiteral("; HttpOnly; SameSite=") + sameSite;
    if (secure)
        cookie += QStringLiteral("; Secure");
    return withHeader("Set-Cookie", cookie.toLatin1());
}

QByteArray Response::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

} // namespace oauthdesk::oauth
