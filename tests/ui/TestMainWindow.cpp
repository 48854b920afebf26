#include "ClientsPage.h"
#include "FreshDatabase.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ServerPage.h"
#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"

#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::test;
using namespace oauthdesk::ui;

// The whole window against a real server on a free port: status bar, page switching, Try it, settings.
class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;

private Q_SLOTS:
    void initTestCase()
    {
        Q_INIT_RESOURCE(icons);
        QStandardPaths::setTestModeEnabled(true); // QSettings must not touch the user's own
        QCoreApplication::setOrganizationName(QStringLiteral("OAuthDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("OAuthDeskTest"));
    }

    void init()
    {
        auto db = openFreshDatabase(m_dir);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
    }

    void opensWithTheServerRunningAndSwitchesPages()
    {
        Client worker;
        worker.clientId = QStringLiteral("worker");
        worker.name = QStringLiteral("Worker");
        worker.grantTypes = {grant::ClientCredentials};
        QVERIFY(ClientStore(m_db).add(worker));

        ServerController server(m_db);
        Config config;
        config.port = 0;
        MainWindow window(m_db, &server, config, m_dir.filePath(QStringLiteral("config.json")));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy started(&server, &ServerController::started);
        window.startServer();
        QVERIFY(started.wait(10000));
        const QString issuer = started.first().first().toString();
        QVERIFY2(issuer.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(issuer));
        QTRY_COMPARE(window.statusText(), QStringLiteral("Listening on %1").arg(issuer));

        QCOMPARE(window.currentPageId(), QStringLiteral("server"));
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(window.currentPageId(), QStringLiteral("clients"));
        QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(window.currentPageId(), QStringLiteral("users"));
        auto *sidebar = window.findChild<QListWidget *>(QStringLiteral("sidebarListWidget"));
        sidebar->setCurrentRow(1);
        QCOMPARE(window.currentPageId(), QStringLiteral("clients"));
        window.showPage(QStringLiteral("server"));
        QCOMPARE(window.currentPageId(), QStringLiteral("server"));

        // Pages from other modules slot in by id order without moving the current page; an id is added once.
        QCOMPARE(sidebar->count(), 7);
        window.addPage(QStringLiteral("keys"), QStringLiteral("Keys"), QIcon(), new QLabel(QStringLiteral("keys")));
        window.addPage(QStringLiteral("tokens"), QStringLiteral("Tokens"), QIcon(), new QLabel(QStringLiteral("t")));
        QCOMPARE(sidebar->count(), 7);
        QCOMPARE(sidebar->item(3)->text(), QStringLiteral("Tokens"));
        QCOMPARE(sidebar->item(4)->text(), QStringLiteral("Requests"));
        QCOMPARE(sidebar->item(5)->text(), QStringLiteral("Keys"));
        QCOMPARE(sidebar->item(6)->text(), QStringLiteral("Device"));
        QCOMPARE(window.currentPageId(), QStringLiteral("server"));
        QTest::keyClick(&window, Qt::Key_6, Qt::ControlModifier);
        QCOMPARE(window.currentPageId(), QStringLiteral("keys"));

        // The server page shows the endpoints from the server's own metadata, and Try it gets a token.
        auto *serverPage = qobject_cast<ServerPage *>(window.page(QStringLiteral("server")));
        QVERIFY(serverPage);
        QTRY_COMPARE(serverPage->endpointUrl(QStringLiteral("token")), issuer + QStringLiteral("/oauth/token"));
        QCOMPARE(serverPage->endpointUrl(QStringLiteral("issuer")), issuer);
        serverPage->refreshClients();
        QSignalSpy finished(serverPage, &ServerPage::tryItFinished);
        serverPage->runTryIt();
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.first().first().toInt() == 200, qPrintable(serverPage->responseText()));
        QVERIFY2(serverPage->responseText().contains(QStringLiteral("\"access_token\"")),
            qPrintable(serverPage->responseText()));
        QVERIFY(serverPage->responseText().contains(QStringLiteral("HTTP 200")));
        // The secret never appears in the request summary.
        QVERIFY(!serverPage->responseText().contains(ClientStore(m_db).get(QStringLiteral("worker"))->secret));
    }

    void busyPortShowsInTheStatusBarAndMessageBar()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        ServerController server(m_db);
        Config config;
        config.port = 0;
        const QString settingsPath = m_dir.filePath(QStringLiteral("busy.json"));
        MainWindow window(m_db, &server, config, settingsPath);
        window.show();
        QSignalSpy started(&server, &ServerController::started);
        window.startServer();
        QVERIFY(started.wait(10000));

        // Settings with the taken port: the server restarts, fails, and the window says why.
        Config busy = window.config();
        busy.port = blocker.serverPort();
        QSignalSpy failed(&server, &ServerController::failed);
        window.applySettings(busy);
        QVERIFY(failed.wait(10000));
        const QString expected = QStringLiteral("port %1 is in use").arg(blocker.serverPort());
        QTRY_VERIFY2(window.statusText().contains(expected), qPrintable(window.statusText()));
        auto *serverPage = qobject_cast<ServerPage *>(window.page(QStringLiteral("server")));
        QVERIFY(serverPage->messageBar()->isVisible());
        QVERIFY(serverPage->messageBar()->text().contains(expected));
        // The settings were saved as a config file the next start reads.
        auto saved = Config::fromFile(settingsPath);
        QVERIFY2(saved, saved ? "" : qPrintable(saved.error().message));
        QCOMPARE(saved->port, blocker.serverPort());
    }

    void remembersTheLastPage()
    {
        ServerController server(m_db);
        {
            MainWindow window(m_db, &server, Config{}, QString());
            window.show();
            window.showPage(QStringLiteral("users"));
            window.close();
        }
        MainWindow again(m_db, &server, Config{}, QString());
        QCOMPARE(again.currentPageId(), QStringLiteral("server"));
        again.restoreState();
        QCOMPARE(again.currentPageId(), QStringLiteral("users"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
