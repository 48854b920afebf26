#include "oauth/AuthorizeEndpoint.h"

#include "crypto/Random.h"
#include "oauth/OAuthError.h"
#include "oauth/Pages.h"
#include "oauth/Scopes.h"
#include "util/Clock.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace oauthdesk::oauth {

namespace {

constexpr int PendingLifetimeMs = 15 * 60 * 1000;
constexpr int MaxPending = 2000;

} // namespace

AuthorizeEndpoint::AuthorizeEndpoint(Context &context)
    : m_context(context)
{ }

QStringList AuthorizeEndpoint::knownScopes() const
{
    QStringList scopes = {
        QStringLiteral("openid"), QStringLiteral("profile"), QStringLiteral("email"), QStringLiteral("offline_access")};
    if (auto clients = m_context.clients.list())
        for (const Client &c : *clients)
            scopes.append(c.scopes);
    scopes.removeDuplicates();
    return scopes;
}

Response AuthorizeEndpoint::errorPage(
    int status, const QString &title, const QString &detail, const QString &note) const
{
    return Response::html(status,
        Pages::render(QStringLiteral("error"),
            {{QStringLiteral("title"), title}, {QStringLiteral("detail"), detail}, {QStringLiteral("note"), note}}));
}

QStringList AuthorizeEndpoint::responseModes()
{
    return {QStringLiteral("query"), QStringLiteral("fragment"), QStringLiteral("form_post")};
}

QString AuthorizeEndpoint::withParams(const QString &uri, const QList<QPair<QString, QString>> &params, bool asFragment)
{
    QString out = uri;
    bool first = asFragment || !uri.contains(QLatin1Char('?'));
    for (const auto &[key, value] : params) {
        out += !first ? QLatin1Char('&') : asFragment ? QLatin1Char('#') : QLatin1Char('?');
        first = false;
        out += QString::fromLatin1(FormParams::encodeComponent(key)) + QLatin1Char('=')
            + QString::fromLatin1(FormParams::encodeComponent(value));
    }
    return out;
}

Response AuthorizeEndpoint::answer(const PendingAuthorization &p, const QList<QPair<QString, QString>> &params) const
{
    // RFC 9207: every answer names the issuer, so the client can tell which server answered.
    QList<QPair<QString, QString>> all = params;
    if (!p.state.isEmpty())
        all.append({QStringLiteral("state"), p.state});
    all.append({QStringLiteral("iss"), m_context.issuer});
    Response r;
    if (p.responseMode == QLatin1String("form_post")) {
        // OAuth 2.0 Form Post Response Mode: a form the browser posts to the redirect URI, by itself when scripts
        // run, with a button when they don't.
        static const QString submit = QStringLiteral("document.forms[0].submit();");
        static const QByteArray scriptHash = "'sha256-" + crypto::sha256(submit.toUtf8()).toBase64() + "'";
        QString fields;
        for (const auto &[key, value] : std::as_const(all))
            fields += QStringLiteral("  <input type=\"hidden\" name=\"%1\" value=\"%2\">\n")
                          .arg(Pages::escape(key), Pages::escape(value));
        r = Response::html(200,
            Pages::render(QStringLiteral("form_post"),
                {{QStringLiteral("title"), QStringLiteral("Back to %1").arg(p.client.name)},
                    {QStringLiteral("client_name"), p.client.name}, {QStringLiteral("redirect_uri"), p.redirectUri},
                    {QStringLiteral("fields"), fields}, {QStringLiteral("script"), submit}}));
        r.replaceHeader("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; script-src " + scriptHash
                + "; frame-ancestors 'none'; base-uri 'none'");
    } else if (p.responseMode == QLatin1String("fragment")) {
        // RFC 6749 §3.1.2: a registered redirect URI has no fragment of its own.
        r = Response::redirect(withParams(p.redirectUri, all, true), 303);
    } else {
        r = Response::redirect(withParams(p.redirectUri, all), 303);
    }
    r.clientId = p.client.clientId;
    return r;
}

Response AuthorizeEndpoint::redirectError(
    const PendingAuthorization &p, const QString &error, const QString &description) const
{
    // RFC 6749 §4.1.2.1.
    return answer(p,
        {{QStringLiteral("error"), error},
            {QStringLiteral("error_description"), OAuthError::safeDescription(description)}});
}

