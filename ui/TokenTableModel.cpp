#include "TokenTableModel.h"

#include "util/Clock.h"

#include <QColor>
#include <QDateTime>
#include <QFontDatabase>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace oauthdesk::ui {

namespace {

QColor statusColor(TokenStatus status)
{
    switch (status) {
    case TokenStatus::Active:
        return QColor(0x1e, 0x8e, 0x3e);
    case TokenStatus::Expired:
        return QColor(0x80, 0x86, 0x8b);
    case TokenStatus::Revoked:
        return QColor(0xd9, 0x30, 0x25);
    case TokenStatus::Used:
        return QColor(0x1a, 0x73, 0xe8);
    }
    return {};
}

QIcon paintStatusDot(TokenStatus status)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(statusColor(status));
    painter.drawEllipse(QRectF(2, 2, 8, 8));
    painter.end();
    return QIcon(pixmap);
}

// The newest row of the whole table, whatever the filter: where the loaded pages end and new rows begin.
TokenFilter newestOnly()
{
    TokenFilter f;
    f.limit = 1;
    return f;
}

QString formatIssued(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    if (at.date() == QDate::currentDate())
        return at.toString(QStringLiteral("HH:mm:ss"));
    return at.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

TokenTableModel::TokenTableModel(std::shared_ptr<Database> db, TokenKind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(db)
    , m_tokens(std::move(db))
    , m_kind(kind)
{
    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, [this] {
        if (!refresh())
            m_throttle.start(0);
    });
    reload();
}

void TokenTableModel::setFilter(const TokenFilter &filter)
{
    m_filter = filter;
    m_filter.limit = -1;
    m_filter.afterId = 0;
    m_filter.sinceId = 0;
    m_filter.oldestFirst = false;
    reload();
}

void TokenTableModel::setError(const QString &message)
{
    m_lastError = message;
    Q_EMIT errorOccurred(message);
}

int TokenTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TokenTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TokenRecord &r = record(index.row());
    const qint64 now = Clock::nowMs();
    const TokenStatus status = r.status(now);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Client:
            return r.clientId;
        case User:
            return r.username.isEmpty() ? QStringLiteral("—") : r.username;
        case Scopes:
            return r.scope.isEmpty() ? QStringLiteral("—") : r.scope;
        case Prefix:
            return QString(r.prefix + QStringLiteral("…"));
        case Issued:
            return formatIssued(r.issuedAt);
        case ExpiresIn:
            return status == TokenStatus::Active ? formatRemaining(r.expiresAt - now) : QStringLiteral("—");
        case Status:
            return toString(status);
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Scopes:
            return r.scope;
        case Issued:
            return QDateTime::fromMSecsSinceEpoch(r.issuedAt).toString(Qt::ISODateWithMs);
        case ExpiresIn:
            return QDateTime::fromMSecsSinceEpoch(r.expiresAt).toString(Qt::ISODateWithMs);
        case Status:
            if (status == TokenStatus::Used)
                return m_kind == TokenKind::RefreshToken ? tr("Rotated: exchanged for a new refresh token")
                                                         : tr("Redeemed at the token endpoint");
            break;
        case User:
            if (r.username.isEmpty())
                return tr("No user: a client_credentials token");
            break;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return statusColor(status);
        if ((index.column() == User && r.username.isEmpty()) || (index.column() == Scopes && r.scope.isEmpty())
            || (index.column() == ExpiresIn && status != TokenStatus::Active))
            return QColor(0x80, 0x86, 0x8b);
        break;
    case Qt::DecorationRole:
        if (index.column() == Status) {
            // Painted once per status and model (never static: pixmaps must die before the application).
            auto it = m_dots.find(int(status));
            if (it == m_dots.end())
                it = m_dots.insert(int(status), paintStatusDot(status));
            return *it;
        }
        break;
    case Qt::FontRole:
        if (index.column() == Prefix)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == ExpiresIn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SortRole:
        switch (index.column()) {
        case Client:
            return r.clientId;
        case User:
            return r.username;
        case Scopes:
            return r.scope;
        case Prefix:
            return r.prefix;
        case Issued:
            return r.issuedAt;
        case ExpiresIn:
            return r.expiresAt;
        case Status:
            return int(status);
        }
        break;
    case IdRole:
        return r.id;
    case StatusRole:
        return int(status);
    }
    return {};
}

QVariant TokenTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && section == ExpiresIn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Client:
        return tr("Client");
    case User:
        return tr("User");
    case Scopes:
        return tr("Scopes");
    case Prefix:
        return tr("Prefix");
    case Issued:
        return tr("Issued");
    case ExpiresIn:
        return tr("Expires in");
    case Status:
        return tr("Status");
    }
    return {};
}

QString TokenTableModel::formatRemaining(qint64 ms)
{
    const qint64 secs = qMax<qint64>(0, (ms + 999) / 1000);
    if (secs < 60)
        return tr("%1 s").arg(secs);
    if (secs < 3600)
        return tr("%1 m %2 s").arg(secs / 60).arg(secs % 60, 2, 10, QLatin1Char('0'));
    if (secs < 86400)
        return tr("%1 h %2 m").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QLatin1Char('0'));
    return tr("%1 d %2 h").arg(secs / 86400).arg((secs % 86400) / 3600);
}

int TokenTableModel::rowOfId(qint64 id) const
{
    // Rows are sorted by id, so a binary search finds one among 100 000 at once.
    auto it = std::lower_bound(
        m_rows.cbegin(), m_rows.cend(), id, [](const TokenRecord &r, qint64 value) { return r.id < value; });
    if (it == m_rows.cend() || it->id != id)
        return -1;
    return int(m_rows.cend() - it - 1);
}

