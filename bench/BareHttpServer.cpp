// The ceiling under bench/run.sh's figures: Qt 6.4's QHttpServer as it comes, answering one constant route on a
// worker thread, the way oauthdesk's server thread runs. No guard, no router, no request log, no database.
// Prints "listening on http://127.0.0.1:PORT" and serves until it is killed.

#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QThread>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QThread worker;
    worker.setObjectName(QStringLiteral("bare-http"));
    worker.start();

    auto *server = new QHttpServer;
    server->route(QStringLiteral("/healthz"), [] {
        return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral("{\"status\":\"ok\"}"));
    });
    server->moveToThread(&worker);
    quint16 port = 0;
    QMetaObject::invokeMethod(
        server, [&] { port = server->listen(QHostAddress::LocalHost, 0); }, Qt::BlockingQueuedConnection);
    if (port == 0) {
        std::fprintf(stderr, "BareHttpServer: cannot listen on 127.0.0.1\n");
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u\n", unsigned(port));
    std::fflush(stdout);
    return app.exec();
}
