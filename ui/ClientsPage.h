#pragma once

#include "TablePage.h"

#include <memory>

class QAction;

namespace oauthdesk {
class Database;
class ServerController;
} // namespace oauthdesk

namespace oauthdesk::ui {

class ClientsModel;

// The Clients page: the registered clients with create, edit, enable/disable, rotate, delete and export.
class ClientsPage final : public TablePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientsPage)

public:
    ClientsPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    ClientsModel *model() const { return m_model; }
    void reload() override;
    void newClient();
    void selectClient(const QString &clientId);
    QString currentClientId() const;

Q_SIGNALS:
    void clientsChanged();

private:
    void editClient();
    void toggleActive();
    void rotateSecret();
    void deleteClient();
    void exportClient();
    void copyClientId();
    void updateActions();
    QString issuer() const;

    std::shared_ptr<Database> m_db;
    ServerController *m_server;
    ClientsModel *m_model;
    QAction *m_newAction;
    QAction *m_editAction;
    QAction *m_toggleAction;
    QAction *m_rotateAction;
    QAction *m_deleteAction;
    QAction *m_exportAction;
    QAction *m_copyAction;
};

} // namespace oauthdesk::ui
