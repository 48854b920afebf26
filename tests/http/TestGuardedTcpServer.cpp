#include "http/GuardedTcpServer.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using oauthdesk::GuardedTcpServer;

namespace {

// A real QHttpServer behind a GuardedTcpServer on 127.0.0.1, with one GET and one POST route.
struct Harness
{
    explicit Harness(const GuardedTcpServer::Limits &limits)
    {
        http.route(QStringLiteral("/ok"), [] { return QStringLiteral("ok"); });
        http.route(
            QStringLiteral("/echo"), QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &request) {
                ++echoCalls;
                return QString::number(request.body().size());
            });
        guard = new GuardedTcpServer(limits);
        if (guard->listen(QHostAddress::LocalHost, 0))
            port = guard->serverPort();
        http.bind(guard);
    }

    QHttpServer http;
    GuardedTcpServer *guard = nullptr; // owned by http after bind()
    quint16 port = 0;
    int echoCalls = 0;
};

GuardedTcpServer::Limits testLimits()
{
    GuardedTcpServer::Limits limits;
    limits.maxBodyBytes = 4096;
    limits.maxHeaderBytes = 2048;
    limits.idleTimeoutMs = 5000;
    limits.maxConnections = 16;
    return limits;
}

// The length of the first complete response in data, or 0 if it is not complete yet.
qsizetype completeResponseLength(const QByteArray &data)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return 0;
    qint64 contentLength = 0;
    for (const QByteArray &line : data.first(headEnd).split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.toLower().startsWith("content-length:"))
            contentLength = trimmed.sliced(15).trimmed().toLongLong();
    }
    const qsizetype total = headEnd + 4 + contentLength;
    return data.size() >= total ? total : 0;
}

