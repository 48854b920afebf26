#pragma once

#include "crypto/SigningKey.h"
#include "storage/Database.h"
#include "storage/Types.h"

#include <QJsonObject>
#include <QList>

#include <memory>

namespace oauthdesk {

// One row of signing_keys as the window and the command line see it: never the private half.
struct KeyRecord
{
    QString kid;
    crypto::Alg alg = crypto::Alg::RS256;
    qint64 createdAt = 0; // ms since the epoch
    qint64 retiredAt = 0; // 0 while the key signs new tokens
    QJsonObject publicJwk;

    bool isActive() const { return retiredAt == 0; }
};

// The server's signing keys: created on first use, rotated on request, published as a JWK Set (RFC 7517 §5).
// Private keys stay in the database; nothing here returns one except activeKey(), which signs.
class KeyStore final
{
public:
    explicit KeyStore(std::shared_ptr<Database> db);

    // The newest active key for alg; generates one (kid = RFC 7638 thumbprint) on first use and stores it.
    Result<crypto::SigningKey> activeKey(crypto::Alg alg);
    // Newest first, retired keys included.
    Result<QList<KeyRecord>> list() const;
    // Retires every active key and creates a new one per algorithm in use (RS256 at least); returns the new ones.
    Result<QList<KeyRecord>> rotate();
    // {"keys":[...]}: active keys plus retired keys retired less than retainRetiredMs ago, so tokens they signed
    // still verify until those tokens expire.
    Result<QJsonObject> jwks(qint64 retainRetiredMs) const;

    // How long a retired key must stay published: the longest lifetime of a token it may have signed.
    static qint64 retentionMs(int defaultAccessSecs, const QList<Client> &clients, int idTokenSecs);

private:
    Result<QList<KeyRecord>> select(const QString &where, const QVariantList &binds) const;
    Status store(const crypto::SigningKey &key, qint64 createdAt);

    std::shared_ptr<Database> m_db;
};

} // namespace oauthdesk
