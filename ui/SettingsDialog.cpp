#include "SettingsDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace oauthdesk::ui {

namespace {

QSpinBox *secondsSpin(int min, int max, QWidget *parent)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(min, max);
    spin->setSuffix(SettingsDialog::tr(" s"));
    spin->setAccelerated(true);
    spin->setMinimumWidth(140);
    return spin;
}

} // namespace

SettingsDialog::SettingsDialog(const Config &config, QWidget *parent)
    : QDialog(parent)
    , m_base(config)
{
    setWindowTitle(tr("Server settings"));
    setMinimumWidth(520);

    auto *serverBox = new QGroupBox(tr("Server"), this);
    auto *serverForm = new QFormLayout(serverBox);
    m_portEdit = new QLineEdit(QString::number(config.port), serverBox);
    m_portEdit->setObjectName(QStringLiteral("portLineEdit"));
    m_portEdit->setPlaceholderText(tr("0 picks a free port"));
    m_bindEdit = new QLineEdit(config.bindAddress, serverBox);
    m_bindEdit->setObjectName(QStringLiteral("bindLineEdit"));
    m_issuerEdit = new QLineEdit(config.issuer, serverBox);
    m_issuerEdit->setObjectName(QStringLiteral("issuerLineEdit"));
    m_issuerEdit->setPlaceholderText(tr("Derived from the address: http://127.0.0.1:PORT"));
    m_queryTokensCheck
        = new QCheckBox(tr("Accept access_token in the query string (RFC 6750 §2.3; not recommended)"), serverBox);
    m_queryTokensCheck->setObjectName(QStringLiteral("queryTokensCheckBox"));
    m_queryTokensCheck->setChecked(config.allowQueryStringTokens);
    serverForm->addRow(tr("&Port:"), m_portEdit);
    serverForm->addRow(tr("&Bind address:"), m_bindEdit);
    serverForm->addRow(tr("&Issuer:"), m_issuerEdit);
    serverForm->addRow(QString(), m_queryTokensCheck);

    auto *lifetimesBox = new QGroupBox(tr("Default lifetimes"), this);
    auto *lifetimesForm = new QFormLayout(lifetimesBox);
    m_accessSpin = secondsSpin(1, 366 * 86400, lifetimesBox);
    m_accessSpin->setObjectName(QStringLiteral("accessSpinBox"));
    m_accessSpin->setValue(config.lifetimes.accessSecs);
    m_refreshSpin = secondsSpin(1, 3660 * 86400, lifetimesBox);
    m_refreshSpin->setObjectName(QStringLiteral("refreshSpinBox"));
    m_refreshSpin->setValue(config.lifetimes.refreshSecs);
    m_codeSpin = secondsSpin(1, Config::MaxCodeLifetimeSecs, lifetimesBox);
    m_codeSpin->setObjectName(QStringLiteral("codeSpinBox"));
    m_codeSpin->setValue(config.lifetimes.codeSecs);
    lifetimesForm->addRow(tr("Access token:"), m_accessSpin);
    lifetimesForm->addRow(tr("Refresh token:"), m_refreshSpin);
    lifetimesForm->addRow(tr("Authorization code (max %1):").arg(Config::MaxCodeLifetimeSecs), m_codeSpin);

    auto *tablesBox = new QGroupBox(tr("Table names"), this);
    auto *tablesForm = new QFormLayout(tablesBox);
    auto tableEdit = [tablesBox](const QString &value, const QString &name) {
        auto *edit = new QLineEdit(value, tablesBox);
        edit->setObjectName(name);
        return edit;
    };
    m_clientsTableEdit = tableEdit(config.tables.clients, QStringLiteral("clientsTableLineEdit"));
    m_accessTokensTableEdit = tableEdit(config.tables.accessTokens, QStringLiteral("accessTokensTableLineEdit"));
    m_refreshTokensTableEdit = tableEdit(config.tables.refreshTokens, QStringLiteral("refreshTokensTableLineEdit"));
    m_authCodesTableEdit = tableEdit(config.tables.authCodes, QStringLiteral("authCodesTableLineEdit"));
    tablesForm->addRow(tr("Clients:"), m_clientsTableEdit);
    tablesForm->addRow(tr("Access tokens:"), m_accessTokensTableEdit);
    tablesForm->addRow(tr("Refresh tokens:"), m_refreshTokensTableEdit);
    tablesForm->addRow(tr("Authorization codes:"), m_authCodesTableEdit);
    m_tablesWarning = new QLabel(tr("Renamed tables start empty: existing clients and tokens stay in the old "
                                    "tables. The new names take effect when OAuthDesk starts again."),
        tablesBox);
    m_tablesWarning->setObjectName(QStringLiteral("tablesWarningLabel"));
    m_tablesWarning->setWordWrap(true);
    m_tablesWarning->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_tablesWarning->hide();
    tablesForm->addRow(m_tablesWarning);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_errorLabel->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(serverBox);
    layout->addWidget(lifetimesBox);
    layout->addWidget(tablesBox);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_buttons);

    for (QLineEdit *edit : {m_portEdit, m_bindEdit, m_issuerEdit, m_clientsTableEdit, m_accessTokensTableEdit,
             m_refreshTokensTableEdit, m_authCodesTableEdit})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::revalidate);
    for (QSpinBox *spin : {m_accessSpin, m_refreshSpin, m_codeSpin})
        connect(spin, &QSpinBox::valueChanged, this, &SettingsDialog::revalidate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    revalidate();
}

Result<Config> SettingsDialog::config() const
{
    Config c = m_base;
    bool ok = false;
    const uint port = m_portEdit->text().trimmed().toUInt(&ok);
    if (!ok || port > 65535)
        return fail(Error::invalid(tr("The port must be a number from 0 to 65535 (0 picks a free port)")));
    c.port = static_cast<quint16>(port);
    c.bindAddress = m_bindEdit->text().trimmed();
    c.issuer = m_issuerEdit->text().trimmed();
    c.lifetimes.accessSecs = m_accessSpin->value();
    c.lifetimes.refreshSecs = m_refreshSpin->value();
    c.lifetimes.codeSecs = m_codeSpin->value();
    c.allowQueryStringTokens = m_queryTokensCheck->isChecked();
    c.tables.clients = m_clientsTableEdit->text().trimmed();
    c.tables.accessTokens = m_accessTokensTableEdit->text().trimmed();
    c.tables.refreshTokens = m_refreshTokensTableEdit->text().trimmed();
    c.tables.authCodes = m_authCodesTableEdit->text().trimmed();
    if (auto valid = c.validate(); !valid)
        return fail(valid.error());
    return c;
}

QString SettingsDialog::validationError() const
{
    auto c = config();
    return c ? QString() : c.error().message;
}

void SettingsDialog::revalidate()
{
    const QString error = validationError();
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    m_buttons->button(QDialogButtonBox::Apply)->setEnabled(error.isEmpty());
    const TableNames entered{m_clientsTableEdit->text().trimmed(), m_accessTokensTableEdit->text().trimmed(),
        m_refreshTokensTableEdit->text().trimmed(), m_authCodesTableEdit->text().trimmed()};
    m_tablesWarning->setVisible(!(entered == m_base.tables));
}

bool SettingsDialog::apply()
{
    auto c = config();
    if (!c)
        return false;
    Q_EMIT applied(*c);
    return true;
}

} // namespace oauthdesk::ui