Response AuthorizeEndpoint::redirectWithCode(const PendingAuthorization &p)
{
    const qint64 now = Clock::nowMs();
    TokenRecord code;
    code.kind = TokenKind::AuthorizationCode;
    code.clientId = p.client.clientId;
    code.username = p.username;
    code.redirectUri = p.redirectUriParam;
    code.scope = p.scope;
    code.codeChallenge = p.codeChallenge;
    code.codeChallengeMethod = p.codeChallengeMethod;
    code.nonce = p.nonce;
    code.authTime = p.authTime;
    code.issuedAt = now;
    code.expiresAt = now + qint64(m_context.codeTtl(p.client)) * 1000;
    auto value = m_context.tokens.issue(code);
    if (!value)
        return redirectError(p, QStringLiteral("server_error"), value.error().message);
    return answer(p, {{QStringLiteral("code"), *value}});
}

bool AuthorizeEndpoint::isHintedUser(const PendingAuthorization &p, const QString &username) const
{
    if (p.hintSubject.isEmpty())
        return true;
    const auto user = m_context.users.find(username);
    return user && user->sub == p.hintSubject;
}

std::optional<AuthorizeEndpoint::Session> AuthorizeEndpoint::sessionOf(const Request &request) const
{
    const QString sid = request.cookie(sessionCookieName());
    if (sid.isEmpty())
        return std::nullopt;
    auto it = m_sessions.constFind(sid);
    if (it == m_sessions.constEnd() || !m_context.users.find(it->username))
        return std::nullopt;
    return *it;
}

bool AuthorizeEndpoint::endSession(const Request &request)
{
    const QString sid = request.cookie(sessionCookieName());
    return !sid.isEmpty() && m_sessions.remove(sid) > 0;
}

bool AuthorizeEndpoint::hasConsent(const QString &clientId, const QString &username, const QString &scope) const
{
    auto q = prepare(
        m_context.db->connection(), QStringLiteral("SELECT scope FROM consents WHERE client_id=? AND username=?"));
    if (!q)
        return false;
    q->addBindValue(clientId);
    q->addBindValue(username);
    if (!q->exec() || !q->next())
        return false;
    return Scopes::isSubset(Scopes::split(scope), Scopes::split(q->value(0).toString()));
}

void AuthorizeEndpoint::storeConsent(const QString &clientId, const QString &username, const QString &scope)
{
    m_context.db->write([&]() -> Status {
        auto q = prepare(m_context.db->connection(),
            QStringLiteral(
                "INSERT INTO consents (client_id, username, scope, granted_at) VALUES (?,?,COALESCE(?, ''),?) "
                "ON CONFLICT(client_id, username) DO UPDATE SET scope=excluded.scope, "
                "granted_at=excluded.granted_at"));
        if (!q)
            return fail(q.error());
        q->addBindValue(clientId);
        q->addBindValue(username);
        q->addBindValue(scope);
        q->addBindValue(Clock::nowMs());
        return execQuery(*q);
    });
}

void AuthorizeEndpoint::expireOld()
{
    const qint64 now = Clock::nowMs();
    for (auto it = m_pending.begin(); it != m_pending.end();)
        it = now - it->createdAt > PendingLifetimeMs ? m_pending.erase(it) : std::next(it);
    while (m_pending.size() > MaxPending)
        m_pending.erase(m_pending.begin());
}

