#pragma once

#include "http/RequestLogEntry.h"

#include <QAbstractTableModel>

#include <deque>

namespace oauthdesk::ui {

// The last N requests the server served, oldest at the top; bounded, pausable, raw values kept in memory only.
class RequestLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestLogModel)

public:
    enum Column { Time, Method, Path, Status, Duration, Client, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, FilterRole };

    static constexpr int DefaultCapacity = 5000;

    explicit RequestLogModel(QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    // Drops the oldest rows at once when the log holds more.
    void setCapacity(int entries);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adds a batch at the bottom, dropping the oldest beyond the capacity; while paused, holds it back.
    void append(const QList<RequestLogEntry> &entries);
    void clear();

    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    // Requests that arrived while paused, including those the cap will drop on resume.
    int pendingCount() const { return m_pendingCount; }

    // The entry as served, secrets included.
    const RequestLogEntry &rawEntry(int row) const { return m_rows.at(size_t(row)).raw; }
    // The entry with credentials, codes and tokens masked.
    RequestLogEntry redactedEntry(int row) const { return rawEntry(row).redacted(); }
    qint64 droppedCount() const { return m_dropped; }

Q_SIGNALS:
    void pendingCountChanged(int count);

private:
    struct Row
    {
        RequestLogEntry raw;
        QString displayPath; // the path with secret query parameters masked
    };
    void insertRows(const QList<RequestLogEntry> &entries);
    void dropOldest(int count);

    std::deque<Row> m_rows;
    std::deque<RequestLogEntry> m_pending;
    int m_capacity = DefaultCapacity;
    bool m_paused = false;
    int m_pendingCount = 0;
    qint64 m_dropped = 0;
};

} // namespace oauthdesk::ui
