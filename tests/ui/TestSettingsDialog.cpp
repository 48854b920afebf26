#include "SettingsDialog.h"
#include "WidgetLookup.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;
using namespace oauthdesk::test;

// The settings dialog rejects what the server could not use and hands valid settings to the window.
class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private:
    static QPushButton *button(SettingsDialog &dialog, QDialogButtonBox::StandardButton which)
    {
        return dialog.findChild<QDialogButtonBox *>()->button(which);
    }

private Q_SLOTS:
    void invalidInputIsRejected_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("port too big") << QStringLiteral("portLineEdit") << QStringLiteral("70000")
                                      << QStringLiteral("0 to 65535");
        QTest::newRow("port not a number")
            << QStringLiteral("portLineEdit") << QStringLiteral("80a") << QStringLiteral("0 to 65535");
        QTest::newRow("port negative") << QStringLiteral("portLineEdit") << QStringLiteral("-1")
                                       << QStringLiteral("0 to 65535");
        QTest::newRow("bind not an address")
            << QStringLiteral("bindLineEdit") << QStringLiteral("localhost") << QStringLiteral("not an IP address");
        QTest::newRow("issuer with query")
            << QStringLiteral("issuerLineEdit") << QStringLiteral("http://localhost/?a=1") << QStringLiteral("issuer");
        QTest::newRow("table starts with digit")
            << QStringLiteral("clientsTableLineEdit") << QStringLiteral("1clients") << QStringLiteral("not valid");
        QTest::newRow("table with space")
            << QStringLiteral("authCodesTableLineEdit") << QStringLiteral("auth codes") << QStringLiteral("not valid");
        QTest::newRow("table taken") << QStringLiteral("accessTokensTableLineEdit") << QStringLiteral("users")
                                     << QStringLiteral("built-in");
        QTest::newRow("table twice") << QStringLiteral("refreshTokensTableLineEdit") << QStringLiteral("access_tokens")
                                     << QStringLiteral("twice");
        QTest::newRow("sqlite prefix") << QStringLiteral("clientsTableLineEdit") << QStringLiteral("sqlite_x")
                                       << QStringLiteral("reserved");
    }

    void invalidInputIsRejected()
    {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, message);
        SettingsDialog dialog(Config{});
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        QVERIFY(button(dialog, QDialogButtonBox::Ok)->isEnabled());
        auto *edit = dialog.findChild<QLineEdit *>(field);
        QVERIFY(edit);
        edit->clear();
        QTest::keyClicks(edit, text);
        QVERIFY(!button(dialog, QDialogButtonBox::Ok)->isEnabled());
        QVERIFY(!button(dialog, QDialogButtonBox::Apply)->isEnabled());
        auto *error = child<QLabel>(dialog, "errorLabel");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(message), qPrintable(error->text()));
        QTest::mouseClick(button(dialog, QDialogButtonBox::Apply), Qt::LeftButton);
        QCOMPARE(applied.size(), 0);
    }

    void applyHandsOverValidSettings()
    {
        Config base;
        base.dbPath = QStringLiteral("kept.sqlite");
        SettingsDialog dialog(base);
        dialog.show();
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        auto *port = child<QLineEdit>(dialog, "portLineEdit");
        port->clear();
        QTest::keyClicks(port, QStringLiteral("0"));
        child<QSpinBox>(dialog, "codeSpinBox")->setValue(30);
        QCOMPARE(child<QSpinBox>(dialog, "codeSpinBox")->maximum(), Config::MaxCodeLifetimeSecs);
        auto *table = child<QLineEdit>(dialog, "clientsTableLineEdit");
        table->clear();
        QTest::keyClicks(table, QStringLiteral("oauth_clients"));
        QVERIFY(child<QLabel>(dialog, "tablesWarningLabel")->isVisible());
        QTest::mouseClick(button(dialog, QDialogButtonBox::Apply), Qt::LeftButton);
        QCOMPARE(applied.size(), 1);
        const auto config = applied.first().first().value<Config>();
        QCOMPARE(config.port, quint16(0));
        QCOMPARE(config.lifetimes.codeSecs, 30);
        QCOMPARE(config.tables.clients, QStringLiteral("oauth_clients"));
        QCOMPARE(config.dbPath, QStringLiteral("kept.sqlite"));
        QVERIFY(dialog.isVisible()); // Apply keeps the dialog open
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