Response AuthorizeEndpoint::handle(const Request &request)
{
    // Until client and redirect URI are known to be good, errors are shown here, never redirected (§4.1.2.1).
    const auto untrusted = [this](const QString &title, const QString &detail) {
        return errorPage(400, title, detail,
            QStringLiteral("This page is shown instead of a redirect because the request could not be trusted to go "
                           "back to the application (RFC 6749 §4.1.2.1). Check the client settings in the "
                           "OAuthDesk window."));
    };
    const FormParams &params = request.method == "POST" ? request.form : request.query;
    if (request.method == "POST" && !request.isFormEncoded())
        return untrusted(QStringLiteral("Invalid request"),
            QStringLiteral("A POST authorization request must be application/x-www-form-urlencoded."));

    const QString clientId = params.value(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return untrusted(QStringLiteral("Missing client_id"),
            QStringLiteral("The authorization request has no client_id parameter."));
    if (params.count(QStringLiteral("client_id")) > 1 || params.count(QStringLiteral("redirect_uri")) > 1)
        return untrusted(
            QStringLiteral("Invalid request"), QStringLiteral("client_id or redirect_uri is repeated in the request."));
    const auto client = m_context.clients.find(clientId);
    if (!client)
        return untrusted(QStringLiteral("Unknown client"),
            QStringLiteral("No client is registered with the id '%1'.").arg(clientId));
    if (!client->active)
        return untrusted(QStringLiteral("Client disabled"),
            QStringLiteral("The client '%1' is disabled in OAuthDesk.").arg(client->name));

    PendingAuthorization p;
    p.client = *client;
    p.redirectUriParam = params.value(QStringLiteral("redirect_uri"));
    if (p.redirectUriParam.isEmpty()) {
        // RFC 6749 §3.1.2.3: it may be left out only when exactly one is registered.
        if (client->redirectUris.size() != 1)
            return untrusted(QStringLiteral("Missing redirect_uri"),
                QStringLiteral("The client '%1' has %2 registered redirect URIs, so the request must name one.")
                    .arg(client->name)
                    .arg(client->redirectUris.size()));
        p.redirectUri = client->redirectUris.first();
    } else {
        // RFC 9700 §2.1: exact string matching, nothing else.
        if (!client->redirectUris.contains(p.redirectUriParam))
            return untrusted(QStringLiteral("Unregistered redirect_uri"),
                QStringLiteral("'%1' is not a registered redirect URI of the client '%2'. Registered: %3")
                    .arg(p.redirectUriParam, client->name, client->redirectUris.join(QStringLiteral(", "))));
        p.redirectUri = p.redirectUriParam;
    }
    p.state = params.value(QStringLiteral("state"));
    // OAuth 2.0 Multiple Response Type Encoding Practices §2.1; the default for response_type=code is query.
    p.responseMode = params.value(QStringLiteral("response_mode"));
    if (p.responseMode.isEmpty())
        p.responseMode = QStringLiteral("query");
    if (!responseModes().contains(p.responseMode)) {
        const QString asked = std::exchange(p.responseMode, QStringLiteral("query"));
        return redirectError(p, QStringLiteral("invalid_request"),
            QStringLiteral("response_mode '%1' is not supported; use query, fragment or form_post").arg(asked));
    }

    // From here on, errors go back to the client.
    if (const QString repeated = params.firstRepeated(); !repeated.isEmpty())
        return redirectError(
            p, QStringLiteral("invalid_request"), QStringLiteral("parameter '%1' is repeated").arg(repeated));
    const QString responseType = params.value(QStringLiteral("response_type"));
    if (responseType.isEmpty())
        return redirectError(p, QStringLiteral("invalid_request"), QStringLiteral("response_type is missing"));
    if (responseType != QLatin1String("code"))
        return redirectError(
            p, QStringLiteral("unsupported_response_type"), QStringLiteral("only response_type=code is supported"));
    if (!client->allowsGrant(grant::AuthorizationCode))
        return redirectError(p, QStringLiteral("unauthorized_client"),
            QStringLiteral("this client may not use the authorization code grant"));
    // RFC 6749 §3.1: parameters sent without a value are treated as omitted (here and for max_age below).
    const bool hasRequest = !params.value(QStringLiteral("request")).isEmpty();
    if (hasRequest || !params.value(QStringLiteral("request_uri")).isEmpty())
        return redirectError(p,
            hasRequest ? QStringLiteral("request_not_supported") : QStringLiteral("request_uri_not_supported"),
            QStringLiteral("request objects are not supported"));

    QStringList scopes = Scopes::split(params.value(QStringLiteral("scope")));
    if (auto bad = Scopes::firstNotAllowed(*client, scopes))
        return redirectError(
            p, QStringLiteral("invalid_scope"), QStringLiteral("scope '%1' is not allowed for this client").arg(*bad));
    if (scopes.isEmpty())
        scopes = client->scopes;
    p.scope = Scopes::join(scopes);

    // RFC 7636 §4.3 and §4.4.1.
    p.codeChallenge = params.value(QStringLiteral("code_challenge"));
    p.codeChallengeMethod = params.value(QStringLiteral("code_challenge_method"));
    if (!p.codeChallenge.isEmpty()) {
        if (p.codeChallengeMethod.isEmpty())
            p.codeChallengeMethod = QStringLiteral("plain");
        if (p.codeChallengeMethod != QLatin1String("S256") && p.codeChallengeMethod != QLatin1String("plain"))
            return redirectError(
                p, QStringLiteral("invalid_request"), QStringLiteral("code_challenge_method must be S256 or plain"));
        if (p.codeChallengeMethod == QLatin1String("plain") && !client->pkceAllowPlain)
            return redirectError(p, QStringLiteral("invalid_request"),
                QStringLiteral("this client must use code_challenge_method=S256"));
        static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9\\-._~]{43,128}$"));
        if (!shape.match(p.codeChallenge).hasMatch())
            return redirectError(p, QStringLiteral("invalid_request"),
                QStringLiteral("code_challenge must be 43 to 128 unreserved characters"));
    } else if (!p.codeChallengeMethod.isEmpty()) {
        return redirectError(p, QStringLiteral("invalid_request"),
            QStringLiteral("code_challenge_method was sent without code_challenge"));
    } else if (client->requiresPkce()) {
        return redirectError(p, QStringLiteral("invalid_request"),
            client->isPublic ? QStringLiteral("PKCE (code_challenge) is required for public clients")
                             : QStringLiteral("PKCE (code_challenge) is required for this client"));
    }

    // OpenID Connect Core §3.1.2.1.
    p.nonce = params.value(QStringLiteral("nonce"));
    p.loginHint = params.value(QStringLiteral("login_hint"));
    p.prompt = Scopes::split(params.value(QStringLiteral("prompt")));
    if (p.prompt.contains(QStringLiteral("none")) && p.prompt.size() > 1)
        return redirectError(p, QStringLiteral("invalid_request"), QStringLiteral("prompt=none cannot be combined"));
    if (!params.value(QStringLiteral("max_age")).isEmpty()) {
        bool ok = false;
        const qint64 maxAge = params.value(QStringLiteral("max_age")).toLongLong(&ok);
        if (!ok || maxAge < 0)
            return redirectError(
                p, QStringLiteral("invalid_request"), QStringLiteral("max_age must be a whole number"));
        p.maxAge = maxAge;
    }
    // §3.1.2.1 id_token_hint: an ID token this server issued to this client, naming the End-User it expects.
    if (const QString hint = params.value(QStringLiteral("id_token_hint")); !hint.isEmpty()) {
        if (!m_context.verifyIdTokenHint)
            return redirectError(
                p, QStringLiteral("invalid_request"), QStringLiteral("this server issues no ID tokens"));
        const auto claims = m_context.verifyIdTokenHint(hint, clientId);
        if (!claims)
            return redirectError(p, QStringLiteral("invalid_request"), claims.error().message);
        p.hintSubject = claims->value(QStringLiteral("sub")).toString();
        const auto hinted = m_context.users.findBySub(p.hintSubject);
        if (!hinted)
            return redirectError(p, QStringLiteral("login_required"),
                QStringLiteral("no test user has the subject the id_token_hint names"));
        if (p.loginHint.isEmpty())
            p.loginHint = hinted->username;
    }
    p.createdAt = Clock::nowMs();

    // The Meteor package's behaviour for automated tests: a client with an auto-approve user skips both pages.
    if (!client->autoApproveUser.isEmpty()) {
        if (!m_context.users.find(client->autoApproveUser))
            return redirectError(p, QStringLiteral("server_error"),
                QStringLiteral("the auto-approve user '%1' does not exist").arg(client->autoApproveUser));
        if (!isHintedUser(p, client->autoApproveUser))
            return redirectError(p, QStringLiteral("login_required"),
                QStringLiteral("the id_token_hint names another user than the auto-approve user '%1'")
                    .arg(client->autoApproveUser));
        p.username = client->autoApproveUser;
        p.authTime = Clock::nowSecs();
        return redirectWithCode(p);
    }
    return continueFlow(p, request, false);
}

