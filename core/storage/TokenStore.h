#pragma once

#include "storage/Database.h"
#include "storage/ReadCache.h"
#include "storage/Types.h"

#include <QHash>

#include <memory>
#include <optional>

namespace oauthdesk {

// Authorization codes, access tokens and refresh tokens. Stores SHA-256 hashes and a display prefix, never values.
class TokenStore final
{
public:
    static constexpr int PrefixLength = 8;

    // With Caching::On, access token lookups (findByValue and findByJti) keep their rows in memory (see ReadCache):
    // the server's store, which the bearer guard and introspection ask on every request. Revocations, by any store
    // or process, reach the very next lookup.
    explicit TokenStore(std::shared_ptr<Database> db, Caching caching = Caching::Off);

    static QString hashOf(const QString &value);
    static QString newGrantId();

    // Stores `record` for a fresh random value and returns that value; record gets its hash, prefix and id.
    Result<QString> issue(TokenRecord &record);
    // Stores a record whose value the caller made (a JWT access token).
    Status insert(TokenRecord &record, const QString &value);

    std::optional<TokenRecord> findByValue(TokenKind kind, const QString &value) const;
    std::optional<TokenRecord> findByJti(const QString &jti) const;
    // The authorization code a grant started from (its nonce and auth_time), if the grant had one.
    std::optional<TokenRecord> codeOfGrant(const QString &grantId) const;

    // Marks a code redeemed or a refresh token rotated out; false when it already was (a replay).
    Result<bool> markUsed(const TokenRecord &record);
    // Revokes every code and token descended from one authorization (RFC 9700 §4.14, RFC 6749 §4.1.2).
    Result<int> revokeGrant(const QString &grantId);
    Result<int> revoke(TokenKind kind, qint64 id);
    // Revokes every live token (all three kinds) that the filter selects; a prefix must match one token only.
    Result<int> revokeMatching(const TokenFilter &filter);

    Result<QList<TokenRecord>> list(TokenKind kind, const TokenFilter &filter = {}) const;
    Result<int> count(TokenKind kind, const TokenFilter &filter = {}) const;

    // When each token with an id in [minId, maxId] was revoked or used, for those that were: a live view
    // refreshes the statuses of the rows it holds without reloading them.
    struct EndMarks
    {
        qint64 revokedAt = 0;
        qint64 usedAt = 0;
    };
    Result<QHash<qint64, EndMarks>> endMarks(TokenKind kind, qint64 minId, qint64 maxId) const;

    // Deletes rows that expired more than `graceMs` ago; keeps the tables small over weeks of use.
    Result<int> purgeExpired(qint64 graceMs);

private:
    QString table(TokenKind kind) const;
    // Runs `statement` (with %1 for the table) once per kind in one transaction; returns the rows it changed.
    // Prepares, binds and runs one statement; returns the rows it changed.
    Result<int> execute(const QString &sql, const QVariantList &binds);
    Result<int> changeRows(std::initializer_list<TokenKind> kinds, const QString &statement, const QVariantList &binds);
    // The first row of `kind` meeting `condition`, which has one ? for `value`.
    std::optional<TokenRecord> findOne(TokenKind kind, const QString &condition, const QString &value) const;
    std::optional<TokenRecord> findAccessToken(const QString &column, const QString &key) const;

    std::shared_ptr<Database> m_db;
    std::shared_ptr<ReadCache<TokenRecord>> m_accessTokens; // null unless Caching::On
};

} // namespace oauthdesk
