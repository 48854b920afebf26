#include "UserDialog.h"

#include "UsersModel.h"
#include "storage/UserStore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace oauthdesk::ui {

UserDialog::UserDialog(std::shared_ptr<Database> db, std::optional<User> existing, QWidget *parent)
    : QDialog(parent)
    , m_db(std::move(db))
    , m_existing(std::move(existing))
{
    setWindowTitle(m_existing ? tr("Edit user “%1”").arg(m_existing->username) : tr("New test user"));
    resize(560, 480);
    auto *form = new QFormLayout;
    m_usernameEdit = new QLineEdit(this);
    m_usernameEdit->setObjectName(QStringLiteral("usernameLineEdit"));
    m_usernameEdit->setPlaceholderText(tr("e.g. alice"));
    form->addRow(tr("&Username:"), m_usernameEdit);

    auto *passwordRow = new QWidget(this);
    auto *passwordLayout = new QHBoxLayout(passwordRow);
    passwordLayout->setContentsMargins(0, 0, 0, 0);
    m_passwordEdit = new QLineEdit(passwordRow);
    m_passwordEdit->setObjectName(QStringLiteral("passwordLineEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_revealButton = new QToolButton(passwordRow);
    m_revealButton->setObjectName(QStringLiteral("revealButton"));
    m_revealButton->setCheckable(true);
    m_revealButton->setIcon(QIcon(QStringLiteral(":/icons/reveal.svg")));
    m_revealButton->setToolTip(tr("Show the password"));
    passwordLayout->addWidget(m_passwordEdit, 1);
    passwordLayout->addWidget(m_revealButton);
    form->addRow(tr("&Password:"), passwordRow);
    m_clearPasswordCheck = new QCheckBox(tr("Remove the password (sign in with the username alone)"), this);
    m_clearPasswordCheck->setObjectName(QStringLiteral("clearPasswordCheckBox"));
    if (m_existing) {
        m_usernameEdit->setText(m_existing->username);
        m_usernameEdit->setReadOnly(true);
        m_passwordEdit->setPlaceholderText(m_existing->hasPassword() ? tr("Unchanged") : tr("None"));
        form->addRow(QString(), m_clearPasswordCheck);
        m_clearPasswordCheck->setVisible(m_existing->hasPassword());
    } else {
        m_passwordEdit->setPlaceholderText(tr("Optional: empty signs in without a password"));
        m_clearPasswordCheck->hide();
    }

    m_claimsTable = new QTableWidget(0, 2, this);
    m_claimsTable->setObjectName(QStringLiteral("claimsTableWidget"));
    m_claimsTable->setHorizontalHeaderLabels({tr("Claim"), tr("Value")});
    m_claimsTable->horizontalHeader()->setStretchLastSection(true);
    m_claimsTable->horizontalHeader()->resizeSection(0, 160);
    m_claimsTable->verticalHeader()->hide();
    m_claimsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_claimsTable->setToolTip(tr("Values in JSON for arrays, objects and booleans (e.g. [\"admins\"], true); "
                                 "anything else is a string"));
    auto *claimButtons = new QHBoxLayout;
    auto *addButton = new QPushButton(QIcon(QStringLiteral(":/icons/add.svg")), tr("Add claim"), this);
    addButton->setObjectName(QStringLiteral("addClaimButton"));
    auto *removeButton = new QPushButton(QIcon(QStringLiteral(":/icons/remove.svg")), tr("Remove"), this);
    removeButton->setObjectName(QStringLiteral("removeClaimButton"));
    claimButtons->addWidget(addButton);
    claimButtons->addWidget(removeButton);
    claimButtons->addSpacing(12);
    claimButtons->addWidget(new QLabel(tr("Quick add:"), this));
    // Common OIDC claims (OpenID Connect Core §5.1) with example values to edit.
    const std::pair<QString, std::function<QString()>> quick[] = {
        {QStringLiteral("email"),
            [this]() -> QString { return m_usernameEdit->text() + QStringLiteral("@example.com"); }},
        {QStringLiteral("name"), [this] { return m_usernameEdit->text(); }},
        {QStringLiteral("groups"), [] { return QStringLiteral("[\"developers\"]"); }},
        {QStringLiteral("email_verified"), [] { return QStringLiteral("true"); }},
    };
    for (const auto &[key, value] : quick) {
        auto *button = new QToolButton(this);
        button->setText(key);
        button->setObjectName(key + QStringLiteral("QuickButton"));
        connect(button, &QToolButton::clicked, this, [this, key, value] { addClaimRow(key, value()); });
        claimButtons->addWidget(button);
    }
    claimButtons->addStretch();

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_errorLabel->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(m_existing ? tr("Save") : tr("Create"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Claims in the ID token and at /userinfo:"), this));
    layout->addWidget(m_claimsTable, 1);
    layout->addLayout(claimButtons);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_buttons);

    if (m_existing)
        for (auto it = m_existing->claims.begin(); it != m_existing->claims.end(); ++it)
            addClaimRow(it.key(), UsersModel::claimText(it.value()));

    connect(m_buttons, &QDialogButtonBox::accepted, this, &UserDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &UserDialog::reject);
    connect(addButton, &QPushButton::clicked, this, [this] { addClaimRow(); });
    connect(removeButton, &QPushButton::clicked, this, [this] {
        const int row = m_claimsTable->currentRow();
        if (row >= 0)
            m_claimsTable->removeRow(row);
        revalidate();
    });
    connect(m_revealButton, &QToolButton::toggled, this, [this](bool on) {
        m_passwordEdit->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        m_revealButton->setIcon(QIcon(on ? QStringLiteral(":/icons/hide.svg") : QStringLiteral(":/icons/reveal.svg")));
    });
    connect(m_clearPasswordCheck, &QCheckBox::toggled, m_passwordEdit, &QWidget::setDisabled);
    connect(m_usernameEdit, &QLineEdit::textChanged, this, &UserDialog::revalidate);
    connect(m_claimsTable, &QTableWidget::itemChanged, this, &UserDialog::revalidate);
    (m_existing ? static_cast<QWidget *>(m_passwordEdit) : m_usernameEdit)->setFocus();
    revalidate();
}

Result<QJsonValue> UserDialog::claimValue(const QString &raw)
{
    const QString trimmed = raw.trimmed();
    if (trimmed.startsWith(QLatin1Char('[')) || trimmed.startsWith(QLatin1Char('{')) || trimmed == QLatin1String("true")
        || trimmed == QLatin1String("false")) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + trimmed.toUtf8() + ']', &error);
        if (error.error != QJsonParseError::NoError)
            return fail(Error::invalid(tr("The value of a claim is not valid JSON: %1").arg(raw)));
        return doc.array().first();
    }
    return QJsonValue(raw);
}

void UserDialog::addClaimRow(const QString &key, const QString &value)
{
    if (!key.isEmpty())
        for (int row = 0; row < m_claimsTable->rowCount(); ++row)
            if (m_claimsTable->item(row, 0) && m_claimsTable->item(row, 0)->text() == key) {
                m_claimsTable->setCurrentCell(row, 1);
                return;
            }
    QSignalBlocker blocker(m_claimsTable);
    const int row = m_claimsTable->rowCount();
    m_claimsTable->insertRow(row);
    m_claimsTable->setItem(row, 0, new QTableWidgetItem(key));
    m_claimsTable->setItem(row, 1, new QTableWidgetItem(value));
    m_claimsTable->setCurrentCell(row, key.isEmpty() ? 0 : 1);
    if (key.isEmpty() && isVisible())
        m_claimsTable->editItem(m_claimsTable->item(row, 0));
    blocker.unblock();
    revalidate();
}

Result<QJsonObject> UserDialog::claims() const
{
    QJsonObject out;
    for (int row = 0; row < m_claimsTable->rowCount(); ++row) {
        const QTableWidgetItem *keyItem = m_claimsTable->item(row, 0);
        const QTableWidgetItem *valueItem = m_claimsTable->item(row, 1);
        const QString key = keyItem ? keyItem->text().trimmed() : QString();
        const QString raw = valueItem ? valueItem->text() : QString();
        if (key.isEmpty() && raw.isEmpty())
            continue; // a blank row just added
        if (key.isEmpty())
            return fail(Error::invalid(tr("Row %1: the claim needs a name").arg(row + 1)));
        if (out.contains(key))
            return fail(Error::invalid(tr("The claim “%1” appears twice").arg(key)));
        auto value = claimValue(raw);
        if (!value)
            return fail(value.error());
        out.insert(key, *value);
    }
    if (auto ok = UserStore::validateClaims(out); !ok)
        return fail(ok.error());
    return out;
}

QString UserDialog::validationError() const
{
    if (!m_existing)
        if (auto ok = UserStore::validateUsername(m_usernameEdit->text()); !ok)
            return m_usernameEdit->text().isEmpty() ? tr("Enter a username") : ok.error().message;
    if (auto c = claims(); !c)
        return c.error().message;
    return {};
}

void UserDialog::revalidate()
{
    QString error = validationError();
    // An empty new form is not an error yet; it only keeps OK disabled.
    const bool pristine = !m_existing && m_usernameEdit->text().isEmpty();
    const QString shown = error.isEmpty() ? m_saveError : (pristine ? QString() : error);
    m_errorLabel->setText(shown);
    m_errorLabel->setVisible(!shown.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

void UserDialog::accept()
{
    if (!validationError().isEmpty())
        return;
    UserStore store(m_db);
    const QJsonObject claimsObject = *claims();
    Result<User> saved = fail(Error::invalid(QString()));
    if (m_existing) {
        std::optional<QString> password;
        if (m_clearPasswordCheck->isChecked())
            password = QString();
        else if (!m_passwordEdit->text().isEmpty())
            password = m_passwordEdit->text();
        saved = store.update(m_existing->username, password, claimsObject);
    } else {
        saved = store.add(m_usernameEdit->text(), m_passwordEdit->text(), claimsObject);
    }
    if (!saved) {
        m_saveError = saved.error().message;
        revalidate();
        return;
    }
    m_saved = *saved;
    QDialog::accept();
}

} // namespace oauthdesk::ui
