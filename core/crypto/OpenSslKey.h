#pragma once

// Internal to core/crypto: OpenSSL ownership helpers and key construction shared by SigningKey.cpp and Jws.cpp.
// Nothing outside core/crypto includes this, so OpenSSL stays a private dependency of oauthdesk_core.

#include "crypto/SigningKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <optional>

namespace oauthdesk::crypto::detail {

// Frees an OpenSSL object with its own free function, so every handle is released on every return path.
template <auto FreeFunction> struct OpenSslDeleter
{
    template <typename T> void operator()(T *object) const noexcept { FreeFunction(object); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<&EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<&EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<&ECDSA_SIG_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<&OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<&OSSL_PARAM_free>>;

// Strict base64url (RFC 7515 §2): no padding, no whitespace, and only the canonical spelling, so one token has one
// encoding and a flipped unused bit cannot pass as the same signature.
std::optional<QByteArray> decodeBase64Url(const QByteArray &text);

// The oldest queued OpenSSL error as one line, or `fallback`; clears the queue so errors never leak to later calls.
QString takeOpenSslError(const QString &fallback);

// The private key of a SigningKey, checked against its algorithm.
Result<PkeyPtr> loadPrivateKey(const SigningKey &key);

// A public key rebuilt from a public JWK's members, checked against alg (kty, crv, sizes, point on the curve).
Result<PkeyPtr> publicKeyFromJwk(const QJsonObject &jwk, Alg alg);

} // namespace oauthdesk::crypto::detail
