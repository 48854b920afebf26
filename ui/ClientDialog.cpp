#include "ClientDialog.h"

#include "ClientsModel.h"
#include "storage/ClientStore.h"
#include "storage/UserStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace oauthdesk::ui {

namespace {

const QString EitherMethod = QStringLiteral("either");

QSpinBox *lifetimeSpin(int max, QWidget *parent)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(0, max);
    spin->setSuffix(QObject::tr(" s"));
    spin->setSpecialValueText(ClientDialog::tr("Server default"));
    spin->setAccelerated(true);
    spin->setMinimumWidth(140);
    return spin;
}

QLabel *errorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #c62828;"));
    label->hide();
    return label;
}

QLabel *hintLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, palette.color(QPalette::Disabled, QPalette::WindowText));
    label->setPalette(palette);
    return label;
}

} // namespace

ClientDialog::ClientDialog(std::shared_ptr<Database> db, std::optional<Client> existing, QWidget *parent)
    : QDialog(parent)
    , m_db(std::move(db))
    , m_existing(std::move(existing))
{
    setWindowTitle(m_existing ? tr("Edit client “%1”").arg(m_existing->name) : tr("New client"));
    setMinimumWidth(620);
    auto *tabs = new QTabWidget(this);

    // General: who the client is and what it may ask for.
    auto *general = new QWidget(tabs);
    auto *form = new QFormLayout(general);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_nameEdit = new QLineEdit(general);
    m_nameEdit->setObjectName(QStringLiteral("nameLineEdit"));
    m_nameEdit->setPlaceholderText(tr("e.g. My web app"));
    form->addRow(tr("&Name:"), m_nameEdit);
    m_clientIdEdit = new QLineEdit(general);
    m_clientIdEdit->setObjectName(QStringLiteral("clientIdLineEdit"));
    m_clientIdEdit->setPlaceholderText(tr("Generated when left empty"));
    form->addRow(tr("Client &ID:"), m_clientIdEdit);

    auto *typeRow = new QWidget(general);
    auto *typeLayout = new QHBoxLayout(typeRow);
    typeLayout->setContentsMargins(0, 0, 0, 0);
    m_confidentialRadio = new QRadioButton(tr("&Confidential (has a secret)"), typeRow);
    m_confidentialRadio->setObjectName(QStringLiteral("confidentialRadioButton"));
    m_publicRadio = new QRadioButton(tr("&Public (SPA, mobile, CLI)"), typeRow);
    m_publicRadio->setObjectName(QStringLiteral("publicRadioButton"));
    typeLayout->addWidget(m_confidentialRadio);
    typeLayout->addWidget(m_publicRadio);
    typeLayout->addStretch();
    form->addRow(tr("Type:"), typeRow);

    auto *redirectBox = new QWidget(general);
    auto *redirectLayout = new QVBoxLayout(redirectBox);
    redirectLayout->setContentsMargins(0, 0, 0, 0);
    auto *addRow = new QHBoxLayout;
    m_redirectUriEdit = new QLineEdit(redirectBox);
    m_redirectUriEdit->setObjectName(QStringLiteral("redirectUriLineEdit"));
    m_redirectUriEdit->setPlaceholderText(tr("https://app.example/callback"));
    m_addRedirectButton = new QPushButton(QIcon(QStringLiteral(":/icons/add.svg")), tr("Add"), redirectBox);
    m_addRedirectButton->setObjectName(QStringLiteral("addRedirectButton"));
    addRow->addWidget(m_redirectUriEdit, 1);
    addRow->addWidget(m_addRedirectButton);
    redirectLayout->addLayout(addRow);
    m_redirectErrorLabel = errorLabel(redirectBox);
    m_redirectErrorLabel->setObjectName(QStringLiteral("redirectErrorLabel"));
    redirectLayout->addWidget(m_redirectErrorLabel);
    auto *listRow = new QHBoxLayout;
    m_redirectList = new QListWidget(redirectBox);
    m_redirectList->setObjectName(QStringLiteral("redirectListWidget"));
    m_redirectList->setMaximumHeight(96);
    m_redirectList->setToolTip(tr("Double-click an entry to edit it"));
    m_removeRedirectButton = new QPushButton(QIcon(QStringLiteral(":/icons/remove.svg")), tr("Remove"), redirectBox);
    m_removeRedirectButton->setObjectName(QStringLiteral("removeRedirectButton"));
    listRow->addWidget(m_redirectList, 1);
    listRow->addWidget(m_removeRedirectButton, 0, Qt::AlignTop);
    redirectLayout->addLayout(listRow);
    form->addRow(tr("&Redirect URIs:"), redirectBox);
    qobject_cast<QLabel *>(form->labelForField(redirectBox))->setBuddy(m_redirectUriEdit);

    auto *grantsBox = new QWidget(general);
    auto *grantsLayout = new QGridLayout(grantsBox);
    grantsLayout->setContentsMargins(0, 0, 0, 0);
    const std::pair<QString, QString> grants[] = {
        {grant::AuthorizationCode, QStringLiteral("authorization_code")},
        {grant::RefreshToken, QStringLiteral("refresh_token")},
        {grant::ClientCredentials, QStringLiteral("client_credentials")},
        {grant::Password, tr("password (legacy)")},
        {grant::DeviceCode, QStringLiteral("device_code")},
    };
    int index = 0;
    for (const auto &[value, label] : grants) {
        auto *check = new QCheckBox(label, grantsBox);
        check->setObjectName(ClientsModel::grantLabel(value) + QStringLiteral("CheckBox"));
        if (value == grant::DeviceCode)
            check->setToolTip(grant::DeviceCode);
        grantsLayout->addWidget(check, index / 2, index % 2);
        m_grantChecks.append({value, check});
        ++index;
    }
    form->addRow(tr("Grants:"), grantsBox);
    m_scopesEdit = new QLineEdit(general);
    m_scopesEdit->setObjectName(QStringLiteral("scopesLineEdit"));
    m_scopesEdit->setPlaceholderText(tr("openid profile email (empty: any scope)"));
    form->addRow(tr("&Scopes:"), m_scopesEdit);
    tabs->addTab(general, tr("General"));

    // Security: how the client authenticates and how strict the server is with it.
    auto *security = new QWidget(tabs);
    auto *securityForm = new QFormLayout(security);
    securityForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_secretRow = new QWidget(security);
    auto *secretLayout = new QHBoxLayout(m_secretRow);
    secretLayout->setContentsMargins(0, 0, 0, 0);
    m_secretEdit = new QLineEdit(m_secretRow);
    m_secretEdit->setObjectName(QStringLiteral("secretLineEdit"));
    m_secretEdit->setReadOnly(true);
    m_secretEdit->setEchoMode(QLineEdit::Password);
    m_revealButton = new QToolButton(m_secretRow);
    m_revealButton->setObjectName(QStringLiteral("revealButton"));
    m_revealButton->setCheckable(true);
    m_revealButton->setIcon(QIcon(QStringLiteral(":/icons/reveal.svg")));
    m_revealButton->setToolTip(tr("Show the secret"));
    auto *copyButton = new QToolButton(m_secretRow);
    copyButton->setObjectName(QStringLiteral("copySecretButton"));
    copyButton->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
    copyButton->setToolTip(tr("Copy the secret"));
    auto *rotateButton = new QToolButton(m_secretRow);
    rotateButton->setObjectName(QStringLiteral("rotateSecretButton"));
    rotateButton->setIcon(QIcon(QStringLiteral(":/icons/rotate.svg")));
    rotateButton->setToolTip(tr("Generate a new secret"));
    secretLayout->addWidget(m_secretEdit, 1);
    secretLayout->addWidget(m_revealButton);
    secretLayout->addWidget(copyButton);
    secretLayout->addWidget(rotateButton);
    securityForm->addRow(tr("Client secret:"), m_secretRow);
    m_authMethodCombo = new QComboBox(security);
    m_authMethodCombo->setObjectName(QStringLiteral("authMethodComboBox"));
    securityForm->addRow(tr("Token endpoint &auth:"), m_authMethodCombo);
    m_pkceRequiredCheck = new QCheckBox(tr("Require PKCE"), security);
    m_pkceRequiredCheck->setObjectName(QStringLiteral("pkceRequiredCheckBox"));
    m_pkcePlainCheck = new QCheckBox(tr("Allow the “plain” challenge method (RFC 7636 §4.2)"), security);
    m_pkcePlainCheck->setObjectName(QStringLiteral("pkcePlainCheckBox"));
    auto *pkceBox = new QWidget(security);
    auto *pkceLayout = new QVBoxLayout(pkceBox);
    pkceLayout->setContentsMargins(0, 0, 0, 0);
    pkceLayout->addWidget(m_pkceRequiredCheck);
    pkceLayout->addWidget(m_pkcePlainCheck);
    securityForm->addRow(tr("PKCE:"), pkceBox);
    m_rotationCheck = new QCheckBox(tr("Issue a new refresh token on each use"), security);
    m_rotationCheck->setObjectName(QStringLiteral("rotationCheckBox"));
    securityForm->addRow(tr("Refresh rotation:"), m_rotationCheck);
    m_autoApproveCombo = new QComboBox(security);
    m_autoApproveCombo->setObjectName(QStringLiteral("autoApproveComboBox"));
    m_autoApproveCombo->addItem(tr("None: show the login page"), QString());
    UserStore users(m_db);
    if (auto list = users.list())
        for (const User &u : *list)
            m_autoApproveCombo->addItem(u.username, u.username);
    securityForm->addRow(tr("Auto-approve as:"), m_autoApproveCombo);
    securityForm->addRow(QString(),
        hintLabel(tr("With a user chosen, /authorize signs that user in and approves "
                     "without any page: handy for automated tests."),
            security));
    tabs->addTab(security, tr("Security"));

    // Tokens: lifetimes and formats.
    auto *tokens = new QWidget(tabs);
    auto *tokensForm = new QFormLayout(tokens);
    m_accessTtlSpin = lifetimeSpin(366 * 86400, tokens);
    m_accessTtlSpin->setObjectName(QStringLiteral("accessTtlSpinBox"));
    m_refreshTtlSpin = lifetimeSpin(3660 * 86400, tokens);
    m_refreshTtlSpin->setObjectName(QStringLiteral("refreshTtlSpinBox"));
    m_codeTtlSpin = lifetimeSpin(Config::MaxCodeLifetimeSecs, tokens);
    m_codeTtlSpin->setObjectName(QStringLiteral("codeTtlSpinBox"));
    tokensForm->addRow(tr("Access token lifetime:"), m_accessTtlSpin);
    tokensForm->addRow(tr("Refresh token lifetime:"), m_refreshTtlSpin);
    tokensForm->addRow(tr("Authorization code lifetime:"), m_codeTtlSpin);
    tokensForm->addRow(QString(),
        hintLabel(tr("0 uses the server default. Codes live at most %1 seconds "
                     "(RFC 6749 §4.1.2 recommends 10 minutes at most).")
                      .arg(Config::MaxCodeLifetimeSecs),
            tokens));
    m_formatCombo = new QComboBox(tokens);
    m_formatCombo->setObjectName(QStringLiteral("formatComboBox"));
    m_formatCombo->addItem(tr("Opaque"), QStringLiteral("opaque"));
    m_formatCombo->addItem(tr("JWT (RFC 9068)"), QStringLiteral("jwt"));
    tokensForm->addRow(tr("Access token format:"), m_formatCombo);
    m_algCombo = new QComboBox(tokens);
    m_algCombo->setObjectName(QStringLiteral("algComboBox"));
    for (const QString &alg : {QStringLiteral("RS256"), QStringLiteral("ES256"), QStringLiteral("EdDSA")})
        m_algCombo->addItem(alg, alg);
    tokensForm->addRow(tr("ID token algorithm:"), m_algCombo);
    tabs->addTab(tokens, tr("Tokens"));

    m_errorLabel = errorLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(m_existing ? tr("Save") : tr("Create"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_buttons);

    // Fill the form.
    const Client c = m_existing.value_or(Client{});
    m_nameEdit->setText(c.name);
    m_clientIdEdit->setText(c.clientId);
    if (m_existing) {
        m_clientIdEdit->setReadOnly(true);
        m_clientIdEdit->setToolTip(tr("The client id cannot change; create a new client instead"));
    }
    (c.isPublic ? m_publicRadio : m_confidentialRadio)->setChecked(true);
    for (const QString &uri : c.redirectUris) {
        auto *item = new QListWidgetItem(uri, m_redirectList);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    const QStringList checkedGrants
        = m_existing ? c.grantTypes : QStringList{grant::AuthorizationCode, grant::RefreshToken};
    for (const auto &[value, check] : std::as_const(m_grantChecks))
        check->setChecked(checkedGrants.contains(value));
    m_scopesEdit->setText(c.scopes.join(QLatin1Char(' ')));
    m_secretEdit->setText(m_existing ? c.secret : ClientStore::generateSecret());
    m_pkceRequiredCheck->setChecked(c.pkceRequired);
    m_pkcePlainCheck->setChecked(c.pkceAllowPlain);
    m_rotationCheck->setChecked(c.refreshRotation);
    m_autoApproveCombo->setCurrentIndex(std::max(0, m_autoApproveCombo->findData(c.autoApproveUser)));
    m_accessTtlSpin->setValue(c.accessTokenTtl);
    m_refreshTtlSpin->setValue(c.refreshTokenTtl);
    m_codeTtlSpin->setValue(c.codeTtl);
    m_formatCombo->setCurrentIndex(std::max(0, m_formatCombo->findData(c.accessTokenFormat)));
    m_algCombo->setCurrentIndex(std::max(0, m_algCombo->findData(c.idTokenAlg)));
    updateTypeDependentFields();
    QString method = EitherMethod;
    if (c.isPublic)
        method = authmethod::None;
    else if (c.authMethodPinned)
        method = c.authMethod;
    m_authMethodCombo->setCurrentIndex(std::max(0, m_authMethodCombo->findData(method)));

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ClientDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ClientDialog::reject);
    connect(m_addRedirectButton, &QPushButton::clicked, this, &ClientDialog::addPendingRedirectUri);
    m_redirectUriEdit->installEventFilter(this);
    connect(m_removeRedirectButton, &QPushButton::clicked, this, [this] {
        qDeleteAll(m_redirectList->selectedItems());
        revalidate();
    });
    connect(m_redirectList, &QListWidget::itemChanged, this, &ClientDialog::revalidate);
    connect(m_redirectList, &QListWidget::itemSelectionChanged, this,
        [this] { m_removeRedirectButton->setEnabled(!m_redirectList->selectedItems().isEmpty()); });
    connect(m_publicRadio, &QRadioButton::toggled, this, [this] {
        updateTypeDependentFields();
        revalidate();
    });
    connect(m_revealButton, &QToolButton::toggled, this, [this](bool on) {
        m_secretEdit->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        m_revealButton->setIcon(QIcon(on ? QStringLiteral(":/icons/hide.svg") : QStringLiteral(":/icons/reveal.svg")));
        m_revealButton->setToolTip(on ? tr("Hide the secret") : tr("Show the secret"));
    });
    connect(
        copyButton, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(m_secretEdit->text()); });
    connect(rotateButton, &QToolButton::clicked, this, &ClientDialog::rotateSecret);
    for (QLineEdit *edit : {m_nameEdit, m_clientIdEdit, m_redirectUriEdit, m_scopesEdit})
        connect(edit, &QLineEdit::textChanged, this, &ClientDialog::revalidate);
    for (const auto &[value, check] : std::as_const(m_grantChecks))
        connect(check, &QCheckBox::toggled, this, &ClientDialog::revalidate);
    for (QComboBox *combo : {m_authMethodCombo, m_formatCombo, m_algCombo})
        connect(combo, &QComboBox::currentIndexChanged, this, &ClientDialog::revalidate);
    for (QSpinBox *spin : {m_accessTtlSpin, m_refreshTtlSpin, m_codeTtlSpin})
        connect(spin, &QSpinBox::valueChanged, this, &ClientDialog::revalidate);
    m_removeRedirectButton->setEnabled(false);
    m_nameEdit->setFocus();
    revalidate();
}

