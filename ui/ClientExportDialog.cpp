#include "ClientExportDialog.h"

#include "MessageBar.h"
#include "oauth/ClientExport.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace oauthdesk::ui {

ClientExportDialog::ClientExportDialog(const Client &client, const QString &issuer, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_issuer(issuer)
    , m_formatCombo(new QComboBox(this))
    , m_textEdit(new QPlainTextEdit(this))
    , m_messageBar(new MessageBar(this))
{
    setWindowTitle(tr("Export “%1”").arg(client.name));
    resize(760, 560);
    m_formatCombo->setObjectName(QStringLiteral("formatComboBox"));
    for (const QString &format : ClientExport::formats())
        m_formatCombo->addItem(ClientExport::formatTitle(format), format);
    m_textEdit->setObjectName(QStringLiteral("exportTextEdit"));
    m_textEdit->setReadOnly(true);
    m_textEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_textEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *top = new QHBoxLayout;
    auto *formatLabel = new QLabel(tr("&Format:"), this);
    formatLabel->setBuddy(m_formatCombo);
    top->addWidget(formatLabel);
    top->addWidget(m_formatCombo, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copyButton = buttons->addButton(tr("&Copy to clipboard"), QDialogButtonBox::ActionRole);
    copyButton->setObjectName(QStringLiteral("copyButton"));
    copyButton->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
    auto *saveButton = buttons->addButton(tr("&Save to file…"), QDialogButtonBox::ActionRole);
    saveButton->setObjectName(QStringLiteral("saveButton"));
    saveButton->setIcon(QIcon(QStringLiteral(":/icons/export.svg")));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messageBar);
    layout->addLayout(top);
    layout->addWidget(m_textEdit, 1);
    layout->addWidget(buttons);

    connect(m_formatCombo, &QComboBox::currentIndexChanged, this, &ClientExportDialog::render);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copyButton, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_textEdit->toPlainText());
        m_messageBar->showMessage(MessageBar::Kind::Success, tr("Copied to the clipboard."), 3000);
    });
    connect(saveButton, &QPushButton::clicked, this, &ClientExportDialog::save);
    render();
}

QString ClientExportDialog::currentFormat() const
{
    return m_formatCombo->currentData().toString();
}

QString ClientExportDialog::text() const
{
    return m_textEdit->toPlainText();
}

void ClientExportDialog::setFormat(const QString &format)
{
    m_formatCombo->setCurrentIndex(std::max(0, m_formatCombo->findData(format)));
}

void ClientExportDialog::render()
{
    m_textEdit->setPlainText(ClientExport::render(m_client, m_issuer, currentFormat()));
}

void ClientExportDialog::save()
{
    const QString suggested = QDir::home().filePath(ClientExport::suggestedFileName(m_client, currentFormat()));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save client settings"), suggested);
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_textEdit->toPlainText().toUtf8()) < 0 || !file.commit()) {
        m_messageBar->showError(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return;
    }
    m_messageBar->showSuccess(tr("Saved to %1.").arg(QDir::toNativeSeparators(path)));
}

} // namespace oauthdesk::ui
