// The Devices panel: its model, the countdown, approving and denying from the window, new-request signals.
#include "DevicePage.h"
#include "DeviceRequestsModel.h"

#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/DeviceStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

class TestDevicePage final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    std::shared_ptr<Database> m_db;

    QString newRequest(const QString &scope = QStringLiteral("profile"))
    {
        auto created = DeviceStore(m_db).create(QStringLiteral("tv"), scope, 600);
        return created ? created->userCode : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The icons live in the ui library; main() registers them in the app.
        Q_INIT_RESOURCE(icons);
    }

    void init()
    {
        Clock::reset();
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        auto db = Database::open(m_dir->filePath(QStringLiteral("db.sqlite")));
        QVERIFY(db);
        m_db = *db;
        Client c;
        c.clientId = QStringLiteral("tv");
        c.name = QStringLiteral("Living room TV");
        c.isPublic = true;
        c.grantTypes = {grant::DeviceCode};
        QVERIFY(ClientStore(m_db).add(c));
        QVERIFY(UserStore(m_db).add(QStringLiteral("alice"), QString(), {}));
    }

    void cleanup()
    {
        m_db.reset();
        delete m_dir;
        Clock::reset();
    }

    void modelShowsPendingRequests()
    {
        const QString first = newRequest();
        const QString second = newRequest(QString());
        DevicePage page(m_db, nullptr);
        DeviceRequestsModel *model = page.model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(model->columnCount(), int(DeviceRequestsModel::ColumnCount));
        QCOMPARE(
            model->index(0, DeviceRequestsModel::ClientColumn).data().toString(), QStringLiteral("Living room TV"));
        QCOMPARE(model->index(0, DeviceRequestsModel::ScopeColumn).data().toString(), QStringLiteral("profile"));
        QCOMPARE(model->index(0, DeviceRequestsModel::UserCodeColumn).data().toString(), first);
        QCOMPARE(model->index(1, DeviceRequestsModel::UserCodeColumn).data().toString(), second);
        QCOMPARE(model->index(0, DeviceRequestsModel::TimeLeftColumn).data().toString(), QStringLiteral("10:00"));

        // The countdown follows the clock, and an expired request leaves the table on the next tick.
        Clock::advance(75 * 1000);
        page.reload();
        QCOMPARE(model->index(0, DeviceRequestsModel::TimeLeftColumn).data().toString(), QStringLiteral("8:45"));
        const qint64 leftMs
            = model->index(0, DeviceRequestsModel::TimeLeftColumn).data(DeviceRequestsModel::SortRole).toLongLong();
        QVERIFY2(leftMs > 520 * 1000 && leftMs <= 525 * 1000, qPrintable(QString::number(leftMs)));
        Clock::advance(600 * 1000);
        page.reload();
        QCOMPARE(model->rowCount(), 0);
    }

    void timerCountsDownWithoutHelp()
    {
        newRequest();
        DevicePage page(m_db, nullptr);
        QSignalSpy changed(page.model(), &QAbstractItemModel::dataChanged);
        QVERIFY(changed.wait(2500)); // the one-second tick repaints the time left
        bool timeColumn = false;
        for (const auto &args : changed)
            timeColumn |= args.at(0).value<QModelIndex>().column() <= DeviceRequestsModel::TimeLeftColumn
                && args.at(1).value<QModelIndex>().column() >= DeviceRequestsModel::TimeLeftColumn;
        QVERIFY(timeColumn);
    }

    void approvingFromThePageChangesTheStatus()
    {
        const QString code = newRequest();
        const QString other = newRequest();
        DevicePage page(m_db, nullptr);
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto *approve = page.findChild<QPushButton *>(QStringLiteral("approveButton"));
        auto *deny = page.findChild<QPushButton *>(QStringLiteral("denyButton"));
        auto *view = page.findChild<QTableView *>(QStringLiteral("deviceRequestsTableView"));
        QVERIFY(approve && deny && view);
        QVERIFY(!approve->isEnabled()); // nothing selected yet
        view->selectRow(1);
        QVERIFY(approve->isEnabled());
        QVERIFY(deny->isEnabled());

        QVERIFY(page.approve(code, QStringLiteral("alice")));
        QCOMPARE(DeviceStore(m_db).findByUserCode(code)->status, QStringLiteral("approved"));
        QCOMPARE(DeviceStore(m_db).findByUserCode(code)->username, QStringLiteral("alice"));
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->rowOfUserCode(other), 0);

        // The Deny button acts on the selected row.
        view->selectRow(0);
        QTest::mouseClick(deny, Qt::LeftButton);
        QCOMPARE(DeviceStore(m_db).findByUserCode(other)->status, QStringLiteral("denied"));
        QCOMPARE(page.model()->rowCount(), 0);

        // A second decision is refused and said so in the page.
        QVERIFY(!page.approve(code, QStringLiteral("alice")));
        auto *message = page.findChild<QLabel *>(QStringLiteral("messageLabel"));
        QVERIFY(message && message->text().contains(code));
        QVERIFY(!page.approve(newRequest(), QStringLiteral("nobody")));
    }

    void newRequestsAreAnnounced()
    {
        const QString existing = newRequest();
        DevicePage page(m_db, nullptr);
        QSignalSpy spy(&page, &DevicePage::newRequest);
        page.reload();
        QCOMPARE(spy.count(), 0); // what was waiting at start is not news
        const QString fresh = newRequest();
        QVERIFY(spy.wait(2500)); // picked up by the one-second refresh
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(0).toString(), fresh);
        QCOMPARE(page.model()->rowCount(), 2);
        Q_UNUSED(existing);
    }
};

QTEST_MAIN(TestDevicePage)
#include "TestDevicePage.moc"
