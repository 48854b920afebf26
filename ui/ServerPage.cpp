#include "ServerPage.h"

#include "MessageBar.h"
#include "http/ServerController.h"
#include "storage/ClientStore.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace oauthdesk::ui {

namespace {

struct Endpoint
{
    const char *key;
    const char *metadataKey; // empty: not read from the metadata
    const char *defaultPath; // empty: only known from the metadata
};

// The paths the server announces; until its metadata arrives, these defaults are shown.
const Endpoint Endpoints[] = {
    {"issuer", "issuer", ""},
    {"discovery", "", "/.well-known/openid-configuration"},
    {"metadata", "", "/.well-known/oauth-authorization-server"},
    {"authorize", "authorization_endpoint", "/oauth/authorize"},
    {"token", "token_endpoint", "/oauth/token"},
    {"revoke", "revocation_endpoint", "/oauth/revoke"},
    {"introspect", "introspection_endpoint", "/oauth/introspect"},
    {"userinfo", "userinfo_endpoint", ""},
    {"jwks", "jwks_uri", ""},
};

QString endpointTitle(const QString &key)
{
    if (key == QLatin1String("issuer"))
        return ServerPage::tr("Issuer");
    if (key == QLatin1String("discovery"))
        return ServerPage::tr("OpenID discovery");
    if (key == QLatin1String("metadata"))
        return ServerPage::tr("OAuth metadata");
    if (key == QLatin1String("authorize"))
        return ServerPage::tr("Authorize");
    if (key == QLatin1String("token"))
        return ServerPage::tr("Token");
    if (key == QLatin1String("revoke"))
        return ServerPage::tr("Revoke");
    if (key == QLatin1String("introspect"))
        return ServerPage::tr("Introspect");
    if (key == QLatin1String("userinfo"))
        return ServerPage::tr("UserInfo");
    return ServerPage::tr("JWKS");
}

QLabel *valueLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ServerPage::ServerPage(std::shared_ptr<Database> db, ServerController *server, QWidget *parent)
    : QWidget(parent)
    , m_db(std::move(db))
    , m_server(server)
    , m_network(new QNetworkAccessManager(this))
    , m_messageBar(new MessageBar(this))
{
    setObjectName(QStringLiteral("serverPage"));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    // State header: what the server does right now, and the buttons to change it.
    auto *header = new QHBoxLayout;
    m_stateIcon = new QLabel(this);
    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_stateLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_stateLabel->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_stateLabel->setFont(big);
    m_startButton = new QPushButton(QIcon(QStringLiteral(":/icons/start.svg")), tr("&Start"), this);
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_stopButton = new QPushButton(QIcon(QStringLiteral(":/icons/stop.svg")), tr("S&top"), this);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    header->addWidget(m_stateIcon);
    header->addWidget(m_stateLabel, 1);
    header->addWidget(m_startButton);
    header->addWidget(m_stopButton);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 6, 0);
    auto *infoBox = new QGroupBox(tr("Listening"), left);
    auto *infoForm = new QFormLayout(infoBox);
    m_portValue = valueLabel(infoBox);
    m_bindValue = valueLabel(infoBox);
    m_issuerValue = valueLabel(infoBox);
    infoForm->addRow(tr("Port:"), m_portValue);
    infoForm->addRow(tr("Bind address:"), m_bindValue);
    infoForm->addRow(tr("Issuer:"), m_issuerValue);
    leftLayout->addWidget(infoBox);

    auto *endpointsBox = new QGroupBox(tr("Endpoints"), left);
    auto *grid = new QGridLayout(endpointsBox);
    grid->setColumnStretch(1, 1);
    int row = 0;
    for (const Endpoint &e : Endpoints) {
        const QString key = QLatin1String(e.key);
        auto *edit = new QLineEdit(endpointsBox);
        edit->setObjectName(key + QStringLiteral("LineEdit"));
        edit->setReadOnly(true);
        edit->setFont(fixed);
        edit->setMinimumWidth(320);
        auto *copy = new QToolButton(endpointsBox);
        copy->setObjectName(key + QStringLiteral("CopyButton"));
        copy->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
        copy->setToolTip(tr("Copy the %1 URL").arg(endpointTitle(key)));
        copy->setAutoRaise(true);
        connect(copy, &QToolButton::clicked, this, [this, edit, key] {
            if (edit->text().isEmpty())
                return;
            QApplication::clipboard()->setText(edit->text());
            m_messageBar->showMessage(MessageBar::Kind::Info, tr("%1 URL copied.").arg(endpointTitle(key)), 2500);
        });
        auto *label = new QLabel(endpointTitle(key) + QLatin1Char(':'), endpointsBox);
        label->setBuddy(edit);
        grid->addWidget(label, row, 0);
        grid->addWidget(edit, row, 1);
        grid->addWidget(copy, row, 2);
        m_endpointEdits.insert(key, edit);
        ++row;
    }
    leftLayout->addWidget(endpointsBox);
    leftLayout->addStretch();

