#pragma once

#include "storage/Config.h"
#include "util/Result.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace oauthdesk {

// One SQLite file: schema migrations, pragmas, and one named QtSql connection per thread.
class Database final
{
public:
    static constexpr int SchemaVersion = 4;
    static constexpr int RequestLogSchemaVersion = 1;

    // Creates the file (mode 0600) if needed, migrates it, and checks it can be written.
    static Result<std::shared_ptr<Database>> open(const QString &path, const TableNames &tables = {});
    // The request log of the database at `mainPath` lives beside it, in "<mainPath>-requests": its writer commits
    // several times a second, and in a file of its own it never holds the lock that token writes wait for.
    static QString requestLogPath(const QString &mainPath);
    static Result<std::shared_ptr<Database>> openRequestLog(const QString &path);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const QString &path() const { return m_path; }
    const TableNames &tables() const { return m_tables; }

    // The calling thread's own connection, opened on first use.
    QSqlDatabase connection();
    // Closes the calling thread's connection; worker threads call this before they finish.
    void releaseThreadConnection();

    // Runs `work` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails. When the calling thread
    // already holds a transaction (a batch), `work` joins it instead.
    Status write(const std::function<Status()> &work);

    // Group commit for the server thread. With batching on, the first write opens a transaction that
    // stays open across requests until commitBatch() makes all of them durable at once.
    void setBatching(bool enabled);
    Status commitBatch();
    void rollbackBatch();
    bool inBatch() const; // a batch transaction is open on the calling thread

    static Result<int> schemaVersionOf(const QString &path);

    // For ReadCache. Statements that change or delete rows some thread may keep in memory (clients, users, issued
    // tokens) run through execChange(), which calls noteRowsChanged() once they ran; so does every rollback.
    // Commits by other connections show in dataVersion() (PRAGMA data_version of the calling thread's connection,
    // -1 if it cannot be read).
    Status execChange(QSqlQuery &query);
    void noteRowsChanged() { m_rowsChanged.fetch_add(1, std::memory_order_acq_rel); }
    quint64 rowsChangedGeneration() const { return m_rowsChanged.load(std::memory_order_acquire); }
    qint64 dataVersion();

private:
    enum class Kind { Main, RequestLog };
    static constexpr int latestVersion(Kind kind)
    {
        return kind == Kind::Main ? SchemaVersion : RequestLogSchemaVersion;
    }
    static Result<std::shared_ptr<Database>> openFile(const QString &path, const TableNames &tables, Kind kind);
    Database(QString path, TableNames tables, Kind kind);
    Status migrate();
    Status exec(QSqlDatabase db, const QString &sql);
    void rollback(QSqlDatabase db, const QString &statement); // ROLLBACK or ROLLBACK TO
    QString connectionName() const;

    QString m_path;
    TableNames m_tables;
    Kind m_kind;
    QString m_id;
    mutable QMutex m_mutex;
    QStringList m_connectionNames;
    std::atomic<quint64> m_rowsChanged{0};
};

// A prepared statement borrowed from the calling thread's statement cache. When it goes out of scope it is reset,
// so no statement keeps an old read snapshot open (that would hide other threads' commits, revocations included),
// and it goes back to the cache.
class PreparedQuery final : public QSqlQuery
{
public:
    PreparedQuery(QSqlQuery &&query, QString connectionName, QString sql);
    PreparedQuery(PreparedQuery &&other) noexcept;
    PreparedQuery(const PreparedQuery &) = delete;
    PreparedQuery &operator=(const PreparedQuery &) = delete;
    PreparedQuery &operator=(PreparedQuery &&) = delete;
    ~PreparedQuery();

private:
    QString m_connectionName;
    QString m_sql; // empty once moved from: nothing to give back
};

// Prepares `sql` once per thread and connection, and hands out the cached statement after that.
Result<PreparedQuery> prepare(QSqlDatabase db, const QString &sql);
// Drops the calling thread's cached statements of one connection (before the connection is removed).
void dropPreparedQueries(const QString &connectionName);
Status execQuery(QSqlQuery &query);
Error storageError(const QSqlQuery &query);

} // namespace oauthdesk
