#include "TokensPage.h"

#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

namespace oauthdesk::ui {

namespace {

constexpr TokenKind Kinds[] = {TokenKind::AuthorizationCode, TokenKind::AccessToken, TokenKind::RefreshToken};

// The rows of the details form, in display order.
enum Detail {
    DetailKind,
    DetailId,
    DetailPrefix,
    DetailClient,
    DetailUser,
    DetailScopes,
    DetailStatus,
    DetailIssued,
    DetailExpires,
    DetailRevoked,
    DetailUsed,
    DetailGrant,
    DetailFamily,
    DetailRedirect,
    DetailPkce,
    DetailJti,
    DetailCount
};

QString kindTitle(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AuthorizationCode:
        return TokensPage::tr("Authorization codes");
    case TokenKind::AccessToken:
        return TokensPage::tr("Access tokens");
    case TokenKind::RefreshToken:
        return TokensPage::tr("Refresh tokens");
    }
    return {};
}

QString emptyHint(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AuthorizationCode:
        return TokensPage::tr("No authorization codes yet — sign in through a client's authorization request");
    case TokenKind::AccessToken:
        return TokensPage::tr("No tokens yet — run a client_credentials request from the Server page");
    case TokenKind::RefreshToken:
        return TokensPage::tr("No refresh tokens yet — they come with authorization code and device grants");
    }
    return {};
}

QString formatTime(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

} // namespace

