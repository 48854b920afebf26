#include "storage/ClientStore.h"

#include "crypto/Random.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlRecord>
#include <QUrl>

namespace oauthdesk {

namespace {

QString toJsonText(const QStringList &list)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList fromJsonText(const QString &text)
{
    QStringList out;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &v : array)
        out.append(v.toString());
    return out;
}

const QString Columns = QStringLiteral(
    "client_id, client_secret, client_name, redirect_uris, grant_types, scopes, token_endpoint_auth_method, "
    "auth_method_pinned, is_public, active, auto_approve_user, access_token_ttl, refresh_token_ttl, code_ttl, "
    "pkce_required, pkce_allow_plain, refresh_rotation, access_token_format, id_token_signed_response_alg, "
    "post_logout_redirect_uris, created_at, updated_at");

Client clientFrom(const QSqlQuery &q)
{
    Client c;
    c.clientId = q.value(0).toString();
    c.secret = q.value(1).toString();
    c.name = q.value(2).toString();
    c.redirectUris = fromJsonText(q.value(3).toString());
    c.grantTypes = fromJsonText(q.value(4).toString());
    c.scopes = fromJsonText(q.value(5).toString());
    c.authMethod = q.value(6).toString();
    c.authMethodPinned = q.value(7).toBool();
    c.isPublic = q.value(8).toBool();
    c.active = q.value(9).toBool();
    c.autoApproveUser = q.value(10).toString();
    c.accessTokenTtl = q.value(11).toInt();
    c.refreshTokenTtl = q.value(12).toInt();
    c.codeTtl = q.value(13).toInt();
    c.pkceRequired = q.value(14).toBool();
    c.pkceAllowPlain = q.value(15).toBool();
    c.refreshRotation = q.value(16).toBool();
    c.accessTokenFormat = q.value(17).toString();
    c.idTokenAlg = q.value(18).toString();
    c.postLogoutRedirectUris = fromJsonText(q.value(19).toString());
    c.createdAt = q.value(20).toLongLong();
    c.updatedAt = q.value(21).toLongLong();
    return c;
}

} // namespace

ClientStore::ClientStore(std::shared_ptr<Database> db, Caching caching)
    : m_db(std::move(db))
    , m_cache(caching == Caching::On ? std::make_shared<ReadCache<Client>>(1024) : nullptr)
{ }

QString ClientStore::generateSecret()
{
    return crypto::randomToken(256);
}

Status ClientStore::validateRedirectUri(const QString &uri)
{
    const QUrl url(uri, QUrl::StrictMode);
    // RFC 6749 §3.1.2: an absolute URI without a fragment.
    if (uri.trimmed() != uri || !url.isValid() || url.isRelative() || url.scheme().isEmpty())
        return fail(Error::invalid(QStringLiteral("redirect URI '%1' is not an absolute URI").arg(uri)));
    if (url.hasFragment())
        return fail(Error::invalid(QStringLiteral("redirect URI '%1' must not contain a fragment").arg(uri)));
    // The browser would run these instead of going anywhere: the code, or a form_post page, would end up in
    // whatever script the URI carries.
    static const QStringList scriptSchemes
        = {QStringLiteral("javascript"), QStringLiteral("data"), QStringLiteral("vbscript"), QStringLiteral("blob")};
    if (scriptSchemes.contains(url.scheme(), Qt::CaseInsensitive))
        return fail(
            Error::invalid(QStringLiteral("redirect URI '%1' uses the %2: scheme, which a browser runs as content")
                               .arg(uri, url.scheme().toLower())));
    if ((url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) && url.host().isEmpty())
        return fail(Error::invalid(QStringLiteral("redirect URI '%1' has no host").arg(uri)));
    return {};
}

