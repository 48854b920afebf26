#include "Cli.h"

#include "crypto/LocalCa.h"
#include "http/ServerController.h"
#include "oauth/ClientExport.h"
#include "storage/Backup.h"
#include "storage/ClientStore.h"
#include "storage/Config.h"
#include "storage/Database.h"
#include "storage/DeviceStore.h"
#include "storage/KeyStore.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace oauthdesk::cli {

namespace {

enum ExitCode { Ok = 0, Failure = 1, BadInput = 2 };

const QStringList Subcommands = {QStringLiteral("serve"), QStringLiteral("client"), QStringLiteral("user"),
    QStringLiteral("token"), QStringLiteral("export"), QStringLiteral("import"), QStringLiteral("config"),
    QStringLiteral("device"), QStringLiteral("tls"), QStringLiteral("keys")};

void out(const QString &text)
{
    QTextStream(stdout) << text << Qt::endl;
}

int error(const QString &message, int code = BadInput)
{
    QTextStream(stderr) << "oauthdesk: " << message << Qt::endl;
    return code;
}

int errorFor(const Error &e)
{
    return error(e.message, e.kind == Error::Kind::Storage ? Failure : BadInput);
}

void printJson(const QJsonValue &value)
{
    const QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    QTextStream(stdout) << doc.toJson(QJsonDocument::Indented);
}

// Options every subcommand understands.
struct Globals
{
    QCommandLineOption db{QStringLiteral("db"), QStringLiteral("SQLite database file."), QStringLiteral("path")};
    QCommandLineOption config{QStringLiteral("config"), QStringLiteral("JSON config file."), QStringLiteral("file")};
    QCommandLineOption port{
        QStringLiteral("port"), QStringLiteral("Port to listen on (0 picks a free one)."), QStringLiteral("n")};
    QCommandLineOption bind{QStringLiteral("bind"), QStringLiteral("Address to listen on."), QStringLiteral("addr")};
    QCommandLineOption issuer{QStringLiteral("issuer"), QStringLiteral("Issuer URL."), QStringLiteral("url")};
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print JSON.")};

    void addTo(QCommandLineParser &p)
    {
        p.addOptions({db, config, port, bind, issuer, json});
        p.addHelpOption();
    }
};

Result<Config> loadConfig(const QCommandLineParser &p, const Globals &g)
{
    Config config;
    if (p.isSet(g.config)) {
        auto loaded = Config::fromFile(p.value(g.config));
        if (!loaded)
            return loaded;
        config = *loaded;
    }
    if (p.isSet(g.db))
        config.dbPath = p.value(g.db);
    if (config.dbPath.isEmpty())
        config.dbPath = Config::defaultDbPath();
    if (p.isSet(g.port)) {
        bool ok = false;
        const uint port = p.value(g.port).toUInt(&ok);
        if (!ok || port > 65535)
            return fail(Error::invalid(QStringLiteral("--port must be a number from 0 to 65535")));
        config.port = static_cast<quint16>(port);
    }
    if (p.isSet(g.bind))
        config.bindAddress = p.value(g.bind);
    if (p.isSet(g.issuer))
        config.issuer = p.value(g.issuer);
    if (auto ok = config.validate(); !ok)
        return fail(ok.error());
    return config;
}

Result<std::shared_ptr<Database>> openDb(const Config &config)
{
    return Database::open(config.dbPath, config.tables);
}

struct Opened
{
    Config config;
    std::shared_ptr<Database> db;
};

// What every command that touches the database starts with: the config, then the database it names.
Result<Opened> openConfigAndDatabase(const QCommandLineParser &p, const Globals &g)
{
    auto config = loadConfig(p, g);
    if (!config)
        return fail(config.error());
    auto db = openDb(*config);
    if (!db)
        return fail(db.error());
    return Opened{*config, *db};
}

QString issuerFor(const Config &config)
{
    return config.effectiveIssuer(config.port);
}

// Parses argv with `p` after the subcommand words; prints the parser's error as bad input.
bool parse(QCommandLineParser &p, const QStringList &arguments, int *exitCode)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!p.parse(arguments)) {
        *exitCode = error(p.errorText());
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        *exitCode = Ok;
        return false;
    }
    return true;
}

QString clientLine(const Client &c)
{
    return QStringLiteral("%1\t%2\t%3\t%4\t%5")
        .arg(c.clientId, c.name, c.isPublic ? QStringLiteral("public") : QStringLiteral("confidential"),
            c.grantTypes.join(QLatin1Char(',')), c.active ? QStringLiteral("active") : QStringLiteral("disabled"));
}

