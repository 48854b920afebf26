#pragma once

#include "storage/Types.h"

#include <QAbstractTableModel>

namespace oauthdesk::ui {

// The registered clients as a table; reload() keeps rows (and so the selection) that did not go away.
class ClientsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientsModel)

public:
    enum Column { Name, ClientId, Type, Grants, RedirectUris, Active, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, ClientIdRole, ClientRole };

    explicit ClientsModel(QObject *parent = nullptr);

    // Replaces the rows with `clients`, as inserts, removals and changes rather than a reset.
    void setClients(const QList<Client> &clients);
    const QList<Client> &clients() const { return m_clients; }
    int rowOf(const QString &clientId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString grantLabel(const QString &grant);

private:
    QList<Client> m_clients;
};

} // namespace oauthdesk::ui
