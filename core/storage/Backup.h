#pragma once

#include "storage/ClientStore.h"
#include "storage/UserStore.h"

#include <QJsonObject>

namespace oauthdesk {

// Export and import of all clients and users as one JSON document (the window's export, and seed files).
class Backup final
{
public:
    enum class OnConflict { Report, Skip, Overwrite };

    struct Conflict
    {
        QString kind; // "client" or "user"
        QString id;
    };
    struct Outcome
    {
        int clientsAdded = 0, clientsUpdated = 0, usersAdded = 0, usersUpdated = 0, unchanged = 0;
        QList<Conflict> conflicts; // with OnConflict::Report: nothing was written
        QString summary() const;
    };

    static Result<QJsonObject> exportAll(ClientStore &clients, UserStore &users);
    // Checks the whole document first and writes it in one transaction, or not at all.
    static Result<Outcome> importAll(std::shared_ptr<Database> db, const QByteArray &json, OnConflict policy);

    static Result<Client> clientFromJson(const QJsonObject &o);
};

} // namespace oauthdesk
