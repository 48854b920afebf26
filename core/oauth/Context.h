#pragma once

#include "storage/ClientStore.h"
#include "storage/Config.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace oauthdesk::oauth {

// What every endpoint shares: the stores of this thread's database, the config and the issuer.
struct Context
{
    std::shared_ptr<Database> db;
    Config config;
    QString issuer;
    ClientStore clients;
    UserStore users;
    TokenStore tokens;

    // OpenID Connect hooks: set by the OIDC provider when it is installed.
    std::function<QString(const Client &, const User &, const QString &scope, const QString &nonce, qint64 authTime,
        const QString &accessToken)>
        makeIdToken;
    std::function<QString(const Client &, TokenRecord &record)> makeJwtAccessToken; // sets record.jti
    std::function<std::optional<QString>(const QString &jwt)> jtiOfJwt; // verified JWT -> jti
    // An ID token this server signed (expired or not), for `clientId` when that is not empty -> its claims, or why
    // it is not one.
    std::function<Result<QJsonObject>(const QString &idToken, const QString &clientId)> verifyIdTokenHint;

    Context(std::shared_ptr<Database> database, Config cfg, QString iss)
        : db(database)
        , config(std::move(cfg))
        , issuer(std::move(iss))
        , clients(database, Caching::On)
        , users(database, Caching::On)
        , tokens(database, Caching::On)
    { }

    // Cookies get the Secure attribute when the server is served over https.
    bool secureCookies() const { return issuer.startsWith(QLatin1String("https:")); }

    int accessTtl(const Client &c) const
    {
        return c.accessTokenTtl > 0 ? c.accessTokenTtl : config.lifetimes.accessSecs;
    }
    int refreshTtl(const Client &c) const
    {
        return c.refreshTokenTtl > 0 ? c.refreshTokenTtl : config.lifetimes.refreshSecs;
    }
    int codeTtl(const Client &c) const { return c.codeTtl > 0 ? c.codeTtl : config.lifetimes.codeSecs; }
};

} // namespace oauthdesk::oauth
