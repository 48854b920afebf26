#include "storage/KeyStore.h"

#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace oauthdesk {

namespace {

const QString Columns = QStringLiteral("kid, alg, public_jwk, created_at, retired_at");

} // namespace

KeyStore::KeyStore(std::shared_ptr<Database> db)
    : m_db(std::move(db))
{ }

qint64 KeyStore::retentionMs(int defaultAccessSecs, const QList<Client> &clients, int idTokenSecs)
{
    qint64 longest = qMax(defaultAccessSecs, idTokenSecs);
    for (const Client &c : clients)
        longest = qMax<qint64>(longest, c.accessTokenTtl);
    return longest * 1000;
}

Result<QList<KeyRecord>> KeyStore::select(const QString &where, const QVariantList &binds) const
{
    auto q = prepare(m_db->connection(),
        QStringLiteral("SELECT %1 FROM signing_keys %2 ORDER BY created_at DESC, rowid DESC").arg(Columns, where));
    if (!q)
        return fail(q.error());
    for (const QVariant &v : binds)
        q->addBindValue(v);
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    QList<KeyRecord> out;
    while (q->next()) {
        const auto alg = crypto::algFromName(q->value(1).toString());
        if (!alg)
            continue; // a row written by a newer version: not ours to publish
        KeyRecord r;
        r.kid = q->value(0).toString();
        r.alg = *alg;
        r.publicJwk = QJsonDocument::fromJson(q->value(2).toByteArray()).object();
        r.createdAt = q->value(3).toLongLong();
        r.retiredAt = q->value(4).toLongLong();
        out.append(r);
    }
    return out;
}

Status KeyStore::store(const crypto::SigningKey &key, qint64 createdAt)
{
    const QJsonObject jwk = crypto::publicJwk(key);
    if (jwk.isEmpty())
        return fail(Error::storage(QStringLiteral("the new %1 key has no public JWK").arg(crypto::algName(key.alg))));
    auto q = prepare(m_db->connection(),
        QStringLiteral("INSERT INTO signing_keys (kid, alg, private_pem, public_jwk, "
                       "created_at) VALUES (?,?,?,?,?)"));
    if (!q)
        return fail(q.error());
    q->addBindValue(key.kid);
    q->addBindValue(crypto::algName(key.alg));
    q->addBindValue(key.privatePem);
    q->addBindValue(QJsonDocument(jwk).toJson(QJsonDocument::Compact));
    q->addBindValue(createdAt);
    return execQuery(*q);
}

Result<crypto::SigningKey> KeyStore::activeKey(crypto::Alg alg)
{
    auto load = [this, alg]() -> Result<std::optional<crypto::SigningKey>> {
        auto q = prepare(m_db->connection(),
            QStringLiteral("SELECT kid, private_pem FROM signing_keys WHERE alg=? AND retired_at IS NULL "
                           "ORDER BY created_at DESC, rowid DESC LIMIT 1"));
        if (!q)
            return fail(q.error());
        q->addBindValue(crypto::algName(alg));
        if (auto ok = execQuery(*q); !ok)
            return fail(ok.error());
        if (!q->next())
            return std::optional<crypto::SigningKey>();
        auto key = crypto::keyFromPem(alg, q->value(1).toByteArray(), q->value(0).toString());
        if (!key)
            return fail(Error::storage(
                QStringLiteral("signing key %1 is unreadable: %2").arg(q->value(0).toString(), key.error().message)));
        return std::optional<crypto::SigningKey>(*key);
    };
    auto existing = load();
    if (!existing)
        return fail(existing.error());
    if (*existing)
        return **existing;

    // Generated outside the transaction (RSA takes a moment); the insert re-checks so two threads starting at
    // once still leave one active key per algorithm.
    auto fresh = crypto::generateKey(alg);
    if (!fresh)
        return fail(fresh.error());
    crypto::SigningKey chosen = *fresh;
    const Status written = m_db->write([&]() -> Status {
        auto again = load();
        if (!again)
            return fail(again.error());
        if (*again) {
            chosen = **again;
            return {};
        }
        return store(*fresh, Clock::nowMs());
    });
    if (!written)
        return fail(written.error());
    return chosen;
}

Result<QList<KeyRecord>> KeyStore::list() const
{
    return select({}, {});
}

Result<QList<KeyRecord>> KeyStore::rotate()
{
    auto active = select(QStringLiteral("WHERE retired_at IS NULL"), {});
    if (!active)
        return fail(active.error());
    QList<crypto::Alg> algs = {crypto::Alg::RS256};
    for (const KeyRecord &r : *active)
        if (!algs.contains(r.alg))
            algs.append(r.alg);

    QList<crypto::SigningKey> fresh;
    for (crypto::Alg alg : algs) {
        auto key = crypto::generateKey(alg);
        if (!key)
            return fail(key.error());
        fresh.append(*key);
    }
    const qint64 now = Clock::nowMs();
    const Status written = m_db->write([&]() -> Status {
        auto q = prepare(
            m_db->connection(), QStringLiteral("UPDATE signing_keys SET retired_at=? WHERE retired_at IS NULL"));
        if (!q)
            return fail(q.error());
        q->addBindValue(now);
        if (auto ok = execQuery(*q); !ok)
            return ok;
        for (const crypto::SigningKey &key : std::as_const(fresh))
            if (auto ok = store(key, now); !ok)
                return ok;
        return {};
    });
    if (!written)
        return fail(written.error());
    return select(QStringLiteral("WHERE retired_at IS NULL"), {});
}

Result<QJsonObject> KeyStore::jwks(qint64 retainRetiredMs) const
{
    auto keys = select(QStringLiteral("WHERE retired_at IS NULL OR retired_at>?"), {Clock::nowMs() - retainRetiredMs});
    if (!keys)
        return fail(keys.error());
    QJsonArray array;
    for (const KeyRecord &r : *keys)
        array.append(r.publicJwk);
    return QJsonObject{{QStringLiteral("keys"), array}};
}

} // namespace oauthdesk
