// The SQLite file: creation, pragmas, migrations, refusal of newer schemas, and concurrent writers.

#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/stat.h>

using namespace oauthdesk;

namespace {

// Builds a database file from SQL text with a plain connection, outside the code under test.
void runScript(const QString &path, const QString &script)
{
    const QString name = QStringLiteral("fixture-") + path;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString &statement : script.split(QLatin1Char(';'))) {
            QString s = statement;
            while (s.trimmed().startsWith(QLatin1String("--")))
                s = s.mid(s.indexOf(QLatin1Char('\n')) + 1);
            if (s.trimmed().isEmpty())
                continue;
            QVERIFY2(q.exec(s), qPrintable(q.lastError().text() + QStringLiteral(": ") + s));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

int pragmaInt(const std::shared_ptr<Database> &db, const char *pragma)
{
    QSqlQuery q(db->connection());
    q.exec(QStringLiteral("PRAGMA ") + QLatin1String(pragma));
    return q.next() ? q.value(0).toInt() : -1;
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void newFileIsPrivateAndMigrated()
    {
        const QString path = m_dir.filePath(QStringLiteral("new/sub/oauthdesk.sqlite"));
        auto db = Database::open(path);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        QCOMPARE(pragmaInt(*db, "user_version"), Database::SchemaVersion);
        QCOMPARE(pragmaInt(*db, "foreign_keys"), 1);
        QVERIFY(pragmaInt(*db, "busy_timeout") >= 1000);
        QSqlQuery q((*db)->connection());
        q.exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
    }

    void migratesAVersionOneFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("v1.sqlite"));
        QFile fixture(QStringLiteral(OAUTHDESK_SOURCE_DIR "/tests/fixtures/schema-v1.sql"));
        QVERIFY(fixture.open(QIODevice::ReadOnly));
        runScript(path, QString::fromUtf8(fixture.readAll()));
        QCOMPARE(*Database::schemaVersionOf(path), 1);

        auto db = Database::open(path);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        QCOMPARE(pragmaInt(*db, "user_version"), Database::SchemaVersion);
        // The old rows are still there, with the new columns filled with their defaults.
        auto client = ClientStore(*db).get(QStringLiteral("legacy-app"));
        QVERIFY(client);
        QCOMPARE(client->secret, QStringLiteral("old-secret"));
        QCOMPARE(client->redirectUris, QStringList{QStringLiteral("http://localhost:3000/cb")});
        QCOMPARE(client->idTokenAlg, QStringLiteral("RS256"));
        QVERIFY(client->refreshRotation);
        auto user = UserStore(*db).get(QStringLiteral("carol"));
        QVERIFY(user);
        QCOMPARE(user->sub.size(), 32); // every existing user got a stable sub
        QCOMPARE(user->claims.value(QStringLiteral("email")).toString(), QStringLiteral("carol@example.com"));
        auto tokens = TokenStore(*db).list(TokenKind::AccessToken);
        QVERIFY(tokens);
        QCOMPARE(tokens->size(), 1);
        QCOMPARE(tokens->first().prefix, QStringLiteral("AbCdEfGh"));
    }

    void refusesANewerSchemaAndLeavesItUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("future.sqlite"));
        runScript(path, QStringLiteral("CREATE TABLE future (x INTEGER); PRAGMA user_version = 99"));
        QFile before(path);
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray bytes = before.readAll();
        before.close();

        auto db = Database::open(path);
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QLatin1String("newer")), qPrintable(db.error().message));
        QVERIFY(db.error().message.contains(QLatin1String("untouched")));
        QFile after(path);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), bytes);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void unwritablePathIsAClearError()
    {
        auto db = Database::open(QStringLiteral("/proc/oauthdesk-test/x.sqlite"));
        QVERIFY(!db);
        QCOMPARE(db.error().kind, Error::Kind::Invalid);
        QVERIFY(!db.error().message.isEmpty());

        const QString readOnly = m_dir.filePath(QStringLiteral("ro.sqlite"));
        QVERIFY(Database::open(readOnly));
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner);
        if (::geteuid() != 0) { // root ignores file modes
            auto again = Database::open(readOnly);
            QVERIFY(!again);
        }
    }

    void invalidTableNamesAreRefused()
    {
        TableNames names;
        names.clients = QStringLiteral("clients; DROP TABLE users");
        auto db = Database::open(m_dir.filePath(QStringLiteral("bad-names.sqlite")), names);
        QVERIFY(!db);
        names = TableNames{};
        names.accessTokens = names.refreshTokens;
        QVERIFY(!names.validate());
    }

    void configurableTableNamesAreUsed()
    {
        TableNames names;
        names.clients = QStringLiteral("oauth_clients");
        names.accessTokens = QStringLiteral("oauth_access");
        names.refreshTokens = QStringLiteral("oauth_refresh");
        names.authCodes = QStringLiteral("oauth_codes");
        auto db = Database::open(m_dir.filePath(QStringLiteral("named.sqlite")), names);
        QVERIFY(db);
        Client c;
        c.name = QStringLiteral("Named");
        c.grantTypes = {grant::ClientCredentials};
        auto added = ClientStore(*db).add(c);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message));
        TokenRecord t;
        t.kind = TokenKind::AccessToken;
        t.clientId = added->clientId;
        t.expiresAt = 1;
        QVERIFY(TokenStore(*db).issue(t));
        QSqlQuery q((*db)->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM oauth_access")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(!q.exec(QStringLiteral("SELECT count(*) FROM access_tokens")));
    }

    void twoThreadsWriteAtOnce()
    {
        auto opened = Database::open(m_dir.filePath(QStringLiteral("threads.sqlite")));
        QVERIFY(opened);
        std::shared_ptr<Database> db = *opened;
        Client c;
        c.name = QStringLiteral("Threads");
        c.grantTypes = {grant::ClientCredentials};
        const QString clientId = ClientStore(db).add(c)->clientId;

        constexpr int PerThread = 300;
        QStringList errors[2];
        auto writer = [&](int index) {
            TokenStore tokens(db);
            for (int i = 0; i < PerThread; ++i) {
                TokenRecord t;
                t.kind = TokenKind::AccessToken;
                t.clientId = clientId;
                t.expiresAt = 1;
                if (auto ok = tokens.issue(t); !ok)
                    errors[index].append(ok.error().message);
            }
            db->releaseThreadConnection();
        };
        std::unique_ptr<QThread> a(QThread::create(writer, 0));
        std::unique_ptr<QThread> b(QThread::create(writer, 1));
        a->start();
        b->start();
        QVERIFY(a->wait(60000));
        QVERIFY(b->wait(60000));
        QVERIFY2(errors[0].isEmpty(), qPrintable(errors[0].value(0)));
        QVERIFY2(errors[1].isEmpty(), qPrintable(errors[1].value(0)));
        QCOMPARE(*TokenStore(db).count(TokenKind::AccessToken), 2 * PerThread);
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "TestDatabase.moc"
