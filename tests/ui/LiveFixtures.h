#pragma once

#include "storage/ClientStore.h"
#include "storage/Database.h"
#include "storage/TokenStore.h"
#include "storage/UserStore.h"
#include "util/Clock.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace oauthdesk::testing {

// A temporary database with two clients and two users, and a fast way to fill the token tables.
struct LiveDb
{
    QTemporaryDir dir;
    std::shared_ptr<Database> db;
    Client service; // confidential, client_credentials
    Client webApp; // authorization code + refresh token

    QString open()
    {
        if (!dir.isValid())
            return QStringLiteral("no temporary directory");
        auto opened = Database::open(dir.filePath(QStringLiteral("live.db")));
        if (!opened)
            return opened.error().message;
        db = *opened;
        ClientStore clients(db);
        Client s;
        s.clientId = QStringLiteral("billing-service");
        s.name = QStringLiteral("Billing service");
        s.grantTypes = {grant::ClientCredentials};
        s.scopes = {QStringLiteral("read"), QStringLiteral("write")};
        auto added = clients.add(s);
        if (!added)
            return added.error().message;
        service = *added;
        Client w;
        w.clientId = QStringLiteral("web-app");
        w.name = QStringLiteral("Web app");
        w.redirectUris = {QStringLiteral("http://localhost:3000/callback")};
        auto web = clients.add(w);
        if (!web)
            return web.error().message;
        webApp = *web;
        UserStore users(db);
        for (const QString &name : {QStringLiteral("alice"), QStringLiteral("bob")})
            if (auto u = users.add(name, QString(), {}); !u)
                return u.error().message;
        return {};
    }

    // Inserts `count` tokens of one kind in one transaction; returns the first error text.
    QString insertTokens(TokenKind kind, int count, const QString &clientId, const QString &username = {},
        qint64 lifetimeMs = 3600 * 1000)
    {
        TokenStore tokens(db);
        // Group commit, as the server thread does it: every issue() joins one transaction.
        db->setBatching(true);
        Status ok;
        for (int i = 0; i < count && ok; ++i) {
            {
                TokenRecord r;
                r.kind = kind;
                r.clientId = clientId;
                r.username = username;
                r.scope = QStringLiteral("read");
                r.issuedAt = Clock::nowMs();
                r.expiresAt = r.issuedAt + lifetimeMs;
                if (kind == TokenKind::AuthorizationCode)
                    r.redirectUri = QStringLiteral("http://localhost:3000/callback");
                if (auto issued = tokens.issue(r); !issued)
                    ok = fail(issued.error());
            }
        }
        if (ok)
            ok = db->commitBatch();
        else
            db->rollbackBatch();
        db->setBatching(false);
        return ok ? QString() : ok.error().message;
    }
};

} // namespace oauthdesk::testing