TokensPage::TokensPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : QWidget(parent)
    , m_db(std::move(db))
    , m_server(server)
{
    setObjectName(QStringLiteral("tokensPage"));
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(8);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageLabel->hide();
    layout->addWidget(m_messageLabel);
    m_messageTimer = new QTimer(this);
    m_messageTimer->setSingleShot(true);
    connect(m_messageTimer, &QTimer::timeout, m_messageLabel, &QWidget::hide);

    // The kind switcher and the row count.
    auto *top = new QHBoxLayout;
    m_tabBar = new QTabBar(this);
    m_tabBar->setObjectName(QStringLiteral("kindTabBar"));
    m_tabBar->setDocumentMode(true);
    m_tabBar->setExpanding(false);
    m_tabBar->setDrawBase(false);
    for (TokenKind kind : Kinds)
        m_tabBar->addTab(kindTitle(kind));
    top->addWidget(m_tabBar);
    top->addStretch();
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_countLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
    top->addWidget(m_countLabel);
    layout->addLayout(top);

    // Filters.
    auto *filters = new QHBoxLayout;
    m_clientCombo = new QComboBox(this);
    m_clientCombo->setObjectName(QStringLiteral("clientComboBox"));
    m_clientCombo->setMinimumContentsLength(16);
    m_clientCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_userCombo = new QComboBox(this);
    m_userCombo->setObjectName(QStringLiteral("userComboBox"));
    m_userCombo->setMinimumContentsLength(12);
    m_userCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_statusCombo = new QComboBox(this);
    m_statusCombo->setObjectName(QStringLiteral("statusComboBox"));
    m_statusCombo->addItem(tr("Any status"), -1);
    for (TokenStatus s : {TokenStatus::Active, TokenStatus::Expired, TokenStatus::Revoked, TokenStatus::Used})
        m_statusCombo->addItem(toString(s), int(s));
    m_searchLineEdit = new QLineEdit(this);
    m_searchLineEdit->setObjectName(QStringLiteral("searchLineEdit"));
    m_searchLineEdit->setPlaceholderText(tr("Search by prefix"));
    m_searchLineEdit->setClearButtonEnabled(true);
    m_searchLineEdit->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    filters->addWidget(new QLabel(tr("Client"), this));
    filters->addWidget(m_clientCombo);
    filters->addSpacing(8);
    filters->addWidget(new QLabel(tr("User"), this));
    filters->addWidget(m_userCombo);
    filters->addSpacing(8);
    filters->addWidget(new QLabel(tr("Status"), this));
    filters->addWidget(m_statusCombo);
    filters->addSpacing(8);
    filters->addWidget(m_searchLineEdit, 1);
    layout->addLayout(filters);
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(200);
    connect(m_searchTimer, &QTimer::timeout, this, &TokensPage::applyFilter);
    connect(m_searchLineEdit, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_clientCombo, &QComboBox::activated, this, &TokensPage::applyFilter);
    connect(m_userCombo, &QComboBox::activated, this, &TokensPage::applyFilter);
    connect(m_statusCombo, &QComboBox::activated, this, &TokensPage::applyFilter);

    // Actions.
    auto *actions = new QHBoxLayout;
    m_revokeButton = new QPushButton(QIcon(QStringLiteral(":/icons/revoke.svg")), tr("Revoke"), this);
    m_revokeButton->setObjectName(QStringLiteral("revokeButton"));
    m_revokeClientButton = new QPushButton(QIcon(QStringLiteral(":/icons/clients.svg")), QString(), this);
    m_revokeClientButton->setObjectName(QStringLiteral("revokeClientButton"));
    m_revokeUserButton = new QPushButton(QIcon(QStringLiteral(":/icons/users.svg")), QString(), this);
    m_revokeUserButton->setObjectName(QStringLiteral("revokeUserButton"));
    m_copyButton = new QPushButton(QIcon(QStringLiteral(":/icons/copy.svg")), tr("Copy prefix"), this);
    m_copyButton->setObjectName(QStringLiteral("copyButton"));
    actions->addWidget(m_revokeButton);
    actions->addWidget(m_revokeClientButton);
    actions->addWidget(m_revokeUserButton);
    actions->addStretch();
    actions->addWidget(m_copyButton);
    layout->addLayout(actions);
    connect(m_revokeButton, &QPushButton::clicked, this, &TokensPage::revokeSelection);
    connect(m_revokeClientButton, &QPushButton::clicked, this, &TokensPage::revokeClientTokens);
    connect(m_revokeUserButton, &QPushButton::clicked, this, &TokensPage::revokeUserTokens);
    connect(m_copyButton, &QPushButton::clicked, this, &TokensPage::copyPrefix);

    // Tables on the left, the selected token's details on the right.
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("tokensSplitter"));
    splitter->setChildrenCollapsible(false);
    m_tabStack = new QStackedWidget(splitter);
    for (TokenKind kind : Kinds)
        buildTab(kind);
    auto *details = new QWidget(splitter);
    details->setObjectName(QStringLiteral("detailsWidget"));
    details->setMinimumWidth(280);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(12, 0, 0, 0);
    m_detailsTitle = new QLabel(tr("Details"), details);
    QFont titleFont = m_detailsTitle->font();
    titleFont.setBold(true);
    m_detailsTitle->setFont(titleFont);
    detailsLayout->addWidget(m_detailsTitle);
    m_detailsHint = new QLabel(tr("Select a token to see its grant, family and timestamps."), details);
    m_detailsHint->setWordWrap(true);
    m_detailsHint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    detailsLayout->addWidget(m_detailsHint);
    m_detailsForm = new QFormLayout;
    m_detailsForm->setLabelAlignment(Qt::AlignRight);
    m_detailsForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const QStringList labels = {tr("Kind"), tr("Id"), tr("Prefix"), tr("Client"), tr("User"), tr("Scopes"),
        tr("Status"), tr("Issued"), tr("Expires"), tr("Revoked"), tr("Used"), tr("Grant"), tr("Family"), tr("Redirect"),
        tr("PKCE"), tr("JWT id")};
    for (int i = 0; i < DetailCount; ++i) {
        auto *value = new QLabel(details);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setMinimumWidth(120);
        m_detailValues.append(value);
        m_detailsForm->addRow(labels.value(i), value);
    }
    m_detailValues[DetailPrefix]->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detailValues[DetailGrant]->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    detailsLayout->addLayout(m_detailsForm);
    detailsLayout->addStretch();
    splitter->addWidget(m_tabStack);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({900, 320});
    layout->addWidget(splitter, 1);

    connect(m_tabBar, &QTabBar::currentChanged, this, &TokensPage::onCurrentTabChanged);
    m_tabBar->setCurrentIndex(index(TokenKind::AccessToken));
    m_tabStack->setCurrentIndex(index(TokenKind::AccessToken));

    m_tickTimer = new QTimer(this);
    m_tickTimer->setInterval(1000);
    connect(m_tickTimer, &QTimer::timeout, this, &TokensPage::tick);

    if (m_server)
        connect(m_server, &ServerController::tokensChanged, this, &TokensPage::onTokensChanged);

    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };
    reloadFilterChoices();
    updateActions();
    updateDetails();
}

