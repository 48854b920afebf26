#include "oauth/TokenEndpoint.h"

#include "util/Clock.h"

namespace oauthdesk::oauth {

std::optional<OAuthError> checkFormPost(const Request &request)
{
    if (!request.isFormEncoded())
        return OAuthError::invalidRequest(QStringLiteral("the body must be application/x-www-form-urlencoded"));
    // RFC 6749 §3.2: request and response parameters MUST NOT be included more than once.
    if (const QString repeated = request.form.firstRepeated(); !repeated.isEmpty())
        return OAuthError::invalidRequest(QStringLiteral("parameter '%1' is repeated").arg(repeated));
    if (request.headerCount("Authorization") > 1)
        return OAuthError::invalidRequest(QStringLiteral("more than one Authorization header"));
    return std::nullopt;
}

std::optional<TokenRecord> findLiveAccessToken(Context &context, const QString &value)
{
    std::optional<TokenRecord> record;
    if (value.count(QLatin1Char('.')) == 2 && context.jtiOfJwt) {
        // A JWT access token is only as good as its signature; then the row by jti says if it was revoked.
        if (auto jti = context.jtiOfJwt(value))
            record = context.tokens.findByJti(*jti);
    } else {
        record = context.tokens.findByValue(TokenKind::AccessToken, value);
    }
    if (!record || record->status(Clock::nowMs()) != TokenStatus::Active)
        return std::nullopt;
    return record;
}

TokenEndpoint::TokenEndpoint(Context &context)
    : m_context(context)
    , m_authenticator(context)
    , m_issuer(context)
{ }

void TokenEndpoint::addGrant(std::unique_ptr<GrantHandler> handler)
{
    const QString type = handler->grantType();
    m_grants.insert(type, std::shared_ptr<GrantHandler>(std::move(handler)));
}

QStringList TokenEndpoint::grantTypes() const
{
    QStringList out = m_grants.keys();
    out.sort();
    return out;
}

Response TokenEndpoint::handle(const Request &request)
{
    if (auto error = checkFormPost(request))
        return error->toResponse();
    auto client = m_authenticator.authenticate(request, true);
    if (!client)
        return client.error().toResponse();

    const QString grantType = request.form.value(QStringLiteral("grant_type"));
    Response response;
    if (grantType.isEmpty()) {
        response = OAuthError::invalidRequest(QStringLiteral("grant_type is missing")).toResponse();
    } else if (!m_grants.contains(grantType)) {
        response = OAuthError::unsupportedGrantType(QStringLiteral("grant_type '%1' is not supported").arg(grantType))
                       .toResponse();
    } else if (!client->allowsGrant(grantType)) {
        response = OAuthError::unauthorizedClient(
            QStringLiteral("client '%1' may not use the %2 grant").arg(client->clientId, grantType))
                       .toResponse();
    } else {
        auto grant = m_grants.value(grantType)->decide(*client, request);
        if (!grant) {
            response = grant.error().toResponse();
        } else {
            std::expected<QJsonObject, OAuthError> issued;
            // Access and refresh token are stored together or not at all.
            const Status stored = m_context.db->write([&]() -> Status {
                issued = m_issuer.issue(*grant);
                if (!issued)
                    return fail(Error::storage(issued.error().description));
                return {};
            });
            if (!stored && issued)
                issued = std::unexpected(OAuthError::serverError(stored.error().message));
            response = issued ? Response::json(200, *issued).noStore() : issued.error().toResponse();
        }
    }
    response.clientId = client->clientId;
    return response;
}

RevocationEndpoint::RevocationEndpoint(Context &context)
    : m_context(context)
    , m_authenticator(context)
{ }

Response RevocationEndpoint::handle(const Request &request)
{
    if (auto error = checkFormPost(request))
        return error->toResponse();
    auto client = m_authenticator.authenticate(request, true);
    if (!client)
        return client.error().toResponse();
    const QString value = request.form.value(QStringLiteral("token"));
    if (value.isEmpty())
        return OAuthError::invalidRequest(QStringLiteral("token is missing")).toResponse();

    // RFC 7009 §2.1: the hint only says where to look first; the token is searched everywhere.
    const QString hint = request.form.value(QStringLiteral("token_type_hint"));
    QList<TokenKind> order = {TokenKind::AccessToken, TokenKind::RefreshToken};
    if (hint == QLatin1String("refresh_token"))
        std::swap(order[0], order[1]);

    std::optional<TokenRecord> record;
    for (TokenKind kind : order) {
        if (kind == TokenKind::AccessToken && value.count(QLatin1Char('.')) == 2 && m_context.jtiOfJwt) {
            if (auto jti = m_context.jtiOfJwt(value))
                record = m_context.tokens.findByJti(*jti);
        } else {
            record = m_context.tokens.findByValue(kind, value);
        }
        if (record)
            break;
    }
    Response ok = Response::json(200, {}).noStore();
    ok.body.clear();
    ok.headers.removeIf([](const auto &h) { return h.first == "Content-Type"; });
    ok.clientId = client->clientId;
    // RFC 7009 §2.2: an unknown or already invalid token is answered with 200 as well.
    if (!record)
        return ok;
    if (record->clientId != client->clientId) {
        Response refused
            = OAuthError::unauthorizedClient(QStringLiteral("the token was not issued to this client")).toResponse();
        refused.clientId = client->clientId;
        return refused;
    }
    // Revoking a refresh token ends its whole grant, access tokens included (RFC 7009 §2.1).
    const auto result = record->kind == TokenKind::RefreshToken ? m_context.tokens.revokeGrant(record->grantId)
                                                                : m_context.tokens.revoke(record->kind, record->id);
    if (!result)
        return OAuthError::serverError(result.error().message).toResponse();
    return ok;
}

IntrospectionEndpoint::IntrospectionEndpoint(Context &context)
    : m_context(context)
    , m_authenticator(context)
{ }

Response IntrospectionEndpoint::handle(const Request &request)
{
    if (auto error = checkFormPost(request))
        return error->toResponse();
    // RFC 7662 §2.1: the caller must be authorized; here, any confidential client.
    auto client = m_authenticator.authenticate(request, false);
    if (!client)
        return client.error().toResponse();
    const QString value = request.form.value(QStringLiteral("token"));
    if (value.isEmpty())
        return OAuthError::invalidRequest(QStringLiteral("token is missing")).toResponse();

    const bool refreshFirst = request.form.value(QStringLiteral("token_type_hint")) == QLatin1String("refresh_token");
    std::optional<TokenRecord> record;
    if (refreshFirst)
        record = m_context.tokens.findByValue(TokenKind::RefreshToken, value);
    if (!record)
        record = findLiveAccessToken(m_context, value);
    if (!record && !refreshFirst)
        record = m_context.tokens.findByValue(TokenKind::RefreshToken, value);

    Response response;
    if (!record || record->status(Clock::nowMs()) != TokenStatus::Active) {
        // RFC 7662 §2.2: nothing about an inactive token is disclosed.
        response = Response::json(200, {{QStringLiteral("active"), false}}).noStore();
    } else {
        QJsonObject body{{QStringLiteral("active"), true}, {QStringLiteral("scope"), record->scope},
            {QStringLiteral("client_id"), record->clientId}, {QStringLiteral("exp"), record->expiresAt / 1000},
            {QStringLiteral("iat"), record->issuedAt / 1000}, {QStringLiteral("iss"), m_context.issuer},
            {QStringLiteral("token_type"),
                record->kind == TokenKind::AccessToken ? QStringLiteral("Bearer") : QStringLiteral("refresh_token")}};
        if (!record->username.isEmpty()) {
            body.insert(QStringLiteral("username"), record->username);
            if (auto user = m_context.users.find(record->username))
                body.insert(QStringLiteral("sub"), user->sub);
        } else {
            body.insert(QStringLiteral("sub"), record->clientId);
        }
        if (!record->jti.isEmpty())
            body.insert(QStringLiteral("jti"), record->jti);
        response = Response::json(200, body).noStore();
    }
    response.clientId = client->clientId;
    return response;
}

} // namespace oauthdesk::oauth