void TokenTableModel::reload()
{
    m_changing = true;
    beginResetModel();
    m_rows.clear();
    m_exhausted = true;
    m_total = 0;
    m_watermark = 0;
    m_lastError.clear();
    QString error;
    // Everything up to the newest id now belongs to the pages; newer rows arrive through refresh().
    auto newest = m_tokens.list(m_kind, newestOnly());
    if (!newest) {
        error = newest.error().message;
    } else if (!newest->isEmpty()) {
        m_watermark = newest->first().id;
        TokenFilter page = m_filter;
        page.afterId = m_watermark + 1;
        page.limit = m_pageSize;
        if (auto rows = m_tokens.list(m_kind, page)) {
            m_rows = std::move(*rows);
            std::reverse(m_rows.begin(), m_rows.end());
            m_exhausted = m_rows.size() < m_pageSize;
            page.limit = -1;
            if (auto n = m_tokens.count(m_kind, page))
                m_total = *n;
            else
                error = n.error().message;
        } else {
            error = rows.error().message;
        }
    }
    endResetModel();
    m_changing = false;
    Q_EMIT totalCountChanged(m_total);
    if (!error.isEmpty())
        setError(error);
}

bool TokenTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted && !m_changing;
}

void TokenTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_exhausted || m_changing)
        return;
    TokenFilter page = m_filter;
    page.afterId = m_rows.isEmpty() ? m_watermark + 1 : m_rows.first().id;
    page.limit = m_pageSize;
    auto rows = m_tokens.list(m_kind, page);
    if (!rows) {
        // Stop asking: a view would otherwise retry on every scroll event.
        m_exhausted = true;
        setError(rows.error().message);
        return;
    }
    m_exhausted = rows->size() < m_pageSize;
    if (rows->isEmpty())
        return;
    m_changing = true;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows->size() - 1));
    std::reverse(rows->begin(), rows->end());
    rows->append(std::move(m_rows));
    m_rows = std::move(*rows);
    endInsertRows();
    m_changing = false;
}

bool TokenTableModel::mergeNewRows()
{
    auto newest = m_tokens.list(m_kind, newestOnly());
    if (!newest) {
        setError(newest.error().message);
        return false;
    }
    if (newest->isEmpty() || newest->first().id <= m_watermark)
        return false;
    const qint64 top = newest->first().id;
    TokenFilter fresh = m_filter;
    fresh.sinceId = m_watermark;
    fresh.afterId = top + 1;
    fresh.oldestFirst = true;
    fresh.limit = MergeChunk;
    auto rows = m_tokens.list(m_kind, fresh);
    if (!rows) {
        setError(rows.error().message);
        return false;
    }
    const bool more = rows->size() == MergeChunk;
    m_watermark = more ? rows->last().id : top;
    const qint64 loadedTop = newestLoadedId();
    const auto fresh_begin
        = std::find_if(rows->cbegin(), rows->cend(), [loadedTop](const TokenRecord &r) { return r.id > loadedTop; });
    const int added = int(rows->cend() - fresh_begin);
    if (added > 0) {
        m_changing = true;
        beginInsertRows({}, 0, added - 1);
        m_rows.append(rows->mid(fresh_begin - rows->cbegin()));
        endInsertRows();
        m_changing = false;
        m_total += int(rows->size());
        Q_EMIT totalCountChanged(m_total);
        trim();
    }
    return more;
}

void TokenTableModel::trim()
{
    if (m_rows.size() <= m_maxLoadedRows)
        return;
    m_changing = true;
    const int excess = int(m_rows.size()) - m_maxLoadedRows;
    beginRemoveRows({}, m_maxLoadedRows, int(m_rows.size() - 1));
    m_rows.remove(0, excess);
    endRemoveRows();
    m_changing = false;
    m_exhausted = false;
}

void TokenTableModel::refreshStatuses()
{
    if (m_rows.isEmpty())
        return;
    auto marks = m_tokens.endMarks(m_kind, m_rows.first().id, m_rows.last().id);
    if (!marks) {
        setError(marks.error().message);
        return;
    }
    // Changed rows are reported as contiguous runs: one dataChanged per run, not per row.
    // Storage runs upwards while view rows run downwards: a run [first, last] of view rows is reported as one.
    int runStart = -1;
    auto flush = [&](int end) {
        if (runStart >= 0)
            Q_EMIT dataChanged(index(runStart, 0), index(end, ColumnCount - 1));
        runStart = -1;
    };
    const int size = int(m_rows.size());
    for (int row = 0; row < size; ++row) {
        TokenRecord &r = m_rows[size - 1 - row];
        const TokenStore::EndMarks m = marks->value(r.id);
        if (m.revokedAt != r.revokedAt || m.usedAt != r.usedAt) {
            r.revokedAt = m.revokedAt;
            r.usedAt = m.usedAt;
            if (runStart < 0)
                runStart = row;
        } else {
            flush(row - 1);
        }
    }
    flush(int(m_rows.size() - 1));
}

bool TokenTableModel::refresh()
{
    if (m_changing)
        return true;
    const bool more = mergeNewRows();
    refreshStatuses();
    return !more;
}

void TokenTableModel::requestRefresh()
{
    if (!m_throttle.isActive())
        m_throttle.start(RefreshIntervalMs);
}

void TokenTableModel::tick(int first, int last)
{
    if (m_rows.isEmpty())
        return;
    if (first < 0 || last < 0) {
        first = 0;
        last = int(m_rows.size() - 1);
    }
    first = qBound(0, first, int(m_rows.size() - 1));
    last = qBound(first, last, int(m_rows.size() - 1));
    // Status sits right of the countdown, so one signal repaints both, and a row that just expired turns grey.
    Q_EMIT dataChanged(index(first, ExpiresIn), index(last, Status));
}

} // namespace oauthdesk::ui
