#pragma once

#include "storage/Database.h"
#include "storage/ReadCache.h"
#include "storage/Types.h"

#include <memory>
#include <optional>

namespace oauthdesk {

// Registered clients: validation, CRUD and secret rotation, shared by the command line, the window and the server.
class ClientStore final
{
public:
    // With Caching::On, find() keeps clients in memory (see ReadCache). The server's store uses it: the token and
    // introspection endpoints look their client up on every request. Such a store must not write clients inside
    // a transaction that may roll back after a later find().
    explicit ClientStore(std::shared_ptr<Database> db, Caching caching = Caching::Off);

    // Fills in defaults (generated id and secret, grants, auth method) and checks everything a client needs.
    static Status normalize(Client &client);
    static Status validateRedirectUri(const QString &uri);
    static QString generateSecret();

    Result<Client> add(Client client);
    Result<Client> update(Client client);
    Result<Client> get(const QString &clientId) const;
    std::optional<Client> find(const QString &clientId) const; // no error text: the hot path
    Result<QList<Client>> list() const;
    Status remove(const QString &clientId);
    Result<Client> rotateSecret(const QString &clientId);
    Result<Client> setActive(const QString &clientId, bool active);
    // How many live tokens a delete would take with it.
    Result<int> liveTokenCount(const QString &clientId) const;

private:
    Status write(const Client &client, bool insert);
    std::optional<Client> load(const QString &clientId) const;

    std::shared_ptr<Database> m_db;
    std::shared_ptr<ReadCache<Client>> m_cache; // null unless Caching::On
};

} // namespace oauthdesk
