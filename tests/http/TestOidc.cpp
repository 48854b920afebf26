#include "crypto/Jws.h"
#include "crypto/Random.h"
#include "http/ServerController.h"
#include "oauth/OidcProvider.h"
#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/KeyStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace oauthdesk;

namespace {

QString l1(const char *text)
{
    return QString::fromLatin1(text);
}

const QString RedirectUri = QStringLiteral("http://127.0.0.1:9/cb");
const QString LogoutUri = QStringLiteral("http://127.0.0.1:9/signed-out");

struct Reply
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QUrlQuery locationQuery() const { return QUrlQuery(QUrl(QString::fromUtf8(header("Location"))).query()); }
};

struct Tokens
{
    QJsonObject body;
    QString accessToken() const { return body.value(l1("access_token")).toString(); }
    QString idToken() const { return body.value(l1("id_token")).toString(); }
    QString refreshToken() const { return body.value(l1("refresh_token")).toString(); }
};

QJsonObject payloadOf(const QString &jwt)
{
    auto decoded = crypto::decodeJwt(jwt.toLatin1());
    return decoded ? decoded->claims : QJsonObject();
}

QJsonObject headerOf(const QString &jwt)
{
    auto decoded = crypto::decodeJwt(jwt.toLatin1());
    return decoded ? decoded->header : QJsonObject();
}

} // namespace

