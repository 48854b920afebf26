#include "storage/Database.h"

#include "storage/Schema.h"

#include <QDir>
#include <QFileInfo>
#include <QMutexLocker>
#include <QSet>
#include <QSqlError>
#include <QThread>
#include <QUuid>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace oauthdesk {

namespace {

// Which databases the calling thread batches writes for, and which of those hold an open transaction.
thread_local QSet<const Database *> t_batching;
thread_local QSet<const Database *> t_batches;
// Which databases the calling thread is inside write() for: nested writes become savepoints.
thread_local QSet<const Database *> t_writing;

Status createFilePrivately(const QString &path)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(Error::invalid(QStringLiteral("cannot create the folder %1").arg(info.absolutePath())));
    const QByteArray native = QFile::encodeName(path);
    // O_EXCL: never chmod a file somebody else created; only our own new file gets 0600 at birth.
    const int fd = ::open(native.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return {};
        return fail(Error::invalid(
            QStringLiteral("cannot create database %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    }
    ::close(fd);
    return {};
}

} // namespace

Error storageError(const QSqlQuery &query)
{
    QString text = query.lastError().text();
    if (text.trimmed().isEmpty())
        text = QStringLiteral("unknown database error");
    return Error::storage(text);
}

namespace {
// Per thread: connection name -> SQL -> prepared statement. sqlite3_prepare costs more than most lookups.
thread_local QHash<QString, QHash<QString, QSqlQuery>> t_statements;
constexpr int MaxCachedStatements = 128;
} // namespace

PreparedQuery::PreparedQuery(QSqlQuery &&query, QString connectionName, QString sql)
    : QSqlQuery(std::move(query))
    , m_connectionName(std::move(connectionName))
    , m_sql(std::move(sql))
{ }

PreparedQuery::PreparedQuery(PreparedQuery &&other) noexcept
    : QSqlQuery(std::move(other))
    , m_connectionName(std::move(other.m_connectionName))
    , m_sql(std::move(other.m_sql))
{
    other.m_sql.clear();
}

PreparedQuery::~PreparedQuery()
{
    if (m_sql.isEmpty())
        return;
    finish();
    auto connection = t_statements.find(m_connectionName);
    if (connection != t_statements.end() && connection->size() < MaxCachedStatements)
        connection->insert(m_sql, std::move(static_cast<QSqlQuery &>(*this)));
}

Result<PreparedQuery> prepare(QSqlDatabase db, const QString &sql)
{
    const QString name = db.connectionName();
    QHash<QString, QSqlQuery> &cache = t_statements[name];
    auto it = cache.find(sql);
    if (it != cache.end()) {
        QSqlQuery cached = std::move(*it);
        cache.erase(it);
        return PreparedQuery(std::move(cached), name, sql);
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return fail(storageError(query));
    return PreparedQuery(std::move(query), name, sql);
}

void dropPreparedQueries(const QString &connectionName)
{
    t_statements.remove(connectionName);
}

Status execQuery(QSqlQuery &query)
{
    if (!query.exec())
        return fail(storageError(query));
    return {};
}

Database::Database(QString path, TableNames tables, Kind kind)
    : m_path(std::move(path))
    , m_tables(std::move(tables))
    , m_kind(kind)
    , m_id(QUuid::createUuid().toString(QUuid::Id128).left(12))
{ }

Database::~Database()
{
    QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connectionNames)) {
        dropPreparedQueries(name); // only the calling thread's; other threads released theirs
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    t_batches.remove(this);
    t_batching.remove(this);
}

Result<int> Database::schemaVersionOf(const QString &path)
{
    const QString name = QStringLiteral("oauthdesk-probe-") + QUuid::createUuid().toString(QUuid::Id128);
    int version = -1;
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("PRAGMA user_version")) && query.next())
                version = query.value(0).toInt();
            else
                error = query.lastError().text();
            query.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (version < 0)
        return fail(Error::invalid(QStringLiteral("%1 is not a readable SQLite database: %2").arg(path, error)));
    return version;
}

Result<std::shared_ptr<Database>> Database::open(const QString &path, const TableNames &tables)
{
    if (auto ok = tables.validate(); !ok)
        return fail(ok.error());
    return openFile(path, tables, Kind::Main);
}

QString Database::requestLogPath(const QString &mainPath)
{
    return mainPath + QStringLiteral("-requests");
}

Result<std::shared_ptr<Database>> Database::openRequestLog(const QString &path)
{
    return openFile(path, {}, Kind::RequestLog);
}

Result<std::shared_ptr<Database>> Database::openFile(const QString &path, const TableNames &tables, Kind kind)
{
    if (path.isEmpty())
        return fail(Error::invalid(QStringLiteral("no database path given")));
    if (auto ok = createFilePrivately(path); !ok)
        return fail(ok.error());

    // Refuse a newer schema before anything (even the WAL switch) touches the file.
    auto version = schemaVersionOf(path);
    if (!version)
        return fail(version.error());
    const int known = latestVersion(kind);
    if (*version > known)
        return fail(Error::invalid(QStringLiteral("%1 was written by a newer OAuthDesk (schema version %2; this build "
                                                  "understands up to %3). It was left untouched.")
                                       .arg(path)
                                       .arg(*version)
                                       .arg(known)));

    std::shared_ptr<Database> db(new Database(QFileInfo(path).absoluteFilePath(), tables, kind));
    QSqlDatabase connection = db->connection();
    if (!connection.isOpen())
        return fail(
            Error::invalid(QStringLiteral("cannot open database %1: %2").arg(path, connection.lastError().text())));
    if (auto ok = db->migrate(); !ok)
        return fail(ok.error());
    return db;
}

QString Database::connectionName() const
{
    return QStringLiteral("oauthdesk-%1-%2").arg(m_id).arg(reinterpret_cast<quintptr>(QThread::currentThread()), 0, 16);
}

QSqlDatabase Database::connection()
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name, false);

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    {
        QMutexLocker lock(&m_mutex);
        m_connectionNames.append(name);
    }
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open())
        return db;
    QSqlQuery pragma(db);
    // WAL lets the window read while the server writes; NORMAL keeps every commit safe from a crash of
    // the app (only a power loss could undo the last commits) without an fsync per transaction.
    for (const char *statement : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
             "PRAGMA busy_timeout=10000", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16384"})
        pragma.exec(QString::fromLatin1(statement));
    return db;
}

