#include "http/HttpServer.h"

#include "http/GuardedTcpServer.h"
#include "storage/Database.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTcpSocket>

namespace oauthdesk {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        break;
    }
    return "UNKNOWN";
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// The Date header changes once a second; format it once a second.
QByteArray httpDate()
{
    static thread_local qint64 cachedSecond = -1;
    static thread_local QByteArray cached;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = QLocale::c()
                     .toString(QDateTime::fromSecsSinceEpoch(now, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
                     .toLatin1()
            + " GMT";
    }
    return cached;
}

} // namespace

HttpServer::HttpServer(std::shared_ptr<Database> db, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_db(std::move(db))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &HttpServer::flush);
    m_logTimer.setInterval(100);
    connect(&m_logTimer, &QTimer::timeout, this, [this] {
        if (!m_logBuffer.isEmpty()) {
            Q_EMIT requestsServed(m_logBuffer);
            m_logBuffer.clear();
        }
    });
    m_logTimer.start();
}

HttpServer::~HttpServer()
{
    flush();
    if (!m_logBuffer.isEmpty())
        Q_EMIT requestsServed(m_logBuffer);
}

void HttpServer::route(const QByteArrayList &methods, const QString &path, Handler handler)
{
    m_routes.insert(path, Route{methods, std::move(handler)});
}

void HttpServer::routePrefix(const QString &prefix, Handler handler)
{
    m_prefixRoutes.append({prefix, std::move(handler)});
}

void HttpServer::allowCrossOrigin(const QStringList &paths)
{
    m_crossOrigin.append(paths);
}

bool HttpServer::isCrossOriginAllowed(const QString &path) const
{
    for (const QString &allowed : m_crossOrigin)
        if (path == allowed || (allowed.endsWith(QLatin1Char('/')) && path.startsWith(allowed)))
            return true;
    return false;
}

oauth::Response HttpServer::dispatch(const oauth::Request &request) const
{
    const bool crossOrigin = isCrossOriginAllowed(request.path);
    if (crossOrigin && request.method == "OPTIONS") {
        // A CORS preflight (Fetch standard): single-page apps call these endpoints from their own origin.
        oauth::Response preflight;
        preflight.status = 204;
        preflight.withHeader("Access-Control-Allow-Origin", "*")
            .withHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .withHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, DPoP")
            .withHeader("Access-Control-Max-Age", "600");
        return preflight;
    }
    oauth::Response response = route(request);
    if (crossOrigin && !request.header("Origin").isEmpty() && response.header("Access-Control-Allow-Origin").isEmpty())
        response.withHeader("Access-Control-Allow-Origin", "*")
            .withHeader("Access-Control-Expose-Headers", "WWW-Authenticate");
    return response;
}

oauth::Response HttpServer::route(const oauth::Request &request) const
{
    const auto it = m_routes.constFind(request.path);
    if (it != m_routes.constEnd()) {
        const QByteArray method = request.method == "HEAD" ? QByteArray("GET") : request.method;
        if (it->methods.contains(method))
            return it->handler(request);
        QByteArrayList allowed = it->methods;
        if (allowed.contains("GET"))
            allowed.append("HEAD");
        return oauth::Response::json(405,
            {{QStringLiteral("error"), QStringLiteral("invalid_request")},
                {QStringLiteral("error_description"),
                    QStringLiteral("%1 is not allowed on %2").arg(QString::fromLatin1(request.method), request.path)}})
            .withHeader("Allow", allowed.join(", "));
    }
    for (const auto &[prefix, handler] : m_prefixRoutes)
        if (request.path.startsWith(prefix))
            return handler(request);
    return oauth::Response::json(404,
        {{QStringLiteral("error"), QStringLiteral("not_found")},
            {QStringLiteral("error_description"), QStringLiteral("no endpoint at %1").arg(request.path)}});
}

QByteArray HttpServer::serialize(const oauth::Response &response, bool headRequest, bool close)
{
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    for (const auto &[key, value] : response.headers) {
        // RFC 9112 §5.5: CR, LF and NUL never belong in a field; a value built from request data (a path, say)
        // must not be able to start a header line of its own.
        QByteArray safe = value;
        safe.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
        out += key + ": " + safe + "\r\n";
    }
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Date: " + httpDate() + "\r\n";
    out += "Server: OAuthDesk\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (!headRequest)
        out += response.body;
    return out;
}

