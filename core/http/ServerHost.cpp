#include "http/ServerHost.h"

#include "crypto/LocalCa.h"
#include "http/GuardedTcpServer.h"
#include "http/HttpServer.h"
#include "http/LogWriter.h"
#include "http/OAuthService.h"
#include "storage/Database.h"

#include <QHostAddress>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QThread>

namespace oauthdesk {

ServerHost::ServerHost(std::shared_ptr<Database> db, Config config)
    : m_db(std::move(db))
    , m_config(std::move(config))
{ }

ServerHost::~ServerHost()
{
    stop();
}

void ServerHost::start()
{
    // Group commit: writes of one event-loop turn share a transaction (see HttpServer).
    m_started = true;
    m_db->setBatching(true);
    // Checkpoints run on the log writer's thread, so their fsync never lands inside a request.
    QSqlQuery(m_db->connection()).exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
    m_logThread = new QThread;
    m_logThread->setObjectName(QStringLiteral("oauthdesk-log"));
    m_logWriter = new LogWriter(m_db);
    m_logWriter->moveToThread(m_logThread);
    m_logThread->start();
    QMetaObject::invokeMethod(m_logWriter, &LogWriter::start, Qt::QueuedConnection);
    m_http = new HttpServer(m_db, this);
    // QHttpServer 6.4 has no size, idle or connection limits of its own: the guard adds them.
    auto *tcp = new GuardedTcpServer(GuardedTcpServer::Limits{}, m_http);
    if (m_config.tls) {
        // QHttpServer's own sslSetup() does not reach a server given to bind(): the guard does the TLS.
        auto ca = crypto::LocalCa::ensure(m_config.tlsFolder());
        const QSslKey key = ca ? QSslKey(ca->serverKeyPem(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey) : QSslKey();
        if (!ca || key.isNull()) {
            abortStart(QStringLiteral("cannot set up TLS: %1")
                           .arg(ca ? QStringLiteral("the server key cannot be read") : ca.error().message));
            return;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(
            {QSslCertificate(ca->serverCertificatePem()), QSslCertificate(ca->caCertificatePem())});
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tcp->setTlsConfiguration(tls);
    }
    const QHostAddress address(m_config.bindAddress);
    if (!tcp->listen(address, m_config.port)) {
        const QString reason = tcp->serverError() == QAbstractSocket::AddressInUseError
            ? QStringLiteral("port %1 is in use").arg(m_config.port)
            : tcp->errorString();
        abortStart(
            QStringLiteral("cannot listen on %1:%2: %3").arg(m_config.bindAddress).arg(m_config.port).arg(reason));
        return;
    }
    m_http->bind(tcp);
    const quint16 port = tcp->serverPort();
    const QString issuer = m_config.effectiveIssuer(port);
    m_service = std::make_unique<OAuthService>(m_db, m_config, issuer);
    m_service->install(*m_http);
    connect(m_http, &HttpServer::requestsServed, this, &ServerHost::requestsServed);
    connect(m_http, &HttpServer::requestsServed, m_logWriter, &LogWriter::persist);
    connect(m_http, &HttpServer::committed, this, &ServerHost::tokensChanged);
    Q_EMIT started(issuer, port);
}

void ServerHost::stop()
{
    if (!m_started)
        return;
    m_started = false;
    if (m_http) {
        delete m_http; // flushes held responses and the log
        m_http = nullptr;
    }
    m_service.reset();
    m_db->commitBatch();
    m_db->setBatching(false);
    QSqlQuery(m_db->connection()).exec(QStringLiteral("PRAGMA wal_autocheckpoint=1000"));
    m_db->releaseThreadConnection();
    stopLogWriter();
    Q_EMIT stopped();
}

void ServerHost::abortStart(const QString &message)
{
    delete m_http;
    m_http = nullptr;
    m_db->setBatching(false);
    m_db->releaseThreadConnection();
    stopLogWriter();
    m_started = false;
    Q_EMIT failed(message);
}

void ServerHost::stopLogWriter()
{
    if (!m_logThread)
        return;
    // The last log batch was queued before this call, so it is written before finish() runs.
    QMetaObject::invokeMethod(m_logWriter, &LogWriter::finish, Qt::BlockingQueuedConnection);
    m_logThread->quit();
    m_logThread->wait();
    delete m_logWriter;
    delete m_logThread;
    m_logWriter = nullptr;
    m_logThread = nullptr;
}

} // namespace oauthdesk
