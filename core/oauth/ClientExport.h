#pragma once

#include "storage/Types.h"

#include <QString>
#include <QStringList>

namespace oauthdesk {

// A client's settings as text to paste into an application: JSON, .env, curl, and library snippets.
class ClientExport final
{
public:
    static QStringList formats(); // json, env, curl, openid-client, spring, authlib, qt
    static QString formatTitle(const QString &format);
    static QString suggestedFileName(const Client &client, const QString &format);
    // Empty when the format is unknown.
    static QString render(const Client &client, const QString &issuer, const QString &format);
};

} // namespace oauthdesk
