#include "UsersPage.h"

#include "MessageBar.h"
#include "UserDialog.h"
#include "UsersModel.h"
#include "http/ServerController.h"
#include "storage/UserStore.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolBar>

namespace oauthdesk::ui {

UsersPage::UsersPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : TablePage(new UsersModel, UsersModel::SortRole,
        tr("<p style='font-size:large'>No test users yet</p>"
           "<p>Add one with <b>New</b> (Ctrl+Shift+N): the login page offers these users,<br>"
           "and their claims go into ID tokens and /userinfo.</p>"),
        parent)
    , m_db(std::move(db))
    , m_model(qobject_cast<UsersModel *>(proxy()->sourceModel()))
{
    setObjectName(QStringLiteral("usersPage"));
    m_model->setParent(this);
    view()->setObjectName(QStringLiteral("usersTableView"));
    auto action = [this](const QString &icon, const QString &text) {
        auto *a = new QAction(QIcon(QStringLiteral(":/icons/%1.svg").arg(icon)), text, this);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        return a;
    };
    m_newAction = action(QStringLiteral("add"), tr("&New…"));
    m_newAction->setToolTip(tr("Add a test user (Ctrl+Shift+N)"));
    m_editAction = action(QStringLiteral("edit"), tr("&Edit…"));
    m_editAction->setShortcut(Qt::Key_Return);
    m_deleteAction = action(QStringLiteral("remove"), tr("De&lete…"));
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_copyAction = action(QStringLiteral("copy"), tr("&Copy username"));
    m_copyAction->setShortcut(QKeySequence::Copy);
    for (QAction *a : {m_newAction, m_editAction, m_deleteAction})
        toolBar()->addAction(a);
    for (QAction *a : {m_editAction, m_copyAction, m_deleteAction})
        view()->addAction(a);
    addAction(m_copyAction);

    QHeaderView *header = view()->horizontalHeader();
    header->resizeSection(UsersModel::Username, 170);
    header->resizeSection(UsersModel::Subject, 270);
    header->resizeSection(UsersModel::Password, 100);

    connect(m_newAction, &QAction::triggered, this, &UsersPage::newUser);
    connect(m_editAction, &QAction::triggered, this, &UsersPage::editUser);
    connect(m_deleteAction, &QAction::triggered, this, &UsersPage::deleteUser);
    connect(m_copyAction, &QAction::triggered, this, &UsersPage::copyUsername);
    connect(view(), &QTableView::doubleClicked, this, &UsersPage::editUser);
    connect(view()->selectionModel(), &QItemSelectionModel::selectionChanged, this, &UsersPage::updateActions);
    if (server)
        connect(server, &ServerController::tokensChanged, this, &UsersPage::scheduleReload);
    reload();
    updateActions();
}

void UsersPage::reload()
{
    UserStore store(m_db);
    auto list = store.list();
    if (!list) {
        messageBar()->showError(tr("Cannot read the users: %1").arg(list.error().message));
        return;
    }
    m_model->setUsers(*list);
    updateActions();
}

void UsersPage::selectUser(const QString &username)
{
    selectSourceRow(m_model->rowOf(username));
}

void UsersPage::updateActions()
{
    const bool selected = currentSourceRow() >= 0;
    for (QAction *a : {m_editAction, m_deleteAction, m_copyAction})
        a->setEnabled(selected);
}

void UsersPage::newUser()
{
    UserDialog dialog(m_db, std::nullopt, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    reload();
    selectUser(dialog.savedUser().username);
    messageBar()->showSuccess(tr("User “%1” added.").arg(dialog.savedUser().username));
}

void UsersPage::editUser()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    UserDialog dialog(m_db, m_model->users().at(row), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    reload();
    messageBar()->showSuccess(tr("User “%1” saved.").arg(dialog.savedUser().username));
}

void UsersPage::deleteUser()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    const QString username = m_model->users().at(row).username;
    const auto answer = QMessageBox::warning(this, tr("Delete user"),
        tr("Delete the test user “%1”? Clients that auto-approve as this user will show the login page instead.")
            .arg(username),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    UserStore store(m_db);
    if (auto ok = store.remove(username); !ok) {
        messageBar()->showError(ok.error().message);
        return;
    }
    reload();
    messageBar()->showSuccess(tr("User “%1” deleted.").arg(username));
}

void UsersPage::copyUsername()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    QApplication::clipboard()->setText(m_model->users().at(row).username);
    messageBar()->showMessage(MessageBar::Kind::Info, tr("Username copied."), 3000);
}

} // namespace oauthdesk::ui
