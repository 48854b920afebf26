#include "TokenInspectorDialog.h"

#include "crypto/Jws.h"
#include "storage/KeyStore.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace oauthdesk::ui {

namespace {

QPlainTextEdit *readOnlyView(const QString &name, QWidget *parent)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(name);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

QString relative(qint64 secs)
{
    const qint64 delta = secs - Clock::nowSecs();
    const qint64 magnitude = qAbs(delta);
    QString amount;
    if (magnitude < 120)
        amount = TokenInspectorDialog::tr("%n second(s)", nullptr, int(magnitude));
    else if (magnitude < 7200)
        amount = TokenInspectorDialog::tr("%n minute(s)", nullptr, int(magnitude / 60));
    else if (magnitude < 2 * 86400)
        amount = TokenInspectorDialog::tr("%n hour(s)", nullptr, int(magnitude / 3600));
    else
        amount = TokenInspectorDialog::tr("%n day(s)", nullptr, int(magnitude / 86400));
    return delta >= 0 ? TokenInspectorDialog::tr("in %1").arg(amount) : TokenInspectorDialog::tr("%1 ago").arg(amount);
}

} // namespace

TokenInspectorDialog::TokenInspectorDialog(std::shared_ptr<Database> db, QWidget *parent)
    : QDialog(parent)
    , m_db(std::move(db))
    , m_tokenEdit(new QPlainTextEdit(this))
    , m_headerView(readOnlyView(QStringLiteral("headerView"), this))
    , m_claimsView(readOnlyView(QStringLiteral("claimsView"), this))
    , m_timesLabel(new QLabel(this))
    , m_signatureLabel(new QLabel(this))
{
    setWindowTitle(tr("Token inspector"));
    m_tokenEdit->setObjectName(QStringLiteral("tokenEdit"));
    m_tokenEdit->setPlaceholderText(tr("Paste a JWT (an ID token or a JWT access token) here"));
    m_tokenEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_timesLabel->setObjectName(QStringLiteral("timesLabel"));
    m_timesLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_signatureLabel->setObjectName(QStringLiteral("signatureLabel"));
    m_signatureLabel->setWordWrap(true);
    m_headerView->setMaximumHeight(110);

    auto *form = new QFormLayout;
    form->addRow(tr("Token:"), m_tokenEdit);
    form->addRow(tr("Signature:"), m_signatureLabel);
    form->addRow(tr("Header:"), m_headerView);
    form->addRow(tr("Claims:"), m_claimsView);
    form->addRow(tr("Times:"), m_timesLabel);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(720, 640);

    connect(m_tokenEdit, &QPlainTextEdit::textChanged, this, &TokenInspectorDialog::inspect);
    inspect();
}

void TokenInspectorDialog::setToken(const QString &token)
{
    m_tokenEdit->setPlainText(token);
}

QString TokenInspectorDialog::verdictText() const
{
    return m_signatureLabel->text();
}

void TokenInspectorDialog::setVerdict(Verdict verdict, const QString &text)
{
    m_verdict = verdict;
    m_signatureLabel->setText(text);
    QString style;
    if (verdict == Verdict::Valid)
        style = QStringLiteral("color: #15803d; font-weight: bold;");
    else if (verdict == Verdict::Invalid || verdict == Verdict::Malformed)
        style = QStringLiteral("color: #b91c1c; font-weight: bold;");
    m_signatureLabel->setStyleSheet(style);
}

void TokenInspectorDialog::inspect()
{
    // Whitespace and line breaks sneak in when copying from terminals and logs.
    QString text = m_tokenEdit->toPlainText();
    text.remove(QLatin1Char(' ')).remove(QLatin1Char('\n')).remove(QLatin1Char('\r')).remove(QLatin1Char('\t'));
    if (text.startsWith(QLatin1String("Bearer"), Qt::CaseInsensitive))
        text = text.mid(6);
    m_headerView->clear();
    m_claimsView->clear();
    m_timesLabel->clear();
    if (text.isEmpty()) {
        setVerdict(Verdict::Empty, tr("Paste a token to inspect it."));
        return;
    }
    const QByteArray compact = text.toLatin1();
    auto decoded = crypto::decodeJwt(compact);
    if (!decoded) {
        setVerdict(Verdict::Malformed, tr("Not a JWT: %1").arg(decoded.error().message));
        return;
    }
    m_headerView->setPlainText(QString::fromUtf8(QJsonDocument(decoded->header).toJson(QJsonDocument::Indented)));
    m_claimsView->setPlainText(QString::fromUtf8(QJsonDocument(decoded->claims).toJson(QJsonDocument::Indented)));

    QStringList times;
    const QLocale locale;
    for (const char *name : {"iat", "nbf", "auth_time", "exp"}) {
        const QJsonValue v = decoded->claims.value(QLatin1String(name));
        if (!v.isDouble())
            continue;
        const qint64 secs = qint64(v.toDouble());
        QString line
            = QStringLiteral("%1: %2 (%3)")
                  .arg(QLatin1String(name), locale.toString(QDateTime::fromSecsSinceEpoch(secs), QLocale::LongFormat),
                      relative(secs));
        if (QLatin1String(name) == QLatin1String("exp") && secs <= Clock::nowSecs())
            line += QLatin1Char(' ') + tr("— expired");
        times << line;
    }
    m_timesLabel->setText(times.isEmpty() ? tr("(no time claims)") : times.join(QLatin1Char('\n')));

    // Every key OAuthDesk still holds, retired ones too, so an old token can still be traced to its key.
    auto keys = KeyStore(m_db).list();
    if (!keys) {
        setVerdict(Verdict::Invalid, tr("Cannot read OAuthDesk's keys: %1").arg(keys.error().message));
        return;
    }
    QList<QJsonObject> jwks;
    for (const KeyRecord &k : *keys)
        jwks.append(k.publicJwk);
    auto verified = crypto::verifyJwsPayload(compact, jwks);
    if (!verified) {
        setVerdict(
            Verdict::Invalid, tr("✗ Signature NOT valid against OAuthDesk's keys: %1").arg(verified.error().message));
        return;
    }
    const QString kid = decoded->header.value(QStringLiteral("kid")).toString();
    QString keyState;
    for (const KeyRecord &k : *keys)
        if (k.kid == kid)
            keyState = k.isActive() ? tr("active key") : tr("key retired %1").arg(relative(k.retiredAt / 1000));
    setVerdict(Verdict::Valid,
        tr("✓ Signature valid: signed by OAuthDesk (%1, %2 %3)")
            .arg(decoded->header.value(QStringLiteral("alg")).toString(), keyState, kid));
}

} // namespace oauthdesk::ui
