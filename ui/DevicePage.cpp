#include "DevicePage.h"

#include "DeviceRequestsModel.h"
#include "http/ServerController.h"
#include "storage/UserStore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

namespace oauthdesk::ui {

DevicePage::DevicePage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_store(db)
    , m_model(new DeviceRequestsModel(this))
    , m_tick(this)
    , m_throttle(this)
{
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Devices using the device authorization grant (RFC 8628) wait here until someone "
                                "approves them, in the browser at /device or with the buttons below."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("deviceRequestsTableView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(DeviceRequestsModel::ScopeColumn, QHeaderView::Stretch);
    layout->addWidget(m_view, 1);

    m_emptyLabel = new QLabel(tr("No device is waiting for approval."), this);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setEnabled(false);
    layout->addWidget(m_emptyLabel);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->hide();
    layout->addWidget(m_messageLabel);

    auto *buttons = new QHBoxLayout;
    m_approveButton = new QPushButton(QIcon(QStringLiteral(":/icons/device.svg")), tr("Approve as user…"), this);
    m_approveButton->setObjectName(QStringLiteral("approveButton"));
    m_denyButton = new QPushButton(QIcon(QStringLiteral(":/icons/revoke.svg")), tr("Deny"), this);
    m_denyButton->setObjectName(QStringLiteral("denyButton"));
    buttons->addStretch(1);
    buttons->addWidget(m_denyButton);
    buttons->addWidget(m_approveButton);
    layout->addLayout(buttons);

    connect(m_approveButton, &QPushButton::clicked, this, &DevicePage::approveSelected);
    connect(m_denyButton, &QPushButton::clicked, this, &DevicePage::denySelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DevicePage::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &DevicePage::updateButtons);
    connect(m_view, &QAbstractItemView::doubleClicked, this, &DevicePage::approveSelected);

    // The countdown moves each second, and a request that expired drops out on the same tick.
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &DevicePage::reload);
    m_tick.start();
    // A burst of server writes (a device polling, several at once) becomes at most four reloads a second.
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(250);
    connect(&m_throttle, &QTimer::timeout, this, &DevicePage::reload);
    if (server)
        connect(server, &ServerController::tokensChanged, this, [this] {
            if (!m_throttle.isActive())
                m_throttle.start();
        });
    reload();
}

DevicePage::~DevicePage()
{
    if (m_ownTray && m_tray)
        delete m_tray;
}

void DevicePage::setTrayIcon(QSystemTrayIcon *tray)
{
    if (m_ownTray && m_tray)
        delete m_tray;
    m_ownTray = false;
    m_tray = tray;
}

void DevicePage::reload()
{
    auto list = m_store.listPending();
    if (!list) {
        showMessage(tr("Cannot read device requests: %1").arg(list.error().message), true);
        return;
    }
    QList<DeviceRequest> fresh;
    for (const DeviceRequest &r : std::as_const(*list))
        if (!m_seen.contains(r.id))
            fresh.append(r);
    m_model->setRequests(*list);
    for (const DeviceRequest &r : std::as_const(fresh)) {
        m_seen.insert(r.id);
        if (m_loadedOnce) {
            notify(r);
            emit newRequest(r.userCode);
        }
    }
    m_loadedOnce = true;
    const bool empty = m_model->rowCount() == 0;
    m_emptyLabel->setVisible(empty);
    updateButtons();
}

void DevicePage::notify(const DeviceRequest &request)
{
    if (!m_tray && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/oauthdesk.svg")));
        m_ownTray = true;
        m_tray->setToolTip(tr("OAuthDesk"));
        m_tray->show();
    }
    if (m_tray)
        m_tray->showMessage(tr("Device waiting for approval"),
            tr("%1 asks for access with the code %2.")
                .arg(request.clientName.isEmpty() ? request.clientId : request.clientName, request.userCode),
            QSystemTrayIcon::Information, 8000);
}

std::optional<DeviceRequest> DevicePage::selectedRequest() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->requestAt(rows.first().row());
}

void DevicePage::updateButtons()
{
    const bool selected = selectedRequest().has_value();
    m_approveButton->setEnabled(selected);
    m_denyButton->setEnabled(selected);
}

void DevicePage::showMessage(const QString &text, bool error)
{
    m_messageLabel->setText(text);
    m_messageLabel->setStyleSheet(error ? QStringLiteral("color: #b91c1c;") : QString());
    m_messageLabel->setVisible(!text.isEmpty());
}

Status DevicePage::approve(const QString &userCode, const QString &username)
{
    const Status ok = m_store.approve(userCode, username);
    if (ok)
        showMessage(
            tr("Approved %1 as %2. The device receives its tokens on its next poll.").arg(userCode, username), false);
    else
        showMessage(tr("Could not approve %1: %2").arg(userCode, ok.error().message), true);
    reload();
    return ok;
}

Status DevicePage::deny(const QString &userCode)
{
    const Status ok = m_store.deny(userCode);
    if (ok)
        showMessage(tr("Denied %1. The device gets access_denied on its next poll.").arg(userCode), false);
    else
        showMessage(tr("Could not deny %1: %2").arg(userCode, ok.error().message), true);
    reload();
    return ok;
}

void DevicePage::approveSelected()
{
    const auto request = selectedRequest();
    if (!request)
        return;
    auto users = UserStore(m_db).list();
    if (!users || users->isEmpty()) {
        showMessage(users ? tr("Add a test user first: a device is approved on behalf of a user.")
                          : tr("Cannot read the users: %1").arg(users.error().message),
            true);
        return;
    }
    QStringList names;
    for (const User &u : std::as_const(*users))
        names.append(u.username);
    bool ok = false;
    const QString username = QInputDialog::getItem(this, tr("Approve device"),
        tr("Approve %1 (code %2) as:")
            .arg(request->clientName.isEmpty() ? request->clientId : request->clientName, request->userCode),
        names, 0, false, &ok);
    if (ok && !username.isEmpty())
        approve(request->userCode, username);
}

void DevicePage::denySelected()
{
    if (const auto request = selectedRequest())
        deny(request->userCode);
}

} // namespace oauthdesk::ui
