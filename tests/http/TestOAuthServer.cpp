// End-to-end tests of the OAuth 2.0 endpoints over real sockets, against a real SQLite file.

#include "TestSupport.h"

#include "crypto/Random.h"
#include "storage/TokenStore.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace oauthdesk;
using namespace oauthdesk::test;

namespace {

const QString ConfSecret = QStringLiteral("s3cret pass+word");
const QString Redirect = QStringLiteral("http://127.0.0.1:9/cb");
const QString Verifier = QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

QString challengeOf(const QString &verifier)
{
    return QString::fromLatin1(crypto::base64Url(crypto::sha256(verifier.toLatin1())));
}

QByteArray form(const QList<QPair<QString, QString>> &pairs)
{
    QByteArray out;
    for (const auto &[k, v] : pairs) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    return out;
}

} // namespace

class TestOAuthServer : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    Http m_http;

    QString authorizeUrl(const QString &clientId, const QList<QPair<QString, QString>> &extra = {})
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("client_id"), clientId);
        q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
        q.addQueryItem(QStringLiteral("redirect_uri"), Redirect);
        q.addQueryItem(QStringLiteral("state"), QStringLiteral("st-123"));
        for (const auto &[k, v] : extra) {
            q.removeAllQueryItems(k);
            if (!v.isNull())
                q.addQueryItem(k, QString::fromLatin1(QUrl::toPercentEncoding(v)));
        }
        return m_server->issuer() + QStringLiteral("/oauth/authorize?") + q.query(QUrl::FullyEncoded);
    }

    // An auto-approve client answers the authorization request with a code at once.
    QString codeFor(const QString &clientId, const QList<QPair<QString, QString>> &extra = {})
    {
        const HttpResult r = m_http.get(QUrl(authorizeUrl(clientId, extra)));
        if (r.status != 303)
            qWarning("authorize answered %d: %s", r.status, r.body.constData());
        return r.locationQuery().queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    }

    HttpResult token(
        const QList<QPair<QString, QString>> &params, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return m_http.post(m_server->url(QStringLiteral("/oauth/token")), form(params), headers);
    }

    HttpResult confToken(const QList<QPair<QString, QString>> &params)
    {
        return token(params, {basic(QStringLiteral("conf-client"), ConfSecret)});
    }

    // Runs one statement on a connection of its own to the server's file, as another process would.
    bool writeAsAnotherProcess(const QString &sql)
    {
        const QString name = QStringLiteral("other-process");
        bool ok = false;
        {
            QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            other.setDatabaseName(m_server->db()->path());
            ok = other.open() && QSqlQuery(other).exec(sql);
            other.close();
        }
        QSqlDatabase::removeDatabase(name);
        return ok;
    }

    int apiMe(const QString &accessToken)
    {
        return m_http.get(m_server->url(QStringLiteral("/api/me")), {bearer(accessToken)}).status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        m_server->addUser(
            QStringLiteral("alice"), {}, {{QStringLiteral("email"), QStringLiteral("alice@example.com")}});
        m_server->addUser(QStringLiteral("bob"), QStringLiteral("hunter2"));

        Client conf;
        conf.clientId = QStringLiteral("conf-client");
        conf.secret = ConfSecret;
        conf.name = QStringLiteral("Confidential");
        conf.redirectUris = {Redirect, QStringLiteral("http://127.0.0.1:9/other")};
        conf.grantTypes = {grant::AuthorizationCode, grant::RefreshToken, grant::ClientCredentials};
        conf.scopes = {QStringLiteral("read"), QStringLiteral("write"), QStringLiteral("openid")};
        conf.autoApproveUser = QStringLiteral("alice");
        m_server->addClient(conf);

        Client pub;
        pub.clientId = QStringLiteral("pub");
        pub.name = QStringLiteral("Public SPA");
        pub.isPublic = true;
        pub.authMethod = authmethod::None;
        pub.redirectUris = {Redirect};
        pub.autoApproveUser = QStringLiteral("alice");
        m_server->addClient(pub);

        Client pinned;
        pinned.clientId = QStringLiteral("post-only");
        pinned.secret = QStringLiteral("p0st");
        pinned.name = QStringLiteral("Post only");
        pinned.authMethod = authmethod::Post;
        pinned.authMethodPinned = true;
        pinned.grantTypes = {grant::ClientCredentials};
        m_server->addClient(pinned);

        Client password;
        password.clientId = QStringLiteral("legacy");
        password.secret = QStringLiteral("l3gacy");
        password.name = QStringLiteral("Legacy");
        password.grantTypes = {grant::Password, grant::RefreshToken};
        m_server->addClient(password);

        Client disabled;
        disabled.clientId = QStringLiteral("off");
        disabled.secret = QStringLiteral("0ff");
        disabled.name = QStringLiteral("Disabled");
        disabled.active = false;
        disabled.grantTypes = {grant::ClientCredentials};
        m_server->addClient(disabled);

        Client interactive;
        interactive.clientId = QStringLiteral("interactive");
        interactive.secret = QStringLiteral("1nteractive");
        interactive.name = QStringLiteral("Interactive <App>");
        interactive.redirectUris = {Redirect};
        m_server->addClient(interactive);
    }

    void cleanup() { Clock::reset(); }

    void tokenErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");

        const QByteArray confBasic = basic(QStringLiteral("conf-client"), ConfSecret).second;
        const QByteArray formType = "application/x-www-form-urlencoded";
        QTest::newRow("json body") << QByteArray("{\"grant_type\":\"client_credentials\"}") << confBasic
                                   << QByteArray("application/json") << 400 << "invalid_request";
        QTest::newRow("no grant_type") << QByteArray("scope=read") << confBasic << formType << 400 << "invalid_request";
        QTest::newRow("repeated parameter") << QByteArray("grant_type=client_credentials&scope=read&scope=write")
                                            << confBasic << formType << 400 << "invalid_request";
        QTest::newRow("unknown grant") << QByteArray("grant_type=magic") << confBasic << formType << 400
                                       << "unsupported_grant_type";
        QTest::newRow("wrong secret, basic")
            << QByteArray("grant_type=client_credentials")
            << basic(QStringLiteral("conf-client"), QStringLiteral("x")).second << formType << 401 << "invalid_client";
        QTest::newRow("wrong secret, post")
            << QByteArray("grant_type=client_credentials&client_id=conf-client&client_secret=x") << QByteArray()
            << formType << 401 << "invalid_client";
        QTest::newRow("unknown client") << QByteArray("grant_type=client_credentials")
                                        << basic(QStringLiteral("nobody"), QStringLiteral("x")).second << formType
                                        << 401 << "invalid_client";
        QTest::newRow("no authentication")
            << QByteArray("grant_type=client_credentials") << QByteArray() << formType << 401 << "invalid_client";
        // RFC 6749 §5.2: any attempt through the Authorization header gets 401 with WWW-Authenticate.
        QTest::newRow("non-Basic Authorization header")
            << QByteArray("grant_type=client_credentials") << QByteArray("Bearer abc") << formType << 401
            << "invalid_client";
        QTest::newRow("basic and post together") << QByteArray("grant_type=client_credentials&client_secret=x")
                                                 << confBasic << formType << 400 << "invalid_request";
        QTest::newRow("pinned to post, used basic")
            << QByteArray("grant_type=client_credentials")
            << basic(QStringLiteral("post-only"), QStringLiteral("p0st")).second << formType << 401 << "invalid_client";
        QTest::newRow("disabled client") << QByteArray("grant_type=client_credentials")
                                         << basic(QStringLiteral("off"), QStringLiteral("0ff")).second << formType
                                         << 401 << "invalid_client";
        QTest::newRow("confidential client without secret")
            << QByteArray("grant_type=client_credentials&client_id=conf-client") << QByteArray() << formType << 401
            << "invalid_client";
        QTest::newRow("grant not allowed") << QByteArray("grant_type=client_credentials")
                                           << basic(QStringLiteral("legacy"), QStringLiteral("l3gacy")).second
                                           << formType << 400 << "unauthorized_client";
        QTest::newRow("public client, client_credentials") << QByteArray("grant_type=client_credentials&client_id=pub")
                                                           << QByteArray() << formType << 400 << "unauthorized_client";
        QTest::newRow("scope outside the client's list") << QByteArray("grant_type=client_credentials&scope=read+admin")
                                                         << confBasic << formType << 400 << "invalid_scope";
        QTest::newRow("code missing") << QByteArray("grant_type=authorization_code") << confBasic << formType << 400
                                      << "invalid_request";
        QTest::newRow("unknown code") << QByteArray("grant_type=authorization_code&code=nope") << confBasic << formType
                                      << 400 << "invalid_grant";
        QTest::newRow("refresh_token missing")
            << QByteArray("grant_type=refresh_token") << confBasic << formType << 400 << "invalid_request";
        QTest::newRow("unknown refresh token") << QByteArray("grant_type=refresh_token&refresh_token=nope") << confBasic
                                               << formType << 400 << "invalid_grant";
        QTest::newRow("password: wrong password")
            << QByteArray("grant_type=password&username=bob&password=wrong")
            << basic(QStringLiteral("legacy"), QStringLiteral("l3gacy")).second << formType << 400 << "invalid_grant";
        QTest::newRow("password: missing username")
            << QByteArray("grant_type=password&password=x")
            << basic(QStringLiteral("legacy"), QStringLiteral("l3gacy")).second << formType << 400 << "invalid_request";
    }

    void tokenErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, authorization);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(QString, error);
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", contentType}};
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        const HttpResult r = m_http.post(m_server->url(QStringLiteral("/oauth/token")), body, headers);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), error);
        QVERIFY2(!r.json().value(QStringLiteral("error_description")).toString().isEmpty(), r.body.constData());
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(r.header("WWW-Authenticate").startsWith("Basic realm="), status == 401);
    }

    void clientCredentialsIssuesAStoredToken()
    {
        const HttpResult r = confToken({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
            {QStringLiteral("scope"), QStringLiteral("read")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(r.header("Pragma"), QByteArray("no-cache"));
        const QJsonObject body = r.json();
        QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 3600);
        QCOMPARE(body.value(QStringLiteral("scope")).toString(), QStringLiteral("read"));
        QVERIFY(!body.contains(QStringLiteral("refresh_token")));
        const QString access = body.value(QStringLiteral("access_token")).toString();
        QVERIFY(access.size() >= 43);
        // Committed before the response: this thread's own connection sees it.
        const auto record = TokenStore(m_server->db()).findByValue(TokenKind::AccessToken, access);
        QVERIFY(record);
        QCOMPARE(record->hash, TokenStore::hashOf(access));
        QCOMPARE(record->prefix, access.left(8));
        QCOMPARE(apiMe(access), 200);
    }

    void basicCredentialsAreFormDecoded()
    {
        // RFC 6749 §2.3.1: "conf%2Dclient" is "conf-client", and '+' in the secret is a space.
        const QByteArray raw = "conf%2Dclient:" + QUrl::toPercentEncoding(ConfSecret).replace("%20", "+");
        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}},
            {{"Authorization", "Basic " + raw.toBase64()}});
        QVERIFY2(r.status == 200, r.body.constData());
    }

    void formBodyPlusIsASpace()
    {
        const QByteArray body = "grant_type=client_credentials&client_id=conf-client&client_secret=s3cret+pass%2Bword";
        const HttpResult r = m_http.post(m_server->url(QStringLiteral("/oauth/token")), body);
        QVERIFY2(r.status == 200, r.body.constData());
    }

    void pinnedPostClientAcceptsPost()
    {
        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
            {QStringLiteral("client_id"), QStringLiteral("post-only")},
            {QStringLiteral("client_secret"), QStringLiteral("p0st")}});
        QCOMPARE(r.status, 200);
    }

    void passwordGrantWorksForItsClient()
    {
        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("password")},
                                       {QStringLiteral("username"), QStringLiteral("bob")},
                                       {QStringLiteral("password"), QStringLiteral("hunter2")}},
            {basic(QStringLiteral("legacy"), QStringLiteral("l3gacy"))});
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().contains(QStringLiteral("refresh_token")));
    }

    void authorizationCodeWithPkce()
    {
        const HttpResult authorize = m_http.get(QUrl(authorizeUrl(QStringLiteral("pub"),
            {{QStringLiteral("code_challenge"), challengeOf(Verifier)},
                {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}})));
        QCOMPARE(authorize.status, 303);
        const QUrlQuery location = authorize.locationQuery();
        QCOMPARE(location.queryItemValue(QStringLiteral("state")), QStringLiteral("st-123"));
        QCOMPARE(location.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
        const QString code = location.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        QVERIFY(code.size() >= 43);

        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), code}, {QStringLiteral("redirect_uri"), Redirect},
            {QStringLiteral("client_id"), QStringLiteral("pub")}, {QStringLiteral("code_verifier"), Verifier}});
        QVERIFY2(r.status == 200, r.body.constData());
        QVERIFY(r.json().contains(QStringLiteral("refresh_token")));
        QCOMPARE(apiMe(r.json().value(QStringLiteral("access_token")).toString()), 200);
    }

    void codeErrors_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<QString>("challenge");
        QTest::addColumn<QString>("redirect");
        QTest::addColumn<QString>("verifier");
        QTest::addColumn<QString>("error");
        const QString c = challengeOf(Verifier);
        QTest::newRow("redirect_uri differs")
            << "conf-client" << QString() << "http://127.0.0.1:9/other" << QString() << "invalid_grant";
        QTest::newRow("redirect_uri missing")
            << "conf-client" << QString() << QString() << QString() << "invalid_grant";
        QTest::newRow("verifier missing") << "conf-client" << c << Redirect << QString() << "invalid_grant";
        QTest::newRow("verifier wrong") << "conf-client" << c << Redirect
                                        << QStringLiteral("wrongwrongwrongwrongwrongwrongwrongwrongwrongwrong")
                                        << "invalid_grant";
        QTest::newRow("verifier without challenge (RFC 9700 4.8)")
            << "conf-client" << QString() << Redirect << Verifier << "invalid_grant";
    }

    void codeErrors()
    {
        QFETCH(QString, client);
        QFETCH(QString, challenge);
        QFETCH(QString, redirect);
        QFETCH(QString, verifier);
        QFETCH(QString, error);
        QList<QPair<QString, QString>> extra;
        if (!challenge.isEmpty())
            extra = {{QStringLiteral("code_challenge"), challenge},
                {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
        const QString code = codeFor(client, extra);
        QVERIFY(!code.isEmpty());
        QList<QPair<QString, QString>> params{
            {QStringLiteral("grant_type"), QStringLiteral("authorization_code")}, {QStringLiteral("code"), code}};
        if (!redirect.isEmpty())
            params.append({QStringLiteral("redirect_uri"), redirect});
        if (!verifier.isEmpty())
            params.append({QStringLiteral("code_verifier"), verifier});
        const HttpResult r = confToken(params);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), error);
    }

    void redirectUriLeftOutAtAuthorizeMaySeeItsOnlyValueAtToken()
    {
        const QList<QPair<QString, QString>> pkce{{QStringLiteral("redirect_uri"), QString()},
            {QStringLiteral("code_challenge"), challengeOf(Verifier)},
            {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}};
        HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), codeFor(QStringLiteral("pub"), pkce)}, {QStringLiteral("redirect_uri"), Redirect},
            {QStringLiteral("client_id"), QStringLiteral("pub")}, {QStringLiteral("code_verifier"), Verifier}});
        QVERIFY2(r.status == 200, r.body.constData());
        r = token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), codeFor(QStringLiteral("pub"), pkce)},
            {QStringLiteral("redirect_uri"), QStringLiteral("http://127.0.0.1:9/elsewhere")},
            {QStringLiteral("client_id"), QStringLiteral("pub")}, {QStringLiteral("code_verifier"), Verifier}});
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    void expiredCodeIsRejected()
    {
        const QString code = codeFor(QStringLiteral("conf-client"));
        Clock::advance(61 * 1000);
        const HttpResult r = confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), code}, {QStringLiteral("redirect_uri"), Redirect}});
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    void codeOfAnotherClientIsRejected()
    {
        const QString code = codeFor(QStringLiteral("pub"),
            {{QStringLiteral("code_challenge"), challengeOf(Verifier)},
                {QStringLiteral("code_challenge_method"), QStringLiteral("S256")}});
        const HttpResult r = confToken(
            {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")}, {QStringLiteral("code"), code},
                {QStringLiteral("redirect_uri"), Redirect}, {QStringLiteral("code_verifier"), Verifier}});
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    void codeReplayRevokesItsTokens()
    {
        const QString code = codeFor(QStringLiteral("conf-client"));
        const QList<QPair<QString, QString>> params{
            {QStringLiteral("grant_type"), QStringLiteral("authorization_code")}, {QStringLiteral("code"), code},
            {QStringLiteral("redirect_uri"), Redirect}};
        const HttpResult first = confToken(params);
        QCOMPARE(first.status, 200);
        const QString access = first.json().value(QStringLiteral("access_token")).toString();
        const QString refresh = first.json().value(QStringLiteral("refresh_token")).toString();
        QCOMPARE(apiMe(access), 200);

        const HttpResult replay = confToken(params);
        QCOMPARE(replay.status, 400);
        QCOMPARE(replay.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        QCOMPARE(apiMe(access), 401);
        const HttpResult refreshed = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), refresh}});
        QCOMPARE(refreshed.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    void refreshRotatesAndReuseRevokesTheFamily()
    {
        const HttpResult first = confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"),
                codeFor(QStringLiteral("conf-client"), {{QStringLiteral("scope"), QStringLiteral("read write")}})},
            {QStringLiteral("redirect_uri"), Redirect}});
        QCOMPARE(first.status, 200);
        const QString refresh1 = first.json().value(QStringLiteral("refresh_token")).toString();

        const HttpResult second = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), refresh1}, {QStringLiteral("scope"), QStringLiteral("read")}});
        QVERIFY2(second.status == 200, second.body.constData());
        QCOMPARE(second.json().value(QStringLiteral("scope")).toString(), QStringLiteral("read"));
        const QString refresh2 = second.json().value(QStringLiteral("refresh_token")).toString();
        const QString access2 = second.json().value(QStringLiteral("access_token")).toString();
        QVERIFY(refresh2 != refresh1);
        QCOMPARE(apiMe(access2), 200);

        const HttpResult widened = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), refresh2},
            {QStringLiteral("scope"), QStringLiteral("read write openid")}});
        QCOMPARE(widened.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_scope"));

        // RFC 9700 §4.14.2: the rotated-out token comes back, so the whole family dies.
        const HttpResult reuse = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), refresh1}});
        QCOMPARE(reuse.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        QCOMPARE(apiMe(access2), 401);
        const HttpResult afterReuse = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), refresh2}});
        QCOMPARE(afterReuse.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    }

    // RFC 6749 §3.1 and §3.2: parameters sent without a value MUST be treated as if they were omitted.
    void emptyParametersCountAsOmitted()
    {
        const HttpResult first = confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"),
                codeFor(QStringLiteral("conf-client"), {{QStringLiteral("scope"), QStringLiteral("read write")}})},
            {QStringLiteral("redirect_uri"), Redirect}});
        QCOMPARE(first.status, 200);
        const HttpResult refreshed = confToken({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("refresh_token"), first.json().value(QStringLiteral("refresh_token")).toString()},
            {QStringLiteral("scope"), QString()}});
        QVERIFY2(refreshed.status == 200, refreshed.body.constData());
        QCOMPARE(refreshed.json().value(QStringLiteral("scope")).toString(), QStringLiteral("read write"));

        for (const char *name : {"max_age", "request", "request_uri"}) {
            const HttpResult r = m_http.get(QUrl(authorizeUrl(QStringLiteral("conf-client"),
                {{QString::fromLatin1(name), QStringLiteral("")}, {QStringLiteral("scope"), QStringLiteral("read")}})));
            QCOMPARE(r.status, 303);
            QVERIFY2(r.locationQuery().hasQueryItem(QStringLiteral("code")), r.header("Location").constData());
        }
    }

    void bearerGuard_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("headerToken");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("challenge");
        QTest::newRow("no token") << QByteArray("GET") << "/api/me" << QByteArray() << false << 401
                                  << QByteArray("Bearer realm=\"oauthdesk\"");
        QTest::newRow("header token") << QByteArray("GET") << "/api/me" << QByteArray() << true << 200 << QByteArray();
        QTest::newRow("form body token") << QByteArray("POST") << "/api/me" << QByteArray("access_token=TOKEN") << false
                                         << 200 << QByteArray();
        QTest::newRow("query token is off by default")
            << QByteArray("GET") << "/api/me?access_token=TOKEN" << QByteArray() << false << 400
            << QByteArray("Bearer realm=\"oauthdesk\", error=\"invalid_request\"");
        QTest::newRow("two methods") << QByteArray("POST") << "/api/me" << QByteArray("access_token=TOKEN") << true
                                     << 400 << QByteArray("Bearer realm=\"oauthdesk\", error=\"invalid_request\"");
        QTest::newRow("unknown token") << QByteArray("POST") << "/api/me" << QByteArray("access_token=bogus") << false
                                       << 401 << QByteArray("Bearer realm=\"oauthdesk\", error=\"invalid_token\"");
        QTest::newRow("insufficient scope") << QByteArray("GET") << "/api/scope/write" << QByteArray() << true << 403
                                            << QByteArray("Bearer realm=\"oauthdesk\", error=\"insufficient_scope\"");
        QTest::newRow("enough scope") << QByteArray("GET") << "/api/scope/read" << QByteArray() << true << 200
                                      << QByteArray();
        QTest::newRow("any /api path") << QByteArray("GET") << "/api/orders/42" << QByteArray() << true << 200
                                       << QByteArray();
    }

    void bearerGuard()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(bool, headerToken);
        QFETCH(int, status);
        QFETCH(QByteArray, challenge);
        const QString access = confToken({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                             {QStringLiteral("scope"), QStringLiteral("read")}})
                                   .json()
                                   .value(QStringLiteral("access_token"))
                                   .toString();
        QList<QPair<QByteArray, QByteArray>> headers;
        if (headerToken)
            headers.append(bearer(access));
        const HttpResult r = m_http.send(method, m_server->url(QString(path).replace(QLatin1String("TOKEN"), access)),
            QByteArray(body).replace("TOKEN", access.toLatin1()), headers);
        QCOMPARE(r.status, status);
        QVERIFY2(r.header("WWW-Authenticate").startsWith(challenge), r.header("WWW-Authenticate").constData());
        if (status == 200)
            QCOMPARE(r.json().value(QStringLiteral("client_id")).toString(), QStringLiteral("conf-client"));
    }

    void apiMeShowsTheUserAndClaims()
    {
        const HttpResult tokens = confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("code"), codeFor(QStringLiteral("conf-client"))},
            {QStringLiteral("redirect_uri"), Redirect}});
        const HttpResult me = m_http.get(m_server->url(QStringLiteral("/api/me")),
            {bearer(tokens.json().value(QStringLiteral("access_token")).toString())});
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        QCOMPARE(me.json().value(QStringLiteral("claims")).toObject().value(QStringLiteral("email")).toString(),
            QStringLiteral("alice@example.com"));
    }

    void revocation()
    {
        const auto issue = [this] {
            return confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                 {QStringLiteral("code"), codeFor(QStringLiteral("conf-client"))},
                                 {QStringLiteral("redirect_uri"), Redirect}})
                .json();
        };
        const QUrl revoke = m_server->url(QStringLiteral("/oauth/revoke"));
        const auto auth = basic(QStringLiteral("conf-client"), ConfSecret);

        QJsonObject t = issue();
        HttpResult r = m_http.post(
            revoke, form({{QStringLiteral("token"), t.value(QStringLiteral("access_token")).toString()}}), {auth});
        QCOMPARE(r.status, 200);
        QCOMPARE(apiMe(t.value(QStringLiteral("access_token")).toString()), 401);

        // A refresh token, wrongly hinted as an access token: still found, and its whole grant ends.
        t = issue();
        r = m_http.post(revoke,
            form({{QStringLiteral("token"), t.value(QStringLiteral("refresh_token")).toString()},
                {QStringLiteral("token_type_hint"), QStringLiteral("access_token")}}),
            {auth});
        QCOMPARE(r.status, 200);
        QCOMPARE(apiMe(t.value(QStringLiteral("access_token")).toString()), 401);

        r = m_http.post(revoke, form({{QStringLiteral("token"), QStringLiteral("never-issued")}}), {auth});
        QCOMPARE(r.status, 200);

        t = issue();
        r = m_http.post(revoke, form({{QStringLiteral("token"), t.value(QStringLiteral("access_token")).toString()}}),
            {basic(QStringLiteral("legacy"), QStringLiteral("l3gacy"))});
        QCOMPARE(r.status, 400);
        QCOMPARE(apiMe(t.value(QStringLiteral("access_token")).toString()), 200);

        r = m_http.post(revoke, form({{QStringLiteral("token_type_hint"), QStringLiteral("access_token")}}), {auth});
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_request"));
    }

    void introspection()
    {
        const QUrl url = m_server->url(QStringLiteral("/oauth/introspect"));
        const auto auth = basic(QStringLiteral("conf-client"), ConfSecret);
        const QJsonObject t = confToken(
            {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                {QStringLiteral("code"), codeFor(QStringLiteral("conf-client"))},
                {QStringLiteral("redirect_uri"),
                    Redirect}}).json();
        const QString access = t.value(QStringLiteral("access_token")).toString();
        HttpResult r = m_http.post(url, form({{QStringLiteral("token"), access}}), {auth});
        QCOMPARE(r.status, 200);
        const QJsonObject active = r.json();
        QCOMPARE(active.value(QStringLiteral("active")).toBool(), true);
        QCOMPARE(active.value(QStringLiteral("client_id")).toString(), QStringLiteral("conf-client"));
        QCOMPARE(active.value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        QCOMPARE(active.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        for (const char *key : {"scope", "sub", "exp", "iat"})
            QVERIFY2(active.contains(QLatin1String(key)), key);

        r = m_http.post(
            url, form({{QStringLiteral("token"), t.value(QStringLiteral("refresh_token")).toString()}}), {auth});
        QCOMPARE(r.json().value(QStringLiteral("token_type")).toString(), QStringLiteral("refresh_token"));

        m_http.post(m_server->url(QStringLiteral("/oauth/revoke")), form({{QStringLiteral("token"), access}}), {auth});
        r = m_http.post(url, form({{QStringLiteral("token"), access}}), {auth});
        QCOMPARE(r.body, QByteArray("{\"active\":false}"));
        r = m_http.post(url, form({{QStringLiteral("token"), QStringLiteral("nope")}}), {auth});
        QCOMPARE(r.body, QByteArray("{\"active\":false}"));

        // RFC 7662 §2.1: the caller must authenticate; a public client cannot.
        r = m_http.post(url, form({{QStringLiteral("token"), access}}));
        QCOMPARE(r.status, 401);
        r = m_http.post(
            url, form({{QStringLiteral("token"), access}, {QStringLiteral("client_id"), QStringLiteral("pub")}}));
        QCOMPARE(r.status, 401);
    }

    void metadata()
    {
        const HttpResult r = m_http.get(m_server->url(QStringLiteral("/.well-known/oauth-authorization-server")));
        QCOMPARE(r.status, 200);
        const QJsonObject m = r.json();
        QCOMPARE(m.value(QStringLiteral("issuer")).toString(), m_server->issuer());
        QVERIFY(!m_server->issuer().endsWith(QLatin1Char('/')));
        QCOMPARE(
            m.value(QStringLiteral("token_endpoint")).toString(), m_server->issuer() + QStringLiteral("/oauth/token"));
        const QJsonArray grants = m.value(QStringLiteral("grant_types_supported")).toArray();
        for (const QString &g :
            {grant::AuthorizationCode, grant::RefreshToken, grant::ClientCredentials, grant::Password})
            QVERIFY2(grants.contains(g), qPrintable(g));
        QVERIFY(m.value(QStringLiteral("code_challenge_methods_supported")).toArray().contains(QStringLiteral("S256")));
        // Every endpoint listed answers (not 404).
        for (const char *key : {"token_endpoint", "revocation_endpoint", "introspection_endpoint"}) {
            const HttpResult e = m_http.post(QUrl(m.value(QLatin1String(key)).toString()), "x=1");
            QVERIFY2(e.status != 404, key);
        }
    }

    void authorizeErrorsThatMustNotRedirect_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("unknown client") << QStringLiteral("/oauth/authorize?client_id=nobody&response_type=code");
        QTest::newRow("no client_id") << QStringLiteral("/oauth/authorize?response_type=code");
        QTest::newRow("disabled client") << QStringLiteral("/oauth/authorize?client_id=off&response_type=code");
        QTest::newRow("unregistered redirect_uri") << QStringLiteral(
            "/oauth/authorize?client_id=conf-client&response_type=code&redirect_uri=http%3A%2F%2Fevil.example%2Fcb");
        QTest::newRow("redirect_uri prefix only (exact match)") << QStringLiteral(
            "/oauth/"
            "authorize?client_id=conf-client&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb%2Fx");
        QTest::newRow("redirect_uri left out with two registered")
            << QStringLiteral("/oauth/authorize?client_id=conf-client&response_type=code");
    }

    void authorizeErrorsThatMustNotRedirect()
    {
        QFETCH(QString, url);
        const HttpResult r = m_http.get(m_server->url(url));
        QCOMPARE(r.status, 400);
        QVERIFY(r.header("Location").isEmpty());
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
        QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
    }

    void authorizeErrorsThatRedirect_data()
    {
        QTest::addColumn<QString>("client");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("unsupported response_type") << "conf-client"
                                                   << "response_type"
                                                   << "token"
                                                   << "unsupported_response_type";
        QTest::newRow("missing response_type") << "conf-client"
                                               << "response_type" << QString() << "invalid_request";
        QTest::newRow("scope not allowed") << "conf-client"
                                           << "scope"
                                           << "admin"
                                           << "invalid_scope";
        QTest::newRow("public client without PKCE") << "pub"
                                                    << "scope"
                                                    << "x"
                                                    << "invalid_request";
        QTest::newRow("plain PKCE not allowed") << "conf-client"
                                                << "code_challenge_method"
                                                << "plain"
                                                << "invalid_request";
    }

    void authorizeErrorsThatRedirect()
    {
        QFETCH(QString, client);
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, error);
        QList<QPair<QString, QString>> extra{{name, value}};
        if (name == QLatin1String("code_challenge_method"))
            extra.append({QStringLiteral("code_challenge"), challengeOf(Verifier)});
        const HttpResult r = m_http.get(QUrl(authorizeUrl(client, extra)));
        QCOMPARE(r.status, 303);
        QVERIFY(r.header("Location").startsWith(QByteArray(Redirect.toUtf8() + '?')));
        const QUrlQuery q = r.locationQuery();
        QCOMPARE(q.queryItemValue(QStringLiteral("error")), error);
        QCOMPARE(q.queryItemValue(QStringLiteral("state")), QStringLiteral("st-123"));
        QCOMPARE(q.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());
        QVERIFY(!q.hasQueryItem(QStringLiteral("code")));
    }

    void loginAndConsentPages()
    {
        Http browser; // its own cookie jar
        HttpResult page = browser.get(
            QUrl(authorizeUrl(QStringLiteral("interactive"), {{QStringLiteral("login_hint"), QStringLiteral("bob")}})));
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Frame-Options"), QByteArray("DENY"));
        QVERIFY(page.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        QVERIFY(page.body.contains("value=\"bob\""));
        QVERIFY(page.body.contains("Interactive &lt;App&gt;")); // escaped
        QVERIFY(page.body.contains("name=\"pick\" value=\"alice\""));
        QVERIFY(!page.header("Set-Cookie").contains("Secure")); // plain http: a Secure cookie would never come back
        const auto field = [](const QByteArray &html, const QByteArray &name) {
            const QByteArray marker = "name=\"" + name + "\" value=\"";
            const qsizetype start = html.indexOf(marker) + marker.size();
            return QString::fromUtf8(html.mid(start, html.indexOf('"', start) - start));
        };
        const QString tx = field(page.body, "tx");
        const QString csrf = field(page.body, "csrf");
        QVERIFY(!tx.isEmpty() && !csrf.isEmpty());
        const QUrl interaction = m_server->url(QStringLiteral("/oauth/authorize/interaction"));

        // Another browser (no CSRF cookie) posting the same form is refused.
        Http attacker;
        HttpResult refused = attacker.post(interaction,
            form({{QStringLiteral("tx"), tx}, {QStringLiteral("csrf"), csrf},
                {QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("pick"), QStringLiteral("alice")}}));
        QCOMPARE(refused.status, 403);

        HttpResult wrong = browser.post(interaction,
            form({{QStringLiteral("tx"), tx}, {QStringLiteral("csrf"), csrf},
                {QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("username"), QStringLiteral("bob")},
                {QStringLiteral("password"), QStringLiteral("nope")}}));
        QCOMPARE(wrong.status, 303);
        page = browser.get(QUrl(m_server->issuer() + QString::fromUtf8(wrong.header("Location"))));
        QVERIFY(page.body.contains("Wrong password"));

        HttpResult login = browser.post(interaction,
            form({{QStringLiteral("tx"), tx}, {QStringLiteral("csrf"), csrf},
                {QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("username"), QStringLiteral("bob")},
                {QStringLiteral("password"), QStringLiteral("hunter2")}}));
        QCOMPARE(login.status, 303);
        page = browser.get(QUrl(m_server->issuer() + QString::fromUtf8(login.header("Location"))));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("Allow access?"));

        HttpResult deny = browser.post(interaction,
            form({{QStringLiteral("tx"), tx}, {QStringLiteral("csrf"), csrf},
                {QStringLiteral("step"), QStringLiteral("consent")},
                {QStringLiteral("decision"), QStringLiteral("deny")}}));
        QCOMPARE(deny.status, 303);
        QCOMPARE(deny.locationQuery().queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
        QCOMPARE(deny.locationQuery().queryItemValue(QStringLiteral("state")), QStringLiteral("st-123"));

        // Signed in now: the next request goes straight to consent, and Allow gives a code.
        page = browser.get(QUrl(authorizeUrl(QStringLiteral("interactive"))));
        QVERIFY(page.body.contains("Allow access?"));
        HttpResult allow = browser.post(interaction,
            form({{QStringLiteral("tx"), field(page.body, "tx")}, {QStringLiteral("csrf"), field(page.body, "csrf")},
                {QStringLiteral("step"), QStringLiteral("consent")},
                {QStringLiteral("decision"), QStringLiteral("allow")}}));
        QCOMPARE(allow.status, 303);
        const QString code = allow.locationQuery().queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        QVERIFY(!code.isEmpty());
        const HttpResult t = token({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                       {QStringLiteral("code"), code}, {QStringLiteral("redirect_uri"), Redirect}},
            {basic(QStringLiteral("interactive"), QStringLiteral("1nteractive"))});
        QCOMPARE(t.status, 200);
        const HttpResult me = m_http.get(m_server->url(QStringLiteral("/api/me")),
            {bearer(t.json().value(QStringLiteral("access_token")).toString())});
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("bob"));

        // Consent remembered: with prompt=none the answer is a code without any page.
        HttpResult silent = browser.get(
            QUrl(authorizeUrl(QStringLiteral("interactive"), {{QStringLiteral("prompt"), QStringLiteral("none")}})));
        QCOMPARE(silent.status, 303);
        QVERIFY(silent.locationQuery().hasQueryItem(QStringLiteral("code")));
        // Without a session prompt=none cannot pass.
        HttpResult noSession = attacker.get(
            QUrl(authorizeUrl(QStringLiteral("interactive"), {{QStringLiteral("prompt"), QStringLiteral("none")}})));
        QCOMPARE(noSession.locationQuery().queryItemValue(QStringLiteral("error")), QStringLiteral("login_required"));

        // Signing in again with consent remembered, in form_post mode: the sign-in answers with the form itself.
        page = browser.get(QUrl(authorizeUrl(QStringLiteral("interactive"),
            {{QStringLiteral("prompt"), QStringLiteral("login")},
                {QStringLiteral("response_mode"), QStringLiteral("form_post")}})));
        QVERIFY(page.body.contains("name=\"step\" value=\"login\""));
        HttpResult again = browser.post(interaction,
            form({{QStringLiteral("tx"), field(page.body, "tx")}, {QStringLiteral("csrf"), field(page.body, "csrf")},
                {QStringLiteral("step"), QStringLiteral("login")}, {QStringLiteral("username"), QStringLiteral("bob")},
                {QStringLiteral("password"), QStringLiteral("hunter2")}}));
        QCOMPARE(again.status, 200);
        QVERIFY2(again.body.contains("<input type=\"hidden\" name=\"code\""), again.body.constData());
    }

    void browserAppsMayCallTheTokenEndpoint()
    {
        // A single-page app's preflight, then its real request from another origin.
        const HttpResult preflight = m_http.send("OPTIONS", m_server->url(QStringLiteral("/oauth/token")), {},
            {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "POST"},
                {"Access-Control-Request-Headers", "content-type"}});
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.header("Access-Control-Allow-Origin"), QByteArray("*"));
        QVERIFY(preflight.header("Access-Control-Allow-Methods").contains("POST"));
        QVERIFY(preflight.header("Access-Control-Allow-Headers").contains("Content-Type"));

        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}},
            {basic(QStringLiteral("conf-client"), ConfSecret), {"Origin", "http://localhost:5173"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("*"));
        const HttpResult me
            = m_http.get(m_server->url(QStringLiteral("/api/me")), {{"Origin", "http://localhost:5173"}});
        QCOMPARE(me.header("Access-Control-Allow-Origin"), QByteArray("*"));

        // The pages are navigations, never fetched cross-origin.
        const HttpResult page = m_http.send("OPTIONS", m_server->url(QStringLiteral("/oauth/authorize")), {},
            {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "POST"}});
        QVERIFY(page.header("Access-Control-Allow-Origin").isEmpty());
    }

    // Rows of the request log file whose path contains `pathPart`, as (status, client_id, request body,
    // response body, response headers); empty until the log writer has stored them.
    QList<QStringList> loggedRequests(const QString &pathPart) const
    {
        QList<QStringList> rows;
        auto log = Database::openRequestLog(Database::requestLogPath(m_server->db()->path()));
        if (!log)
            return rows;
        QSqlQuery q((*log)->connection());
        q.prepare(QStringLiteral("SELECT status, client_id, request_body, response_body, response_headers "
                                 "FROM request_log WHERE instr(path, ?) > 0"));
        q.addBindValue(pathPart);
        if (q.exec())
            while (q.next())
                rows.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                    q.value(4).toString()});
        return rows;
    }

    void requestLogIsStoredRedacted()
    {
        const HttpResult r = m_http.post(m_server->url(QStringLiteral("/oauth/token?trace=log-test")),
            "grant_type=client_credentials&client_id=conf-client&client_secret=" + QUrl::toPercentEncoding(ConfSecret));
        QCOMPARE(r.status, 200);
        const QString access = r.json().value(QStringLiteral("access_token")).toString();
        // The log writer stores entries in the background, within a fraction of a second.
        QList<QStringList> rows;
        QTRY_VERIFY_WITH_TIMEOUT(
            !(rows = loggedRequests(QStringLiteral("/oauth/token?trace=log-test"))).isEmpty(), 5000);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0][0], QStringLiteral("200"));
        QCOMPARE(rows[0][1], QStringLiteral("conf-client"));
        const QString requestBody = rows[0][2];
        const QString responseBody = rows[0][3];
        QVERIFY2(!requestBody.contains(QStringLiteral("pass")), qPrintable(requestBody));
        QVERIFY(requestBody.contains(QStringLiteral("client_secret=")));
        QVERIFY2(!responseBody.contains(access), qPrintable(responseBody));
        QVERIFY(responseBody.contains(access.left(4) + QStringLiteral("****")));
    }

    void requestLogRedactsCodesInEveryResponseMode()
    {
        const QStringList modes = {QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")};
        for (const QString &mode : modes) {
            const HttpResult r = m_http.get(QUrl(authorizeUrl(QStringLiteral("conf-client"),
                {{QStringLiteral("response_mode"), mode}, {QStringLiteral("state"), QStringLiteral("log-") + mode}})));
            const QString answer = QString::fromUtf8(r.header("Location") + r.body);
            static const QRegularExpression codeIn(
                QStringLiteral("code=([A-Za-z0-9_-]{20,})|name=\"code\" value=\"([^\"]+)\""));
            const auto match = codeIn.match(answer);
            QVERIFY2(match.hasMatch(), qPrintable(answer));
            const QString code = match.captured(1) + match.captured(2);
            QList<QStringList> rows;
            QTRY_VERIFY_WITH_TIMEOUT(!(rows = loggedRequests(QStringLiteral("state=log-") + mode)).isEmpty(), 5000);
            const QString stored = rows[0].join(QLatin1Char('\n'));
            QVERIFY2(!stored.contains(code), qPrintable(mode + QLatin1Char(' ') + stored));
            QVERIFY2(
                stored.contains(code.left(4) + QStringLiteral("****")), qPrintable(mode + QLatin1Char(' ') + stored));
        }
    }

    void requestLogOfAnOlderVersionMovesToTheLogFile()
    {
        // Up to schema 3 the log was a table of the main file; schema 4 renames it (so every file that went through
        // version 2 has it), and the server moves its rows.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("older.sqlite"));
        auto db = Database::open(path);
        QVERIFY(db);
        {
            QSqlQuery q((*db)->connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO request_log_v3 (at, method, path, status, duration_us) "
                                          "VALUES (1, 'GET', '/older-a', 200, 5), (2, 'POST', '/older-b', 400, 7)")));
        }
        auto server = std::make_unique<ServerController>(*db);
        QSignalSpy started(server.get(), &ServerController::started);
        Config config;
        config.dbPath = path;
        config.port = 0;
        server->start(config);
        QVERIFY(started.wait(10000));

        auto log = Database::openRequestLog(Database::requestLogPath(path));
        QVERIFY(log);
        auto paths = [&log] {
            QStringList out;
            QSqlQuery q((*log)->connection());
            if (q.exec(QStringLiteral("SELECT path FROM request_log WHERE path LIKE '/older-%' ORDER BY id")))
                while (q.next())
                    out << q.value(0).toString();
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(paths(), QStringList({QStringLiteral("/older-a"), QStringLiteral("/older-b")}), 5000);
        QSqlQuery q((*db)->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name='request_log_v3'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        q.finish();
        server.reset();
    }

    void requestLogNeverWritesTheMainDatabase()
    {
        // Token writes wait for the main file's write lock. The log's many commits happen in a file of their own,
        // so requests that write nothing leave the main file alone, log or no log.
        const HttpResult r = token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}},
            {basic(QStringLiteral("conf-client"), ConfSecret)});
        QCOMPARE(r.status, 200);
        const QString access = r.json().value(QStringLiteral("access_token")).toString();
        QSqlQuery version(m_server->db()->connection());
        auto dataVersion = [&version] {
            // Changes whenever another connection commits to this file.
            return version.exec(QStringLiteral("PRAGMA data_version")) && version.next() ? version.value(0).toInt()
                                                                                         : -1;
        };
        const int before = dataVersion();
        QVERIFY(before >= 0);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(
                m_http.get(m_server->url(QStringLiteral("/api/me?trace=read-only")), {bearer(access)}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(loggedRequests(QStringLiteral("/api/me?trace=read-only")).size(), 20, 5000);
        QCOMPARE(dataVersion(), before);
    }

    void clientChangesTakeEffectAtOnce()
    {
        // The server keeps clients in memory; a change from anywhere must reach the very next request.
        Client c;
        c.clientId = QStringLiteral("changing-client");
        c.secret = QStringLiteral("first-secret");
        c.name = QStringLiteral("Changing");
        c.grantTypes = {grant::ClientCredentials};
        m_server->addClient(c);
        auto tokenFor = [this](const QString &secret) {
            return token({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}},
                {basic(QStringLiteral("changing-client"), secret)})
                .status;
        };
        QCOMPARE(tokenFor(QStringLiteral("first-secret")), 200);

        // Through the store, as the window does it.
        auto rotated = ClientStore(m_server->db()).rotateSecret(QStringLiteral("changing-client"));
        QVERIFY(rotated);
        QCOMPARE(tokenFor(QStringLiteral("first-secret")), 401);
        QCOMPARE(tokenFor(rotated->secret), 200);

        // Behind the store's back, as another process (the command line) would change the file.
        QVERIFY(writeAsAnotherProcess(QStringLiteral("UPDATE clients SET active=0 WHERE client_id='changing-client'")));
        QCOMPARE(tokenFor(rotated->secret), 401);
        QVERIFY(writeAsAnotherProcess(QStringLiteral("UPDATE clients SET active=1 WHERE client_id='changing-client'")));
        QCOMPARE(tokenFor(rotated->secret), 200);
    }

    void tokenAndUserChangesTakeEffectAtOnce()
    {
        // The server keeps access tokens and users in memory once looked up; each lookup below comes right after
        // one that filled that memory.
        const auto auth = basic(QStringLiteral("conf-client"), ConfSecret);
        const auto issue = [this] {
            return confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                 {QStringLiteral("code"), codeFor(QStringLiteral("conf-client"))},
                                 {QStringLiteral("redirect_uri"), Redirect}})
                .json();
        };
        const auto introspect = [&](const QString &token) {
            return m_http
                .post(m_server->url(QStringLiteral("/oauth/introspect")), form({{QStringLiteral("token"), token}}),
                    {auth})
                .json()
                .value(QStringLiteral("active"))
                .toBool();
        };

        // Revoked at /oauth/revoke: on the server's own connection.
        QString access = issue().value(QStringLiteral("access_token")).toString();
        QCOMPARE(apiMe(access), 200);
        QVERIFY(introspect(access));
        QCOMPARE(
            m_http
                .post(m_server->url(QStringLiteral("/oauth/revoke")), form({{QStringLiteral("token"), access}}), {auth})
                .status,
            200);
        QCOMPARE(apiMe(access), 401);
        QVERIFY(!introspect(access));

        // Revoked through the store, as the window does it: another connection.
        access = issue().value(QStringLiteral("access_token")).toString();
        QCOMPARE(apiMe(access), 200);
        TokenFilter filter;
        filter.prefix = access.left(TokenStore::PrefixLength);
        QVERIFY(TokenStore(m_server->db()).revokeMatching(filter).value_or(0) >= 1);
        QCOMPARE(apiMe(access), 401);

        // Revoked behind every store's back, as another process could.
        access = issue().value(QStringLiteral("access_token")).toString();
        QCOMPARE(apiMe(access), 200);
        QVERIFY(
            writeAsAnotherProcess(QStringLiteral("UPDATE access_tokens SET revoked_at=1 WHERE revoked_at IS NULL")));
        QCOMPARE(apiMe(access), 401);

        // A user's claims, edited in the window, show in the next /api/me.
        access = issue().value(QStringLiteral("access_token")).toString();
        HttpResult me = m_http.get(m_server->url(QStringLiteral("/api/me")), {bearer(access)});
        QCOMPARE(me.json().value(QStringLiteral("claims")).toObject().value(QStringLiteral("email")).toString(),
            QStringLiteral("alice@example.com"));
        auto alice = UserStore(m_server->db()).get(QStringLiteral("alice"));
        QVERIFY(alice);
        QVERIFY(UserStore(m_server->db())
                    .update(QStringLiteral("alice"), std::nullopt,
                        QJsonObject{{QStringLiteral("email"), QStringLiteral("alice@example.org")}}));
        me = m_http.get(m_server->url(QStringLiteral("/api/me")), {bearer(access)});
        QCOMPARE(me.json().value(QStringLiteral("claims")).toObject().value(QStringLiteral("email")).toString(),
            QStringLiteral("alice@example.org"));
        QVERIFY(UserStore(m_server->db()).update(QStringLiteral("alice"), std::nullopt, alice->claims));
    }

    void responseModes()
    {
        // OAuth 2.0 Multiple Response Type Encoding Practices and Form Post Response Mode.
        HttpResult r = m_http.get(QUrl(authorizeUrl(
            QStringLiteral("conf-client"), {{QStringLiteral("response_mode"), QStringLiteral("fragment")}})));
        QCOMPARE(r.status, 303);
        QUrl location(QString::fromUtf8(r.header("Location")));
        QCOMPARE(location.adjusted(QUrl::RemoveFragment).toString(), Redirect);
        QUrlQuery fragment(location.fragment(QUrl::FullyEncoded));
        QVERIFY(!fragment.queryItemValue(QStringLiteral("code")).isEmpty());
        QCOMPARE(fragment.queryItemValue(QStringLiteral("state")), QStringLiteral("st-123"));
        QCOMPARE(fragment.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_server->issuer());

        r = m_http.get(QUrl(authorizeUrl(
            QStringLiteral("conf-client"), {{QStringLiteral("response_mode"), QStringLiteral("form_post")}})));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/html"));
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-store"));
        const QString page = QString::fromUtf8(r.body);
        QVERIFY2(
            page.contains(QStringLiteral("<form method=\"post\" action=\"%1\">").arg(Redirect)), r.body.constData());
        auto hidden = [&page](const QString &name) {
            const QRegularExpression input(
                QStringLiteral("<input type=\"hidden\" name=\"%1\" value=\"([^\"]*)\">").arg(name));
            return input.match(page).captured(1);
        };
        const QString code = hidden(QStringLiteral("code"));
        QVERIFY(!code.isEmpty());
        QCOMPARE(hidden(QStringLiteral("state")), QStringLiteral("st-123"));
        QCOMPARE(hidden(QStringLiteral("iss")), m_server->issuer());
        // The inline script that submits the form is the only one the page's CSP lets run.
        const QRegularExpression script(QStringLiteral("<script>([^<]*)</script>"));
        const QString submit = script.match(page).captured(1);
        QVERIFY(!submit.isEmpty());
        const QByteArray csp = r.header("Content-Security-Policy");
        const QByteArray expected = QByteArray("script-src 'sha256-")
            + QCryptographicHash::hash(submit.toUtf8(), QCryptographicHash::Sha256).toBase64() + '\'';
        QVERIFY2(csp.contains(expected), csp.constData());
        QVERIFY(csp.contains("frame-ancestors 'none'"));
        // The posted code is a good one.
        QCOMPARE(confToken({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                               {QStringLiteral("code"), code}, {QStringLiteral("redirect_uri"), Redirect}})
                     .status,
            200);

        // Errors travel the same way.
        r = m_http.get(QUrl(authorizeUrl(QStringLiteral("conf-client"),
            {{QStringLiteral("response_mode"), QStringLiteral("form_post")},
                {QStringLiteral("scope"), QStringLiteral("admin")}})));
        QCOMPARE(r.status, 200);
        QCOMPARE(QString::fromUtf8(r.body).contains(QStringLiteral("name=\"error\" value=\"invalid_scope\"")), true);

        // An unknown mode is refused, in the default (query) mode.
        r = m_http.get(QUrl(
            authorizeUrl(QStringLiteral("conf-client"), {{QStringLiteral("response_mode"), QStringLiteral("jwt")}})));
        QCOMPARE(r.status, 303);
        QCOMPARE(r.locationQuery().queryItemValue(QStringLiteral("error")), QStringLiteral("invalid_request"));
        QCOMPARE(r.locationQuery().queryItemValue(QStringLiteral("state")), QStringLiteral("st-123"));

        const QJsonObject metadata
            = m_http.get(m_server->url(QStringLiteral("/.well-known/oauth-authorization-server"))).json();
        QCOMPARE(metadata.value(QStringLiteral("response_modes_supported")).toArray(),
            QJsonArray({QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")}));
    }

    void transportErrors()
    {
        HttpResult r = m_http.get(m_server->url(QStringLiteral("/oauth/token")));
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("POST"));
        r = m_http.get(m_server->url(QStringLiteral("/no/such/thing")));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
        const QByteArray big = rawExchange(m_server->port(),
            "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: 5000000\r\n\r\n");
        QVERIFY2(big.startsWith("HTTP/1.1 413"), big.constData());
        QCOMPARE(m_http.get(m_server->url(QStringLiteral("/healthz"))).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestOAuthServer)
#include "TestOAuthServer.moc"
