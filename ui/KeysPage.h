#pragma once

#include "storage/KeyStore.h"

#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTableView;
class QSortFilterProxyModel;

namespace oauthdesk {
class Database;
class ServerController;
} // namespace oauthdesk

namespace oauthdesk::ui {

class KeysModel;

// The Keys tab: the signing keys the server publishes in its JWK Set, and key rotation.
class KeysPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysPage)

public:
    KeysPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    KeysModel *model() const { return m_model; }
    // Asks before a rotation; tests replace the dialog with an answer.
    void setConfirmation(std::function<bool()> confirm) { m_confirm = std::move(confirm); }

public Q_SLOTS:
    void reload();
    void rotateKeys();

Q_SIGNALS:
    void keysRotated(int newKeys);

private:
    void showMessage(const QString &text, bool error);

    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    KeyStore m_keys;
    KeysModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_rotateButton = nullptr;
    QLabel *m_messageLabel = nullptr;
    std::function<bool()> m_confirm;
};

} // namespace oauthdesk::ui