void TokensPage::buildTab(TokenKind kind)
{
    Tab &tab = m_tabs[index(kind)];
    tab.model = new TokenTableModel(m_db, kind, this);
    tab.stack = new QStackedWidget(m_tabStack);
    tab.view = new QTableView(tab.stack);
    tab.view->setObjectName(QStringLiteral("tokensTableView"));
    tab.view->setModel(tab.model);
    tab.view->setSelectionBehavior(QAbstractItemView::SelectRows);
    tab.view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tab.view->setAlternatingRowColors(true);
    tab.view->setWordWrap(false);
    tab.view->setTextElideMode(Qt::ElideRight);
    tab.view->setShowGrid(false);
    tab.view->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    tab.view->verticalHeader()->hide();
    // Fixed row heights: the view never measures 100 000 rows.
    tab.view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    tab.view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView *header = tab.view->horizontalHeader();
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(TokenTableModel::Scopes, QHeaderView::Stretch);
    // Fixed columns narrow enough that Scopes keeps its room and Status is never cut off beside the details pane.
    header->resizeSection(TokenTableModel::Client, 140);
    header->resizeSection(TokenTableModel::User, 90);
    header->resizeSection(TokenTableModel::Prefix, 100);
    header->resizeSection(TokenTableModel::Issued, 80);
    header->resizeSection(TokenTableModel::ExpiresIn, 90);
    header->resizeSection(TokenTableModel::Status, 90);
    header->setMinimumSectionSize(60);

    tab.emptyLabel = new QLabel(tab.stack);
    tab.emptyLabel->setAlignment(Qt::AlignCenter);
    tab.emptyLabel->setWordWrap(true);
    tab.emptyLabel->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 11pt; padding: 24px;"));
    tab.stack->addWidget(tab.view);
    tab.stack->addWidget(tab.emptyLabel);
    m_tabStack->addWidget(tab.stack);

    TokenTableModel *model = tab.model;
    QTableView *view = tab.view;
    // Rows merged above the top visible row move the content down; a reader scrolled away from the newest
    // rows keeps seeing the same rows, while a view at the top keeps showing the newest ones.
    auto anchored = std::make_shared<bool>(false);
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, view, [view, anchored](const QModelIndex &, int first) {
        *anchored = first == 0 && view->verticalScrollBar()->value() > 0;
    });
    connect(model, &QAbstractItemModel::rowsInserted, view, [view, anchored](const QModelIndex &, int first, int last) {
        if (!*anchored || first != 0)
            return;
        *anchored = false;
        QScrollBar *bar = view->verticalScrollBar();
        const int added = last - first + 1;
        bar->setMaximum(bar->maximum() + added);
        bar->setValue(bar->value() + added);
    });
    auto refreshState = [this, kind] {
        updateEmptyState(m_tabs[index(kind)]);
        if (kind == currentKind())
            updateActions();
    };
    connect(model, &QAbstractItemModel::modelReset, this, refreshState);
    connect(model, &QAbstractItemModel::rowsInserted, this, refreshState);
    connect(model, &QAbstractItemModel::rowsRemoved, this, refreshState);
    connect(model, &TokenTableModel::totalCountChanged, this, refreshState);
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this, kind, view](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            // A status change of the selected token shows in the details at once.
            if (kind != currentKind())
                return;
            const QModelIndex cur = view->selectionModel()->currentIndex();
            if (cur.isValid() && cur.row() >= topLeft.row() && cur.row() <= bottomRight.row()
                && bottomRight.column() - topLeft.column() + 1 == TokenTableModel::ColumnCount)
                updateDetails();
        });
    connect(model, &TokenTableModel::errorOccurred, this,
        [this](const QString &text) { showMessage(tr("Could not read the tokens: %1").arg(text), true); });
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, kind] {
        if (kind == currentKind()) {
            updateActions();
            updateDetails();
        }
    });
    connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this, kind] {
        if (kind == currentKind())
            updateDetails();
    });
    updateEmptyState(tab);
}

