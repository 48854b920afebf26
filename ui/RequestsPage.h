#pragma once

#include "RequestLogModel.h"
#include "storage/Database.h"

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace oauthdesk {
class ServerController;
}

namespace oauthdesk::ui {

// The Requests page: a live log of what the server served, with an inspector for headers and bodies.
class RequestsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestsPage)

public:
    RequestsPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    RequestLogModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    // Follows the newest request unless the user scrolled away from the bottom.
    bool isFollowing() const { return m_following; }
    void setPaused(bool paused);
    void setRevealSecrets(bool reveal);
    void setFilterText(const QString &text);
    // What the inspector shows for the selected request.
    QString requestText() const;
    QString responseText() const;
    QString message() const;

    // Formats a body for reading: indented JSON, form pairs one per line, anything else as text.
    static QString formatBody(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers);

private:
    void updateDetails();
    void updateStatus();
    void onRowsInserted();

    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    RequestLogModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_messageLabel = nullptr;
    QLineEdit *m_filterLineEdit = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_clearButton = nullptr;
    QToolButton *m_revealButton = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_requestTitle = nullptr;
    QLabel *m_responseTitle = nullptr;
    QPlainTextEdit *m_requestTextEdit = nullptr;
    QPlainTextEdit *m_responseTextEdit = nullptr;
    bool m_following = true;
    bool m_adjusting = false;
    int m_removingAbove = 0;
};

} // namespace oauthdesk::ui