Response AuthorizeEndpoint::continueFlow(PendingAuthorization &p, const Request &request, bool justSignedIn)
{
    const qint64 nowSecs = Clock::nowSecs();
    if (!justSignedIn) {
        const auto session = sessionOf(request);
        // OpenID Connect Core §3.1.2.1: older than max_age means sign in again, and max_age=0 is prompt=login
        // (auth_time has whole seconds, so "older than 0" would let a sign-in of this very second through).
        const bool tooOld = session && p.maxAge && (*p.maxAge == 0 || nowSecs - session->authTime > *p.maxAge);
        // §3.1.2.1: a session of another End-User than the id_token_hint names does not answer the request.
        const bool otherUser = session && !isHintedUser(p, session->username);
        const bool mustLogin = p.prompt.contains(QStringLiteral("login")) || !session || tooOld || otherUser;
        if (mustLogin) {
            if (p.prompt.contains(QStringLiteral("none")))
                return redirectError(p, QStringLiteral("login_required"),
                    otherUser ? QStringLiteral("the signed-in user is not the one the id_token_hint names")
                              : QStringLiteral("the user is not signed in"));
            expireOld();
            p.id = crypto::randomToken(128);
            p.csrf = crypto::randomToken(128);
            m_pending.insert(p.id, p);
            return loginPage(p);
        }
        p.username = session->username;
        p.authTime = session->authTime;
    } else if (!isHintedUser(p, p.username)) {
        const auto hinted = m_context.users.findBySub(p.hintSubject);
        p.error = QStringLiteral("%1 asked for the user '%2'. Sign in as that user.")
                      .arg(p.client.name, hinted ? hinted->username : p.hintSubject);
        p.loginHint = hinted ? hinted->username : QString();
        p.username.clear();
        m_pending.insert(p.id, p);
        return loginPage(p, p.error);
    }
    const bool consented = hasConsent(p.client.clientId, p.username, p.scope);
    if (!consented || p.prompt.contains(QStringLiteral("consent"))) {
        if (p.prompt.contains(QStringLiteral("none")))
            return redirectError(
                p, QStringLiteral("consent_required"), QStringLiteral("the user has not consented yet"));
        expireOld();
        if (p.id.isEmpty()) {
            p.id = crypto::randomToken(128);
            p.csrf = crypto::randomToken(128);
        }
        m_pending.insert(p.id, p);
        return consentPage(p);
    }
    m_pending.remove(p.id);
    return redirectWithCode(p);
}