// Client side of one connection; waits by spinning the event loop, since the server runs on this thread.
class Client final
{
public:
    explicit Client(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_connected = QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 3000);
    }

    bool connected() const { return m_connected; }
    QTcpSocket &socket() { return m_socket; }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // Reads until `count` complete responses arrived or the server closed; returns them.
    QList<QByteArray> responses(int count, int timeoutMs = 3000)
    {
        QList<QByteArray> result;
        // A timeout is not an error here: the caller judges what did arrive.
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                m_buffer += m_socket.readAll();
                while (qsizetype length = completeResponseLength(m_buffer)) {
                    result.append(m_buffer.first(length));
                    m_buffer.remove(0, length);
                }
                return result.size() >= count || m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
        m_buffer += m_socket.readAll();
        if (result.size() < count && !m_buffer.isEmpty())
            result.append(std::exchange(m_buffer, {})); // an incomplete answer still tells the test something
        return result;
    }

    QByteArray response(int timeoutMs = 3000)
    {
        const QList<QByteArray> all = responses(1, timeoutMs);
        return all.isEmpty() ? QByteArray() : all.first();
    }

    bool waitForServerClose(int timeoutMs = 3000)
    {
        return QTest::qWaitFor(
            [this] {
                m_buffer += m_socket.readAll();
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_connected = false;
};

QByteArray getOk(const QByteArray &extraHeaders = {})
{
    return "GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

QByteArray postEcho(const QByteArray &body)
{
    return "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

bool serverAnswersOk(quint16 port)
{
    Client client(port);
    if (!client.connected())
        return false;
    client.send(getOk());
    const QByteArray response = client.response();
    return response.startsWith("HTTP/1.1 200") && response.endsWith("ok");
}

} // namespace

// Checks the limits GuardedTcpServer adds in front of QHttpServer 6.4, over real sockets.
class TestGuardedTcpServer final : public QObject
{
    Q_OBJECT

private slots:
    void oversizeContentLengthIsRefusedWithoutReadingTheBody();
    void completeOversizeRequestNeverReachesTheRoute();
    void bodyWithinTheLimitIsServed();
    void oversizeHeaderBlockIsRefused();
    void idleConnectionIsClosed();
    void activityKeepsConnectionOpen();
    void slowlySentRequestIsNotCutOff();
    void connectionCapIsEnforcedAndFreedOnDisconnect();
    void pipelinedRequestsAreBothAnswered();
    void connectionCloseIsHonoured();
    void connectionCloseWaitsForEarlierPipelinedRequests();
    void malformedRequestsNeverCrashTheServer_data();
    void malformedRequestsNeverCrashTheServer();
    void clientVanishingMidRequestIsHarmless();
};

void TestGuardedTcpServer::oversizeContentLengthIsRefusedWithoutReadingTheBody()
{
    Harness harness(testLimits());
    QVERIFY(harness.port);
    QSignalSpy rejected(harness.guard, &GuardedTcpServer::connectionRejected);

    Client client(harness.port);
    QVERIFY(client.connected());
    QElapsedTimer clock;
    clock.start();
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n" + QByteArray(1000, 'x'));
    const QByteArray response = client.response();

    QVERIFY2(response.startsWith("HTTP/1.1 413 Content Too Large\r\n"), response.constData());
    QVERIFY(response.contains("\r\nConnection: close\r\n"));
    QVERIFY(response.contains(R"("error":"invalid_request")"));
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(client.waitForServerClose());
    QCOMPARE(harness.echoCalls, 0);
    QCOMPARE(rejected.size(), 1);
    QVERIFY(serverAnswersOk(harness.port));
}

void TestGuardedTcpServer::completeOversizeRequestNeverReachesTheRoute()
{
    Harness harness(testLimits());
    Client client(harness.port);
    QVERIFY(client.connected());
    // Head and whole body in one write, so QHttpServer would have all of it in the same readyRead.
    client.send(postEcho(QByteArray(5000, 'b')));
    const QByteArray response = client.response();
    QVERIFY2(response.startsWith("HTTP/1.1 413 "), response.constData());
    QVERIFY(client.waitForServerClose());
    QTest::qWait(50); // a route reached through a queued readyRead would run by now
    QCOMPARE(harness.echoCalls, 0);
}

void TestGuardedTcpServer::bodyWithinTheLimitIsServed()
{
    Harness harness(testLimits());
    Client client(harness.port);
    QVERIFY(client.connected());
    client.send(postEcho(QByteArray(4096, 'a')));
    const QByteArray response = client.response();
    QVERIFY2(response.startsWith("HTTP/1.1 200") && response.endsWith("\r\n\r\n4096"), response.constData());
    QCOMPARE(harness.echoCalls, 1);
}

void TestGuardedTcpServer::oversizeHeaderBlockIsRefused()
{
    Harness harness(testLimits());
    QSignalSpy rejected(harness.guard, &GuardedTcpServer::connectionRejected);
    Client client(harness.port);
    QVERIFY(client.connected());
    client.send(getOk("X-Padding: " + QByteArray(4000, 'p') + "\r\n"));
    const QByteArray response = client.response();

    // The client is still sending when the limit trips, so it may see the 431 or only the close.
    QVERIFY2(response.isEmpty() || response.startsWith("HTTP/1.1 431 "), response.constData());
    QVERIFY(client.waitForServerClose());
    QCOMPARE(rejected.size(), 1);
    QVERIFY(serverAnswersOk(harness.port));
}

void TestGuardedTcpServer::idleConnectionIsClosed()
{
    GuardedTcpServer::Limits limits = testLimits();
    limits.idleTimeoutMs = 200;
    Harness harness(limits);
    QSignalSpy timedOut(harness.guard, &GuardedTcpServer::connectionTimedOut);

    Client client(harness.port);
    QVERIFY(client.connected());
    QElapsedTimer clock;
    clock.start();
    QVERIFY(client.waitForServerClose(3000));
    QVERIFY2(clock.elapsed() >= 150, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(timedOut.size(), 1);
    QTRY_COMPARE(harness.guard->openConnections(), 0);
}

void TestGuardedTcpServer::activityKeepsConnectionOpen()
{
    GuardedTcpServer::Limits limits = testLimits();
    limits.idleTimeoutMs = 300;
    Harness harness(limits);

    Client client(harness.port);
    QVERIFY(client.connected());
    // Five requests 150 ms apart span 750 ms, longer than the timeout, on one connection.
    for (int i = 0; i < 5; ++i) {
        client.send(getOk());
        QVERIFY(client.response().startsWith("HTTP/1.1 200"));
        QTest::qWait(150);
        QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    }
}

void TestGuardedTcpServer::slowlySentRequestIsNotCutOff()
{
    GuardedTcpServer::Limits limits = testLimits();
    limits.idleTimeoutMs = 300;
    Harness harness(limits);

    Client client(harness.port);
    QVERIFY(client.connected());
    // Received bytes count as activity even before a response is written: 6 x 100 ms outlasts the timeout.
    const QByteArray request = postEcho("hello");
    const qsizetype piece = request.size() / 6 + 1;
    for (qsizetype offset = 0; offset < request.size(); offset += piece) {
        client.send(request.mid(offset, piece));
        QTest::qWait(100);
    }
    const QByteArray response = client.response();
    QVERIFY2(response.startsWith("HTTP/1.1 200") && response.endsWith("\r\n\r\n5"), response.constData());
}

void TestGuardedTcpServer::connectionCapIsEnforcedAndFreedOnDisconnect()
{
    GuardedTcpServer::Limits limits = testLimits();
    limits.maxConnections = 3;
    Harness harness(limits);

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<Client>(harness.port));
        QVERIFY(clients.back()->connected());
    }
    QTRY_COMPARE(harness.guard->openConnections(), 3);

    Client refused(harness.port);
    const QByteArray answer = refused.response();
    QVERIFY2(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), answer.constData());
    QVERIFY(answer.contains("\r\nRetry-After: "));
    QVERIFY(refused.waitForServerClose());
    QCOMPARE(harness.guard->openConnections(), 3);

    clients.front()->socket().disconnectFromHost();
    QTRY_COMPARE(harness.guard->openConnections(), 2);
    QVERIFY(serverAnswersOk(harness.port));
}

void TestGuardedTcpServer::pipelinedRequestsAreBothAnswered()
{
    Harness harness(testLimits());
    Client client(harness.port);
    QVERIFY(client.connected());
    // The first body looks like a second head with a bad Content-Length: a guard that lost track of where
    // the body ends would refuse the connection with 400.
    const QByteArray trap = "\r\nGET / HTTP/1.1\r\nContent-Length: nonsense\r\n\r\n";
    client.send(postEcho(trap) + getOk("X-Padding: " + QByteArray(500, 'p') + "\r\n"));
    const QList<QByteArray> responses = client.responses(2);

    QCOMPARE(responses.size(), 2);
    QVERIFY2(responses[0].endsWith(QByteArray("\r\n\r\n" + QByteArray::number(trap.size()))), responses[0].constData());
    QVERIFY2(responses[1].startsWith("HTTP/1.1 200") && responses[1].endsWith("ok"), responses[1].constData());
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);

    // QHttpServer serves the second request from a re-emitted readyRead; the guard must still be in step
    // afterwards and see this next head.
    client.send("POST /echo HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n");
    const QByteArray refused = client.response();
    QVERIFY2(refused.startsWith("HTTP/1.1 413 "), refused.constData());
}

