#include "KeysPage.h"

#include "KeysModel.h"
#include "http/ServerController.h"
#include "oauth/OidcProvider.h"
#include "storage/ClientStore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace oauthdesk::ui {

KeysPage::KeysPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_server(server)
    , m_keys(db)
    , m_model(new KeysModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_rotateButton(new QPushButton(QIcon(QStringLiteral(":/icons/rotate.svg")), tr("Rotate keys"), this))
    , m_messageLabel(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(KeysModel::SortRole);
    m_table->setObjectName(QStringLiteral("keysTableView"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeysModel::CreatedColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(KeysModel::KidColumn, QHeaderView::Stretch);
    // Dates on one line: a wrapped "created" doubled the height of every row.
    m_table->setWordWrap(false);
    for (int column : {KeysModel::CreatedColumn, KeysModel::RetiredColumn})
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    m_rotateButton->setObjectName(QStringLiteral("rotateButton"));
    m_rotateButton->setToolTip(tr("Retire the active keys and create new ones. Retired keys stay in the JWK Set until "
                                  "the tokens they signed have expired."));
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->hide();

    auto *intro = new QLabel(tr("OAuthDesk signs ID tokens and JWT access tokens with these keys and publishes their "
                                "public halves at /oauth/jwks. Private keys never leave the database."),
        this);
    intro->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_rotateButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_messageLabel);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    m_confirm = [this] {
        return QMessageBox::question(this, tr("Rotate signing keys?"),
                   tr("New keys will sign every token from now on. The current keys are retired but "
                      "stay published until the tokens they signed have expired, so nothing breaks.\n\n"
                      "Rotate the keys now?"))
            == QMessageBox::Yes;
    };
    connect(m_rotateButton, &QPushButton::clicked, this, &KeysPage::rotateKeys);
    if (m_server) {
        // The server creates the first keys when it starts.
        connect(m_server, &ServerController::started, this, &KeysPage::reload);
    }
    reload();
}

void KeysPage::showMessage(const QString &text, bool error)
{
    m_messageLabel->setText(text);
    m_messageLabel->setStyleSheet(error ? QStringLiteral("color: #b91c1c;") : QString());
    m_messageLabel->setVisible(!text.isEmpty());
}

void KeysPage::reload()
{
    const int accessSecs = m_server ? m_server->config().lifetimes.accessSecs : Lifetimes{}.accessSecs;
    m_model->setRetentionMs(KeyStore::retentionMs(
        accessSecs, ClientStore(m_db).list().value_or(QList<Client>{}), oauth::OidcProvider::IdTokenLifetimeSecs));
    auto keys = m_keys.list();
    if (!keys) {
        showMessage(tr("Cannot read the signing keys: %1").arg(keys.error().message), true);
        return;
    }
    m_model->setKeys(*keys);
    const QString noKeys = tr("No keys yet: the server creates them when it first starts.");
    if (keys->isEmpty())
        showMessage(noKeys, false);
    else if (m_messageLabel->text() == noKeys)
        showMessage({}, false);
}

void KeysPage::rotateKeys()
{
    if (m_confirm && !m_confirm())
        return;
    auto fresh = m_keys.rotate();
    if (!fresh) {
        showMessage(tr("Key rotation failed: %1").arg(fresh.error().message), true);
        return;
    }
    showMessage(tr("Rotated: %n new key(s) now sign new tokens.", nullptr, int(fresh->size())), false);
    reload();
    Q_EMIT keysRotated(int(fresh->size()));
}

} // namespace oauthdesk::ui
