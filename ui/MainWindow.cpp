#include "MainWindow.h"

#include <QApplication>
#include <QLabel>

namespace oauthdesk::ui {

int runWindow(const QStringList &)
{
    QLabel label(QStringLiteral("OAuthDesk"));
    label.show();
    return QApplication::exec();
}

} // namespace oauthdesk::ui
