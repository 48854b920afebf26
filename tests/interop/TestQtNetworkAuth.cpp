// Interop: Qt's own OAuth client (QOAuth2AuthorizationCodeFlow from QtNetworkAuth) against the real server.

#include "TestSupport.h"

#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>

using namespace oauthdesk;
using namespace oauthdesk::test;

class TestQtNetworkAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authorizationCodeAndRefresh()
    {
        TestServer server;
        server.addUser(QStringLiteral("alice"), {}, {{QStringLiteral("email"), QStringLiteral("alice@example.com")}});

        QOAuth2AuthorizationCodeFlow flow;
        auto *replyHandler = new QOAuthHttpServerReplyHandler(QHostAddress::LocalHost, 0, &flow);
        QVERIFY(replyHandler->isListening());
        flow.setReplyHandler(replyHandler);

        // The client is registered with the exact callback URL Qt will send (RFC 9700 §2.1: exact matching).
        Client c;
        c.clientId = QStringLiteral("qt-app");
        c.secret = QStringLiteral("qt secret/+");
        c.name = QStringLiteral("Qt app");
        c.redirectUris = {replyHandler->callback()};
        c.scopes = {QStringLiteral("read"), QStringLiteral("write")};
        c.autoApproveUser = QStringLiteral("alice");
        server.addClient(c);

        flow.setAuthorizationUrl(server.url(QStringLiteral("/oauth/authorize")));
        flow.setAccessTokenUrl(server.url(QStringLiteral("/oauth/token")));
        flow.setClientIdentifier(c.clientId);
        flow.setClientIdentifierSharedKey(c.secret);
        flow.setScope(QStringLiteral("read write"));

        // The "browser": follow the authorization URL; the auto-approve client redirects to Qt's listener.
        QNetworkAccessManager browser;
        connect(&flow, &QAbstractOAuth::authorizeWithBrowser, this, [&browser](const QUrl &url) {
            QNetworkRequest request(url);
            request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
            browser.get(request);
        });
        QSignalSpy granted(&flow, &QAbstractOAuth::granted);
        flow.grant();
        QVERIFY2(granted.wait(15000), qPrintable(QStringLiteral("status %1").arg(int(flow.status()))));
        const QString first = flow.token();
        QVERIFY(!first.isEmpty());
        QVERIFY(!flow.refreshToken().isEmpty());

        Http http;
        HttpResult me = http.get(server.url(QStringLiteral("/api/me")), {bearer(first)});
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));

        QSignalSpy refreshed(&flow, &QAbstractOAuth2::tokenChanged);
        flow.refreshAccessToken();
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty() && flow.token() != first, 15000);
        QCOMPARE(http.get(server.url(QStringLiteral("/api/me")), {bearer(flow.token())}).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestQtNetworkAuth)
#include "TestQtNetworkAuth.moc"
