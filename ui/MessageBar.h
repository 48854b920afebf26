#pragma once

#include <QFrame>

class QLabel;
class QTimer;
class QToolButton;

namespace oauthdesk::ui {

// An inline, dismissable message strip shown above a page's content instead of a modal box.
class MessageBar final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageBar)

public:
    enum class Kind { Info, Success, Warning, Error };
    Q_ENUM(Kind)

    explicit MessageBar(QWidget *parent = nullptr);

    // autoHideMs > 0 hides the bar after that delay; errors stay until closed by default.
    void showMessage(Kind kind, const QString &text, int autoHideMs = -1);
    void showInfo(const QString &text) { showMessage(Kind::Info, text); }
    void showSuccess(const QString &text) { showMessage(Kind::Success, text); }
    void showWarning(const QString &text) { showMessage(Kind::Warning, text); }
    void showError(const QString &text) { showMessage(Kind::Error, text); }

    Kind kind() const { return m_kind; }
    QString text() const;

private:
    QLabel *m_icon;
    QLabel *m_label;
    QToolButton *m_closeButton;
    QTimer *m_hideTimer;
    Kind m_kind = Kind::Info;
};

} // namespace oauthdesk::ui
