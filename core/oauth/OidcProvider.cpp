#include "oauth/OidcProvider.h"

#include "crypto/Jws.h"
#include "crypto/Random.h"
#include "oauth/AuthorizeEndpoint.h"
#include "oauth/OAuthError.h"
#include "oauth/Pages.h"
#include "oauth/Scopes.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace oauthdesk::oauth {

namespace {

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

bool hasScope(const QStringList &scopes, const char *name)
{
    return scopes.contains(QLatin1String(name));
}

// RFC 7519 §4.1.3: "aud" is a string or an array of strings.
QStringList audiences(const QJsonValue &aud)
{
    if (aud.isString())
        return {aud.toString()};
    QStringList out;
    for (const QJsonValue &v : aud.toArray())
        if (v.isString())
            out << v.toString();
    return out;
}

} // namespace

const QStringList &ClaimSelection::profileClaims()
{
    static const QStringList names = {s("name"), s("family_name"), s("given_name"), s("middle_name"), s("nickname"),
        s("preferred_username"), s("profile"), s("picture"), s("website"), s("gender"), s("birthdate"), s("zoneinfo"),
        s("locale"), s("updated_at")};
    return names;
}

const QStringList &ClaimSelection::emailClaims()
{
    static const QStringList names = {s("email"), s("email_verified")};
    return names;
}

const QStringList &ClaimSelection::addressClaims()
{
    static const QStringList names = {s("address")};
    return names;
}

const QStringList &ClaimSelection::phoneClaims()
{
    static const QStringList names = {s("phone_number"), s("phone_number_verified")};
    return names;
}

const QStringList &ClaimSelection::protocolClaims()
{
    static const QStringList names = {s("iss"), s("sub"), s("aud"), s("exp"), s("iat"), s("nbf"), s("jti"), s("nonce"),
        s("auth_time"), s("acr"), s("amr"), s("azp"), s("at_hash"), s("c_hash"), s("sid"), s("client_id"), s("scope"),
        s("cnf"), s("typ"), s("s_hash"), s("events"), s("act")};
    return names;
}

QJsonObject ClaimSelection::forScopes(const User &user, const QStringList &scopes)
{
    QJsonObject out;
    auto release = [&](const QStringList &names) {
        for (const QString &name : names)
            if (user.claims.contains(name))
                out.insert(name, user.claims.value(name));
    };
    // OpenID Connect Core §5.4: each scope releases its own group of standard claims.
    if (hasScope(scopes, "profile")) {
        release(profileClaims());
        if (!out.contains(s("preferred_username")))
            out.insert(s("preferred_username"), user.username);
        if (!out.contains(s("updated_at")) && user.updatedAt > 0)
            out.insert(s("updated_at"), user.updatedAt / 1000); // §5.1: seconds since the epoch
    }
    if (hasScope(scopes, "email"))
        release(emailClaims());
    if (hasScope(scopes, "address"))
        release(addressClaims());
    if (hasScope(scopes, "phone"))
        release(phoneClaims());
    // A test user's own claims (roles, tenant...) are what the developer wants to see in every token.
    for (auto it = user.claims.constBegin(); it != user.claims.constEnd(); ++it) {
        const QString &name = it.key();
        if (profileClaims().contains(name) || emailClaims().contains(name) || addressClaims().contains(name)
            || phoneClaims().contains(name) || protocolClaims().contains(name))
            continue;
        out.insert(name, it.value());
    }
    return out;
}

OidcProvider::OidcProvider(Context &context, AuthorizeEndpoint &authorize)
    : m_context(context)
    , m_authorize(authorize)
    , m_keys(context.db)
    , m_guard(context)
{ }

void OidcProvider::installHooks()
{
    // A key per algorithm exists from the first start on, so a relying party that caches the JWK Set finds every
    // kid, whichever id_token_signed_response_alg its client has.
    for (crypto::Alg alg : {crypto::Alg::RS256, crypto::Alg::ES256, crypto::Alg::EdDSA})
        m_keys.activeKey(alg);
    // On the server thread the insert joined a group-commit batch; no request is waiting for it, so commit now
    // rather than hold the write lock until the first request.
    if (m_context.db->inBatch())
        m_context.db->commitBatch();
    m_context.makeIdToken
        = [this](const Client &client, const User &user, const QString &scope, const QString &nonce, qint64 authTime,
              const QString &accessToken) { return makeIdToken(client, user, scope, nonce, authTime, accessToken); };
    m_context.makeJwtAccessToken
        = [this](const Client &client, TokenRecord &record) { return makeJwtAccessToken(client, record); };
    m_context.jtiOfJwt = [this](const QString &jwt) { return jtiOfJwt(jwt); };
    m_context.verifyIdTokenHint
        = [this](const QString &idToken, const QString &clientId) { return verifyIdTokenHint(idToken, clientId); };
}

