#pragma once

#include "TokenTableModel.h"
#include "storage/Database.h"
#include "storage/Types.h"

#include <QWidget>

#include <array>
#include <functional>
#include <memory>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTabBar;
class QTableView;
class QTimer;

namespace oauthdesk {
class ServerController;
}

namespace oauthdesk::ui {

// The Tokens page: live tables of codes, access tokens and refresh tokens with filters, revocation and details.
class TokensPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokensPage)

public:
    // Asked before every destructive action; tests replace the dialog with an answer.
    using Confirm = std::function<bool(const QString &title, const QString &text)>;

    TokensPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    TokenTableModel *model(TokenKind kind) const { return m_tabs[index(kind)].model; }
    QTableView *view(TokenKind kind) const { return m_tabs[index(kind)].view; }
    TokenKind currentKind() const;
    void setCurrentKind(TokenKind kind);
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    // The inline message currently shown (empty when hidden).
    QString message() const;

    // Revokes without asking: codes and access tokens one by one, refresh tokens with their whole grant.
    // Returns how many codes and tokens were revoked in total.
    Result<int> revoke(TokenKind kind, const QList<qint64> &ids);

public Q_SLOTS:
    void revokeSelection();
    void revokeClientTokens();
    void revokeUserTokens();
    void copyPrefix();
    // Re-reads the client and user lists of the filter combos.
    void reloadFilterChoices();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Tab
    {
        TokenTableModel *model = nullptr;
        QTableView *view = nullptr;
        QStackedWidget *stack = nullptr; // the table, or the empty-state hint
        QLabel *emptyLabel = nullptr;
        bool stale = false; // changed while another tab was shown
    };

    static int index(TokenKind kind) { return int(kind); }
    Tab &current() { return m_tabs[index(currentKind())]; }
    void buildTab(TokenKind kind);
    void applyFilter();
    void onTokensChanged();
    void onCurrentTabChanged();
    void tick();
    void updateEmptyState(Tab &tab);
    void updateActions();
    void updateDetails();
    void showMessage(const QString &text, bool error);
    bool confirm(const QString &title, const QString &text);
    QList<int> selectedRows() const;
    QString targetClient() const;
    QString targetUser() const;
    void revokeMatching(const TokenFilter &filter, const QString &what);
    int liveCount(const TokenFilter &filter) const;

    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    std::array<Tab, 3> m_tabs;
    Confirm m_confirm;

    QLabel *m_messageLabel = nullptr;
    QTimer *m_messageTimer = nullptr;
    QTabBar *m_tabBar = nullptr;
    QLabel *m_countLabel = nullptr;
    QComboBox *m_clientCombo = nullptr;
    QComboBox *m_userCombo = nullptr;
    QComboBox *m_statusCombo = nullptr;
    QLineEdit *m_searchLineEdit = nullptr;
    QTimer *m_searchTimer = nullptr;
    QPushButton *m_revokeButton = nullptr;
    QPushButton *m_revokeClientButton = nullptr;
    QPushButton *m_revokeUserButton = nullptr;
    QPushButton *m_copyButton = nullptr;
    QStackedWidget *m_tabStack = nullptr;
    QLabel *m_detailsTitle = nullptr;
    QFormLayout *m_detailsForm = nullptr;
    QLabel *m_detailsHint = nullptr;
    QList<QLabel *> m_detailValues;
    QTimer *m_tickTimer = nullptr;
};

} // namespace oauthdesk::ui