void printClient(const Client &c, bool json, const QString &issuer)
{
    if (json) {
        printJson(c.toJson(true));
        return;
    }
    out(QStringLiteral("client_id:      %1\nclient_name:    %2\ntype:           %3\nclient_secret:  %4\n"
                       "redirect_uris:  %5\ngrant_types:    %6\nscope:          %7\nauth method:    %8%9\n"
                       "issuer:         %10")
            .arg(c.clientId, c.name, c.isPublic ? QStringLiteral("public") : QStringLiteral("confidential"),
                c.isPublic ? QStringLiteral("(none)") : c.secret, c.redirectUris.join(QLatin1Char(' ')),
                c.grantTypes.join(QLatin1Char(' ')),
                c.scopes.isEmpty() ? QStringLiteral("(any)") : c.scopes.join(QLatin1Char(' ')), c.authMethod,
                c.authMethodPinned || c.isPublic ? QString() : QStringLiteral(" (post accepted too)"), issuer));
}

int clientCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Client name."), QStringLiteral("name"));
    QCommandLineOption id(
        QStringLiteral("id"), QStringLiteral("Client id (generated when left out)."), QStringLiteral("id"));
    QCommandLineOption secret(
        QStringLiteral("secret"), QStringLiteral("Client secret (generated when left out)."), QStringLiteral("secret"));
    QCommandLineOption isPublic(
        QStringLiteral("public"), QStringLiteral("A public client (no secret, PKCE required)."));
    QCommandLineOption redirect(
        QStringLiteral("redirect-uri"), QStringLiteral("A redirect URI (repeatable)."), QStringLiteral("uri"));
    QCommandLineOption grantOpt(
        QStringLiteral("grant"), QStringLiteral("An allowed grant type (repeatable)."), QStringLiteral("type"));
    QCommandLineOption scope(
        QStringLiteral("scope"), QStringLiteral("An allowed scope (repeatable)."), QStringLiteral("scope"));
    QCommandLineOption authMethod(QStringLiteral("auth-method"),
        QStringLiteral("client_secret_basic, client_secret_post or none: pins the method."), QStringLiteral("method"));
    QCommandLineOption autoApprove(QStringLiteral("auto-approve"),
        QStringLiteral("Skip login and consent, approving as this user."), QStringLiteral("user"));
    QCommandLineOption pkce(QStringLiteral("require-pkce"), QStringLiteral("Require PKCE for a confidential client."));
    QCommandLineOption plain(QStringLiteral("allow-plain-pkce"), QStringLiteral("Accept code_challenge_method=plain."));
    QCommandLineOption jwt(QStringLiteral("jwt-access-tokens"), QStringLiteral("Issue RFC 9068 JWT access tokens."));
    QCommandLineOption noRotation(
        QStringLiteral("no-refresh-rotation"), QStringLiteral("Keep refresh tokens valid after use."));
    QCommandLineOption accessTtl(
        QStringLiteral("access-ttl"), QStringLiteral("Access token lifetime (s)."), QStringLiteral("s"));
    QCommandLineOption refreshTtl(
        QStringLiteral("refresh-ttl"), QStringLiteral("Refresh token lifetime (s)."), QStringLiteral("s"));
    QCommandLineOption codeTtl(
        QStringLiteral("code-ttl"), QStringLiteral("Code lifetime (s, up to 600)."), QStringLiteral("s"));
    QCommandLineOption idTokenAlg(
        QStringLiteral("id-token-alg"), QStringLiteral("RS256, ES256 or EdDSA."), QStringLiteral("alg"));
    QCommandLineOption logoutUri(QStringLiteral("post-logout-redirect-uri"),
        QStringLiteral("A post-logout redirect URI (repeatable)."), QStringLiteral("uri"));
    QCommandLineOption format(QStringLiteral("format"),
        QStringLiteral("Export format: %1.").arg(ClientExport::formats().join(QStringLiteral(", "))),
        QStringLiteral("format"), QStringLiteral("json"));
    if (action == QLatin1String("add"))
        p.addOptions({name, id, secret, isPublic, redirect, grantOpt, scope, authMethod, autoApprove, pkce, plain, jwt,
            noRotation, accessTtl, refreshTtl, codeTtl, idTokenAlg, logoutUri});
    if (action == QLatin1String("export"))
        p.addOption(format);
    p.addPositionalArgument(
        QStringLiteral("command"), QStringLiteral("client add|list|show|remove|rotate-secret|enable|disable|export"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    ClientStore store(db);
    const QStringList positional = p.positionalArguments().mid(2);
    const bool json = p.isSet(g.json);
    const QString issuer = issuerFor(config);

    auto needId = [&]() -> Result<QString> {
        if (positional.size() != 1)
            return fail(Error::invalid(QStringLiteral("client %1 takes one client id").arg(action)));
        return positional.first();
    };

    if (action == QLatin1String("add")) {
        if (!positional.isEmpty())
            return error(QStringLiteral("unexpected argument '%1'").arg(positional.first()));
        if (!p.isSet(name))
            return error(QStringLiteral("client add needs --name"));
        if (p.isSet(isPublic) && p.isSet(secret))
            return error(QStringLiteral("--secret and --public exclude each other"));
        Client c;
        c.name = p.value(name);
        c.clientId = p.value(id);
        c.secret = p.value(secret);
        if (p.isSet(secret) && c.secret.isEmpty())
            return error(QStringLiteral("--secret must not be empty"));
        c.isPublic = p.isSet(isPublic);
        c.redirectUris = p.values(redirect);
        c.grantTypes = p.values(grantOpt);
        c.scopes = p.values(scope);
        if (p.isSet(authMethod)) {
            c.authMethod = p.value(authMethod);
            c.authMethodPinned = true;
        } else {
            c.authMethod = c.isPublic ? authmethod::None : authmethod::Basic;
        }
        c.autoApproveUser = p.value(autoApprove);
        c.pkceRequired = p.isSet(pkce);
        c.pkceAllowPlain = p.isSet(plain);
        c.accessTokenFormat = p.isSet(jwt) ? QStringLiteral("jwt") : QStringLiteral("opaque");
        c.refreshRotation = !p.isSet(noRotation);
        c.postLogoutRedirectUris = p.values(logoutUri);
        if (p.isSet(idTokenAlg))
            c.idTokenAlg = p.value(idTokenAlg);
        for (const auto &[option, target] : {std::pair{&accessTtl, &c.accessTokenTtl},
                 std::pair{&refreshTtl, &c.refreshTokenTtl}, std::pair{&codeTtl, &c.codeTtl}}) {
            if (!p.isSet(*option))
                continue;
            bool ok = false;
            *target = p.value(*option).toInt(&ok);
            if (!ok || *target <= 0)
                return error(QStringLiteral("--%1 must be a positive number of seconds").arg(option->names().first()));
        }
        auto added = store.add(c);
        if (!added)
            return errorFor(added.error());
        printClient(*added, json, issuer);
        return Ok;
    }
    if (action == QLatin1String("list")) {
        auto list = store.list();
        if (!list)
            return errorFor(list.error());
        if (json) {
            QJsonArray array;
            for (const Client &c : *list)
                array.append(c.toJson(true));
            printJson(array);
        } else {
            for (const Client &c : *list)
                out(clientLine(c));
        }
        return Ok;
    }
    auto clientId = needId();
    if (!clientId)
        return errorFor(clientId.error());
    if (action == QLatin1String("show")) {
        auto c = store.get(*clientId);
        if (!c)
            return errorFor(c.error());
        printClient(*c, json, issuer);
        return Ok;
    }
    if (action == QLatin1String("remove")) {
        auto live = store.liveTokenCount(*clientId);
        if (auto ok = store.remove(*clientId); !ok)
            return errorFor(ok.error());
        out(QStringLiteral("removed client %1 and its %2 live tokens").arg(*clientId).arg(live.value_or(0)));
        return Ok;
    }
    if (action == QLatin1String("rotate-secret")) {
        auto c = store.rotateSecret(*clientId);
        if (!c)
            return errorFor(c.error());
        if (json)
            printJson(c->toJson(true));
        else
            out(c->secret);
        return Ok;
    }
    if (action == QLatin1String("enable") || action == QLatin1String("disable")) {
        auto c = store.setActive(*clientId, action == QLatin1String("enable"));
        if (!c)
            return errorFor(c.error());
        out(QStringLiteral("client %1 is %2")
                .arg(*clientId, c->active ? QStringLiteral("enabled") : QStringLiteral("disabled")));
        return Ok;
    }
    if (action == QLatin1String("export")) {
        auto c = store.get(*clientId);
        if (!c)
            return errorFor(c.error());
        const QString text = ClientExport::render(*c, issuer, p.value(format));
        if (text.isEmpty())
            return error(QStringLiteral("unknown export format '%1' (known: %2)")
                             .arg(p.value(format), ClientExport::formats().join(QStringLiteral(", "))));
        QTextStream(stdout) << text;
        return Ok;
    }
    return error(QStringLiteral("unknown client command '%1'").arg(action));
}

Result<QJsonValue> claimValue(const QString &raw)
{
    // JSON for arrays, objects and booleans; everything else is a string (so "0123" stays "0123").
    const QString trimmed = raw.trimmed();
    if (trimmed.startsWith(QLatin1Char('[')) || trimmed.startsWith(QLatin1Char('{')) || trimmed == QLatin1String("true")
        || trimmed == QLatin1String("false")) {
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + trimmed.toUtf8() + ']', &e);
        if (e.error != QJsonParseError::NoError)
            return fail(Error::invalid(QStringLiteral("claim value '%1' is not valid JSON").arg(raw)));
        return doc.array().first();
    }
    return QJsonValue(raw);
}

int userCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption password(
        QStringLiteral("password"), QStringLiteral("Password (none when left out)."), QStringLiteral("password"));
    QCommandLineOption claim(QStringLiteral("claim"),
        QStringLiteral("A claim key=value (repeatable; JSON for arrays/objects)."), QStringLiteral("key=value"));
    if (action == QLatin1String("add"))
        p.addOptions({password, claim});
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("user add|list|show|remove"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    UserStore store(db);
    const QStringList positional = p.positionalArguments().mid(2);
    if (action == QLatin1String("list")) {
        auto list = store.list();
        if (!list)
            return errorFor(list.error());
        if (p.isSet(g.json)) {
            QJsonArray array;
            for (const User &u : *list)
                array.append(u.toJson());
            printJson(array);
        } else {
            for (const User &u : *list)
                out(QStringLiteral("%1\t%2\t%3")
                        .arg(u.username, u.sub,
                            QString::fromUtf8(QJsonDocument(u.claims).toJson(QJsonDocument::Compact))));
        }
        return Ok;
    }
    if (positional.size() != 1)
        return error(QStringLiteral("user %1 takes one username").arg(action));
    const QString username = positional.first();
    if (action == QLatin1String("add")) {
        QJsonObject claims;
        for (const QString &item : p.values(claim)) {
            const qsizetype eq = item.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return error(QStringLiteral("--claim '%1' must look like key=value").arg(item));
            auto value = claimValue(item.mid(eq + 1));
            if (!value)
                return errorFor(value.error());
            claims.insert(item.left(eq), *value);
        }
        auto user = store.add(username, p.value(password), claims);
        if (!user)
            return errorFor(user.error());
        if (p.isSet(g.json))
            printJson(user->toJson());
        else
            out(QStringLiteral("added user %1 (sub %2)").arg(user->username, user->sub));
        return Ok;
    }
    if (action == QLatin1String("show")) {
        auto user = store.get(username);
        if (!user)
            return errorFor(user.error());
        printJson(user->toJson());
        return Ok;
    }
    if (action == QLatin1String("remove")) {
        if (auto ok = store.remove(username); !ok)
            return errorFor(ok.error());
        out(QStringLiteral("removed user %1").arg(username));
        return Ok;
    }
    return error(QStringLiteral("unknown user command '%1'").arg(action));
}

int tokenCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption client(
        QStringLiteral("client"), QStringLiteral("Only this client's tokens."), QStringLiteral("id"));
    QCommandLineOption user(QStringLiteral("user"), QStringLiteral("Only this user's tokens."), QStringLiteral("name"));
    QCommandLineOption active(QStringLiteral("active"), QStringLiteral("Only live tokens."));
    QCommandLineOption kind(
        QStringLiteral("kind"), QStringLiteral("access, refresh or code (default: all)."), QStringLiteral("kind"));
    p.addOptions({client, user, active, kind});
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("token list|revoke"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    TokenStore tokens(db);
    const QStringList positional = p.positionalArguments().mid(2);
    TokenFilter filter;
    filter.clientId = p.value(client);
    filter.username = p.value(user);
    if (!filter.clientId.isEmpty() && !ClientStore(db).find(filter.clientId))
        return error(QStringLiteral("no client '%1'").arg(filter.clientId));
    if (!filter.username.isEmpty() && !UserStore(db).find(filter.username))
        return error(QStringLiteral("no user '%1'").arg(filter.username));

    if (action == QLatin1String("list")) {
        if (!positional.isEmpty())
            return error(QStringLiteral("unexpected argument '%1'").arg(positional.first()));
        filter.activeOnly = p.isSet(active);
        QList<TokenKind> kinds = {TokenKind::AccessToken, TokenKind::RefreshToken, TokenKind::AuthorizationCode};
        if (p.isSet(kind)) {
            const QString k = p.value(kind);
            if (k == QLatin1String("access"))
                kinds = {TokenKind::AccessToken};
            else if (k == QLatin1String("refresh"))
                kinds = {TokenKind::RefreshToken};
            else if (k == QLatin1String("code"))
                kinds = {TokenKind::AuthorizationCode};
            else
                return error(QStringLiteral("--kind must be access, refresh or code"));
        }
        QJsonArray array;
        const qint64 now = Clock::nowMs();
        for (TokenKind k : kinds) {
            auto list = tokens.list(k, filter);
            if (!list)
                return errorFor(list.error());
            for (const TokenRecord &r : *list) {
                if (p.isSet(g.json))
                    array.append(r.toJson(now));
                else
                    out(QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6")
                            .arg(toString(k), r.prefix, r.clientId,
                                r.username.isEmpty() ? QStringLiteral("-") : r.username, toString(r.status(now)),
                                r.scope));
            }
        }
        if (p.isSet(g.json))
            printJson(array);
        return Ok;
    }
    if (action == QLatin1String("revoke")) {
        if (positional.size() > 1)
            return error(QStringLiteral("token revoke takes one prefix"));
        if (positional.isEmpty() && filter.clientId.isEmpty() && filter.username.isEmpty())
            return error(QStringLiteral("token revoke needs a PREFIX, --client or --user"));
        if (!positional.isEmpty() && (!filter.clientId.isEmpty() || !filter.username.isEmpty()))
            return error(QStringLiteral("give a PREFIX or --client/--user, not both"));
        filter.prefix = positional.value(0);
        auto n = tokens.revokeMatching(filter);
        if (!n)
            return errorFor(n.error());
        out(QStringLiteral("revoked %1 tokens").arg(*n));
        return Ok;
    }
    return error(QStringLiteral("unknown token command '%1'").arg(action));
}

