#pragma once

#include "oauth/Context.h"
#include "oauth/Message.h"

#include <QHash>

#include <optional>

namespace oauthdesk::oauth {

// A validated authorization request waiting for the person to sign in and consent.
struct PendingAuthorization
{
    QString id;
    QString csrf;
    Client client;
    QString redirectUri; // where to send the answer
    QString redirectUriParam; // as the request gave it (empty when left out), bound to the code
    QString scope;
    QString state;
    QString responseMode; // query, fragment or form_post: how the answer travels back
    QString codeChallenge;
    QString codeChallengeMethod;
    QString nonce;
    QString loginHint;
    QString hintSubject; // the sub of id_token_hint: the End-User the client expects, if it named one
    QStringList prompt;
    std::optional<qint64> maxAge;
    qint64 createdAt = 0;
    QString username; // set once signed in
    QString error; // shown on the next rendering of the login page
    qint64 authTime = 0;
};

// GET/POST /oauth/authorize (RFC 6749 §4.1, RFC 7636, OpenID Connect Core §3.1.2) with its login and consent pages.
class AuthorizeEndpoint final
{
public:
    explicit AuthorizeEndpoint(Context &context);

    // The response_mode values the endpoint honours, for the discovery documents.
    static QStringList responseModes();

    Response handle(const Request &request); // the authorization request itself
    Response interaction(const Request &request); // POST /oauth/authorize/interaction: login, consent
    Response showPending(const Request &request) const; // GET of the same: the page for the current step
    Response homePage() const;
    QStringList knownScopes() const;

    // Shared with the device flow: the login and consent pages for any pending decision.
    Response loginPage(const PendingAuthorization &pending, const QString &error = {}) const;
    Response consentPage(const PendingAuthorization &pending) const;
    // `note` is an optional line under the error, e.g. why the page is shown instead of a redirect.
    Response errorPage(int status, const QString &title, const QString &detail, const QString &note = QString()) const;

    static QString sessionCookieName() { return QStringLiteral("oauthdesk_session"); }
    // Forgets the browser session named by the request's cookie (RP-Initiated Logout); false when there was none.
    bool endSession(const Request &request);

private:
    struct Session
    {
        QString username;
        qint64 authTime = 0; // seconds
    };

    // The authorization response: `params` plus state and iss, sent back the way p.responseMode says.
    Response answer(const PendingAuthorization &p, const QList<QPair<QString, QString>> &params) const;
    Response redirectError(const PendingAuthorization &p, const QString &error, const QString &description) const;
    Response redirectWithCode(const PendingAuthorization &p);
    Response continueFlow(PendingAuthorization &pending, const Request &request, bool justSignedIn);
    std::optional<Session> sessionOf(const Request &request) const;
    // Whether `username` is the End-User the request's id_token_hint names (true when it names nobody).
    bool isHintedUser(const PendingAuthorization &p, const QString &username) const;
    bool hasConsent(const QString &clientId, const QString &username, const QString &scope) const;
    void storeConsent(const QString &clientId, const QString &username, const QString &scope);
    void expireOld();
    // `uri` with `params` added to its query, or as its fragment.
    static QString withParams(
        const QString &uri, const QList<QPair<QString, QString>> &params, bool asFragment = false);

    Context &m_context;
    QHash<QString, PendingAuthorization> m_pending;
    QHash<QString, Session> m_sessions;
};

} // namespace oauthdesk::oauth
