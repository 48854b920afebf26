#include "TablePage.h"

#include "MessageBar.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace oauthdesk::ui {

TablePage::TablePage(QAbstractItemModel *model, int sortRole, const QString &emptyHint, QWidget *parent)
    : QWidget(parent)
    , m_messageBar(new MessageBar(this))
    , m_toolBar(new QToolBar(this))
    , m_filterEdit(new QLineEdit(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTableView(this))
    , m_emptyLabel(new QLabel(emptyHint, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_reloadTimer(new QTimer(this))
{
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(18, 18));
    m_filterEdit->setObjectName(QStringLiteral("filterLineEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    m_filterEdit->setMaximumWidth(260);

    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(sortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(0, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::RichText);
    QPalette palette = m_emptyLabel->palette();
    palette.setColor(QPalette::WindowText, palette.color(QPalette::Disabled, QPalette::WindowText));
    m_emptyLabel->setPalette(palette);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_emptyLabel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);
    auto *top = new QHBoxLayout;
    top->addWidget(m_toolBar, 1);
    top->addWidget(m_filterEdit);
    layout->addLayout(top);
    layout->addWidget(m_messageBar);
    layout->addWidget(m_stack, 1);

    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(400);
    connect(m_reloadTimer, &QTimer::timeout, this, [this] { reload(); });
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &TablePage::updateEmptyState);
    connect(model, &QAbstractItemModel::modelReset, this, &TablePage::updateEmptyState);
    updateEmptyState();
}

void TablePage::scheduleReload()
{
    // A throttle, not a debounce: a steady stream of changes still refreshes every interval.
    if (!m_reloadTimer->isActive())
        m_reloadTimer->start();
}

void TablePage::showEvent(QShowEvent *event)
{
    // Another process (the command line) may have changed the database while the page was hidden.
    reload();
    QWidget::showEvent(event);
}

int TablePage::currentSourceRow() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return m_proxy->mapToSource(rows.first()).row();
}

void TablePage::selectSourceRow(int row)
{
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_proxy->sourceModel()->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void TablePage::updateEmptyState()
{
    m_stack->setCurrentWidget(m_proxy->sourceModel()->rowCount() == 0 ? static_cast<QWidget *>(m_emptyLabel)
                                                                      : static_cast<QWidget *>(m_view));
}

} // namespace oauthdesk::ui
