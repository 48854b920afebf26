#include "oauth/Pages.h"

#include "oauth/Scopes.h"

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

QString Pages::userChoices(const QList<User> &users)
{
    QString out;
    for (const User &u : users) {
        const QString name = u.claims.value(QStringLiteral("name")).toString();
        const QString email = u.claims.value(QStringLiteral("email")).toString();
        // The second line tells users apart: the email, else the username under a display name, else nothing
        // (repeating the username under itself only adds noise).
        const QString detail = !email.isEmpty() ? email : name.isEmpty() ? QString() : u.username;
        out += QStringLiteral("<li><button type=\"submit\" name=\"pick\" value=\"%1\" class=\"user\">"
                              "<strong>%2</strong>%3%4</button></li>")
                   .arg(escape(u.username), escape(name.isEmpty() ? u.username : name),
                       detail.isEmpty() ? QString() : QStringLiteral("<span>%1</span>").arg(escape(detail)),
                       u.hasPassword() ? QStringLiteral("<em>password</em>") : QString());
    }
    if (out.isEmpty())
        out = QStringLiteral("<li class=\"empty\">No test users yet. Add one in the OAuthDesk window or with "
                             "<code>oauthdesk user add NAME</code>.</li>");
    return out;
}

QString Pages::scopeItems(const QString &scope)
{
    static const QHash<QString, QString> descriptions = {
        {QStringLiteral("openid"), QStringLiteral("Sign you in (OpenID Connect)")},
        {QStringLiteral("profile"), QStringLiteral("Your name and profile")},
        {QStringLiteral("email"), QStringLiteral("Your email address")},
        {QStringLiteral("address"), QStringLiteral("Your postal address")},
        {QStringLiteral("phone"), QStringLiteral("Your phone number")},
        {QStringLiteral("offline_access"), QStringLiteral("Stay signed in (refresh tokens)")},
    };
    QString out;
    for (const QString &s : Scopes::split(scope)) {
        const QString description = descriptions.value(s);
        out += QStringLiteral("<li><code>%1</code>%2</li>")
                   .arg(escape(s),
                       description.isEmpty() ? QString() : QStringLiteral("<span>%1</span>").arg(escape(description)));
    }
    if (out.isEmpty())
        out = QStringLiteral("<li class=\"empty\">No scopes requested.</li>");
    return out;
}

} // namespace oauthdesk::oauth