TokenKind TokensPage::currentKind() const
{
    return Kinds[qBound(0, m_tabBar->currentIndex(), 2)];
}

void TokensPage::setCurrentKind(TokenKind kind)
{
    m_tabBar->setCurrentIndex(index(kind));
}

QString TokensPage::message() const
{
    return m_messageLabel->isHidden() ? QString() : m_messageLabel->text();
}

void TokensPage::showMessage(const QString &text, bool error)
{
    m_messageLabel->setText(text);
    m_messageLabel->setStyleSheet(error
            ? QStringLiteral("background: #fdecea; color: #a50e0e; border: 1px solid #f5c2c0; "
                             "border-radius: 4px; padding: 6px 10px;")
            : QStringLiteral("background: #e6f4ea; color: #0d652d; border: 1px solid #b7e1c1; "
                             "border-radius: 4px; padding: 6px 10px;"));
    m_messageLabel->show();
    // Errors stay until the next action; confirmations fade after a while.
    if (error)
        m_messageTimer->stop();
    else
        m_messageTimer->start(6000);
}

bool TokensPage::confirm(const QString &title, const QString &text)
{
    return m_confirm ? m_confirm(title, text) : false;
}

void TokensPage::onCurrentTabChanged()
{
    m_tabStack->setCurrentIndex(index(currentKind()));
    Tab &tab = current();
    if (tab.stale) {
        tab.stale = false;
        tab.model->refresh();
    }
    updateEmptyState(tab);
    updateActions();
    updateDetails();
}

void TokensPage::onTokensChanged()
{
    // Only the table on screen follows the server live; the others catch up when they are shown.
    for (TokenKind kind : Kinds) {
        Tab &tab = m_tabs[index(kind)];
        if (kind == currentKind() && isVisible())
            tab.model->requestRefresh();
        else
            tab.stale = true;
    }
}

void TokensPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    reloadFilterChoices();
    Tab &tab = current();
    if (tab.stale) {
        tab.stale = false;
        tab.model->refresh();
    }
    m_tickTimer->start();
}

void TokensPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tickTimer->stop();
}

void TokensPage::tick()
{
    Tab &tab = current();
    if (tab.model->rowCount() == 0)
        return;
    const int first = tab.view->rowAt(0);
    int last = tab.view->rowAt(tab.view->viewport()->height() - 1);
    if (last < 0)
        last = tab.model->rowCount() - 1;
    tab.model->tick(first, last);
}

