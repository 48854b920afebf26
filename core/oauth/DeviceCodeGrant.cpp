#include "oauth/DeviceCodeGrant.h"

#include "storage/DeviceStore.h"
#include "util/Clock.h"

namespace oauthdesk::oauth {

namespace {

// RFC 8628 §3.5 error codes; all of them are 400 responses like those of RFC 6749 §5.2.
OAuthError deviceError(const char *code, const QString &description)
{
    return OAuthError{QString::fromLatin1(code), description};
}

} // namespace

std::expected<Grant, OAuthError> DeviceCodeGrant::decide(const Client &client, const Request &request)
{
    // RFC 8628 §3.4: device_code is REQUIRED.
    const QString deviceCode = request.form.value(QStringLiteral("device_code"));
    if (deviceCode.isEmpty())
        return std::unexpected(OAuthError::invalidRequest(QStringLiteral("device_code is missing")));
    DeviceStore store(m_context.db);
    const auto found = store.findByDeviceCode(deviceCode);
    // RFC 8628 §3.4 and RFC 6749 §5.2: a code that is unknown or was issued to another client is invalid_grant.
    if (!found || found->clientId != client.clientId)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the device code is not valid")));
    const DeviceRequest &r = *found;
    const qint64 now = Clock::nowMs();

    if (r.status == DeviceStore::Consumed)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the device code was already exchanged")));
    if (r.status == DeviceStore::Denied)
        return std::unexpected(deviceError("access_denied", QStringLiteral("the user denied the request")));
    // RFC 8628 §3.5: expired_token once the device code's lifetime is over, approved or not.
    if (r.status == DeviceStore::Expired || r.expiresAt <= now)
        return std::unexpected(deviceError(
            "expired_token", QStringLiteral("the device code has expired; start a new device authorization")));

    if (r.status == DeviceStore::Pending) {
        int interval = r.intervalSecs > 0 ? r.intervalSecs : DeviceStore::DefaultIntervalSecs;
        // RFC 8628 §3.5: polling faster than the interval is answered with slow_down, and the interval
        // grows by 5 seconds for this and every later request.
        const bool tooFast = r.lastPollAt > 0 && now - r.lastPollAt < qint64(interval) * 1000;
        if (tooFast)
            interval += DeviceStore::SlowDownStepSecs;
        if (auto ok = store.recordPoll(r.id, now, interval); !ok)
            return std::unexpected(OAuthError::serverError(ok.error().message));
        if (tooFast)
            return std::unexpected(deviceError("slow_down",
                QStringLiteral("polling too fast; wait at least %1 seconds between requests").arg(interval)));
        return std::unexpected(
            deviceError("authorization_pending", QStringLiteral("the user has not yet approved the request")));
    }

    if (r.status != DeviceStore::Approved)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the device code is not valid")));
    const auto user = m_context.users.find(r.username);
    if (!user)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the approving user no longer exists")));
    // One exchange only: the conditional update loses to any earlier exchange of the same code.
    auto consumed = store.consume(r.id);
    if (!consumed)
        return std::unexpected(OAuthError::serverError(consumed.error().message));
    if (!*consumed)
        return std::unexpected(OAuthError::invalidGrant(QStringLiteral("the device code was already exchanged")));

    Grant grant;
    grant.client = client;
    grant.user = user;
    grant.scope = r.scope;
    grant.grantId = r.grantId;
    grant.withRefresh = client.allowsGrant(grant::RefreshToken);
    grant.authTime = r.issuedAt / 1000;
    return grant;
}

} // namespace oauthdesk::oauth
