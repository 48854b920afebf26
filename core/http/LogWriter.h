#pragma once

#include "http/RequestLogEntry.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace oauthdesk {

class Database;

// Keeps slow, non-urgent database work off the server thread: it redacts and stores the request log, in a file of
// its own beside the database (Database::requestLogPath), and runs the main file's WAL checkpoints (whose fsync
// would otherwise stall a request). Lives on its own thread.
class LogWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogWriter)

public:
    static constexpr int KeepRows = 20000;
    static constexpr int RowsPerTransaction = 512;

    explicit LogWriter(std::shared_ptr<Database> db);
    ~LogWriter() override;

public Q_SLOTS:
    void start();
    void persist(const QList<oauthdesk::RequestLogEntry> &entries);
    void checkpoint();
    void finish(); // writes what is left and closes this thread's connection

private:
    void moveOlderLog();

    std::shared_ptr<Database> m_db;
    std::shared_ptr<Database> m_log; // opened on this object's thread by start(); null if it cannot be opened
    QTimer *m_checkpointTimer = nullptr;
    int m_sinceTrim = 0;
};

} // namespace oauthdesk
