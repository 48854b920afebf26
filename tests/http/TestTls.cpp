// `serve --tls`: the local CA, the localhost certificate, and real TLS handshakes that trust only that CA.
#include "crypto/LocalCa.h"
#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;

class TestTls final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    Config m_config;
    QString m_issuer;
    quint16 m_port = 0;

    QSslCertificate caCertificate() const
    {
        QFile file(crypto::LocalCa::caCertificateFile(m_config.tlsFolder()));
        if (!file.open(QIODevice::ReadOnly))
            return QSslCertificate();
        return QSslCertificate(file.readAll());
    }

    // GET over HTTPS trusting exactly `cas`; returns the HTTP status, or -(network error) when the request failed.
    int get(const QString &host, const QString &path, const QList<QSslCertificate> &cas, QByteArray *body = nullptr)
    {
        QNetworkAccessManager net;
        QNetworkRequest request(QUrl(QStringLiteral("https://%1:%2%3").arg(host).arg(m_port).arg(path)));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(cas); // not the system store: only what the test trusts
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        request.setSslConfiguration(tls);
        QNetworkReply *reply = net.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(15000))
            return -9999;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (body)
            *body = reply->readAll();
        const int result = reply->error() == QNetworkReply::NoError ? status : -int(reply->error());
        delete reply;
        return result;
    }

    void startServer()
    {
        m_server = new ServerController(m_db);
        QSignalSpy started(m_server, &ServerController::started);
        QSignalSpy failed(m_server, &ServerController::failed);
        m_server->start(m_config);
        QVERIFY2(started.wait(20000), failed.isEmpty() ? "no start" : qPrintable(failed.first().at(0).toString()));
        m_issuer = started.first().at(0).toString();
        m_port = quint16(started.first().at(1).toUInt());
    }

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        m_config = Config();
        m_config.dbPath = m_dir->filePath(QStringLiteral("data/oauthdesk.sqlite"));
        m_config.port = 0;
        m_config.tls = true;
        auto db = Database::open(m_config.dbPath);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = *db;
        startServer();
    }

    void cleanup()
    {
        delete m_server;
        m_server = nullptr;
        m_db.reset();
        delete m_dir;
    }

    void cookiesAreSecureOverHttps()
    {
        // The login page sets the CSRF cookie; over https it must never be sent back over plain http.
        Client c;
        c.clientId = QStringLiteral("web");
        c.name = QStringLiteral("Web");
        c.redirectUris = {QStringLiteral("https://localhost:3000/cb")};
        QVERIFY(ClientStore(m_db).add(c));
        QNetworkAccessManager net;
        QNetworkRequest request(
            QUrl(QStringLiteral("https://localhost:%1/oauth/authorize?client_id=web&response_type=code").arg(m_port)));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({caCertificate()});
        request.setSslConfiguration(tls);
        QNetworkReply *reply = net.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || finished.wait(15000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QByteArray cookie = reply->rawHeader("Set-Cookie");
        QVERIFY2(cookie.startsWith("oauthdesk_csrf=") && cookie.endsWith("; Secure"), cookie.constData());
        delete reply;
    }

    void issuerIsHttps()
    {
        QCOMPARE(m_issuer, QStringLiteral("https://127.0.0.1:%1").arg(m_port));
        QByteArray body;
        QCOMPARE(get(QStringLiteral("127.0.0.1"), QStringLiteral("/.well-known/oauth-authorization-server"),
                     {caCertificate()}, &body),
            200);
        QVERIFY2(body.contains("\"token_endpoint\":\"https://127.0.0.1:"), body.constData());
    }

    void certificatesAreWhatTheySay()
    {
        const QString folder = m_config.tlsFolder();
        QCOMPARE(QFileInfo(folder).absolutePath(), QFileInfo(m_config.dbPath).absolutePath());
        const QSslCertificate ca = caCertificate();
        QVERIFY(!ca.isNull());
        QCOMPARE(ca.subjectInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("OAuthDesk local CA")});
        QVERIFY(ca.expiryDate() > QDateTime::currentDateTimeUtc().addDays(3640));
        QVERIFY(ca.isSelfSigned());

        QFile serverFile(QDir(folder).filePath(QStringLiteral("server.pem")));
        QVERIFY(serverFile.open(QIODevice::ReadOnly));
        const QSslCertificate server(serverFile.readAll());
        QVERIFY(!server.isNull());
        const auto names = server.subjectAlternativeNames();
        QVERIFY(names.values(QSsl::DnsEntry).contains(QStringLiteral("localhost")));
        QVERIFY(names.values(QSsl::IpAddressEntry).contains(QStringLiteral("127.0.0.1")));
        const qint64 days = QDateTime::currentDateTimeUtc().daysTo(server.expiryDate());
        QVERIFY2(days >= 396 && days <= 397, qPrintable(QString::number(days)));
        QCOMPARE(server.issuerInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("OAuthDesk local CA")});

        for (const char *key : {"ca-key.pem", "server-key.pem"}) {
            const QFileInfo info(QDir(folder).filePath(QLatin1String(key)));
            QVERIFY(info.exists());
            QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
                QFile::Permissions());
        }
    }

    void handshakeTrustsOnlyTheLocalCa()
    {
        const QSslCertificate ca = caCertificate();
        QByteArray body;
        QCOMPARE(get(QStringLiteral("127.0.0.1"), QStringLiteral("/healthz"), {ca}, &body), 200);
        QVERIFY(body.contains("\"ok\""));
        QCOMPARE(get(QStringLiteral("localhost"), QStringLiteral("/healthz"), {ca}), 200);
        // The same server without the CA trusted: verification must fail, which shows it really happens.
        QCOMPARE(get(QStringLiteral("127.0.0.1"), QStringLiteral("/healthz"), {}),
            -int(QNetworkReply::SslHandshakeFailedError));
    }

    void guardSeesDecryptedBytes()
    {
        // A body over the limit announced inside the TLS stream is refused by the guard with 413.
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({caCertificate()});
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port, QStringLiteral("localhost"));
        QVERIFY2(socket.waitForEncrypted(10000), qPrintable(socket.errorString()));
        socket.write(
            "POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 999999999\r\n\r\n");
        QByteArray answer;
        QElapsedTimer timer;
        timer.start();
        while (!answer.contains("\r\n\r\n") && timer.elapsed() < 10000) {
            socket.waitForReadyRead(500);
            answer += socket.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    }

    void plainHttpGetsNoAnswer()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        socket.waitForReadyRead(2000);
        QVERIFY(!socket.readAll().startsWith("HTTP/1.1 200"));
    }

    void restartKeepsTheCa()
    {
        const QByteArray before = caCertificate().toPem();
        delete m_server;
        m_server = nullptr;
        startServer();
        QCOMPARE(caCertificate().toPem(), before);
        QCOMPARE(get(QStringLiteral("localhost"), QStringLiteral("/healthz"), {caCertificate()}), 200);
    }

    void curlVerifiesWithTheExportedCa()
    {
        const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
        if (curl.isEmpty())
            QSKIP("curl is not installed");
        // The same PEM the command line exports.
        QProcess exporter;
        const QString caOut = m_dir->filePath(QStringLiteral("exported-ca.pem"));
        exporter.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("tls"), QStringLiteral("export-ca"), caOut, QStringLiteral("--db"), m_config.dbPath});
        QVERIFY(exporter.waitForFinished(20000));
        QCOMPARE(exporter.exitCode(), 0);
        QFile exported(caOut);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QCOMPARE(QSslCertificate(exported.readAll()), caCertificate());

        QProcess process;
        process.start(curl,
            {QStringLiteral("-sS"), QStringLiteral("--cacert"), caOut,
                QStringLiteral("https://localhost:%1/healthz").arg(m_port)});
        QVERIFY(process.waitForFinished(20000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QVERIFY(process.readAllStandardOutput().contains("\"ok\""));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "TestTls.moc"
