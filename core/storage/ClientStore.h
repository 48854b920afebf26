#pragma once

#include "storage/Database.h"
#include "storage/Types.h"

#include <memory>
#include <optional>

namespace oauthdesk {

// Registered clients: validation, CRUD and secret rotation, shared by the command line, the window and the server.
class ClientStore final
{
public:
    explicit ClientStore(std::shared_ptr<Database> db);

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
    std::shared_ptr<Database> m_db;
};

} // namespace oauthdesk
