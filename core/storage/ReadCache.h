#pragma once

#include "storage/Database.h"

#include <QHash>
#include <QString>

#include <optional>

namespace oauthdesk {

// Whether a store keeps what it found in a ReadCache.
enum class Caching { Off, On };

// Rows one thread looked up, kept in memory until the database says any of them may have changed: a commit by
// another connection (PRAGMA data_version) or a Database::noteRowsChanged(). Every lookup checks both first; that
// costs one PRAGMA, far less than a SELECT through QtSql. Rows that were not found are not kept.
template <typename T> class ReadCache final
{
public:
    explicit ReadCache(qsizetype capacity)
        : m_capacity(capacity)
    { }

    // The row for `key`, from memory or else from `load` (a callable returning std::optional<T>).
    template <typename Load> std::optional<T> get(Database &db, const QString &key, Load &&load)
    {
        validate(db);
        if (const auto it = m_items.constFind(key); it != m_items.constEnd())
            return *it;
        std::optional<T> row = load();
        if (row) {
            if (m_items.size() >= m_capacity)
                m_items.clear();
            m_items.insert(key, *row);
        }
        return row;
    }

private:
    void validate(Database &db)
    {
        // The generation first: a change landing between the two reads costs one reload, never a stale row.
        const quint64 generation = db.rowsChangedGeneration();
        const qint64 dataVersion = db.dataVersion();
        if (generation != m_generation || dataVersion != m_dataVersion || dataVersion < 0) {
            m_items.clear();
            m_generation = generation;
            m_dataVersion = dataVersion;
        }
    }

    qsizetype m_capacity;
    quint64 m_generation = 0;
    qint64 m_dataVersion = -1;
    QHash<QString, T> m_items;
};

} // namespace oauthdesk
