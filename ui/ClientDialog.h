#pragma once

#include "storage/Types.h"

#include <QDialog>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QToolButton;

namespace oauthdesk {
class Database;
}

namespace oauthdesk::ui {

// Creates or edits one client. Every field is checked as it is typed; OK saves through ClientStore.
class ClientDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientDialog)

public:
    // `existing` empty: a new client.
    ClientDialog(std::shared_ptr<Database> db, std::optional<Client> existing, QWidget *parent = nullptr);

    // The client as the form describes it (not normalized).
    Client formClient() const;
    // The client as saved, after accept().
    const Client &savedClient() const { return m_saved; }
    // The first problem with the form, or empty when it can be saved.
    QString validationError() const;

    void accept() override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void revalidate();
    void updateTypeDependentFields();
    void addPendingRedirectUri();
    void rotateSecret();

    std::shared_ptr<Database> m_db;
    std::optional<Client> m_existing;
    Client m_saved;

    QLineEdit *m_nameEdit;
    QLineEdit *m_clientIdEdit;
    QRadioButton *m_confidentialRadio;
    QRadioButton *m_publicRadio;
    QLineEdit *m_redirectUriEdit;
    QPushButton *m_addRedirectButton;
    QListWidget *m_redirectList;
    QPushButton *m_removeRedirectButton;
    QLabel *m_redirectErrorLabel;
    QList<std::pair<QString, QCheckBox *>> m_grantChecks;
    QLineEdit *m_scopesEdit;
    QComboBox *m_authMethodCombo;
    QCheckBox *m_pkceRequiredCheck;
    QCheckBox *m_pkcePlainCheck;
    QCheckBox *m_rotationCheck;
    QComboBox *m_autoApproveCombo;
    QSpinBox *m_accessTtlSpin;
    QSpinBox *m_refreshTtlSpin;
    QSpinBox *m_codeTtlSpin;
    QComboBox *m_formatCombo;
    QComboBox *m_algCombo;
    QWidget *m_secretRow;
    QLineEdit *m_secretEdit;
    QToolButton *m_revealButton;
    QLabel *m_errorLabel;
    QDialogButtonBox *m_buttons;
    QString m_saveError;
};

} // namespace oauthdesk::ui
