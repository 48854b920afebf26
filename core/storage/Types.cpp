#include "storage/Types.h"

#include <QDateTime>
#include <QJsonArray>

namespace oauthdesk {

bool isScopeToken(const QString &s)
{
    if (s.isEmpty())
        return false;
    for (QChar ch : s) {
        const ushort u = ch.unicode();
        if (u < 0x21 || u == 0x22 || u == 0x5C || u > 0x7E)
            return false;
    }
    return true;
}

QJsonObject Client::toJson(bool withSecret) const
{
    QJsonObject o{
        {QStringLiteral("client_id"), clientId},
        {QStringLiteral("client_name"), name},
        {QStringLiteral("redirect_uris"), QJsonArray::fromStringList(redirectUris)},
        {QStringLiteral("grant_types"), QJsonArray::fromStringList(grantTypes)},
        {QStringLiteral("scope"), scopes.join(QLatin1Char(' '))},
        {QStringLiteral("token_endpoint_auth_method"), authMethod},
        {QStringLiteral("client_type"), isPublic ? QStringLiteral("public") : QStringLiteral("confidential")},
        {QStringLiteral("active"), active},
        {QStringLiteral("pkce_required"), requiresPkce()},
        {QStringLiteral("pkce_allow_plain"), pkceAllowPlain},
        {QStringLiteral("refresh_token_rotation"), refreshRotation},
        {QStringLiteral("access_token_format"), accessTokenFormat},
        {QStringLiteral("id_token_signed_response_alg"), idTokenAlg},
        {QStringLiteral("post_logout_redirect_uris"), QJsonArray::fromStringList(postLogoutRedirectUris)},
        {QStringLiteral("client_id_issued_at"), createdAt / 1000},
    };
    if (!autoApproveUser.isEmpty())
        o.insert(QStringLiteral("auto_approve_user"), autoApproveUser);
    if (accessTokenTtl > 0)
        o.insert(QStringLiteral("access_token_lifetime"), accessTokenTtl);
    if (refreshTokenTtl > 0)
        o.insert(QStringLiteral("refresh_token_lifetime"), refreshTokenTtl);
    if (codeTtl > 0)
        o.insert(QStringLiteral("authorization_code_lifetime"), codeTtl);
    if (withSecret && !isPublic) {
        o.insert(QStringLiteral("client_secret"), secret);
        o.insert(QStringLiteral("client_secret_expires_at"), 0);
    }
    return o;
}

QJsonObject User::toJson() const
{
    return {{QStringLiteral("username"), username}, {QStringLiteral("sub"), sub},
        {QStringLiteral("has_password"), hasPassword()}, {QStringLiteral("claims"), claims}};
}

QString toString(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AuthorizationCode:
        return QStringLiteral("authorization_code");
    case TokenKind::AccessToken:
        return QStringLiteral("access_token");
    case TokenKind::RefreshToken:
        return QStringLiteral("refresh_token");
    }
    return {};
}

QString toString(TokenStatus status)
{
    switch (status) {
    case TokenStatus::Active:
        return QStringLiteral("active");
    case TokenStatus::Expired:
        return QStringLiteral("expired");
    case TokenStatus::Revoked:
        return QStringLiteral("revoked");
    case TokenStatus::Used:
        return QStringLiteral("used");
    }
    return {};
}

TokenStatus TokenRecord::status(qint64 nowMs) const
{
    if (revokedAt > 0)
        return TokenStatus::Revoked;
    if (usedAt > 0)
        return TokenStatus::Used;
    if (expiresAt <= nowMs)
        return TokenStatus::Expired;
    return TokenStatus::Active;
}

QJsonObject TokenRecord::toJson(qint64 nowMs) const
{
    auto iso = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate); };
    QJsonObject o{{QStringLiteral("kind"), toString(kind)}, {QStringLiteral("prefix"), prefix},
        {QStringLiteral("client_id"), clientId},
        {QStringLiteral("username"), username.isEmpty() ? QJsonValue() : QJsonValue(username)},
        {QStringLiteral("scope"), scope}, {QStringLiteral("grant_id"), grantId},
        {QStringLiteral("issued_at"), iso(issuedAt)}, {QStringLiteral("expires_at"), iso(expiresAt)},
        {QStringLiteral("status"), toString(status(nowMs))}};
    if (revokedAt > 0)
        o.insert(QStringLiteral("revoked_at"), iso(revokedAt));
    return o;
}

} // namespace oauthdesk