void Database::releaseThreadConnection()
{
    const QString name = connectionName();
    t_batches.remove(this);
    t_batching.remove(this);
    dropPreparedQueries(name);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
    QMutexLocker lock(&m_mutex);
    m_connectionNames.removeAll(name);
}

Status Database::exec(QSqlDatabase db, const QString &sql)
{
    // BEGIN, COMMIT, SAVEPOINT and RELEASE run for every token: they come from the statement cache too.
    auto query = prepare(db, sql);
    if (!query)
        return fail(query.error());
    return execQuery(*query);
}

Status Database::migrate()
{
    QSqlDatabase db = connection();
    const QList<QStringList> migrations = m_kind == Kind::Main ? schemaMigrations(m_tables) : requestLogMigrations();
    static_assert(SchemaVersion == 4 && RequestLogSchemaVersion == 1);
    const int schemaVersion = latestVersion(m_kind);
    Q_ASSERT(migrations.size() == schemaVersion);

    // BEGIN IMMEDIATE also proves the file can be written, even when it is already up to date.
    if (auto ok = exec(db, QStringLiteral("BEGIN IMMEDIATE")); !ok)
        return fail(
            Error::invalid(QStringLiteral("database %1 cannot be written: %2").arg(m_path, ok.error().message)));
    QSqlQuery versionQuery(db);
    int version = 0;
    if (versionQuery.exec(QStringLiteral("PRAGMA user_version")) && versionQuery.next())
        version = versionQuery.value(0).toInt();
    versionQuery.finish();
    if (version > schemaVersion) {
        exec(db, QStringLiteral("ROLLBACK"));
        return fail(
            Error::invalid(QStringLiteral("%1 was written by a newer OAuthDesk; it was left untouched").arg(m_path)));
    }
    // Each migration is its own transaction: a failure leaves the file at the last good version.
    for (int target = version + 1; target <= schemaVersion; ++target) {
        if (target != version + 1) {
            if (auto ok = exec(db, QStringLiteral("BEGIN IMMEDIATE")); !ok)
                return ok;
        }
        for (const QString &statement : migrations.at(target - 1)) {
            if (auto ok = exec(db, statement); !ok) {
                exec(db, QStringLiteral("ROLLBACK"));
                return fail(Error::storage(
                    QStringLiteral("migration to schema version %1 failed: %2").arg(target).arg(ok.error().message)));
            }
        }
        if (auto ok = exec(db, QStringLiteral("PRAGMA user_version = %1").arg(target)); !ok) {
            exec(db, QStringLiteral("ROLLBACK"));
            return ok;
        }
        if (auto ok = exec(db, QStringLiteral("COMMIT")); !ok) {
            exec(db, QStringLiteral("ROLLBACK"));
            return ok;
        }
    }
    if (version == schemaVersion)
        return exec(db, QStringLiteral("COMMIT"));
    return {};
}

