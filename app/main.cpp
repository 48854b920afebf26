#include "Cli.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCoreApplication>

#include <memory>

int main(int argc, char **argv)
{
    // The resources live in static libraries; without a reference the linker would drop them.
    Q_INIT_RESOURCE(icons);
    Q_INIT_RESOURCE(pages);

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    QCoreApplication::setOrganizationName(QStringLiteral("OAuthDesk"));
    QCoreApplication::setApplicationName(QStringLiteral("OAuthDesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OAUTHDESK_VERSION));

    if (oauthdesk::cli::isSubcommand(arguments)) {
        QCoreApplication app(argc, argv);
        return oauthdesk::cli::run(arguments);
    }
    QApplication app(argc, argv);
    return oauthdesk::ui::runWindow(arguments);
}
