#pragma once

#include "http/RequestLogEntry.h"
#include "oauth/Message.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class QTcpSocket;

namespace oauthdesk {

class Database;

// QHttpServer used as a transport only: our own router, our own response bytes, and group commit.
// A response whose handler wrote to the database is held until one COMMIT covers every such response of the
// same event-loop turn; only then are they sent, so no client ever holds a token that is not on disk.
class HttpServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    using Handler = std::function<oauth::Response(const oauth::Request &)>;

    explicit HttpServer(std::shared_ptr<Database> db, QObject *parent = nullptr);
    ~HttpServer() override;

    // An exact path for the listed methods ("GET", "POST"); HEAD is served wherever GET is.
    void route(const QByteArrayList &methods, const QString &path, Handler handler);
    // Every path under `prefix` (e.g. "/api/") for any method.
    void routePrefix(const QString &prefix, Handler handler);
    // Paths (and prefixes ending in '/') that browser applications may call from any origin (CORS): answers
    // preflight OPTIONS requests and adds Access-Control-Allow-Origin to their responses.
    void allowCrossOrigin(const QStringList &paths);
    bool isCrossOriginAllowed(const QString &path) const;

    // Turns an oauth::Response into HTTP/1.1 bytes. Public for tests.
    static QByteArray serialize(const oauth::Response &response, bool headRequest, bool close);

Q_SIGNALS:
    // Every 100 ms, what was served since: for the window, the JSON log and the log writer.
    void requestsServed(const QList<oauthdesk::RequestLogEntry> &entries);
    void committed(); // a batch of writes reached the database

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route
    {
        QByteArrayList methods;
        Handler handler;
    };
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        QByteArray bytes;
        bool close = false;
        RequestLogEntry entry;
        QElapsedTimer timer;
        bool durable = false; // the response depends on the batch being committed
    };

    oauth::Response dispatch(const oauth::Request &request) const;
    oauth::Response route(const oauth::Request &request) const;
    void flush();
    void send(Pending &pending);

    std::shared_ptr<Database> m_db;
    QHash<QString, Route> m_routes;
    QList<QPair<QString, Handler>> m_prefixRoutes;
    QStringList m_crossOrigin;
    QList<Pending> m_pending;
    QHash<QTcpSocket *, int> m_pendingPerSocket;
    QTimer m_flushTimer;
    QTimer m_logTimer;
    QList<RequestLogEntry> m_logBuffer;
    qint64 m_nextLogId = 1;
};

} // namespace oauthdesk
