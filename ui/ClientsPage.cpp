#include "ClientsPage.h"

#include "ClientDialog.h"
#include "ClientExportDialog.h"
#include "ClientsModel.h"
#include "MessageBar.h"
#include "http/ServerController.h"
#include "storage/ClientStore.h"

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

namespace {

QAction *makeAction(const QString &icon, const QString &text, QWidget *parent)
{
    auto *action = new QAction(QIcon(QStringLiteral(":/icons/%1.svg").arg(icon)), text, parent);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    return action;
}

} // namespace

ClientsPage::ClientsPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : TablePage(new ClientsModel, ClientsModel::SortRole,
        tr("<p style='font-size:large'>No clients yet</p>"
           "<p>Register the application you are developing with <b>New</b> (Ctrl+N).<br>"
           "It gets a client id and secret to paste into its OAuth settings.</p>"),
        parent)
    , m_db(std::move(db))
    , m_server(server)
    , m_model(qobject_cast<ClientsModel *>(proxy()->sourceModel()))
{
    setObjectName(QStringLiteral("clientsPage"));
    m_model->setParent(this);
    view()->setObjectName(QStringLiteral("clientsTableView"));

    m_newAction = makeAction(QStringLiteral("add"), tr("&New…"), this);
    m_newAction->setToolTip(tr("Register a new client (Ctrl+N)"));
    m_editAction = makeAction(QStringLiteral("edit"), tr("&Edit…"), this);
    m_editAction->setShortcut(Qt::Key_Return);
    m_toggleAction = makeAction(QStringLiteral("stop"), tr("&Disable"), this);
    m_rotateAction = makeAction(QStringLiteral("rotate"), tr("&Rotate secret…"), this);
    m_deleteAction = makeAction(QStringLiteral("remove"), tr("De&lete…"), this);
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_exportAction = makeAction(QStringLiteral("export"), tr("E&xport…"), this);
    m_exportAction->setToolTip(tr("Settings as JSON, .env, curl or a library snippet"));
    m_copyAction = makeAction(QStringLiteral("copy"), tr("&Copy client ID"), this);
    m_copyAction->setShortcut(QKeySequence::Copy);
    for (QAction *a : {m_newAction, m_editAction, m_toggleAction, m_rotateAction, m_deleteAction, m_exportAction})
        toolBar()->addAction(a);
    for (QAction *a : {m_editAction, m_toggleAction, m_rotateAction, m_exportAction, m_copyAction, m_deleteAction})
        view()->addAction(a);
    addAction(m_copyAction);

    QHeaderView *header = view()->horizontalHeader();
    header->resizeSection(ClientsModel::Name, 200);
    header->resizeSection(ClientsModel::ClientId, 150);
    header->resizeSection(ClientsModel::Type, 100);
    header->resizeSection(ClientsModel::Active, 80);
    header->resizeSection(ClientsModel::Grants, 310);
    header->moveSection(ClientsModel::Active, ClientsModel::Type + 1);

    connect(m_newAction, &QAction::triggered, this, &ClientsPage::newClient);
    connect(m_editAction, &QAction::triggered, this, &ClientsPage::editClient);
    connect(m_toggleAction, &QAction::triggered, this, &ClientsPage::toggleActive);
    connect(m_rotateAction, &QAction::triggered, this, &ClientsPage::rotateSecret);
    connect(m_deleteAction, &QAction::triggered, this, &ClientsPage::deleteClient);
    connect(m_exportAction, &QAction::triggered, this, &ClientsPage::exportClient);
    connect(m_copyAction, &QAction::triggered, this, &ClientsPage::copyClientId);
    connect(view(), &QTableView::doubleClicked, this, &ClientsPage::editClient);
    connect(view()->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ClientsPage::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ClientsPage::updateActions);
    if (m_server)
        connect(m_server, &ServerController::tokensChanged, this, &ClientsPage::scheduleReload);
    reload();
    updateActions();
}

void ClientsPage::reload()
{
    ClientStore store(m_db);
    auto list = store.list();
    if (!list) {
        messageBar()->showError(tr("Cannot read the clients: %1").arg(list.error().message));
        return;
    }
    m_model->setClients(*list);
    updateActions();
}

QString ClientsPage::currentClientId() const
{
    const int row = currentSourceRow();
    return row < 0 ? QString() : m_model->clients().at(row).clientId;
}

