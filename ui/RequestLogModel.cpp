#include "RequestLogModel.h"

#include <QColor>
#include <QDateTime>
#include <QFontDatabase>

namespace oauthdesk::ui {

namespace {

QColor statusColor(int status)
{
    if (status >= 500)
        return QColor(0xd9, 0x30, 0x25);
    if (status >= 400)
        return QColor(0xe3, 0x74, 0x00);
    if (status >= 300)
        return QColor(0x1a, 0x73, 0xe8);
    return QColor(0x1e, 0x8e, 0x3e);
}

QString maskedPath(const RequestLogEntry &entry)
{
    // Only a query string can carry a secret in the path; most requests skip the work.
    if (!entry.path.contains(QLatin1Char('?')))
        return entry.path;
    RequestLogEntry pathOnly;
    pathOnly.path = entry.path;
    return pathOnly.redacted().path;
}

} // namespace

RequestLogModel::RequestLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void RequestLogModel::setCapacity(int entries)
{
    m_capacity = qMax(1, entries);
    if (int(m_rows.size()) > m_capacity)
        dropOldest(int(m_rows.size()) - m_capacity);
    while (int(m_pending.size()) > m_capacity)
        m_pending.pop_front();
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(size_t(index.row()));
    const RequestLogEntry &e = row.raw;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.atMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case Method:
            return QString::fromLatin1(e.method);
        case Path:
            return row.displayPath;
        case Status:
            return e.status;
        case Duration:
            return e.durationUs < 1000 ? tr("%1 µs").arg(e.durationUs)
                                       : tr("%1 ms").arg(double(e.durationUs) / 1000.0, 0, 'f', 1);
        case Client:
            return e.clientId.isEmpty() ? QStringLiteral("—") : e.clientId;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Path)
            return row.displayPath;
        if (index.column() == Time)
            return QDateTime::fromMSecsSinceEpoch(e.atMs).toString(Qt::ISODateWithMs);
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return statusColor(e.status);
        if (index.column() == Client && e.clientId.isEmpty())
            return QColor(0x80, 0x86, 0x8b);
        break;
    case Qt::FontRole:
        if (index.column() == Path || index.column() == Method) {
            QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
            if (index.column() == Method)
                font.setBold(true);
            return font;
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Duration || index.column() == Status)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SortRole:
        switch (index.column()) {
        case Time:
            return e.atMs;
        case Method:
            return QString::fromLatin1(e.method);
        case Path:
            return row.displayPath;
        case Status:
            return e.status;
        case Duration:
            return e.durationUs;
        case Client:
            return e.clientId;
        }
        break;
    case FilterRole:
        // What the filter line edit matches: never the raw path, so a typed secret finds nothing it should hide.
        return QString(row.displayPath + QLatin1Char(' ') + QString::number(e.status) + QLatin1Char(' ') + e.clientId
            + QLatin1Char(' ') + QString::fromLatin1(e.method));
    }
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == Duration || section == Status ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                        : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Method:
        return tr("Method");
    case Path:
        return tr("Path");
    case Status:
        return tr("Status");
    case Duration:
        return tr("Duration");
    case Client:
        return tr("Client");
    }
    return {};
}

void RequestLogModel::append(const QList<RequestLogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    if (m_paused) {
        m_pendingCount += int(entries.size());
        for (const RequestLogEntry &e : entries)
            m_pending.push_back(e);
        while (int(m_pending.size()) > m_capacity)
            m_pending.pop_front();
        Q_EMIT pendingCountChanged(m_pendingCount);
        return;
    }
    insertRows(entries);
}

void RequestLogModel::insertRows(const QList<RequestLogEntry> &entries)
{
    // Of a batch larger than the log only its newest part would survive: skip the rest before inserting.
    const qsizetype skip = qMax<qsizetype>(0, entries.size() - m_capacity);
    const int incoming = int(entries.size() - skip);
    const int overflow = int(m_rows.size()) + incoming - m_capacity;
    if (overflow > 0)
        dropOldest(qMin(overflow, int(m_rows.size())));
    m_dropped += skip;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (qsizetype i = skip; i < entries.size(); ++i)
        m_rows.push_back(Row{entries.at(i), maskedPath(entries.at(i))});
    endInsertRows();
}

void RequestLogModel::dropOldest(int count)
{
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, count - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + count);
    endRemoveRows();
    m_dropped += count;
}

void RequestLogModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    m_pending.clear();
    if (m_pendingCount != 0) {
        m_pendingCount = 0;
        Q_EMIT pendingCountChanged(0);
    }
}

void RequestLogModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused)
        return;
    QList<RequestLogEntry> pending(m_pending.begin(), m_pending.end());
    // Arrivals beyond what the pending buffer kept were dropped while paused.
    m_dropped += m_pendingCount - int(pending.size());
    m_pending.clear();
    m_pendingCount = 0;
    Q_EMIT pendingCountChanged(0);
    if (!pending.isEmpty())
        insertRows(pending);
}

} // namespace oauthdesk::ui
