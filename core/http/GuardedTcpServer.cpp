#include "GuardedTcpServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

namespace oauthdesk {

namespace {

// Enough for any Content-Length we accept; longer digit strings are simply too large.
constexpr int kMaxContentLengthDigits = 18;

constexpr char kHeldResponsesProperty[] = "oauthdeskHeldResponses";
// The ordinal (from 1) of the request that asked to close, set by the watcher; and how many requests were admitted.
constexpr char kClosingRequestProperty[] = "oauthdeskClosingRequest";
constexpr char kAdmittedRequestsProperty[] = "oauthdeskAdmittedRequests";

QByteArray errorResponse(int status, QByteArrayView reasonPhrase, const QString &description)
{
    // RFC 6749 §5.2 error shape, so OAuth clients can show something sensible.
    const QByteArray body = QJsonDocument(
        QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_request")},
            {QStringLiteral("error_description"),
                description}}).toJson(QJsonDocument::Compact);
    QByteArray response = QByteArrayLiteral("HTTP/1.1 ");
    response.append(QByteArray::number(status)).append(' ').append(reasonPhrase).append("\r\n");
    response.append("Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n");
    response.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n\r\n");
    response.append(body);
    return response;
}

bool hasToken(QByteArrayView headerValue, QByteArrayView token)
{
    for (const QByteArray &part : headerValue.toByteArray().split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

// Follows one connection's byte stream (request heads and bodies, pipelined or not) without consuming it,
// and closes the socket when a request breaks a limit.
class ConnectionWatcher final : public QObject
{
    Q_DISABLE_COPY_MOVE(ConnectionWatcher)

public:
    ConnectionWatcher(GuardedTcpServer *server, QTcpSocket *socket)
        : QObject(socket)
        , m_server(server)
        , m_socket(socket)
        , m_lastActivityMs(server->nowMs())
    {
        // Connected before addPendingConnection(), so this runs ahead of QHttpServer's readyRead handler.
        connect(socket, &QIODevice::readyRead, this, &ConnectionWatcher::inspectNewBytes);
        // QAbstractSocket emits channelReadyRead right after readyRead returns, i.e. after QHttpServer has
        // read; what it left unread then is what the next readyRead must not count twice.
        connect(socket, &QIODevice::channelReadyRead, this, &ConnectionWatcher::afterReaders);
        connect(socket, &QIODevice::bytesWritten, this, &ConnectionWatcher::onBytesWritten);
    }

    [[nodiscard]] bool isOpen() const { return m_socket && m_socket->state() != QAbstractSocket::UnconnectedState; }
    [[nodiscard]] qint64 lastActivityMs() const { return m_lastActivityMs; }
    [[nodiscard]] QTcpSocket *socket() const { return m_socket; }

private:
    enum class State {
        Head,
        Body,
        AwaitingClose, // a request asked to close; what follows it is not served (RFC 9112 §9.6)
        Refused,
    };

    void inspectNewBytes()
    {
        if (!m_socket || !m_server || m_state == State::Refused)
            return;
        if (!m_afterReadersConnected) {
            // QHttpServer 6.4 serves a pipelined request by emitting readyRead itself, with no
            // channelReadyRead after it. Connected now, this lands behind QHttpServer's handler, which
            // connected when the connection was handed over; Qt skips it for the emission in progress.
            m_afterReadersConnected = true;
            connect(m_socket, &QIODevice::readyRead, this, &ConnectionWatcher::afterReaders);
        }
        m_lastActivityMs = m_server->nowMs();
        const qint64 available = m_socket->bytesAvailable();
        if (available <= m_unreadBefore) {
            m_unreadBefore = available;
            return;
        }
        // Peek only: QHttpServer reads these same bytes right after us.
        const QByteArray buffered = m_socket->peek(available);
        QByteArrayView fresh(buffered);
        fresh = fresh.sliced(std::min<qsizetype>(m_unreadBefore, fresh.size()));
        m_unreadBefore = available;
        while (!fresh.isEmpty() && (m_state == State::Head || m_state == State::Body))
            fresh = m_state == State::Head ? consumeHead(fresh) : consumeBody(fresh);
        if (m_state == State::AwaitingClose)
            m_bytesAfterCloseRequest += fresh.size();
    }

    // True once QHttpServer has read the request that asked to close and no answer is still held back, so the
    // response to that request is the last one and is already queued.
    [[nodiscard]] bool closingRequestWasRead() const
    {
        return m_state == State::AwaitingClose && m_socket->bytesAvailable() <= m_bytesAfterCloseRequest
            && GuardedTcpServer::heldResponses(m_socket) == 0;
    }

    void afterReaders()
    {
        if (!m_socket)
            return;
        m_unreadBefore = m_socket->bytesAvailable();
        // QHttpServer 6.4 ignores "Connection: close"; its responses are written synchronously in its
        // readyRead handler, so a queued write here means the last request was answered.
        if (closingRequestWasRead() && m_socket->bytesToWrite() > 0)
            m_socket->disconnectFromHost();
    }

    void onBytesWritten()
    {
        if (!m_socket || !m_server)
            return;
        m_lastActivityMs = m_server->nowMs();
        // A deferred response (written later through a kept responder) finishes here.
        if (closingRequestWasRead() && m_socket->bytesToWrite() == 0
            && m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->disconnectFromHost();
    }

    QByteArrayView consumeHead(QByteArrayView data)
    {
        const GuardedTcpServer::Limits &limits = m_server->limits();
        while (!data.isEmpty()) {
            const qsizetype newline = data.indexOf('\n');
            const qsizetype taken = newline < 0 ? data.size() : newline + 1;
            m_headBytes += taken;
            if (m_headBytes > limits.maxHeaderBytes) {
                refuse(431, "Request Header Fields Too Large", QStringLiteral("request header block too large"));
                return {};
            }
            m_line += data.first(newline < 0 ? data.size() : newline);
            data = data.sliced(taken);
            if (newline < 0)
                break;
            if (m_line.endsWith('\r'))
                m_line.chop(1);
            if (!handleHeadLine())
                return {};
            if (m_state != State::Head)
                break;
        }
        return data;
    }

    // Returns false when the request was refused.
    bool handleHeadLine()
    {
        const QByteArray line = std::exchange(m_line, {});
        if (!m_sawRequestLine) {
            // RFC 9112 §2.2: a server should ignore at least one empty line before the request line.
            if (line.isEmpty())
                return true;
            m_sawRequestLine = true;
            // HTTP/1.0 closes after the response unless the client asked for keep-alive (RFC 9112 §9.3).
            m_requestWantsClose = line.endsWith(" HTTP/1.0");
            return true;
        }
        if (!line.isEmpty())
            return handleHeaderField(line);
        return finishHead();
    }

    bool handleHeaderField(const QByteArray &line)
    {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return true; // not ours to judge: QHttpServer's parser rejects malformed fields
        const QByteArray name = line.first(colon).trimmed().toLower();
        const QByteArray value = line.sliced(colon + 1).trimmed();
        if (name == "content-length")
            return addContentLength(value);
        if (name == "transfer-encoding") {
            m_hasTransferEncoding = true;
        } else if (name == "connection") {
            if (hasToken(value, "close"))
                m_requestWantsClose = true;
            else if (hasToken(value, "keep-alive"))
                m_requestWantsClose = false;
        }
        return true;
    }

    bool addContentLength(const QByteArray &value)
    {
        // RFC 9110 §8.6: 1*DIGIT; a list or repeated field is acceptable only when every value is the same.
        for (const QByteArray &part : value.split(',')) {
            const QByteArray digits = part.trimmed();
            const bool allDigits = !digits.isEmpty()
                && std::all_of(digits.cbegin(), digits.cend(), [](char c) { return c >= '0' && c <= '9'; });
            if (!allDigits) {
                refuse(400, "Bad Request", QStringLiteral("malformed Content-Length"));
                return false;
            }
            const qint64 length
                = digits.size() > kMaxContentLengthDigits ? std::numeric_limits<qint64>::max() : digits.toLongLong();
            if (m_contentLength && *m_contentLength != length) {
                refuse(400, "Bad Request", QStringLiteral("conflicting Content-Length values"));
                return false;
            }
            m_contentLength = length;
        }
        return true;
    }

    bool finishHead()
    {
        const GuardedTcpServer::Limits &limits = m_server->limits();
        if (m_hasTransferEncoding) {
            // Documented choice: no chunked bodies, so the body limit needs only Content-Length (RFC 9110 §15.5.12).
            refuse(411, "Length Required", QStringLiteral("Transfer-Encoding is not supported; send Content-Length"));
            return false;
        }
        const qint64 length = m_contentLength.value_or(0);
        if (length > limits.maxBodyBytes) {
            refuse(
                413, "Content Too Large", QStringLiteral("request body larger than %1 bytes").arg(limits.maxBodyBytes));
            return false;
        }
        m_bodyRemaining = length;
        if (m_bodyRemaining > 0)
            m_state = State::Body;
        else
            finishRequest();
        return true;
    }

    QByteArrayView consumeBody(QByteArrayView data)
    {
        const qsizetype taken = std::min<qint64>(m_bodyRemaining, data.size());
        m_bodyRemaining -= taken;
        if (m_bodyRemaining == 0)
            finishRequest();
        return data.sliced(taken);
    }

    void finishRequest()
    {
        ++m_requestsSeen;
        if (m_requestWantsClose && m_state != State::AwaitingClose)
            m_socket->setProperty(kClosingRequestProperty, m_requestsSeen);
        m_state = m_requestWantsClose ? State::AwaitingClose : State::Head;
        m_headBytes = 0;
        m_sawRequestLine = false;
        m_requestWantsClose = false;
        m_hasTransferEncoding = false;
        m_contentLength.reset();
        m_bodyRemaining = 0;
    }

    void refuse(int status, QByteArrayView reasonPhrase, const QString &description)
    {
        m_state = State::Refused;
        QTcpSocket *socket = m_socket;
        // Cut every readyRead receiver, QHttpServer's included: Qt skips receivers disconnected during an
        // emission, so the rejected bytes (a huge body, say) never reach its buffers.
        QObject::disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
        socket->write(errorResponse(status, reasonPhrase, description));
        // Graceful close flushes the response first; QHttpServer deletes the socket on disconnected(), and the
        // idle sweep aborts it if the peer never reads.
        socket->disconnectFromHost();
        emit m_server->connectionRejected(QString::number(status) + u' ' + description);
    }

    QPointer<GuardedTcpServer> m_server; // cleared first if the server goes down before its sockets
    QPointer<QTcpSocket> m_socket;
    qint64 m_lastActivityMs;
    qint64 m_unreadBefore = 0;
    State m_state = State::Head;
    QByteArray m_line;
    qint64 m_headBytes = 0;
    bool m_sawRequestLine = false;
    bool m_requestWantsClose = false;
    bool m_hasTransferEncoding = false;
    qint64 m_bytesAfterCloseRequest = 0;
    bool m_afterReadersConnected = false;
    qint64 m_requestsSeen = 0;
    std::optional<qint64> m_contentLength;
    qint64 m_bodyRemaining = 0;
};

GuardedTcpServer::GuardedTcpServer(QObject *parent)
    : GuardedTcpServer(Limits{}, parent)
{ }

GuardedTcpServer::GuardedTcpServer(const Limits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_sweepTimer(this) // a child, so moveToThread() takes the timer along
{
    m_clock.start();
    connect(&m_sweepTimer, &QTimer::timeout, this, &GuardedTcpServer::sweepIdleConnections);
    restartSweepTimer();
}

GuardedTcpServer::~GuardedTcpServer() = default;

void GuardedTcpServer::setLimits(const Limits &limits)
{
    m_limits = limits;
    restartSweepTimer();
}

int GuardedTcpServer::openConnections() const
{
    return int(std::count_if(
        m_watchers.cbegin(), m_watchers.cend(), [](const QPointer<ConnectionWatcher> &w) { return w && w->isOpen(); }));
}

void GuardedTcpServer::setHeldResponses(QTcpSocket *socket, int count)
{
    socket->setProperty(kHeldResponsesProperty, count > 0 ? QVariant(count) : QVariant());
}

int GuardedTcpServer::heldResponses(const QTcpSocket *socket)
{
    return socket->property(kHeldResponsesProperty).toInt();
}

bool GuardedTcpServer::admitRequest(QTcpSocket *socket)
{
    const qint64 closing = socket->property(kClosingRequestProperty).toLongLong();
    const qint64 admitted = socket->property(kAdmittedRequestsProperty).toLongLong();
    if (closing > 0 && admitted >= closing)
        return false;
    socket->setProperty(kAdmittedRequestsProperty, admitted + 1);
    return true;
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    if (openConnections() >= m_limits.maxConnections) {
        refuseOverCapacity(socketDescriptor);
        return;
    }
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_tlsConfiguration);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    // The watcher connects to readyRead, which QSslSocket emits for decrypted bytes only, so the limits apply to
    // the HTTP stream and the handshake never counts as a request.
    m_watchers.append(new ConnectionWatcher(this, socket));
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        // A failed handshake (a plain-HTTP client, an untrusted CA) ends the connection; QHttpServer deletes it.
        connect(ssl, &QSslSocket::sslErrors, ssl, [ssl] { ssl->abort(); });
        ssl->startServerEncryption();
    }
    addPendingConnection(socket);
}

void GuardedTcpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tlsConfiguration = configuration;
    m_tls = !configuration.localCertificate().isNull() && !configuration.privateKey().isNull();
}

void GuardedTcpServer::refuseOverCapacity(qintptr socketDescriptor)
{
    // Not handed to QHttpServer, so this socket is ours to delete.
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    socket->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                  "Connection: close\r\n\r\n");
    socket->disconnectFromHost();
    // A peer that never reads would otherwise hold the socket open.
    QTimer::singleShot(std::max(1000, m_limits.idleTimeoutMs), socket, &QAbstractSocket::abort);
    emit connectionRejected(QStringLiteral("503 too many connections"));
}

void GuardedTcpServer::sweepIdleConnections()
{
    const qint64 now = nowMs();
    QList<QPointer<ConnectionWatcher>> alive;
    alive.reserve(m_watchers.size());
    for (const QPointer<ConnectionWatcher> &watcher : std::as_const(m_watchers)) {
        if (!watcher)
            continue; // QHttpServer deleted the socket, and the watcher with it
        QTcpSocket *socket = watcher->socket();
        if (socket->state() == QAbstractSocket::UnconnectedState) {
            // Normally QHttpServer deleted it on disconnected(); this catches a socket whose connections were
            // dropped (some QHttpServer versions call socket->disconnect() on a parse error). Deleting an
            // unconnected socket is what QHttpServer itself does.
            socket->deleteLater();
            continue;
        }
        if (now - watcher->lastActivityMs() >= m_limits.idleTimeoutMs) {
            // abort(), not disconnectFromHost(): an idle peer may also never read what is still queued.
            socket->abort();
            emit connectionTimedOut();
            // Checked again on the next sweep, after QHttpServer had its chance to delete it.
        }
        alive.append(watcher);
    }
    m_watchers = std::move(alive);
}

void GuardedTcpServer::restartSweepTimer()
{
    // A quarter of the timeout keeps the overshoot small without one timer per connection.
    m_sweepTimer.start(std::clamp(m_limits.idleTimeoutMs / 4, 10, 1000));
}

} // namespace oauthdesk