void ClientsPage::selectClient(const QString &clientId)
{
    selectSourceRow(m_model->rowOf(clientId));
}

QString ClientsPage::issuer() const
{
    if (m_server && !m_server->issuer().isEmpty())
        return m_server->issuer();
    return m_server ? m_server->config().effectiveIssuer(m_server->config().port) : QString();
}

void ClientsPage::updateActions()
{
    const int row = currentSourceRow();
    const bool selected = row >= 0;
    for (QAction *a : {m_editAction, m_toggleAction, m_deleteAction, m_exportAction, m_copyAction})
        a->setEnabled(selected);
    const Client *c = selected ? &m_model->clients().at(row) : nullptr;
    m_rotateAction->setEnabled(c && !c->isPublic);
    m_toggleAction->setText(c && !c->active ? tr("E&nable") : tr("&Disable"));
    m_toggleAction->setIcon(
        QIcon(c && !c->active ? QStringLiteral(":/icons/start.svg") : QStringLiteral(":/icons/stop.svg")));
}

void ClientsPage::newClient()
{
    ClientDialog dialog(m_db, std::nullopt, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    reload();
    selectClient(dialog.savedClient().clientId);
    messageBar()->showSuccess(
        tr("Client “%1” created. Its id is %2.").arg(dialog.savedClient().name, dialog.savedClient().clientId));
    Q_EMIT clientsChanged();
}

void ClientsPage::editClient()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    ClientDialog dialog(m_db, m_model->clients().at(row), this);
    const int result = dialog.exec();
    reload(); // a rotation inside the dialog is saved even when the dialog is cancelled
    if (result != QDialog::Accepted)
        return;
    messageBar()->showSuccess(tr("Client “%1” saved.").arg(dialog.savedClient().name));
    Q_EMIT clientsChanged();
}

void ClientsPage::toggleActive()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    const Client c = m_model->clients().at(row);
    ClientStore store(m_db);
    auto changed = store.setActive(c.clientId, !c.active);
    if (!changed) {
        messageBar()->showError(changed.error().message);
        return;
    }
    reload();
    messageBar()->showSuccess(changed->active ? tr("Client “%1” enabled.").arg(c.name)
                                              : tr("Client “%1” disabled: the server refuses it until it is enabled "
                                                   "again.")
                                                    .arg(c.name));
    Q_EMIT clientsChanged();
}

void ClientsPage::rotateSecret()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    const Client c = m_model->clients().at(row);
    const auto answer = QMessageBox::question(this, tr("Rotate secret"),
        tr("Generate a new secret for “%1”?\n\nThe old secret stops working at once; applications using it "
           "will fail to get tokens until they are given the new one.")
            .arg(c.name),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    ClientStore store(m_db);
    auto rotated = store.rotateSecret(c.clientId);
    if (!rotated) {
        messageBar()->showError(rotated.error().message);
        return;
    }
    QApplication::clipboard()->setText(rotated->secret);
    reload();
    messageBar()->showSuccess(tr("New secret for “%1” copied to the clipboard.").arg(c.name));
}

void ClientsPage::deleteClient()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    const Client c = m_model->clients().at(row);
    ClientStore store(m_db);
    const auto live = store.liveTokenCount(c.clientId);
    QString question = tr("Delete the client “%1” (%2)?").arg(c.name, c.clientId);
    if (live && *live > 0)
        question += QStringLiteral("\n\n") + tr("%n live token(s) issued to it will stop working.", nullptr, *live);
    const auto answer = QMessageBox::warning(
        this, tr("Delete client"), question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    if (auto ok = store.remove(c.clientId); !ok) {
        messageBar()->showError(ok.error().message);
        return;
    }
    reload();
    messageBar()->showSuccess(tr("Client “%1” deleted.").arg(c.name));
    Q_EMIT clientsChanged();
}

void ClientsPage::exportClient()
{
    const int row = currentSourceRow();
    if (row < 0)
        return;
    ClientExportDialog dialog(m_model->clients().at(row), issuer(), this);
    dialog.exec();
}

void ClientsPage::copyClientId()
{
    const QString id = currentClientId();
    if (id.isEmpty())
        return;
    QApplication::clipboard()->setText(id);
    messageBar()->showMessage(MessageBar::Kind::Info, tr("Client ID %1 copied.").arg(id), 3000);
}

} // namespace oauthdesk::ui