Response AuthorizeEndpoint::interaction(const Request &request)
{
    if (!request.isFormEncoded())
        return errorPage(400, QStringLiteral("Invalid request"), QStringLiteral("The form was not sent as a form."));
    const QString id = request.form.value(QStringLiteral("tx"));
    auto it = m_pending.find(id);
    if (id.isEmpty() || it == m_pending.end() || Clock::nowMs() - it->createdAt > PendingLifetimeMs)
        return errorPage(400, QStringLiteral("This sign-in has expired"),
            QStringLiteral("Go back to the application and start the sign-in again."));
    PendingAuthorization &p = *it;
    // CSRF: the form's token must be the one this pending request was shown with, and the browser's cookie too.
    const QString csrf = request.form.value(QStringLiteral("csrf"));
    if (csrf.isEmpty() || !crypto::constantTimeEquals(csrf.toLatin1(), p.csrf.toLatin1())
        || request.cookie(QStringLiteral("oauthdesk_csrf")) != p.csrf)
        return errorPage(403, QStringLiteral("Request refused"),
            QStringLiteral("The form's security token did not match. Reload the application and try again."));

    const QString step = request.form.value(QStringLiteral("step"));
    // Every POST here answers with a 303, so reloading a page never resubmits a form.
    const QString pageUrl = QStringLiteral("/oauth/authorize/interaction?tx=") + p.id;
    if (step == QLatin1String("login")) {
        QString username = request.form.value(QStringLiteral("pick"));
        if (username.isEmpty())
            username = request.form.value(QStringLiteral("username")).trimmed();
        const QString password = request.form.value(QStringLiteral("password"));
        const auto user = m_context.users.find(username);
        if (username.isEmpty() || !user) {
            p.error = username.isEmpty() ? QStringLiteral("Choose a test user or type a username.")
                                         : QStringLiteral("There is no test user named '%1'.").arg(username);
            p.loginHint.clear(); // an empty field with the focus in it, ready for the right name
            return Response::redirect(pageUrl, 303);
        }
        if (user->hasPassword() && !m_context.users.checkPassword(username, password).value_or(false)) {
            p.error = password.isEmpty()
                ? QStringLiteral("'%1' has a password: type it below, then sign in.").arg(username)
                : QStringLiteral("Wrong password for '%1'.").arg(username);
            p.loginHint = username; // keep the name in the field, so only the password needs typing
            return Response::redirect(pageUrl, 303);
        }
        p.error.clear();
        p.username = username;
        p.authTime = Clock::nowSecs();
        const QString sid = crypto::randomToken(256);
        m_sessions.insert(sid, Session{username, p.authTime});
        PendingAuthorization copy = p; // continueFlow() may drop `p` from m_pending
        Response r = continueFlow(copy, request, true);
        // Still pending: the consent page, then, fetched with GET. Otherwise r is the answer to the client, which
        // in form_post mode is a 200 page too.
        if (r.status == 200 && m_pending.contains(id))
            r = Response::redirect(pageUrl, 303);
        r.withCookie(sessionCookieName(), sid, QStringLiteral("/"), QStringLiteral("Lax"), m_context.secureCookies());
        return r;
    }
    if (step == QLatin1String("consent")) {
        if (p.username.isEmpty())
            return loginPage(p);
        PendingAuthorization done = p;
        m_pending.erase(it);
        if (request.form.value(QStringLiteral("decision")) != QLatin1String("allow"))
            return redirectError(done, QStringLiteral("access_denied"), QStringLiteral("the user denied the request"));
        storeConsent(done.client.clientId, done.username, done.scope);
        return redirectWithCode(done);
    }
    return errorPage(400, QStringLiteral("Invalid request"), QStringLiteral("Unknown step '%1'.").arg(step));
}