qint64 OidcProvider::keyRetentionMs() const
{
    return KeyStore::retentionMs(
        m_context.config.lifetimes.accessSecs, m_context.clients.list().value_or(QList<Client>{}), IdTokenLifetimeSecs);
}

QList<QJsonObject> OidcProvider::publishedKeys() const
{
    QList<QJsonObject> out;
    if (auto set = m_keys.jwks(keyRetentionMs()))
        for (const QJsonValue &k : set->value(s("keys")).toArray())
            out.append(k.toObject());
    return out;
}

QString OidcProvider::sign(crypto::Alg alg, const QByteArray &typ, const QJsonObject &claims)
{
    auto key = m_keys.activeKey(alg);
    if (!key)
        return {};
    auto jws = crypto::signJws(
        *key, {{s("typ"), QString::fromLatin1(typ)}}, QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return jws ? QString::fromLatin1(*jws) : QString();
}

QString OidcProvider::makeIdToken(const Client &client, const User &user, const QString &scope, const QString &nonce,
    qint64 authTime, const QString &accessToken)
{
    const crypto::Alg alg = crypto::algFromName(client.idTokenAlg).value_or(crypto::Alg::RS256);
    const qint64 now = Clock::nowSecs();
    QJsonObject claims = ClaimSelection::forScopes(user, Scopes::split(scope));
    // OpenID Connect Core §2: the required claims, and azp because aud holds exactly this client.
    claims.insert(s("iss"), m_context.issuer);
    claims.insert(s("sub"), user.sub);
    claims.insert(s("aud"), client.clientId);
    claims.insert(s("azp"), client.clientId);
    claims.insert(s("iat"), now);
    claims.insert(s("exp"), now + IdTokenLifetimeSecs);
    if (authTime > 0)
        claims.insert(s("auth_time"), authTime);
    // §3.1.3.6: nonce is echoed unmodified when the authorization request carried one.
    if (!nonce.isEmpty())
        claims.insert(s("nonce"), nonce);
    // §3.1.3.6: at_hash binds the access token issued with this ID token.
    if (!accessToken.isEmpty())
        claims.insert(s("at_hash"), crypto::halfHashClaim(alg, accessToken.toLatin1()));
    return sign(alg, "JWT", claims);
}

QString OidcProvider::makeJwtAccessToken(const Client &client, TokenRecord &record)
{
    record.jti = crypto::randomToken(128);
    QString sub = client.clientId;
    std::optional<User> user;
    if (!record.username.isEmpty()) {
        user = m_context.users.find(record.username);
        if (!user)
            return {};
        sub = user->sub;
    }
    // RFC 9068 §2.2. The audience is this server's own resource, the /api/ routes: it is the only resource server
    // that accepts these tokens, and the client is not their audience (RFC 9068 §4 forbids treating it as one).
    QJsonObject claims{{s("iss"), m_context.issuer}, {s("sub"), sub},
        {s("aud"), QString(m_context.issuer + QLatin1String("/api"))}, {s("exp"), record.expiresAt / 1000},
        {s("iat"), record.issuedAt / 1000}, {s("jti"), record.jti}, {s("client_id"), client.clientId},
        {s("scope"), record.scope}};
    if (user && record.authTime > 0)
        claims.insert(s("auth_time"), record.authTime);
    // RFC 9068 §2.1: typ "at+jwt" so an ID token can never pass as an access token; RS256 as §4 requires.
    return sign(crypto::Alg::RS256, "at+jwt", claims);
}

std::optional<QString> OidcProvider::jtiOfJwt(const QString &jwt) const
{
    const QByteArray compact = jwt.toLatin1();
    auto decoded = crypto::decodeJwt(compact);
    if (!decoded)
        return std::nullopt;
    // RFC 9068 §4: the typ header must say at+jwt (or its full media type).
    const QString typ = decoded->header.value(s("typ")).toString().toLower();
    if (typ != QLatin1String("at+jwt") && typ != QLatin1String("application/at+jwt"))
        return std::nullopt;
    auto claims = crypto::verifyJws(compact, publishedKeys());
    if (!claims)
        return std::nullopt;
    // RFC 9068 §4: the issuer must be ours and the token unexpired.
    if (claims->value(s("iss")).toString() != m_context.issuer)
        return std::nullopt;
    if (!claims->value(s("exp")).isDouble() || qint64(claims->value(s("exp")).toDouble()) <= Clock::nowSecs())
        return std::nullopt;
    const QString jti = claims->value(s("jti")).toString();
    if (jti.isEmpty())
        return std::nullopt;
    return jti;
}

QStringList OidcProvider::supportedClaims() const
{
    QStringList claims
        = {s("sub"), s("iss"), s("aud"), s("exp"), s("iat"), s("auth_time"), s("nonce"), s("at_hash"), s("azp")};
    claims << ClaimSelection::profileClaims() << ClaimSelection::emailClaims() << ClaimSelection::addressClaims()
           << ClaimSelection::phoneClaims();
    // The test users' own claims are released too: name them, so a relying party that filters by this list keeps them.
    if (auto users = m_context.users.list())
        for (const User &u : *users)
            for (const QString &name : u.claims.keys())
                if (!claims.contains(name) && !ClaimSelection::protocolClaims().contains(name))
                    claims << name;
    return claims;
}

QJsonObject OidcProvider::discoveryDocument(const QJsonObject &oauthMetadata) const
{
    const QString &iss = m_context.issuer;
    auto url = [&iss](const char *path) { return QString(iss + QLatin1String(path)); };
    QJsonObject doc = oauthMetadata;
    // OpenID Connect Discovery 1.0 §3: only what this server really does.
    doc.insert(s("issuer"), iss);
    doc.insert(s("userinfo_endpoint"), url("/oauth/userinfo"));
    doc.insert(s("jwks_uri"), url("/oauth/jwks"));
    doc.insert(s("end_session_endpoint"), url("/oauth/logout"));
    doc.insert(s("response_types_supported"), QJsonArray{s("code")});
    doc.insert(s("response_modes_supported"), QJsonArray::fromStringList(AuthorizeEndpoint::responseModes()));
    doc.insert(s("subject_types_supported"), QJsonArray{s("public")});
    doc.insert(s("id_token_signing_alg_values_supported"), QJsonArray{s("RS256"), s("ES256"), s("EdDSA")});
    doc.insert(s("claims_supported"), QJsonArray::fromStringList(supportedClaims()));
    doc.insert(s("claim_types_supported"), QJsonArray{s("normal")});
    doc.insert(s("claims_parameter_supported"), false);
    doc.insert(s("request_parameter_supported"), false);
    doc.insert(s("request_uri_parameter_supported"), false);
    doc.insert(s("authorization_response_iss_parameter_supported"), true);
    doc.insert(s("prompt_values_supported"), QJsonArray{s("none"), s("login"), s("consent")});
    doc.insert(s("code_challenge_methods_supported"), QJsonArray{s("S256"), s("plain")});
    return doc;
}

Response OidcProvider::discovery(const QJsonObject &oauthMetadata) const
{
    Response r = Response::json(200, discoveryDocument(oauthMetadata));
    r.withHeader("Access-Control-Allow-Origin", "*").withHeader("Cache-Control", "max-age=60");
    return r;
}

Response OidcProvider::jwks() const
{
    auto set = m_keys.jwks(keyRetentionMs());
    if (!set)
        return OAuthError::serverError(set.error().message).toResponse();
    Response r = Response::json(200, *set);
    // Short caching: a relying party refetches soon after a rotation, and unknown kids make it refetch anyway.
    r.withHeader("Access-Control-Allow-Origin", "*").withHeader("Cache-Control", "public, max-age=60");
    return r;
}

Response OidcProvider::userinfo(const Request &request)
{
    // OpenID Connect Core §5.3.1: the access token must have been issued for an openid request.
    auto record = m_guard.authorise(request, {s("openid")});
    if (!record)
        return record.error();
    std::optional<User> user;
    if (!record->username.isEmpty())
        user = m_context.users.find(record->username);
    if (!user) {
        Response r = BearerGuard::challenge(401, s("invalid_token"), s("the access token does not belong to a user"));
        r.clientId = record->clientId;
        return r;
    }
    QJsonObject body = ClaimSelection::forScopes(*user, Scopes::split(record->scope));
    body.insert(s("sub"), user->sub); // §5.3.2: always returned
    Response r = Response::json(200, body).noStore();
    r.withHeader("Access-Control-Allow-Origin", "*");
    r.clientId = record->clientId;
    return r;
}

Response OidcProvider::logoutError(const QString &detail) const
{
    return m_authorize.errorPage(400, s("Sign-out request refused"), detail);
}

Result<QJsonObject> OidcProvider::verifyIdTokenHint(const QString &idToken, const QString &clientId) const
{
    // Every key we still hold is tried, retired ones included: the hint may be old.
    QList<QJsonObject> keys;
    if (auto all = m_keys.list())
        for (const KeyRecord &k : *all)
            keys.append(k.publicJwk);
    auto claims = crypto::verifyJws(idToken.toLatin1(), keys);
    if (!claims)
        return fail(Error::invalid(QStringLiteral("The id_token_hint is not an ID token signed by OAuthDesk: %1")
                                       .arg(claims.error().message)));
    if (claims->value(s("iss")).toString() != m_context.issuer)
        return fail(Error::invalid(s("The id_token_hint was issued by another issuer.")));
    if (!clientId.isEmpty() && !audiences(claims->value(s("aud"))).contains(clientId))
        return fail(Error::invalid(s("The id_token_hint was issued to another client.")));
    return *claims;
}

Response OidcProvider::logout(const Request &request)
{
    const FormParams &params = request.method == "POST" ? request.form : request.query;
    if (request.method == "POST" && !request.isFormEncoded())
        return logoutError(s("A POST sign-out request must be application/x-www-form-urlencoded."));
    if (const QString repeated = params.firstRepeated(); !repeated.isEmpty())
        return logoutError(QStringLiteral("The parameter '%1' is repeated.").arg(repeated));

    const QString hint = params.value(s("id_token_hint"));
    QString clientId = params.value(s("client_id"));
    if (!hint.isEmpty()) {
        // RP-Initiated Logout 1.0 §2: the hint must be an ID token we issued (an expired one is fine), and when both
        // are given, client_id must be its audience.
        auto claims = verifyIdTokenHint(hint, clientId);
        if (!claims)
            return logoutError(claims.error().message);
        const QStringList aud = audiences(claims->value(s("aud")));
        if (clientId.isEmpty())
            clientId = claims->value(s("azp")).toString().isEmpty() ? aud.value(0) : claims->value(s("azp")).toString();
    }

    std::optional<Client> client;
    if (!clientId.isEmpty()) {
        client = m_context.clients.find(clientId);
        if (!client)
            return logoutError(QStringLiteral("No client is registered with the id '%1'.").arg(clientId));
    }
    const QString redirect = params.value(s("post_logout_redirect_uri"));
    if (!redirect.isEmpty()) {
        // §3: the URI must exactly match one registered for the client, which the request must therefore name.
        if (!client)
            return logoutError(
                s("post_logout_redirect_uri needs an id_token_hint or a client_id to check it against."));
        if (!client->postLogoutRedirectUris.contains(redirect))
            return logoutError(QStringLiteral("'%1' is not a registered post-logout redirect URI of the client '%2'.")
                                   .arg(redirect, client->name));
    }

    m_authorize.endSession(request);
    Response r;
    if (!redirect.isEmpty()) {
        QUrl target(redirect);
        QString location = redirect;
        const QString state = params.value(s("state"));
        if (!state.isEmpty()) // §3: state is passed back unchanged
            location += (target.hasQuery() ? QLatin1Char('&') : QLatin1Char('?')) + s("state=")
                + QString::fromLatin1(FormParams::encodeComponent(state));
        r = Response::redirect(location, 303);
    } else {
        r = Response::html(200,
            Pages::render(s("signed_out"),
                {{s("title"), s("Signed out")}, {s("client_name"), client ? client->name : s("the application")}}));
    }
    r.withCookie(AuthorizeEndpoint::sessionCookieName(), {}, s("/"), s("Lax"), m_context.secureCookies(), 0);
    if (client)
        r.clientId = client->clientId;
    return r;
}

} // namespace oauthdesk::oauth
