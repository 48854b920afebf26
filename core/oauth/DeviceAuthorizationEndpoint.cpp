#include "oauth/DeviceAuthorizationEndpoint.h"

#include "crypto/Random.h"
#include "oauth/Pages.h"
#include "oauth/Scopes.h"
#include "oauth/TokenEndpoint.h"
#include "storage/DeviceStore.h"
#include "util/Clock.h"

namespace oauthdesk::oauth {

namespace {

constexpr qint64 TransactionLifetimeMs = 30 * 60 * 1000;
constexpr int MaxTransactions = 2000;
// RFC 8628 §5.1: at most this many wrong user codes per address and window. A code has 20^8 values, so guessing
// one at this pace takes longer than any code lives; a person who mistypes a few times never notices.
constexpr int MaxWrongCodes = 10;
constexpr qint64 GuessWindowMs = 60 * 1000;

bool sameSecret(const QString &a, const QString &b)
{
    return !a.isEmpty() && crypto::constantTimeEquals(a.toLatin1(), b.toLatin1());
}

QString urlWith(const QString &name, const QString &value)
{
    return QStringLiteral("/device?") + name + QLatin1Char('=')
        + QString::fromLatin1(FormParams::encodeComponent(value));
}

} // namespace

DeviceAuthorizationEndpoint::DeviceAuthorizationEndpoint(Context &context)
    : m_context(context)
    , m_authenticator(context)
{ }

Response DeviceAuthorizationEndpoint::handle(const Request &request)
{
    if (auto error = checkFormPost(request))
        return error->toResponse();
    // RFC 8628 §3.1: the client authenticates as at the token endpoint; a public client sends client_id.
    auto client = m_authenticator.authenticate(request, true);
    if (!client)
        return client.error().toResponse();
    Response response;
    if (!client->allowsGrant(grant::DeviceCode)) {
        // RFC 8628 §3.2 refers to RFC 6749 §5.2: a client not allowed to use this grant.
        response = OAuthError::unauthorizedClient(
            QStringLiteral("client '%1' may not use the device authorization grant").arg(client->clientId))
                       .toResponse();
    } else {
        // RFC 8628 §3.1: scope as in RFC 6749 §3.3.
        const auto scope = Scopes::forTokenRequest(*client, request.form.value(QStringLiteral("scope")));
        if (!scope) {
            response = scope.error().toResponse();
        } else {
            DeviceStore store(m_context.db);
            auto created
                = store.create(client->clientId, *scope, m_context.config.lifetimes.deviceCodeSecs, PollIntervalSecs);
            if (!created) {
                response = OAuthError::serverError(created.error().message).toResponse();
            } else {
                // RFC 8628 §3.2.
                const QString complete = verificationUri() + QStringLiteral("?user_code=")
                    + QString::fromLatin1(FormParams::encodeComponent(created->userCode));
                response = Response::json(200,
                    {{QStringLiteral("device_code"), created->deviceCode},
                        {QStringLiteral("user_code"), created->userCode},
                        {QStringLiteral("verification_uri"), verificationUri()},
                        {QStringLiteral("verification_uri_complete"), complete},
                        {QStringLiteral("expires_in"), m_context.config.lifetimes.deviceCodeSecs},
                        {QStringLiteral("interval"), PollIntervalSecs}})
                               .noStore();
            }
        }
    }
    response.clientId = client->clientId;
    return response;
}

DeviceVerificationEndpoint::DeviceVerificationEndpoint(Context &context)
    : m_context(context)
{ }

Response DeviceVerificationEndpoint::errorPage(int status, const QString &title, const QString &detail) const
{
    return Response::html(status,
        Pages::render(QStringLiteral("error"), {{QStringLiteral("title"), title}, {QStringLiteral("detail"), detail}}));
}

Response DeviceVerificationEndpoint::withCsrfCookie(Response response, const QString &csrf) const
{
    response.withCookie(
        csrfCookieName(), csrf, QStringLiteral("/device"), QStringLiteral("Strict"), m_context.secureCookies());
    return response;
}

void DeviceVerificationEndpoint::expireOld()
{
    const qint64 now = Clock::nowMs();
    for (auto it = m_transactions.begin(); it != m_transactions.end();)
        it = now - it->createdAt > TransactionLifetimeMs ? m_transactions.erase(it) : std::next(it);
    while (m_transactions.size() > MaxTransactions)
        m_transactions.erase(m_transactions.begin());
    for (auto it = m_guesses.begin(); it != m_guesses.end();)
        it = now - it->since > GuessWindowMs ? m_guesses.erase(it) : std::next(it);
}

Response DeviceVerificationEndpoint::handle(const Request &request)
{
    return request.method == "POST" ? submit(request) : show(request);
}

Response DeviceVerificationEndpoint::codePage(const QString &userCode, const QString &error, const QString &csrf) const
{
    return withCsrfCookie(
        Response::html(200,
            Pages::render(QStringLiteral("device"),
                {{QStringLiteral("title"), QStringLiteral("Connect a device")}, {QStringLiteral("user_code"), userCode},
                    {QStringLiteral("csrf"), csrf}, {QStringLiteral("error"), error},
                    {QStringLiteral("error_class"),
                        error.isEmpty() ? QStringLiteral("hidden") : QStringLiteral("error")}})),
        csrf);
}

Response DeviceVerificationEndpoint::show(const Request &request)
{
    const QString tx = request.query.value(QStringLiteral("tx"));
    if (!tx.isEmpty()) {
        const auto it = m_transactions.constFind(tx);
        if (it == m_transactions.constEnd() || Clock::nowMs() - it->createdAt > TransactionLifetimeMs)
            return errorPage(400, QStringLiteral("This page has expired"),
                QStringLiteral("Open the address shown on your device again and enter its code."));
        return transactionPage(*it);
    }
    // Only known reasons are shown, so the query string cannot put arbitrary text on the page.
    static const QHash<QString, QString> reasons = {
        {QStringLiteral("unknown"), QStringLiteral("That code is not valid. Check the code on your device.")},
        {QStringLiteral("expired"), QStringLiteral("That code has expired. Start again on your device.")},
        {QStringLiteral("decided"), QStringLiteral("That code was already used.")},
        {QStringLiteral("csrf"), QStringLiteral("The form had expired. Please enter the code again.")},
    };
    return codePage(DeviceStore::normalizeUserCode(request.query.value(QStringLiteral("user_code"))),
        reasons.value(request.query.value(QStringLiteral("error"))), crypto::randomToken(128));
}

Response DeviceVerificationEndpoint::transactionPage(const Transaction &t) const
{
    const auto device = DeviceStore(m_context.db).findByUserCode(t.userCode);
    if (!device)
        return errorPage(400, QStringLiteral("Unknown code"), QStringLiteral("This device request no longer exists."));
    if (!t.outcome.isEmpty()) {
        const bool approved = t.outcome == DeviceStore::Approved;
        const QString heading = approved       ? QStringLiteral("Device connected")
            : t.outcome == DeviceStore::Denied ? QStringLiteral("Access denied")
                                               : QStringLiteral("Not connected");
        const QString detail = approved ? QStringLiteral("You can return to your device.")
            : t.outcome == DeviceStore::Denied
            ? QStringLiteral("The device was not given access. You can return to your device.")
            : t.outcome;
        return Response::html(200,
            Pages::render(QStringLiteral("device-done"),
                {{QStringLiteral("title"), heading}, {QStringLiteral("heading"), heading},
                    {QStringLiteral("detail"), detail}}));
    }
    if (t.username.isEmpty()) {
        const QString users = Pages::userChoices(m_context.users.list().value_or(QList<User>()));
        return withCsrfCookie(
            Response::html(200,
                Pages::render(QStringLiteral("device-login"),
                    {{QStringLiteral("title"), QStringLiteral("Sign in")},
                        {QStringLiteral("client_name"), device->clientName},
                        {QStringLiteral("user_code"), device->userCode}, {QStringLiteral("tx"), t.id},
                        {QStringLiteral("csrf"), t.csrf}, {QStringLiteral("users"), users},
                        {QStringLiteral("error"), t.error}, {QStringLiteral("username"), t.typedUsername},
                        {QStringLiteral("focus_username"),
                            t.typedUsername.isEmpty() ? QStringLiteral("autofocus") : QString()},
                        {QStringLiteral("focus_password"),
                            t.typedUsername.isEmpty() ? QString() : QStringLiteral("autofocus")},
                        {QStringLiteral("error_class"),
                            t.error.isEmpty() ? QStringLiteral("hidden") : QStringLiteral("error")}})),
            t.csrf);
    }
    const QString scopes = Pages::scopeItems(device->scope);
    return withCsrfCookie(Response::html(200,
                              Pages::render(QStringLiteral("device-consent"),
                                  {{QStringLiteral("title"), QStringLiteral("Allow access?")},
                                      {QStringLiteral("client_name"), device->clientName},
                                      {QStringLiteral("user_code"), device->userCode},
                                      {QStringLiteral("username"), t.username}, {QStringLiteral("scopes"), scopes},
                                      {QStringLiteral("tx"), t.id}, {QStringLiteral("csrf"), t.csrf}})),
        t.csrf);
}

Response DeviceVerificationEndpoint::submit(const Request &request)
{
    if (!request.isFormEncoded())
        return errorPage(400, QStringLiteral("Invalid request"), QStringLiteral("The form was not sent as a form."));
    expireOld();
    const QString step = request.form.value(QStringLiteral("step"));
    const QString csrf = request.form.value(QStringLiteral("csrf"));
    const QString cookieCsrf = request.cookie(csrfCookieName());

    if (step == QLatin1String("code")) {
        const QString typed = request.form.value(QStringLiteral("user_code"));
        // CSRF: the token in the form must be the one this browser was given in its cookie (double submit).
        if (!sameSecret(csrf, cookieCsrf))
            return Response::redirect(urlWith(QStringLiteral("error"), QStringLiteral("csrf")), 303);
        Guesses &guesses = m_guesses[request.remoteAddress];
        const qint64 now = Clock::nowMs();
        if (now - guesses.since > GuessWindowMs)
            guesses = Guesses{0, now};
        if (guesses.wrong >= MaxWrongCodes) {
            const qint64 waitSecs = (guesses.since + GuessWindowMs - now) / 1000 + 1;
            Response r = codePage(DeviceStore::normalizeUserCode(typed),
                QStringLiteral("Too many wrong codes. Wait %1 seconds, then enter the code again.").arg(waitSecs),
                crypto::randomToken(128));
            r.status = 429;
            return r.withHeader("Retry-After", QByteArray::number(waitSecs));
        }
        const auto device = DeviceStore(m_context.db).findByUserCode(typed);
        auto back = [&typed](const char *reason) {
            return Response::redirect(urlWith(QStringLiteral("user_code"), DeviceStore::normalizeUserCode(typed))
                    + QStringLiteral("&error=") + QLatin1String(reason),
                303);
        };
        if (!device) {
            ++guesses.wrong;
            return back("unknown");
        }
        if (device->status == DeviceStore::Expired)
            return back("expired");
        if (device->status != DeviceStore::Pending)
            return back("decided");
        Transaction t;
        t.id = crypto::randomToken(128);
        t.csrf = crypto::randomToken(128);
        t.userCode = device->userCode;
        t.createdAt = Clock::nowMs();
        m_transactions.insert(t.id, t);
        Response r = withCsrfCookie(Response::redirect(urlWith(QStringLiteral("tx"), t.id), 303), t.csrf);
        r.clientId = device->clientId;
        return r;
    }

    const QString id = request.form.value(QStringLiteral("tx"));
    auto it = m_transactions.find(id);
    if (id.isEmpty() || it == m_transactions.end())
        return errorPage(400, QStringLiteral("This page has expired"),
            QStringLiteral("Open the address shown on your device again and enter its code."));
    Transaction &t = *it;
    if (!sameSecret(csrf, t.csrf) || !sameSecret(cookieCsrf, t.csrf))
        return errorPage(403, QStringLiteral("Request refused"),
            QStringLiteral("The form's security token did not match. Start again from the code page."));
    const QString pageUrl = urlWith(QStringLiteral("tx"), t.id);
    if (!t.outcome.isEmpty())
        return Response::redirect(pageUrl, 303);

    if (step == QLatin1String("login")) {
        QString username = request.form.value(QStringLiteral("pick"));
        if (username.isEmpty())
            username = request.form.value(QStringLiteral("username")).trimmed();
        const auto user = m_context.users.find(username);
        if (username.isEmpty() || !user) {
            t.error = username.isEmpty() ? QStringLiteral("Choose a test user or type a username.")
                                         : QStringLiteral("There is no test user named '%1'.").arg(username);
            t.typedUsername.clear();
        } else if (const QString password = request.form.value(QStringLiteral("password"));
                   user->hasPassword() && !m_context.users.checkPassword(username, password).value_or(false)) {
            t.error = password.isEmpty()
                ? QStringLiteral("'%1' has a password: type it below, then sign in.").arg(username)
                : QStringLiteral("Wrong password for '%1'.").arg(username);
            t.typedUsername = username; // keep the name in the field, so only the password needs typing
        } else {
            t.error.clear();
            t.username = username;
        }
        return Response::redirect(pageUrl, 303);
    }
    if (step == QLatin1String("consent")) {
        if (t.username.isEmpty())
            return Response::redirect(pageUrl, 303);
        DeviceStore store(m_context.db);
        const bool allow = request.form.value(QStringLiteral("decision")) == QLatin1String("allow");
        const Status decided = allow ? store.approve(t.userCode, t.username) : store.deny(t.userCode);
        t.outcome = decided ? (allow ? DeviceStore::Approved : DeviceStore::Denied) : decided.error().message;
        return Response::redirect(pageUrl, 303);
    }
    return errorPage(400, QStringLiteral("Invalid request"), QStringLiteral("Unknown step '%1'.").arg(step));
}

} // namespace oauthdesk::oauth
