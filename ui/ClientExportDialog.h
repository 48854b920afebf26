#pragma once

#include "storage/Types.h"

#include <QDialog>

class QComboBox;
class QPlainTextEdit;

namespace oauthdesk::ui {

class MessageBar;

// Shows a client's settings as JSON, .env, curl or a library snippet, to copy or save.
class ClientExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientExportDialog)

public:
    ClientExportDialog(const Client &client, const QString &issuer, QWidget *parent = nullptr);

    QString currentFormat() const;
    QString text() const;
    void setFormat(const QString &format);

private:
    void render();
    void save();

    Client m_client;
    QString m_issuer;
    QComboBox *m_formatCombo;
    QPlainTextEdit *m_textEdit;
    MessageBar *m_messageBar;
};

} // namespace oauthdesk::ui