// OpenID Connect end to end: a real server on a real socket, a real SQLite file, requests through
// QNetworkAccessManager.
class TestOidc final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;
    std::unique_ptr<ServerController> m_server;
    QNetworkAccessManager m_net;
    QString m_issuer;
    User m_alice;

    Reply send(QNetworkRequest request, const QByteArray &method, const QByteArray &body = {})
    {
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply = method == "POST" ? m_net.post(request, body) : m_net.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return out;
    }

    Reply get(const QString &pathOrUrl, const QByteArray &bearer = {})
    {
        QNetworkRequest request(QUrl(pathOrUrl.startsWith(l1("http")) ? pathOrUrl : m_issuer + pathOrUrl));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        return send(request, "GET");
    }

    Reply postForm(const QString &path, const QUrlQuery &form, const QString &clientId = {}, const QString &secret = {},
        const QByteArray &bearer = {})
    {
        QNetworkRequest request(QUrl(m_issuer + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (!clientId.isEmpty())
            request.setRawHeader(
                "Authorization", "Basic " + (clientId + QLatin1Char(':') + secret).toUtf8().toBase64());
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        return send(request, "POST", form.toString(QUrl::FullyEncoded).toUtf8());
    }

    Client addClient(const QString &id, const QString &alg, bool autoApprove, bool jwt = false)
    {
        Client c;
        c.clientId = id;
        c.secret = l1("secret-") + id;
        c.name = id;
        c.redirectUris = {RedirectUri};
        c.grantTypes = {grant::AuthorizationCode, grant::RefreshToken};
        c.idTokenAlg = alg;
        c.autoApproveUser = autoApprove ? l1("alice") : QString();
        c.accessTokenFormat = jwt ? l1("jwt") : l1("opaque");
        c.postLogoutRedirectUris = {LogoutUri};
        auto added = ClientStore(m_db).add(c);
        if (!added)
            qFatal("cannot add client: %s", qPrintable(added.error().message));
        return *added;
    }

    // Authorization request with PKCE S256; returns the redirect (the auto-approve clients answer at once).
    Reply authorize(const QString &clientId, const QString &scope, const QString &nonce, const QString &verifier,
        const QList<QPair<QString, QString>> &extra = {})
    {
        QUrlQuery q;
        q.addQueryItem(l1("response_type"), l1("code"));
        q.addQueryItem(l1("client_id"), clientId);
        q.addQueryItem(l1("redirect_uri"), RedirectUri);
        q.addQueryItem(l1("scope"), scope);
        q.addQueryItem(l1("state"), l1("st-1"));
        if (!nonce.isEmpty())
            q.addQueryItem(l1("nonce"), nonce);
        q.addQueryItem(
            l1("code_challenge"), QString::fromLatin1(crypto::base64Url(crypto::sha256(verifier.toLatin1()))));
        q.addQueryItem(l1("code_challenge_method"), l1("S256"));
        for (const auto &[k, v] : extra)
            q.addQueryItem(k, v);
        return get(l1("/oauth/authorize?") + q.toString(QUrl::FullyEncoded));
    }

    Tokens signIn(const QString &clientId, const QString &scope, const QString &nonce = l1("n-0S6_WzA2Mj"))
    {
        const QString verifier = crypto::randomToken(256);
        const Reply redirect = authorize(clientId, scope, nonce, verifier);
        const QString code = redirect.locationQuery().queryItemValue(l1("code"));
        if (redirect.status != 303 || code.isEmpty())
            qWarning("authorize answered %d: %s", redirect.status, redirect.header("Location").constData());
        QUrlQuery form;
        form.addQueryItem(l1("grant_type"), l1("authorization_code"));
        form.addQueryItem(l1("code"), code);
        form.addQueryItem(l1("redirect_uri"), RedirectUri);
        form.addQueryItem(l1("code_verifier"), verifier);
        const Reply token = postForm(l1("/oauth/token"), form, clientId, l1("secret-") + clientId);
        if (token.status != 200)
            qWarning("token endpoint answered %d: %s", token.status, token.body.constData());
        return {token.json()};
    }

    static QString hidden(const QByteArray &page, const char *name)
    {
        const QByteArray marker = QByteArray("name=\"") + name + "\" value=\"";
        const qsizetype at = page.indexOf(marker);
        if (at < 0)
            return {};
        const qsizetype start = at + marker.size();
        return QString::fromUtf8(page.mid(start, page.indexOf('"', start) - start));
    }

    // Picks a test user on a login page.
    Reply pickUser(const Reply &loginPage, const QString &username)
    {
        QUrlQuery form;
        form.addQueryItem(l1("tx"), hidden(loginPage.body, "tx"));
        form.addQueryItem(l1("csrf"), hidden(loginPage.body, "csrf"));
        form.addQueryItem(l1("step"), l1("login"));
        form.addQueryItem(l1("pick"), username);
        return postForm(l1("/oauth/authorize/interaction"), form);
    }

    // Signs a user in through the login and consent pages, so the browser (the cookie jar) holds a session.
    bool signInThroughPages(const QString &username = l1("alice"))
    {
        const Reply login = authorize(l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256),
            {{l1("prompt"), l1("login consent")}});
        if (login.status != 200)
            return false;
        const Reply toConsent = pickUser(login, username);
        if (toConsent.status != 303)
            return false;
        const Reply consent = get(QString::fromUtf8(toConsent.header("Location")));
        QUrlQuery allow;
        allow.addQueryItem(l1("tx"), hidden(consent.body, "tx"));
        allow.addQueryItem(l1("csrf"), hidden(consent.body, "csrf"));
        allow.addQueryItem(l1("step"), l1("consent"));
        allow.addQueryItem(l1("decision"), l1("allow"));
        const Reply done = postForm(l1("/oauth/authorize/interaction"), allow);
        return done.status == 303 && done.locationQuery().hasQueryItem(l1("code"));
    }

    QList<QJsonObject> jwks()
    {
        QList<QJsonObject> keys;
        for (const QJsonValue &k : get(l1("/oauth/jwks")).json().value(l1("keys")).toArray())
            keys.append(k.toObject());
        return keys;
    }

    QStringList kids()
    {
        QStringList out;
        for (const QJsonObject &k : jwks())
            out << k.value(l1("kid")).toString();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto db = Database::open(m_dir.filePath(l1("oidc.sqlite")));
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = *db;
        auto alice = UserStore(m_db).add(l1("alice"), {},
            {{l1("email"), l1("alice@example.com")}, {l1("email_verified"), true}, {l1("name"), l1("Alice Example")},
                {l1("given_name"), l1("Alice")}, {l1("role"), l1("admin")}});
        QVERIFY2(alice, alice ? "" : qPrintable(alice.error().message));
        m_alice = *alice;
        addClient(l1("rp"), l1("RS256"), true);
        addClient(l1("rp-es"), l1("ES256"), true);
        addClient(l1("rp-ed"), l1("EdDSA"), true);
        addClient(l1("rp-jwt"), l1("RS256"), true, true);
        addClient(l1("rp-interactive"), l1("RS256"), false);

        m_server = std::make_unique<ServerController>(m_db);
        QSignalSpy started(m_server.get(), &ServerController::started);
        Config config;
        config.dbPath = m_db->path();
        config.port = 0;
        m_server->start(config);
        QVERIFY(started.wait(10000));
        m_issuer = started.first().first().toString();
        QVERIFY(m_issuer.startsWith(l1("http://127.0.0.1:")));
    }

    void cleanupTestCase()
    {
        m_server.reset();
        Clock::reset();
    }

    void discoveryListsWhatIsSupported()
    {
        const Reply reply = get(l1("/.well-known/openid-configuration"));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("application/json"));
        const QJsonObject d = reply.json();
        QCOMPARE(d.value(l1("issuer")).toString(), m_issuer);
        QCOMPARE(d.value(l1("authorization_endpoint")).toString(), m_issuer + l1("/oauth/authorize"));
        QCOMPARE(d.value(l1("token_endpoint")).toString(), m_issuer + l1("/oauth/token"));
        QCOMPARE(d.value(l1("userinfo_endpoint")).toString(), m_issuer + l1("/oauth/userinfo"));
        QCOMPARE(d.value(l1("jwks_uri")).toString(), m_issuer + l1("/oauth/jwks"));
        QCOMPARE(d.value(l1("end_session_endpoint")).toString(), m_issuer + l1("/oauth/logout"));
        QCOMPARE(d.value(l1("revocation_endpoint")).toString(), m_issuer + l1("/oauth/revoke"));
        QCOMPARE(d.value(l1("introspection_endpoint")).toString(), m_issuer + l1("/oauth/introspect"));
        QCOMPARE(d.value(l1("response_types_supported")).toArray(), QJsonArray{l1("code")});
        QCOMPARE(d.value(l1("response_modes_supported")).toArray(),
            QJsonArray({l1("query"), l1("fragment"), l1("form_post")}));
        QCOMPARE(d.value(l1("subject_types_supported")).toArray(), QJsonArray{l1("public")});
        QCOMPARE(d.value(l1("id_token_signing_alg_values_supported")).toArray(),
            (QJsonArray{l1("RS256"), l1("ES256"), l1("EdDSA")}));
        QCOMPARE(d.value(l1("code_challenge_methods_supported")).toArray(), (QJsonArray{l1("S256"), l1("plain")}));
        QCOMPARE(d.value(l1("claims_parameter_supported")), QJsonValue(false));
        QCOMPARE(d.value(l1("request_parameter_supported")), QJsonValue(false));
        QCOMPARE(d.value(l1("request_uri_parameter_supported")), QJsonValue(false));
        QCOMPARE(d.value(l1("authorization_response_iss_parameter_supported")), QJsonValue(true));
        QCOMPARE(
            d.value(l1("prompt_values_supported")).toArray(), (QJsonArray{l1("none"), l1("login"), l1("consent")}));
        const QJsonArray scopes = d.value(l1("scopes_supported")).toArray();
        for (const char *s : {"openid", "profile", "email", "offline_access"})
            QVERIFY2(scopes.contains(l1(s)), s);
        const QJsonArray claims = d.value(l1("claims_supported")).toArray();
        for (const char *c :
            {"sub", "iss", "auth_time", "nonce", "name", "email", "email_verified", "preferred_username", "role"})
            QVERIFY2(claims.contains(l1(c)), c);
        QVERIFY(d.value(l1("token_endpoint_auth_methods_supported")).toArray().contains(l1("client_secret_basic")));

        // The grant types are exactly the token endpoint's, the same in both metadata documents.
        const QJsonObject oauth = get(l1("/.well-known/oauth-authorization-server")).json();
        QCOMPARE(d.value(l1("grant_types_supported")), oauth.value(l1("grant_types_supported")));
        QVERIFY(d.value(l1("grant_types_supported")).toArray().contains(l1("authorization_code")));
        QCOMPARE(oauth.value(l1("userinfo_endpoint")).toString(), m_issuer + l1("/oauth/userinfo"));
        QCOMPARE(oauth.value(l1("jwks_uri")).toString(), m_issuer + l1("/oauth/jwks"));
        QCOMPARE(oauth.value(l1("end_session_endpoint")).toString(), m_issuer + l1("/oauth/logout"));
    }

    void jwksPublishesOnlyPublicKeys()
    {
        const Reply reply = get(l1("/oauth/jwks"));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
        QVERIFY2(reply.header("Cache-Control").contains("max-age="), reply.header("Cache-Control").constData());
        const QJsonArray keys = reply.json().value(l1("keys")).toArray();
        QStringList algs;
        for (const QJsonValue &v : keys) {
            const QJsonObject k = v.toObject();
            algs << k.value(l1("alg")).toString();
            QVERIFY(!k.value(l1("kid")).toString().isEmpty());
            QCOMPARE(k.value(l1("use")).toString(), l1("sig"));
            // RFC 7517 §4, RFC 7518 §6: no private member is ever published.
            for (const char *secret : {"d", "p", "q", "dp", "dq", "qi"})
                QVERIFY2(!k.contains(l1(secret)), secret);
        }
        algs.sort();
        QCOMPARE(algs, (QStringList{l1("ES256"), l1("EdDSA"), l1("RS256")}));
    }

    void idTokenCarriesEveryClaim()
    {
        const QString nonce = l1("nonce-") + crypto::randomToken(64);
        const Tokens t = signIn(l1("rp"), l1("openid profile email"), nonce);
        QVERIFY2(!t.idToken().isEmpty(), QJsonDocument(t.body).toJson().constData());

        auto verified = crypto::verifyJws(t.idToken().toLatin1(), jwks());
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        const QJsonObject c = *verified;
        const QJsonObject h = headerOf(t.idToken());
        QCOMPARE(h.value(l1("typ")).toString(), l1("JWT"));
        QCOMPARE(h.value(l1("alg")).toString(), l1("RS256"));
        QVERIFY(kids().contains(h.value(l1("kid")).toString()));

        QCOMPARE(c.value(l1("iss")).toString(), m_issuer);
        QCOMPARE(c.value(l1("sub")).toString(), m_alice.sub);
        QCOMPARE(c.value(l1("aud")).toString(), l1("rp"));
        QCOMPARE(c.value(l1("azp")).toString(), l1("rp"));
        QCOMPARE(c.value(l1("nonce")).toString(), nonce);
        const qint64 now = Clock::nowSecs();
        QVERIFY(qAbs(qint64(c.value(l1("iat")).toDouble()) - now) <= 5);
        QVERIFY(c.value(l1("exp")).toDouble() > c.value(l1("iat")).toDouble());
        QVERIFY(qAbs(qint64(c.value(l1("auth_time")).toDouble()) - now) <= 5);
        QCOMPARE(
            c.value(l1("at_hash")).toString(), crypto::halfHashClaim(crypto::Alg::RS256, t.accessToken().toLatin1()));
        QCOMPARE(c.value(l1("role")).toString(), l1("admin"));
        QCOMPARE(c.value(l1("email")).toString(), l1("alice@example.com"));
    }

    void idTokenIsSignedWithTheClientsAlgorithm_data()
    {
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<QString>("alg");
        QTest::addColumn<int>("algEnum");
        QTest::newRow("ES256") << l1("rp-es") << l1("ES256") << int(crypto::Alg::ES256);
        QTest::newRow("EdDSA") << l1("rp-ed") << l1("EdDSA") << int(crypto::Alg::EdDSA);
    }

    void idTokenIsSignedWithTheClientsAlgorithm()
    {
        QFETCH(QString, clientId);
        QFETCH(QString, alg);
        QFETCH(int, algEnum);
        const Tokens t = signIn(clientId, l1("openid"));
        QCOMPARE(headerOf(t.idToken()).value(l1("alg")).toString(), alg);
        auto verified = crypto::verifyJws(t.idToken().toLatin1(), jwks());
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        QCOMPARE(verified->value(l1("aud")).toString(), clientId);
        QCOMPARE(verified->value(l1("at_hash")).toString(),
            crypto::halfHashClaim(crypto::Alg(algEnum), t.accessToken().toLatin1()));
    }

    void claimsFollowTheScopes()
    {
        const QJsonObject openidOnly = payloadOf(signIn(l1("rp"), l1("openid")).idToken());
        QVERIFY(!openidOnly.contains(l1("email")));
        QVERIFY(!openidOnly.contains(l1("name")));
        QVERIFY(!openidOnly.contains(l1("preferred_username")));
        QCOMPARE(openidOnly.value(l1("role")).toString(), l1("admin")); // custom claims always

        const QJsonObject email = payloadOf(signIn(l1("rp"), l1("openid email")).idToken());
        QCOMPARE(email.value(l1("email")).toString(), l1("alice@example.com"));
        QCOMPARE(email.value(l1("email_verified")), QJsonValue(true));
        QVERIFY(!email.contains(l1("name")));

        const QJsonObject profile = payloadOf(signIn(l1("rp"), l1("openid profile")).idToken());
        QCOMPARE(profile.value(l1("name")).toString(), l1("Alice Example"));
        QCOMPARE(profile.value(l1("given_name")).toString(), l1("Alice"));
        QCOMPARE(profile.value(l1("preferred_username")).toString(), l1("alice"));
        QVERIFY(profile.value(l1("updated_at")).isDouble());
        QVERIFY(!profile.contains(l1("email")));

        // Without openid there is no ID token at all.
        QVERIFY(!signIn(l1("rp"), l1("profile")).body.contains(l1("id_token")));
    }

    void userinfoAnswersGetAndPost()
    {
        const Tokens t = signIn(l1("rp"), l1("openid email"));
        const Reply viaGet = get(l1("/oauth/userinfo"), t.accessToken().toLatin1());
        QCOMPARE(viaGet.status, 200);
        QCOMPARE(viaGet.json().value(l1("sub")).toString(), m_alice.sub);
        QCOMPARE(viaGet.json().value(l1("email")).toString(), l1("alice@example.com"));
        QVERIFY(!viaGet.json().contains(l1("name")));
        QCOMPARE(viaGet.json().value(l1("role")).toString(), l1("admin"));

        QUrlQuery form;
        form.addQueryItem(l1("access_token"), t.accessToken());
        const Reply viaPost = postForm(l1("/oauth/userinfo"), form);
        QCOMPARE(viaPost.status, 200);
        QCOMPARE(viaPost.json(), viaGet.json());

        const Reply bearerPost = postForm(l1("/oauth/userinfo"), {}, {}, {}, t.accessToken().toLatin1());
        QCOMPARE(bearerPost.status, 200);

        const Reply noToken = get(l1("/oauth/userinfo"));
        QCOMPARE(noToken.status, 401);
        QVERIFY(noToken.header("WWW-Authenticate").startsWith("Bearer"));
        QCOMPARE(get(l1("/oauth/userinfo"), "not-a-token").status, 401);
    }

    void userinfoNeedsTheOpenidScope()
    {
        const Tokens t = signIn(l1("rp"), l1("profile email"));
        const Reply reply = get(l1("/oauth/userinfo"), t.accessToken().toLatin1());
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(l1("error")).toString(), l1("insufficient_scope"));
        QVERIFY(reply.header("WWW-Authenticate").contains("insufficient_scope"));
    }

    void promptNoneWithoutSessionRedirectsWithLoginRequired()
    {
        const Reply reply = authorize(
            l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256), {{l1("prompt"), l1("none")}});
        QCOMPARE(reply.status, 303);
        const QUrl location(QString::fromUtf8(reply.header("Location")));
        QCOMPARE(location.toString(QUrl::RemoveQuery), RedirectUri);
        const QUrlQuery q = reply.locationQuery();
        QCOMPARE(q.queryItemValue(l1("error")), l1("login_required"));
        QCOMPARE(q.queryItemValue(l1("state")), l1("st-1"));
        QCOMPARE(q.queryItemValue(l1("iss"), QUrl::FullyDecoded), m_issuer);
        QVERIFY(!q.hasQueryItem(l1("code")));
    }

    void loginHintFillsTheLoginPage()
    {
        const Reply reply = authorize(l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256),
            {{l1("login_hint"), l1("alice")}, {l1("max_age"), l1("0")}});
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.body.contains("value=\"alice\""));
    }

    void logoutRedirectsOnlyToARegisteredUri()
    {
        const Tokens t = signIn(l1("rp"), l1("openid"));
        QUrlQuery q;
        q.addQueryItem(l1("id_token_hint"), t.idToken());
        q.addQueryItem(l1("post_logout_redirect_uri"), LogoutUri);
        q.addQueryItem(l1("state"), l1("bye 1"));
        const Reply registered = get(l1("/oauth/logout?") + q.toString(QUrl::FullyEncoded));
        QCOMPARE(registered.status, 303);
        const QUrl location(QString::fromUtf8(registered.header("Location")));
        QCOMPARE(location.toString(QUrl::RemoveQuery), LogoutUri);
        QCOMPARE(QUrlQuery(location.query()).queryItemValue(l1("state"), QUrl::FullyDecoded), l1("bye 1"));
        QVERIFY(registered.header("Set-Cookie").contains("Max-Age=0"));

        // With client_id instead of a hint, by POST.
        QUrlQuery form;
        form.addQueryItem(l1("client_id"), l1("rp"));
        form.addQueryItem(l1("post_logout_redirect_uri"), LogoutUri);
        QCOMPARE(postForm(l1("/oauth/logout"), form).status, 303);

        QUrlQuery bad;
        bad.addQueryItem(l1("id_token_hint"), t.idToken());
        bad.addQueryItem(l1("post_logout_redirect_uri"), l1("https://attacker.example/"));
        const Reply unregistered = get(l1("/oauth/logout?") + bad.toString(QUrl::FullyEncoded));
        QCOMPARE(unregistered.status, 400);
        QVERIFY(unregistered.header("Location").isEmpty());
        QVERIFY(unregistered.header("Content-Type").startsWith("text/html"));

        // A redirect URI with nobody to check it against is refused too.
        QUrlQuery anonymous;
        anonymous.addQueryItem(l1("post_logout_redirect_uri"), LogoutUri);
        QCOMPARE(get(l1("/oauth/logout?") + anonymous.toString(QUrl::FullyEncoded)).status, 400);

        // A forged hint is refused.
        QString forged = t.idToken();
        forged[forged.size() - 3]
            = forged.at(forged.size() - 3) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        QUrlQuery forgedQuery;
        forgedQuery.addQueryItem(l1("id_token_hint"), forged);
        QCOMPARE(get(l1("/oauth/logout?") + forgedQuery.toString(QUrl::FullyEncoded)).status, 400);

        const Reply plain = get(l1("/oauth/logout"));
        QCOMPARE(plain.status, 200);
        QVERIFY(plain.body.contains("signed out"));
    }

    void maxAgeAndLogoutEndTheBrowserSession()
    {
        QVERIFY(signInThroughPages());
        const auto silent = [this](const QList<QPair<QString, QString>> &extra) {
            QList<QPair<QString, QString>> params = {{l1("prompt"), l1("none")}};
            params << extra;
            return authorize(l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256), params);
        };
        // The session and the consent are there: prompt=none gets a code at once.
        QVERIFY(silent({}).locationQuery().hasQueryItem(l1("code")));
        // OpenID Connect Core §3.1.2.1: max_age=0 is prompt=login, even within the second of the sign-in.
        QCOMPARE(silent({{l1("max_age"), l1("0")}}).locationQuery().queryItemValue(l1("error")), l1("login_required"));

        // OpenID Connect Core §3.1.2.1: a session older than max_age must sign in again.
        Clock::advance(3000);
        QCOMPARE(silent({{l1("max_age"), l1("1")}}).locationQuery().queryItemValue(l1("error")), l1("login_required"));
        QVERIFY(silent({{l1("max_age"), l1("600")}}).locationQuery().hasQueryItem(l1("code")));
        const Reply forced = authorize(
            l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256), {{l1("max_age"), l1("1")}});
        QCOMPARE(forced.status, 200);
        QVERIFY(forced.body.contains("name=\"step\" value=\"login\""));

        // RP-Initiated Logout ends the session on the server, not only the cookie: even a browser that kept the
        // old cookie is signed out.
        const QList<QNetworkCookie> cookies = m_net.cookieJar()->cookiesForUrl(QUrl(m_issuer));
        QCOMPARE(get(l1("/oauth/logout")).status, 200);
        QCOMPARE(silent({}).locationQuery().queryItemValue(l1("error")), l1("login_required"));
        m_net.cookieJar()->setCookiesFromUrl(cookies, QUrl(m_issuer));
        QCOMPARE(silent({}).locationQuery().queryItemValue(l1("error")), l1("login_required"));
    }

    // The browser's session signs in to rp-interactive without a page; returns the ID token.
    QString silentIdToken(const QList<QPair<QString, QString>> &extra = {})
    {
        const QString verifier = crypto::randomToken(256);
        QList<QPair<QString, QString>> params = {{l1("prompt"), l1("none")}};
        params << extra;
        const Reply redirect = authorize(l1("rp-interactive"), l1("openid"), l1("n"), verifier, params);
        QUrlQuery form;
        form.addQueryItem(l1("grant_type"), l1("authorization_code"));
        form.addQueryItem(l1("code"), redirect.locationQuery().queryItemValue(l1("code")));
        form.addQueryItem(l1("redirect_uri"), RedirectUri);
        form.addQueryItem(l1("code_verifier"), verifier);
        return postForm(l1("/oauth/token"), form, l1("rp-interactive"), l1("secret-rp-interactive"))
            .json()
            .value(l1("id_token"))
            .toString();
    }

    void idTokenHintNamesTheExpectedUser()
    {
        // OpenID Connect Core §3.1.2.1: the client names the End-User it expects; another one signed in is no
        // answer.
        QVERIFY(UserStore(m_db).add(l1("carol"), {}, {}));
        QVERIFY(signInThroughPages(l1("alice")));
        const QString alice = silentIdToken();
        QVERIFY(signInThroughPages(l1("carol")));
        const QString carol = silentIdToken();
        QVERIFY(!alice.isEmpty() && !carol.isEmpty());
        QCOMPARE(payloadOf(carol).value(l1("sub")).toString(), UserStore(m_db).get(l1("carol"))->sub);

        const auto silent = [this](const QString &hint) {
            return authorize(l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256),
                {{l1("prompt"), l1("none")}, {l1("id_token_hint"), hint}});
        };
        // carol is signed in now.
        QVERIFY(silent(carol).locationQuery().hasQueryItem(l1("code")));
        const Reply other = silent(alice);
        QCOMPARE(other.locationQuery().queryItemValue(l1("error")), l1("login_required"));

        // Without prompt=none: the login page, ready for the user the hint names.
        const Reply page = authorize(
            l1("rp-interactive"), l1("openid"), l1("n"), crypto::randomToken(256), {{l1("id_token_hint"), alice}});
        QCOMPARE(page.status, 200);
        QVERIFY2(page.body.contains("name=\"username\" value=\"alice\""), page.body.constData());
        // Signing in as somebody else does not answer this request.
        const Reply wrong = pickUser(page, l1("carol"));
        QCOMPARE(wrong.status, 303);
        QVERIFY(!wrong.locationQuery().hasQueryItem(l1("code")));
        const Reply again = get(QString::fromUtf8(wrong.header("Location")));
        QVERIFY2(again.body.contains("name=\"step\" value=\"login\""), again.body.constData());
        QVERIFY2(again.body.contains("alice"), again.body.constData());

        // A hint issued to another client is refused too.
        const QString forRp = signIn(l1("rp"), l1("openid")).idToken();
        QVERIFY(!forRp.isEmpty());
        QCOMPARE(silent(forRp).locationQuery().queryItemValue(l1("error")), l1("invalid_request"));
        QVERIFY(silent(forRp).locationQuery().queryItemValue(l1("error_description")).contains(l1("another client")));

        // A hint this server did not sign is refused.
        QString forged = alice;
        forged.chop(4);
        forged += l1("AAAA");
        QCOMPARE(silent(forged).locationQuery().queryItemValue(l1("error")), l1("invalid_request"));
    }

    void autoApproveHonoursTheIdTokenHint()
    {
        // An auto-approve client signs in its one user without pages; a hint naming someone else cannot be met.
        QVERIFY(UserStore(m_db).add(l1("dave"), {}, {}));
        Client c = addClient(l1("rp-auto-hint"), l1("RS256"), false);
        c.autoApproveUser = l1("dave");
        QVERIFY(ClientStore(m_db).update(c));
        const QString dave = signIn(l1("rp-auto-hint"), l1("openid")).idToken();
        c.autoApproveUser = l1("alice");
        QVERIFY(ClientStore(m_db).update(c));
        const QString alice = signIn(l1("rp-auto-hint"), l1("openid")).idToken();
        QVERIFY(!dave.isEmpty() && !alice.isEmpty());

        const auto withHint = [this](const QString &hint) {
            return authorize(
                l1("rp-auto-hint"), l1("openid"), l1("n"), crypto::randomToken(256), {{l1("id_token_hint"), hint}});
        };
        QCOMPARE(withHint(dave).locationQuery().queryItemValue(l1("error")), l1("login_required"));
        QVERIFY(withHint(alice).locationQuery().hasQueryItem(l1("code")));
    }

    void jwtAccessTokenIsAcceptedAndRevokedByJti()
    {
        const Tokens t = signIn(l1("rp-jwt"), l1("openid profile"));
        const QString at = t.accessToken();
        QCOMPARE(headerOf(at).value(l1("typ")).toString(), l1("at+jwt"));
        auto verified = crypto::verifyJws(at.toLatin1(), jwks());
        QVERIFY2(verified, verified ? "" : qPrintable(verified.error().message));
        const QJsonObject c = *verified;
        QCOMPARE(c.value(l1("iss")).toString(), m_issuer);
        QCOMPARE(c.value(l1("sub")).toString(), m_alice.sub);
        QCOMPARE(c.value(l1("aud")).toString(), m_issuer + l1("/api"));
        QCOMPARE(c.value(l1("client_id")).toString(), l1("rp-jwt"));
        QCOMPARE(c.value(l1("scope")).toString(), l1("openid profile"));
        QVERIFY(c.value(l1("auth_time")).isDouble());
        QVERIFY(c.value(l1("exp")).toDouble() > c.value(l1("iat")).toDouble());
        const QString jti = c.value(l1("jti")).toString();
        QVERIFY(!jti.isEmpty());

        QCOMPARE(get(l1("/api/me"), at.toLatin1()).status, 200);
        QCOMPARE(get(l1("/oauth/userinfo"), at.toLatin1()).status, 200);
        QUrlQuery introspect;
        introspect.addQueryItem(l1("token"), at);
        const Reply active = postForm(l1("/oauth/introspect"), introspect, l1("rp-jwt"), l1("secret-rp-jwt"));
        QCOMPARE(active.json().value(l1("active")), QJsonValue(true));
        QCOMPARE(active.json().value(l1("jti")).toString(), jti);

        // An ID token is not an access token (RFC 9068 §4: typ must be at+jwt).
        QCOMPARE(get(l1("/api/me"), t.idToken().toLatin1()).status, 401);
        // A tampered token is refused.
        QString tampered = at;
        tampered[tampered.size() - 3]
            = tampered.at(tampered.size() - 3) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        QCOMPARE(get(l1("/api/me"), tampered.toLatin1()).status, 401);

        const Reply revoked = postForm(l1("/oauth/revoke"), introspect, l1("rp-jwt"), l1("secret-rp-jwt"));
        QCOMPARE(revoked.status, 200);
        QCOMPARE(get(l1("/api/me"), at.toLatin1()).status, 401);
        const Reply inactive = postForm(l1("/oauth/introspect"), introspect, l1("rp-jwt"), l1("secret-rp-jwt"));
        QCOMPARE(inactive.json().value(l1("active")), QJsonValue(false));
    }

    void refreshKeepsTheOriginalAuthTime()
    {
        const Tokens first = signIn(l1("rp"), l1("openid offline_access"));
        const QJsonObject original = payloadOf(first.idToken());
        QVERIFY(!first.refreshToken().isEmpty());
        Clock::advance(5000);
        QUrlQuery form;
        form.addQueryItem(l1("grant_type"), l1("refresh_token"));
        form.addQueryItem(l1("refresh_token"), first.refreshToken());
        const Reply reply = postForm(l1("/oauth/token"), form, l1("rp"), l1("secret-rp"));
        QCOMPARE(reply.status, 200);
        const QString idToken = reply.json().value(l1("id_token")).toString();
        QVERIFY(!idToken.isEmpty());
        auto refreshed = crypto::verifyJws(idToken.toLatin1(), jwks());
        QVERIFY(refreshed);
        QCOMPARE(refreshed->value(l1("sub")), original.value(l1("sub")));
        QCOMPARE(refreshed->value(l1("aud")), original.value(l1("aud")));
        QCOMPARE(refreshed->value(l1("auth_time")), original.value(l1("auth_time")));
        QVERIFY(refreshed->value(l1("iat")).toDouble() >= original.value(l1("iat")).toDouble() + 4);
        QVERIFY(!refreshed->contains(l1("nonce")));
        QCOMPARE(refreshed->value(l1("at_hash")).toString(),
            crypto::halfHashClaim(crypto::Alg::RS256, reply.json().value(l1("access_token")).toString().toLatin1()));
    }

    // Last: it moves the clock past the retention window.
    void rotationKeepsTheOldKeyUntilItsTokensExpire()
    {
        const Tokens before = signIn(l1("rp-jwt"), l1("openid"));
        const QString oldKid = headerOf(before.idToken()).value(l1("kid")).toString();
        QVERIFY(kids().contains(oldKid));

        auto fresh = KeyStore(m_db).rotate();
        QVERIFY2(fresh, fresh ? "" : qPrintable(fresh.error().message));
        QCOMPARE(fresh->size(), 3); // one per algorithm in use
        QStringList published = kids();
        QVERIFY(published.contains(oldKid));
        for (const KeyRecord &k : *fresh)
            QVERIFY(published.contains(k.kid));

        const Tokens after = signIn(l1("rp"), l1("openid"));
        const QString newKid = headerOf(after.idToken()).value(l1("kid")).toString();
        QVERIFY(newKid != oldKid);
        QVERIFY(crypto::verifyJws(before.idToken().toLatin1(), jwks()));
        QCOMPARE(get(l1("/api/me"), before.accessToken().toLatin1()).status, 200);

        // Once every token the old key signed has expired, the key leaves the JWK Set.
        Clock::advance(qint64(oauth::OidcProvider::IdTokenLifetimeSecs + Lifetimes{}.accessSecs + 60) * 1000);
        published = kids();
        QVERIFY(!published.contains(oldKid));
        QVERIFY(published.contains(newKid));
    }
};

QTEST_GUILESS_MAIN(TestOidc)
#include "TestOidc.moc"
