#pragma once

#include "storage/Config.h"

#include <QStringList>

namespace oauthdesk {

// The forward migrations: entry N-1 takes a database from user_version N-1 to N.
QList<QStringList> schemaMigrations(const TableNames &tables);
// The same for the request log's own file (Database::openRequestLog).
QList<QStringList> requestLogMigrations();

} // namespace oauthdesk