void TokensPage::reloadFilterChoices()
{
    const QString client = m_clientCombo->currentData().toString();
    const QString user = m_userCombo->currentData().toString();
    m_clientCombo->clear();
    m_clientCombo->addItem(tr("All clients"), QString());
    if (auto clients = ClientStore(m_db).list()) {
        for (const Client &c : std::as_const(*clients))
            m_clientCombo->addItem(c.name.isEmpty() || c.name == c.clientId
                    ? c.clientId
                    : QString(c.clientId + QStringLiteral(" — ") + c.name),
                c.clientId);
    } else {
        showMessage(tr("Could not read the clients: %1").arg(clients.error().message), true);
    }
    m_userCombo->clear();
    m_userCombo->addItem(tr("All users"), QString());
    if (auto users = UserStore(m_db).list()) {
        for (const User &u : std::as_const(*users))
            m_userCombo->addItem(u.username, u.username);
    } else {
        showMessage(tr("Could not read the users: %1").arg(users.error().message), true);
    }
    m_clientCombo->setCurrentIndex(qMax(0, m_clientCombo->findData(client)));
    m_userCombo->setCurrentIndex(qMax(0, m_userCombo->findData(user)));
}

void TokensPage::applyFilter()
{
    TokenFilter filter;
    filter.clientId = m_clientCombo->currentData().toString();
    filter.username = m_userCombo->currentData().toString();
    filter.prefix = m_searchLineEdit->text().trimmed();
    const int status = m_statusCombo->currentData().toInt();
    if (status >= 0)
        filter.status = TokenStatus(status);
    for (Tab &tab : m_tabs) {
        tab.stale = false;
        tab.model->setFilter(filter);
    }
}

void TokensPage::updateEmptyState(Tab &tab)
{
    const bool empty = tab.model->rowCount() == 0;
    const TokenFilter &f = tab.model->filter();
    const bool filtered = !f.clientId.isEmpty() || !f.username.isEmpty() || !f.prefix.isEmpty() || f.status;
    tab.emptyLabel->setText(filtered ? tr("No tokens match these filters") : emptyHint(tab.model->kind()));
    tab.stack->setCurrentIndex(empty ? 1 : 0);
    if (&tab == &current()) {
        const int loaded = tab.model->rowCount();
        const int total = qMax(loaded, tab.model->totalCount());
        m_countLabel->setText(
            loaded == total ? tr("%n token(s)", nullptr, total) : tr("Showing %L1 of %L2").arg(loaded).arg(total));
    }
}

