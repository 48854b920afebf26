#pragma once

#include <QStringList>

namespace oauthdesk::cli {

// True when the arguments name a subcommand (serve, client, user, token, ...) rather than the window.
bool isSubcommand(const QStringList &arguments);

// Runs a subcommand and returns the process exit code: 0 success, 1 runtime failure, 2 bad input.
int run(const QStringList &arguments);

} // namespace oauthdesk::cli
