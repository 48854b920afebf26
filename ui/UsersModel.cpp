#include "UsersModel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace oauthdesk::ui {

UsersModel::UsersModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString UsersModel::claimText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    // Wrapped in an array so scalars (true, 42) serialize too; the brackets are cut off again.
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

void UsersModel::setUsers(const QList<User> &users)
{
    QSet<QString> incoming;
    for (const User &u : users)
        incoming.insert(u.username);
    for (int row = int(m_users.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_users.at(row).username))
            continue;
        beginRemoveRows({}, row, row);
        m_users.removeAt(row);
        endRemoveRows();
    }
    for (const User &u : users) {
        const int row = rowOf(u.username);
        if (row < 0) {
            const int at = int(m_users.size());
            beginInsertRows({}, at, at);
            m_users.append(u);
            endInsertRows();
        } else if (!(m_users.at(row) == u)) {
            m_users[row] = u;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

int UsersModel::rowOf(const QString &username) const
{
    for (int i = 0; i < m_users.size(); ++i)
        if (m_users.at(i).username == username)
            return i;
    return -1;
}

int UsersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

int UsersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const User &u = m_users.at(index.row());
    if (role == UsernameRole)
        return u.username;
    if (role == UserRole)
        return QVariant::fromValue(u);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Username:
        return u.username;
    case Subject:
        return u.sub;
    case Password:
        if (role == SortRole)
            return u.hasPassword();
        return u.hasPassword() ? tr("Set") : tr("None");
    case Claims: {
        QStringList parts;
        for (auto it = u.claims.begin(); it != u.claims.end(); ++it)
            parts.append(it.key() + QStringLiteral("=") + claimText(it.value()));
        if (parts.isEmpty())
            return role == SortRole ? QString() : tr("—");
        return parts.join(role == Qt::ToolTipRole ? QStringLiteral("\n") : QStringLiteral(", "));
    }
    case ColumnCount:
        break;
    }
    return {};
}

QVariant UsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Username:
        return tr("Username");
    case Subject:
        return tr("Subject (sub)");
    case Password:
        return tr("Password");
    case Claims:
        return tr("Claims");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace oauthdesk::ui
