#pragma once

#include "storage/Backup.h"

#include <functional>
#include <memory>
#include <optional>

namespace oauthdesk::ui {

// File > Export… and Import… without the dialogs, so the window and the tests share one code path.
class BackupTransfer final
{
public:
    // Writes every client and user as one JSON document; the file is replaced only when complete.
    static Status exportToFile(const std::shared_ptr<Database> &db, const QString &path);

    // Asked when an import finds clients or users that exist already: Overwrite, Skip, or nullopt to cancel.
    using ConflictResolver = std::function<std::optional<Backup::OnConflict>(const QList<Backup::Conflict> &)>;

    struct ImportResult
    {
        bool cancelled = false;
        Backup::Outcome outcome;
    };
    // Checks the file first (a malformed file changes nothing), then imports it; conflicts go to `resolve`.
    static Result<ImportResult> importFromFile(
        const std::shared_ptr<Database> &db, const QString &path, const ConflictResolver &resolve);
};

} // namespace oauthdesk::ui
