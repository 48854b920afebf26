#include "storage/Config.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace oauthdesk {

Status TableNames::validate() const
{
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}$"));
    const QString names[] = {clients, accessTokens, refreshTokens, authCodes};
    for (const QString &name : names) {
        if (!identifier.match(name).hasMatch())
            return fail(Error::invalid(
                QStringLiteral("table name '%1' is not valid: use letters, digits and _ (not starting with a digit)")
                    .arg(name)));
        if (name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
            return fail(Error::invalid(QStringLiteral("table name '%1' is reserved by SQLite").arg(name)));
    }
    for (int i = 0; i < 4; ++i)
        for (int j = i + 1; j < 4; ++j)
            if (names[i].compare(names[j], Qt::CaseInsensitive) == 0)
                return fail(Error::invalid(QStringLiteral("table name '%1' is used twice").arg(names[i])));
    static const QStringList fixed = {QStringLiteral("users"), QStringLiteral("consents"),
        QStringLiteral("signing_keys"), QStringLiteral("request_log"), QStringLiteral("device_codes")};
    for (const QString &name : names)
        if (fixed.contains(name, Qt::CaseInsensitive))
            return fail(Error::invalid(QStringLiteral("table name '%1' is taken by a built-in table").arg(name)));
    return {};
}

QString Config::defaultDbPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/oauthdesk.sqlite");
}

Result<Config> Config::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::invalid(QStringLiteral("cannot read config file %1: %2").arg(path, file.errorString())));
    return fromJson(file.readAll(), path);
}

static Result<int> readInt(
    const QJsonObject &object, const QString &key, int fallback, int min, int max, const QString &origin)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return fallback;
    if (!value.isDouble() || value.toDouble() != static_cast<double>(value.toInt()) || value.toInt() < min
        || value.toInt() > max)
        return fail(Error::invalid(
            QStringLiteral("%1: '%2' must be a whole number from %3 to %4").arg(origin, key).arg(min).arg(max)));
    return value.toInt();
}

static Result<QString> readString(
    const QJsonObject &object, const QString &key, const QString &fallback, const QString &origin)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return fallback;
    if (!value.isString())
        return fail(Error::invalid(QStringLiteral("%1: '%2' must be a string").arg(origin, key)));
    return value.toString();
}

Result<Config> Config::fromJson(const QByteArray &json, const QString &origin)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(Error::invalid(QStringLiteral("%1: not valid JSON at offset %2: %3")
                                       .arg(origin)
                                       .arg(parseError.offset)
                                       .arg(parseError.errorString())));
    if (!doc.isObject())
        return fail(Error::invalid(QStringLiteral("%1: the config must be a JSON object").arg(origin)));
    const QJsonObject root = doc.object();
    static const QStringList known = {QStringLiteral("port"), QStringLiteral("bind"), QStringLiteral("issuer"),
        QStringLiteral("lifetimes"), QStringLiteral("tables"), QStringLiteral("allowQueryStringTokens"),
        QStringLiteral("debug"), QStringLiteral("tls"), QStringLiteral("db"), QStringLiteral("clientsCollectionName"),
        QStringLiteral("accessTokensCollectionName"), QStringLiteral("refreshTokensCollectionName"),
        QStringLiteral("authCodesCollectionName")};
    for (auto it = root.begin(); it != root.end(); ++it)
        if (!known.contains(it.key()))
            return fail(Error::invalid(QStringLiteral("%1: unknown setting '%2'").arg(origin, it.key())));

    Config config;
    auto port = readInt(root, QStringLiteral("port"), config.port, 0, 65535, origin);
    if (!port)
        return fail(port.error());
    config.port = static_cast<quint16>(*port);

    auto bind = readString(root, QStringLiteral("bind"), config.bindAddress, origin);
    auto issuer = readString(root, QStringLiteral("issuer"), config.issuer, origin);
    auto db = readString(root, QStringLiteral("db"), config.dbPath, origin);
    for (const auto *r : {&bind, &issuer, &db})
        if (!*r)
            return fail(r->error());
    config.bindAddress = *bind;
    config.issuer = *issuer;
    config.dbPath = *db;

    for (const auto &[key, target] :
        {std::pair{QStringLiteral("allowQueryStringTokens"), &config.allowQueryStringTokens},
            std::pair{QStringLiteral("debug"), &config.debug}, std::pair{QStringLiteral("tls"), &config.tls}}) {
        const QJsonValue value = root.value(key);
        if (value.isUndefined())
            continue;
        if (!value.isBool())
            return fail(Error::invalid(QStringLiteral("%1: '%2' must be true or false").arg(origin, key)));
        *target = value.toBool();
    }

    const QJsonValue lifetimesValue = root.value(QStringLiteral("lifetimes"));
    if (!lifetimesValue.isUndefined()) {
        if (!lifetimesValue.isObject())
            return fail(Error::invalid(QStringLiteral("%1: 'lifetimes' must be an object").arg(origin)));
        const QJsonObject lifetimes = lifetimesValue.toObject();
        auto code
            = readInt(lifetimes, QStringLiteral("code"), config.lifetimes.codeSecs, 1, MaxCodeLifetimeSecs, origin);
        auto access = readInt(lifetimes, QStringLiteral("access"), config.lifetimes.accessSecs, 1, 366 * 86400, origin);
        auto refresh
            = readInt(lifetimes, QStringLiteral("refresh"), config.lifetimes.refreshSecs, 1, 3660 * 86400, origin);
        auto device = readInt(lifetimes, QStringLiteral("device"), config.lifetimes.deviceCodeSecs, 10, 3600, origin);
        for (const auto *r : {&code, &access, &refresh, &device})
            if (!*r)
                return fail(r->error());
        config.lifetimes = {*code, *access, *refresh, *device};
    }

    // Both our own "tables" object and the Meteor package's option names are accepted.
    const QJsonObject tables = root.value(QStringLiteral("tables")).toObject();
    if (!root.value(QStringLiteral("tables")).isUndefined() && !root.value(QStringLiteral("tables")).isObject())
        return fail(Error::invalid(QStringLiteral("%1: 'tables' must be an object").arg(origin)));
    const std::tuple<QString, QString, QString *> tableKeys[] = {
        {QStringLiteral("clients"), QStringLiteral("clientsCollectionName"), &config.tables.clients},
        {QStringLiteral("accessTokens"), QStringLiteral("accessTokensCollectionName"), &config.tables.accessTokens},
        {QStringLiteral("refreshTokens"), QStringLiteral("refreshTokensCollectionName"), &config.tables.refreshTokens},
        {QStringLiteral("authCodes"), QStringLiteral("authCodesCollectionName"), &config.tables.authCodes},
    };
    for (const auto &[key, meteorKey, target] : tableKeys) {
        auto fromTables = readString(tables, key, *target, origin);
        if (!fromTables)
            return fail(fromTables.error());
        auto fromMeteor = readString(root, meteorKey, *fromTables, origin);
        if (!fromMeteor)
            return fail(fromMeteor.error());
        *target = *fromMeteor;
    }

    if (auto ok = config.validate(); !ok)
        return fail(Error::invalid(origin + QStringLiteral(": ") + ok.error().message));
    return config;
}

