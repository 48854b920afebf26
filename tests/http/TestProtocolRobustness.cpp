// Conformance and robustness checks over raw sockets: header syntax, held responses and hostile input.

#include "TestSupport.h"

#include "http/HttpServer.h"
#include "storage/TokenStore.h"

using namespace oauthdesk;
using namespace oauthdesk::test;

namespace {

const QString Secret = QStringLiteral("robust-secret");

// The header block of the first response in `raw`, one field per entry.
QList<QByteArray> headerLines(const QByteArray &raw)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    return (end < 0 ? raw : raw.left(end)).split('\n');
}

QByteArray headerValue(const QByteArray &raw, const QByteArray &name)
{
    for (const QByteArray &line : headerLines(raw)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// RFC 6750 §3: every attribute value of the challenge is restricted to printable ASCII without '"' and '\'.
bool isQuotedStringSafe(const QByteArray &challenge)
{
    for (char c : challenge)
        if (c < 0x20 || c > 0x7E)
            return false;
    return true;
}

} // namespace

class TestProtocolRobustness : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    Http m_http;

    QString clientToken(const QString &scope = QStringLiteral("read"))
    {
        const HttpResult r = m_http.post(m_server->url(QStringLiteral("/oauth/token")),
            "grant_type=client_credentials&scope=" + scope.toLatin1(), {basic(QStringLiteral("robust"), Secret)});
        return r.json().value(QStringLiteral("access_token")).toString();
    }

    QByteArray tokenRequest(const QByteArray &extraHeaders, const QByteArray &version = "HTTP/1.1") const
    {
        const QByteArray body = "grant_type=client_credentials&scope=read";
        return "POST /oauth/token " + version
            + "\r\nHost: x\r\nAuthorization: " + basic(QStringLiteral("robust"), Secret).second
            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        Client c;
        c.clientId = QStringLiteral("robust");
        c.secret = Secret;
        c.name = QStringLiteral("Robust");
        c.grantTypes = {grant::ClientCredentials};
        m_server->addClient(c);
        m_server->addUser(QStringLiteral("carol"));
        Client web;
        web.clientId = QStringLiteral("robust-web");
        web.secret = Secret;
        web.name = QStringLiteral("Robust web");
        web.redirectUris = {QStringLiteral("http://127.0.0.1:9/cb")};
        web.autoApproveUser = QStringLiteral("carol");
        m_server->addClient(web);
    }

    // RFC 6749 §4.1.2.1 and §5.2: error_description MUST NOT include characters outside %x20-21 / %x23-5B /
    // %x5D-7E, even when it quotes back what the request sent.
    void errorDescriptionsStayWithinTheirCharacterSet()
    {
        auto allowed = [](const QString &text) {
            for (QChar ch : text)
                if (ch.unicode() < 0x20 || ch.unicode() > 0x7E || ch == QLatin1Char('"') || ch == QLatin1Char('\\'))
                    return false;
            return !text.isEmpty();
        };
        const QUrl tokenUrl = m_server->url(QStringLiteral("/oauth/token"));
        HttpResult r = m_http.post(
            tokenUrl, "grant_type=client_credentials&scope=%22%5C%C3%A9%0A", {basic(QStringLiteral("robust"), Secret)});
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_scope"));
        QVERIFY2(allowed(r.json().value(QStringLiteral("error_description")).toString()), r.body.constData());

        r = m_http.post(tokenUrl, "grant_type=client_credentials&client_id=%C3%A9%22&client_secret=x");
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
        QVERIFY2(allowed(r.json().value(QStringLiteral("error_description")).toString()), r.body.constData());

        r = m_http.get(m_server->url(QStringLiteral("/oauth/authorize?client_id=robust-web&response_type=code&"
                                                    "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=%22%C3%A9")));
        QCOMPARE(r.status, 303);
        QCOMPARE(r.locationQuery().queryItemValue(QStringLiteral("error")), QStringLiteral("invalid_scope"));
        const QString description
            = r.locationQuery().queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        QVERIFY2(allowed(description), r.header("Location").constData());
    }

    // RFC 6750 §3 and RFC 9112 §5: a value from the request path must never end up raw in a header field.
    void challengeNeverCarriesRawPathBytes_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("CR LF") << QByteArray("/api/scope/x%0D%0AX-Injected:%20yes");
        QTest::newRow("quote") << QByteArray("/api/scope/x%22,%20error=%22none");
        QTest::newRow("non-ASCII") << QByteArray("/api/scope/%C3%A9t%C3%A9");
        QTest::newRow("backslash") << QByteArray("/api/scope/a%5Cb");
    }

    void challengeNeverCarriesRawPathBytes()
    {
        QFETCH(QByteArray, path);
        const QString token = clientToken();
        QVERIFY(!token.isEmpty());
        const QByteArray raw = rawExchange(m_server->port(),
            "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.toLatin1()
                + "\r\nConnection: close\r\n\r\n");
        QVERIFY2(raw.startsWith("HTTP/1.1 403"), raw.constData());
        for (const QByteArray &line : headerLines(raw))
            QVERIFY2(!line.startsWith("X-Injected"), raw.constData());
        const QByteArray challenge = headerValue(raw, "WWW-Authenticate");
        QVERIFY2(challenge.startsWith("Bearer realm=\"oauthdesk\", error=\"insufficient_scope\""), raw.constData());
        QVERIFY2(isQuotedStringSafe(challenge), challenge.constData());
        // Inside the quoted values, only the quotes that delimit them.
        QCOMPARE(challenge.count('"') % 2, 0);
        QVERIFY2(!challenge.contains("error=\"none"), challenge.constData());
        QVERIFY2(!challenge.contains('\\'), challenge.constData());
    }

    // RFC 9112 §5.5: CR, LF and NUL are never valid in a field value; whatever a handler put there, no second
    // header line may come out of it.
    void serializedHeadersNeverSplit()
    {
        oauth::Response response = oauth::Response::text(200, "ok");
        response.withHeader("X-Test", QByteArray("a\r\nX-Injected: yes\nX-Other: 1\0z", 31));
        const QByteArray bytes = HttpServer::serialize(response, false, false);
        for (const QByteArray &line : headerLines(bytes)) {
            QVERIFY2(!line.startsWith("X-Injected") && !line.startsWith("X-Other"), bytes.constData());
            QVERIFY2(!line.contains('\0'), bytes.constData());
        }
        QVERIFY2(headerValue(bytes, "X-Test").startsWith("a"), bytes.constData());
        QVERIFY(bytes.endsWith("\r\n\r\nok"));
    }

    // A body within the size limit must not buy minutes of CPU: the check for repeated parameters (RFC 6749 §3.2)
    // has to stay linear in their number.
    void manyDistinctParametersAreAnsweredQuickly()
    {
        QByteArray body = "grant_type=client_credentials&scope=read";
        for (int i = 0; body.size() < 900 * 1024; ++i)
            body += "&p" + QByteArray::number(i) + '=';
        QElapsedTimer timer;
        timer.start();
        const HttpResult r = m_http.post(
            m_server->url(QStringLiteral("/oauth/token")), body, {basic(QStringLiteral("robust"), Secret)});
        QVERIFY2(r.status == 200, qPrintable(r.error + QString::fromUtf8(r.body)));
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    // RFC 9112 §9.6: after a request with "Connection: close" the server MUST NOT process any further request on
    // that connection, so a token request pipelined behind it issues nothing.
    void nothingIsProcessedAfterConnectionClose()
    {
        const int before = TokenStore(m_server->db()).count(TokenKind::AccessToken).value_or(-1);
        const QByteArray raw = rawExchange(
            m_server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + tokenRequest({}), 1000);
        QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.constData());
        QCOMPARE(raw.count("HTTP/1.1 "), 1);
        QCOMPARE(TokenStore(m_server->db()).count(TokenKind::AccessToken).value_or(-1), before);

        // The same when the closing request's own response is held for the group commit.
        const QByteArray held
            = rawExchange(m_server->port(), tokenRequest("Connection: close\r\n") + tokenRequest({}), 1000);
        QVERIFY2(held.startsWith("HTTP/1.1 200"), held.constData());
        QCOMPARE(held.count("HTTP/1.1 "), 1);
        QCOMPARE(TokenStore(m_server->db()).count(TokenKind::AccessToken).value_or(-1), before + 1);
    }

    // RFC 9112 §9.3 and §9.6: a pipelined request whose response is held for the group commit is still answered,
    // even when it asks to close the connection and an earlier response went out first.
    void heldResponseAfterAnEarlierOneOnTheSameConnection_data()
    {
        QTest::addColumn<QByteArray>("second");
        QTest::newRow("Connection: close") << tokenRequest("Connection: close\r\n");
        QTest::newRow("HTTP/1.0") << tokenRequest({}, "HTTP/1.0");
    }

    void heldResponseAfterAnEarlierOneOnTheSameConnection()
    {
        QFETCH(QByteArray, second);
        for (int round = 0; round < 20; ++round) {
            const QByteArray raw
                = rawExchange(m_server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + second, 1000);
            QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.constData());
            QVERIFY2(raw.count("HTTP/1.1 ") == 2,
                qPrintable(QStringLiteral("round %1: %2").arg(round).arg(QString::fromLatin1(raw))));
            QVERIFY2(raw.contains("\"access_token\""), raw.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestProtocolRobustness)
#include "TestProtocolRobustness.moc"
