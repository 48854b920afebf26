#include "oauth/ClientAuthenticator.h"

#include "crypto/Random.h"

namespace oauthdesk::oauth {

ClientAuthenticator::ClientAuthenticator(Context &context)
    : m_context(context)
{ }

std::expected<Client, OAuthError> ClientAuthenticator::authenticate(const Request &request, bool allowPublic) const
{
    const QByteArray authorization = request.header("Authorization");
    const bool basic = authorization.size() > 6 && authorization.left(6).compare("Basic ", Qt::CaseInsensitive) == 0;
    const bool postSecret = request.form.contains(QStringLiteral("client_secret"));
    QString clientId;
    QString secret;
    QString rawSecret; // as sent, for clients that skip (part of) the form-encoding of Appendix B

    // RFC 6749 §5.2: the client tried the Authorization header, so the 401 MUST say which scheme works here.
    if (!authorization.isEmpty() && !basic)
        return std::unexpected(OAuthError::invalidClient(
            QStringLiteral("only HTTP Basic client authentication is accepted in the Authorization header")));
    if (basic && postSecret)
        // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in a request.
        return std::unexpected(OAuthError::invalidRequest(
            QStringLiteral("the client authenticated with both HTTP Basic and client_secret in the body")));

    if (basic) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        if (colon < 0)
            return std::unexpected(OAuthError::invalidClient(QStringLiteral("malformed HTTP Basic credentials")));
        // RFC 6749 §2.3.1 and Appendix B: both parts are form-urlencoded before Basic encoding.
        clientId = FormParams::decodeComponent(decoded.left(colon));
        secret = FormParams::decodeComponent(decoded.mid(colon + 1));
        rawSecret = QString::fromUtf8(decoded.mid(colon + 1));
        const QString bodyId = request.form.value(QStringLiteral("client_id"));
        if (!bodyId.isEmpty() && bodyId != clientId)
            return std::unexpected(
                OAuthError::invalidRequest(QStringLiteral("client_id in the body differs from the HTTP Basic one")));
    } else {
        clientId = request.form.value(QStringLiteral("client_id"));
        secret = request.form.value(QStringLiteral("client_secret"));
        // QUrlQuery-based clients (QtNetworkAuth among them) send '+' unencoded, meaning a plus sign.
        for (const QByteArray &piece : request.body.split('&'))
            if (piece.startsWith("client_secret="))
                rawSecret = QString::fromUtf8(QByteArray::fromPercentEncoding(piece.mid(14)));
        if (clientId.isEmpty())
            return std::unexpected(OAuthError::invalidClient(QStringLiteral("no client authentication was given")));
    }

    const auto client = m_context.clients.find(clientId);
    if (!client)
        return std::unexpected(OAuthError::invalidClient(QStringLiteral("unknown client '%1'").arg(clientId)));
    if (!client->active)
        return std::unexpected(OAuthError::invalidClient(QStringLiteral("client '%1' is disabled").arg(clientId)));

    if (client->isPublic) {
        if (basic || postSecret)
            return std::unexpected(OAuthError::invalidClient(
                QStringLiteral("client '%1' is public and has no secret to send").arg(clientId)));
        if (!allowPublic)
            return std::unexpected(
                OAuthError::invalidClient(QStringLiteral("this endpoint needs a confidential client's credentials")));
        return *client;
    }

    if (!basic && !postSecret)
        return std::unexpected(OAuthError::invalidClient(
            QStringLiteral("client '%1' is confidential and must authenticate").arg(clientId)));
    const QString used = basic ? authmethod::Basic : authmethod::Post;
    if (client->authMethodPinned && client->authMethod != used)
        return std::unexpected(OAuthError::invalidClient(
            QStringLiteral("client '%1' must authenticate with %2").arg(clientId, client->authMethod)));
    // Many client libraries send the secret without the form-encoding; a secret with '+' or '%' would then
    // never match after decoding, so the bytes as sent are accepted too.
    const bool matches = crypto::constantTimeEquals(secret.toUtf8(), client->secret.toUtf8())
        || (!rawSecret.isEmpty() && rawSecret != secret
            && crypto::constantTimeEquals(rawSecret.toUtf8(), client->secret.toUtf8()));
    if (!matches)
        return std::unexpected(OAuthError::invalidClient(QStringLiteral("wrong client secret")));
    return *client;
}

} // namespace oauthdesk::oauth
