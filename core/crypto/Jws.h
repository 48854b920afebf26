#pragma once

#include "crypto/SigningKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace oauthdesk::crypto {

// The three parts of a compact JWS, decoded but not verified.
struct DecodedJws
{
    QJsonObject header;
    QByteArray payload; // raw bytes: a JWS payload need not be JSON
    QByteArray signature; // raw bytes, r||s for ES256
};

// A JWT's header and claims, decoded but not verified: for the token inspector only.
struct DecodedJwt
{
    QJsonObject header;
    QJsonObject claims;
};

// Signs payload into a compact JWS "b64url(header).b64url(payload).b64url(signature)" (RFC 7515 §7.1).
// Fills "alg" and, when the key has one, "kid" into the header if missing; the caller sets "typ" ("JWT", "at+jwt").
[[nodiscard]] Result<QByteArray> signJws(const SigningKey &key, const QJsonObject &header, const QByteArray &payload);

// Verifies a compact JWS against a set of public JWKs and returns the raw payload.
// The key is chosen by "kid", or, without a kid, the only key that fits "alg". "none", HMAC and any algorithm the
// chosen key does not carry are rejected (RFC 8725 §3.1).
[[nodiscard]] Result<QByteArray> verifyJwsPayload(const QByteArray &compact, const QList<QJsonObject> &publicJwks);

// verifyJwsPayload() for a JWT: the payload must be a JSON object, which is returned.
[[nodiscard]] Result<QJsonObject> verifyJws(const QByteArray &compact, const QList<QJsonObject> &publicJwks);

// Splits and base64url-decodes a compact JWS without checking the signature.
[[nodiscard]] Result<DecodedJws> decodeJws(const QByteArray &compact);

// decodeJws() for a JWT: header and payload must both be JSON objects. Nothing is verified.
[[nodiscard]] Result<DecodedJwt> decodeJwt(const QByteArray &compact);

// OpenID Connect Core §3.1.3.6 at_hash / §3.3.2.11 c_hash: base64url of the left half of the hash of the token's
// ASCII octets. The hash is SHA-256 for RS256 and ES256. For EdDSA with Ed25519 it is SHA-512, as the OpenID
// Foundation's guidance for Ed25519 and common providers do.
QString halfHashClaim(Alg alg, const QByteArray &token);

} // namespace oauthdesk::crypto