Status ClientStore::normalize(Client &c)
{
    static const QRegularExpression idPattern(QStringLiteral("^[\\x21-\\x7E]{1,200}$"));
    if (c.clientId.isEmpty())
        c.clientId = crypto::randomToken(128);
    if (!idPattern.match(c.clientId).hasMatch() || c.clientId.contains(QLatin1Char(':')))
        return fail(Error::invalid(
            QStringLiteral("client id '%1' must be 1 to 200 visible ASCII characters, without ':'").arg(c.clientId)));
    c.name = c.name.trimmed();
    if (c.name.isEmpty())
        return fail(Error::invalid(QStringLiteral("a client needs a name")));
    if (c.grantTypes.isEmpty())
        c.grantTypes = {grant::AuthorizationCode, grant::RefreshToken};
    c.grantTypes.removeDuplicates();
    for (const QString &g : std::as_const(c.grantTypes))
        if (!grant::all.contains(g))
            return fail(Error::invalid(
                QStringLiteral("unknown grant type '%1' (known: %2)").arg(g, grant::all.join(QStringLiteral(", ")))));
    c.redirectUris.removeDuplicates();
    for (const QString &uri : std::as_const(c.redirectUris))
        if (auto ok = validateRedirectUri(uri); !ok)
            return ok;
    for (const QString &uri : std::as_const(c.postLogoutRedirectUris))
        if (auto ok = validateRedirectUri(uri); !ok)
            return ok;
    if (c.allowsGrant(grant::AuthorizationCode) && c.redirectUris.isEmpty())
        return fail(Error::invalid(QStringLiteral("the authorization_code grant needs at least one redirect URI")));
    QStringList scopes;
    for (const QString &s : std::as_const(c.scopes))
        for (const QString &part : s.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            scopes.append(part);
    scopes.removeDuplicates();
    for (const QString &s : std::as_const(scopes))
        if (!isScopeToken(s))
            return fail(
                Error::invalid(QStringLiteral("scope '%1' has characters RFC 6749 §3.3 does not allow").arg(s)));
    c.scopes = scopes;

    if (!authmethod::all.contains(c.authMethod))
        return fail(Error::invalid(QStringLiteral("unknown token endpoint auth method '%1' (known: %2)")
                                       .arg(c.authMethod, authmethod::all.join(QStringLiteral(", ")))));
    if (c.isPublic) {
        if (c.authMethodPinned && c.authMethod != authmethod::None)
            return fail(Error::invalid(QStringLiteral("a public client authenticates with 'none'")));
        c.authMethod = authmethod::None;
        c.secret.clear();
        if (c.allowsGrant(grant::ClientCredentials))
            return fail(Error::invalid(QStringLiteral("client_credentials needs a confidential client")));
        // RFC 9700 §4.14.2: a public client's refresh tokens must rotate (they are not sender-constrained here).
        if (!c.refreshRotation)
            return fail(
                Error::invalid(QStringLiteral("refresh token rotation cannot be turned off for a public client")));
    } else {
        if (c.authMethod == authmethod::None)
            return fail(Error::invalid(QStringLiteral("the auth method 'none' is for public clients (use --public)")));
        if (c.secret.isEmpty())
            c.secret = generateSecret();
    }
    if (c.accessTokenFormat != QLatin1String("opaque") && c.accessTokenFormat != QLatin1String("jwt"))
        return fail(Error::invalid(QStringLiteral("access token format must be 'opaque' or 'jwt'")));
    static const QStringList algs = {QStringLiteral("RS256"), QStringLiteral("ES256"), QStringLiteral("EdDSA")};
    if (!algs.contains(c.idTokenAlg))
        return fail(Error::invalid(QStringLiteral("id_token_signed_response_alg must be RS256, ES256 or EdDSA")));
    for (int ttl : {c.accessTokenTtl, c.refreshTokenTtl, c.codeTtl})
        if (ttl < 0)
            return fail(Error::invalid(QStringLiteral("lifetimes must not be negative")));
    if (c.codeTtl > Config::MaxCodeLifetimeSecs)
        return fail(Error::invalid(
            QStringLiteral("the authorization code lifetime is at most %1 seconds").arg(Config::MaxCodeLifetimeSecs)));
    return {};
}

Status ClientStore::write(const Client &c, bool insert)
{
    const QString sql = insert
        ? QStringLiteral("INSERT INTO %1 (%2) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
              .arg(m_db->tables().clients, Columns)
        : QStringLiteral("UPDATE %1 SET client_id=?, client_secret=?, client_name=?, redirect_uris=?, grant_types=?, "
                         "scopes=?, token_endpoint_auth_method=?, auth_method_pinned=?, is_public=?, active=?, "
                         "auto_approve_user=?, access_token_ttl=?, refresh_token_ttl=?, code_ttl=?, pkce_required=?, "
                         "pkce_allow_plain=?, refresh_rotation=?, access_token_format=?, "
                         "id_token_signed_response_alg=?, post_logout_redirect_uris=?, created_at=?, updated_at=? "
                         "WHERE client_id=?")
              .arg(m_db->tables().clients);
    auto query = prepare(m_db->connection(), sql);
    if (!query)
        return fail(query.error());
    const QVariantList values = {c.clientId, c.isPublic ? QVariant() : QVariant(c.secret), c.name,
        toJsonText(c.redirectUris), toJsonText(c.grantTypes), toJsonText(c.scopes), c.authMethod, c.authMethodPinned,
        c.isPublic, c.active, c.autoApproveUser.isEmpty() ? QVariant() : QVariant(c.autoApproveUser),
        c.accessTokenTtl > 0 ? QVariant(c.accessTokenTtl) : QVariant(),
        c.refreshTokenTtl > 0 ? QVariant(c.refreshTokenTtl) : QVariant(),
        c.codeTtl > 0 ? QVariant(c.codeTtl) : QVariant(), c.pkceRequired, c.pkceAllowPlain, c.refreshRotation,
        c.accessTokenFormat, c.idTokenAlg, toJsonText(c.postLogoutRedirectUris), c.createdAt, c.updatedAt};
    for (const QVariant &v : values)
        query->addBindValue(v);
    if (!insert)
        query->addBindValue(c.clientId);
    if (auto ok = m_db->execChange(*query); !ok)
        return ok;
    if (!insert && query->numRowsAffected() == 0)
        return fail(Error::notFound(QStringLiteral("no client '%1'").arg(c.clientId)));
    return {};
}

Result<Client> ClientStore::add(Client client)
{
    if (auto ok = normalize(client); !ok)
        return fail(ok.error());
    // An imported client keeps its creation time, so a round trip preserves the order of the list too.
    const qint64 now = Clock::nowMs();
    if (client.createdAt <= 0)
        client.createdAt = now;
    client.updatedAt = now;
    Status status = m_db->write([&]() -> Status {
        if (find(client.clientId))
            return fail(Error::conflict(QStringLiteral("a client with id '%1' exists already").arg(client.clientId)));
        if (!client.autoApproveUser.isEmpty()) {
            auto q = prepare(m_db->connection(), QStringLiteral("SELECT 1 FROM users WHERE username=?"));
            if (!q)
                return fail(q.error());
            q->addBindValue(client.autoApproveUser);
            if (auto ok = execQuery(*q); !ok)
                return ok;
            if (!q->next())
                return fail(
                    Error::notFound(QStringLiteral("no user '%1' to auto-approve as").arg(client.autoApproveUser)));
        }
        return write(client, true);
    });
    if (!status)
        return fail(status.error());
    return client;
}

Result<Client> ClientStore::update(Client client)
{
    if (auto ok = normalize(client); !ok)
        return fail(ok.error());
    client.updatedAt = Clock::nowMs();
    Status status = m_db->write([&]() -> Status {
        auto existing = find(client.clientId);
        if (!existing)
            return fail(Error::notFound(QStringLiteral("no client '%1'").arg(client.clientId)));
        client.createdAt = existing->createdAt;
        return write(client, false);
    });
    if (!status)
        return fail(status.error());
    return client;
}

std::optional<Client> ClientStore::find(const QString &clientId) const
{
    return m_cache ? m_cache->get(*m_db, clientId, [&] { return load(clientId); }) : load(clientId);
}

std::optional<Client> ClientStore::load(const QString &clientId) const
{
    auto query = prepare(
        m_db->connection(), QStringLiteral("SELECT %1 FROM %2 WHERE client_id=?").arg(Columns, m_db->tables().clients));
    if (!query)
        return std::nullopt;
    query->addBindValue(clientId);
    if (!query->exec() || !query->next())
        return std::nullopt;
    return clientFrom(*query);
}

Result<Client> ClientStore::get(const QString &clientId) const
{
    if (auto c = find(clientId))
        return *c;
    return fail(Error::notFound(QStringLiteral("no client '%1'").arg(clientId)));
}

Result<QList<Client>> ClientStore::list() const
{
    auto query = prepare(m_db->connection(),
        QStringLiteral("SELECT %1 FROM %2 ORDER BY created_at, client_id").arg(Columns, m_db->tables().clients));
    if (!query)
        return fail(query.error());
    if (auto ok = execQuery(*query); !ok)
        return fail(ok.error());
    QList<Client> out;
    while (query->next())
        out.append(clientFrom(*query));
    return out;
}

Status ClientStore::remove(const QString &clientId)
{
    return m_db->write([&]() -> Status {
        auto query = prepare(
            m_db->connection(), QStringLiteral("DELETE FROM %1 WHERE client_id=?").arg(m_db->tables().clients));
        if (!query)
            return fail(query.error());
        query->addBindValue(clientId);
        if (auto ok = m_db->execChange(*query); !ok) // its tokens go too (ON DELETE CASCADE)
            return ok;
        if (query->numRowsAffected() == 0)
            return fail(Error::notFound(QStringLiteral("no client '%1'").arg(clientId)));
        return {};
    });
}

Result<Client> ClientStore::rotateSecret(const QString &clientId)
{
    auto client = get(clientId);
    if (!client)
        return client;
    if (client->isPublic)
        return fail(Error::invalid(QStringLiteral("client '%1' is public and has no secret").arg(clientId)));
    client->secret = generateSecret();
    return update(*client);
}

Result<Client> ClientStore::setActive(const QString &clientId, bool active)
{
    auto client = get(clientId);
    if (!client)
        return client;
    client->active = active;
    return update(*client);
}

Result<int> ClientStore::liveTokenCount(const QString &clientId) const
{
    const qint64 now = Clock::nowMs();
    const auto &t = m_db->tables();
    auto query = prepare(m_db->connection(),
        QStringLiteral("SELECT (SELECT count(*) FROM %1 WHERE client_id=:c AND revoked_at IS NULL AND "
                       "expires_at>:now) + (SELECT count(*) FROM %2 WHERE client_id=:c AND revoked_at "
                       "IS NULL AND rotated_at IS NULL AND expires_at>:now)")
            .arg(t.accessTokens, t.refreshTokens));
    if (!query)
        return fail(query.error());
    query->bindValue(QStringLiteral(":c"), clientId);
    query->bindValue(QStringLiteral(":now"), now);
    if (auto ok = execQuery(*query); !ok)
        return fail(ok.error());
    return query->next() ? query->value(0).toInt() : 0;
}

} // namespace oauthdesk