int exportImportCommand(const QStringList &arguments, bool isExport)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption overwrite(QStringLiteral("overwrite"), QStringLiteral("Replace entries that differ."));
    QCommandLineOption skip(QStringLiteral("skip-existing"), QStringLiteral("Keep entries that differ as they are."));
    if (!isExport)
        p.addOptions({overwrite, skip});
    p.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The JSON file (- for standard output/input)."));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    const QStringList positional = p.positionalArguments().mid(1);
    if (positional.size() != 1)
        return error(
            QStringLiteral("%1 takes one file").arg(isExport ? QStringLiteral("export") : QStringLiteral("import")));
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    const QString path = positional.first();
    if (isExport) {
        ClientStore clients(db);
        UserStore users(db);
        auto doc = Backup::exportAll(clients, users);
        if (!doc)
            return errorFor(doc.error());
        const QByteArray bytes = QJsonDocument(*doc).toJson(QJsonDocument::Indented);
        if (path == QLatin1String("-")) {
            QFile f;
            f.open(stdout, QIODevice::WriteOnly);
            f.write(bytes);
            return Ok;
        }
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        out(QStringLiteral("exported to %1").arg(path));
        return Ok;
    }
    QFile file(path);
    if (path == QLatin1String("-") ? !file.open(stdin, QIODevice::ReadOnly) : !file.open(QIODevice::ReadOnly))
        return error(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const auto policy = p.isSet(overwrite) ? Backup::OnConflict::Overwrite
        : p.isSet(skip)                    ? Backup::OnConflict::Skip
                                           : Backup::OnConflict::Report;
    auto outcome = Backup::importAll(db, file.readAll(), policy);
    if (!outcome)
        return error(QStringLiteral("%1: %2").arg(path, outcome.error().message));
    if (policy == Backup::OnConflict::Report && !outcome->conflicts.isEmpty()) {
        QStringList names;
        for (const auto &c : outcome->conflicts)
            names << c.kind + QLatin1Char(' ') + c.id;
        return error(
            QStringLiteral("nothing imported: these exist with other settings: %1 (use --overwrite or --skip-existing)")
                .arg(names.join(QStringLiteral(", "))));
    }
    out(outcome->summary());
    return Ok;
}

int deviceCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption user(
        QStringLiteral("user"), QStringLiteral("The test user who approves."), QStringLiteral("name"));
    if (action == QLatin1String("approve"))
        p.addOption(user);
    p.addPositionalArgument(
        QStringLiteral("command"), QStringLiteral("device list|approve USER_CODE --user NAME|deny USER_CODE"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    DeviceStore store(db);
    const QStringList positional = p.positionalArguments().mid(2);
    if (action == QLatin1String("list")) {
        if (!positional.isEmpty())
            return error(QStringLiteral("unexpected argument '%1'").arg(positional.first()));
        auto list = store.listPending();
        if (!list)
            return errorFor(list.error());
        const qint64 now = Clock::nowMs();
        QJsonArray array;
        for (const DeviceRequest &r : *list) {
            const qint64 left = std::max<qint64>(0, (r.expiresAt - now) / 1000);
            if (p.isSet(g.json))
                array.append(QJsonObject{{QStringLiteral("user_code"), r.userCode},
                    {QStringLiteral("client_id"), r.clientId}, {QStringLiteral("client_name"), r.clientName},
                    {QStringLiteral("scope"), r.scope}, {QStringLiteral("status"), r.status},
                    {QStringLiteral("username"), r.username}, {QStringLiteral("expires_in"), left}});
            else
                out(QStringLiteral("%1\t%2\t%3\t%4s\t%5").arg(r.userCode, r.clientId, r.status).arg(left).arg(r.scope));
        }
        if (p.isSet(g.json))
            printJson(array);
        return Ok;
    }
    if (action != QLatin1String("approve") && action != QLatin1String("deny"))
        return error(QStringLiteral("unknown device command '%1' (commands: list, approve, deny)").arg(action));
    if (positional.size() != 1)
        return error(QStringLiteral("device %1 takes one user code").arg(action));
    if (action == QLatin1String("approve")) {
        if (!p.isSet(user))
            return error(QStringLiteral("device approve needs --user NAME"));
        if (auto ok = store.approve(positional.first(), p.value(user)); !ok)
            return errorFor(ok.error());
        out(QStringLiteral("approved %1 as %2").arg(DeviceStore::normalizeUserCode(positional.first()), p.value(user)));
        return Ok;
    }
    if (auto ok = store.deny(positional.first()); !ok)
        return errorFor(ok.error());
    out(QStringLiteral("denied %1").arg(DeviceStore::normalizeUserCode(positional.first())));
    return Ok;
}

int tlsCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("tls export-ca [FILE]"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    if (action != QLatin1String("export-ca"))
        return error(QStringLiteral("unknown tls command '%1' (commands: export-ca)").arg(action));
    const QStringList positional = p.positionalArguments().mid(2);
    if (positional.size() > 1)
        return error(QStringLiteral("tls export-ca takes at most one file"));
    auto config = loadConfig(p, g);
    if (!config)
        return errorFor(config.error());
    auto pem = crypto::LocalCa::readCaCertificate(config->tlsFolder());
    if (!pem)
        return errorFor(pem.error());
    if (positional.isEmpty() || positional.first() == QLatin1String("-")) {
        QFile f;
        f.open(stdout, QIODevice::WriteOnly);
        f.write(*pem);
        return Ok;
    }
    QSaveFile file(positional.first());
    if (!file.open(QIODevice::WriteOnly) || file.write(*pem) != pem->size() || !file.commit())
        return error(QStringLiteral("cannot write %1: %2").arg(positional.first(), file.errorString()));
    out(QStringLiteral("wrote the CA certificate to %1").arg(positional.first()));
    return Ok;
}

int keysCommand(const QStringList &arguments, const QString &action)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("keys list|rotate"));
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    if (p.positionalArguments().size() > 2)
        return error(QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().at(2)));
    auto opened = openConfigAndDatabase(p, g);
    if (!opened)
        return errorFor(opened.error());
    auto &[config, db] = *opened;
    KeyStore keys(db);
    auto print = [&p, &g](const QList<KeyRecord> &records) {
        auto time = [](qint64 ms) {
            return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toUTC().toString(Qt::ISODate) : QString();
        };
        if (p.isSet(g.json)) {
            QJsonArray array;
            for (const KeyRecord &k : records)
                array.append(QJsonObject{{QStringLiteral("kid"), k.kid},
                    {QStringLiteral("alg"), crypto::algName(k.alg)}, {QStringLiteral("created_at"), time(k.createdAt)},
                    {QStringLiteral("retired_at"), k.retiredAt > 0 ? QJsonValue(time(k.retiredAt)) : QJsonValue()},
                    {QStringLiteral("status"), k.isActive() ? QStringLiteral("active") : QStringLiteral("retired")},
                    {QStringLiteral("public_jwk"), k.publicJwk}});
            printJson(array);
            return;
        }
        for (const KeyRecord &k : records)
            out(QStringLiteral("%1\t%2\t%3\t%4\t%5")
                    .arg(crypto::algName(k.alg), k.kid, time(k.createdAt),
                        k.isActive() ? QStringLiteral("active") : QStringLiteral("retired"),
                        k.retiredAt > 0 ? time(k.retiredAt) : QStringLiteral("-")));
    };
    if (action == QLatin1String("list")) {
        auto list = keys.list();
        if (!list)
            return errorFor(list.error());
        print(*list);
        return Ok;
    }
    if (action == QLatin1String("rotate")) {
        auto fresh = keys.rotate();
        if (!fresh)
            return errorFor(fresh.error());
        print(*fresh);
        return Ok;
    }
    return error(QStringLiteral("unknown keys command '%1' (commands: list, rotate)").arg(action));
}

