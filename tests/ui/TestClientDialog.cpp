#include "ClientDialog.h"
#include "FreshDatabase.h"
#include "WidgetLookup.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;
using namespace oauthdesk::test;

// The client dialog as a user drives it: typing, inline errors, the OK button, and what lands in the database.
class TestClientDialog final : public QObject
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

    void invalidRedirectUriDisablesOkWithAnInlineError()
    {
        ClientDialog dialog(m_db, std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(child<QLineEdit>(dialog, "nameLineEdit"), QStringLiteral("My web app"));
        auto *uri = child<QLineEdit>(dialog, "redirectUriLineEdit");
        auto *error = child<QLabel>(dialog, "redirectErrorLabel");
        QTest::keyClicks(uri, QStringLiteral("not a uri"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("absolute URI")), qPrintable(error->text()));

        uri->clear();
        QTest::keyClicks(uri, QStringLiteral("https://app.example/cb#frag"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(error->text().contains(QStringLiteral("fragment")), qPrintable(error->text()));

        uri->clear();
        QTest::keyClicks(uri, QStringLiteral("http://localhost:3000/callback"));
        QVERIFY(okButton(dialog)->isEnabled());
        QVERIFY(!error->isVisible());
    }

    void authorizationCodeNeedsARedirectUri()
    {
        ClientDialog dialog(m_db, std::nullopt);
        dialog.show();
        QTest::keyClicks(child<QLineEdit>(dialog, "nameLineEdit"), QStringLiteral("No redirect"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(child<QLabel>(dialog, "errorLabel")->text().contains(QStringLiteral("redirect URI")));
        // Without authorization_code it is fine.
        child<QCheckBox>(dialog, "authorization_codeCheckBox")->setChecked(false);
        child<QCheckBox>(dialog, "client_credentialsCheckBox")->setChecked(true);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(dialog.validationError()));
    }

    void publicClientsCannotUseClientCredentials()
    {
        ClientDialog dialog(m_db, std::nullopt);
        auto *cc = child<QCheckBox>(dialog, "client_credentialsCheckBox");
        cc->setChecked(true);
        child<QRadioButton>(dialog, "publicRadioButton")->setChecked(true);
        QVERIFY(!cc->isChecked());
        QVERIFY(!cc->isEnabled());
        QCOMPARE(child<QSpinBox>(dialog, "codeTtlSpinBox")->maximum(), Config::MaxCodeLifetimeSecs);
    }

    void validFormCreatesTheClient()
    {
        ClientDialog dialog(m_db, std::nullopt);
        dialog.show();
        QTest::keyClicks(child<QLineEdit>(dialog, "nameLineEdit"), QStringLiteral("Inventory"));
        QTest::keyClicks(child<QLineEdit>(dialog, "clientIdLineEdit"), QStringLiteral("inventory"));
        auto *uri = child<QLineEdit>(dialog, "redirectUriLineEdit");
        QTest::keyClicks(uri, QStringLiteral("http://localhost:3000/a"));
        QTest::keyClick(uri, Qt::Key_Return); // adds it to the list
        QVERIFY(uri->text().isEmpty());
        QTest::keyClicks(uri, QStringLiteral("http://localhost:3000/b")); // left pending: OK takes it too
        QTest::keyClicks(child<QLineEdit>(dialog, "scopesLineEdit"), QStringLiteral("openid email"));
        child<QSpinBox>(dialog, "accessTtlSpinBox")->setValue(120);
        const QString secret = child<QLineEdit>(dialog, "secretLineEdit")->text();
        QVERIFY(!secret.isEmpty());
        QVERIFY(okButton(dialog)->isEnabled());
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        auto saved = ClientStore(m_db).get(QStringLiteral("inventory"));
        QVERIFY2(saved, saved ? "" : qPrintable(saved.error().message));
        QCOMPARE(saved->name, QStringLiteral("Inventory"));
        QCOMPARE(saved->redirectUris,
            QStringList({QStringLiteral("http://localhost:3000/a"), QStringLiteral("http://localhost:3000/b")}));
        QCOMPARE(saved->scopes, QStringList({QStringLiteral("openid"), QStringLiteral("email")}));
        QCOMPARE(saved->secret, secret);
        QCOMPARE(saved->accessTokenTtl, 120);
        QVERIFY(!saved->isPublic);
    }

    void editingKeepsTheIdAndSavesChanges()
    {
        Client c;
        c.clientId = QStringLiteral("edit-me");
        c.name = QStringLiteral("Before");
        c.grantTypes = {grant::ClientCredentials};
        auto added = ClientStore(m_db).add(c);
        QVERIFY(added);
        ClientDialog dialog(m_db, *added);
        dialog.show();
        QVERIFY(child<QLineEdit>(dialog, "clientIdLineEdit")->isReadOnly());
        auto *name = child<QLineEdit>(dialog, "nameLineEdit");
        name->selectAll();
        QTest::keyClicks(name, QStringLiteral("After"));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QCOMPARE(ClientStore(m_db).get(QStringLiteral("edit-me"))->name, QStringLiteral("After"));
        QCOMPARE(ClientStore(m_db).get(QStringLiteral("edit-me"))->secret, added->secret);
    }
};

QTEST_MAIN(TestClientDialog)
#include "TestClientDialog.moc"