void ClientDialog::updateTypeDependentFields()
{
    const bool isPublic = m_publicRadio->isChecked();
    const QString previous = m_authMethodCombo->currentData().toString();
    const QSignalBlocker blocker(m_authMethodCombo);
    m_authMethodCombo->clear();
    if (isPublic) {
        m_authMethodCombo->addItem(tr("none (public client)"), authmethod::None);
    } else {
        m_authMethodCombo->addItem(tr("client_secret_basic or client_secret_post"), EitherMethod);
        m_authMethodCombo->addItem(tr("client_secret_basic only"), authmethod::Basic);
        m_authMethodCombo->addItem(tr("client_secret_post only"), authmethod::Post);
        m_authMethodCombo->setCurrentIndex(std::max(0, m_authMethodCombo->findData(previous)));
    }
    m_authMethodCombo->setEnabled(!isPublic);
    m_secretRow->setEnabled(!isPublic);
    m_secretEdit->setPlaceholderText(isPublic ? tr("Public clients have no secret") : QString());
    if (isPublic)
        m_secretEdit->clear();
    else if (m_secretEdit->text().isEmpty())
        m_secretEdit->setText(
            m_existing && !m_existing->secret.isEmpty() ? m_existing->secret : ClientStore::generateSecret());
    for (const auto &[value, check] : std::as_const(m_grantChecks)) {
        if (value != grant::ClientCredentials)
            continue;
        // RFC 6749 §4.4: client_credentials is for confidential clients only.
        if (isPublic)
            check->setChecked(false);
        check->setEnabled(!isPublic);
        check->setToolTip(isPublic ? tr("Only confidential clients can use client_credentials") : QString());
    }
    // RFC 9700 §2.1.1: public clients always use PKCE, whatever the setting says.
    m_pkceRequiredCheck->setEnabled(!isPublic);
    m_pkceRequiredCheck->setText(isPublic ? tr("Require PKCE (always on for public clients)") : tr("Require PKCE"));
}

