#include "LiveFixtures.h"
#include "TokensPage.h"
#include "http/ServerController.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace oauthdesk;
using namespace oauthdesk::ui;

// The Tokens page against a real server: tokens issued over HTTP show up live, and a revoke from the page
// is in force at the server at once.
class TestLiveWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { Q_INIT_RESOURCE(icons); }

    void init()
    {
        m_fixture = std::make_unique<testing::LiveDb>();
        const QString error = m_fixture->open();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_server = std::make_unique<ServerController>(m_fixture->db);
        QSignalSpy started(m_server.get(), &ServerController::started);
        QSignalSpy failed(m_server.get(), &ServerController::failed);
        Config config;
        config.dbPath = m_fixture->db->path();
        config.port = 0;
        m_server->start(config);
        QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty() || !failed.isEmpty(), 5000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        m_base = QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
    }

    void cleanup()
    {
        m_server.reset();
        m_fixture.reset();
    }

    void issuedTokensAppearLiveAndARevokeIsInForceAtOnce()
    {
        TokensPage page(m_fixture->db, m_server.get());
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        TokenTableModel *model = page.model(TokenKind::AccessToken);
        QCOMPARE(model->rowCount(), 0);

        QStringList values;
        for (int i = 0; i < 3; ++i) {
            const QString token = issueToken();
            QVERIFY(!token.isEmpty());
            values << token;
        }
        // Live: no reload, no button; the page follows the server's change signal.
        QElapsedTimer shown;
        shown.start();
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 3, 1000);
        qInfo("3 tokens shown %lld ms after the last response", shown.elapsed());
        const QString prefix = values.first().left(TokenStore::PrefixLength);
        int row = -1;
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->record(r).prefix == prefix)
                row = r;
        QVERIFY(row >= 0);
        QCOMPARE(model->data(model->index(row, TokenTableModel::Client)).toString(), m_fixture->service.clientId);

        auto revoked = page.revoke(TokenKind::AccessToken, {model->record(row).id});
        QVERIFY2(revoked.has_value(), revoked ? "" : qPrintable(revoked.error().message));
        QCOMPARE(*revoked, 1);
        QCOMPARE(model->data(model->index(row, TokenTableModel::Status)).toString(), QStringLiteral("revoked"));

        // RFC 6750 §3.1: the revoked token is refused with invalid_token; the others still work.
        auto [status, challenge] = getMe(values.first());
        QCOMPARE(status, 401);
        QVERIFY2(challenge.contains(QLatin1String("error=\"invalid_token\"")), qPrintable(challenge));
        QCOMPARE(getMe(values.at(1)).first, 200);
    }

private:
    QString issueToken()
    {
        QNetworkRequest request(QUrl(m_base + QStringLiteral("/oauth/token")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        const QByteArray basic
            = (m_fixture->service.clientId + QLatin1Char(':') + m_fixture->service.secret).toUtf8().toBase64();
        request.setRawHeader("Authorization", "Basic " + basic);
        QNetworkReply *reply = m_network.post(request, QByteArrayLiteral("grant_type=client_credentials&scope=read"));
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000))
            return {};
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        const QString token = QJsonDocument::fromJson(body).object().value(QStringLiteral("access_token")).toString();
        if (token.isEmpty())
            qWarning("token response: %s", body.constData());
        return token;
    }

    std::pair<int, QString> getMe(const QString &token)
    {
        QNetworkRequest request(QUrl(m_base + QStringLiteral("/api/me")));
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QNetworkReply *reply = m_network.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000))
            return {0, {}};
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString challenge = QString::fromLatin1(reply->rawHeader("WWW-Authenticate"));
        reply->deleteLater();
        return {status, challenge};
    }

    std::unique_ptr<testing::LiveDb> m_fixture;
    std::unique_ptr<ServerController> m_server;
    QNetworkAccessManager m_network;
    QString m_base;
};

QTEST_MAIN(TestLiveWindow)
#include "TestLiveWindow.moc"
