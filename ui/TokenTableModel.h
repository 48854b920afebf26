#pragma once

#include "storage/Database.h"
#include "storage/TokenStore.h"
#include "storage/Types.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QList>
#include <QTimer>

#include <memory>

namespace oauthdesk::ui {

// One kind of token as a live table: loads newest first in pages, merges new rows and status changes in place.
class TokenTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenTableModel)

public:
    enum Column { Client, User, Scopes, Prefix, Issued, ExpiresIn, Status, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, IdRole, StatusRole };

    static constexpr int DefaultPageSize = 500;
    // New rows merged by one refresh; more wait for the next event-loop turn, so the GUI never stalls.
    static constexpr int MergeChunk = 500; // rows merged per refresh: bounds the time the GUI thread spends on one
    // Beyond this many loaded rows the oldest are dropped again (and fetched back when scrolled to).
    static constexpr int DefaultMaxLoadedRows = 5000;
    static constexpr int RefreshIntervalMs = 250;

    TokenTableModel(std::shared_ptr<Database> db, TokenKind kind, QObject *parent = nullptr);

    TokenKind kind() const { return m_kind; }
    const TokenFilter &filter() const { return m_filter; }
    // Replaces the filter and reloads from the newest row; limit, afterId, sinceId and order are the model's own.
    void setFilter(const TokenFilter &filter);
    void setPageSize(int rows) { m_pageSize = qMax(1, rows); }
    void setMaxLoadedRows(int rows) { m_maxLoadedRows = qMax(m_pageSize, rows); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const TokenRecord &record(int row) const { return m_rows.at(m_rows.size() - 1 - row); }
    int rowOfId(qint64 id) const; // -1 when not loaded
    // Rows matching the filter in the database, as of the last reload plus rows merged since.
    int totalCount() const { return m_total; }
    QString lastError() const { return m_lastError; }

    // Drops everything and loads the first page again (a model reset).
    void reload();
    // Merges rows issued since the last look at the top and refreshes the statuses of loaded rows; no reset.
    // Returns false when more new rows are waiting.
    bool refresh();
    // Throttled refresh for change notifications: at most one per RefreshIntervalMs.
    void requestRefresh();
    // Repaints the countdown of rows [first, last] (visible rows) and the status of rows that expired since.
    void tick(int first, int last);

    static QString formatRemaining(qint64 ms);

Q_SIGNALS:
    void errorOccurred(const QString &message);
    void totalCountChanged(int total);

private:
    void setError(const QString &message);
    qint64 newestLoadedId() const { return m_rows.isEmpty() ? 0 : m_rows.last().id; }
    bool mergeNewRows();
    void refreshStatuses();
    void trim();

    std::shared_ptr<Database> m_db;
    TokenStore m_tokens;
    TokenKind m_kind;
    TokenFilter m_filter;
    // Id ascending, so merging new rows appends and trimming drops from the front: view row r is
    // m_rows[size - 1 - r], newest first.
    QList<TokenRecord> m_rows;
    qint64 m_watermark = 0; // every id up to here has been looked at for the top
    bool m_exhausted = false;
    int m_pageSize = DefaultPageSize;
    int m_maxLoadedRows = DefaultMaxLoadedRows;
    int m_total = 0;
    qint64 m_lastTickMs = 0;
    QString m_lastError;
    QTimer m_throttle;
    mutable QHash<int, QIcon> m_dots;
    bool m_changing = false; // between begin and end of an insert: views may call back into fetchMore
};

} // namespace oauthdesk::ui
