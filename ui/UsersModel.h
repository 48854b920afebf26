#pragma once

#include "storage/Types.h"

#include <QAbstractTableModel>

namespace oauthdesk::ui {

// The test users as a table; reload() keeps rows (and so the selection) that did not go away.
class UsersModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersModel)

public:
    enum Column { Username, Subject, Password, Claims, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, UsernameRole, UserRole };

    explicit UsersModel(QObject *parent = nullptr);

    void setUsers(const QList<User> &users);
    const QList<User> &users() const { return m_users; }
    int rowOf(const QString &username) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A claim value as the user dialog and the table show it: strings raw, everything else as JSON.
    static QString claimText(const QJsonValue &value);

private:
    QList<User> m_users;
};

} // namespace oauthdesk::ui
