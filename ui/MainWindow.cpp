#include "MainWindow.h"

#include "DevicePage.h"
#include "KeysPage.h"
#include "RequestsPage.h"
#include "TokenInspectorDialog.h"
#include "TokensPage.h"

#include "BackupTransfer.h"
#include "ClientsPage.h"
#include "MessageBar.h"
#include "ServerPage.h"
#include "SettingsDialog.h"
#include "UsersPage.h"
#include "http/ServerController.h"
#include "storage/Database.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCommandLineParser>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <cstdio>

namespace oauthdesk::ui {

const QStringList MainWindow::PageIds = {QStringLiteral("server"), QStringLiteral("clients"), QStringLiteral("users"),
    QStringLiteral("tokens"), QStringLiteral("requests"), QStringLiteral("keys"), QStringLiteral("device")};

namespace {

QIcon icon(const QString &name)
{
    // The grey line icons vanish on the selection highlight: the selected state gets a white copy.
    const QString path = QStringLiteral(":/icons/%1.svg").arg(name);
    QIcon result(path);
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap = result.pixmap(size, size);
        if (pixmap.isNull())
            continue;
        QPainter painter(&pixmap);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(pixmap.rect(), Qt::white);
        painter.end();
        result.addPixmap(pixmap, QIcon::Selected);
    }
    return result;
}

// Lists what an import would overwrite and asks what to do about it.
std::optional<Backup::OnConflict> askAboutConflicts(QWidget *parent, const QList<Backup::Conflict> &conflicts)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(MainWindow::tr("Import conflicts"));
    dialog.resize(480, 360);
    auto *layout = new QVBoxLayout(&dialog);
    auto *label
        = new QLabel(MainWindow::tr("%n entry(ies) in the file exist(s) already with different settings:", nullptr,
                         int(conflicts.size())),
            &dialog);
    label->setWordWrap(true);
    auto *list = new QListWidget(&dialog);
    list->setObjectName(QStringLiteral("conflictsListWidget"));
    for (const Backup::Conflict &c : conflicts)
        list->addItem(c.kind == QLatin1String("client") ? MainWindow::tr("Client %1").arg(c.id)
                                                        : MainWindow::tr("User %1").arg(c.id));
    auto *buttons = new QDialogButtonBox(&dialog);
    auto *overwrite = buttons->addButton(MainWindow::tr("&Overwrite"), QDialogButtonBox::AcceptRole);
    auto *skip = buttons->addButton(MainWindow::tr("&Skip existing"), QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(label);
    layout->addWidget(list, 1);
    layout->addWidget(buttons);
    std::optional<Backup::OnConflict> choice;
    QObject::connect(overwrite, &QPushButton::clicked, &dialog, [&] {
        choice = Backup::OnConflict::Overwrite;
        dialog.accept();
    });
    QObject::connect(skip, &QPushButton::clicked, &dialog, [&] {
        choice = Backup::OnConflict::Skip;
        dialog.accept();
    });
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    dialog.exec();
    return choice;
}

} // namespace

QString MainWindow::defaultSettingsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/config.json");
}

