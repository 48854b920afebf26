#include "KeysModel.h"

#include "util/Clock.h"

#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QLocale>

namespace oauthdesk::ui {

namespace {

QString when(qint64 ms)
{
    return ms > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat) : QString();
}

} // namespace

KeysModel::KeysModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void KeysModel::setKeys(const QList<KeyRecord> &keys)
{
    beginResetModel();
    m_keys = keys;
    endResetModel();
}

void KeysModel::setRetentionMs(qint64 ms)
{
    m_retentionMs = ms;
    if (!m_keys.isEmpty())
        Q_EMIT dataChanged(index(0, StatusColumn), index(rowCount() - 1, StatusColumn));
}

int KeysModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int KeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KeysModel::statusText(const KeyRecord &key) const
{
    if (key.isActive())
        return tr("Active");
    const qint64 until = key.retiredAt + m_retentionMs;
    if (until > Clock::nowMs())
        return tr("Retired, published until %1").arg(when(until));
    return tr("Retired");
}

QVariant KeysModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyRecord &key = m_keys.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case AlgorithmColumn:
            return crypto::algName(key.alg);
        case KidColumn:
            return key.kid;
        case CreatedColumn:
            return when(key.createdAt);
        case RetiredColumn:
            return key.isActive() ? QStringLiteral("–") : when(key.retiredAt);
        case StatusColumn:
            return statusText(key);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case AlgorithmColumn:
            return crypto::algName(key.alg);
        case KidColumn:
            return key.kid;
        case CreatedColumn:
            return key.createdAt;
        case RetiredColumn:
            return key.retiredAt;
        case StatusColumn:
            return key.isActive() ? 0 : 1;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == KidColumn)
            return tr("RFC 7638 thumbprint of the public key; tokens name their key with this \"kid\"");
        break;
    case Qt::FontRole:
        if (index.column() == KidColumn) {
            QFont mono(QStringLiteral("monospace"));
            mono.setStyleHint(QFont::Monospace);
            return mono;
        }
        break;
    case Qt::ForegroundRole:
        if (!key.isActive())
            return QBrush(Qt::gray);
        break;
    default:
        break;
    }
    return {};
}

QVariant KeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case AlgorithmColumn:
        return tr("Algorithm");
    case KidColumn:
        return tr("Key ID (kid)");
    case CreatedColumn:
        return tr("Created");
    case RetiredColumn:
        return tr("Retired");
    case StatusColumn:
        return tr("Status");
    }
    return {};
}

} // namespace oauthdesk::ui
