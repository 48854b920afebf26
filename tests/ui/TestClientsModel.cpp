#include "ClientsModel.h"
#include "ClientsPage.h"
#include "FreshDatabase.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::test;
using namespace oauthdesk::ui;

// The clients table model: structure checked by QAbstractItemModelTester, and row updates without resets.
class TestClientsModel final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;

    Client addClient(const QString &id, const QString &name, bool isPublic = false)
    {
        Client c;
        c.clientId = id;
        c.name = name;
        c.isPublic = isPublic;
        c.redirectUris = {QStringLiteral("http://localhost:3000/cb")};
        auto added = ClientStore(m_db).add(c);
        if (!added)
            qFatal("cannot add a client: %s", qPrintable(added.error().message));
        return *added;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        auto db = openFreshDatabase(m_dir);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
    }

    void addsRemovesAndUpdatesRowsWithoutReset()
    {
        ClientsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        ClientStore store(m_db);

        addClient(QStringLiteral("web"), QStringLiteral("Web app"));
        addClient(QStringLiteral("spa"), QStringLiteral("SPA"), true);
        model.setClients(*store.list());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.size(), 2);
        const int spaRow = model.rowOf(QStringLiteral("spa"));
        QVERIFY(spaRow >= 0);
        QCOMPARE(model.index(spaRow, ClientsModel::Type).data().toString(), QStringLiteral("Public"));
        QCOMPARE(model.index(spaRow, ClientsModel::Name).data().toString(), QStringLiteral("SPA"));

        QVERIFY(store.setActive(QStringLiteral("web"), false));
        model.setClients(*store.list());
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(model.rowOf(QStringLiteral("web")), ClientsModel::Active).data().toString(),
            QStringLiteral("Disabled"));
        QCOMPARE(model.index(model.rowOf(QStringLiteral("web")), ClientsModel::Active).data(ClientsModel::SortRole),
            QVariant(false));

        QVERIFY(store.remove(QStringLiteral("spa")));
        model.setClients(*store.list());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(model.rowOf(QStringLiteral("spa")), -1);
        QCOMPARE(resets.size(), 0);
    }

    void deviceGrantShowsItsShortName()
    {
        ClientsModel model;
        Client c;
        c.clientId = QStringLiteral("tv");
        c.name = QStringLiteral("TV");
        c.isPublic = true;
        c.grantTypes = {grant::DeviceCode};
        model.setClients({c});
        QCOMPARE(model.index(0, ClientsModel::Grants).data().toString(), QStringLiteral("device_code"));
    }

    void pageReloadsFromTheDatabaseAndSortsByName()
    {
        ClientsPage page(m_db, nullptr);
        QAbstractItemModelTester tester(page.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.model()->rowCount(), 0);
        addClient(QStringLiteral("b-id"), QStringLiteral("Beta"));
        addClient(QStringLiteral("a-id"), QStringLiteral("Alpha"));
        page.reload();
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(page.proxy()->index(0, ClientsModel::Name).data().toString(), QStringLiteral("Alpha"));
        page.selectClient(QStringLiteral("b-id"));
        QCOMPARE(page.currentClientId(), QStringLiteral("b-id"));
        // A reload that changes nothing keeps the selection.
        page.reload();
        QCOMPARE(page.currentClientId(), QStringLiteral("b-id"));
    }
};

QTEST_MAIN(TestClientsModel)
#include "TestClientsModel.moc"
