#pragma once

// Shared helpers for the tests: a temporary database, a running server on port 0 and a blocking HTTP client.

#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/UserStore.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

namespace oauthdesk::test {

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QString error;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
    QUrlQuery locationQuery() const { return QUrlQuery(QUrl(QString::fromUtf8(header("Location"))).query()); }
};

// A blocking HTTP client over QNetworkAccessManager that never follows redirects.
class Http
{
public:
    HttpResult send(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
        const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(10000);
        bool typed = false;
        for (const auto &[k, v] : headers) {
            request.setRawHeader(k, v);
            typed |= k.compare("Content-Type", Qt::CaseInsensitive) == 0;
        }
        if (!body.isEmpty() && !typed)
            request.setHeader(
                QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        HttpResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        if (result.status == 0)
            result.error = reply->errorString();
        reply->deleteLater();
        return result;
    }
    HttpResult get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return send("GET", url, {}, headers);
    }
    HttpResult post(const QUrl &url, const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return send("POST", url, body, headers);
    }
    QNetworkAccessManager &nam() { return m_nam; }

private:
    QNetworkAccessManager m_nam;
};

inline QPair<QByteArray, QByteArray> basic(const QString &id, const QString &secret)
{
    const QByteArray pair = id.toUtf8() + ':' + secret.toUtf8();
    return {"Authorization", QByteArray("Basic " + pair.toBase64())};
}

inline QPair<QByteArray, QByteArray> bearer(const QString &token)
{
    return {"Authorization", QByteArray("Bearer " + token.toUtf8())};
}

// Writes raw bytes on a fresh connection and returns everything the server sent until it closed or went quiet.
inline QByteArray rawExchange(quint16 port, const QByteArray &bytes, int quietMs = 300)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(3000))
        return {};
    socket.write(bytes);
    socket.waitForBytesWritten(3000);
    QByteArray out;
    while (socket.waitForReadyRead(quietMs))
        out += socket.readAll();
    out += socket.readAll();
    return out;
}

// A temporary database file plus a server on 127.0.0.1 port 0, running on its own thread.
class TestServer
{
public:
    explicit TestServer(Config config = {})
    {
        m_path = m_dir.filePath(QStringLiteral("oauthdesk.sqlite"));
        config.dbPath = m_path;
        config.port = 0;
        config.bindAddress = QStringLiteral("127.0.0.1");
        auto opened = Database::open(m_path, config.tables);
        if (!opened)
            qFatal("cannot open test database: %s", qPrintable(opened.error().message));
        m_db = *opened;
        m_server = std::make_unique<ServerController>(m_db);
        QSignalSpy started(m_server.get(), &ServerController::started);
        m_server->start(config);
        if (!started.wait(10000))
            qFatal("the test server did not start");
        m_issuer = started.first().at(0).toString();
        m_port = started.first().at(1).value<quint16>();
    }

    std::shared_ptr<Database> db() const { return m_db; }
    ServerController &server() { return *m_server; }
    QString issuer() const { return m_issuer; }
    quint16 port() const { return m_port; }
    QUrl url(const QString &path) const { return QUrl(m_issuer + path); }
    QString path() const { return m_path; }

    Client addClient(Client c)
    {
        auto added = ClientStore(m_db).add(c);
        if (!added)
            qFatal("cannot add client: %s", qPrintable(added.error().message));
        return *added;
    }
    User addUser(const QString &name, const QString &password = {}, const QJsonObject &claims = {})
    {
        auto added = UserStore(m_db).add(name, password, claims);
        if (!added)
            qFatal("cannot add user: %s", qPrintable(added.error().message));
        return *added;
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::shared_ptr<Database> m_db;
    std::unique_ptr<ServerController> m_server;
    QString m_issuer;
    quint16 m_port = 0;
};

} // namespace oauthdesk::test