Response AuthorizeEndpoint::showPending(const Request &request) const
{
    const auto it = m_pending.constFind(request.query.value(QStringLiteral("tx")));
    if (it == m_pending.constEnd() || Clock::nowMs() - it->createdAt > PendingLifetimeMs)
        return errorPage(400, QStringLiteral("This sign-in has expired"),
            QStringLiteral("Go back to the application and start the sign-in again."));
    return it->username.isEmpty() ? loginPage(*it, it->error) : consentPage(*it);
}

Response AuthorizeEndpoint::loginPage(const PendingAuthorization &p, const QString &error) const
{
    const QString users = Pages::userChoices(m_context.users.list().value_or(QList<User>()));
    Response r = Response::html(200,
        Pages::render(QStringLiteral("login"),
            {{QStringLiteral("client_name"), p.client.name}, {QStringLiteral("tx"), p.id},
                {QStringLiteral("csrf"), p.csrf}, {QStringLiteral("login_hint"), p.loginHint},
                // A known name (login_hint, or a failed try) leaves only the password to type.
                {QStringLiteral("focus_username"), p.loginHint.isEmpty() ? QStringLiteral("autofocus") : QString()},
                {QStringLiteral("focus_password"), p.loginHint.isEmpty() ? QString() : QStringLiteral("autofocus")},
                {QStringLiteral("error"), error},
                {QStringLiteral("error_class"), error.isEmpty() ? QStringLiteral("hidden") : QStringLiteral("error")},
                {QStringLiteral("users"), users}, {QStringLiteral("title"), QStringLiteral("Sign in")}}));
    r.withCookie(QStringLiteral("oauthdesk_csrf"), p.csrf, QStringLiteral("/"), QStringLiteral("Strict"),
        m_context.secureCookies());
    r.clientId = p.client.clientId;
    return r;
}

Response AuthorizeEndpoint::consentPage(const PendingAuthorization &p) const
{
    const QString scopes = Pages::scopeItems(p.scope);
    Response r = Response::html(200,
        Pages::render(QStringLiteral("consent"),
            {{QStringLiteral("client_name"), p.client.name}, {QStringLiteral("client_id"), p.client.clientId},
                {QStringLiteral("username"), p.username}, {QStringLiteral("redirect_uri"), p.redirectUri},
                {QStringLiteral("tx"), p.id}, {QStringLiteral("csrf"), p.csrf}, {QStringLiteral("scopes"), scopes},
                {QStringLiteral("title"), QStringLiteral("Allow access?")}}));
    r.withCookie(QStringLiteral("oauthdesk_csrf"), p.csrf, QStringLiteral("/"), QStringLiteral("Strict"),
        m_context.secureCookies());
    r.clientId = p.client.clientId;
    return r;
}

Response AuthorizeEndpoint::homePage() const
{
    return Response::html(200,
        Pages::render(QStringLiteral("home"),
            {{QStringLiteral("issuer"), m_context.issuer}, {QStringLiteral("title"), QStringLiteral("OAuthDesk")}}));
}

} // namespace oauthdesk::oauth
