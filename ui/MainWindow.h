#pragma once

#include "storage/Config.h"

#include <QHash>
#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QSplitter;
class QStackedWidget;

namespace oauthdesk {
class Database;
class ServerController;
} // namespace oauthdesk

namespace oauthdesk::ui {

class ClientsPage;
class MessageBar;
class ServerPage;
class UsersPage;

// Opens the admin window (and its server) and runs the event loop; returns the exit code.
int runWindow(const QStringList &arguments);

// The admin window: a sidebar of pages, menus, the server state in the status bar, and the settings file.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // The order of the sidebar and of the Ctrl+1..7 shortcuts.
    static const QStringList PageIds;

    // `settingsPath`: the JSON config file the Settings dialog writes (empty: settings are not persisted).
    MainWindow(std::shared_ptr<Database> db, ServerController *server, const Config &config,
        const QString &settingsPath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Adds a page to the sidebar; pages are kept in PageIds order whatever order they are added in.
    void addPage(const QString &id, const QString &title, const QIcon &icon, QWidget *page);
    void showPage(const QString &id);
    QString currentPageId() const;
    QWidget *page(const QString &id) const { return m_pages.value(id); }

    // Enables Tools > Token inspector… and calls `open` when it is triggered.
    void setTokenInspector(std::function<void()> open);

    const Config &config() const { return m_config; }
    MessageBar *messageBar() const { return m_messageBar; }
    QString statusText() const;

    // Starts the server with the current settings.
    void startServer();
    void stopServer();
    void applySettings(const Config &config);

    // Restores geometry, splitters and the last page from QSettings.
    void restoreState();

    // The JSON settings file in the user's config folder.
    static QString defaultSettingsPath();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void updateServerState();
    void saveState() const;
    void openSettings();
    void exportAll();
    void importAll();
    void showAbout();

    std::shared_ptr<Database> m_db;
    ServerController *m_server;
    Config m_config;
    QString m_settingsPath;
    QString m_lastError;

    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    QSplitter *m_splitter;
    MessageBar *m_messageBar;
    QLabel *m_statusLabel;
    QHash<QString, QWidget *> m_pages;
    QStringList m_order;

    ServerPage *m_serverPage;
    ClientsPage *m_clientsPage;
    UsersPage *m_usersPage;

    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_tokenInspectorAction = nullptr;
    std::function<void()> m_openTokenInspector;
};

} // namespace oauthdesk::ui