void TestGuardedTcpServer::connectionCloseIsHonoured()
{
    Harness harness(testLimits());
    Client client(harness.port);
    QVERIFY(client.connected());
    client.send(getOk("Connection: close\r\n"));
    QVERIFY(client.response().startsWith("HTTP/1.1 200"));
    QVERIFY(client.waitForServerClose(1000));
}

void TestGuardedTcpServer::connectionCloseWaitsForEarlierPipelinedRequests()
{
    Harness harness(testLimits());
    Client client(harness.port);
    QVERIFY(client.connected());
    // RFC 9112 §9.6: answer up to the request that says close, then close; the third is not served.
    client.send(getOk() + getOk("Connection: close\r\n") + getOk());
    const QList<QByteArray> responses = client.responses(3);
    QCOMPARE(responses.size(), 2);
    QVERIFY(responses[0].startsWith("HTTP/1.1 200"));
    QVERIFY(responses[1].startsWith("HTTP/1.1 200"));
    QCOMPARE(client.socket().state(), QAbstractSocket::UnconnectedState);
}

void TestGuardedTcpServer::malformedRequestsNeverCrashTheServer_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("expectedStatus"); // 0: any answer, or none, is fine

    const QByteArray head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    QTest::newRow("non-numeric length") << head + "Content-Length: abc\r\n\r\n" << 400;
    QTest::newRow("negative length") << head + "Content-Length: -5\r\n\r\n" << 400;
    QTest::newRow("signed length") << head + "Content-Length: +5\r\n\r\nhello" << 400;
    QTest::newRow("exponent length") << head + "Content-Length: 1e3\r\n\r\n" << 400;
    QTest::newRow("empty length") << head + "Content-Length: \r\n\r\n" << 400;
    QTest::newRow("conflicting lengths") << head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" << 400;
    QTest::newRow("conflicting list") << head + "Content-Length: 5, 6\r\n\r\nhello!" << 400;
    QTest::newRow("huge length") << head + "Content-Length: 99999999999999999999999\r\n\r\n" << 413;
    QTest::newRow("chunked") << head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" << 411;
    QTest::newRow("chunked and length") << head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello" << 411;
    QTest::newRow("binary junk") << QByteArray("\x00\x01\x02\xff\xfe\r\n\r\n", 9) << 0;
    QTest::newRow("NUL in header") << QByteArray("GET /ok HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", 31) << 0;
    QTest::newRow("no version") << QByteArray("GET /ok\r\n\r\n") << 0;
    QTest::newRow("future version") << QByteArray("GET /ok HTTP/9.9\r\n\r\n") << 0;
    QTest::newRow("only blank lines") << QByteArray("\r\n\r\n\r\n\r\n") << 0;
    QTest::newRow("header without colon") << QByteArray("GET /ok HTTP/1.1\r\nNoColonHere\r\n\r\n") << 0;
    QTest::newRow("bare LF line ends") << QByteArray("GET /ok HTTP/1.1\nHost: x\n\n") << 0;
    QTest::newRow("space before colon") << head + "Content-Length : 3\r\n\r\nabc" << 0;
    QTest::newRow("absolute URL") << QByteArray("GET http://evil/ok HTTP/1.1\r\n\r\n") << 0;
    QTest::newRow("websocket upgrade") << QByteArray(
        "GET /ok HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                       << 0;
    QTest::newRow("CONNECT") << QByteArray("CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n") << 0;
    QTest::newRow("body shorter than length") << head + "Content-Length: 10\r\n\r\nabc" << 0;
}

