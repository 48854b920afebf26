// Time until a Tokens page on a database of 100 000 access tokens shows its first rows.
#include "TokensPage.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/TokenStore.h"
#include "util/Clock.h"

#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

class BenchTokenModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        Q_INIT_RESOURCE(icons);
        QVERIFY(m_dir.isValid());
        auto db = Database::open(m_dir.filePath(QStringLiteral("bench.db")));
        QVERIFY2(db.has_value(), db ? "" : qPrintable(db.error().message));
        m_db = *db;
        Client c;
        c.clientId = QStringLiteral("bench-client");
        c.name = QStringLiteral("Bench client");
        c.grantTypes = {grant::ClientCredentials};
        QVERIFY(ClientStore(m_db).add(c).has_value());
        QElapsedTimer timer;
        timer.start();
        // One transaction for all rows: the group-commit batch the server thread uses.
        TokenStore tokens(m_db);
        m_db->setBatching(true);
        for (int i = 0; i < TokenCount; ++i) {
            TokenRecord r;
            r.kind = TokenKind::AccessToken;
            r.clientId = c.clientId;
            r.scope = QStringLiteral("read");
            r.issuedAt = Clock::nowMs();
            r.expiresAt = r.issuedAt + 3600 * 1000;
            QVERIFY(tokens.issue(r).has_value());
        }
        QVERIFY(m_db->commitBatch().has_value());
        m_db->setBatching(false);
        qInfo("generated %d access tokens in %lld ms", TokenCount, timer.elapsed());
    }

    void modelFirstPage()
    {
        QBENCHMARK
        {
            TokenTableModel model(m_db, TokenKind::AccessToken);
            QCOMPARE(model.rowCount(), TokenTableModel::DefaultPageSize);
        }
    }

    void pageFirstRowsShown()
    {
        QBENCHMARK
        {
            TokensPage page(m_db, nullptr);
            page.resize(1300, 800);
            page.show();
            QVERIFY(QTest::qWaitForWindowExposed(&page));
            // Painted: the grab renders the visible rows, which is what "shown" means here.
            const QPixmap shot = page.grab();
            QVERIFY(!shot.isNull());
            QVERIFY(page.view(TokenKind::AccessToken)->rowAt(0) == 0);
        }
    }

    void scrollToTheEndOfTheLoadedRows()
    {
        TokensPage page(m_db, nullptr);
        page.resize(1300, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTableView *view = page.view(TokenKind::AccessToken);
        QBENCHMARK_ONCE
        {
            // Twenty pages down, as a user dragging the scroll bar would fetch them.
            for (int i = 0; i < 20; ++i) {
                view->scrollToBottom();
                QCoreApplication::processEvents();
            }
        }
        qInfo("loaded %d rows", page.model(TokenKind::AccessToken)->rowCount());
    }

private:
    static constexpr int TokenCount = 100000;
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;
};

QTEST_MAIN(BenchTokenModel)
#include "BenchTokenModel.moc"