bool HttpServer::handleRequest(const QHttpServerRequest &httpRequest, QTcpSocket *socket)
{
    // RFC 9112 §9.6: nothing pipelined behind a request that asked to close is processed; it gets no answer either.
    if (!GuardedTcpServer::admitRequest(socket))
        return true;
    Pending pending;
    pending.timer.start();
    pending.socket = socket;

    oauth::Request request;
    request.method = methodName(httpRequest.method());
    const QUrl url = httpRequest.url();
    request.path = url.path();
    request.query = oauth::FormParams::parse(url.query(QUrl::FullyEncoded).toUtf8());
    request.headers = httpRequest.headers();
    request.body = httpRequest.body();
    request.remoteAddress = httpRequest.remoteAddress().toString();
    if (request.isFormEncoded())
        request.form = oauth::FormParams::parse(request.body);

    const oauth::Response response = dispatch(request);

    pending.close = httpRequest.value("Connection").trimmed().toLower() == "close";
    pending.bytes = serialize(response, request.method == "HEAD", pending.close);
    pending.durable = m_db->inBatch();

    RequestLogEntry &entry = pending.entry;
    entry.atMs = Clock::nowMs();
    entry.method = request.method;
    entry.path = url.hasQuery() ? request.path + QLatin1Char('?') + url.query(QUrl::FullyEncoded) : request.path;
    entry.status = response.status;
    entry.clientId = response.clientId;
    entry.remote = request.remoteAddress;
    entry.requestHeaders = request.headers;
    entry.requestBody = request.body;
    entry.responseHeaders = response.headers;
    entry.responseBody = response.body;

    // Responses go out in request order: behind a held response on the same connection, wait too.
    if (pending.durable || m_pendingPerSocket.value(socket) > 0) {
        // The connection guard must not close a "Connection: close" or HTTP/1.0 connection before this is sent.
        GuardedTcpServer::setHeldResponses(socket, ++m_pendingPerSocket[socket]);
        m_pending.append(std::move(pending));
        if (!m_flushTimer.isActive())
            m_flushTimer.start();
    } else {
        send(pending);
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached: handleRequest() answers everything. Kept as a safe 404 all the same.
    Pending pending;
    pending.timer.start();
    pending.socket = socket;
    pending.bytes
        = serialize(oauth::Response::json(404, {{QStringLiteral("error"), QStringLiteral("not_found")}}), false, false);
    pending.entry.method = methodName(request.method());
    pending.entry.path = request.url().path();
    pending.entry.status = 404;
    send(pending);
}

void HttpServer::send(Pending &pending)
{
    if (pending.socket && pending.socket->state() == QAbstractSocket::ConnectedState) {
        pending.socket->write(pending.bytes);
        if (pending.close)
            pending.socket->disconnectFromHost();
    }
    pending.entry.id = m_nextLogId++;
    pending.entry.durationUs = pending.timer.nsecsElapsed() / 1000;
    m_logBuffer.append(pending.entry);
}

void HttpServer::flush()
{
    if (m_db->inBatch()) {
        if (auto ok = m_db->commitBatch(); !ok) {
            qWarning("oauthdesk: commit failed: %s", qPrintable(ok.error().message));
            // Nothing of this batch is on disk, so no response may claim it is.
            const oauth::Response unavailable = oauth::Response::json(503,
                {{QStringLiteral("error"), QStringLiteral("temporarily_unavailable")},
                    {QStringLiteral("error_description"),
                        QString(QStringLiteral("the database could not be written: ")
                            + ok.error().message)}}).withHeader("Retry-After", "1");
            for (Pending &p : m_pending) {
                if (p.durable) {
                    p.bytes = serialize(unavailable, false, p.close);
                    p.entry.status = 503;
                    p.entry.responseBody = unavailable.body;
                }
            }
        } else {
            Q_EMIT committed();
        }
    }
    QList<Pending> batch = std::move(m_pending);
    m_pending.clear();
    m_pendingPerSocket.clear();
    for (Pending &p : batch)
        if (p.socket)
            GuardedTcpServer::setHeldResponses(p.socket, 0);
    for (Pending &p : batch)
        send(p);
}

} // namespace oauthdesk