void TestGuardedTcpServer::malformedRequestsNeverCrashTheServer()
{
    QFETCH(QByteArray, request);
    QFETCH(int, expectedStatus);

    GuardedTcpServer::Limits limits = testLimits();
    limits.idleTimeoutMs = 300; // Qt abandons some of these sockets unclosed; the sweep must collect them
    Harness harness(limits);
    {
        Client client(harness.port);
        QVERIFY(client.connected());
        client.send(request);
        const QByteArray response = client.response(expectedStatus ? 3000 : 500);
        if (expectedStatus) {
            const QByteArray statusLine = "HTTP/1.1 " + QByteArray::number(expectedStatus) + ' ';
            QVERIFY2(response.startsWith(statusLine), response.constData());
            QVERIFY(client.waitForServerClose());
        }
    }
    QVERIFY(serverAnswersOk(harness.port));
    QTRY_COMPARE(harness.guard->openConnections(), 0);
}

void TestGuardedTcpServer::clientVanishingMidRequestIsHarmless()
{
    Harness harness(testLimits());
    const QList<QByteArray> partials = {
        "GET /ok HTTP/1.1\r\nHost: 12",
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly part of it",
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n", // refused while leaving
    };
    for (const QByteArray &partial : partials) {
        Client client(harness.port);
        QVERIFY(client.connected());
        client.send(partial);
        QTest::qWait(20);
        client.socket().abort();
    }
    QTRY_COMPARE(harness.guard->openConnections(), 0);
    QVERIFY(serverAnswersOk(harness.port));
    QCOMPARE(harness.echoCalls, 0);
}

QTEST_GUILESS_MAIN(TestGuardedTcpServer)
#include "TestGuardedTcpServer.moc"