Client ClientDialog::formClient() const
{
    Client c = m_existing.value_or(Client{});
    c.name = m_nameEdit->text();
    c.clientId = m_clientIdEdit->text().trimmed();
    c.isPublic = m_publicRadio->isChecked();
    c.secret = c.isPublic ? QString() : m_secretEdit->text();
    c.redirectUris.clear();
    for (int i = 0; i < m_redirectList->count(); ++i)
        c.redirectUris.append(m_redirectList->item(i)->text());
    const QString pending = m_redirectUriEdit->text();
    if (!pending.isEmpty())
        c.redirectUris.append(pending);
    c.grantTypes.clear();
    for (const auto &[value, check] : m_grantChecks)
        if (check->isChecked())
            c.grantTypes.append(value);
    c.scopes = m_scopesEdit->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString method = m_authMethodCombo->currentData().toString();
    c.authMethodPinned = method != EitherMethod && method != authmethod::None;
    c.authMethod = method == EitherMethod ? authmethod::Basic : method;
    c.pkceRequired = m_pkceRequiredCheck->isChecked();
    c.pkceAllowPlain = m_pkcePlainCheck->isChecked();
    c.refreshRotation = m_rotationCheck->isChecked();
    c.autoApproveUser = m_autoApproveCombo->currentData().toString();
    c.accessTokenTtl = m_accessTtlSpin->value();
    c.refreshTokenTtl = m_refreshTtlSpin->value();
    c.codeTtl = m_codeTtlSpin->value();
    c.accessTokenFormat = m_formatCombo->currentData().toString();
    c.idTokenAlg = m_algCombo->currentData().toString();
    return c;
}

