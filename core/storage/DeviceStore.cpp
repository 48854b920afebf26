#include "storage/DeviceStore.h"

#include "crypto/Random.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QSqlError>

namespace oauthdesk {

namespace {

QString selectFrom(const Database &db)
{
    return QStringLiteral(
        "SELECT d.id, d.user_code, d.client_id, coalesce(c.client_name, d.client_id), d.scope, "
        "d.status, d.username, d.issued_at, d.expires_at, d.interval_secs, d.last_poll_at, d.grant_id "
        "FROM device_codes d LEFT JOIN %1 c ON c.client_id = d.client_id ")
        .arg(db.tables().clients);
}

DeviceRequest requestFrom(const QSqlQuery &q, qint64 now)
{
    DeviceRequest r;
    r.id = q.value(0).toLongLong();
    r.userCode = q.value(1).toString();
    r.clientId = q.value(2).toString();
    r.clientName = q.value(3).toString();
    r.scope = q.value(4).toString();
    r.status = q.value(5).toString();
    r.username = q.value(6).toString();
    r.issuedAt = q.value(7).toLongLong();
    r.expiresAt = q.value(8).toLongLong();
    r.intervalSecs = q.value(9).toInt();
    r.lastPollAt = q.value(10).toLongLong();
    r.grantId = q.value(11).toString();
    // Expiry is a matter of time, not of a write: a pending request past its lifetime reads as expired.
    if (r.status == DeviceStore::Pending && r.expiresAt <= now)
        r.status = DeviceStore::Expired;
    return r;
}

} // namespace

DeviceStore::DeviceStore(std::shared_ptr<Database> db)
    : m_db(std::move(db))
{ }

QString DeviceStore::normalizeUserCode(const QString &userCode)
{
    QString letters;
    for (QChar ch : userCode)
        if (ch.isLetterOrNumber())
            letters.append(ch.toUpper());
    if (letters.size() < 2)
        return letters;
    return letters.left(letters.size() / 2) + QLatin1Char('-') + letters.mid(letters.size() / 2);
}

Result<DeviceCodes> DeviceStore::create(
    const QString &clientId, const QString &scope, int lifetimeSecs, int intervalSecs)
{
    DeviceCodes out;
    out.deviceCode = crypto::randomToken(256);
    const qint64 now = Clock::nowMs();
    DeviceRequest &r = out.request;
    r.clientId = clientId;
    r.scope = scope;
    r.status = Pending;
    r.issuedAt = now;
    r.expiresAt = now + qint64(lifetimeSecs) * 1000;
    r.intervalSecs = intervalSecs;
    r.grantId = TokenStore::newGrantId();

    const Status status = m_db->write([&]() -> Status {
        // 20^8 codes: a clash is rare, but the column is UNIQUE, so try again rather than fail.
        for (int attempt = 0; attempt < 8; ++attempt) {
            r.userCode = crypto::randomUserCode(8);
            auto exists = prepare(m_db->connection(), QStringLiteral("SELECT 1 FROM device_codes WHERE user_code=?"));
            if (!exists)
                return fail(exists.error());
            exists->addBindValue(r.userCode);
            if (auto ok = execQuery(*exists); !ok)
                return ok;
            if (exists->next())
                continue;
            auto q = prepare(m_db->connection(),
                QStringLiteral("INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, "
                               "status, grant_id, interval_secs, issued_at, expires_at) "
                               "VALUES (?,?,?,?,?,?,?,?,?)"));
            if (!q)
                return fail(q.error());
            q->addBindValue(TokenStore::hashOf(out.deviceCode));
            q->addBindValue(r.userCode);
            q->addBindValue(r.clientId);
            q->addBindValue(r.scope.isEmpty() ? QVariant(QStringLiteral("")) : QVariant(r.scope)); // NOT NULL
            q->addBindValue(r.status);
            q->addBindValue(r.grantId);
            q->addBindValue(r.intervalSecs);
            q->addBindValue(r.issuedAt);
            q->addBindValue(r.expiresAt);
            if (auto ok = execQuery(*q); !ok)
                return ok;
            r.id = q->lastInsertId().toLongLong();
            return {};
        }
        return fail(Error::storage(QStringLiteral("no free user code was found")));
    });
    if (!status)
        return fail(status.error());
    out.userCode = r.userCode;
    if (auto found = findByUserCode(r.userCode))
        r.clientName = found->clientName;
    return out;
}

Result<QList<DeviceRequest>> DeviceStore::listPending() const
{
    const qint64 now = Clock::nowMs();
    auto q = prepare(m_db->connection(),
        selectFrom(*m_db) + QStringLiteral("WHERE d.status=? AND d.expires_at>? ORDER BY d.issued_at, d.id"));
    if (!q)
        return fail(q.error());
    q->addBindValue(Pending);
    q->addBindValue(now);
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    QList<DeviceRequest> out;
    while (q->next())
        out.append(requestFrom(*q, now));
    return out;
}

std::optional<DeviceRequest> DeviceStore::findWhere(const QString &condition, const QVariant &value) const
{
    auto q = prepare(m_db->connection(), selectFrom(*m_db) + QStringLiteral("WHERE ") + condition);
    if (!q)
        return std::nullopt;
    q->addBindValue(value);
    if (!q->exec() || !q->next())
        return std::nullopt;
    return requestFrom(*q, Clock::nowMs());
}

std::optional<DeviceRequest> DeviceStore::findByUserCode(const QString &userCode) const
{
    const QString normalized = normalizeUserCode(userCode);
    if (normalized.isEmpty())
        return std::nullopt;
    return findWhere(QStringLiteral("d.user_code=?"), normalized);
}

std::optional<DeviceRequest> DeviceStore::findByDeviceCode(const QString &deviceCode) const
{
    if (deviceCode.isEmpty())
        return std::nullopt;
    return findWhere(QStringLiteral("d.device_code_hash=?"), TokenStore::hashOf(deviceCode));
}

Status DeviceStore::decide(const QString &userCode, const QString &status, const QString &username)
{
    const auto found = findByUserCode(userCode);
    if (!found)
        return fail(Error::notFound(QStringLiteral("no device request with the code '%1'").arg(userCode)));
    if (found->status == Expired)
        return fail(Error::invalid(QStringLiteral("the device request %1 has expired").arg(found->userCode)));
    if (found->status != Pending)
        return fail(Error::invalid(
            QStringLiteral("the device request %1 was already decided (%2)").arg(found->userCode, found->status)));
    if (status == Approved && !UserStore(m_db).find(username))
        return fail(Error::notFound(QStringLiteral("no user '%1'").arg(username)));
    bool changed = false;
    const Status written = m_db->write([&]() -> Status {
        // The status condition makes a decision that raced another one (browser vs. window) a no-op.
        auto q = prepare(m_db->connection(),
            QStringLiteral("UPDATE device_codes SET status=?, username=? WHERE id=? AND status=? "
                           "AND expires_at>?"));
        if (!q)
            return fail(q.error());
        q->addBindValue(status);
        q->addBindValue(username.isEmpty() ? QVariant() : QVariant(username));
        q->addBindValue(found->id);
        q->addBindValue(Pending);
        q->addBindValue(Clock::nowMs());
        if (auto ok = execQuery(*q); !ok)
            return ok;
        changed = q->numRowsAffected() == 1;
        return {};
    });
    if (!written)
        return written;
    if (!changed)
        return fail(Error::invalid(QStringLiteral("the device request %1 was already decided").arg(found->userCode)));
    return {};
}

Status DeviceStore::approve(const QString &userCode, const QString &username)
{
    if (username.isEmpty())
        return fail(Error::invalid(QStringLiteral("approving a device request needs a user")));
    return decide(userCode, Approved, username);
}

Status DeviceStore::deny(const QString &userCode)
{
    return decide(userCode, Denied, QString());
}

Status DeviceStore::recordPoll(qint64 id, qint64 atMs, int intervalSecs)
{
    return m_db->write([&]() -> Status {
        auto q = prepare(
            m_db->connection(), QStringLiteral("UPDATE device_codes SET last_poll_at=?, interval_secs=? WHERE id=?"));
        if (!q)
            return fail(q.error());
        q->addBindValue(atMs);
        q->addBindValue(intervalSecs);
        q->addBindValue(id);
        return execQuery(*q);
    });
}

Result<bool> DeviceStore::consume(qint64 id)
{
    bool changed = false;
    const Status status = m_db->write([&]() -> Status {
        auto q
            = prepare(m_db->connection(), QStringLiteral("UPDATE device_codes SET status=? WHERE id=? AND status=?"));
        if (!q)
            return fail(q.error());
        q->addBindValue(Consumed);
        q->addBindValue(id);
        q->addBindValue(Approved);
        if (auto ok = execQuery(*q); !ok)
            return ok;
        changed = q->numRowsAffected() == 1;
        return {};
    });
    if (!status)
        return fail(status.error());
    return changed;
}

} // namespace oauthdesk
