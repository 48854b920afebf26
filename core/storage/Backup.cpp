#include "storage/Backup.h"

#include "crypto/Random.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace oauthdesk {

namespace {

Result<QStringList> stringList(const QJsonObject &o, const QString &key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (!v.isArray())
        return fail(Error::invalid(QStringLiteral("'%1' must be an array of strings").arg(key)));
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString())
            return fail(Error::invalid(QStringLiteral("'%1' must be an array of strings").arg(key)));
        out.append(item.toString());
    }
    return out;
}

} // namespace

QString Backup::Outcome::summary() const
{
    return QStringLiteral("%1 clients added, %2 updated; %3 users added, %4 updated; %5 unchanged")
        .arg(clientsAdded)
        .arg(clientsUpdated)
        .arg(usersAdded)
        .arg(usersUpdated)
        .arg(unchanged);
}

Result<Client> Backup::clientFromJson(const QJsonObject &o)
{
    Client c;
    if (!o.value(QStringLiteral("client_id")).isString() || o.value(QStringLiteral("client_id")).toString().isEmpty())
        return fail(Error::invalid(QStringLiteral("'client_id' is missing")));
    c.clientId = o.value(QStringLiteral("client_id")).toString();
    c.name = o.value(QStringLiteral("client_name")).toString(c.clientId);
    c.secret = o.value(QStringLiteral("client_secret")).toString();
    auto redirects = stringList(o, QStringLiteral("redirect_uris"));
    auto grants = stringList(o, QStringLiteral("grant_types"));
    auto logout = stringList(o, QStringLiteral("post_logout_redirect_uris"));
    for (const auto *r : {&redirects, &grants, &logout})
        if (!*r)
            return fail(r->error());
    c.redirectUris = *redirects;
    c.grantTypes = *grants;
    c.postLogoutRedirectUris = *logout;
    const QJsonValue scope = o.value(QStringLiteral("scope"));
    if (scope.isArray()) {
        auto list = stringList(o, QStringLiteral("scope"));
        if (!list)
            return fail(list.error());
        c.scopes = *list;
    } else {
        c.scopes = scope.toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    const QString type = o.value(QStringLiteral("client_type")).toString();
    const QString method = o.value(QStringLiteral("token_endpoint_auth_method")).toString();
    c.isPublic = type == QLatin1String("public") || (type.isEmpty() && method == authmethod::None);
    if (!method.isEmpty()) {
        c.authMethod = method;
        c.authMethodPinned = o.value(QStringLiteral("token_endpoint_auth_method_pinned")).toBool(false);
    } else {
        c.authMethod = c.isPublic ? authmethod::None : authmethod::Basic;
    }
    c.active = o.value(QStringLiteral("active")).toBool(true);
    c.autoApproveUser = o.value(QStringLiteral("auto_approve_user")).toString();
    c.accessTokenTtl = o.value(QStringLiteral("access_token_lifetime")).toInt(0);
    c.refreshTokenTtl = o.value(QStringLiteral("refresh_token_lifetime")).toInt(0);
    c.codeTtl = o.value(QStringLiteral("authorization_code_lifetime")).toInt(0);
    c.pkceRequired = o.value(QStringLiteral("pkce_required")).toBool(false) && !c.isPublic;
    c.pkceAllowPlain = o.value(QStringLiteral("pkce_allow_plain")).toBool(false);
    c.refreshRotation = o.value(QStringLiteral("refresh_token_rotation")).toBool(true);
    c.accessTokenFormat = o.value(QStringLiteral("access_token_format")).toString(QStringLiteral("opaque"));
    c.idTokenAlg = o.value(QStringLiteral("id_token_signed_response_alg")).toString(QStringLiteral("RS256"));
    // Our own export carries the exact creation time; RFC 7591's client_id_issued_at has whole seconds.
    c.createdAt = o.contains(QStringLiteral("created_at_ms"))
        ? qint64(o.value(QStringLiteral("created_at_ms")).toDouble(0))
        : qint64(o.value(QStringLiteral("client_id_issued_at")).toDouble(0)) * 1000;
    if (auto ok = ClientStore::normalize(c); !ok)
        return fail(ok.error());
    return c;
}

Result<QJsonObject> Backup::exportAll(ClientStore &clients, UserStore &users)
{
    auto clientList = clients.list();
    if (!clientList)
        return fail(clientList.error());
    auto userList = users.list();
    if (!userList)
        return fail(userList.error());
    QJsonArray clientArray;
    for (const Client &c : *clientList) {
        QJsonObject o = c.toJson(true);
        o.insert(QStringLiteral("token_endpoint_auth_method_pinned"), c.authMethodPinned);
        o.insert(QStringLiteral("created_at_ms"), double(c.createdAt));
        clientArray.append(o);
    }
    QJsonArray userArray;
    for (const User &u : *userList) {
        QJsonObject o{{QStringLiteral("username"), u.username}, {QStringLiteral("sub"), u.sub},
            {QStringLiteral("claims"), u.claims}};
        if (u.hasPassword())
            o.insert(QStringLiteral("password_hash"), u.passwordHash);
        userArray.append(o);
    }
    return QJsonObject{{QStringLiteral("oauthdesk_export"), 1}, {QStringLiteral("clients"), clientArray},
        {QStringLiteral("users"), userArray}};
}

Result<Backup::Outcome> Backup::importAll(std::shared_ptr<Database> db, const QByteArray &json, OnConflict policy)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(Error::invalid(
            QStringLiteral("not valid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString())));
    if (!doc.isObject())
        return fail(Error::invalid(QStringLiteral("the file must hold a JSON object with 'clients' and 'users'")));
    const QJsonObject root = doc.object();
    for (const QString &key : {QStringLiteral("clients"), QStringLiteral("users")})
        if (root.contains(key) && !root.value(key).isArray())
            return fail(Error::invalid(QStringLiteral("'%1' must be an array").arg(key)));

    // Parse and check everything before touching the database.
    QList<User> users;
    QHash<QString, QString> plainPasswords; // a seed file's plain passwords, by username
    const QJsonArray userArray = root.value(QStringLiteral("users")).toArray();
    for (qsizetype i = 0; i < userArray.size(); ++i) {
        const QJsonObject o = userArray.at(i).toObject();
        const QString where = QStringLiteral("users[%1]").arg(i);
        if (!userArray.at(i).isObject())
            return fail(Error::invalid(where + QStringLiteral(": must be an object")));
        User u;
        u.username = o.value(QStringLiteral("username")).toString();
        if (auto ok = UserStore::validateUsername(u.username); !ok)
            return fail(Error::invalid(where + QStringLiteral(": ") + ok.error().message));
        if (o.contains(QStringLiteral("claims")) && !o.value(QStringLiteral("claims")).isObject())
            return fail(Error::invalid(QStringLiteral("%1 (%2): 'claims' must be an object").arg(where, u.username)));
        u.claims = o.value(QStringLiteral("claims")).toObject();
        if (auto ok = UserStore::validateClaims(u.claims); !ok)
            return fail(Error::invalid(QStringLiteral("%1 (%2): %3").arg(where, u.username, ok.error().message)));
        u.sub = o.value(QStringLiteral("sub")).toString();
        u.passwordHash = o.value(QStringLiteral("password_hash")).toString();
        QString plain;
        if (o.value(QStringLiteral("password")).isString()
            && !o.value(QStringLiteral("password")).toString().isEmpty()) {
            plain = o.value(QStringLiteral("password")).toString();
            u.passwordHash = crypto::hashPassword(plain);
        }
        plainPasswords.insert(u.username, plain);
        for (const User &other : std::as_const(users))
            if (other.username == u.username)
                return fail(
                    Error::invalid(QStringLiteral("%1 (%2): the username appears twice").arg(where, u.username)));
        users.append(u);
    }
    QList<Client> clients;
    const QJsonArray clientArray = root.value(QStringLiteral("clients")).toArray();
    for (qsizetype i = 0; i < clientArray.size(); ++i) {
        const QString where = QStringLiteral("clients[%1]").arg(i);
        if (!clientArray.at(i).isObject())
            return fail(Error::invalid(where + QStringLiteral(": must be an object")));
        const QJsonObject o = clientArray.at(i).toObject();
        auto c = clientFromJson(o);
        if (!c)
            return fail(
                Error::invalid(QStringLiteral("%1 (%2): %3")
                                   .arg(where, o.value(QStringLiteral("client_id")).toString(), c.error().message)));
        for (const Client &other : std::as_const(clients))
            if (other.clientId == c->clientId)
                return fail(
                    Error::invalid(QStringLiteral("%1 (%2): the client id appears twice").arg(where, c->clientId)));
        clients.append(*c);
    }

    ClientStore clientStore(db);
    UserStore userStore(db);
    Outcome outcome;
    const Status status = db->write([&]() -> Status {
        for (User u : users) {
            auto existing = userStore.find(u.username);
            if (existing) {
                if (u.sub.isEmpty())
                    u.sub = existing->sub;
                // A plain password gets a new salt on every import; the same password is no change (idempotent seeds).
                if (const QString plain = plainPasswords.value(u.username);
                    !plain.isEmpty() && crypto::verifyPassword(plain, existing->passwordHash))
                    u.passwordHash = existing->passwordHash;
                if (existing->claims == u.claims && existing->passwordHash == u.passwordHash
                    && existing->sub == u.sub) {
                    ++outcome.unchanged;
                    continue;
                }
                if (policy != OnConflict::Overwrite) {
                    outcome.conflicts.append({QStringLiteral("user"), u.username});
                    continue;
                }
                if (auto ok = userStore.remove(u.username); !ok)
                    return ok;
                ++outcome.usersUpdated;
            } else {
                ++outcome.usersAdded;
            }
            if (auto ok = userStore.insertExported(u); !ok)
                return fail(ok.error());
        }
        for (Client c : clients) {
            auto existing = clientStore.find(c.clientId);
            if (existing) {
                c.createdAt = existing->createdAt;
                c.updatedAt = existing->updatedAt;
                if (c == *existing) {
                    ++outcome.unchanged;
                    continue;
                }
                if (policy != OnConflict::Overwrite) {
                    outcome.conflicts.append({QStringLiteral("client"), c.clientId});
                    continue;
                }
                if (auto ok = clientStore.update(c); !ok)
                    return fail(ok.error());
                ++outcome.clientsUpdated;
            } else {
                if (auto ok = clientStore.add(c); !ok)
                    return fail(Error::invalid(QStringLiteral("client %1: %2").arg(c.clientId, ok.error().message)));
                ++outcome.clientsAdded;
            }
        }
        if (policy == OnConflict::Report && !outcome.conflicts.isEmpty())
            return fail(Error::conflict(QStringLiteral("conflicts")));
        return {};
    });
    if (!status) {
        if (status.error().kind == Error::Kind::Conflict && !outcome.conflicts.isEmpty()) {
            Outcome reported;
            reported.conflicts = outcome.conflicts;
            return reported;
        }
        return fail(status.error());
    }
    return outcome;
}

} // namespace oauthdesk
