#include "storage/UserStore.h"

#include "crypto/Random.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace oauthdesk {

namespace {

const QString Columns = QStringLiteral("username, password_hash, claims, sub, created_at, updated_at");

User userFrom(const QSqlQuery &q)
{
    User u;
    u.username = q.value(0).toString();
    u.passwordHash = q.value(1).toString();
    u.claims = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object();
    u.sub = q.value(3).toString();
    u.createdAt = q.value(4).toLongLong();
    u.updatedAt = q.value(5).toLongLong();
    return u;
}

QString claimsText(const QJsonObject &claims)
{
    return QString::fromUtf8(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

} // namespace

UserStore::UserStore(std::shared_ptr<Database> db, Caching caching)
    : m_db(std::move(db))
    , m_cache(caching == Caching::On ? std::make_shared<ReadCache<User>>(1024) : nullptr)
{ }

Status UserStore::validateUsername(const QString &username)
{
    static const QRegularExpression pattern(QStringLiteral("^[^\\s\\x00-\\x1f]{1,100}$"));
    if (!pattern.match(username).hasMatch())
        return fail(Error::invalid(
            QStringLiteral("username '%1' must be 1 to 100 characters without spaces or control characters")
                .arg(username)));
    return {};
}

Status UserStore::validateClaims(const QJsonObject &claims)
{
    // These are set by the server from the token itself; a test user must not override them.
    static const QStringList reserved = {QStringLiteral("iss"), QStringLiteral("sub"), QStringLiteral("aud"),
        QStringLiteral("exp"), QStringLiteral("iat"), QStringLiteral("nbf"), QStringLiteral("jti"),
        QStringLiteral("nonce"), QStringLiteral("azp"), QStringLiteral("at_hash"), QStringLiteral("auth_time")};
    for (auto it = claims.begin(); it != claims.end(); ++it) {
        if (it.key().trimmed().isEmpty())
            return fail(Error::invalid(QStringLiteral("a claim needs a name")));
        if (reserved.contains(it.key()))
            return fail(
                Error::invalid(QStringLiteral("claim '%1' is set by the server and cannot be given").arg(it.key())));
    }
    return {};
}

Result<User> UserStore::add(const QString &username, const QString &password, const QJsonObject &claims)
{
    User user;
    user.username = username;
    user.passwordHash = password.isEmpty() ? QString() : crypto::hashPassword(password);
    user.claims = claims;
    user.sub = crypto::sha256Hex(crypto::randomBytes(32)).left(32);
    return insertExported(user);
}

Result<User> UserStore::insertExported(User user)
{
    if (auto ok = validateUsername(user.username); !ok)
        return fail(ok.error());
    if (auto ok = validateClaims(user.claims); !ok)
        return fail(ok.error());
    if (user.sub.isEmpty())
        user.sub = crypto::sha256Hex(crypto::randomBytes(32)).left(32);
    const qint64 now = Clock::nowMs();
    if (user.createdAt == 0)
        user.createdAt = now;
    user.updatedAt = now;
    Status status = m_db->write([&]() -> Status {
        if (find(user.username))
            return fail(Error::conflict(QStringLiteral("a user named '%1' exists already").arg(user.username)));
        auto q
            = prepare(m_db->connection(), QStringLiteral("INSERT INTO users (%1) VALUES (?,?,?,?,?,?)").arg(Columns));
        if (!q)
            return fail(q.error());
        for (const QVariant &v :
            {QVariant(user.username), user.passwordHash.isEmpty() ? QVariant() : QVariant(user.passwordHash),
                QVariant(claimsText(user.claims)), QVariant(user.sub), QVariant(user.createdAt),
                QVariant(user.updatedAt)})
            q->addBindValue(v);
        return execQuery(*q);
    });
    if (!status)
        return fail(status.error());
    return user;
}

Result<User> UserStore::update(
    const QString &username, const std::optional<QString> &password, const QJsonObject &claims)
{
    if (auto ok = validateClaims(claims); !ok)
        return fail(ok.error());
    User user;
    Status status = m_db->write([&]() -> Status {
        auto existing = find(username);
        if (!existing)
            return fail(Error::notFound(QStringLiteral("no user '%1'").arg(username)));
        user = *existing;
        if (password)
            user.passwordHash = password->isEmpty() ? QString() : crypto::hashPassword(*password);
        user.claims = claims;
        user.updatedAt = Clock::nowMs();
        auto q = prepare(m_db->connection(),
            QStringLiteral("UPDATE users SET password_hash=?, claims=?, updated_at=? WHERE username=?"));
        if (!q)
            return fail(q.error());
        q->addBindValue(user.passwordHash.isEmpty() ? QVariant() : QVariant(user.passwordHash));
        q->addBindValue(claimsText(user.claims));
        q->addBindValue(user.updatedAt);
        q->addBindValue(username);
        return m_db->execChange(*q);
    });
    if (!status)
        return fail(status.error());
    return user;
}

std::optional<User> UserStore::find(const QString &username) const
{
    return m_cache ? m_cache->get(*m_db, username, [&] { return load(username); }) : load(username);
}

std::optional<User> UserStore::load(const QString &username) const
{
    auto q = prepare(m_db->connection(), QStringLiteral("SELECT %1 FROM users WHERE username=?").arg(Columns));
    if (!q)
        return std::nullopt;
    q->addBindValue(username);
    if (!q->exec() || !q->next())
        return std::nullopt;
    return userFrom(*q);
}

std::optional<User> UserStore::findBySub(const QString &sub) const
{
    auto q = prepare(m_db->connection(), QStringLiteral("SELECT %1 FROM users WHERE sub=?").arg(Columns));
    if (!q)
        return std::nullopt;
    q->addBindValue(sub);
    if (!q->exec() || !q->next())
        return std::nullopt;
    return userFrom(*q);
}

Result<User> UserStore::get(const QString &username) const
{
    if (auto u = find(username))
        return *u;
    return fail(Error::notFound(QStringLiteral("no user '%1'").arg(username)));
}

Result<QList<User>> UserStore::list() const
{
    auto q = prepare(m_db->connection(), QStringLiteral("SELECT %1 FROM users ORDER BY username").arg(Columns));
    if (!q)
        return fail(q.error());
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    QList<User> out;
    while (q->next())
        out.append(userFrom(*q));
    return out;
}

Status UserStore::remove(const QString &username)
{
    return m_db->write([&]() -> Status {
        auto q = prepare(m_db->connection(), QStringLiteral("DELETE FROM users WHERE username=?"));
        if (!q)
            return fail(q.error());
        q->addBindValue(username);
        if (auto ok = m_db->execChange(*q); !ok) // its tokens go too (ON DELETE CASCADE)
            return ok;
        if (q->numRowsAffected() == 0)
            return fail(Error::notFound(QStringLiteral("no user '%1'").arg(username)));
        return {};
    });
}

Result<bool> UserStore::checkPassword(const QString &username, const QString &password) const
{
    auto user = get(username);
    if (!user)
        return fail(user.error());
    if (!user->hasPassword())
        return true;
    return crypto::verifyPassword(password, user->passwordHash);
}

} // namespace oauthdesk