QList<int> TokensPage::selectedRows() const
{
    const Tab &tab = m_tabs[index(currentKind())];
    QList<int> rows;
    const QModelIndexList selected = tab.view->selectionModel()->selectedRows();
    for (const QModelIndex &i : selected)
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

QString TokensPage::targetClient() const
{
    const QString filtered = m_clientCombo->currentData().toString();
    if (!filtered.isEmpty())
        return filtered;
    const QList<int> rows = selectedRows();
    return rows.isEmpty() ? QString() : model(currentKind())->record(rows.first()).clientId;
}

QString TokensPage::targetUser() const
{
    const QString filtered = m_userCombo->currentData().toString();
    if (!filtered.isEmpty())
        return filtered;
    const QList<int> rows = selectedRows();
    return rows.isEmpty() ? QString() : model(currentKind())->record(rows.first()).username;
}

void TokensPage::updateActions()
{
    const QList<int> rows = selectedRows();
    m_revokeButton->setEnabled(!rows.isEmpty());
    m_copyButton->setEnabled(!rows.isEmpty());
    m_revokeButton->setText(rows.size() > 1 ? tr("Revoke %1 selected").arg(rows.size()) : tr("Revoke"));
    const QString client = targetClient();
    const QString user = targetUser();
    m_revokeClientButton->setEnabled(!client.isEmpty());
    m_revokeUserButton->setEnabled(!user.isEmpty());
    const QFontMetrics metrics(m_revokeClientButton->font());
    m_revokeClientButton->setText(client.isEmpty()
            ? tr("Revoke all of a client…")
            : tr("Revoke all of “%1”…").arg(metrics.elidedText(client, Qt::ElideMiddle, 180)));
    m_revokeUserButton->setText(user.isEmpty()
            ? tr("Revoke all of a user…")
            : tr("Revoke all of “%1”…").arg(metrics.elidedText(user, Qt::ElideMiddle, 140)));
    m_revokeClientButton->setToolTip(tr("Revokes every live code and token of the client in the client filter, or of "
                                        "the selected token's client"));
    m_revokeUserButton->setToolTip(tr("Revokes every live code and token of the user in the user filter, or of the "
                                      "selected token's user"));
}

void TokensPage::updateDetails()
{
    Tab &tab = current();
    const QModelIndex cur = tab.view->selectionModel()->currentIndex();
    const bool has = cur.isValid() && tab.view->selectionModel()->isRowSelected(cur.row(), {});
    m_detailsHint->setVisible(!has);
    // Hides the row's widgets: with QFormLayout::setRowVisible() and word-wrapped fields, Qt 6.4's
    // QFormLayout::heightForWidth() wrote out of bounds (valgrind), and the page crashed at random.
    auto showRow = [this](int row, bool visible) {
        m_detailValues[row]->setVisible(visible);
        if (QWidget *label = m_detailsForm->labelForField(m_detailValues[row]))
            label->setVisible(visible);
    };
    for (int i = 0; i < DetailCount; ++i)
        showRow(i, has);
    if (!has) {
        m_detailsTitle->setText(tr("Details"));
        return;
    }
    const TokenRecord &r = tab.model->record(cur.row());
    const qint64 now = Clock::nowMs();
    auto set = [this, &showRow](int row, const QString &text) {
        m_detailValues[row]->setText(text);
        showRow(row, !text.isEmpty());
    };
    set(DetailKind, toString(r.kind));
    set(DetailId, QString::number(r.id));
    set(DetailPrefix, QString(r.prefix + QStringLiteral("…")));
    set(DetailClient, r.clientId);
    set(DetailUser, r.username.isEmpty() ? tr("— (client_credentials)") : r.username);
    set(DetailScopes, r.scope.isEmpty() ? QStringLiteral("—") : r.scope);
    set(DetailStatus, toString(r.status(now)));
    set(DetailIssued, formatTime(r.issuedAt));
    set(DetailExpires, formatTime(r.expiresAt));
    set(DetailRevoked, r.revokedAt > 0 ? formatTime(r.revokedAt) : QString());
    set(DetailUsed, r.usedAt > 0 ? formatTime(r.usedAt) : QString());
    m_detailsForm->labelForField(m_detailValues[DetailUsed])
        ->setProperty("text", r.kind == TokenKind::RefreshToken ? tr("Rotated") : tr("Redeemed"));
    set(DetailGrant, r.grantId);
    // The family: everything issued from the same authorization, which a refresh-token revoke takes down.
    QStringList family;
    int live = 0;
    TokenStore tokens(m_db);
    for (TokenKind kind : Kinds) {
        TokenFilter f;
        f.grantId = r.grantId;
        auto n = tokens.count(kind, f);
        f.activeOnly = true;
        auto active = tokens.count(kind, f);
        if (n && *n > 0) {
            family << QStringLiteral("%1 %2").arg(*n).arg(kind == TokenKind::AuthorizationCode ? tr("code")
                    : kind == TokenKind::AccessToken                                           ? tr("access")
                                                                                               : tr("refresh"));
            live += active ? *active : 0;
        }
    }
    set(DetailFamily,
        family.isEmpty() ? QString() : tr("%1 (%2 live)").arg(family.join(QStringLiteral(", "))).arg(live));
    set(DetailRedirect, r.redirectUri);
    set(DetailPkce, r.codeChallengeMethod);
    set(DetailJti, r.jti);
    const QString status = toString(r.status(now));
    m_detailsTitle->setText(tr("Details — %1").arg(status));
}

Result<int> TokensPage::revoke(TokenKind kind, const QList<qint64> &ids)
{
    TokenStore tokens(m_db);
    int total = 0;
    TokenTableModel *m = model(kind);
    std::set<QString> grants;
    for (qint64 id : ids) {
        if (kind == TokenKind::RefreshToken) {
            // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant.
            const int row = m->rowOfId(id);
            if (row < 0)
                continue;
            const QString grant = m->record(row).grantId;
            if (!grants.insert(grant).second)
                continue;
            auto n = tokens.revokeGrant(grant);
            if (!n)
                return fail(n.error());
            total += *n;
        } else {
            auto n = tokens.revoke(kind, id);
            if (!n)
                return fail(n.error());
            total += *n;
        }
    }
    // The server reads the database on every request, so the revoke is in force already; show it now too.
    for (Tab &tab : m_tabs)
        tab.model->refresh();
    return total;
}

void TokensPage::revokeSelection()
{
    const TokenKind kind = currentKind();
    const QList<int> rows = selectedRows();
    if (rows.isEmpty())
        return;
    QList<qint64> ids;
    for (int row : rows)
        ids.append(model(kind)->record(row).id);
    QString text;
    if (kind == TokenKind::RefreshToken)
        text = tr("Revoke %n refresh token(s) together with their grants?\n\nThis revokes every code, access token "
                  "and refresh token issued from the same authorization (RFC 7009 §2.1): clients using them get "
                  "invalid_token / invalid_grant from now on.",
            nullptr, int(ids.size()));
    else
        text = tr("Revoke %n %1?\n\nEach selected one is revoked on its own; other tokens of the same grant keep "
                  "working. Requests that use it fail with invalid_token from now on.",
            nullptr, int(ids.size()))
                   .arg(kind == TokenKind::AccessToken ? tr("access token(s)") : tr("authorization code(s)"));
    if (!confirm(tr("Revoke"), text))
        return;
    auto n = revoke(kind, ids);
    if (!n)
        showMessage(tr("Revoke failed: %1").arg(n.error().message), true);
    else
        showMessage(tr("Revoked %n code(s) and token(s).", nullptr, *n), false);
}

int TokensPage::liveCount(const TokenFilter &filter) const
{
    TokenStore tokens(m_db);
    TokenFilter f = filter;
    f.activeOnly = true;
    int total = 0;
    for (TokenKind kind : Kinds)
        if (auto n = tokens.count(kind, f))
            total += *n;
    return total;
}

void TokensPage::revokeMatching(const TokenFilter &filter, const QString &what)
{
    const int live = liveCount(filter);
    if (live == 0) {
        showMessage(tr("%1 has no live codes or tokens.").arg(what), false);
        return;
    }
    if (!confirm(tr("Revoke all"),
            tr("Revoke all %n live code(s) and token(s) of %1?\n\nEvery client using them "
               "gets invalid_token / invalid_grant from now on.",
                nullptr, live)
                .arg(what)))
        return;
    auto n = TokenStore(m_db).revokeMatching(filter);
    if (!n) {
        showMessage(tr("Revoke failed: %1").arg(n.error().message), true);
        return;
    }
    for (Tab &tab : m_tabs)
        tab.model->refresh();
    showMessage(tr("Revoked %n code(s) and token(s) of %1.", nullptr, *n).arg(what), false);
}

void TokensPage::revokeClientTokens()
{
    const QString client = targetClient();
    if (client.isEmpty())
        return;
    TokenFilter f;
    f.clientId = client;
    revokeMatching(f, tr("client “%1”").arg(client));
}

void TokensPage::revokeUserTokens()
{
    const QString user = targetUser();
    if (user.isEmpty())
        return;
    TokenFilter f;
    f.username = user;
    revokeMatching(f, tr("user “%1”").arg(user));
}

void TokensPage::copyPrefix()
{
    QStringList prefixes;
    for (int row : selectedRows())
        prefixes << model(currentKind())->record(row).prefix;
    if (prefixes.isEmpty())
        return;
    QApplication::clipboard()->setText(prefixes.join(QLatin1Char('\n')));
    showMessage(tr("Copied %n prefix(es).", nullptr, int(prefixes.size())), false);
}

} // namespace oauthdesk::ui
