#include "http/LogWriter.h"

#include "storage/Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace oauthdesk {

namespace {

QString headersText(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray out;
    for (const auto &[k, v] : headers)
        out += k + ": " + v + '\n';
    return QString::fromUtf8(out);
}

} // namespace

LogWriter::LogWriter(std::shared_ptr<Database> db)
    : m_db(std::move(db))
{ }

LogWriter::~LogWriter() = default;

void LogWriter::start()
{
    const QString path = Database::requestLogPath(m_db->path());
    if (auto log = Database::openRequestLog(path))
        m_log = *log;
    else // The window still shows every request live; only the copy on disk is missing.
        qWarning("oauthdesk: the request log is not saved: %s", qPrintable(log.error().message));
    if (m_log)
        moveOlderLog();

    m_checkpointTimer = new QTimer(this);
    m_checkpointTimer->setInterval(500);
    connect(m_checkpointTimer, &QTimer::timeout, this, &LogWriter::checkpoint);
    m_checkpointTimer->start();
}

void LogWriter::moveOlderLog()
{
    // Before schema 4 the log lived in the main file; what was logged there moves to the log file once. Keeping the
    // ids makes a move that was cut short (the two files commit separately) safe to run again.
    QSqlDatabase log = m_log->connection();
    QSqlQuery attach(log);
    attach.prepare(QStringLiteral("ATTACH DATABASE ? AS older"));
    attach.addBindValue(m_db->path());
    if (!attach.exec()) {
        qWarning("oauthdesk: older request log not moved: %s", qPrintable(attach.lastError().text()));
        return;
    }
    QSqlQuery q(log);
    const bool present
        = q.exec(QStringLiteral("SELECT 1 FROM older.sqlite_master WHERE type='table' AND name='request_log_v3'"))
        && q.next();
    q.finish();
    if (present) {
        const QString columns = QStringLiteral("id, at, method, path, status, duration_us, client_id, remote, "
                                               "request_headers, request_body, response_headers, response_body");
        const Status moved = m_log->write([&]() -> Status {
            QSqlQuery move(log);
            if (!move.exec(QStringLiteral("INSERT OR IGNORE INTO main.request_log (%1) SELECT %1 FROM "
                                          "older.request_log_v3")
                               .arg(columns))
                || !move.exec(QStringLiteral("DROP TABLE older.request_log_v3")))
                return fail(storageError(move));
            return {};
        });
        if (!moved)
            qWarning("oauthdesk: older request log not moved: %s", qPrintable(moved.error().message));
    }
    q.exec(QStringLiteral("DETACH DATABASE older"));
}

void LogWriter::persist(const QList<RequestLogEntry> &entries)
{
    if (!m_log)
        return;
    // Under a flood only the newest entries are kept on disk; every one of them was already shown live.
    const qsizetype first = entries.size() > KeepRows ? entries.size() - KeepRows : 0;
    for (qsizetype start = first; start < entries.size(); start += RowsPerTransaction) {
        const qsizetype end = std::min(entries.size(), start + RowsPerTransaction);
        const Status status = m_log->write([&]() -> Status {
            auto q = prepare(m_log->connection(),
                QStringLiteral("INSERT INTO request_log (at, method, path, status, duration_us, client_id, "
                               "remote, request_headers, request_body, response_headers, response_body) "
                               "VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
            if (!q)
                return fail(q.error());
            for (qsizetype i = start; i < end; ++i) {
                const RequestLogEntry e = entries.at(i).redacted();
                q->bindValue(0, e.atMs);
                q->bindValue(1, QString::fromLatin1(e.method));
                q->bindValue(2, e.path);
                q->bindValue(3, e.status);
                q->bindValue(4, e.durationUs);
                q->bindValue(5, e.clientId.isEmpty() ? QVariant() : QVariant(e.clientId));
                q->bindValue(6, e.remote);
                q->bindValue(7, headersText(e.requestHeaders));
                q->bindValue(8, QString::fromUtf8(e.requestBody.left(64 * 1024)));
                q->bindValue(9, headersText(e.responseHeaders));
                q->bindValue(10, QString::fromUtf8(e.responseBody.left(64 * 1024)));
                if (auto ok = execQuery(*q); !ok)
                    return ok;
            }
            return {};
        });
        if (!status) {
            qWarning("oauthdesk: request log not saved: %s", qPrintable(status.error().message));
            return;
        }
    }
    m_sinceTrim += int(entries.size() - first);
    if (m_sinceTrim >= 1000) {
        m_sinceTrim = 0;
        m_log->write([this]() -> Status {
            auto trim = prepare(m_log->connection(),
                QStringLiteral("DELETE FROM request_log WHERE id <= (SELECT max(id) FROM request_log) - ?"));
            if (!trim)
                return fail(trim.error());
            trim->addBindValue(KeepRows);
            return execQuery(*trim);
        });
    }
}

void LogWriter::checkpoint()
{
    // PASSIVE never blocks the server's writers; the fsync it costs happens here, not in a request.
    QSqlQuery q(m_db->connection());
    q.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
}

void LogWriter::finish()
{
    if (m_checkpointTimer)
        m_checkpointTimer->stop();
    checkpoint();
    m_db->releaseThreadConnection();
    if (m_log) {
        m_log->releaseThreadConnection();
        m_log.reset();
    }
}

} // namespace oauthdesk
