#pragma once

#include "storage/Database.h"

#include <QTemporaryDir>

namespace oauthdesk::test {

// A new database file in `dir` on every call, so each test function starts from an empty database.
inline Result<std::shared_ptr<Database>> openFreshDatabase(const QTemporaryDir &dir)
{
    static int n = 0;
    return Database::open(dir.filePath(QStringLiteral("test-%1.sqlite").arg(++n)));
}

} // namespace oauthdesk::test
