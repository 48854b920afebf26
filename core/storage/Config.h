#pragma once

#include "util/Result.h"

#include <QHostAddress>
#include <QString>

namespace oauthdesk {

// Names of the four tables the Meteor package called collections; each can be renamed in the config.
struct TableNames
{
    QString clients = QStringLiteral("clients");
    QString accessTokens = QStringLiteral("access_tokens");
    QString refreshTokens = QStringLiteral("refresh_tokens");
    QString authCodes = QStringLiteral("auth_codes");

    Status validate() const;
    bool operator==(const TableNames &) const = default;
};

struct Lifetimes
{
    int codeSecs = 60;
    int accessSecs = 3600;
    int refreshSecs = 14 * 24 * 3600;
    int deviceCodeSecs = 600;
    bool operator==(const Lifetimes &) const = default;
};

// Everything a server start needs: read from --config, then overridden by command-line flags.
struct Config
{
    static constexpr quint16 DefaultPort = 9080;
    static constexpr int MaxCodeLifetimeSecs = 600;

    QString dbPath;
    quint16 port = DefaultPort;
    QString bindAddress = QStringLiteral("127.0.0.1");
    QString issuer; // empty: derived from the bound address and port
    Lifetimes lifetimes;
    TableNames tables;
    bool allowQueryStringTokens = false;
    bool debug = false;
    bool tls = false; // HTTPS with a certificate from the local CA (next to the database)

    static QString defaultDbPath();
    static Result<Config> fromFile(const QString &path);
    static Result<Config> fromJson(const QByteArray &json, const QString &origin);
    QByteArray toJson() const;
    Status validate() const;

    // The folder of the local CA and server certificate: next to the database.
    QString tlsFolder() const;

    // The issuer a server bound to `port` announces: the configured one, or http(s)://HOST:PORT.
    QString effectiveIssuer(quint16 boundPort) const;
    bool operator==(const Config &) const = default;
};

} // namespace oauthdesk
