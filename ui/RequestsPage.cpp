#include "RequestsPage.h"

#include "http/ServerController.h"
#include "oauth/Message.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace oauthdesk::ui {

namespace {

QByteArray headerValue(const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &name)
{
    for (const auto &[k, v] : headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

QString formatHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QString out;
    for (const auto &[k, v] : headers)
        out += QString::fromLatin1(k) + QStringLiteral(": ") + QString::fromUtf8(v) + QLatin1Char('\n');
    return out;
}

} // namespace

RequestsPage::RequestsPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : QWidget(parent)
    , m_db(std::move(db))
    , m_server(server)
{
    setObjectName(QStringLiteral("requestsPage"));
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(8);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setStyleSheet(QStringLiteral("background: #fdecea; color: #a50e0e; border: 1px solid #f5c2c0; "
                                                 "border-radius: 4px; padding: 6px 10px;"));
    m_messageLabel->hide();
    layout->addWidget(m_messageLabel);

    auto *bar = new QHBoxLayout;
    m_filterLineEdit = new QLineEdit(this);
    m_filterLineEdit->setObjectName(QStringLiteral("filterLineEdit"));
    m_filterLineEdit->setPlaceholderText(tr("Filter by path, status or client"));
    m_filterLineEdit->setClearButtonEnabled(true);
    m_filterLineEdit->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    m_pauseButton = new QPushButton(QIcon(QStringLiteral(":/icons/stop.svg")), tr("Pause"), this);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_clearButton = new QPushButton(QIcon(QStringLiteral(":/icons/remove.svg")), tr("Clear"), this);
    m_clearButton->setObjectName(QStringLiteral("clearButton"));
    m_revealButton = new QToolButton(this);
    m_revealButton->setObjectName(QStringLiteral("revealButton"));
    m_revealButton->setCheckable(true);
    m_revealButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_revealButton->setIcon(QIcon(QStringLiteral(":/icons/reveal.svg")));
    m_revealButton->setText(tr("Reveal secrets"));
    m_revealButton->setToolTip(tr("Show client secrets, codes and tokens unmasked. They are kept in memory only."));
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_countLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
    bar->addWidget(m_filterLineEdit, 1);
    bar->addWidget(m_pauseButton);
    bar->addWidget(m_clearButton);
    bar->addSpacing(12);
    bar->addWidget(m_countLabel);
    bar->addStretch();
    bar->addWidget(m_revealButton);
    layout->addLayout(bar);

    m_model = new RequestLogModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(RequestLogModel::FilterRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(0);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("requestsSplitter"));
    splitter->setChildrenCollapsible(false);
    m_tableStack = new QStackedWidget(splitter);
    m_view = new QTableView(m_tableStack);
    m_view->setObjectName(QStringLiteral("requestsTableView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(RequestLogModel::Path, QHeaderView::Stretch);
    header->resizeSection(RequestLogModel::Time, 110);
    header->resizeSection(RequestLogModel::Method, 80);
    header->resizeSection(RequestLogModel::Status, 70);
    header->resizeSection(RequestLogModel::Duration, 90);
    header->resizeSection(RequestLogModel::Client, 170);
    m_emptyLabel
        = new QLabel(tr("No requests yet — requests to the server appear here as it serves them"), m_tableStack);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 11pt; padding: 24px;"));
    m_tableStack->addWidget(m_view);
    m_tableStack->addWidget(m_emptyLabel);
    m_tableStack->setCurrentWidget(m_emptyLabel);

    // The inspector: request on the left, response on the right.
    auto *inspector = new QSplitter(Qt::Horizontal, splitter);
    inspector->setChildrenCollapsible(false);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto makePane = [&](QLabel *&title, QPlainTextEdit *&edit, const QString &name, const QString &heading) {
        auto *pane = new QWidget(inspector);
        auto *paneLayout = new QVBoxLayout(pane);
        paneLayout->setContentsMargins(0, 4, 0, 0);
        title = new QLabel(heading, pane);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        edit = new QPlainTextEdit(pane);
        edit->setObjectName(name);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
        edit->setPlaceholderText(tr("Select a request to inspect it."));
        paneLayout->addWidget(title);
        paneLayout->addWidget(edit);
        inspector->addWidget(pane);
    };
    makePane(m_requestTitle, m_requestTextEdit, QStringLiteral("requestTextEdit"), tr("Request"));
    makePane(m_responseTitle, m_responseTextEdit, QStringLiteral("responseTextEdit"), tr("Response"));
    splitter->addWidget(m_tableStack);
    splitter->addWidget(inspector);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({480, 320});
    layout->addWidget(splitter, 1);

    connect(m_filterLineEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_pauseButton, &QPushButton::toggled, this, &RequestsPage::setPaused);
    connect(m_clearButton, &QPushButton::clicked, this, [this] {
        m_model->clear();
        updateDetails();
    });
    connect(m_revealButton, &QToolButton::toggled, this, &RequestsPage::setRevealSecrets);
    connect(m_model, &RequestLogModel::pendingCountChanged, this, &RequestsPage::updateStatus);

    // Following: the view sticks to the bottom until the user scrolls up, and again once they scroll back down.
    QScrollBar *vbar = m_view->verticalScrollBar();
    connect(vbar, &QScrollBar::valueChanged, this, [this, vbar](int value) {
        if (!m_adjusting)
            m_following = value >= vbar->maximum();
    });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &RequestsPage::onRowsInserted);
    // Dropping the oldest rows shifts the content up; a reader scrolled away keeps the same rows in sight.
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this](const QModelIndex &, int first, int last) {
        m_removingAbove = first == 0 && !m_following ? last - first + 1 : 0;
    });
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, [this, vbar] {
        if (m_removingAbove > 0) {
            m_adjusting = true;
            vbar->setValue(qMax(0, vbar->value() - m_removingAbove));
            m_adjusting = false;
        }
        m_removingAbove = 0;
        updateStatus();
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
        m_following = true;
        updateStatus();
    });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &RequestsPage::updateStatus);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &RequestsPage::updateDetails);

    if (m_server)
        connect(m_server, &ServerController::requestsServed, m_model, &RequestLogModel::append);
    updateStatus();
}

