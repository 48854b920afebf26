#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace oauthdesk {

class ConnectionWatcher;

// The QTcpServer handed to QHttpServer::bind(): it enforces the body, header, idle and connection limits
// that Qt 6.4's QHttpServer lacks, by peeking at each socket before QHttpServer reads it.
//
// Wiring, on the thread that owns the QHttpServer:
//     auto *tcp = new GuardedTcpServer(limits);
//     if (!tcp->listen(address, port)) ...;   // bind() in 6.4 does not listen for us
//     httpServer->bind(tcp);                  // reparents tcp to the QHttpServer
//
// Requests with Transfer-Encoding are refused with 411: OAuth clients send small forms with Content-Length,
// and following chunk sizes to enforce maxBodyBytes is more parser than the feature is worth.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    struct Limits
    {
        qint64 maxBodyBytes = 1024 * 1024;
        int maxHeaderBytes = 64 * 1024; // request line and header fields, up to the empty line
        int idleTimeoutMs = 30000; // no bytes read or written for this long closes the connection
        int maxConnections = 256;
    };

    explicit GuardedTcpServer(QObject *parent = nullptr);
    explicit GuardedTcpServer(const Limits &limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    [[nodiscard]] const Limits &limits() const { return m_limits; }
    // Takes effect for bytes and connections that arrive afterwards.
    void setLimits(const Limits &limits);

    // With a configuration holding a certificate and key, every accepted connection is a QSslSocket in server
    // mode; QHttpServer and the watchers then read the decrypted bytes. Must be set before connections arrive.
    void setTlsConfiguration(const QSslConfiguration &configuration);
    [[nodiscard]] bool usesTls() const { return m_tls; }

    // Connections handed to QHttpServer that are not yet closed.
    [[nodiscard]] int openConnections() const;

    // A server that answers later (HttpServer holds responses until their group commit) marks the socket with the
    // number of answers it still owes; a connection that must close after its last request waits for them.
    static void setHeldResponses(QTcpSocket *socket, int count);
    [[nodiscard]] static int heldResponses(const QTcpSocket *socket);
    // Called by the HTTP layer once per parsed request, in order. False for every request after the one that asked
    // to close the connection ("Connection: close", or HTTP/1.0 without keep-alive): RFC 9112 §9.6 forbids
    // processing them.
    [[nodiscard]] static bool admitRequest(QTcpSocket *socket);

signals:
    // A connection or request was refused; reason is a short English phrase for logs.
    void connectionRejected(const QString &reason);
    void connectionTimedOut();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    friend class ConnectionWatcher;

    void refuseOverCapacity(qintptr socketDescriptor);
    void sweepIdleConnections();
    void restartSweepTimer();
    [[nodiscard]] qint64 nowMs() const { return m_clock.elapsed(); }

    Limits m_limits;
    QElapsedTimer m_clock;
    QTimer m_sweepTimer;
    // Watchers are children of their sockets, so QHttpServer deleting a socket deletes its watcher too.
    QList<QPointer<ConnectionWatcher>> m_watchers;
    QSslConfiguration m_tlsConfiguration;
    bool m_tls = false;
};

} // namespace oauthdesk
