#include "ClientsModel.h"

#include <QBrush>
#include <QFontDatabase>
#include <QPalette>
#include <QSet>

namespace oauthdesk::ui {

ClientsModel::ClientsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString ClientsModel::grantLabel(const QString &grant)
{
    // The device grant's URN is too long for a table cell; its short name is what people say.
    if (grant == grant::DeviceCode)
        return QStringLiteral("device_code");
    return grant;
}

void ClientsModel::setClients(const QList<Client> &clients)
{
    QSet<QString> incoming;
    for (const Client &c : clients)
        incoming.insert(c.clientId);
    for (int row = int(m_clients.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_clients.at(row).clientId))
            continue;
        beginRemoveRows({}, row, row);
        m_clients.removeAt(row);
        endRemoveRows();
    }
    for (const Client &c : clients) {
        const int row = rowOf(c.clientId);
        if (row < 0) {
            const int at = int(m_clients.size());
            beginInsertRows({}, at, at);
            m_clients.append(c);
            endInsertRows();
        } else if (!(m_clients.at(row) == c)) {
            m_clients[row] = c;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

int ClientsModel::rowOf(const QString &clientId) const
{
    for (int i = 0; i < m_clients.size(); ++i)
        if (m_clients.at(i).clientId == clientId)
            return i;
    return -1;
}

int ClientsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_clients.size());
}

int ClientsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClientsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Client &c = m_clients.at(index.row());
    if (role == ClientIdRole)
        return c.clientId;
    if (role == ClientRole)
        return QVariant::fromValue(c);
    if (role == Qt::DisplayRole || role == SortRole || role == Qt::ToolTipRole) {
        switch (Column(index.column())) {
        case Name:
            return c.name;
        case ClientId:
            return c.clientId;
        case Type:
            return c.isPublic ? tr("Public") : tr("Confidential");
        case Grants: {
            QStringList labels;
            for (const QString &g : c.grantTypes)
                labels.append(grantLabel(g));
            return labels.join(role == Qt::ToolTipRole ? QStringLiteral("\n") : QStringLiteral(", "));
        }
        case RedirectUris:
            if (c.redirectUris.isEmpty())
                return role == SortRole ? QString() : tr("—");
            return c.redirectUris.join(role == Qt::ToolTipRole ? QStringLiteral("\n") : QStringLiteral(" "));
        case Active:
            if (role == SortRole)
                return c.active;
            return c.active ? tr("Active") : tr("Disabled");
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::ForegroundRole && !c.active)
        return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
    if (role == Qt::FontRole && index.column() == ClientId) {
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    }
    return {};
}

QVariant ClientsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case ClientId:
        return tr("Client ID");
    case Type:
        return tr("Type");
    case Grants:
        return tr("Grants");
    case RedirectUris:
        return tr("Redirect URIs");
    case Active:
        return tr("Status");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace oauthdesk::ui