void RequestsPage::onRowsInserted()
{
    if (m_following) {
        m_adjusting = true;
        m_view->scrollToBottom();
        m_adjusting = false;
    }
    updateStatus();
}

void RequestsPage::setPaused(bool paused)
{
    m_model->setPaused(paused);
    if (m_pauseButton->isChecked() != paused)
        m_pauseButton->setChecked(paused);
    updateStatus();
}

void RequestsPage::setRevealSecrets(bool reveal)
{
    if (m_revealButton->isChecked() != reveal)
        m_revealButton->setChecked(reveal);
    m_revealButton->setIcon(QIcon(reveal ? QStringLiteral(":/icons/hide.svg") : QStringLiteral(":/icons/reveal.svg")));
    m_revealButton->setText(reveal ? tr("Hide secrets") : tr("Reveal secrets"));
    updateDetails();
}

void RequestsPage::setFilterText(const QString &text)
{
    m_filterLineEdit->setText(text);
}

QString RequestsPage::requestText() const
{
    return m_requestTextEdit->toPlainText();
}

QString RequestsPage::responseText() const
{
    return m_responseTextEdit->toPlainText();
}

QString RequestsPage::message() const
{
    return m_messageLabel->isHidden() ? QString() : m_messageLabel->text();
}

void RequestsPage::updateStatus()
{
    const int rows = m_model->rowCount();
    m_tableStack->setCurrentWidget(rows == 0 && !m_model->isPaused() ? static_cast<QWidget *>(m_emptyLabel) : m_view);
    const int pending = m_model->pendingCount();
    m_pauseButton->setText(!m_model->isPaused() ? tr("Pause")
            : pending > 0                       ? tr("Resume (%L1 new)").arg(pending)
                                                : tr("Resume"));
    m_pauseButton->setIcon(
        QIcon(m_model->isPaused() ? QStringLiteral(":/icons/start.svg") : QStringLiteral(":/icons/stop.svg")));
    QString count
        = rows == m_model->capacity() ? tr("last %L1 requests").arg(rows) : tr("%n request(s)", nullptr, rows);
    if (m_proxy->rowCount() != rows)
        count = tr("%L1 of %2").arg(m_proxy->rowCount()).arg(count);
    m_countLabel->setText(count);
}

