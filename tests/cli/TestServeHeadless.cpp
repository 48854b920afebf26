// `oauthdesk serve --headless` as CI runs it: the real binary, seed files, --ephemeral, --log-json, SIGTERM.
#include "storage/Database.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;

class TestServeHeadless final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;

    QString path(const QString &name) const { return m_dir->filePath(name); }

    // A process environment that keeps every default location (data folder, temp folder) inside the test folder.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), path(QStringLiteral("home")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("home/data")));
        env.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
        return env;
    }

    void writeFile(const QString &name, const QByteArray &bytes)
    {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(bytes);
    }

    // Starts serve; returns the port once it printed "listening on", or 0.
    quint16 start(QProcess &process, const QStringList &arguments)
    {
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(OAUTHDESK_BINARY),
            QStringList{
                QStringLiteral("serve"), QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0")}
                + arguments);
        if (!process.waitForStarted(10000))
            return 0;
        static const QRegularExpression listening(QStringLiteral("listening on https?://[^:]+:(\\d+)"));
        QByteArray seen;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 20000 && process.state() == QProcess::Running) {
            process.waitForReadyRead(200);
            seen += process.readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(seen));
            if (match.hasMatch()) {
                m_stdout = seen;
                return quint16(match.captured(1).toUInt());
            }
        }
        qWarning("serve did not start: %s %s", seen.constData(), process.readAllStandardError().constData());
        return 0;
    }

    // Sends SIGTERM and returns the exit code (-1 when it did not exit normally).
    int stop(QProcess &process)
    {
        process.terminate();
        if (!process.waitForFinished(15000)) {
            process.kill();
            process.waitForFinished(5000);
            return -1;
        }
        m_stdout += process.readAllStandardOutput();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    int request(const QString &method, const QUrl &url, const QByteArray &form = {}, QByteArray *body = nullptr)
    {
        QNetworkAccessManager net;
        QNetworkRequest r(url);
        QNetworkReply *reply = nullptr;
        if (method == QLatin1String("POST")) {
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            reply = net.post(r, form);
        } else {
            reply = net.get(r);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (body)
            *body = reply->readAll();
        delete reply;
        return status;
    }

    // Every row of the clients and users tables, as text: what "unchanged" means.
    QString dump(const QString &dbPath)
    {
        auto db = Database::open(dbPath);
        if (!db)
            return QStringLiteral("cannot open: ") + db.error().message;
        QString out;
        for (const char *table : {"clients", "users"}) {
            QSqlQuery q((*db)->connection());
            if (!q.exec(QStringLiteral("SELECT * FROM %1 ORDER BY 1").arg(QLatin1String(table))))
                return QStringLiteral("cannot read ") + QLatin1String(table);
            while (q.next())
                for (int i = 0; i < q.record().count(); ++i)
                    out += q.record().fieldName(i) + QLatin1Char('=') + q.value(i).toString() + QLatin1Char('\n');
        }
        return out;
    }

    QByteArray m_stdout;

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        QVERIFY(QDir().mkpath(path(QStringLiteral("tmp"))));
        QVERIFY(QDir().mkpath(path(QStringLiteral("home/data"))));
        m_stdout.clear();
    }

    void cleanup() { delete m_dir; }

    void seedingTwiceChangesNothing()
    {
        const QString seed = QStringLiteral(OAUTHDESK_SOURCE_DIR) + QStringLiteral("/docs/examples/seed.json");
        const QString db = path(QStringLiteral("ci.sqlite"));
        QString first;
        for (int run = 0; run < 2; ++run) {
            QProcess process;
            const quint16 port = start(process, {QStringLiteral("--db"), db, QStringLiteral("--seed"), seed});
            QVERIFY(port > 0);
            QCOMPARE(
                request(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1:%1/healthz").arg(port))), 200);
            QCOMPARE(stop(process), 0);
            const QByteArray err = process.readAllStandardError();
            if (run == 0) {
                QVERIFY2(err.contains("3 clients added, 0 updated; 2 users added, 0 updated"), err.constData());
                first = dump(db);
                QVERIFY(first.contains(QLatin1String("client_id=ci-web")));
            } else {
                QVERIFY2(
                    err.contains("0 clients added, 0 updated; 0 users added, 0 updated; 5 unchanged"), err.constData());
                QCOMPARE(dump(db), first);
            }
        }
    }

    void badSeedNamesTheEntry()
    {
        writeFile(QStringLiteral("bad.json"), R"({"oauthdesk_export":1,"clients":[
            {"client_id":"fine","client_name":"Fine","grant_types":["client_credentials"],"client_secret":"s"},
            {"client_id":"my-app","client_name":"My app","grant_types":["authorization_code"],"redirect_uris":["not a uri"]}
        ],"users":[]})");
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("serve"), QStringLiteral("--headless"), QStringLiteral("--ephemeral"),
                QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--seed"),
                path(QStringLiteral("bad.json"))});
        QVERIFY(process.waitForFinished(20000));
        QVERIFY(process.exitCode() != 0);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("clients[1] (my-app): "), err.constData());

        writeFile(QStringLiteral("broken.json"), "{\"clients\": [");
        process.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("serve"), QStringLiteral("--ephemeral"), QStringLiteral("--port"), QStringLiteral("0"),
                QStringLiteral("--seed"), path(QStringLiteral("broken.json"))});
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("not valid JSON"));
    }

    void ephemeralLeavesNothingBehind()
    {
        QProcess process;
        const quint16 port = start(process,
            {QStringLiteral("--ephemeral"), QStringLiteral("--seed"),
                QStringLiteral(OAUTHDESK_SOURCE_DIR) + QStringLiteral("/docs/examples/seed.json")});
        QVERIFY(port > 0);
        // While it runs, the database is in the temporary folder ...
        QDirIterator running(path(QStringLiteral("tmp")), QDir::Files, QDirIterator::Subdirectories);
        QVERIFY(running.hasNext());
        QCOMPARE(request(QStringLiteral("GET"), QUrl(QStringLiteral("http://127.0.0.1:%1/healthz").arg(port))), 200);
        QCOMPARE(stop(process), 0);
        // ... and afterwards nothing is left, there or in the data folder.
        for (const QString &folder : {QStringLiteral("tmp"), QStringLiteral("home")}) {
            QDirIterator it(path(folder), QDir::Files, QDirIterator::Subdirectories);
            QVERIFY2(!it.hasNext(), qPrintable(it.hasNext() ? it.next() : QString()));
        }
    }

    void logJsonMasksSecrets()
    {
        QProcess process;
        const quint16 port = start(process,
            {QStringLiteral("--ephemeral"), QStringLiteral("--log-json"), QStringLiteral("--seed"),
                QStringLiteral(OAUTHDESK_SOURCE_DIR) + QStringLiteral("/docs/examples/seed.json")});
        QVERIFY(port > 0);
        QByteArray body;
        QCOMPARE(request(QStringLiteral("POST"), QUrl(QStringLiteral("http://127.0.0.1:%1/oauth/token").arg(port)),
                     "grant_type=client_credentials&client_id=ci-backend&client_secret=ci-backend-secret", &body),
            200);
        const QString token = QJsonDocument::fromJson(body).object().value(QStringLiteral("access_token")).toString();
        QVERIFY(token.size() > 8);
        // The log is written in batches; wait for the line of this request.
        QElapsedTimer timer;
        timer.start();
        while (!m_stdout.contains("/oauth/token") && timer.elapsed() < 10000) {
            process.waitForReadyRead(200);
            m_stdout += process.readAllStandardOutput();
        }
        QCOMPARE(stop(process), 0);
        QVERIFY2(m_stdout.contains("/oauth/token"), m_stdout.constData());
        QVERIFY2(!m_stdout.contains("ci-backend-secret"), m_stdout.constData());
        QVERIFY(!m_stdout.contains(token.toUtf8()));
        int jsonLines = 0;
        for (const QByteArray &line : m_stdout.split('\n')) {
            if (!line.startsWith('{'))
                continue;
            QJsonParseError error;
            QJsonDocument::fromJson(line, &error);
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            ++jsonLines;
        }
        QVERIFY(jsonLines >= 1);
    }
};

QTEST_GUILESS_MAIN(TestServeHeadless)
#include "TestServeHeadless.moc"
