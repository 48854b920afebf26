// Event-loop stalls of the GUI thread while wrk hammers the token endpoint of the in-process server.
// Opens the Tokens and Requests pages, runs wrk against the server, and reports the gaps between ticks
// of a 5 ms timer: the longest a click or a repaint would have waited.
#include "RequestsPage.h"
#include "TokensPage.h"
#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace oauthdesk;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Q_INIT_RESOURCE(icons);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("wrk"), QStringLiteral("wrk binary"), QStringLiteral("path"), QStringLiteral("wrk")});
    parser.addOption({QStringLiteral("script"), QStringLiteral("wrk Lua script"), QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("duration"), QStringLiteral("seconds of load"), QStringLiteral("secs"), QStringLiteral("10")});
    parser.addOption(
        {QStringLiteral("connections"), QStringLiteral("wrk connections"), QStringLiteral("n"), QStringLiteral("16")});
    parser.addOption({QStringLiteral("limit-ms"), QStringLiteral("fail at this max stall"), QStringLiteral("ms"),
        QStringLiteral("50")});
    parser.addOption({QStringLiteral("pages"), QStringLiteral("tokens, requests, both or none (the baseline)"),
        QStringLiteral("which"), QStringLiteral("both")});
    parser.process(app);
    const QString pages = parser.value(QStringLiteral("pages"));
    QTextStream out(stdout);

    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("stall.db")));
    if (!db) {
        out << "cannot open the database: " << db.error().message << Qt::endl;
        return 2;
    }
    Client client;
    client.clientId = QStringLiteral("stall-client");
    client.name = QStringLiteral("Stall bench");
    client.grantTypes = {grant::ClientCredentials};
    client.scopes = {QStringLiteral("read")};
    auto added = ClientStore(*db).add(client);
    if (!added) {
        out << "cannot add the client: " << added.error().message << Qt::endl;
        return 2;
    }

    ServerController server(*db);
    QWidget window;
    auto *layout = new QHBoxLayout(&window);
    auto *tokens = new ui::TokensPage(*db, &server, &window);
    auto *requests = new ui::RequestsPage(*db, &server, &window);
    layout->addWidget(tokens);
    layout->addWidget(requests);
    // Only one page: tells which one costs the GUI thread its time.
    tokens->setVisible(pages == QLatin1String("tokens") || pages == QLatin1String("both"));
    requests->setVisible(pages == QLatin1String("requests") || pages == QLatin1String("both"));
    if (pages != QLatin1String("requests") && pages != QLatin1String("both"))
        QObject::disconnect(&server, &ServerController::requestsServed, nullptr, nullptr);
    window.resize(1400, 850);
    window.show();

    std::vector<double> gaps;
    gaps.reserve(1 << 16);
    QElapsedTimer clock;
    qint64 last = -1;
    bool measuring = false;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (measuring && last >= 0)
            gaps.push_back(double(now - last) / 1e6);
        last = now;
    });

    QProcess wrk;
    wrk.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&server, &ServerController::failed, &app, [&](const QString &message) {
        out << "server failed: " << message << Qt::endl;
        app.exit(2);
    });
    QObject::connect(&server, &ServerController::started, &app, [&](const QString &, quint16 port) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BENCH_BASIC_AUTH"),
            QStringLiteral("Basic ")
                + QString::fromLatin1((added->clientId + QLatin1Char(':') + added->secret).toUtf8().toBase64()));
        wrk.setProcessEnvironment(env);
        const QStringList args = {QStringLiteral("-t2"),
            QStringLiteral("-c") + parser.value(QStringLiteral("connections")),
            QStringLiteral("-d") + parser.value(QStringLiteral("duration")) + QStringLiteral("s"), QStringLiteral("-s"),
            parser.value(QStringLiteral("script")), QStringLiteral("http://127.0.0.1:%1/oauth/token").arg(port)};
        out << "wrk " << args.join(QLatin1Char(' ')) << Qt::endl;
        clock.start();
        ticker.start();
        measuring = true;
        wrk.start(parser.value(QStringLiteral("wrk")), args);
    });
    QObject::connect(&wrk, &QProcess::errorOccurred, &app, [&](QProcess::ProcessError) {
        out << "cannot run wrk: " << wrk.errorString() << Qt::endl;
        app.exit(2);
    });
    QObject::connect(&wrk, &QProcess::finished, &app, [&] {
        measuring = false;
        out << wrk.readAll();
        if (gaps.empty()) {
            out << "no ticks recorded" << Qt::endl;
            app.exit(2);
            return;
        }
        std::vector<double> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        const double max = sorted.back();
        const double p99 = sorted[std::min(sorted.size() - 1, size_t(double(sorted.size()) * 0.99))];
        const double p50 = sorted[sorted.size() / 2];
        const double limit = parser.value(QStringLiteral("limit-ms")).toDouble();
        out << QStringLiteral("ticks %1\n").arg(gaps.size());
        out << QStringLiteral("tokens loaded %1 (of %2 issued)\n")
                   .arg(tokens->model(TokenKind::AccessToken)->rowCount())
                   .arg(tokens->model(TokenKind::AccessToken)->totalCount());
        out << QStringLiteral("requests in the log %1\n").arg(requests->model()->rowCount());
        out << QStringLiteral("p50 stall ms %1\n").arg(p50, 0, 'f', 1);
        out << QStringLiteral("p99 stall ms %1\n").arg(p99, 0, 'f', 1);
        out << QStringLiteral("max stall ms %1\n").arg(max, 0, 'f', 1);
        out.flush();
        app.exit(max >= limit ? 1 : 0);
    });

    Config config;
    config.dbPath = (*db)->path();
    config.port = 0;
    server.start(config);
    return app.exec();
}
