#pragma once

#include "http/RequestLogEntry.h"
#include "storage/Config.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace oauthdesk {

class Database;
class HttpServer;
class LogWriter;
class OAuthService;

// Everything that lives on the server thread: the listening socket, the HTTP server and the OAuth endpoints.
class ServerHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerHost)

public:
    ServerHost(std::shared_ptr<Database> db, Config config);
    ~ServerHost() override;

public Q_SLOTS:
    void start();
    void stop();

Q_SIGNALS:
    void started(const QString &issuer, quint16 port);
    void failed(const QString &message);
    void stopped();
    void requestsServed(const QList<oauthdesk::RequestLogEntry> &entries);
    void tokensChanged();

private:
    std::shared_ptr<Database> m_db;
    Config m_config;
    void abortStart(const QString &message);
    void stopLogWriter();

    HttpServer *m_http = nullptr;
    QThread *m_logThread = nullptr;
    LogWriter *m_logWriter = nullptr;
    bool m_started = false;
    std::unique_ptr<OAuthService> m_service;
};

} // namespace oauthdesk
