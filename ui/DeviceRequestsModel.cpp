#include "DeviceRequestsModel.h"

#include "util/Clock.h"

#include <QFont>
#include <QSet>

namespace oauthdesk::ui {

DeviceRequestsModel::DeviceRequestsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int DeviceRequestsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_requests.size());
}

int DeviceRequestsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DeviceRequestsModel::formatTimeLeft(qint64 ms)
{
    const qint64 secs = std::max<qint64>(0, (ms + 999) / 1000);
    return QStringLiteral("%1:%2").arg(secs / 60).arg(secs % 60, 2, 10, QLatin1Char('0'));
}

QVariant DeviceRequestsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DeviceRequest &r = m_requests.at(index.row());
    const qint64 left = r.expiresAt - Clock::nowMs();
    if (role == UserCodeRole)
        return r.userCode;
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case ClientColumn:
            return r.clientName.isEmpty() ? r.clientId : r.clientName;
        case ScopeColumn:
            return r.scope.isEmpty() ? (role == SortRole ? QString() : tr("(none)")) : r.scope;
        case UserCodeColumn:
            return r.userCode;
        case TimeLeftColumn:
            return role == SortRole ? QVariant(left) : QVariant(left > 0 ? formatTimeLeft(left) : tr("expired"));
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == ClientColumn)
        return r.clientId;
    if (role == Qt::TextAlignmentRole && (index.column() == TimeLeftColumn || index.column() == UserCodeColumn))
        return int(Qt::AlignCenter);
    if (role == Qt::FontRole && index.column() == UserCodeColumn) {
        QFont mono(QStringLiteral("monospace"));
        mono.setStyleHint(QFont::Monospace);
        mono.setBold(true);
        return mono;
    }
    return {};
}

QVariant DeviceRequestsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ClientColumn:
        return tr("Client");
    case ScopeColumn:
        return tr("Scopes");
    case UserCodeColumn:
        return tr("User code");
    case TimeLeftColumn:
        return tr("Time left");
    default:
        return {};
    }
}

void DeviceRequestsModel::setRequests(const QList<DeviceRequest> &requests)
{
    QSet<qint64> incoming;
    for (const DeviceRequest &r : requests)
        incoming.insert(r.id);
    // Remove rows that are gone, from the bottom up so row numbers stay right.
    for (int row = int(m_requests.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_requests.at(row).id))
            continue;
        beginRemoveRows({}, row, row);
        m_requests.removeAt(row);
        endRemoveRows();
    }
    // Update the rows that stay, append the new ones (the store lists oldest first, so new ones come last).
    for (const DeviceRequest &r : requests) {
        const int row = rowOfUserCode(r.userCode);
        if (row >= 0) {
            if (!(m_requests.at(row) == r)) {
                m_requests[row] = r;
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        const int at = int(m_requests.size());
        beginInsertRows({}, at, at);
        m_requests.append(r);
        endInsertRows();
    }
    tick();
}

void DeviceRequestsModel::tick()
{
    if (!m_requests.isEmpty())
        emit dataChanged(
            index(0, TimeLeftColumn), index(int(m_requests.size()) - 1, TimeLeftColumn), {Qt::DisplayRole, SortRole});
}

std::optional<DeviceRequest> DeviceRequestsModel::requestAt(int row) const
{
    if (row < 0 || row >= m_requests.size())
        return std::nullopt;
    return m_requests.at(row);
}

int DeviceRequestsModel::rowOfUserCode(const QString &userCode) const
{
    for (int row = 0; row < m_requests.size(); ++row)
        if (m_requests.at(row).userCode == userCode)
            return row;
    return -1;
}

} // namespace oauthdesk::ui
