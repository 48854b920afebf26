#pragma once

#include <QJsonObject>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QNetworkReply;
class QPlainTextEdit;
class QPushButton;
class QSplitter;

namespace oauthdesk {
class Database;
class ServerController;
} // namespace oauthdesk

namespace oauthdesk::ui {

class MessageBar;

// The Server page: start and stop, the endpoint URLs to copy, and a "Try it" token request.
class ServerPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerPage)

public:
    ServerPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent = nullptr);

    MessageBar *messageBar() const { return m_messageBar; }
    // The URL shown for an endpoint key: issuer, discovery, metadata, authorize, token, revoke, introspect,
    // userinfo, jwks.
    QString endpointUrl(const QString &key) const;
    QString responseText() const;
    void refreshClients();
    // Sends the token request the Try it form describes; the answer lands in the response view.
    void runTryIt();

Q_SIGNALS:
    void startRequested();
    void stopRequested();
    // The Try it request finished (or failed) and the response view shows the outcome.
    void tryItFinished(int httpStatus);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateState();
    void fetchMetadata();
    void applyMetadata(const QJsonObject &metadata);
    void showReply(QNetworkReply *reply, const QString &requestSummary);
    QString localBaseUrl() const;

    std::shared_ptr<Database> m_db;
    ServerController *m_server;
    QNetworkAccessManager *m_network;
    MessageBar *m_messageBar;
    QLabel *m_stateIcon;
    QLabel *m_stateLabel;
    QPushButton *m_startButton;
    QPushButton *m_stopButton;
    QLabel *m_portValue;
    QLabel *m_bindValue;
    QLabel *m_issuerValue;
    QHash<QString, QLineEdit *> m_endpointEdits;
    QComboBox *m_clientCombo;
    QComboBox *m_grantCombo;
    QLineEdit *m_refreshTokenEdit;
    QLineEdit *m_scopeEdit;
    QPushButton *m_runButton;
    QLabel *m_tryHint;
    QPlainTextEdit *m_responseEdit;
    QSplitter *m_splitter;
    QNetworkReply *m_pending = nullptr;
    QJsonObject m_metadata;
};

} // namespace oauthdesk::ui
