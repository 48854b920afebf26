#include "oauth/Pages.h"

#include <QFile>
#include <QRegularExpression>

// Tests link the core library without main(); they need the pages too.
static void initPagesResource()
{
    Q_INIT_RESOURCE(pages);
}

namespace oauthdesk::oauth {

QString Pages::escape(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\''), QLatin1String("&#39;"));
}

static QString loadPage(const QString &name)
{
    static const bool loaded = (initPagesResource(), true);
    Q_UNUSED(loaded);
    static QHash<QString, QString> cache;
    auto it = cache.constFind(name);
    if (it == cache.constEnd()) {
        QFile file(QStringLiteral(":/pages/") + name + QStringLiteral(".html"));
        it = cache.insert(name, file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString());
    }
    return *it;
}

QString Pages::render(const QString &name, const QHash<QString, QString> &values)
{
    const QString page
        = QString(loadPage(QStringLiteral("layout"))).replace(QLatin1String("{{{content}}}"), loadPage(name));
    // One pass over the template: substituted values are never scanned again for placeholders.
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{\\{([a-z_]+)\\}\\}\\}|\\{\\{([a-z_]+)\\}\\}"));
    QString out;
    qsizetype last = 0;
    auto matches = placeholder.globalMatch(page);
    while (matches.hasNext()) {
        const auto m = matches.next();
        out += QStringView(page).mid(last, m.capturedStart() - last);
        out += m.captured(1).isEmpty() ? escape(values.value(m.captured(2))) : values.value(m.captured(1));
        last = m.capturedEnd();
    }
    out += QStringView(page).mid(last);
    return out;
}

} // namespace oauthdesk::oauth
