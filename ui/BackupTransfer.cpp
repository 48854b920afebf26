#include "BackupTransfer.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace oauthdesk::ui {

Status BackupTransfer::exportToFile(const std::shared_ptr<Database> &db, const QString &path)
{
    ClientStore clients(db);
    UserStore users(db);
    auto document = Backup::exportAll(clients, users);
    if (!document)
        return fail(document.error());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(Error::storage(
            QCoreApplication::translate("BackupTransfer", "Cannot write %1: %2").arg(path, file.errorString())));
    file.write(QJsonDocument(*document).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return fail(Error::storage(
            QCoreApplication::translate("BackupTransfer", "Cannot write %1: %2").arg(path, file.errorString())));
    return {};
}

Result<BackupTransfer::ImportResult> BackupTransfer::importFromFile(
    const std::shared_ptr<Database> &db, const QString &path, const ConflictResolver &resolve)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::invalid(
            QCoreApplication::translate("BackupTransfer", "Cannot read %1: %2").arg(path, file.errorString())));
    const QByteArray json = file.readAll();
    // Report first: the whole document is checked and nothing is written while conflicts are open.
    auto first = Backup::importAll(db, json, Backup::OnConflict::Report);
    if (!first)
        return fail(first.error());
    if (first->conflicts.isEmpty())
        return ImportResult{false, *first};
    const std::optional<Backup::OnConflict> choice = resolve ? resolve(first->conflicts) : std::nullopt;
    if (!choice || *choice == Backup::OnConflict::Report)
        return ImportResult{true, *first};
    auto second = Backup::importAll(db, json, *choice);
    if (!second)
        return fail(second.error());
    return ImportResult{false, *second};
}

} // namespace oauthdesk::ui
