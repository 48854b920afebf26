// RFC 8628 end to end: device authorization, polling, approval in the browser pages and through the store.
#include "http/ServerController.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/DeviceStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace oauthdesk;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

QString formValue(const QByteArray &html, const QString &name)
{
    const QRegularExpression re(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
    return re.match(QString::fromUtf8(html)).captured(1);
}

} // namespace

class TestDeviceFlow final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir *m_dir = nullptr;
    std::shared_ptr<Database> m_db;
    ServerController *m_server = nullptr;
    QNetworkAccessManager *m_net = nullptr;
    QString m_issuer;

    Reply send(const QString &method, const QString &pathOrUrl, const QByteArray &form = {})
    {
        QNetworkRequest request(QUrl(pathOrUrl.startsWith(QLatin1String("http")) ? pathOrUrl : m_issuer + pathOrUrl));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply = nullptr;
        if (method == QLatin1String("POST")) {
            request.setHeader(
                QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            reply = m_net->post(request, form);
        } else {
            reply = m_net->get(request);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.json = QJsonDocument::fromJson(out.body).object();
        out.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return out;
    }

    Reply post(const QString &path, const QUrlQuery &form)
    {
        return send(QStringLiteral("POST"), path, form.toString(QUrl::FullyEncoded).toUtf8());
    }

    QJsonObject authorize(const QString &clientId, const QString &scope = {})
    {
        QUrlQuery form{{QStringLiteral("client_id"), clientId}};
        if (!scope.isEmpty())
            form.addQueryItem(QStringLiteral("scope"), scope);
        const Reply r = post(QStringLiteral("/oauth/device_authorization"), form);
        if (r.status != 200)
            qWarning("device_authorization: %d %s", r.status, r.body.constData());
        return r.json;
    }

    Reply poll(const QString &clientId, const QString &deviceCode)
    {
        return post(QStringLiteral("/oauth/token"),
            QUrlQuery{{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                {QStringLiteral("client_id"), clientId}, {QStringLiteral("device_code"), deviceCode}});
    }

    void addClient(const QString &id, const QStringList &grants, const QStringList &scopes = {})
    {
        Client c;
        c.clientId = id;
        c.name = QStringLiteral("TV app ") + id;
        c.isPublic = true;
        c.grantTypes = grants;
        c.scopes = scopes;
        if (grants.contains(grant::AuthorizationCode))
            c.redirectUris = {QStringLiteral("http://127.0.0.1:1/cb")};
        auto added = ClientStore(m_db).add(c);
        QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
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
        addClient(QStringLiteral("tv"), {grant::DeviceCode, grant::RefreshToken});
        addClient(QStringLiteral("other-tv"), {grant::DeviceCode}, {QStringLiteral("read")});
        addClient(QStringLiteral("web"), {grant::AuthorizationCode});
        QVERIFY(UserStore(m_db).add(QStringLiteral("alice"), QString(), {}));
        QVERIFY(UserStore(m_db).add(QStringLiteral("bob"), QStringLiteral("secret-pw"), {}));

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

    void authorizationResponseFollowsRfc8628()
    {
        const Reply r = post(QStringLiteral("/oauth/device_authorization"),
            QUrlQuery{{QStringLiteral("client_id"), QStringLiteral("tv")},
                {QStringLiteral("scope"), QStringLiteral("openid profile")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        const QString userCode = r.json.value(QStringLiteral("user_code")).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$"))
                     .match(userCode)
                     .hasMatch(),
            qPrintable(userCode));
        const QString deviceCode = r.json.value(QStringLiteral("device_code")).toString();
        QVERIFY(deviceCode.size() >= 43); // 256 bits in base64url
        QCOMPARE(r.json.value(QStringLiteral("verification_uri")).toString(), m_issuer + QStringLiteral("/device"));
        QCOMPARE(r.json.value(QStringLiteral("verification_uri_complete")).toString(),
            m_issuer + QStringLiteral("/device?user_code=") + userCode);
        QCOMPARE(r.json.value(QStringLiteral("expires_in")).toInt(), 600);
        QCOMPARE(r.json.value(QStringLiteral("interval")).toInt(), 5);

        // Stored hashed: the raw device code is nowhere in the table.
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT device_code_hash, scope FROM device_codes")));
        QVERIFY(q.next());
        QVERIFY(q.value(0).toString() != deviceCode);
        QCOMPARE(q.value(1).toString(), QStringLiteral("openid profile"));

        const Reply meta = send(QStringLiteral("GET"), QStringLiteral("/.well-known/oauth-authorization-server"));
        QCOMPARE(meta.json.value(QStringLiteral("device_authorization_endpoint")).toString(),
            m_issuer + QStringLiteral("/oauth/device_authorization"));
        QVERIFY(meta.json.value(QStringLiteral("grant_types_supported"))
                    .toArray()
                    .contains(QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")));
    }

    void authorizationRequestErrors_data()
    {
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<QString>("scope");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown client") << "nobody"
                                        << "" << 401 << "invalid_client";
        QTest::newRow("grant not allowed") << "web"
                                           << "" << 400 << "unauthorized_client";
        QTest::newRow("scope not allowed") << "other-tv"
                                           << "write" << 400 << "invalid_scope";
        QTest::newRow("no client") << ""
                                   << "" << 401 << "invalid_client";
    }

    void authorizationRequestErrors()
    {
        QFETCH(QString, clientId);
        QFETCH(QString, scope);
        QFETCH(int, status);
        QFETCH(QString, error);
        QUrlQuery form;
        if (!clientId.isEmpty())
            form.addQueryItem(QStringLiteral("client_id"), clientId);
        if (!scope.isEmpty())
            form.addQueryItem(QStringLiteral("scope"), scope);
        const Reply r = post(QStringLiteral("/oauth/device_authorization"), form);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), error);
    }

    void approvalThroughStoreIssuesTokensOnce()
    {
        const QJsonObject a = authorize(QStringLiteral("tv"), QStringLiteral("profile"));
        const QString deviceCode = a.value(QStringLiteral("device_code")).toString();
        Reply r = poll(QStringLiteral("tv"), deviceCode);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("authorization_pending"));

        // What the window's Approve button does; the user code is accepted in any case and without the dash.
        DeviceStore store(m_db);
        const QString typed = a.value(QStringLiteral("user_code")).toString().remove(QLatin1Char('-')).toLower();
        auto ok = store.approve(typed, QStringLiteral("alice"));
        QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().message));
        QCOMPARE(store.findByUserCode(typed)->status, QStringLiteral("approved"));
        QVERIFY(!store.approve(typed, QStringLiteral("alice"))); // already decided

        Clock::advance(6000);
        r = poll(QStringLiteral("tv"), deviceCode);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json.value(QStringLiteral("access_token")).toString().isEmpty());
        QVERIFY(!r.json.value(QStringLiteral("refresh_token")).toString().isEmpty());
        QCOMPARE(r.json.value(QStringLiteral("scope")).toString(), QStringLiteral("profile"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));

        QCOMPARE(store.findByUserCode(typed)->status, QStringLiteral("consumed"));

        Clock::advance(6000);
        r = poll(QStringLiteral("tv"), deviceCode);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    void noRefreshTokenWithoutTheGrant()
    {
        const QJsonObject a = authorize(QStringLiteral("other-tv"), QStringLiteral("read"));
        QVERIFY(DeviceStore(m_db).approve(a.value(QStringLiteral("user_code")).toString(), QStringLiteral("bob")));
        const Reply r = poll(QStringLiteral("other-tv"), a.value(QStringLiteral("device_code")).toString());
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json.contains(QStringLiteral("refresh_token")));
    }

    void pollingTooFastSlowsDown()
    {
        const QJsonObject a = authorize(QStringLiteral("tv"));
        const QString deviceCode = a.value(QStringLiteral("device_code")).toString();
        QCOMPARE(poll(QStringLiteral("tv"), deviceCode).json.value(QStringLiteral("error")).toString(),
            QStringLiteral("authorization_pending"));
        Reply r = poll(QStringLiteral("tv"), deviceCode);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("slow_down"));
        // RFC 8628 §3.5: the interval grew by 5 seconds, so 6 seconds later is still too fast ...
        QCOMPARE(DeviceStore(m_db).findByDeviceCode(deviceCode)->intervalSecs, 10);
        Clock::advance(6000);
        QCOMPARE(poll(QStringLiteral("tv"), deviceCode).json.value(QStringLiteral("error")).toString(),
            QStringLiteral("slow_down"));
        QCOMPARE(DeviceStore(m_db).findByDeviceCode(deviceCode)->intervalSecs, 15);
        // ... and waiting the whole new interval is fine.
        Clock::advance(15000);
        QCOMPARE(poll(QStringLiteral("tv"), deviceCode).json.value(QStringLiteral("error")).toString(),
            QStringLiteral("authorization_pending"));
    }

    void expiredCodeIsRejected()
    {
        const QJsonObject a = authorize(QStringLiteral("tv"));
        const QString userCode = a.value(QStringLiteral("user_code")).toString();
        Clock::advance(601 * 1000);
        const Reply r = poll(QStringLiteral("tv"), a.value(QStringLiteral("device_code")).toString());
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("expired_token"));
        DeviceStore store(m_db);
        QCOMPARE(store.findByUserCode(userCode)->status, QStringLiteral("expired"));
        const Status late = store.approve(userCode, QStringLiteral("alice"));
        QVERIFY(!late);
        QCOMPARE(late.error().kind, Error::Kind::Invalid);
        QVERIFY(store.listPending()->isEmpty());
    }

    void deniedRequestGetsAccessDenied()
    {
        const QJsonObject a = authorize(QStringLiteral("tv"));
        QVERIFY(DeviceStore(m_db).deny(a.value(QStringLiteral("user_code")).toString()));
        const Reply r = poll(QStringLiteral("tv"), a.value(QStringLiteral("device_code")).toString());
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("access_denied"));
    }

    void unknownOrForeignCodesAreInvalidGrant()
    {
        const QJsonObject a = authorize(QStringLiteral("tv"));
        QVERIFY(DeviceStore(m_db).approve(a.value(QStringLiteral("user_code")).toString(), QStringLiteral("alice")));
        Reply r = poll(QStringLiteral("other-tv"), a.value(QStringLiteral("device_code")).toString());
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        r = poll(QStringLiteral("tv"), QStringLiteral("not-a-device-code"));
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        r = post(QStringLiteral("/oauth/token"),
            QUrlQuery{{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                {QStringLiteral("client_id"), QStringLiteral("tv")}});
        QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
        // The rightful client still gets its tokens: the foreign attempt consumed nothing.
        r = poll(QStringLiteral("tv"), a.value(QStringLiteral("device_code")).toString());
        QCOMPARE(r.status, 200);
        QCOMPARE(DeviceStore::normalizeUserCode(QStringLiteral("ab cd-ef gh")), QStringLiteral("ABCD-EFGH"));
    }

    void browserPagesApprove_data()
    {
        QTest::addColumn<bool>("allow");
        QTest::newRow("allow") << true;
        QTest::newRow("deny") << false;
    }

    void browserPagesApprove()
    {
        QFETCH(bool, allow);
        m_net->setCookieJar(new QNetworkCookieJar);
        const QJsonObject a = authorize(QStringLiteral("tv"), QStringLiteral("profile"));
        const QString userCode = a.value(QStringLiteral("user_code")).toString();

        // 1. The code page, pre-filled from verification_uri_complete.
        Reply page = send(QStringLiteral("GET"), a.value(QStringLiteral("verification_uri_complete")).toString());
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Frame-Options"), QByteArray("DENY"));
        QVERIFY(!page.body.contains("<script"));
        QCOMPARE(formValue(page.body, QStringLiteral("user_code")), userCode);
        QString codeCsrf = formValue(page.body, QStringLiteral("csrf"));
        QVERIFY(!codeCsrf.isEmpty());

        // A forged form (right cookie, wrong token) goes back to the code page, nothing else.
        Reply forged = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")},
                {QStringLiteral("csrf"), QStringLiteral("forged")}, {QStringLiteral("user_code"), userCode}});
        QCOMPARE(forged.status, 303);
        QVERIFY(forged.header("Location").contains("error=csrf"));

        // A wrong code is answered on the code page.
        Reply wrong = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")}, {QStringLiteral("csrf"), codeCsrf},
                {QStringLiteral("user_code"), QStringLiteral("BBBB-BBBB")}});
        QCOMPARE(wrong.status, 303);
        QVERIFY(wrong.header("Location").contains("error=unknown"));
        page = send(QStringLiteral("GET"), QString::fromUtf8(wrong.header("Location")));
        QVERIFY(page.body.contains("not valid"));
        codeCsrf = formValue(page.body, QStringLiteral("csrf")); // each showing of the page gives a new token

        // 2. The right code, typed in lower case without the dash.
        Reply moved = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")}, {QStringLiteral("csrf"), codeCsrf},
                {QStringLiteral("user_code"), userCode.toLower().remove(QLatin1Char('-'))}});
        QCOMPARE(moved.status, 303);
        const QString txUrl = QString::fromUtf8(moved.header("Location"));
        QVERIFY2(txUrl.startsWith(QLatin1String("/device?tx=")), qPrintable(txUrl));

        // 3. Sign in.
        page = send(QStringLiteral("GET"), txUrl);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Frame-Options"), QByteArray("DENY"));
        QVERIFY(page.body.contains("value=\"alice\""));
        const QString tx = formValue(page.body, QStringLiteral("tx"));
        const QString csrf = formValue(page.body, QStringLiteral("csrf"));
        QVERIFY(!tx.isEmpty() && !csrf.isEmpty());
        Reply refused = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("tx"), tx},
                {QStringLiteral("csrf"), codeCsrf}, {QStringLiteral("pick"), QStringLiteral("alice")}});
        QCOMPARE(refused.status, 403);
        Reply signedIn = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("tx"), tx},
                {QStringLiteral("csrf"), csrf}, {QStringLiteral("pick"), QStringLiteral("alice")}});
        QCOMPARE(signedIn.status, 303);

        // 4. Consent.
        page = send(QStringLiteral("GET"), txUrl);
        QCOMPARE(page.status, 200);
        QVERIFY2(page.body.contains("Allow access?"), page.body.constData());
        QVERIFY(page.body.contains(userCode.toUtf8()));
        Reply decided = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("consent")}, {QStringLiteral("tx"), tx},
                {QStringLiteral("csrf"), csrf},
                {QStringLiteral("decision"), allow ? QStringLiteral("allow") : QStringLiteral("deny")}});
        QCOMPARE(decided.status, 303);
        page = send(QStringLiteral("GET"), txUrl);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("You can return to your device"));

        const Reply r = poll(QStringLiteral("tv"), a.value(QStringLiteral("device_code")).toString());
        if (allow) {
            QCOMPARE(r.status, 200);
            QVERIFY(!r.json.value(QStringLiteral("access_token")).toString().isEmpty());
            QCOMPARE(DeviceStore(m_db).findByUserCode(userCode)->username, QStringLiteral("alice"));
        } else {
            QCOMPARE(r.json.value(QStringLiteral("error")).toString(), QStringLiteral("access_denied"));
        }
        // The code cannot be entered a second time.
        const QString freshCsrf
            = formValue(send(QStringLiteral("GET"), QStringLiteral("/device")).body, QStringLiteral("csrf"));
        Reply again = post(QStringLiteral("/device"),
            QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")}, {QStringLiteral("csrf"), freshCsrf},
                {QStringLiteral("user_code"), userCode}});
        QVERIFY(again.header("Location").contains("error=decided"));
    }

    void wrongUserCodesAreLimited()
    {
        // RFC 8628 §5.1: user codes are short, so guessing them is slowed down.
        m_net->setCookieJar(new QNetworkCookieJar);
        const QString userCode
            = authorize(QStringLiteral("tv"), QStringLiteral("profile")).value(QStringLiteral("user_code")).toString();
        const QString csrf
            = formValue(send(QStringLiteral("GET"), QStringLiteral("/device")).body, QStringLiteral("csrf"));
        auto enter = [&](const QString &code, const QString &token) {
            return post(QStringLiteral("/device"),
                QUrlQuery{{QStringLiteral("step"), QStringLiteral("code")}, {QStringLiteral("csrf"), token},
                    {QStringLiteral("user_code"), code}});
        };
        for (int i = 0; i < 10; ++i)
            QVERIFY(enter(QStringLiteral("BBBB-BBBB"), csrf).header("Location").contains("error=unknown"));
        // Now even the right code waits.
        const Reply blocked = enter(userCode, csrf);
        QCOMPARE(blocked.status, 429);
        QVERIFY(blocked.header("Retry-After").toInt() > 0);
        QVERIFY2(blocked.body.contains("Too many wrong codes"), blocked.body.constData());
        QVERIFY(!DeviceStore(m_db).findByUserCode(userCode)->username.size());

        Clock::advance(61 * 1000);
        const Reply moved = enter(userCode, formValue(blocked.body, QStringLiteral("csrf")));
        QCOMPARE(moved.status, 303);
        QVERIFY2(moved.header("Location").startsWith("/device?tx="), moved.header("Location").constData());
    }
};

QTEST_GUILESS_MAIN(TestDeviceFlow)
#include "TestDeviceFlow.moc"