int s_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(s_signalPipe[1], &byte, 1);
}

int serveCommand(const QStringList &arguments)
{
    Globals g;
    QCommandLineParser p;
    g.addTo(p);
    QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("No window (the only mode of serve)."));
    QCommandLineOption seed(
        QStringLiteral("seed"), QStringLiteral("Load clients and users from this JSON file."), QStringLiteral("file"));
    QCommandLineOption ephemeral(
        QStringLiteral("ephemeral"), QStringLiteral("Use a temporary database, removed at exit."));
    QCommandLineOption logJson(
        QStringLiteral("log-json"), QStringLiteral("Write the request log to stdout as JSON lines."));
    QCommandLineOption debug(QStringLiteral("debug"), QStringLiteral("Print a debug line per request to stderr."));
    QCommandLineOption tls(QStringLiteral("tls"), QStringLiteral("Serve HTTPS with a certificate from the local CA."));
    p.addOptions({headless, seed, ephemeral, logJson, debug, tls});
    int code = Ok;
    if (!parse(p, arguments, &code))
        return code;
    if (p.positionalArguments().size() > 1)
        return error(QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().at(1)));
    auto config = loadConfig(p, g);
    if (!config)
        return errorFor(config.error());
    if (p.isSet(debug))
        config->debug = true;
    if (p.isSet(tls))
        config->tls = true;

    QTemporaryDir tempDir;
    if (p.isSet(ephemeral)) {
        if (p.isSet(g.db))
            return error(QStringLiteral("--ephemeral and --db exclude each other"));
        if (!tempDir.isValid())
            return error(QStringLiteral("cannot create a temporary folder"), Failure);
        config->dbPath = tempDir.filePath(QStringLiteral("oauthdesk.sqlite"));
    }
    auto db = openDb(*config);
    if (!db)
        return errorFor(db.error());
    if (p.isSet(seed)) {
        QFile file(p.value(seed));
        if (!file.open(QIODevice::ReadOnly))
            return error(QStringLiteral("cannot read seed file %1: %2").arg(p.value(seed), file.errorString()));
        auto outcome = Backup::importAll(*db, file.readAll(), Backup::OnConflict::Overwrite);
        if (!outcome)
            return error(QStringLiteral("seed file %1: %2").arg(p.value(seed), outcome.error().message));
        QTextStream(stderr) << "oauthdesk: seed: " << outcome->summary() << Qt::endl;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalPipe) != 0)
        return error(QStringLiteral("cannot set up signal handling"), Failure);
    QSocketNotifier notifier(s_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [&notifier] {
        char byte = 0;
        [[maybe_unused]] const auto n = ::read(s_signalPipe[0], &byte, 1);
        notifier.setEnabled(false);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    int exitCode = Ok;
    {
        ServerController server(*db);
        const QString caFile = config->tls ? crypto::LocalCa::caCertificateFile(config->tlsFolder()) : QString();
        QObject::connect(&server, &ServerController::started, QCoreApplication::instance(),
            [caFile](const QString &issuer, quint16) {
                if (!caFile.isEmpty())
                    QTextStream(stderr) << "oauthdesk: tls: clients must trust the CA certificate " << caFile
                                        << Qt::endl;
                QTextStream(stdout) << "listening on " << issuer << Qt::endl;
                std::fflush(stdout);
            });
        QObject::connect(
            &server, &ServerController::failed, QCoreApplication::instance(), [&exitCode](const QString &message) {
                exitCode = error(message, Failure);
                QCoreApplication::exit(exitCode);
            });
        const bool json = p.isSet(logJson);
        const bool verbose = config->debug;
        if (json || verbose)
            QObject::connect(&server, &ServerController::requestsServed, QCoreApplication::instance(),
                [json, verbose](const QList<RequestLogEntry> &entries) {
                    QTextStream stdoutStream(stdout);
                    QTextStream stderrStream(stderr);
                    for (const RequestLogEntry &raw : entries) {
                        const RequestLogEntry e = raw.redacted();
                        if (json)
                            stdoutStream << QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) << '\n';
                        if (verbose)
                            stderrStream << "oauthdesk: " << e.method << ' ' << e.path << " -> " << e.status << " ("
                                         << QString::number(double(e.durationUs) / 1000.0, 'f', 2) << " ms"
                                         << (e.clientId.isEmpty() ? QString()
                                                                  : QStringLiteral(", client ") + e.clientId)
                                         << ")\n";
                    }
                    stdoutStream.flush();
                    stderrStream.flush();
                });
        server.start(*config);
        const int loopCode = QCoreApplication::exec();
        if (exitCode == Ok)
            exitCode = loopCode;
    }
    ::close(s_signalPipe[0]);
    ::close(s_signalPipe[1]);
    return exitCode;
}

} // namespace

