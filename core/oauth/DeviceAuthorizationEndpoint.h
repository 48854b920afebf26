#pragma once

#include "oauth/ClientAuthenticator.h"
#include "oauth/Context.h"
#include "oauth/Message.h"

#include <QHash>

namespace oauthdesk::oauth {

// POST /oauth/device_authorization (RFC 8628 §3.1, §3.2): hands a device its device code and user code.
class DeviceAuthorizationEndpoint final
{
public:
    static constexpr int PollIntervalSecs = 5;

    explicit DeviceAuthorizationEndpoint(Context &context);
    Response handle(const Request &request);

    QString verificationUri() const { return m_context.issuer + QStringLiteral("/device"); }

private:
    Context &m_context;
    ClientAuthenticator m_authenticator;
};

// GET/POST /device (RFC 8628 §3.3): the browser pages where a person types the user code, signs in and decides.
// Plain HTML forms; every POST is answered with a 303 so a reload never resubmits.
class DeviceVerificationEndpoint final
{
public:
    explicit DeviceVerificationEndpoint(Context &context);
    Response handle(const Request &request);

    static QString csrfCookieName() { return QStringLiteral("oauthdesk_device_csrf"); }

private:
    // One browser's way through the pages for one user code.
    struct Transaction
    {
        QString id;
        QString csrf;
        QString userCode;
        QString username; // set once signed in
        QString error; // shown on the next rendering of the login page
        QString typedUsername; // put back in the username field after a failed sign-in
        QString outcome; // "approved" or "denied" once decided
        qint64 createdAt = 0;
    };

    Response show(const Request &request);
    Response submit(const Request &request);
    Response codePage(const QString &userCode, const QString &error, const QString &csrf) const;
    Response transactionPage(const Transaction &t) const;
    Response errorPage(int status, const QString &title, const QString &detail) const;
    Response withCsrfCookie(Response response, const QString &csrf) const;
    void expireOld();

    // RFC 8628 §5.1: wrong user codes typed from one address in the current window.
    struct Guesses
    {
        int wrong = 0;
        qint64 since = 0;
    };

    Context &m_context;
    QHash<QString, Transaction> m_transactions;
    QHash<QString, Guesses> m_guesses; // by remote address
};

} // namespace oauthdesk::oauth
