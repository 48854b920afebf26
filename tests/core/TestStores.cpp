// Create, read, update and delete through every store, with their validation and token-family operations.

#include "crypto/Random.h"
#include "storage/Backup.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;

class TestStores : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;
    int m_counter = 0;

    Client client(const QString &id)
    {
        Client c;
        c.clientId = id;
        c.name = id;
        c.redirectUris = {QStringLiteral("http://localhost:3000/cb")};
        auto added = ClientStore(m_db).add(c);
        if (!added)
            qFatal("%s", qPrintable(added.error().message));
        return *added;
    }

    TokenRecord token(
        TokenKind kind, const QString &clientId, const QString &user, const QString &grantId, QString *value = nullptr)
    {
        TokenRecord t;
        t.kind = kind;
        t.clientId = clientId;
        t.username = user;
        t.grantId = grantId;
        t.issuedAt = Clock::nowMs();
        t.expiresAt = Clock::nowMs() + 60000;
        auto v = TokenStore(m_db).issue(t);
        if (!v)
            qFatal("%s", qPrintable(v.error().message));
        if (value)
            *value = *v;
        return t;
    }

private Q_SLOTS:
    void init()
    {
        auto db = Database::open(m_dir.filePath(QStringLiteral("stores-%1.sqlite").arg(++m_counter)));
        QVERIFY(db);
        m_db = *db;
    }
    void cleanup()
    {
        m_db.reset();
        Clock::reset();
    }

    void clientDefaults()
    {
        Client c;
        c.name = QStringLiteral("Defaults");
        c.redirectUris = {QStringLiteral("http://localhost/cb")};
        auto added = ClientStore(m_db).add(c);
        QVERIFY(added);
        QVERIFY(!added->clientId.isEmpty());
        // 256 bits of entropy, base64url without padding: 43 characters.
        QCOMPARE(added->secret.size(), 43);
        QCOMPARE(added->grantTypes, (QStringList{grant::AuthorizationCode, grant::RefreshToken}));
        QCOMPARE(added->authMethod, authmethod::Basic);
        QVERIFY(!added->isPublic);
    }

    void clientCrud()
    {
        ClientStore store(m_db);
        Client c = client(QStringLiteral("crud"));
        auto fetched = store.get(QStringLiteral("crud"));
        QVERIFY(fetched);
        QCOMPARE(*fetched, c);

        c.name = QStringLiteral("Renamed");
        c.scopes = {QStringLiteral("read write"), QStringLiteral("read")};
        auto updated = store.update(c);
        QVERIFY(updated);
        QCOMPARE(store.get(QStringLiteral("crud"))->name, QStringLiteral("Renamed"));
        QCOMPARE(
            store.get(QStringLiteral("crud"))->scopes, (QStringList{QStringLiteral("read"), QStringLiteral("write")}));

        const QString oldSecret = c.secret;
        auto rotated = store.rotateSecret(QStringLiteral("crud"));
        QVERIFY(rotated);
        QVERIFY(rotated->secret != oldSecret);
        QCOMPARE(store.get(QStringLiteral("crud"))->secret, rotated->secret);

        QVERIFY(store.setActive(QStringLiteral("crud"), false));
        QVERIFY(!store.get(QStringLiteral("crud"))->active);
        QCOMPARE(store.list()->size(), 1);
        QVERIFY(store.remove(QStringLiteral("crud")));
        QCOMPARE(store.get(QStringLiteral("crud")).error().kind, Error::Kind::NotFound);
        QCOMPARE(store.remove(QStringLiteral("crud")).error().kind, Error::Kind::NotFound);
    }

    void clientValidation_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("relative redirect") << "redirect"
                                           << "/cb";
        QTest::newRow("redirect with fragment") << "redirect"
                                                << "http://localhost/cb#x";
        QTest::newRow("not a URI") << "redirect"
                                   << "not a uri";
        QTest::newRow("javascript redirect") << "redirect"
                                             << "javascript:alert(1)";
        QTest::newRow("data redirect") << "redirect"
                                       << "data:text/html,hi";
        QTest::newRow("vbscript redirect") << "redirect"
                                           << "VBScript:msgbox(1)";
        QTest::newRow("unknown grant") << "grant"
                                       << "implicit";
        QTest::newRow("unknown auth method") << "auth"
                                             << "private_key_jwt";
        QTest::newRow("bad scope character") << "scope"
                                             << "read\"write";
        QTest::newRow("empty name") << "name"
                                    << "  ";
        QTest::newRow("id with colon") << "id"
                                       << "a:b";
        QTest::newRow("code lifetime over 600") << "codettl"
                                                << "601";
    }

    void clientValidation()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        Client c;
        c.name = QStringLiteral("V");
        c.redirectUris = {QStringLiteral("http://localhost/cb")};
        if (field == QLatin1String("redirect"))
            c.redirectUris = {value};
        else if (field == QLatin1String("grant"))
            c.grantTypes = {value};
        else if (field == QLatin1String("auth"))
            c.authMethod = value;
        else if (field == QLatin1String("scope"))
            c.scopes = {value};
        else if (field == QLatin1String("name"))
            c.name = value;
        else if (field == QLatin1String("id"))
            c.clientId = value;
        else if (field == QLatin1String("codettl"))
            c.codeTtl = value.toInt();
        auto added = ClientStore(m_db).add(c);
        QVERIFY(!added);
        QCOMPARE(added.error().kind, Error::Kind::Invalid);
        QCOMPARE(ClientStore(m_db).list()->size(), 0);
    }

    void duplicateClientIdIsAConflict()
    {
        client(QStringLiteral("dup"));
        Client c;
        c.clientId = QStringLiteral("dup");
        c.name = QStringLiteral("Again");
        c.redirectUris = {QStringLiteral("http://x/cb")};
        QCOMPARE(ClientStore(m_db).add(c).error().kind, Error::Kind::Conflict);
    }

    void publicClientHasNoSecret()
    {
        Client c;
        c.name = QStringLiteral("SPA");
        c.isPublic = true;
        c.secret = QStringLiteral("ignored");
        c.redirectUris = {QStringLiteral("http://localhost/cb")};
        auto added = ClientStore(m_db).add(c);
        QVERIFY(added);
        QVERIFY(added->secret.isEmpty());
        QCOMPARE(added->authMethod, authmethod::None);
        QVERIFY(added->requiresPkce());
        c.grantTypes = {grant::ClientCredentials};
        c.clientId = QStringLiteral("spa2");
        QVERIFY(!ClientStore(m_db).add(c));
        c.grantTypes = {grant::AuthorizationCode, grant::RefreshToken};
        c.clientId = QStringLiteral("spa3");
        c.refreshRotation = false;
        QCOMPARE(ClientStore(m_db).add(c).error().kind, Error::Kind::Invalid);
    }

    void userCrud()
    {
        UserStore store(m_db);
        auto alice = store.add(
            QStringLiteral("alice"), QStringLiteral("pw"), {{QStringLiteral("email"), QStringLiteral("a@x")}});
        QVERIFY(alice);
        QVERIFY(alice->passwordHash.startsWith(QLatin1String("pbkdf2-sha256$")));
        QVERIFY(!alice->passwordHash.contains(QLatin1String("pw$")));
        QCOMPARE(*store.checkPassword(QStringLiteral("alice"), QStringLiteral("pw")), true);
        QCOMPARE(*store.checkPassword(QStringLiteral("alice"), QStringLiteral("nope")), false);
        QCOMPARE(store.add(QStringLiteral("alice"), {}, {}).error().kind, Error::Kind::Conflict);

        auto updated
            = store.update(QStringLiteral("alice"), std::nullopt, {{QStringLiteral("name"), QStringLiteral("Alice")}});
        QVERIFY(updated);
        QCOMPARE(updated->sub, alice->sub); // sub is stable
        QCOMPARE(*store.checkPassword(QStringLiteral("alice"), QStringLiteral("pw")), true);
        QCOMPARE(store.findBySub(alice->sub)->username, QStringLiteral("alice"));

        QVERIFY(!store.add(QStringLiteral("has space"), {}, {}));
        QVERIFY(!store.add(QStringLiteral("bob"), {}, {{QStringLiteral("sub"), QStringLiteral("x")}}));
        QCOMPARE(store.list()->size(), 1);
        QVERIFY(store.remove(QStringLiteral("alice")));
        QCOMPARE(store.list()->size(), 0);
    }

    void tokensAreStoredAsHashes()
    {
        client(QStringLiteral("c"));
        QString value;
        const TokenRecord t = token(TokenKind::AccessToken, QStringLiteral("c"), {}, QStringLiteral("g1"), &value);
        QCOMPARE(t.hash, crypto::sha256Hex(value.toUtf8()));
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT token_hash, prefix FROM access_tokens")));
        QVERIFY(q.next());
        QVERIFY(q.value(0).toString() != value);
        QCOMPARE(q.value(1).toString(), value.left(TokenStore::PrefixLength));
        auto found = TokenStore(m_db).findByValue(TokenKind::AccessToken, value);
        QVERIFY(found);
        QVERIFY(found->status(Clock::nowMs()) == TokenStatus::Active);
        QVERIFY(!TokenStore(m_db).findByValue(TokenKind::RefreshToken, value));
        Clock::advance(61000);
        QVERIFY(TokenStore(m_db).findByValue(TokenKind::AccessToken, value)->status(Clock::nowMs())
            == TokenStatus::Expired);
    }

    void markUsedIsCompareAndSet()
    {
        client(QStringLiteral("c"));
        const TokenRecord code = token(TokenKind::AuthorizationCode, QStringLiteral("c"), {}, QStringLiteral("g"));
        TokenStore store(m_db);
        QCOMPARE(*store.markUsed(code), true);
        QCOMPARE(*store.markUsed(code), false);
    }

    void revokeGrantEndsTheWholeFamily()
    {
        client(QStringLiteral("c"));
        token(TokenKind::AuthorizationCode, QStringLiteral("c"), {}, QStringLiteral("family"));
        token(TokenKind::AccessToken, QStringLiteral("c"), {}, QStringLiteral("family"));
        token(TokenKind::RefreshToken, QStringLiteral("c"), {}, QStringLiteral("family"));
        token(TokenKind::AccessToken, QStringLiteral("c"), {}, QStringLiteral("other"));
        TokenStore store(m_db);
        QCOMPARE(*store.revokeGrant(QStringLiteral("family")), 3);
        TokenFilter active;
        active.activeOnly = true;
        QCOMPARE(*store.count(TokenKind::AccessToken, active), 1);
        QCOMPARE(*store.count(TokenKind::RefreshToken, active), 0);
    }

    void revokeMatchingByClientUserAndPrefix()
    {
        client(QStringLiteral("c1"));
        client(QStringLiteral("c2"));
        UserStore(m_db).add(QStringLiteral("u"), {}, {});
        token(TokenKind::AccessToken, QStringLiteral("c1"), QStringLiteral("u"), QStringLiteral("g1"));
        token(TokenKind::RefreshToken, QStringLiteral("c1"), {}, QStringLiteral("g2"));
        QString value;
        token(TokenKind::AccessToken, QStringLiteral("c2"), {}, QStringLiteral("g3"), &value);
        TokenStore store(m_db);
        TokenFilter byUser;
        byUser.username = QStringLiteral("u");
        QCOMPARE(*store.revokeMatching(byUser), 1);
        TokenFilter byClient;
        byClient.clientId = QStringLiteral("c1");
        QCOMPARE(*store.revokeMatching(byClient), 1);
        TokenFilter byPrefix;
        byPrefix.prefix = value.left(8);
        QCOMPARE(*store.revokeMatching(byPrefix), 1);
        QCOMPARE(store.revokeMatching(byPrefix).error().kind, Error::Kind::NotFound);
    }

    void removingAClientRemovesItsTokens()
    {
        client(QStringLiteral("gone"));
        token(TokenKind::AccessToken, QStringLiteral("gone"), {}, QStringLiteral("g"));
        QCOMPARE(*ClientStore(m_db).liveTokenCount(QStringLiteral("gone")), 1);
        QVERIFY(ClientStore(m_db).remove(QStringLiteral("gone")));
        QCOMPARE(*TokenStore(m_db).count(TokenKind::AccessToken), 0);
    }

    void backupRoundTrip()
    {
        Client c = client(QStringLiteral("exported"));
        UserStore(m_db).add(
            QStringLiteral("eve"), QStringLiteral("pw"), {{QStringLiteral("groups"), QJsonArray{QStringLiteral("a")}}});
        ClientStore clients(m_db);
        UserStore users(m_db);
        auto doc = Backup::exportAll(clients, users);
        QVERIFY(doc);
        const QByteArray json = QJsonDocument(*doc).toJson();

        auto other = Database::open(m_dir.filePath(QStringLiteral("import-target.sqlite")));
        QVERIFY(other);
        auto outcome = Backup::importAll(*other, json, Backup::OnConflict::Report);
        QVERIFY2(outcome, outcome ? "" : qPrintable(outcome.error().message));
        QCOMPARE(outcome->clientsAdded, 1);
        QCOMPARE(outcome->usersAdded, 1);
        Client imported = *ClientStore(*other).get(QStringLiteral("exported"));
        imported.createdAt = c.createdAt;
        imported.updatedAt = c.updatedAt;
        QCOMPARE(imported, c);
        QCOMPARE(UserStore(*other).get(QStringLiteral("eve"))->passwordHash,
            UserStore(m_db).get(QStringLiteral("eve"))->passwordHash);
        // Importing the same file again changes nothing (idempotent seeding).
        auto again = Backup::importAll(*other, json, Backup::OnConflict::Report);
        QVERIFY(again);
        QCOMPARE(again->unchanged, 2);
        QVERIFY(again->conflicts.isEmpty());

        // A malformed entry names itself and nothing is written.
        const QByteArray bad
            = R"({"clients":[{"client_id":"ok","client_name":"ok","grant_types":["client_credentials"]},
                                               {"client_id":"broken","redirect_uris":["nope"]}]})";
        auto failed = Backup::importAll(*other, bad, Backup::OnConflict::Overwrite);
        QVERIFY(!failed);
        QVERIFY2(
            failed.error().message.contains(QLatin1String("clients[1] (broken)")), qPrintable(failed.error().message));
        QVERIFY(!ClientStore(*other).find(QStringLiteral("ok")));
    }

    void cacheForgetsWhatARollbackUndid()
    {
        // A cached lookup inside a transaction sees that transaction's own writes; when it rolls back, the cache
        // must not keep them.
        client(QStringLiteral("c"));
        ClientStore cached(m_db, Caching::On);
        QVERIFY(cached.find(QStringLiteral("c"))->active);
        const Status status = m_db->write([&]() -> Status {
            if (auto off = ClientStore(m_db).setActive(QStringLiteral("c"), false); !off)
                return fail(off.error());
            if (cached.find(QStringLiteral("c"))->active)
                return fail(Error::invalid(QStringLiteral("the write is not visible inside its transaction")));
            return fail(Error::invalid(QStringLiteral("undo")));
        });
        QCOMPARE(status.error().message, QStringLiteral("undo"));
        QVERIFY(cached.find(QStringLiteral("c"))->active);

        // The same for a token revoked in a batch that is rolled back.
        QString value;
        token(TokenKind::AccessToken, QStringLiteral("c"), {}, TokenStore::newGrantId(), &value);
        TokenStore tokens(m_db, Caching::On);
        QCOMPARE(toString(tokens.findByValue(TokenKind::AccessToken, value)->status(Clock::nowMs())),
            toString(TokenStatus::Active));
        m_db->setBatching(true);
        const auto record = tokens.findByValue(TokenKind::AccessToken, value);
        QVERIFY(TokenStore(m_db).revoke(TokenKind::AccessToken, record->id));
        QCOMPARE(toString(tokens.findByValue(TokenKind::AccessToken, value)->status(Clock::nowMs())),
            toString(TokenStatus::Revoked));
        m_db->rollbackBatch();
        m_db->setBatching(false);
        QCOMPARE(toString(tokens.findByValue(TokenKind::AccessToken, value)->status(Clock::nowMs())),
            toString(TokenStatus::Active));
    }

    void cachingStoresSeeTheirOwnWrites()
    {
        // A store that caches and writes: what it finds after its own change is the new row.
        QVERIFY(UserStore(m_db).add(QStringLiteral("u"), {}, {{QStringLiteral("name"), QStringLiteral("Old")}}));
        UserStore users(m_db, Caching::On);
        QCOMPARE(
            users.find(QStringLiteral("u"))->claims.value(QStringLiteral("name")).toString(), QStringLiteral("Old"));
        QVERIFY(users.update(QStringLiteral("u"), std::nullopt, {{QStringLiteral("name"), QStringLiteral("New")}}));
        QCOMPARE(
            users.find(QStringLiteral("u"))->claims.value(QStringLiteral("name")).toString(), QStringLiteral("New"));

        client(QStringLiteral("c"));
        ClientStore clients(m_db, Caching::On);
        QCOMPARE(clients.find(QStringLiteral("c"))->name, QStringLiteral("c"));
        Client renamed = *clients.find(QStringLiteral("c"));
        renamed.name = QStringLiteral("Renamed");
        QVERIFY(clients.update(renamed));
        QCOMPARE(clients.find(QStringLiteral("c"))->name, QStringLiteral("Renamed"));
        QVERIFY(clients.remove(QStringLiteral("c")));
        QVERIFY(!clients.find(QStringLiteral("c")));
    }
};

QTEST_GUILESS_MAIN(TestStores)
#include "TestStores.moc"
