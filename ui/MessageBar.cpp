#include "MessageBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace oauthdesk::ui {

namespace {

struct Palette
{
    const char *background;
    const char *border;
    const char *text;
    QStyle::StandardPixmap icon;
};

Palette paletteFor(MessageBar::Kind kind)
{
    switch (kind) {
    case MessageBar::Kind::Success:
        return {"#e8f5e9", "#81c784", "#1b5e20", QStyle::SP_DialogApplyButton};
    case MessageBar::Kind::Warning:
        return {"#fff8e1", "#ffca28", "#7a5200", QStyle::SP_MessageBoxWarning};
    case MessageBar::Kind::Error:
        return {"#fdecea", "#e57373", "#8e1b1b", QStyle::SP_MessageBoxCritical};
    case MessageBar::Kind::Info:
        break;
    }
    return {"#e8f0fe", "#90b4f0", "#17346b", QStyle::SP_MessageBoxInformation};
}

} // namespace

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_closeButton(new QToolButton(this))
    , m_hideTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("messageBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(8);
    m_label->setObjectName(QStringLiteral("messageLabel"));
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setAutoRaise(true);
    m_closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_closeButton->setToolTip(tr("Close"));
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_closeButton, 0, Qt::AlignTop);
    m_hideTimer->setSingleShot(true);
    connect(m_hideTimer, &QTimer::timeout, this, &QWidget::hide);
    connect(m_closeButton, &QToolButton::clicked, this, [this] {
        m_hideTimer->stop();
        hide();
    });
    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text, int autoHideMs)
{
    m_kind = kind;
    const Palette p = paletteFor(kind);
    setStyleSheet(QStringLiteral("#messageBar { background: %1; border: 1px solid %2; border-radius: 4px; }"
                                 "#messageBar QLabel { color: %3; }")
                      .arg(QLatin1String(p.background), QLatin1String(p.border), QLatin1String(p.text)));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(p.icon).pixmap(size, size));
    m_label->setText(text);
    // Confirmations fade on their own; errors wait until the user has read them.
    if (autoHideMs < 0)
        autoHideMs = (kind == Kind::Success || kind == Kind::Info) ? 6000 : 0;
    if (autoHideMs > 0)
        m_hideTimer->start(autoHideMs);
    else
        m_hideTimer->stop();
    show();
}

QString MessageBar::text() const
{
    return m_label->text();
}

} // namespace oauthdesk::ui
