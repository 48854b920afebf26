#include "http/ServerController.h"

#include "http/ServerHost.h"
#include "storage/Database.h"

namespace oauthdesk {

ServerController::ServerController(std::shared_ptr<Database> db, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
{
    qRegisterMetaType<QList<oauthdesk::RequestLogEntry>>();
    qRegisterMetaType<oauthdesk::ServerController::State>();
}

ServerController::~ServerController()
{
    if (m_thread) {
        // Stop on the worker, then join: the host's sockets and connection belong to that thread.
        if (m_host)
            QMetaObject::invokeMethod(m_host, &ServerHost::stop, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
        delete m_host;
        delete m_thread;
    }
}

void ServerController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ServerController::start(const Config &config)
{
    if (m_state == State::Running || m_state == State::Starting) {
        // A restart with new settings: stop first, start again once stopped.
        m_restartPending = true;
        m_restartConfig = config;
        stop();
        return;
    }
    if (m_state == State::Stopping) {
        m_restartPending = true;
        m_restartConfig = config;
        return;
    }
    m_config = config;
    setState(State::Starting);
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("oauthdesk-server"));
    m_host = new ServerHost(m_db, config);
    m_host->moveToThread(m_thread);
    connect(m_host, &ServerHost::started, this, [this](const QString &issuer, quint16 port) {
        m_issuer = issuer;
        m_port = port;
        setState(State::Running);
        Q_EMIT started(issuer, port);
    });
    connect(m_host, &ServerHost::failed, this, [this](const QString &message) {
        teardown();
        setState(State::Stopped);
        Q_EMIT failed(message);
    });
    connect(m_host, &ServerHost::stopped, this, [this] {
        if (m_state != State::Stopping)
            return;
        teardown();
        setState(State::Stopped);
        Q_EMIT stopped();
        if (m_restartPending) {
            m_restartPending = false;
            start(m_restartConfig);
        }
    });
    connect(m_host, &ServerHost::requestsServed, this, &ServerController::requestsServed);
    connect(m_host, &ServerHost::tokensChanged, this, &ServerController::tokensChanged);
    m_thread->start();
    QMetaObject::invokeMethod(m_host, &ServerHost::start, Qt::QueuedConnection);
}

void ServerController::stop()
{
    if (!m_thread || m_state == State::Stopping)
        return;
    setState(State::Stopping);
    QMetaObject::invokeMethod(m_host, &ServerHost::stop, Qt::QueuedConnection);
}

void ServerController::teardown()
{
    if (!m_thread)
        return;
    QThread *thread = m_thread;
    ServerHost *host = m_host;
    m_thread = nullptr;
    m_host = nullptr;
    // The host is deleted on its own thread as the thread ends; nothing here waits for it.
    connect(thread, &QThread::finished, host, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->quit();
    m_issuer.clear();
    m_port = 0;
}

} // namespace oauthdesk
