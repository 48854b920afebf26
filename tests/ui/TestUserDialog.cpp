#include "FreshDatabase.h"
#include "UserDialog.h"
#include "WidgetLookup.h"
#include "storage/Database.h"
#include "storage/UserStore.h"

#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace oauthdesk;
using namespace oauthdesk::ui;
using namespace oauthdesk::test;

// The user dialog: username checks, claim rows with typed values, and the saved user.
class TestUserDialog final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;

private Q_SLOTS:
    void init()
    {
        auto db = openFreshDatabase(m_dir);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
    }

    void invalidUsernameDisablesOk()
    {
        UserDialog dialog(m_db, std::nullopt);
        dialog.show();
        QVERIFY(!okButton(dialog)->isEnabled()); // empty
        auto *username = child<QLineEdit>(dialog, "usernameLineEdit");
        QTest::keyClicks(username, QStringLiteral("alice smith"));
        QVERIFY(!okButton(dialog)->isEnabled());
        auto *error = child<QLabel>(dialog, "errorLabel");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("without spaces")), qPrintable(error->text()));
        username->clear();
        QTest::keyClicks(username, QStringLiteral("alice"));
        QVERIFY(okButton(dialog)->isEnabled());
        QVERIFY(!error->isVisible());
    }

    void claimRowsBecomeTypedClaims()
    {
        UserDialog dialog(m_db, std::nullopt);
        dialog.show();
        QTest::keyClicks(child<QLineEdit>(dialog, "usernameLineEdit"), QStringLiteral("bob"));
        QTest::keyClicks(child<QLineEdit>(dialog, "passwordLineEdit"), QStringLiteral("builder"));
        QTest::mouseClick(child<QToolButton>(dialog, "emailQuickButton"), Qt::LeftButton);
        QTest::mouseClick(child<QToolButton>(dialog, "groupsQuickButton"), Qt::LeftButton);
        QTest::mouseClick(child<QToolButton>(dialog, "email_verifiedQuickButton"), Qt::LeftButton);
        QTest::mouseClick(child<QToolButton>(dialog, "email_verifiedQuickButton"), Qt::LeftButton); // no duplicate
        dialog.addClaimRow(QStringLiteral("employee_id"), QStringLiteral("0123"));
        auto *table = child<QTableWidget>(dialog, "claimsTableWidget");
        QCOMPARE(table->rowCount(), 4);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(dialog.validationError()));

        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        auto user = UserStore(m_db).get(QStringLiteral("bob"));
        QVERIFY(user);
        QCOMPARE(user->claims.value(QStringLiteral("email")).toString(), QStringLiteral("bob@example.com"));
        QCOMPARE(user->claims.value(QStringLiteral("groups")).toArray(), QJsonArray({QStringLiteral("developers")}));
        QCOMPARE(user->claims.value(QStringLiteral("email_verified")), QJsonValue(true));
        QCOMPARE(user->claims.value(QStringLiteral("employee_id")), QJsonValue(QStringLiteral("0123")));
        QVERIFY(*UserStore(m_db).checkPassword(QStringLiteral("bob"), QStringLiteral("builder")));
    }

    void badClaimsDisableOk_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("broken JSON") << QStringLiteral("groups") << QStringLiteral("[\"a\"") << QStringLiteral("JSON");
        QTest::newRow("reserved") << QStringLiteral("sub") << QStringLiteral("x")
                                  << QStringLiteral("set by the server");
        QTest::newRow("no name") << QString() << QStringLiteral("x") << QStringLiteral("needs a name");
    }

    void badClaimsDisableOk()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        UserDialog dialog(m_db, std::nullopt);
        dialog.show();
        QTest::keyClicks(child<QLineEdit>(dialog, "usernameLineEdit"), QStringLiteral("carol"));
        QVERIFY(okButton(dialog)->isEnabled());
        auto *table = child<QTableWidget>(dialog, "claimsTableWidget");
        dialog.addClaimRow();
        table->item(table->rowCount() - 1, 0)->setText(key);
        table->item(table->rowCount() - 1, 1)->setText(value);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(dialog.validationError().contains(message), qPrintable(dialog.validationError()));
        QVERIFY(!UserStore(m_db).find(QStringLiteral("carol")));
    }

    void duplicateClaimIsRejected()
    {
        UserDialog dialog(m_db, std::nullopt);
        QTest::keyClicks(child<QLineEdit>(dialog, "usernameLineEdit"), QStringLiteral("dave"));
        auto *table = child<QTableWidget>(dialog, "claimsTableWidget");
        dialog.addClaimRow(QStringLiteral("name"), QStringLiteral("Dave"));
        dialog.addClaimRow();
        table->item(1, 0)->setText(QStringLiteral("name"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(dialog.validationError().contains(QStringLiteral("twice")));
    }

    void editingKeepsThePasswordUnlessChanged()
    {
        auto added = UserStore(m_db).add(QStringLiteral("erin"), QStringLiteral("secret"), {});
        QVERIFY(added);
        UserDialog dialog(m_db, *added);
        dialog.show();
        QVERIFY(child<QLineEdit>(dialog, "usernameLineEdit")->isReadOnly());
        dialog.addClaimRow(QStringLiteral("locale"), QStringLiteral("de-AT"));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        auto user = UserStore(m_db).get(QStringLiteral("erin"));
        QCOMPARE(user->claims.value(QStringLiteral("locale")).toString(), QStringLiteral("de-AT"));
        QVERIFY(*UserStore(m_db).checkPassword(QStringLiteral("erin"), QStringLiteral("secret")));
    }
};

QTEST_MAIN(TestUserDialog)
#include "TestUserDialog.moc"
