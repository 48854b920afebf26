#pragma once

#include <QStringList>

namespace oauthdesk::ui {

// Opens the admin window (and its server) and runs the event loop; returns the exit code.
int runWindow(const QStringList &arguments);

} // namespace oauthdesk::ui
