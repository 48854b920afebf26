#pragma once

#include "http/RequestLogEntry.h"
#include "storage/Config.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace oauthdesk {

class Database;
class ServerHost;

// Owns the server thread. Lives on the caller's (GUI) thread and never blocks it: start and stop are queued
// to the worker, and every outcome comes back as a queued signal.
class ServerController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerController)

public:
    enum class State { Stopped, Starting, Running, Stopping };
    Q_ENUM(State)

    explicit ServerController(std::shared_ptr<Database> db, QObject *parent = nullptr);
    ~ServerController() override;

    void start(const Config &config);
    void stop();
    State state() const { return m_state; }
    QString issuer() const { return m_issuer; }
    quint16 port() const { return m_port; }
    const Config &config() const { return m_config; }

Q_SIGNALS:
    void started(const QString &issuer, quint16 port);
    void failed(const QString &message);
    void stopped();
    void stateChanged(oauthdesk::ServerController::State state);
    void requestsServed(const QList<oauthdesk::RequestLogEntry> &entries);
    void tokensChanged();

private:
    void setState(State state);
    void teardown();

    std::shared_ptr<Database> m_db;
    Config m_config;
    QThread *m_thread = nullptr;
    ServerHost *m_host = nullptr;
    State m_state = State::Stopped;
    QString m_issuer;
    quint16 m_port = 0;
    bool m_restartPending = false;
    Config m_restartConfig;
};

} // namespace oauthdesk