    // Try it: a real token request against the running server, without leaving the window.
    auto *tryBox = new QGroupBox(tr("Try it"), this);
    auto *tryLayout = new QVBoxLayout(tryBox);
    auto *tryForm = new QFormLayout;
    m_clientCombo = new QComboBox(tryBox);
    m_clientCombo->setObjectName(QStringLiteral("clientComboBox"));
    m_clientCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_clientCombo->setMinimumContentsLength(20);
    m_grantCombo = new QComboBox(tryBox);
    m_grantCombo->setObjectName(QStringLiteral("grantComboBox"));
    m_grantCombo->addItem(QStringLiteral("client_credentials"), grant::ClientCredentials);
    m_grantCombo->addItem(QStringLiteral("refresh_token"), grant::RefreshToken);
    m_refreshTokenEdit = new QLineEdit(tryBox);
    m_refreshTokenEdit->setObjectName(QStringLiteral("refreshTokenLineEdit"));
    m_refreshTokenEdit->setPlaceholderText(tr("Paste a refresh token"));
    m_refreshTokenEdit->setFont(fixed);
    m_scopeEdit = new QLineEdit(tryBox);
    m_scopeEdit->setObjectName(QStringLiteral("scopeLineEdit"));
    m_scopeEdit->setPlaceholderText(tr("Optional, space separated"));
    tryForm->addRow(tr("&Client:"), m_clientCombo);
    tryForm->addRow(tr("&Grant:"), m_grantCombo);
    tryForm->addRow(tr("&Refresh token:"), m_refreshTokenEdit);
    tryForm->addRow(tr("Sco&pe:"), m_scopeEdit);
    tryLayout->addLayout(tryForm);
    auto *runRow = new QHBoxLayout;
    m_tryHint = new QLabel(tryBox);
    m_tryHint->setWordWrap(true);
    QPalette hintPalette = m_tryHint->palette();
    hintPalette.setColor(QPalette::WindowText, hintPalette.color(QPalette::Disabled, QPalette::WindowText));
    m_tryHint->setPalette(hintPalette);
    m_runButton = new QPushButton(QIcon(QStringLiteral(":/icons/try.svg")), tr("&Run"), tryBox);
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_runButton->setDefault(true);
    runRow->addWidget(m_tryHint, 1);
    runRow->addWidget(m_runButton);
    tryLayout->addLayout(runRow);
    m_responseEdit = new QPlainTextEdit(tryBox);
    m_responseEdit->setObjectName(QStringLiteral("responseTextEdit"));
    m_responseEdit->setReadOnly(true);
    m_responseEdit->setFont(fixed);
    m_responseEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_responseEdit->setPlaceholderText(tr("The raw HTTP response appears here: status, headers and the JSON body."));
    tryLayout->addWidget(m_responseEdit, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("serverSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(scroll);
    m_splitter->addWidget(tryBox);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_messageBar);
    layout->addWidget(m_splitter, 1);

    connect(m_startButton, &QPushButton::clicked, this, &ServerPage::startRequested);
    connect(m_stopButton, &QPushButton::clicked, this, &ServerPage::stopRequested);
    connect(m_runButton, &QPushButton::clicked, this, &ServerPage::runTryIt);
    connect(m_grantCombo, &QComboBox::currentIndexChanged, this, &ServerPage::updateState);
    connect(m_clientCombo, &QComboBox::currentIndexChanged, this, &ServerPage::updateState);
    connect(m_server, &ServerController::stateChanged, this, &ServerPage::updateState);
    connect(m_server, &ServerController::started, this, &ServerPage::fetchMetadata);
    connect(m_server, &ServerController::failed, this,
        [this](const QString &message) { m_messageBar->showError(tr("The server did not start: %1").arg(message)); });
    refreshClients();
    updateState();
}

void ServerPage::showEvent(QShowEvent *event)
{
    refreshClients(); // clients may have been added on the Clients page meanwhile
    QWidget::showEvent(event);
}

QString ServerPage::localBaseUrl() const
{
    // Requests go to the socket itself: the configured issuer may name a host that only resolves elsewhere.
    Config local = m_server->config();
    local.issuer.clear();
    return local.effectiveIssuer(m_server->port());
}

QString ServerPage::endpointUrl(const QString &key) const
{
    const QLineEdit *edit = m_endpointEdits.value(key);
    return edit ? edit->text() : QString();
}

QString ServerPage::responseText() const
{
    return m_responseEdit->toPlainText();
}

void ServerPage::refreshClients()
{
    const QString previous = m_clientCombo->currentData().toString();
    const QSignalBlocker blocker(m_clientCombo);
    m_clientCombo->clear();
    ClientStore store(m_db);
    if (auto list = store.list()) {
        for (const Client &c : *list) {
            if (!c.active)
                continue;
            m_clientCombo->addItem(QStringLiteral("%1 (%2)").arg(c.name, c.clientId), c.clientId);
        }
    }
    m_clientCombo->setCurrentIndex(std::max(0, m_clientCombo->findData(previous)));
    updateState();
}

void ServerPage::updateState()
{
    const auto state = m_server->state();
    const bool running = state == ServerController::State::Running;
    const Config &config = m_server->config();
    QString iconName = QStringLiteral("stop");
    switch (state) {
    case ServerController::State::Running:
        m_stateLabel->setText(tr("Running on %1").arg(localBaseUrl()));
        iconName = QStringLiteral("start");
        break;
    case ServerController::State::Starting:
        m_stateLabel->setText(tr("Starting…"));
        break;
    case ServerController::State::Stopping:
        m_stateLabel->setText(tr("Stopping…"));
        break;
    case ServerController::State::Stopped:
        m_stateLabel->setText(tr("Stopped"));
        break;
    }
    m_stateIcon->setPixmap(QIcon(QStringLiteral(":/icons/%1.svg").arg(iconName)).pixmap(24, 24));
    m_startButton->setEnabled(state == ServerController::State::Stopped);
    m_stopButton->setEnabled(running);
    m_portValue->setText(running ? QString::number(m_server->port())
                                 : (config.port == 0 ? tr("any free port") : QString::number(config.port)));
    m_bindValue->setText(config.bindAddress);
    const QString issuer = running ? m_server->issuer() : config.effectiveIssuer(config.port);
    m_issuerValue->setText(config.issuer.isEmpty() ? tr("%1 (derived from the address)").arg(issuer) : issuer);

    if (!running)
        m_metadata = {};
    if (m_metadata.isEmpty()) {
        QString base = issuer;
        if (!running && config.port == 0 && config.issuer.isEmpty())
            base.clear(); // the port is not known until the server listens
        for (const Endpoint &e : Endpoints) {
            QLineEdit *edit = m_endpointEdits.value(QLatin1String(e.key));
            const QString path = QLatin1String(e.defaultPath);
            if (QLatin1String(e.key) == QLatin1String("issuer"))
                edit->setText(base);
            else
                edit->setText(base.isEmpty() || path.isEmpty() ? QString() : base + path);
            edit->setPlaceholderText(
                path.isEmpty() && running ? tr("Not announced by the server") : tr("Known once the server runs"));
        }
    }

    const bool hasClient = m_clientCombo->count() > 0;
    const bool refresh = m_grantCombo->currentData().toString() == grant::RefreshToken;
    m_refreshTokenEdit->setEnabled(refresh);
    m_runButton->setEnabled(running && hasClient && !m_pending);
    if (!running)
        m_tryHint->setText(tr("Start the server to try a token request."));
    else if (!hasClient)
        m_tryHint->setText(tr("Add an active client on the Clients page first."));
    else if (m_pending)
        m_tryHint->setText(tr("Waiting for the server…"));
    else
        m_tryHint->setText(refresh ? tr("POSTs grant_type=refresh_token to the token endpoint.")
                                   : tr("POSTs grant_type=client_credentials to the token endpoint."));
}

void ServerPage::fetchMetadata()
{
    updateState();
    // OpenID discovery first; a server without it still has RFC 8414 metadata.
    const QStringList paths = {
        QStringLiteral("/.well-known/openid-configuration"), QStringLiteral("/.well-known/oauth-authorization-server")};
    for (const QString &path : paths) {
        QNetworkRequest request(QUrl(localBaseUrl() + path));
        request.setTransferTimeout(5000);
        QNetworkReply *reply = m_network->get(request);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                return;
            const QJsonObject metadata = QJsonDocument::fromJson(reply->readAll()).object();
            // The OpenID document is the superset; it wins whichever answer comes last.
            if (metadata.isEmpty()
                || (m_metadata.contains(QStringLiteral("userinfo_endpoint"))
                    && !metadata.contains(QStringLiteral("userinfo_endpoint"))))
                return;
            applyMetadata(metadata);
        });
    }
}

