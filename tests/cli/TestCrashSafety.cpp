// Nothing is lost: every token a client received survives the server being killed (SIGKILL) mid-load.

#include "storage/Database.h"
#include "storage/TokenStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace oauthdesk;

class TestCrashSafety final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokensAnsweredBeforeAKillAreOnDisk()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("crash.sqlite"));
        QProcess add;
        add.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("--db"), db, QStringLiteral("client"), QStringLiteral("add"), QStringLiteral("--name"),
                QStringLiteral("load"), QStringLiteral("--id"), QStringLiteral("load"), QStringLiteral("--secret"),
                QStringLiteral("s3cret"), QStringLiteral("--grant"), QStringLiteral("client_credentials")});
        QVERIFY(add.waitForFinished(30000));
        QCOMPARE(add.exitCode(), 0);

        QProcess server;
        server.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("--db"), db, QStringLiteral("serve"), QStringLiteral("--headless"),
                QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(server.waitForReadyRead(10000));
        const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)"))
                               .match(QString::fromLatin1(server.readLine()));
        QVERIFY(match.hasMatch());
        const QUrl tokenUrl(match.captured(1) + QStringLiteral("/oauth/token"));

        // 16 requests in flight at a time, like a load test; the server is killed while they run.
        QNetworkAccessManager nam;
        QSet<QString> received;
        int inFlight = 0;
        int sent = 0;
        bool killed = false;
        std::function<void()> sendOne = [&] {
            QNetworkRequest request(tokenUrl);
            request.setHeader(
                QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            request.setRawHeader("Authorization", "Basic " + QByteArrayLiteral("load:s3cret").toBase64());
            QNetworkReply *reply = nam.post(request, QByteArrayLiteral("grant_type=client_credentials"));
            ++inFlight;
            ++sent;
            connect(reply, &QNetworkReply::finished, this, [&, reply] {
                --inFlight;
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                    received.insert(QJsonDocument::fromJson(reply->readAll())
                                        .object()
                                        .value(QStringLiteral("access_token"))
                                        .toString());
                reply->deleteLater();
                if (!killed && received.size() >= 600) {
                    killed = true;
                    ::kill(static_cast<pid_t>(server.processId()), SIGKILL);
                }
                if (!killed && sent < 5000)
                    sendOne();
            });
        };
        for (int i = 0; i < 16; ++i)
            sendOne();
        QTRY_VERIFY_WITH_TIMEOUT(killed && inFlight == 0, 60000);
        if (server.state() != QProcess::NotRunning)
            QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);

        // Reopen the file as the next start would, and look for every token a client got.
        auto opened = Database::open(db);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        TokenStore tokens(*opened);
        int missing = 0;
        for (const QString &value : std::as_const(received))
            missing += !tokens.findByValue(TokenKind::AccessToken, value).has_value();
        QVERIFY2(received.size() >= 600, qPrintable(QString::number(received.size())));
        QVERIFY2(missing == 0,
            qPrintable(QStringLiteral("%1 of %2 answered tokens were lost").arg(missing).arg(received.size())));
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "TestCrashSafety.moc"