bool isSubcommand(const QStringList &arguments)
{
    // The first word that is not an option (or an option's value) decides.
    static const QStringList valued = {QStringLiteral("--db"), QStringLiteral("--config"), QStringLiteral("--port"),
        QStringLiteral("--bind"), QStringLiteral("--issuer"), QStringLiteral("--page"), QStringLiteral("--screenshot")};
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        if (valued.contains(a)) {
            ++i;
            continue;
        }
        if (a.startsWith(QLatin1Char('-')))
            continue;
        return true; // anything else is a command; unknown ones get an error from run()
    }
    return false;
}

int run(const QStringList &arguments)
{
    QCommandLineParser probe;
    probe.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    Globals g;
    g.addTo(probe);
    probe.parse(arguments);
    const QStringList words = probe.positionalArguments();
    const QString command = words.value(0);
    const QString action = words.value(1);
    if (!Subcommands.contains(command))
        return error(
            QStringLiteral("unknown command '%1' (commands: %2)").arg(command, Subcommands.join(QStringLiteral(", "))));
    if (command == QLatin1String("serve"))
        return serveCommand(arguments);
    if (command == QLatin1String("export") || command == QLatin1String("import"))
        return exportImportCommand(arguments, command == QLatin1String("export"));
    if (command == QLatin1String("config")) {
        Globals cg;
        QCommandLineParser p;
        cg.addTo(p);
        int code = Ok;
        if (!parse(p, arguments, &code))
            return code;
        auto config = loadConfig(p, cg);
        if (!config)
            return errorFor(config.error());
        QTextStream(stdout) << config->toJson();
        return Ok;
    }
    if (action.isEmpty())
        return error(QStringLiteral("'%1' needs a command; see oauthdesk %1 --help").arg(command));
    if (command == QLatin1String("device"))
        return deviceCommand(arguments, action);
    if (command == QLatin1String("tls"))
        return tlsCommand(arguments, action);
    if (command == QLatin1String("client")) {
        static const QStringList actions = {QStringLiteral("add"), QStringLiteral("list"), QStringLiteral("show"),
            QStringLiteral("remove"), QStringLiteral("rotate-secret"), QStringLiteral("enable"),
            QStringLiteral("disable"), QStringLiteral("export")};
        if (!actions.contains(action))
            return error(QStringLiteral("unknown client command '%1' (commands: %2)")
                             .arg(action, actions.join(QStringLiteral(", "))));
        return clientCommand(arguments, action);
    }
    if (command == QLatin1String("user"))
        return userCommand(arguments, action);
    if (command == QLatin1String("keys"))
        return keysCommand(arguments, action);
    return tokenCommand(arguments, action);
}

} // namespace oauthdesk::cli