void ServerPage::applyMetadata(const QJsonObject &metadata)
{
    if (m_server->state() != ServerController::State::Running)
        return;
    m_metadata = metadata;
    for (const Endpoint &e : Endpoints) {
        const QString metadataKey = QLatin1String(e.metadataKey);
        if (metadataKey.isEmpty())
            continue;
        const QString url = metadata.value(metadataKey).toString();
        QLineEdit *edit = m_endpointEdits.value(QLatin1String(e.key));
        if (!url.isEmpty() || QLatin1String(e.defaultPath).isEmpty())
            edit->setText(url);
    }
    const QString issuer = metadata.value(QStringLiteral("issuer")).toString();
    if (!issuer.isEmpty()) {
        m_endpointEdits.value(QStringLiteral("discovery"))
            ->setText(issuer + QStringLiteral("/.well-known/openid-configuration"));
        m_endpointEdits.value(QStringLiteral("metadata"))
            ->setText(issuer + QStringLiteral("/.well-known/oauth-authorization-server"));
    }
}

void ServerPage::runTryIt()
{
    if (m_pending || m_server->state() != ServerController::State::Running)
        return;
    ClientStore store(m_db);
    auto client = store.get(m_clientCombo->currentData().toString());
    if (!client) {
        m_messageBar->showError(client.error().message);
        refreshClients();
        return;
    }
    const QString grantType = m_grantCombo->currentData().toString();
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), grantType);
    if (grantType == grant::RefreshToken) {
        if (m_refreshTokenEdit->text().trimmed().isEmpty()) {
            m_messageBar->showWarning(tr("Paste a refresh token first: Run with client_credentials does not issue "
                                         "one, but the Tokens page and the authorization code flow do."));
            return;
        }
        form.addQueryItem(QStringLiteral("refresh_token"), m_refreshTokenEdit->text().trimmed());
    }
    if (!m_scopeEdit->text().trimmed().isEmpty())
        form.addQueryItem(QStringLiteral("scope"), m_scopeEdit->text().trimmed());

    // The token path as announced, on the local socket.
    QString tokenPath = QStringLiteral("/oauth/token");
    if (const QUrl announced(m_metadata.value(QStringLiteral("token_endpoint")).toString());
        !announced.path().isEmpty())
        tokenPath = announced.path();
    QNetworkRequest request(QUrl(localBaseUrl() + tokenPath));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(15000);
    QString authLine;
    if (client->isPublic) {
        form.addQueryItem(QStringLiteral("client_id"), client->clientId);
    } else if (client->authMethodPinned && client->authMethod == authmethod::Post) {
        form.addQueryItem(QStringLiteral("client_id"), client->clientId);
        form.addQueryItem(QStringLiteral("client_secret"), client->secret);
    } else {
        // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined for Basic.
        const QByteArray id = QUrl::toPercentEncoding(client->clientId);
        const QByteArray secret = QUrl::toPercentEncoding(client->secret);
        request.setRawHeader("Authorization", "Basic " + QByteArray(id + ':' + secret).toBase64());
        authLine = QStringLiteral("Authorization: Basic …\n");
    }
    // RFC 6749 Appendix B: '+' would read as a space, so it must be percent-encoded in the body.
    QString body = form.query(QUrl::FullyEncoded);
    body.replace(QLatin1Char('+'), QStringLiteral("%2B"));
    QString shownBody = body;
    if (!client->secret.isEmpty())
        shownBody.replace(QString::fromLatin1(QUrl::toPercentEncoding(client->secret)), QStringLiteral("…"));
    const QString summary = QStringLiteral("→ POST %1\n%2Content-Type: application/x-www-form-urlencoded\n\n%3\n\n")
                                .arg(request.url().toString(), authLine, shownBody);
    m_responseEdit->setPlainText(summary + tr("Waiting for the server…"));
    m_pending = m_network->post(request, body.toUtf8());
    connect(m_pending, &QNetworkReply::finished, this, [this, reply = m_pending, summary] {
        m_pending = nullptr;
        reply->deleteLater();
        showReply(reply, summary);
        updateState();
    });
    updateState();
}

void ServerPage::showReply(QNetworkReply *reply, const QString &requestSummary)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    QString text = requestSummary;
    if (status == 0) {
        text += tr("← No HTTP response: %1").arg(reply->errorString());
        m_responseEdit->setPlainText(text);
        Q_EMIT tryItFinished(0);
        return;
    }
    text += QStringLiteral("← HTTP %1 %2\n")
                .arg(status)
                .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
    for (const auto &[name, value] : reply->rawHeaderPairs())
        text += QString::fromLatin1(name) + QStringLiteral(": ") + QString::fromLatin1(value) + QLatin1Char('\n');
    text += QLatin1Char('\n');
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    text += error.error == QJsonParseError::NoError ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented))
                                                    : QString::fromUtf8(body);
    m_responseEdit->setPlainText(text);
    const QString refreshToken = doc.object().value(QStringLiteral("refresh_token")).toString();
    if (!refreshToken.isEmpty()) {
        m_refreshTokenEdit->setText(refreshToken);
        m_messageBar->showMessage(MessageBar::Kind::Info,
            tr("The new refresh token is in the form: choose refresh_token and Run to use it."), 5000);
    }
    Q_EMIT tryItFinished(status);
}

} // namespace oauthdesk::ui
