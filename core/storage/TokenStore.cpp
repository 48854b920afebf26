#include "storage/TokenStore.h"

#include "crypto/Random.h"
#include "util/Clock.h"

#include <QSqlRecord>

namespace oauthdesk {

namespace {

constexpr std::initializer_list<TokenKind> AllKinds
    = {TokenKind::AuthorizationCode, TokenKind::AccessToken, TokenKind::RefreshToken};

QString hashColumn(TokenKind kind)
{
    return kind == TokenKind::AuthorizationCode ? QStringLiteral("code_hash") : QStringLiteral("token_hash");
}

// The column that marks a code redeemed or a refresh token rotated; access tokens have none.
QString usedColumn(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AuthorizationCode:
        return QStringLiteral("used_at");
    case TokenKind::RefreshToken:
        return QStringLiteral("rotated_at");
    case TokenKind::AccessToken:
        break;
    }
    return QStringLiteral("NULL");
}

QString selectColumns(TokenKind kind)
{
    QString base = QStringLiteral("id, %1, prefix, client_id, username, scope, grant_id, issued_at, expires_at, "
                                  "revoked_at, %2")
                       .arg(hashColumn(kind), usedColumn(kind));
    if (kind == TokenKind::AuthorizationCode)
        base += QStringLiteral(", redirect_uri, code_challenge, code_challenge_method, nonce, auth_time");
    else if (kind == TokenKind::AccessToken)
        base += QStringLiteral(", jti");
    return base;
}

TokenRecord recordFrom(TokenKind kind, const QSqlQuery &q)
{
    TokenRecord r;
    r.kind = kind;
    r.id = q.value(0).toLongLong();
    r.hash = q.value(1).toString();
    r.prefix = q.value(2).toString();
    r.clientId = q.value(3).toString();
    r.username = q.value(4).toString();
    r.scope = q.value(5).toString();
    r.grantId = q.value(6).toString();
    r.issuedAt = q.value(7).toLongLong();
    r.expiresAt = q.value(8).toLongLong();
    r.revokedAt = q.value(9).toLongLong();
    r.usedAt = q.value(10).toLongLong();
    if (kind == TokenKind::AuthorizationCode) {
        r.redirectUri = q.value(11).toString();
        r.codeChallenge = q.value(12).toString();
        r.codeChallengeMethod = q.value(13).toString();
        r.nonce = q.value(14).toString();
        r.authTime = q.value(15).toLongLong();
    } else if (kind == TokenKind::AccessToken) {
        r.jti = q.value(11).toString();
    }
    return r;
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

} // namespace

TokenStore::TokenStore(std::shared_ptr<Database> db, Caching caching)
    : m_db(std::move(db))
    , m_accessTokens(caching == Caching::On ? std::make_shared<ReadCache<TokenRecord>>(4096) : nullptr)
{ }

QString TokenStore::hashOf(const QString &value)
{
    return crypto::sha256Hex(value.toUtf8());
}

QString TokenStore::newGrantId()
{
    return crypto::randomToken(96);
}

QString TokenStore::table(TokenKind kind) const
{
    switch (kind) {
    case TokenKind::AuthorizationCode:
        return m_db->tables().authCodes;
    case TokenKind::AccessToken:
        return m_db->tables().accessTokens;
    case TokenKind::RefreshToken:
        return m_db->tables().refreshTokens;
    }
    return {};
}

Result<QString> TokenStore::issue(TokenRecord &record)
{
    const QString value = crypto::randomToken(256);
    if (auto ok = insert(record, value); !ok)
        return fail(ok.error());
    return value;
}

Status TokenStore::insert(TokenRecord &r, const QString &value)
{
    r.hash = hashOf(value);
    // A JWT's first characters are its header, the same for every token: show the signature's end instead.
    r.prefix = value.count(QLatin1Char('.')) == 2 ? value.right(PrefixLength) : value.left(PrefixLength);
    if (r.grantId.isEmpty())
        r.grantId = newGrantId();
    return m_db->write([&]() -> Status {
        QString sql;
        // A null QString binds as SQL NULL: COALESCE in the statements stores an empty scope as ''.
        QVariantList values
            = {r.hash, r.prefix, r.clientId, nullable(r.username), r.scope, r.grantId, r.issuedAt, r.expiresAt};
        const QString common = QStringLiteral("%1, prefix, client_id, username, scope, grant_id, issued_at, expires_at")
                                   .arg(hashColumn(r.kind));
        switch (r.kind) {
        case TokenKind::AuthorizationCode:
            sql = QStringLiteral("INSERT INTO %1 (%2, redirect_uri, code_challenge, code_challenge_method, nonce, "
                                 "auth_time) VALUES (?,?,?,?,COALESCE(?, ''),?,?,?,?,?,?,?,?)")
                      .arg(table(r.kind), common);
            values << nullable(r.redirectUri) << nullable(r.codeChallenge) << nullable(r.codeChallengeMethod)
                   << nullable(r.nonce) << (r.authTime > 0 ? QVariant(r.authTime) : QVariant());
            break;
        case TokenKind::AccessToken:
            sql = QStringLiteral("INSERT INTO %1 (%2, jti) VALUES (?,?,?,?,COALESCE(?, ''),?,?,?,?)")
                      .arg(table(r.kind), common);
            values << nullable(r.jti);
            break;
        case TokenKind::RefreshToken:
            sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (?,?,?,?,COALESCE(?, ''),?,?,?)")
                      .arg(table(r.kind), common);
            break;
        }
        auto q = prepare(m_db->connection(), sql);
        if (!q)
            return fail(q.error());
        for (const QVariant &v : std::as_const(values))
            q->addBindValue(v);
        if (auto ok = execQuery(*q); !ok)
            return ok;
        r.id = q->lastInsertId().toLongLong();
        return {};
    });
}

std::optional<TokenRecord> TokenStore::findOne(TokenKind kind, const QString &condition, const QString &value) const
{
    auto q = prepare(m_db->connection(),
        QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(selectColumns(kind), table(kind), condition));
    if (!q)
        return std::nullopt;
    q->addBindValue(value);
    if (!q->exec() || !q->next())
        return std::nullopt;
    return recordFrom(kind, *q);
}

std::optional<TokenRecord> TokenStore::findByValue(TokenKind kind, const QString &value) const
{
    if (kind == TokenKind::AccessToken)
        return findAccessToken(hashColumn(kind), hashOf(value));
    return findOne(kind, hashColumn(kind) + QStringLiteral("=?"), hashOf(value));
}

std::optional<TokenRecord> TokenStore::findByJti(const QString &jti) const
{
    return findAccessToken(QStringLiteral("jti"), jti);
}

std::optional<TokenRecord> TokenStore::findAccessToken(const QString &column, const QString &key) const
{
    auto load = [&] { return findOne(TokenKind::AccessToken, column + QStringLiteral("=?"), key); };
    return m_accessTokens ? m_accessTokens->get(*m_db, QString(column + QLatin1Char(':') + key), load) : load();
}

std::optional<TokenRecord> TokenStore::codeOfGrant(const QString &grantId) const
{
    return findOne(TokenKind::AuthorizationCode, QStringLiteral("grant_id=? ORDER BY id LIMIT 1"), grantId);
}

Result<bool> TokenStore::markUsed(const TokenRecord &record)
{
    if (record.kind == TokenKind::AccessToken)
        return fail(Error::invalid(QStringLiteral("access tokens are not redeemed")));
    bool marked = false;
    Status status = m_db->write([&]() -> Status {
        // The IS NULL condition makes this a compare-and-set: of two concurrent redemptions only one wins.
        auto q = prepare(m_db->connection(),
            QStringLiteral("UPDATE %1 SET %2=? WHERE id=? AND %2 IS NULL")
                .arg(table(record.kind), usedColumn(record.kind)));
        if (!q)
            return fail(q.error());
        q->addBindValue(Clock::nowMs());
        q->addBindValue(record.id);
        if (auto ok = m_db->execChange(*q); !ok)
            return ok;
        marked = q->numRowsAffected() == 1;
        return {};
    });
    if (!status)
        return fail(status.error());
    return marked;
}

Result<int> TokenStore::revokeGrant(const QString &grantId)
{
    return changeRows({TokenKind::AuthorizationCode, TokenKind::AccessToken, TokenKind::RefreshToken},
        QStringLiteral("UPDATE %1 SET revoked_at=? WHERE grant_id=? AND revoked_at IS NULL"),
        {Clock::nowMs(), grantId});
}

Result<int> TokenStore::revoke(TokenKind kind, qint64 id)
{
    return changeRows(
        {kind}, QStringLiteral("UPDATE %1 SET revoked_at=? WHERE id=? AND revoked_at IS NULL"), {Clock::nowMs(), id});
}

static QString whereClause(const TokenFilter &f, QVariantList &binds, qint64 now, TokenKind kind)
{
    QStringList parts;
    if (!f.clientId.isEmpty()) {
        parts << QStringLiteral("client_id=?");
        binds << f.clientId;
    }
    if (!f.username.isEmpty()) {
        parts << QStringLiteral("username=?");
        binds << f.username;
    }
    if (!f.prefix.isEmpty()) {
        parts << QStringLiteral("prefix LIKE ? ESCAPE '\\'");
        QString escaped = f.prefix;
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        binds << QVariant(escaped + QLatin1Char('%'));
    }
    if (f.activeOnly) {
        parts << QStringLiteral("revoked_at IS NULL AND expires_at>?");
        binds << now;
        if (kind != TokenKind::AccessToken)
            parts << QStringLiteral("%1 IS NULL").arg(usedColumn(kind));
    }
    if (f.afterId > 0) {
        parts << QStringLiteral("id<?");
        binds << f.afterId;
    }
    if (f.sinceId > 0) {
        parts << QStringLiteral("id>?");
        binds << f.sinceId;
    }
    if (!f.grantId.isEmpty()) {
        parts << QStringLiteral("grant_id=?");
        binds << f.grantId;
    }
    if (f.status) {
        // The same precedence as TokenRecord::status(): revoked, then used, then expired.
        const QString used = usedColumn(kind);
        switch (*f.status) {
        case TokenStatus::Revoked:
            parts << QStringLiteral("revoked_at IS NOT NULL");
            break;
        case TokenStatus::Used:
            parts << QStringLiteral("revoked_at IS NULL AND %1 IS NOT NULL").arg(used);
            break;
        case TokenStatus::Expired:
            parts << QStringLiteral("revoked_at IS NULL AND %1 IS NULL AND expires_at<=?").arg(used);
            binds << now;
            break;
        case TokenStatus::Active:
            parts << QStringLiteral("revoked_at IS NULL AND %1 IS NULL AND expires_at>?").arg(used);
            binds << now;
            break;
        }
    }
    return parts.isEmpty() ? QString() : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
}

Result<QList<TokenRecord>> TokenStore::list(TokenKind kind, const TokenFilter &filter) const
{
    QVariantList binds;
    QString sql = QStringLiteral("SELECT %1 FROM %2").arg(selectColumns(kind), table(kind))
        + whereClause(filter, binds, Clock::nowMs(), kind)
        + (filter.oldestFirst ? QStringLiteral(" ORDER BY id ASC") : QStringLiteral(" ORDER BY id DESC"));
    if (filter.limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(filter.limit);
    auto q = prepare(m_db->connection(), sql);
    if (!q)
        return fail(q.error());
    for (const QVariant &v : std::as_const(binds))
        q->addBindValue(v);
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    QList<TokenRecord> out;
    while (q->next())
        out.append(recordFrom(kind, *q));
    return out;
}

Result<int> TokenStore::count(TokenKind kind, const TokenFilter &filter) const
{
    QVariantList binds;
    auto q = prepare(m_db->connection(),
        QStringLiteral("SELECT count(*) FROM %1").arg(table(kind)) + whereClause(filter, binds, Clock::nowMs(), kind));
    if (!q)
        return fail(q.error());
    for (const QVariant &v : std::as_const(binds))
        q->addBindValue(v);
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    return q->next() ? q->value(0).toInt() : 0;
}

Result<QHash<qint64, TokenStore::EndMarks>> TokenStore::endMarks(TokenKind kind, qint64 minId, qint64 maxId) const
{
    const QString used = usedColumn(kind);
    auto q = prepare(m_db->connection(),
        QStringLiteral("SELECT id, revoked_at, %1 FROM %2 WHERE id BETWEEN ? AND ? "
                       "AND (revoked_at IS NOT NULL OR %1 IS NOT NULL)")
            .arg(used, table(kind)));
    if (!q)
        return fail(q.error());
    q->addBindValue(minId);
    q->addBindValue(maxId);
    if (auto ok = execQuery(*q); !ok)
        return fail(ok.error());
    QHash<qint64, EndMarks> out;
    while (q->next())
        out.insert(q->value(0).toLongLong(), EndMarks{q->value(1).toLongLong(), q->value(2).toLongLong()});
    return out;
}

Result<int> TokenStore::revokeMatching(const TokenFilter &input)
{
    TokenFilter filter = input;
    filter.activeOnly = true;
    filter.limit = -1;
    int total = 0;
    Status status = m_db->write([&]() -> Status {
        if (!filter.prefix.isEmpty()) {
            int matches = 0;
            for (TokenKind kind : AllKinds) {
                auto n = count(kind, filter);
                if (!n)
                    return fail(n.error());
                matches += *n;
            }
            if (matches == 0)
                return fail(Error::notFound(QStringLiteral("no live token starts with '%1'").arg(filter.prefix)));
            if (matches > 1)
                return fail(Error::invalid(QStringLiteral("'%1' matches %2 live tokens; give more characters")
                                               .arg(filter.prefix)
                                               .arg(matches)));
        }
        for (TokenKind kind : AllKinds) {
            QVariantList binds{Clock::nowMs()};
            const QString sql = QStringLiteral("UPDATE %1 SET revoked_at=?").arg(table(kind))
                + whereClause(filter, binds, Clock::nowMs(), kind);
            auto changed = execute(sql, binds);
            if (!changed)
                return fail(changed.error());
            total += *changed;
        }
        return {};
    });
    if (!status)
        return fail(status.error());
    return total;
}

Result<int> TokenStore::purgeExpired(qint64 graceMs)
{
    return changeRows(AllKinds, QStringLiteral("DELETE FROM %1 WHERE expires_at<?"), {Clock::nowMs() - graceMs});
}

Result<int> TokenStore::changeRows(
    std::initializer_list<TokenKind> kinds, const QString &statement, const QVariantList &binds)
{
    int total = 0;
    Status status = m_db->write([&]() -> Status {
        for (TokenKind kind : kinds) {
            auto changed = execute(statement.arg(table(kind)), binds);
            if (!changed)
                return fail(changed.error());
            total += *changed;
        }
        return {};
    });
    if (!status)
        return fail(status.error());
    return total;
}

Result<int> TokenStore::execute(const QString &sql, const QVariantList &binds)
{
    auto q = prepare(m_db->connection(), sql);
    if (!q)
        return fail(q.error());
    for (const QVariant &value : binds)
        q->addBindValue(value);
    if (auto ok = m_db->execChange(*q); !ok) // a revocation or a purge
        return fail(ok.error());
    return q->numRowsAffected();
}

} // namespace oauthdesk
