#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace oauthdesk::crypto {

// The JWS algorithms we sign with (RFC 7518 §3.1, RFC 8037 §3.1). HMAC is left out on purpose: a server that
// publishes a JWKS must never accept a symmetric algorithm for the same tokens (RFC 8725 §2.1).
enum class Alg {
    RS256,
    ES256,
    EdDSA,
};

// The "alg" header value, e.g. "RS256".
QString algName(Alg alg);
std::optional<Alg> algFromName(const QString &name);

// A private signing key and its public half as PEM (PKCS#8 and SubjectPublicKeyInfo), with its JWK "kid".
struct SigningKey
{
    Alg alg = Alg::RS256;
    QString kid; // empty: signJws() writes no "kid" header
    QByteArray privatePem; // PKCS#8, unencrypted: the caller keeps it out of logs and exports
    QByteArray publicPem;
};

// A fresh key: RSA 2048 for RS256, P-256 for ES256, Ed25519 for EdDSA. An empty kid becomes the RFC 7638 thumbprint.
[[nodiscard]] Result<SigningKey> generateKey(Alg alg, const QString &kid = {});

// Imports a PEM private key (PKCS#8 or the traditional RSA/EC forms) and checks it suits alg.
// An empty kid becomes the RFC 7638 thumbprint.
[[nodiscard]] Result<SigningKey> keyFromPem(Alg alg, const QByteArray &privatePem, const QString &kid = {});

// Imports a private JWK (RFC 7517, RFC 7518 §6, RFC 8037 §2). "alg" is taken from the JWK or inferred from kty/crv;
// "kid" from the JWK, else the RFC 7638 thumbprint.
[[nodiscard]] Result<SigningKey> keyFromJwk(const QJsonObject &privateJwk);

// The public JWK to publish in the JWKS: kty, kid, use "sig", alg and the key members. Empty if the key is unreadable.
QJsonObject publicJwk(const SigningKey &key);

// RFC 7638 thumbprint (base64url SHA-256 of the required members). Empty if kty is unsupported or a member is missing.
QString jwkThumbprint(const QJsonObject &publicJwk);

} // namespace oauthdesk::crypto