MainWindow::MainWindow(std::shared_ptr<Database> db, ServerController *server, const Config &config,
    const QString &settingsPath, QWidget *parent)
    : QMainWindow(parent)
    , m_db(std::move(db))
    , m_server(server)
    , m_config(config)
    , m_settingsPath(settingsPath)
    , m_sidebar(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_messageBar(new MessageBar(this))
    , m_statusLabel(new QLabel(this))
{
    setWindowTitle(tr("OAuthDesk"));
    setWindowIcon(icon(QStringLiteral("oauthdesk")));
    resize(1200, 760);

    m_sidebar->setObjectName(QStringLiteral("sidebarListWidget"));
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setMinimumWidth(150);
    m_sidebar->setMaximumWidth(260);
    m_sidebar->setSpacing(1);
    m_sidebar->setStyleSheet(QStringLiteral("QListWidget#sidebarListWidget { background: palette(window); "
                                            "border-right: 1px solid palette(mid); padding-top: 8px; }"
                                            "QListWidget#sidebarListWidget::item { padding: 7px 10px; }"));
    m_stack->setObjectName(QStringLiteral("pagesStackedWidget"));

    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->setSpacing(0);
    contentLayout->addWidget(m_messageBar);
    contentLayout->addWidget(m_stack, 1);

    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(content);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({180, 1020});
    setCentralWidget(m_splitter);

    m_statusLabel->setObjectName(QStringLiteral("serverStatusLabel"));
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_statusLabel, 1);
    // The home folder shown as ~, as a shell would: shorter, and the same on every machine.
    QString shownPath = m_db->path();
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/") && shownPath.startsWith(home + QLatin1Char('/')))
        shownPath = QLatin1Char('~') + shownPath.mid(home.size());
    auto *dbLabel = new QLabel(QDir::toNativeSeparators(shownPath), this);
    dbLabel->setToolTip(QDir::toNativeSeparators(m_db->path()));
    dbLabel->setToolTip(tr("Database file"));
    statusBar()->addPermanentWidget(dbLabel);

    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    m_serverPage = new ServerPage(m_db, m_server, this);
    m_clientsPage = new ClientsPage(m_db, m_server, this);
    m_usersPage = new UsersPage(m_db, m_server, this);
    addPage(QStringLiteral("server"), tr("Server"), icon(QStringLiteral("server")), m_serverPage);
    addPage(QStringLiteral("clients"), tr("Clients"), icon(QStringLiteral("clients")), m_clientsPage);
    addPage(QStringLiteral("users"), tr("Users"), icon(QStringLiteral("users")), m_usersPage);

    addPage(
        QStringLiteral("tokens"), tr("Tokens"), icon(QStringLiteral("tokens")), new TokensPage(m_db, m_server, this));
    addPage(QStringLiteral("requests"), tr("Requests"), icon(QStringLiteral("requests")),
        new RequestsPage(m_db, m_server, this));
    addPage(QStringLiteral("keys"), tr("Keys"), icon(QStringLiteral("keys")), new KeysPage(m_db, m_server, this));
    auto *devicePage = new DevicePage(m_db, m_server, this);
    addPage(QStringLiteral("device"), tr("Device"), icon(QStringLiteral("device")), devicePage);
    connect(devicePage, &DevicePage::newRequest, this, [this](const QString &userCode) {
        m_messageBar->showMessage(MessageBar::Kind::Info,
            tr("A device is waiting for approval (code %1): see the Device page.").arg(userCode));
    });

    createMenus();
    setTokenInspector([this] {
        auto *dialog = new TokenInspectorDialog(m_db, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show(); // not modal: the window stays usable while a token is inspected
    });
    connect(m_serverPage, &ServerPage::startRequested, this, &MainWindow::startServer);
    connect(m_serverPage, &ServerPage::stopRequested, this, &MainWindow::stopServer);
    connect(m_clientsPage, &ClientsPage::clientsChanged, m_serverPage, &ServerPage::refreshClients);
    connect(m_server, &ServerController::stateChanged, this, &MainWindow::updateServerState);
    connect(m_server, &ServerController::started, this, [this] {
        m_lastError.clear();
        updateServerState();
    });
    connect(m_server, &ServerController::failed, this, [this](const QString &message) {
        m_lastError = message;
        updateServerState();
    });
    updateServerState();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(const QString &id, const QString &title, const QIcon &pageIcon, QWidget *page)
{
    if (m_pages.contains(id) || !page)
        return;
    page->setParent(m_stack);
    // Keep the sidebar in PageIds order; unknown ids go last.
    auto rank = [](const QString &pageId) {
        const qsizetype i = PageIds.indexOf(pageId);
        return i < 0 ? PageIds.size() : i;
    };
    int at = 0;
    while (at < m_order.size() && rank(m_order.at(at)) <= rank(id))
        ++at;
    m_order.insert(at, id);
    m_pages.insert(id, page);
    const QSignalBlocker blocker(m_sidebar);
    auto *item = new QListWidgetItem(pageIcon, title);
    item->setData(Qt::UserRole, id);
    const qsizetype shortcut = PageIds.indexOf(id);
    item->setToolTip(shortcut >= 0 ? tr("%1 (Ctrl+%2)").arg(title).arg(shortcut + 1) : title);
    const QString current = currentPageId();
    m_sidebar->insertItem(at, item);
    m_stack->insertWidget(at, page);
    if (!current.isEmpty())
        showPage(current);
    else
        showPage(id);
}

void MainWindow::showPage(const QString &id)
{
    const qsizetype index = m_order.indexOf(id);
    if (index < 0)
        return;
    m_sidebar->setCurrentRow(int(index));
    m_stack->setCurrentIndex(int(index));
}

QString MainWindow::currentPageId() const
{
    const int row = m_stack->currentIndex();
    return row >= 0 && row < m_order.size() ? m_order.at(row) : QString();
}

void MainWindow::setTokenInspector(std::function<void()> open)
{
    m_openTokenInspector = std::move(open);
    m_tokenInspectorAction->setEnabled(bool(m_openTokenInspector));
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newClient = file->addAction(icon(QStringLiteral("clients")), tr("New &Client…"));
    newClient->setShortcut(QKeySequence::New);
    connect(newClient, &QAction::triggered, this, [this] {
        showPage(QStringLiteral("clients"));
        m_clientsPage->newClient();
    });
    QAction *newUser = file->addAction(icon(QStringLiteral("users")), tr("New &User…"));
    newUser->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(newUser, &QAction::triggered, this, [this] {
        showPage(QStringLiteral("users"));
        m_usersPage->newUser();
    });
    file->addSeparator();
    QAction *importAction = file->addAction(icon(QStringLiteral("import")), tr("&Import…"));
    importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    connect(importAction, &QAction::triggered, this, &MainWindow::importAll);
    QAction *exportAction = file->addAction(icon(QStringLiteral("export")), tr("&Export…"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction, &QAction::triggered, this, &MainWindow::exportAll);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *serverMenu = menuBar()->addMenu(tr("&Server"));
    m_startAction = serverMenu->addAction(icon(QStringLiteral("start")), tr("&Start"));
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_startAction, &QAction::triggered, this, &MainWindow::startServer);
    m_stopAction = serverMenu->addAction(icon(QStringLiteral("stop")), tr("S&top"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopServer);
    serverMenu->addSeparator();
    QAction *settings = serverMenu->addAction(icon(QStringLiteral("settings")), tr("S&ettings…"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, &MainWindow::openSettings);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (qsizetype i = 0; i < PageIds.size(); ++i) {
        const QString id = PageIds.at(i);
        QAction *go = view->addAction(QString());
        go->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + int(i))));
        connect(go, &QAction::triggered, this, [this, id] { showPage(id); });
        // The entries follow the pages present, which other modules add after construction.
        connect(view, &QMenu::aboutToShow, go, [this, go, id] {
            QListWidgetItem *item = m_pages.contains(id) ? m_sidebar->item(int(m_order.indexOf(id))) : nullptr;
            go->setText(item ? item->text() : id);
            go->setIcon(item ? item->icon() : QIcon());
            go->setVisible(item != nullptr);
        });
        addAction(go); // shortcuts work even when the entry is hidden from the menu
    }

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    m_tokenInspectorAction = tools->addAction(icon(QStringLiteral("search")), tr("Token &inspector…"));
    m_tokenInspectorAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_tokenInspectorAction->setEnabled(false);
    connect(m_tokenInspectorAction, &QAction::triggered, this, [this] {
        if (m_openTokenInspector)
            m_openTokenInspector();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(icon(QStringLiteral("oauthdesk")), tr("&About OAuthDesk"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::updateServerState()
{
    const auto state = m_server->state();
    QString text;
    switch (state) {
    case ServerController::State::Running:
        text = tr("Listening on %1").arg(m_server->issuer());
        break;
    case ServerController::State::Starting:
        text = tr("Starting the server…");
        break;
    case ServerController::State::Stopping:
        text = tr("Stopping the server…");
        break;
    case ServerController::State::Stopped:
        text = m_lastError.isEmpty() ? tr("Server stopped") : tr("Server not running: %1").arg(m_lastError);
        break;
    }
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(state == ServerController::State::Stopped && !m_lastError.isEmpty()
            ? QStringLiteral("color: #c62828;")
            : QString());
    if (m_startAction) {
        m_startAction->setEnabled(state == ServerController::State::Stopped);
        m_stopAction->setEnabled(state == ServerController::State::Running);
    }
}

void MainWindow::startServer()
{
    m_lastError.clear();
    m_server->start(m_config);
}

void MainWindow::stopServer()
{
    m_server->stop();
}

void MainWindow::applySettings(const Config &config)
{
    Config next = config;
    next.dbPath = m_config.dbPath;
    const bool tablesChanged = !(next.tables == m_db->tables());
    if (!m_settingsPath.isEmpty()) {
        QDir().mkpath(QFileInfo(m_settingsPath).absolutePath());
        QSaveFile file(m_settingsPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(next.toJson()) < 0 || !file.commit()) {
            m_messageBar->showError(tr("Cannot save the settings to %1: %2")
                                        .arg(QDir::toNativeSeparators(m_settingsPath), file.errorString()));
            return;
        }
    }
    // The open database keeps its table names; renamed tables apply from the next start.
    Config running = next;
    running.tables = m_db->tables();
    const bool restart = !(running == m_config) || m_server->state() == ServerController::State::Stopped;
    m_config = running;
    if (restart) {
        m_lastError.clear();
        m_server->start(m_config);
    }
    QString message = restart ? tr("Settings saved; the server restarts with them.") : tr("Settings saved.");
    if (tablesChanged)
        message += QLatin1Char(' ') + tr("The new table names are used when OAuthDesk starts again.");
    m_messageBar->showMessage(tablesChanged ? MessageBar::Kind::Warning : MessageBar::Kind::Success, message);
}

void MainWindow::openSettings()
{
    Config shown = m_config;
    // Show the table names that will be used next time, which may differ from the open ones.
    if (!m_settingsPath.isEmpty())
        if (auto saved = Config::fromFile(m_settingsPath))
            shown.tables = saved->tables;
    SettingsDialog dialog(shown, this);
    connect(&dialog, &SettingsDialog::applied, this, &MainWindow::applySettings);
    dialog.exec();
}

void MainWindow::exportAll()
{
    const QString suggested = QDir::home().filePath(QStringLiteral("oauthdesk-export.json"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export clients and users"), suggested, tr("JSON files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (auto ok = BackupTransfer::exportToFile(m_db, path); !ok) {
        m_messageBar->showError(ok.error().message);
        return;
    }
    m_messageBar->showSuccess(tr("Exported all clients and users to %1.").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::importAll()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import clients and users"), QDir::homePath(), tr("JSON files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    auto result = BackupTransfer::importFromFile(
        m_db, path, [this](const QList<Backup::Conflict> &conflicts) { return askAboutConflicts(this, conflicts); });
    if (!result) {
        m_messageBar->showError(tr("Nothing was imported: %1").arg(result.error().message));
        return;
    }
    if (result->cancelled) {
        m_messageBar->showMessage(MessageBar::Kind::Info, tr("Import cancelled; nothing was changed."));
        return;
    }
    m_clientsPage->reload();
    m_usersPage->reload();
    m_serverPage->refreshClients();
    m_messageBar->showSuccess(tr("Imported: %1.").arg(result->outcome.summary()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About OAuthDesk"),
        tr("<h3>OAuthDesk %1</h3>"
           "<p>A local OAuth 2.0 and OpenID Connect server for developers.</p>"
           "<p>Database: %2</p>")
            .arg(QCoreApplication::applicationVersion(), m_db->path().toHtmlEscaped()));
}

void MainWindow::restoreState()
{
    QSettings settings;
    if (const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
        !geometry.isEmpty())
        restoreGeometry(geometry);
    for (QSplitter *splitter : findChildren<QSplitter *>()) {
        if (splitter->objectName().isEmpty())
            continue;
        const QByteArray state = settings.value(QStringLiteral("splitters/") + splitter->objectName()).toByteArray();
        if (!state.isEmpty())
            splitter->restoreState(state);
    }
    const QString page = settings.value(QStringLiteral("window/page")).toString();
    if (!page.isEmpty())
        showPage(page);
}

void MainWindow::saveState() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/page"), currentPageId());
    for (const QSplitter *splitter : findChildren<QSplitter *>())
        if (!splitter->objectName().isEmpty())
            settings.setValue(QStringLiteral("splitters/") + splitter->objectName(), splitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    QMainWindow::closeEvent(event);
}

// ---- Entry point -----------------------------------------------------------------------------------------------

namespace {

int badInput(const QString &message)
{
    QTextStream(stderr) << "oauthdesk: " << message << Qt::endl;
    return 2;
}

} // namespace

int runWindow(const QStringList &arguments)
{
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/oauthdesk.svg")));
    QCommandLineParser p;
    p.setApplicationDescription(QCoreApplication::translate("runWindow", "OAuthDesk admin window"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"), QStringLiteral("SQLite database file."), QStringLiteral("path"));
    const QCommandLineOption configOption(
        QStringLiteral("config"), QStringLiteral("JSON config file."), QStringLiteral("file"));
    const QCommandLineOption portOption(
        QStringLiteral("port"), QStringLiteral("Port to listen on (0 picks a free one)."), QStringLiteral("n"));
    const QCommandLineOption bindOption(
        QStringLiteral("bind"), QStringLiteral("Address to listen on."), QStringLiteral("addr"));
    const QCommandLineOption issuerOption(
        QStringLiteral("issuer"), QStringLiteral("Issuer URL."), QStringLiteral("url"));
    QCommandLineOption pageOption(QStringLiteral("page"), QStringLiteral("Page to show first."), QStringLiteral("id"));
    pageOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("Save a picture of the window to FILE once loaded, then quit."), QStringLiteral("file"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOptions({dbOption, configOption, portOption, bindOption, issuerOption, pageOption, screenshotOption});
    p.addHelpOption();
    p.addVersionOption();
    if (!p.parse(arguments))
        return badInput(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        return 0;
    }
    if (p.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "oauthdesk " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    }
    const QString screenshot
        = p.isSet(screenshotOption) ? p.value(screenshotOption) : qEnvironmentVariable("OAUTHDESK_SCREENSHOT");

    // The saved settings (or --config), then the command line on top, as the command line does it.
    const QString settingsPath = MainWindow::defaultSettingsPath();
    Config config;
    const QString configFile
        = p.isSet(configOption) ? p.value(configOption) : (QFileInfo::exists(settingsPath) ? settingsPath : QString());
    QString problem;
    if (!configFile.isEmpty()) {
        if (auto loaded = Config::fromFile(configFile))
            config = *loaded;
        else
            problem = loaded.error().message;
    }
    if (problem.isEmpty()) {
        if (p.isSet(dbOption))
            config.dbPath = p.value(dbOption);
        if (config.dbPath.isEmpty())
            config.dbPath = Config::defaultDbPath();
        if (p.isSet(portOption)) {
            bool ok = false;
            const uint port = p.value(portOption).toUInt(&ok);
            if (!ok || port > 65535)
                problem = QStringLiteral("--port must be a number from 0 to 65535");
            config.port = static_cast<quint16>(port);
        }
        if (p.isSet(bindOption))
            config.bindAddress = p.value(bindOption);
        if (p.isSet(issuerOption))
            config.issuer = p.value(issuerOption);
        if (problem.isEmpty())
            if (auto ok = config.validate(); !ok)
                problem = ok.error().message;
    }
    if (!problem.isEmpty()) {
        badInput(problem);
        if (screenshot.isEmpty())
            QMessageBox::critical(nullptr, QCoreApplication::translate("runWindow", "OAuthDesk"),
                QCoreApplication::translate("runWindow", "The settings cannot be used:\n\n%1").arg(problem));
        return 2;
    }

    QDir().mkpath(QFileInfo(config.dbPath).absolutePath());
    auto db = Database::open(config.dbPath, config.tables);
    if (!db) {
        badInput(db.error().message);
        if (screenshot.isEmpty())
            QMessageBox::critical(nullptr, QCoreApplication::translate("runWindow", "OAuthDesk"),
                QCoreApplication::translate("runWindow", "The database %1 cannot be opened:\n\n%2")
                    .arg(QDir::toNativeSeparators(config.dbPath), db.error().message));
        return 2;
    }

    int exitCode = 0;
    {
        ServerController server(*db);
        QObject::connect(&server, &ServerController::started, &server, [](const QString &issuer, quint16) {
            QTextStream(stdout) << "listening on " << issuer << Qt::endl;
            std::fflush(stdout);
        });
        // A command line that pins the port should not be overwritten by Settings: the file keeps its own values.
        MainWindow window(*db, &server, config, p.isSet(configOption) ? QString() : settingsPath);
        window.restoreState();
        if (p.isSet(pageOption)) {
            window.showPage(p.value(pageOption));
            if (window.currentPageId() != p.value(pageOption))
                return badInput(QStringLiteral("there is no page '%1'").arg(p.value(pageOption)));
        }
        if (!screenshot.isEmpty()) {
            window.resize(1280, 800);
            // Grab once the server answered (its page shows the endpoints) and the tables are loaded.
            // A delay long enough for a script to send traffic first (the Requests and Device pages).
            const int delayMs = qEnvironmentVariableIsSet("OAUTHDESK_SCREENSHOT_DELAY_MS")
                ? qEnvironmentVariableIntValue("OAUTHDESK_SCREENSHOT_DELAY_MS")
                : 700;
            auto grab = [&window, screenshot, &exitCode, delayMs] {
                QTimer::singleShot(delayMs, &window, [&window, screenshot, &exitCode] {
                    if (!window.grab().save(screenshot))
                        exitCode = badInput(QStringLiteral("cannot write %1").arg(screenshot));
                    QApplication::quit();
                });
            };
            QObject::connect(&server, &ServerController::started, &window, grab, Qt::SingleShotConnection);
            QObject::connect(&server, &ServerController::failed, &window, grab, Qt::SingleShotConnection);
        }
        window.show();
        window.startServer();
        const int loopCode = QApplication::exec();
        if (exitCode == 0)
            exitCode = loopCode;
    }
    return exitCode;
}

} // namespace oauthdesk::ui