QString ClientDialog::validationError() const
{
    const QString pending = m_redirectUriEdit->text();
    if (!pending.isEmpty())
        if (auto ok = ClientStore::validateRedirectUri(pending); !ok)
            return ok.error().message;
    for (int i = 0; i < m_redirectList->count(); ++i)
        if (auto ok = ClientStore::validateRedirectUri(m_redirectList->item(i)->text()); !ok)
            return ok.error().message;
    if (m_grantChecks.end() == std::find_if(m_grantChecks.begin(), m_grantChecks.end(), [](const auto &p) {
            return p.second->isChecked();
        }))
        return tr("Choose at least one grant");
    Client c = formClient();
    if (auto ok = ClientStore::normalize(c); !ok)
        return ok.error().message;
    return {};
}

void ClientDialog::revalidate()
{
    // Entries that fail validation are marked in the list so the offending one is easy to find.
    QString redirectError;
    const QString pending = m_redirectUriEdit->text();
    if (!pending.isEmpty())
        if (auto ok = ClientStore::validateRedirectUri(pending); !ok)
            redirectError = ok.error().message;
    {
        const QSignalBlocker blocker(m_redirectList);
        for (int i = 0; i < m_redirectList->count(); ++i) {
            QListWidgetItem *item = m_redirectList->item(i);
            auto ok = ClientStore::validateRedirectUri(item->text());
            item->setForeground(ok ? QBrush() : QBrush(QColor(0xc6, 0x28, 0x28)));
            item->setToolTip(ok ? QString() : ok.error().message);
            if (!ok && redirectError.isEmpty())
                redirectError = ok.error().message;
        }
    }
    m_redirectErrorLabel->setText(redirectError);
    m_redirectErrorLabel->setVisible(!redirectError.isEmpty());
    m_redirectUriEdit->setStyleSheet(!pending.isEmpty() && !redirectError.isEmpty()
            ? QStringLiteral("QLineEdit { border: 1px solid #c62828; }")
            : QString());
    m_addRedirectButton->setEnabled(!pending.isEmpty() && ClientStore::validateRedirectUri(pending).has_value());

    QString error = validationError();
    if (error == redirectError)
        error.clear(); // already shown next to the field
    if (error.isEmpty())
        error = m_saveError;
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(validationError().isEmpty());
}

