#include "FreshDatabase.h"
#include "KeysModel.h"
#include "KeysPage.h"
#include "storage/Database.h"
#include "storage/KeyStore.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::test;
using namespace oauthdesk::ui;

// The Keys tab over a real database file: the model's contract, and rotation through the button.
class TestKeysPage final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;

private Q_SLOTS:
    void initTestCase()
    {
        Q_INIT_RESOURCE(icons); // the icons live in the static ui library
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        auto db = openFreshDatabase(m_dir);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
    }

    void modelPassesTheTester()
    {
        KeysModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        KeyStore keys(m_db);
        QVERIFY(keys.activeKey(crypto::Alg::RS256));
        QVERIFY(keys.activeKey(crypto::Alg::ES256));
        model.setKeys(*keys.list());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(KeysModel::ColumnCount));
        QVERIFY(keys.rotate());
        model.setKeys(*keys.list());
        model.setRetentionMs(3600 * 1000);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.data(model.index(0, KeysModel::StatusColumn)).toString(), QStringLiteral("Active"));
        QVERIFY(model.data(model.index(3, KeysModel::StatusColumn)).toString().startsWith(QStringLiteral("Retired")));
        QVERIFY(!model.data(model.index(3, KeysModel::RetiredColumn)).toString().isEmpty());
        model.setKeys({});
        QCOMPARE(model.rowCount(), 0);
    }

    void rotateButtonAddsAKeyAfterConfirmation()
    {
        KeyStore keys(m_db);
        QVERIFY(keys.activeKey(crypto::Alg::RS256));
        KeysPage page(m_db, nullptr);
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.model()->rowCount(), 1);
        const QString oldKid = page.model()->keyAt(0).kid;

        auto *button = page.findChild<QPushButton *>(QStringLiteral("rotateButton"));
        QVERIFY(button);
        bool asked = false;
        page.setConfirmation([&asked] {
            asked = true;
            return false;
        });
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(asked);
        QCOMPARE(page.model()->rowCount(), 1); // declined: nothing happens

        QSignalSpy rotated(&page, &KeysPage::keysRotated);
        page.setConfirmation([] { return true; });
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(rotated.size(), 1);
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(keys.list()->size(), 2);
        const KeyRecord newest = page.model()->keyAt(0);
        QVERIFY(newest.kid != oldKid);
        QVERIFY(newest.isActive());
        QVERIFY(!page.model()->keyAt(1).isActive());
    }
};

QTEST_MAIN(TestKeysPage)
#include "TestKeysPage.moc"
