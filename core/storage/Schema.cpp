#include "storage/Schema.h"

namespace oauthdesk {

namespace {

// Created in the main file by version 2; it moved to a file of its own (requestLogMigrations) in version 4.
constexpr char RequestLogTable[] = R"(CREATE TABLE request_log (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            client_id TEXT,
            remote TEXT,
            request_headers TEXT,
            request_body TEXT,
            response_headers TEXT,
            response_body TEXT))";

} // namespace

QList<QStringList> schemaMigrations(const TableNames &t)
{
    auto sql = [&t](const char *text) {
        return QString::fromLatin1(text)
            .replace(QLatin1String("{clients}"), t.clients)
            .replace(QLatin1String("{access_tokens}"), t.accessTokens)
            .replace(QLatin1String("{refresh_tokens}"), t.refreshTokens)
            .replace(QLatin1String("{auth_codes}"), t.authCodes);
    };

    // Version 1: the four collections of the Meteor package, plus test users.
    const QStringList v1 = {
        sql(R"(CREATE TABLE {clients} (
            client_id TEXT PRIMARY KEY NOT NULL,
            client_secret TEXT,
            client_name TEXT NOT NULL,
            redirect_uris TEXT NOT NULL DEFAULT '[]',
            grant_types TEXT NOT NULL DEFAULT '[]',
            scopes TEXT NOT NULL DEFAULT '[]',
            token_endpoint_auth_method TEXT NOT NULL,
            auth_method_pinned INTEGER NOT NULL DEFAULT 0,
            is_public INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            auto_approve_user TEXT,
            access_token_ttl INTEGER,
            refresh_token_ttl INTEGER,
            code_ttl INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL))"),
        sql(R"(CREATE TABLE users (
            username TEXT PRIMARY KEY NOT NULL,
            password_hash TEXT,
            claims TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL))"),
        sql(R"(CREATE TABLE {auth_codes} (
            id INTEGER PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            client_id TEXT NOT NULL REFERENCES {clients}(client_id) ON DELETE CASCADE,
            username TEXT REFERENCES users(username) ON DELETE CASCADE,
            redirect_uri TEXT,
            scope TEXT NOT NULL DEFAULT '',
            code_challenge TEXT,
            code_challenge_method TEXT,
            grant_id TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            revoked_at INTEGER))"),
        sql(R"(CREATE TABLE {access_tokens} (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            client_id TEXT NOT NULL REFERENCES {clients}(client_id) ON DELETE CASCADE,
            username TEXT REFERENCES users(username) ON DELETE CASCADE,
            scope TEXT NOT NULL DEFAULT '',
            grant_id TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER))"),
        sql(R"(CREATE TABLE {refresh_tokens} (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            client_id TEXT NOT NULL REFERENCES {clients}(client_id) ON DELETE CASCADE,
            username TEXT REFERENCES users(username) ON DELETE CASCADE,
            scope TEXT NOT NULL DEFAULT '',
            grant_id TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER,
            rotated_at INTEGER))"),
        sql("CREATE INDEX {auth_codes}_grant ON {auth_codes}(grant_id)"),
        sql("CREATE INDEX {access_tokens}_grant ON {access_tokens}(grant_id)"),
        sql("CREATE INDEX {access_tokens}_client ON {access_tokens}(client_id)"),
        sql("CREATE INDEX {access_tokens}_user ON {access_tokens}(username)"),
        sql("CREATE INDEX {access_tokens}_prefix ON {access_tokens}(prefix)"),
        sql("CREATE INDEX {refresh_tokens}_grant ON {refresh_tokens}(grant_id)"),
        sql("CREATE INDEX {refresh_tokens}_client ON {refresh_tokens}(client_id)"),
        sql("CREATE INDEX {refresh_tokens}_user ON {refresh_tokens}(username)"),
        sql("CREATE INDEX {refresh_tokens}_prefix ON {refresh_tokens}(prefix)"),
        sql("CREATE INDEX {auth_codes}_client ON {auth_codes}(client_id)"),
    };

    // Version 2: OpenID Connect, PKCE policy, JWT access tokens, consents, keys, the request log, device codes.
    const QStringList v2 = {
        sql("ALTER TABLE {clients} ADD COLUMN pkce_required INTEGER NOT NULL DEFAULT 0"),
        sql("ALTER TABLE {clients} ADD COLUMN pkce_allow_plain INTEGER NOT NULL DEFAULT 0"),
        sql("ALTER TABLE {clients} ADD COLUMN refresh_rotation INTEGER NOT NULL DEFAULT 1"),
        sql("ALTER TABLE {clients} ADD COLUMN access_token_format TEXT NOT NULL DEFAULT 'opaque'"),
        sql("ALTER TABLE {clients} ADD COLUMN id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256'"),
        sql("ALTER TABLE {clients} ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]'"),
        sql("ALTER TABLE users ADD COLUMN sub TEXT"),
        sql("UPDATE users SET sub = lower(hex(randomblob(16))) WHERE sub IS NULL"),
        sql("CREATE UNIQUE INDEX users_sub ON users(sub)"),
        sql("ALTER TABLE {auth_codes} ADD COLUMN nonce TEXT"),
        sql("ALTER TABLE {auth_codes} ADD COLUMN auth_time INTEGER"),
        sql("ALTER TABLE {access_tokens} ADD COLUMN jti TEXT"),
        sql("CREATE INDEX {access_tokens}_jti ON {access_tokens}(jti)"),
        sql(R"(CREATE TABLE consents (
            client_id TEXT NOT NULL REFERENCES {clients}(client_id) ON DELETE CASCADE,
            username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
            scope TEXT NOT NULL,
            granted_at INTEGER NOT NULL,
            PRIMARY KEY (client_id, username)))"),
        sql(R"(CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY NOT NULL,
            alg TEXT NOT NULL,
            private_pem BLOB NOT NULL,
            public_jwk TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            retired_at INTEGER))"),
        QString::fromLatin1(RequestLogTable),
        sql(R"(CREATE TABLE device_codes (
            id INTEGER PRIMARY KEY,
            device_code_hash TEXT NOT NULL UNIQUE,
            user_code TEXT NOT NULL UNIQUE,
            client_id TEXT NOT NULL REFERENCES {clients}(client_id) ON DELETE CASCADE,
            scope TEXT NOT NULL DEFAULT '',
            username TEXT REFERENCES users(username) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'pending',
            grant_id TEXT NOT NULL,
            interval_secs INTEGER NOT NULL,
            last_poll_at INTEGER,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL))"),
    };
    // Version 3: fewer indexes on the token tables. Every index is more pages written per issued token; the
    // prefix is only searched by people (a scan is fast enough), and user and jti are indexed where they exist.
    const QStringList v3 = {
        sql("DROP INDEX {access_tokens}_prefix"),
        sql("DROP INDEX {refresh_tokens}_prefix"),
        sql("DROP INDEX {access_tokens}_user"),
        sql("CREATE INDEX {access_tokens}_user ON {access_tokens}(username) WHERE username IS NOT NULL"),
        sql("DROP INDEX {refresh_tokens}_user"),
        sql("CREATE INDEX {refresh_tokens}_user ON {refresh_tokens}(username) WHERE username IS NOT NULL"),
        sql("DROP INDEX {access_tokens}_jti"),
        sql("CREATE INDEX {access_tokens}_jti ON {access_tokens}(jti) WHERE jti IS NOT NULL"),
    };
    // Version 4: the request log leaves this file. Its writer commits several times a second, and each of those
    // commits held the lock that the server's token writes wait for. It now has a file of its own.
    // Its rows wait under another name until the server's log writer next starts and moves them over.
    const QStringList v4 = {QStringLiteral("ALTER TABLE request_log RENAME TO request_log_v3")};
    return {v1, v2, v3, v4};
}

QList<QStringList> requestLogMigrations()
{
    return {{QString::fromLatin1(RequestLogTable)}};
}

} // namespace oauthdesk
