#pragma once

#include "storage/Types.h"
#include "util/Result.h"

#include <QDialog>

#include <memory>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;
class QToolButton;

namespace oauthdesk {
class Database;
}

namespace oauthdesk::ui {

// Creates or edits a test user: username, optional password, and claims as key/value rows.
class UserDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserDialog)

public:
    UserDialog(std::shared_ptr<Database> db, std::optional<User> existing, QWidget *parent = nullptr);

    // Claim values: JSON for arrays, objects and booleans, a string for anything else ("0123" stays a string).
    static Result<QJsonValue> claimValue(const QString &raw);

    // Adds a claim row; an existing row with that key is focused instead.
    void addClaimRow(const QString &key = {}, const QString &value = {});
    Result<QJsonObject> claims() const;
    QString validationError() const;
    const User &savedUser() const { return m_saved; }

    void accept() override;

private:
    void revalidate();

    std::shared_ptr<Database> m_db;
    std::optional<User> m_existing;
    User m_saved;
    QLineEdit *m_usernameEdit;
    QLineEdit *m_passwordEdit;
    QToolButton *m_revealButton;
    QCheckBox *m_clearPasswordCheck;
    QTableWidget *m_claimsTable;
    QLabel *m_errorLabel;
    QDialogButtonBox *m_buttons;
    QString m_saveError;
};

} // namespace oauthdesk::ui
