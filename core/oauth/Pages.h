#pragma once

#include "storage/Types.h"

#include <QHash>
#include <QList>
#include <QString>

namespace oauthdesk::oauth {

// The HTML pages a person sees, from resources/pages, with {{name}} placeholders filled in escaped.
// {{{name}}} inserts markup that the caller already escaped.
class Pages final
{
public:
    static QString render(const QString &name, const QHash<QString, QString> &values);
    static QString escape(const QString &text);
    // The test users as one submit button each (name="pick"), for the login and device login pages.
    static QString userChoices(const QList<User> &users);
    // The requested scopes as list items, each with a plain-language description when one is known.
    static QString scopeItems(const QString &scope);
};

} // namespace oauthdesk::oauth