bool ClientDialog::eventFilter(QObject *watched, QEvent *event)
{
    // Return in the URI field adds the entry; it must not reach the dialog and press OK.
    if (watched == m_redirectUriEdit && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && !m_redirectUriEdit->text().isEmpty()) {
            addPendingRedirectUri();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void ClientDialog::addPendingRedirectUri()
{
    const QString uri = m_redirectUriEdit->text();
    if (uri.isEmpty() || !ClientStore::validateRedirectUri(uri))
        return;
    if (m_redirectList->findItems(uri, Qt::MatchExactly).isEmpty()) {
        auto *item = new QListWidgetItem(uri, m_redirectList);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    m_redirectUriEdit->clear();
    revalidate();
}

void ClientDialog::rotateSecret()
{
    if (!m_existing) {
        // Not saved yet: nothing depends on this secret.
        m_secretEdit->setText(ClientStore::generateSecret());
        return;
    }
    const auto answer = QMessageBox::question(this, tr("Rotate secret"),
        tr("Generate a new secret for “%1”? The old secret stops working at once.").arg(m_existing->name),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    ClientStore store(m_db);
    auto rotated = store.rotateSecret(m_existing->clientId);
    if (!rotated) {
        m_saveError = rotated.error().message;
        revalidate();
        return;
    }
    m_existing->secret = rotated->secret;
    m_secretEdit->setText(rotated->secret);
}

void ClientDialog::accept()
{
    if (!validationError().isEmpty())
        return;
    ClientStore store(m_db);
    auto saved = m_existing ? store.update(formClient()) : store.add(formClient());
    if (!saved) {
        m_saveError = saved.error().message;
        revalidate();
        return;
    }
    m_saved = *saved;
    QDialog::accept();
}

} // namespace oauthdesk::ui
