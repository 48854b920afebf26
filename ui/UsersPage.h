#pragma once

#include "TablePage.h"

#include <memory>

class QAction;

namespace oauthdesk {
class Database;
class ServerController;
} // namespace oauthdesk

namespace oauthdesk::ui {

class UsersModel;

// The Users page: the test identities offered on the login page, with their claims.
class UsersPage final : public TablePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersPage)

public:
    UsersPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    UsersModel *model() const { return m_model; }
    void reload() override;
    void newUser();
    void selectUser(const QString &username);

private:
    void editUser();
    void deleteUser();
    void copyUsername();
    void updateActions();

    std::shared_ptr<Database> m_db;
    UsersModel *m_model;
    QAction *m_newAction;
    QAction *m_editAction;
    QAction *m_deleteAction;
    QAction *m_copyAction;
};

} // namespace oauthdesk::ui
