// The command line end to end: runs the built binary and checks its output, files and exit codes.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    Run run(QStringList args, const QString &db = {})
    {
        QProcess p;
        args.prepend(db.isEmpty() ? m_db : db);
        args.prepend(QStringLiteral("--db"));
        p.start(QStringLiteral(OAUTHDESK_BINARY), args);
        if (!p.waitForFinished(30000)) {
            p.kill();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
    }

private Q_SLOTS:
    void init()
    {
        m_db = m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
    }

    void clientAddThenListShowsSecretAndRedirects()
    {
        Run add = run({QStringLiteral("client"), QStringLiteral("add"), QStringLiteral("--name"),
            QStringLiteral("Web App"), QStringLiteral("--redirect-uri"),
            QStringLiteral("http://localhost:3000/callback"), QStringLiteral("--redirect-uri"),
            QStringLiteral("http://localhost:3000/other"), QStringLiteral("--json")});
        QVERIFY2(add.code == 0, add.err.constData());
        const QJsonObject added = QJsonDocument::fromJson(add.out).object();
        const QString id = added.value(QStringLiteral("client_id")).toString();
        const QString secret = added.value(QStringLiteral("client_secret")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(secret.size(), 43);
        QCOMPARE(added.value(QStringLiteral("token_endpoint_auth_method")).toString(),
            QStringLiteral("client_secret_basic"));
        QCOMPARE(added.value(QStringLiteral("grant_types")).toArray(),
            (QJsonArray{QStringLiteral("authorization_code"), QStringLiteral("refresh_token")}));

        Run list = run({QStringLiteral("client"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.code, 0);
        const QJsonArray clients = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(clients.size(), 1);
        const QJsonObject c = clients.first().toObject();
        QCOMPARE(c.value(QStringLiteral("client_id")).toString(), id);
        QCOMPARE(c.value(QStringLiteral("client_secret")).toString(), secret);
        QCOMPARE(c.value(QStringLiteral("client_name")).toString(), QStringLiteral("Web App"));
        QCOMPARE(c.value(QStringLiteral("redirect_uris")).toArray().size(), 2);

        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(m_db).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
    }

    void badInputExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString add = QStringLiteral("client add --name X --redirect-uri http://localhost/cb");
        QTest::newRow("relative redirect URI")
            << QStringLiteral("client add --name X --redirect-uri /cb").split(QLatin1Char(' '))
            << "not an absolute URI";
        QTest::newRow("unknown grant") << QString(add + QStringLiteral(" --grant implicit")).split(QLatin1Char(' '))
                                       << "unknown grant type";
        QTest::newRow("unknown auth method")
            << QString(add + QStringLiteral(" --auth-method magic")).split(QLatin1Char(' '))
            << "unknown token endpoint auth method";
        QTest::newRow("secret and public")
            << QString(add + QStringLiteral(" --public --secret x")).split(QLatin1Char(' ')) << "exclude";
        QTest::newRow("no name")
            << QStringLiteral("client add --redirect-uri http://localhost/cb").split(QLatin1Char(' ')) << "--name";
        QTest::newRow("unknown client") << QStringLiteral("client show nope").split(QLatin1Char(' '))
                                        << "no client 'nope'";
        QTest::newRow("unknown user") << QStringLiteral("user remove nobody").split(QLatin1Char(' '))
                                      << "no user 'nobody'";
        QTest::newRow("unknown auto-approve user")
            << QString(add + QStringLiteral(" --auto-approve ghost")).split(QLatin1Char(' ')) << "no user 'ghost'";
        QTest::newRow("unknown command") << QStringLiteral("frobnicate").split(QLatin1Char(' ')) << "unknown command";
        QTest::newRow("unknown option") << QStringLiteral("client list --bogus").split(QLatin1Char(' ')) << "bogus";
        QTest::newRow("token list for unknown client")
            << QStringLiteral("token list --client nope").split(QLatin1Char(' ')) << "no client 'nope'";
        QTest::newRow("bad claim") << QStringLiteral("user add dave --claim novalue").split(QLatin1Char(' '))
                                   << "key=value";
        QTest::newRow("bad port") << QStringLiteral("serve --headless --port 99999").split(QLatin1Char(' '))
                                  << "--port";
    }

    void badInputExitsWithTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        Run r = run(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY2(r.err.trimmed().count('\n') == 0, "the error is one line");
        QVERIFY(r.out.isEmpty());
        // Nothing half-written: no client exists afterwards.
        Run list = run({QStringLiteral("client"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(list.out).array().size(), 0);
    }

    void duplicateIdExitsWithTwo()
    {
        const QStringList add = QStringLiteral("client add --name X --id same --redirect-uri http://localhost/cb")
                                    .split(QLatin1Char(' '));
        QCOMPARE(run(add).code, 0);
        Run again = run(add);
        QCOMPARE(again.code, 2);
        QVERIFY(again.err.contains("exists already"));
    }

    void unwritableDatabaseExitsWithTwo()
    {
        Run r = run({QStringLiteral("client"), QStringLiteral("list")}, QStringLiteral("/proc/nope/db.sqlite"));
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("oauthdesk: "));
    }

    void newerDatabaseIsRefused()
    {
        QCOMPARE(run({QStringLiteral("client"), QStringLiteral("list")}).code, 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
            db.setDatabaseName(m_db);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 42"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("bump"));
        Run r = run({QStringLiteral("client"), QStringLiteral("list")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("newer OAuthDesk"), r.err.constData());
    }

    void usersTokensAndRevoke()
    {
        Run user = run(QStringLiteral("user add alice --password pw --claim email=alice@example.com --claim "
                                      "groups=[\"admin\",\"dev\"] --claim email_verified=true --json")
                           .split(QLatin1Char(' ')));
        QVERIFY2(user.code == 0, user.err.constData());
        const QJsonObject claims
            = QJsonDocument::fromJson(user.out).object().value(QStringLiteral("claims")).toObject();
        QCOMPARE(claims.value(QStringLiteral("groups")).toArray().size(), 2);
        QCOMPARE(claims.value(QStringLiteral("email_verified")).toBool(), true);
        QCOMPARE(claims.value(QStringLiteral("email")).toString(), QStringLiteral("alice@example.com"));
        Run users = run({QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(users.out).array().size(), 1);
        QVERIFY(!users.out.contains("pbkdf2")); // never prints password hashes

        QCOMPARE(run(QStringLiteral("token list --json").split(QLatin1Char(' '))).out.trimmed(), QByteArray("[\n]"));
        QCOMPARE(run(QStringLiteral("token revoke").split(QLatin1Char(' '))).code, 2);
        Run revoke = run(QStringLiteral("token revoke --user alice").split(QLatin1Char(' ')));
        QCOMPARE(revoke.code, 0);
        QVERIFY(revoke.out.contains("revoked 0 tokens"));
        QCOMPARE(run(QStringLiteral("user remove alice").split(QLatin1Char(' '))).code, 0);
        QCOMPARE(run(QStringLiteral("user remove alice").split(QLatin1Char(' '))).code, 2);
    }

    void exportFormats()
    {
        run(QStringLiteral(
            "client add --name Exp --id exp --secret sh --redirect-uri http://localhost:5000/cb --scope read")
                .split(QLatin1Char(' ')));
        Run env = run(
            QStringLiteral("client export exp --format env --issuer http://127.0.0.1:9999").split(QLatin1Char(' ')));
        QCOMPARE(env.code, 0);
        QVERIFY(env.out.contains("OAUTH_ISSUER=\"http://127.0.0.1:9999\""));
        QVERIFY(env.out.contains("OAUTH_CLIENT_ID=\"exp\""));
        QVERIFY(env.out.contains("OAUTH_CLIENT_SECRET=\"sh\""));
        QVERIFY(env.out.contains("OAUTH_REDIRECT_URI=\"http://localhost:5000/cb\""));
        QVERIFY(env.out.contains("OAUTH_SCOPES=\"read\""));
        Run json = run(QStringLiteral("client export exp --format json").split(QLatin1Char(' ')));
        QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("client_secret")).toString(),
            QStringLiteral("sh"));
        QCOMPARE(run(QStringLiteral("client export exp --format yaml").split(QLatin1Char(' '))).code, 2);
    }

    void rotateSecretAndRemove()
    {
        run(QStringLiteral("client add --name R --id r --secret first --redirect-uri http://localhost/cb")
                .split(QLatin1Char(' ')));
        Run rotated = run(QStringLiteral("client rotate-secret r --json").split(QLatin1Char(' ')));
        QCOMPARE(rotated.code, 0);
        const QString secret
            = QJsonDocument::fromJson(rotated.out).object().value(QStringLiteral("client_secret")).toString();
        QVERIFY(!secret.isEmpty() && secret != QLatin1String("first"));
        QCOMPARE(run(QStringLiteral("client remove r").split(QLatin1Char(' '))).code, 0);
        QCOMPARE(run(QStringLiteral("client show r").split(QLatin1Char(' '))).code, 2);
    }

    void serveHeadlessPrintsOneLineAndStopsOnSigterm()
    {
        QProcess p;
        p.start(QStringLiteral(OAUTHDESK_BINARY),
            {QStringLiteral("--db"), m_db, QStringLiteral("serve"), QStringLiteral("--headless"),
                QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(p.waitForReadyRead(10000));
        const QByteArray line = p.readLine();
        QVERIFY2(QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:[1-9][0-9]*\\n$"))
                     .match(QString::fromLatin1(line))
                     .hasMatch(),
            line.constData());
        p.terminate();
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().isEmpty()); // exactly one line
    }

    void portInUseFails()
    {
        QTcpServer busy;
        QVERIFY(busy.listen(QHostAddress::LocalHost));
        Run r = run({QStringLiteral("serve"), QStringLiteral("--headless"), QStringLiteral("--port"),
            QString::number(busy.serverPort())});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("is in use"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
