// The browser pages as a person meets them: labelled inputs, Enter signing in the typed user, errors that keep
// what was typed, and nothing the Content-Security-Policy would block.
#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace oauthdesk;

namespace {

struct Page
{
    int status = 0;
    QString body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

QString formValue(const QString &html, const QString &name)
{
    const QRegularExpression re(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
    return re.match(html).captured(1);
}

// The opening tag of the element with this id, or an empty string.
QString tagWithId(const QString &html, const QString &id)
{
    const QRegularExpression re(QStringLiteral("<[a-z]+[^>]*\\bid=\"%1\"[^>]*>").arg(id));
    return re.match(html).captured(0);
}

// Every visible input has a <label for>, every button says what it does, and nothing needs a script or a
// resource that "default-src 'none'" would block. Returns what is wrong, or an empty string.
QString accessibilityProblems(const QString &html)
{
    QStringList problems;
    static const QRegularExpression input(QStringLiteral("<input\\b[^>]*>"));
    static const QRegularExpression type(QStringLiteral("\\btype=\"([a-z]+)\""));
    static const QRegularExpression id(QStringLiteral("\\bid=\"([^\"]+)\""));
    for (auto it = input.globalMatch(html); it.hasNext();) {
        const QString tag = it.next().captured(0);
        if (type.match(tag).captured(1) == QLatin1String("hidden"))
            continue;
        const QString inputId = id.match(tag).captured(1);
        if (inputId.isEmpty())
            problems << QStringLiteral("input without id: ") + tag;
        else if (!html.contains(QStringLiteral("<label for=\"%1\">").arg(inputId)))
            problems << QStringLiteral("input without label: ") + inputId;
    }
    static const QRegularExpression button(
        QStringLiteral("<button\\b[^>]*>(.*?)</button>"), QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    for (auto it = button.globalMatch(html); it.hasNext();) {
        const auto m = it.next();
        if (QString(m.captured(1)).remove(tags).trimmed().isEmpty())
            problems << QStringLiteral("button without text: ") + m.captured(0);
    }
    static const QRegularExpression blocked(
        QStringLiteral("<script|<img|<link|<iframe|\\son[a-z]+=|javascript:|\\ssrc="),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = blocked.match(html); m.hasMatch())
        problems << QStringLiteral("needs something the CSP blocks: ") + m.captured(0);
    if (!html.contains(QLatin1String("<html lang=\"en\">")) || !html.contains(QLatin1String("<title>")))
        problems << QStringLiteral("no language or title");
    return problems.join(QLatin1Char('\n'));
}

// Pressing Enter in a text field clicks the form's first submit button (HTML, implicit submission). On the sign-in
// pages that must not be a test-user button, or Enter would sign in that user instead of the typed one.
QString firstSubmitButton(const QString &html)
{
    static const QRegularExpression button(QStringLiteral("<button\\b[^>]*>"));
    for (auto it = button.globalMatch(html); it.hasNext();) {
        const QString tag = it.next().captured(0);
        if (!tag.contains(QLatin1String("type=\"button\"")))
            return tag;
    }
    return {};
}

} // namespace

class TestPages final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    QNetworkAccessManager *m_net = nullptr;
    QString m_issuer;

    Page send(const QString &pathOrUrl, const QUrlQuery *form = nullptr)
    {
        QNetworkRequest request(QUrl(pathOrUrl.startsWith(QLatin1String("http")) ? pathOrUrl : m_issuer + pathOrUrl));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply = nullptr;
        if (form) {
            request.setHeader(
                QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            reply = m_net->post(request, form->toString(QUrl::FullyEncoded).toUtf8());
        } else {
            reply = m_net->get(request);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        Page out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = QString::fromUtf8(reply->readAll());
        out.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return out;
    }

    // A form POST answered with 303, then the GET the browser makes next: reloading never resubmits.
    Page submit(const QString &path, const QUrlQuery &form)
    {
        const Page posted = send(path, &form);
        if (posted.status != 303) {
            qWarning("POST %s answered %d, not 303", qPrintable(path), posted.status);
            return posted;
        }
        return send(QString::fromUtf8(posted.header("Location")));
    }

    QString authorizeUrl() const
    {
        QUrlQuery q{{QStringLiteral("response_type"), QStringLiteral("code")},
            {QStringLiteral("client_id"), QStringLiteral("web")},
            {QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:1/cb")},
            {QStringLiteral("scope"), QStringLiteral("openid email")}, {QStringLiteral("state"), QStringLiteral("s")}};
        return QStringLiteral("/oauth/authorize?") + q.toString(QUrl::FullyEncoded);
    }

    QUrlQuery loginForm(const QString &html, const QList<QPair<QString, QString>> &fields) const
    {
        QUrlQuery form{{QStringLiteral("tx"), formValue(html, QStringLiteral("tx"))},
            {QStringLiteral("csrf"), formValue(html, QStringLiteral("csrf"))},
            {QStringLiteral("step"), QStringLiteral("login")}};
        for (const auto &[k, v] : fields)
            form.addQueryItem(k, v);
        return form;
    }

    void verifySignInPage(const Page &page)
    {
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("Content-Security-Policy"),
            QByteArray("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"));
        const QString problems = accessibilityProblems(page.body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QVERIFY(page.body.contains(QLatin1String("name=\"pick\" value=\"alice\"")));
        const QString first = firstSubmitButton(page.body);
        QVERIFY2(!first.contains(QLatin1String("name=\"pick\"")), qPrintable(first));
        QVERIFY2(first.contains(QLatin1String("tabindex=\"-1\"")), qPrintable(first));
    }

private Q_SLOTS:
    void init()
    {
        Clock::reset();
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
        auto db = Database::open(m_dir->filePath(QStringLiteral("db.sqlite")));
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = *db;
        Client web;
        web.clientId = QStringLiteral("web");
        web.name = QStringLiteral("Web <App>");
        web.secret = QStringLiteral("s3cret");
        web.redirectUris = {QStringLiteral("http://127.0.0.1:1/cb")};
        web.grantTypes = {grant::AuthorizationCode};
        web.scopes = {QStringLiteral("openid"), QStringLiteral("email")};
        Client tv;
        tv.clientId = QStringLiteral("tv");
        tv.name = QStringLiteral("Living Room TV");
        tv.isPublic = true;
        tv.grantTypes = {grant::DeviceCode};
        for (const Client &c : {web, tv}) {
            auto added = ClientStore(m_db).add(c);
            QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
        }
        QVERIFY(UserStore(m_db).add(QStringLiteral("alice"), QString(),
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Alice Example")},
                {QStringLiteral("email"), QStringLiteral("alice@example.com")}}));
        QVERIFY(UserStore(m_db).add(QStringLiteral("bob"), QStringLiteral("pw-bob"), {}));

        m_server = new ServerController(m_db);
        QSignalSpy started(m_server, &ServerController::started);
        Config config;
        config.dbPath = m_db->path();
        config.port = 0;
        m_server->start(config);
        QVERIFY(started.wait(10000));
        m_issuer = started.first().at(0).toString();
        m_net = new QNetworkAccessManager;
    }

    void cleanup()
    {
        delete m_net;
        delete m_server;
        m_server = nullptr;
        m_db.reset();
        delete m_dir;
        Clock::reset();
    }

    void loginPageIsLabelledAndEnterSignsInTheTypedUser()
    {
        const Page page = send(authorizeUrl());
        verifySignInPage(page);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(page.body.contains(QLatin1String("Web &lt;App&gt;")));
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("autofocus")));
        // The test users tell themselves apart: display name, email, and whether a password is needed.
        QVERIFY(page.body.contains(QLatin1String("<strong>Alice Example</strong><span>alice@example.com</span>")));
        QVERIFY(page.body.contains(QLatin1String("<strong>bob</strong><em>password</em>")));
        QVERIFY(page.body.contains(QLatin1String("class=\"hidden\" role=\"alert\"")));
    }

    void failedSignInKeepsTheNameAndFocusesThePassword()
    {
        const Page login = send(authorizeUrl());
        const QString interaction = QStringLiteral("/oauth/authorize/interaction");

        Page page = submit(interaction,
            loginForm(login.body,
                {{QStringLiteral("username"), QStringLiteral("bob")},
                    {QStringLiteral("password"), QStringLiteral("nope")}}));
        verifySignInPage(page);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(page.body.contains(QLatin1String("class=\"error\" role=\"alert\">Wrong password for &#39;bob&#39;.")));
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("value=\"bob\"")));
        QVERIFY(tagWithId(page.body, QStringLiteral("password")).contains(QLatin1String("autofocus")));
        QVERIFY(!tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("autofocus")));

