#pragma once

#include "storage/Database.h"
#include "storage/ReadCache.h"
#include "storage/Types.h"

#include <memory>
#include <optional>

namespace oauthdesk {

// Test identities: the users offered on the login page, with the claims their tokens carry.
class UserStore final
{
public:
    // With Caching::On, find() keeps users in memory (see ReadCache): the server's store.
    explicit UserStore(std::shared_ptr<Database> db, Caching caching = Caching::Off);

    static Status validateUsername(const QString &username);
    static Status validateClaims(const QJsonObject &claims);

    // `password` empty: the user signs in without one.
    Result<User> add(const QString &username, const QString &password, const QJsonObject &claims);
    // Keeps the password unless `password` is set; `clearPassword` removes it.
    Result<User> update(const QString &username, const std::optional<QString> &password, const QJsonObject &claims);
    Result<User> insertExported(User user); // import: keeps hash and sub
    Result<User> get(const QString &username) const;
    std::optional<User> find(const QString &username) const;
    std::optional<User> findBySub(const QString &sub) const;
    Result<QList<User>> list() const;
    Status remove(const QString &username);
    Result<bool> checkPassword(const QString &username, const QString &password) const;

private:
    std::optional<User> load(const QString &username) const;

    std::shared_ptr<Database> m_db;
    std::shared_ptr<ReadCache<User>> m_cache; // null unless Caching::On
};

} // namespace oauthdesk