QString RequestsPage::formatBody(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    if (body.isEmpty())
        return {};
    const QByteArray type = headerValue(headers, "Content-Type").toLower();
    if (type.contains("json")) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError)
            return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    }
    if (type.startsWith("application/x-www-form-urlencoded")) {
        QStringList lines;
        const oauth::FormParams params = oauth::FormParams::parse(body);
        for (const auto &[key, value] : params.pairs())
            lines << key + QStringLiteral(" = ") + value;
        return lines.join(QLatin1Char('\n'));
    }
    return QString::fromUtf8(body);
}

void RequestsPage::updateDetails()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_requestTextEdit->clear();
        m_responseTextEdit->clear();
        m_requestTitle->setText(tr("Request"));
        m_responseTitle->setText(tr("Response"));
        return;
    }
    const int row = m_proxy->mapToSource(current).row();
    const RequestLogEntry entry = m_revealButton->isChecked() ? m_model->rawEntry(row) : m_model->redactedEntry(row);
    m_requestTitle->setText(
        tr("Request — %1 %2").arg(QString::fromLatin1(entry.method), entry.path.section(QLatin1Char('?'), 0, 0)));
    m_responseTitle->setText(
        tr("Response — %1 in %2 ms").arg(entry.status).arg(double(entry.durationUs) / 1000.0, 0, 'f', 1));

    QString request = QString::fromLatin1(entry.method) + QLatin1Char(' ') + entry.path + QLatin1Char('\n');
    if (const qsizetype q = entry.path.indexOf(QLatin1Char('?')); q >= 0) {
        request += QLatin1Char('\n') + tr("Query") + QLatin1Char('\n');
        const oauth::FormParams query = oauth::FormParams::parse(entry.path.mid(q + 1).toUtf8());
        for (const auto &[key, value] : query.pairs())
            request += QStringLiteral("  ") + key + QStringLiteral(" = ") + value + QLatin1Char('\n');
    }
    request += QLatin1Char('\n') + tr("Headers") + QLatin1Char('\n') + formatHeaders(entry.requestHeaders);
    const QString requestBody = formatBody(entry.requestBody, entry.requestHeaders);
    if (!requestBody.isEmpty())
        request += QLatin1Char('\n') + tr("Body") + QLatin1Char('\n') + requestBody + QLatin1Char('\n');
    QString meta
        = tr("From %1 at %2").arg(entry.remote, QDateTime::fromMSecsSinceEpoch(entry.atMs).toString(Qt::ISODateWithMs));
    if (!entry.clientId.isEmpty())
        meta += tr(", client %1").arg(entry.clientId);
    request += QLatin1Char('\n') + meta + QLatin1Char('\n');

    QString response = QStringLiteral("HTTP %1\n\n").arg(entry.status) + tr("Headers") + QLatin1Char('\n')
        + formatHeaders(entry.responseHeaders);
    const QString responseBody = formatBody(entry.responseBody, entry.responseHeaders);
    if (!responseBody.isEmpty())
        response += QLatin1Char('\n') + tr("Body") + QLatin1Char('\n') + responseBody + QLatin1Char('\n');
    m_requestTextEdit->setPlainText(request);
    m_responseTextEdit->setPlainText(response);
}

} // namespace oauthdesk::ui
