#pragma once

#include "storage/Config.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace oauthdesk::ui {

// Server settings: address, issuer, default lifetimes, query-string tokens and table names.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(const Config &config, QWidget *parent = nullptr);

    // The settings as entered, or why they cannot be used.
    Result<Config> config() const;
    QString validationError() const;

Q_SIGNALS:
    // Apply or OK with valid settings: the window saves them and restarts the server.
    void applied(const oauthdesk::Config &config);

private:
    void revalidate();
    bool apply();

    Config m_base;
    QLineEdit *m_portEdit;
    QLineEdit *m_bindEdit;
    QLineEdit *m_issuerEdit;
    QSpinBox *m_accessSpin;
    QSpinBox *m_refreshSpin;
    QSpinBox *m_codeSpin;
    QCheckBox *m_queryTokensCheck;
    QLineEdit *m_clientsTableEdit;
    QLineEdit *m_accessTokensTableEdit;
    QLineEdit *m_refreshTokensTableEdit;
    QLineEdit *m_authCodesTableEdit;
    QLabel *m_tablesWarning;
    QLabel *m_errorLabel;
    QDialogButtonBox *m_buttons;
};

} // namespace oauthdesk::ui
