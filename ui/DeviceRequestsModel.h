#pragma once

#include "storage/DeviceStore.h"

#include <QAbstractTableModel>

namespace oauthdesk::ui {

// Pending RFC 8628 device requests, one row each, with the time left counting down against Clock.
class DeviceRequestsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeviceRequestsModel)

public:
    enum Column { ClientColumn, ScopeColumn, UserCodeColumn, TimeLeftColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, UserCodeRole };

    explicit DeviceRequestsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Replaces the rows; rows whose request is still there keep their place, so a selection survives a refresh.
    void setRequests(const QList<DeviceRequest> &requests);
    // Only the countdown moved: repaints the time-left column.
    void tick();
    const QList<DeviceRequest> &requests() const { return m_requests; }
    std::optional<DeviceRequest> requestAt(int row) const;
    int rowOfUserCode(const QString &userCode) const;

    static QString formatTimeLeft(qint64 ms);

private:
    QList<DeviceRequest> m_requests;
};

} // namespace oauthdesk::ui