        // Choosing a user who has a password, without typing it, says what to do instead of "wrong password".
        page = submit(interaction, loginForm(login.body, {{QStringLiteral("pick"), QStringLiteral("bob")}}));
        QVERIFY2(page.body.contains(QLatin1String("has a password: type it below")), qPrintable(page.body));

        // A name that does not exist leaves an empty field with the focus in it.
        page = submit(interaction, loginForm(login.body, {{QStringLiteral("username"), QStringLiteral("nobody")}}));
        QVERIFY(page.body.contains(QLatin1String("There is no test user named")));
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("value=\"\"")));
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("autofocus")));
    }

    void consentPageNamesTheClientAndDescribesScopes()
    {
        const Page login = send(authorizeUrl());
        const Page page = submit(QStringLiteral("/oauth/authorize/interaction"),
            loginForm(login.body, {{QStringLiteral("pick"), QStringLiteral("alice")}}));
        QCOMPARE(page.status, 200);
        const QString problems = accessibilityProblems(page.body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QVERIFY(page.body.contains(QLatin1String("<strong>Web &lt;App&gt;</strong>")));
        QVERIFY(page.body.contains(QLatin1String("<li><code>email</code><span>Your email address</span></li>")));
        QVERIFY(page.body.contains(QLatin1String("name=\"decision\" value=\"allow\"")));
    }

    void errorPageExplainsTheMissingRedirectOnlyWhenThatIsWhy()
    {
        Page page = send(QStringLiteral("/oauth/authorize?response_type=code&client_id=nope"));
        QCOMPARE(page.status, 400);
        QVERIFY(page.body.contains(QLatin1String("role=\"alert\">No client is registered")));
        QVERIFY(page.body.contains(QStringLiteral("RFC 6749 §4.1.2.1")));

        // An expired sign-in has nothing to do with an untrusted redirect URI.
        page = send(QStringLiteral("/oauth/authorize/interaction?tx=gone"));
        QCOMPARE(page.status, 400);
        QVERIFY(page.body.contains(QLatin1String("This sign-in has expired")));
        QVERIFY(!page.body.contains(QStringLiteral("RFC 6749 §4.1.2.1")));
        QCOMPARE(page.header("Cache-Control"), QByteArray("no-store"));
    }

    void devicePagesMatchTheSignInPages()
    {
        QUrlQuery request{{QStringLiteral("client_id"), QStringLiteral("tv")}};
        const Page started = send(QStringLiteral("/oauth/device_authorization"), &request);
        QCOMPARE(started.status, 200);
        const QString userCode
            = QJsonDocument::fromJson(started.body.toUtf8()).object().value(QStringLiteral("user_code")).toString();
        QVERIFY(!userCode.isEmpty());

        Page page = send(QStringLiteral("/device"));
        QCOMPARE(page.status, 200);
        QString problems = accessibilityProblems(page.body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));

        page = submit(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")},
                {QStringLiteral("csrf"), formValue(page.body, QStringLiteral("csrf"))},
                {QStringLiteral("user_code"), userCode}});
        verifySignInPage(page);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("autofocus")));

        const Page login = page;
        page = submit(QStringLiteral("/device"),
            loginForm(login.body,
                {{QStringLiteral("username"), QStringLiteral("bob")},
                    {QStringLiteral("password"), QStringLiteral("nope")}}));
        verifySignInPage(page);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(tagWithId(page.body, QStringLiteral("username")).contains(QLatin1String("value=\"bob\"")));
        QVERIFY(tagWithId(page.body, QStringLiteral("password")).contains(QLatin1String("autofocus")));

        page = submit(QStringLiteral("/device"),
            loginForm(login.body,
                {{QStringLiteral("username"), QStringLiteral("bob")},
                    {QStringLiteral("password"), QStringLiteral("pw-bob")}}));
        QCOMPARE(page.status, 200);
        problems = accessibilityProblems(page.body);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // The code to compare with the device stands on its own, large and unbroken.
        QVERIFY(page.body.contains(QStringLiteral("<code class=\"user-code\">%1</code>").arg(userCode)));
        QVERIFY(page.body.contains(QLatin1String("<strong>Living Room TV</strong>")));
    }
};

QTEST_GUILESS_MAIN(TestPages)
#include "TestPages.moc"
