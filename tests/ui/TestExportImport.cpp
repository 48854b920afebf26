#include "BackupTransfer.h"
#include "FreshDatabase.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/UserStore.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::test;
using namespace oauthdesk::ui;

// File > Export… and Import…: a round trip, conflicts that change nothing until answered, and bad files.
class TestExportImport final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;
    QString m_exportPath;

    void fill()
    {
        UserStore users(m_db);
        QVERIFY(users.add(QStringLiteral("alice"), QStringLiteral("pw"),
            {{QStringLiteral("email"), QStringLiteral("alice@example.com")},
                {QStringLiteral("groups"), QJsonArray{QStringLiteral("admins")}}}));
        QVERIFY(users.add(QStringLiteral("bob"), QString(), {{QStringLiteral("email_verified"), true}}));
        ClientStore clients(m_db);
        Client web;
        web.clientId = QStringLiteral("web");
        web.name = QStringLiteral("Web app");
        web.redirectUris = {QStringLiteral("http://localhost:3000/cb")};
        web.scopes = {QStringLiteral("openid"), QStringLiteral("email")};
        web.accessTokenFormat = QStringLiteral("jwt");
        QVERIFY(clients.add(web));
        Client spa;
        spa.clientId = QStringLiteral("spa");
        spa.name = QStringLiteral("SPA");
        spa.isPublic = true;
        spa.redirectUris = {QStringLiteral("http://localhost:5173/cb")};
        spa.autoApproveUser = QStringLiteral("alice");
        QVERIFY(clients.add(spa));
        Client worker;
        worker.clientId = QStringLiteral("worker");
        worker.name = QStringLiteral("Worker");
        worker.grantTypes = {grant::ClientCredentials};
        worker.active = false;
        QVERIFY(clients.add(worker));
    }

    struct Snapshot
    {
        QList<Client> clients;
        QList<User> users;
    };
    Snapshot snapshot(const std::shared_ptr<Database> &db) const
    {
        return {*ClientStore(db).list(), *UserStore(db).list()};
    }
    static void compareIgnoringTimes(const Snapshot &a, const Snapshot &b)
    {
        QCOMPARE(a.clients.size(), b.clients.size());
        QCOMPARE(a.users.size(), b.users.size());
        for (qsizetype i = 0; i < a.clients.size(); ++i) {
            Client x = a.clients.at(i), y = b.clients.at(i);
            x.createdAt = y.createdAt = x.updatedAt = y.updatedAt = 0;
            QVERIFY2(x == y, qPrintable(x.clientId));
        }
        for (qsizetype i = 0; i < a.users.size(); ++i) {
            User x = a.users.at(i), y = b.users.at(i);
            x.createdAt = y.createdAt = x.updatedAt = y.updatedAt = 0;
            QVERIFY2(x == y, qPrintable(x.username));
        }
    }
    std::shared_ptr<Database> freshDb()
    {
        auto db = openFreshDatabase(m_dir);
        if (!db)
            qFatal("%s", qPrintable(db.error().message));
        return *db;
    }
    QString writeFile(const QByteArray &content)
    {
        static int n = 0;
        const QString path = m_dir.filePath(QStringLiteral("in%1.json").arg(++n));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void init()
    {
        m_db = freshDb();
        fill();
        m_exportPath = m_dir.filePath(QStringLiteral("export.json"));
        auto ok = BackupTransfer::exportToFile(m_db, m_exportPath);
        QVERIFY2(ok, ok ? "" : qPrintable(ok.error().message));
    }

    void exportWipeImportGivesTheSameClientsAndUsers()
    {
        const Snapshot before = snapshot(m_db);
        // Wipe everything, then import.
        for (const Client &c : before.clients)
            QVERIFY(ClientStore(m_db).remove(c.clientId));
        for (const User &u : before.users)
            QVERIFY(UserStore(m_db).remove(u.username));
        QVERIFY(ClientStore(m_db).list()->isEmpty());
        bool asked = false;
        auto result = BackupTransfer::importFromFile(m_db, m_exportPath, [&](const auto &) {
            asked = true;
            return std::optional(Backup::OnConflict::Overwrite);
        });
        QVERIFY2(result, result ? "" : qPrintable(result.error().message));
        QVERIFY(!asked);
        QVERIFY(!result->cancelled);
        QCOMPARE(result->outcome.clientsAdded, 3);
        QCOMPARE(result->outcome.usersAdded, 2);
        compareIgnoringTimes(before, snapshot(m_db));
        // Secrets and password hashes come back too: the same credentials still work.
        QVERIFY(*UserStore(m_db).checkPassword(QStringLiteral("alice"), QStringLiteral("pw")));
    }

    void importIntoAnotherDatabaseIsIdentical()
    {
        auto other = freshDb();
        auto result = BackupTransfer::importFromFile(other, m_exportPath, {});
        QVERIFY2(result, result ? "" : qPrintable(result.error().message));
        compareIgnoringTimes(snapshot(m_db), snapshot(other));
    }

    void conflictsAreReportedAndChangeNothingUntilAnswered()
    {
        // Change a client and a user after the export: importing the file now conflicts with both.
        Client web = *ClientStore(m_db).get(QStringLiteral("web"));
        web.name = QStringLiteral("Renamed");
        QVERIFY(ClientStore(m_db).update(web));
        QVERIFY(UserStore(m_db).update(QStringLiteral("bob"), std::nullopt, {{QStringLiteral("x"), 1}}));
        QVERIFY(ClientStore(m_db).remove(QStringLiteral("worker"))); // would be re-added
        const Snapshot before = snapshot(m_db);

        QList<Backup::Conflict> seen;
        auto cancelled = BackupTransfer::importFromFile(m_db, m_exportPath, [&](const QList<Backup::Conflict> &c) {
            seen = c;
            return std::optional<Backup::OnConflict>();
        });
        QVERIFY2(cancelled, cancelled ? "" : qPrintable(cancelled.error().message));
        QVERIFY(cancelled->cancelled);
        QCOMPARE(seen.size(), 2);
        QStringList ids;
        for (const Backup::Conflict &c : seen)
            ids.append(c.kind + QLatin1Char(':') + c.id);
        ids.sort();
        QCOMPARE(ids, QStringList({QStringLiteral("client:web"), QStringLiteral("user:bob")}));
        compareIgnoringTimes(before, snapshot(m_db));
        QVERIFY(!ClientStore(m_db).find(QStringLiteral("worker")));

        // Skip existing: the missing client comes back, the changed ones stay as they are.
        auto skipped = BackupTransfer::importFromFile(
            m_db, m_exportPath, [](const auto &) { return std::optional(Backup::OnConflict::Skip); });
        QVERIFY(skipped && !skipped->cancelled);
        QVERIFY(ClientStore(m_db).find(QStringLiteral("worker")));
        QCOMPARE(ClientStore(m_db).get(QStringLiteral("web"))->name, QStringLiteral("Renamed"));

        // Overwrite: the file wins.
        auto overwritten = BackupTransfer::importFromFile(
            m_db, m_exportPath, [](const auto &) { return std::optional(Backup::OnConflict::Overwrite); });
        QVERIFY(overwritten && !overwritten->cancelled);
        QCOMPARE(ClientStore(m_db).get(QStringLiteral("web"))->name, QStringLiteral("Web app"));
        QVERIFY(!UserStore(m_db).get(QStringLiteral("bob"))->claims.contains(QStringLiteral("x")));
    }

    void malformedFilesChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not JSON") << QByteArray("{\"clients\": [");
        QTest::newRow("array") << QByteArray("[1, 2, 3]");
        QTest::newRow("client without id") << QByteArray(R"({"clients":[{"client_name":"x"}],"users":[]})");
        QTest::newRow("bad redirect in second client")
            << QByteArray(R"({"clients":[{"client_id":"new1","client_name":"ok","grant_types":["client_credentials"]},)"
                          R"({"client_id":"new2","client_name":"bad","redirect_uris":["not a uri"]}],"users":[]})");
        QTest::newRow("empty file") << QByteArray();
    }

    void malformedFilesChangeNothing()
    {
        QFETCH(QByteArray, content);
        const Snapshot before = snapshot(m_db);
        bool asked = false;
        auto result = BackupTransfer::importFromFile(m_db, writeFile(content), [&](const auto &) {
            asked = true;
            return std::optional(Backup::OnConflict::Overwrite);
        });
        QVERIFY(!result);
        QVERIFY(!result.error().message.isEmpty());
        QVERIFY(!asked);
        compareIgnoringTimes(before, snapshot(m_db));
        QVERIFY(!ClientStore(m_db).find(QStringLiteral("new1")));
    }

    void missingFileIsAClearError()
    {
        auto result = BackupTransfer::importFromFile(m_db, m_dir.filePath(QStringLiteral("nope.json")), {});
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(QStringLiteral("nope.json")), qPrintable(result.error().message));
    }
};

QTEST_MAIN(TestExportImport)
#include "TestExportImport.moc"
