#pragma once

#include <QDialog>

#include <memory>

class QLabel;
class QPlainTextEdit;

namespace oauthdesk {
class Database;
}

namespace oauthdesk::ui {

// Paste any JWT: shows its header and claims, the times in them, and whether OAuthDesk's keys verify its signature.
class TokenInspectorDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenInspectorDialog)

public:
    enum class Verdict { Empty, Malformed, Valid, Invalid };
    Q_ENUM(Verdict)

    explicit TokenInspectorDialog(std::shared_ptr<Database> db, QWidget *parent = nullptr);

    void setToken(const QString &token);
    Verdict verdict() const { return m_verdict; }
    QString verdictText() const;

private:
    void inspect();
    void setVerdict(Verdict verdict, const QString &text);

    std::shared_ptr<Database> m_db;
    QPlainTextEdit *m_tokenEdit = nullptr;
    QPlainTextEdit *m_headerView = nullptr;
    QPlainTextEdit *m_claimsView = nullptr;
    QLabel *m_timesLabel = nullptr;
    QLabel *m_signatureLabel = nullptr;
    Verdict m_verdict = Verdict::Empty;
};

} // namespace oauthdesk::ui
