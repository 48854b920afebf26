#include "RequestLogModel.h"
#include "RequestsPage.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

namespace {

RequestLogEntry tokenRequest(qint64 id, int status = 200)
{
    RequestLogEntry e;
    e.id = id;
    e.atMs = 1700000000000 + id;
    e.method = "POST";
    e.path = QStringLiteral("/oauth/token");
    e.status = status;
    e.durationUs = 850;
    e.clientId = QStringLiteral("billing-service");
    e.remote = QStringLiteral("127.0.0.1");
    e.requestHeaders = {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Authorization", "Basic YmlsbGluZy1zZXJ2aWNlOnMzY3JldC12YWx1ZS14eXo="}};
    e.requestBody = "grant_type=client_credentials&scope=read&client_secret=s3cret-value-xyz";
    e.responseHeaders = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
    e.responseBody = R"({"access_token":"AT-very-secret-token-value","token_type":"Bearer","expires_in":3600})";
    return e;
}

QList<RequestLogEntry> batch(qint64 firstId, int count)
{
    QList<RequestLogEntry> out;
    for (int i = 0; i < count; ++i)
        out.append(tokenRequest(firstId + i, i % 7 == 0 ? 401 : 200));
    return out;
}

} // namespace

// The request log: bounded memory, pause and resume, and secrets masked unless revealed.
class TestRequestLogModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { Q_INIT_RESOURCE(icons); }

    void modelPassesTheTesterAndTheCapHolds()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCapacity(100);
        model.append(batch(1, 60));
        QCOMPARE(model.rowCount(), 60);
        model.append(batch(61, 60));
        QCOMPARE(model.rowCount(), 100);
        // The oldest went: the top row is request 21, the bottom the newest.
        QCOMPARE(model.rawEntry(0).id, 21);
        QCOMPARE(model.rawEntry(99).id, 120);
        // A batch larger than the log keeps only its newest part.
        model.append(batch(1000, 250));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.rawEntry(0).id, 1150);
        QCOMPARE(model.droppedCount(), 20 + 100 + 150);
        QCOMPARE(model.data(model.index(0, RequestLogModel::Status)).toInt(), 200);
        QCOMPARE(model.data(model.index(0, RequestLogModel::Method)).toString(), QStringLiteral("POST"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void pauseHoldsBackAndResumeAddsWithinTheCap()
    {
        RequestLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCapacity(50);
        model.append(batch(1, 10));
        QSignalSpy pending(&model, &RequestLogModel::pendingCountChanged);
        model.setPaused(true);
        model.append(batch(11, 30));
        model.append(batch(41, 40));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.pendingCount(), 70);
        QCOMPARE(pending.last().at(0).toInt(), 70);
        model.setPaused(false);
        QCOMPARE(model.pendingCount(), 0);
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(model.rawEntry(49).id, 80);
        QCOMPARE(model.rawEntry(0).id, 31);
    }

    void pageShowsNewCountWhilePaused()
    {
        RequestsPage page(nullptr, nullptr);
        page.setPaused(true);
        page.model()->append(batch(1, 12));
        auto *pause = page.findChild<QPushButton *>(QStringLiteral("pauseButton"));
        QVERIFY(pause);
        QVERIFY2(pause->text().contains(QLatin1String("12 new")), qPrintable(pause->text()));
        page.setPaused(false);
        QCOMPARE(page.model()->rowCount(), 12);
    }

    void secretsAreMaskedUntilRevealed()
    {
        RequestsPage page(nullptr, nullptr);
        page.model()->append({tokenRequest(1)});
        page.view()->setCurrentIndex(page.proxy()->index(0, 0));
        const QString request = page.requestText();
        const QString response = page.responseText();
        QVERIFY2(!request.contains(QLatin1String("s3cret-value-xyz")), qPrintable(request));
        QVERIFY2(!request.contains(QLatin1String("YmlsbGluZy1zZXJ2aWNlOnMzY3JldC12YWx1ZS14eXo=")), qPrintable(request));
        QVERIFY2(!response.contains(QLatin1String("AT-very-secret-token-value")), qPrintable(response));
        // Form bodies read as one pair a line, JSON indented.
        QVERIFY2(request.contains(QLatin1String("grant_type = client_credentials")), qPrintable(request));
        QVERIFY2(response.contains(QLatin1String("\"token_type\": \"Bearer\"")), qPrintable(response));
        page.setRevealSecrets(true);
        QVERIFY(page.requestText().contains(QLatin1String("client_secret = s3cret-value-xyz")));
        QVERIFY(page.responseText().contains(QLatin1String("AT-very-secret-token-value")));
        page.setRevealSecrets(false);
        QVERIFY(!page.responseText().contains(QLatin1String("AT-very-secret-token-value")));
    }

    void secretQueryParametersAreMaskedInTheTable()
    {
        RequestLogModel model;
        RequestLogEntry e = tokenRequest(1);
        e.method = "GET";
        e.path = QStringLiteral("/oauth/authorize?client_id=web-app&code=SplxlOBeZQQYbYS6WxSbIA&state=xyz");
        model.append({e});
        const QString shown = model.data(model.index(0, RequestLogModel::Path)).toString();
        QVERIFY2(!shown.contains(QLatin1String("SplxlOBeZQQYbYS6WxSbIA")), qPrintable(shown));
        QVERIFY(shown.contains(QLatin1String("state=xyz")));
        QCOMPARE(model.rawEntry(0).path, e.path);
    }

    void filterMatchesPathStatusAndClient()
    {
        RequestsPage page(nullptr, nullptr);
        RequestLogEntry me = tokenRequest(2, 401);
        me.method = "GET";
        me.path = QStringLiteral("/api/me");
        me.clientId.clear();
        page.model()->append({tokenRequest(1), me});
        page.setFilterText(QStringLiteral("401"));
        QCOMPARE(page.proxy()->rowCount(), 1);
        page.setFilterText(QStringLiteral("billing"));
        QCOMPARE(page.proxy()->rowCount(), 1);
        page.setFilterText(QStringLiteral("/api"));
        QCOMPARE(page.proxy()->rowCount(), 1);
        page.setFilterText(QString());
        QCOMPARE(page.proxy()->rowCount(), 2);
    }

    void viewFollowsTheNewestUnlessScrolledAway()
    {
        RequestsPage page(nullptr, nullptr);
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.model()->setCapacity(400);
        page.model()->append(batch(1, 300));
        QCoreApplication::processEvents();
        QScrollBar *bar = page.view()->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
        QVERIFY(page.isFollowing());
        bar->setValue(100);
        QVERIFY(!page.isFollowing());
        const qint64 topId = page.model()->rawEntry(page.view()->rowAt(0)).id;
        page.model()->append(batch(301, 150)); // drops 50 from the top
        QCoreApplication::processEvents();
        QVERIFY(bar->value() < bar->maximum());
        QCOMPARE(page.model()->rawEntry(page.proxy()->mapToSource(page.view()->indexAt(QPoint(5, 5))).row()).id, topId);
        bar->setValue(bar->maximum());
        QVERIFY(page.isFollowing());
        page.model()->append(batch(451, 20));
        QCoreApplication::processEvents();
        QCOMPARE(bar->value(), bar->maximum());
    }
};

QTEST_MAIN(TestRequestLogModel)
#include "TestRequestLogModel.moc"