Status Database::write(const std::function<Status()> &work)
{
    QSqlDatabase db = connection();
    if (t_batching.contains(this) && !t_batches.contains(this)) {
        if (auto ok = exec(db, QStringLiteral("BEGIN IMMEDIATE")); !ok)
            return ok;
        t_batches.insert(this);
    }
    if (t_batches.contains(this) || t_writing.contains(this)) {
        // Inside a batch or an outer write, a savepoint keeps one failed request from undoing the others.
        if (auto ok = exec(db, QStringLiteral("SAVEPOINT w")); !ok)
            return ok;
        Status result = work();
        if (!result)
            rollback(db, QStringLiteral("ROLLBACK TO w"));
        exec(db, QStringLiteral("RELEASE w"));
        return result;
    }
    if (auto ok = exec(db, QStringLiteral("BEGIN IMMEDIATE")); !ok)
        return ok;
    t_writing.insert(this);
    Status result = work();
    t_writing.remove(this);
    if (!result) {
        rollback(db, QStringLiteral("ROLLBACK"));
        return result;
    }
    if (auto ok = exec(db, QStringLiteral("COMMIT")); !ok) {
        rollback(db, QStringLiteral("ROLLBACK"));
        return ok;
    }
    return {};
}

void Database::setBatching(bool enabled)
{
    if (enabled)
        t_batching.insert(this);
    else
        t_batching.remove(this);
}

Status Database::commitBatch()
{
    if (!t_batches.contains(this))
        return {};
    t_batches.remove(this);
    QSqlDatabase db = connection();
    if (auto ok = exec(db, QStringLiteral("COMMIT")); !ok) {
        rollback(db, QStringLiteral("ROLLBACK"));
        return ok;
    }
    return {};
}

void Database::rollbackBatch()
{
    if (!t_batches.contains(this))
        return;
    t_batches.remove(this);
    rollback(connection(), QStringLiteral("ROLLBACK"));
}

void Database::rollback(QSqlDatabase db, const QString &statement)
{
    exec(db, statement);
    // A cache may have read what this undoes: this connection sees its own uncommitted writes.
    noteRowsChanged();
}

Status Database::execChange(QSqlQuery &query)
{
    Status status = execQuery(query);
    noteRowsChanged();
    return status;
}

qint64 Database::dataVersion()
{
    auto query = prepare(connection(), QStringLiteral("PRAGMA data_version"));
    if (!query || !query->exec() || !query->next())
        return -1;
    return query->value(0).toLongLong();
}

bool Database::inBatch() const
{
    return t_batches.contains(this);
}

} // namespace oauthdesk