QByteArray Config::toJson() const
{
    QJsonObject root{
        {QStringLiteral("port"), port},
        {QStringLiteral("bind"), bindAddress},
        {QStringLiteral("issuer"), issuer},
        {QStringLiteral("allowQueryStringTokens"), allowQueryStringTokens},
        {QStringLiteral("debug"), debug},
        {QStringLiteral("tls"), tls},
        {QStringLiteral("lifetimes"),
            QJsonObject{{QStringLiteral("code"), lifetimes.codeSecs}, {QStringLiteral("access"), lifetimes.accessSecs},
                {QStringLiteral("refresh"), lifetimes.refreshSecs},
                {QStringLiteral("device"), lifetimes.deviceCodeSecs}}},
        {QStringLiteral("tables"),
            QJsonObject{{QStringLiteral("clients"), tables.clients},
                {QStringLiteral("accessTokens"), tables.accessTokens},
                {QStringLiteral("refreshTokens"), tables.refreshTokens},
                {QStringLiteral("authCodes"), tables.authCodes}}},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Status Config::validate() const
{
    if (QHostAddress address; !address.setAddress(bindAddress))
        return fail(Error::invalid(QStringLiteral("bind address '%1' is not an IP address").arg(bindAddress)));
    if (!issuer.isEmpty()) {
        const QUrl url(issuer, QUrl::StrictMode);
        // RFC 8414 §2: the issuer is an https (http for localhost) URL with no query or fragment.
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
            || url.host().isEmpty() || url.hasQuery() || url.hasFragment())
            return fail(Error::invalid(
                QStringLiteral("issuer '%1' must be an http(s) URL without query or fragment").arg(issuer)));
    }
    if (lifetimes.codeSecs < 1 || lifetimes.codeSecs > MaxCodeLifetimeSecs)
        return fail(Error::invalid(
            QStringLiteral("the authorization code lifetime must be 1 to %1 seconds").arg(MaxCodeLifetimeSecs)));
    if (lifetimes.accessSecs < 1 || lifetimes.refreshSecs < 1)
        return fail(Error::invalid(QStringLiteral("token lifetimes must be positive")));
    return tables.validate();
}

QString Config::tlsFolder() const
{
    const QString db = dbPath.isEmpty() ? defaultDbPath() : dbPath;
    return QFileInfo(db).absoluteDir().filePath(QStringLiteral("tls"));
}

QString Config::effectiveIssuer(quint16 boundPort) const
{
    if (!issuer.isEmpty()) {
        QString trimmed = issuer;
        while (trimmed.endsWith(QLatin1Char('/')))
            trimmed.chop(1);
        return trimmed;
    }
    QHostAddress address(bindAddress);
    QString host = bindAddress;
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any || address == QHostAddress::AnyIPv6)
        host = QStringLiteral("127.0.0.1");
    else if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + bindAddress + QLatin1Char(']');
    return QStringLiteral("%1://%2:%3")
        .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(boundPort);
}

} // namespace oauthdesk
