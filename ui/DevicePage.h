#pragma once

#include "storage/DeviceStore.h"

#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QSystemTrayIcon;
class QTableView;

namespace oauthdesk {
class ServerController;
}

namespace oauthdesk::ui {

class DeviceRequestsModel;

// The "Devices" panel: RFC 8628 requests waiting for approval, approved or denied from the window.
class DevicePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevicePage)

public:
    DevicePage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);
    ~DevicePage() override;

    DeviceRequestsModel *model() const { return m_model; }
    // Desktop notifications go through this tray icon (the main window's); without one, the page makes its own
    // when the desktop has a tray.
    void setTrayIcon(QSystemTrayIcon *tray);

    // What the buttons do once a user is chosen; failures are shown in the page's message line as well.
    Status approve(const QString &userCode, const QString &username);
    Status deny(const QString &userCode);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    // A request the page had not seen before; not emitted for those already waiting when the page first loads.
    void newRequest(const QString &userCode);

private:
    void approveSelected();
    void denySelected();
    std::optional<DeviceRequest> selectedRequest() const;
    void updateButtons();
    void showMessage(const QString &text, bool error);
    void notify(const DeviceRequest &request);

    std::shared_ptr<Database> m_db;
    DeviceStore m_store;
    DeviceRequestsModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QPushButton *m_approveButton = nullptr;
    QPushButton *m_denyButton = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_messageLabel = nullptr;
    QTimer m_tick;
    QTimer m_throttle;
    QSet<qint64> m_seen;
    bool m_loadedOnce = false;
    QPointer<QSystemTrayIcon> m_tray;
    bool m_ownTray = false;
};

} // namespace oauthdesk::ui
