#include "LiveFixtures.h"
#include "TokenTableModel.h"
#include "TokensPage.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

// The live token table: paging, filters, and merges that keep the selection and the scroll position.
class TestTokenTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { Q_INIT_RESOURCE(icons); }
    void init()
    {
        m_fixture = std::make_unique<testing::LiveDb>();
        const QString error = m_fixture->open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString inserted = m_fixture->insertTokens(TokenKind::AccessToken, 2000, m_fixture->service.clientId);
        QVERIFY2(inserted.isEmpty(), qPrintable(inserted));
    }
    void cleanup() { m_fixture.reset(); }

    void modelPassesTheTesterWhileFetchingAndMerging()
    {
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // The tester itself fetches pages; each is a whole page until the last.
        QVERIFY(model.rowCount() >= TokenTableModel::DefaultPageSize);
        QCOMPARE(model.rowCount() % TokenTableModel::DefaultPageSize, 0);
        QCOMPARE(model.totalCount(), 2000);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 2000);
        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, 3, m_fixture->webApp.clientId, QStringLiteral("alice"))
                    .isEmpty());
        model.refresh();
        QCOMPARE(model.rowCount(), 2003);
        model.tick(0, 20);
        model.setFilter({});
    }

    void pagesAreNewestFirstWithoutGapsOrRepeats()
    {
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        model.setPageSize(300);
        model.reload();
        QCOMPARE(model.rowCount(), 300);
        int fetches = 0;
        while (model.canFetchMore({})) {
            model.fetchMore({});
            ++fetches;
        }
        QCOMPARE(fetches, 6); // 300 + 6 × 300 covers 2000; the last page is short
        QCOMPARE(model.rowCount(), 2000);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY2(model.record(row - 1).id == model.record(row).id + 1, qPrintable(QString::number(row)));
        QCOMPARE(model.data(model.index(0, TokenTableModel::Client)).toString(), m_fixture->service.clientId);
        QCOMPARE(model.data(model.index(0, TokenTableModel::Status)).toString(), QStringLiteral("active"));
        QVERIFY(model.data(model.index(0, TokenTableModel::ExpiresIn)).toString().contains(QLatin1Char('m')));
    }

    void filterSelectsClientUserStatusAndPrefix()
    {
        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, 7, m_fixture->webApp.clientId, QStringLiteral("bob"))
                    .isEmpty());
        QVERIFY(
            m_fixture
                ->insertTokens(TokenKind::AccessToken, 4, m_fixture->webApp.clientId, QStringLiteral("alice"), -1000)
                .isEmpty());
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        TokenFilter f;
        f.clientId = m_fixture->webApp.clientId;
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 11);
        f.username = QStringLiteral("bob");
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 7);
        f.username.clear();
        f.status = TokenStatus::Expired;
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.data(model.index(0, TokenTableModel::Status)).toString(), QStringLiteral("expired"));
        TokenFilter byPrefix;
        byPrefix.prefix = model.record(0).prefix;
        model.setFilter(byPrefix);
        QVERIFY(model.rowCount() >= 1);
        for (int row = 0; row < model.rowCount(); ++row)
            QVERIFY(model.record(row).prefix.startsWith(byPrefix.prefix));
        // New rows that do not match the filter stay out.
        model.setFilter(f);
        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, 5, m_fixture->service.clientId).isEmpty());
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
    }

    void newTokensKeepTheSelectionAndTheScrollPosition()
    {
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QTableView view;
        view.setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
        view.setModel(&model);
        view.resize(800, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        // At the top: the view keeps showing the newest rows, the selection follows its token.
        const int selectedRow = 3;
        const qint64 tokenX = model.record(selectedRow).id;
        view.selectionModel()->select(
            model.index(selectedRow, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        view.selectionModel()->setCurrentIndex(model.index(selectedRow, 0), QItemSelectionModel::NoUpdate);
        QCOMPARE(view.verticalScrollBar()->value(), 0);
        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, 25, m_fixture->service.clientId).isEmpty());
        QVERIFY(model.refresh());
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.rowCount(), TokenTableModel::DefaultPageSize + 25);
        const QModelIndexList selected = view.selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(model.record(selected.first().row()).id, tokenX);
        QCOMPARE(model.record(view.selectionModel()->currentIndex().row()).id, tokenX);
        QCOMPARE(view.verticalScrollBar()->value(), 0);
    }

    void pageKeepsTheRowsInSightWhenScrolledAway()
    {
        TokensPage page(m_fixture->db, nullptr);
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTableView *view = page.view(TokenKind::AccessToken);
        TokenTableModel *model = page.model(TokenKind::AccessToken);
        view->verticalScrollBar()->setValue(120);
        QCoreApplication::processEvents();
        const int value = view->verticalScrollBar()->value();
        QVERIFY(value > 0);
        const qint64 topId = model->record(view->rowAt(0)).id;
        view->selectRow(view->rowAt(0) + 2);
        const qint64 selectedId = model->record(view->selectionModel()->selectedRows().first().row()).id;

        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, 40, m_fixture->service.clientId).isEmpty());
        model->refresh();
        QCoreApplication::processEvents();
        QCOMPARE(view->verticalScrollBar()->value(), value + 40);
        QCOMPARE(model->record(view->rowAt(0)).id, topId);
        QCOMPARE(model->record(view->selectionModel()->selectedRows().first().row()).id, selectedId);
    }

    void revokeUpdatesTheStatusInPlace()
    {
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const TokenRecord target = model.record(10);
        QVERIFY(TokenStore(m_fixture->db).revoke(TokenKind::AccessToken, target.id).value() == 1);
        QVERIFY(model.refresh());
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 10);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 10);
        QCOMPARE(model.data(model.index(10, TokenTableModel::Status)).toString(), QStringLiteral("revoked"));
        QCOMPARE(model.data(model.index(11, TokenTableModel::Status)).toString(), QStringLiteral("active"));
        QCOMPARE(model.record(10).id, target.id);
    }

    void pageRevokesTheSelectionAfterConfirming()
    {
        TokensPage page(m_fixture->db, nullptr);
        QStringList questions;
        bool answer = false;
        page.setConfirm([&](const QString &, const QString &text) {
            questions << text;
            return answer;
        });
        QTableView *view = page.view(TokenKind::AccessToken);
        view->selectRow(0);
        page.revokeSelection();
        QCOMPARE(questions.size(), 1);
        QCOMPARE(page.model(TokenKind::AccessToken)
                     ->data(page.model(TokenKind::AccessToken)->index(0, TokenTableModel::Status))
                     .toString(),
            QStringLiteral("active"));
        answer = true;
        page.revokeSelection();
        QCOMPARE(page.model(TokenKind::AccessToken)
                     ->data(page.model(TokenKind::AccessToken)->index(0, TokenTableModel::Status))
                     .toString(),
            QStringLiteral("revoked"));
        QVERIFY2(page.message().contains(QLatin1String("1")), qPrintable(page.message()));
        // The whole client, after confirming.
        page.revokeClientTokens();
        QVERIFY2(questions.last().contains(QLatin1String("1,999")) || questions.last().contains(QLatin1String("1999")),
            qPrintable(questions.last()));
        TokenFilter live;
        live.activeOnly = true;
        QCOMPARE(TokenStore(m_fixture->db).count(TokenKind::AccessToken, live).value(), 0);
    }

    void refreshTokenRevokeTakesTheGrant()
    {
        TokenStore tokens(m_fixture->db);
        TokenRecord access;
        access.kind = TokenKind::AccessToken;
        access.clientId = m_fixture->webApp.clientId;
        access.username = QStringLiteral("alice");
        access.scope = QStringLiteral("openid");
        access.issuedAt = Clock::nowMs();
        access.expiresAt = access.issuedAt + 60000;
        auto issued = tokens.issue(access);
        QVERIFY2(issued.has_value(), issued ? "" : qPrintable(issued.error().message));
        TokenRecord refresh = access;
        refresh.kind = TokenKind::RefreshToken;
        refresh.id = 0;
        QVERIFY(tokens.issue(refresh).has_value());
        TokensPage page(m_fixture->db, nullptr);
        auto n = page.revoke(TokenKind::RefreshToken, {refresh.id});
        QVERIFY2(n.has_value(), n ? "" : qPrintable(n.error().message));
        QCOMPARE(*n, 2);
        TokenTableModel *model = page.model(TokenKind::AccessToken);
        QCOMPARE(model->data(model->index(model->rowOfId(access.id), TokenTableModel::Status)).toString(),
            QStringLiteral("revoked"));
    }

    void manyNewRowsMergeInChunksAndStayBounded()
    {
        TokenTableModel model(m_fixture->db, TokenKind::AccessToken);
        model.setMaxLoadedRows(1000);
        const int added = 3 * TokenTableModel::MergeChunk + 10;
        QVERIFY(m_fixture->insertTokens(TokenKind::AccessToken, added, m_fixture->service.clientId).isEmpty());
        // One chunk per refresh, so one refresh never holds the GUI thread for long; the rest comes later.
        int refreshes = 1;
        while (!model.refresh())
            ++refreshes;
        QCOMPARE(refreshes, 4);
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.totalCount(), 2000 + added);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.record(row - 1).id == model.record(row).id + 1);
        QVERIFY(model.canFetchMore({}));
    }

private:
    std::unique_ptr<testing::LiveDb> m_fixture;
};

QTEST_MAIN(TestTokenTableModel)
#include "TestTokenTableModel.moc"
