#include "TokenInspectorDialog.h"
#include "crypto/Jws.h"
#include "storage/Database.h"
#include "storage/KeyStore.h"
#include "util/Clock.h"

#include <QApplication>
#include <QClipboard>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

// The token inspector: real keys from a real database, tokens typed and pasted into the dialog.
class TestTokenInspector final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;

    QString signedToken(const QJsonObject &claims)
    {
        auto key = KeyStore(m_db).activeKey(crypto::Alg::ES256);
        if (!key)
            return {};
        auto jws = crypto::signJws(*key, {{QStringLiteral("typ"), QStringLiteral("JWT")}},
            QJsonDocument(claims).toJson(QJsonDocument::Compact));
        return jws ? QString::fromLatin1(*jws) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto db = Database::open(m_dir.filePath(QStringLiteral("inspector.sqlite")));
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
    }

    void pastedTokenSignedByOurKeyIsValid()
    {
        const qint64 now = Clock::nowSecs();
        const QString token = signedToken({{QStringLiteral("sub"), QStringLiteral("alice")},
            {QStringLiteral("iat"), now}, {QStringLiteral("exp"), now + 600}, {QStringLiteral("auth_time"), now - 30}});
        QVERIFY(!token.isEmpty());
        TokenInspectorDialog dialog(m_db);
        QCOMPARE(dialog.verdict(), TokenInspectorDialog::Verdict::Empty);
        auto *edit = dialog.findChild<QPlainTextEdit *>(QStringLiteral("tokenEdit"));
        QVERIFY(edit);
        QApplication::clipboard()->setText(token);
        edit->setFocus();
        edit->paste();
        if (edit->toPlainText().isEmpty()) // a platform without a clipboard: type it instead
            QTest::keyClicks(edit, token);
        QCOMPARE(dialog.verdict(), TokenInspectorDialog::Verdict::Valid);
        QVERIFY(dialog.verdictText().contains(QStringLiteral("valid")));
        QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("claimsView"))
                    ->toPlainText()
                    .contains(QStringLiteral("\"alice\"")));
        QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("headerView"))
                    ->toPlainText()
                    .contains(QStringLiteral("ES256")));
        const QString times = dialog.findChild<QLabel *>(QStringLiteral("timesLabel"))->text();
        QVERIFY2(times.contains(QStringLiteral("exp: ")) && times.contains(QStringLiteral("auth_time: ")),
            qPrintable(times));
        QVERIFY2(!times.contains(QString::number(now + 600)), "times are shown as dates, not numbers");
    }

    void tamperedTokenIsInvalid()
    {
        QString token = signedToken({{QStringLiteral("sub"), QStringLiteral("alice")}});
        QList<QString> parts = token.split(QLatin1Char('.'));
        parts[1] = QString::fromLatin1(QByteArray(R"({"sub":"mallory"})")
                                           .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        TokenInspectorDialog dialog(m_db);
        dialog.setToken(parts.join(QLatin1Char('.')));
        QCOMPARE(dialog.verdict(), TokenInspectorDialog::Verdict::Invalid);
        QVERIFY(dialog.verdictText().contains(QStringLiteral("NOT valid")));
        QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("claimsView"))
                    ->toPlainText()
                    .contains(QStringLiteral("mallory")));
    }

    void garbageGetsAMessage_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("words") << QStringLiteral("hello world");
        QTest::newRow("two parts") << QStringLiteral("abc.def");
        QTest::newRow("bad base64") << QStringLiteral("!!!.???.***");
        QTest::newRow("not json") << QStringLiteral("YWJj.ZGVm.Z2hp");
        QTest::newRow("dots") << QStringLiteral("...");
    }

    void garbageGetsAMessage()
    {
        QFETCH(QString, input);
        TokenInspectorDialog dialog(m_db);
        auto *edit = dialog.findChild<QPlainTextEdit *>(QStringLiteral("tokenEdit"));
        QTest::keyClicks(edit, input);
        QCOMPARE(dialog.verdict(), TokenInspectorDialog::Verdict::Malformed);
        QVERIFY(dialog.verdictText().startsWith(QStringLiteral("Not a JWT")));
        edit->clear();
        QCOMPARE(dialog.verdict(), TokenInspectorDialog::Verdict::Empty);
    }
};

QTEST_MAIN(TestTokenInspector)
#include "TestTokenInspector.moc"
