#pragma once

#include <QHash>
#include <QString>

namespace oauthdesk::oauth {

// The HTML pages a person sees, from resources/pages, with {{name}} placeholders filled in escaped.
// {{{name}}} inserts markup that the caller already escaped.
class Pages final
{
public:
    static QString render(const QString &name, const QHash<QString, QString> &values);
    static QString escape(const QString &text);
};

} // namespace oauthdesk::oauth
