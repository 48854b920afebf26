#include "crypto/SigningKey.h"

#include "crypto/OpenSslKey.h"
#include "crypto/Random.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <vector>

namespace oauthdesk::crypto {

using namespace detail;

namespace {

// RFC 7518 §3.3: a key of 2048 bits or larger MUST be used with RS256.
constexpr int minimumRsaBits = 2048;
// RFC 7518 §6.2.1.2: P-256 coordinates are always the full 32 octets.
constexpr qsizetype p256FieldSize = 32;
// RFC 8037 §2: Ed25519 public and private keys are 32 octets.
constexpr qsizetype ed25519KeySize = 32;

QString jwkText(const QJsonObject &jwk, const char *name)
{
    return jwk.value(QLatin1String(name)).toString();
}

// A base64url JWK member as bytes, with the member named in any error.
Result<QByteArray> jwkBytes(const QJsonObject &jwk, const char *name)
{
    const QJsonValue value = jwk.value(QLatin1String(name));
    if (!value.isString())
        return fail(
            Error::invalid(QStringLiteral("JWK member \"%1\" is missing or not a string").arg(QLatin1String(name))));
    const std::optional<QByteArray> bytes = decodeBase64Url(value.toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return fail(
            Error::invalid(QStringLiteral("JWK member \"%1\" is not valid base64url").arg(QLatin1String(name))));
    return *bytes;
}

Result<QByteArray> jwkFixedBytes(const QJsonObject &jwk, const char *name, qsizetype size)
{
    Result<QByteArray> bytes = jwkBytes(jwk, name);
    if (bytes && bytes->size() != size)
        return fail(Error::invalid(QStringLiteral("JWK member \"%1\" must be %2 bytes, not %3")
                                       .arg(QLatin1String(name))
                                       .arg(size)
                                       .arg(bytes->size())));
    return bytes;
}

const unsigned char *bytesOf(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, size) : QByteArray();
}

BnPtr toBignum(const QByteArray &bigEndian)
{
    return BnPtr(BN_bin2bn(bytesOf(bigEndian), static_cast<int>(bigEndian.size()), nullptr));
}

// Big-endian unsigned without leading zero octets (RFC 7518 §6.3.1.1), or left-padded to `width` when given.
QByteArray bignumBytes(const BIGNUM *bn, int width = 0)
{
    const int size = width > 0 ? width : BN_num_bytes(bn);
    QByteArray out(size, '\0');
    auto *target = reinterpret_cast<unsigned char *>(out.data());
    const int written = width > 0 ? BN_bn2binpad(bn, target, width) : BN_bn2bin(bn, target);
    return written == size ? out : QByteArray();
}

QByteArray bignumParam(const EVP_PKEY *pkey, const char *name, int width = 0)
{
    BIGNUM *raw = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1)
        return {};
    const BnPtr bn(raw);
    return bignumBytes(bn.get(), width);
}

QString b64(const QByteArray &data)
{
    return QString::fromLatin1(base64Url(data));
}

bool isP256(const EVP_PKEY *pkey)
{
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1)
        return false;
    return OBJ_txt2nid(group) == NID_X9_62_prime256v1;
}

// Refuses a key whose type or size does not match the algorithm it is to sign or verify with.
Status checkKeyFits(const EVP_PKEY *pkey, Alg alg)
{
    switch (alg) {
    case Alg::RS256:
        if (!EVP_PKEY_is_a(pkey, "RSA"))
            return fail(Error::invalid(QStringLiteral("RS256 needs an RSA key")));
        if (EVP_PKEY_get_bits(pkey) < minimumRsaBits)
            return fail(Error::invalid(
                QStringLiteral("RS256 needs an RSA key of at least %1 bits (RFC 7518 §3.3)").arg(minimumRsaBits)));
        return {};
    case Alg::ES256:
        // RFC 7518 §3.4: ES256 is ECDSA on P-256 only.
        if (!EVP_PKEY_is_a(pkey, "EC") || !isP256(pkey))
            return fail(Error::invalid(QStringLiteral("ES256 needs an EC key on curve P-256")));
        return {};
    case Alg::EdDSA:
        // RFC 8037 §3.1: we support EdDSA with Ed25519 only, not Ed448.
        if (!EVP_PKEY_is_a(pkey, "ED25519"))
            return fail(Error::invalid(QStringLiteral("EdDSA needs an Ed25519 key")));
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown signing algorithm")));
}

// kty and the key members of a public JWK (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2); empty on failure.
QJsonObject publicMembers(const EVP_PKEY *pkey, Alg alg)
{
    QJsonObject jwk;
    switch (alg) {
    case Alg::RS256: {
        const QByteArray n = bignumParam(pkey, OSSL_PKEY_PARAM_RSA_N);
        const QByteArray e = bignumParam(pkey, OSSL_PKEY_PARAM_RSA_E);
        if (n.isEmpty() || e.isEmpty())
            return {};
        jwk.insert(QStringLiteral("kty"), QStringLiteral("RSA"));
        jwk.insert(QStringLiteral("n"), b64(n));
        jwk.insert(QStringLiteral("e"), b64(e));
        break;
    }
    case Alg::ES256: {
        const QByteArray x = bignumParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, p256FieldSize);
        const QByteArray y = bignumParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, p256FieldSize);
        if (x.isEmpty() || y.isEmpty())
            return {};
        jwk.insert(QStringLiteral("kty"), QStringLiteral("EC"));
        jwk.insert(QStringLiteral("crv"), QStringLiteral("P-256"));
        jwk.insert(QStringLiteral("x"), b64(x));
        jwk.insert(QStringLiteral("y"), b64(y));
        break;
    }
    case Alg::EdDSA: {
        QByteArray x(ed25519KeySize, '\0');
        size_t length = static_cast<size_t>(x.size());
        if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char *>(x.data()), &length) != 1
            || length != static_cast<size_t>(ed25519KeySize))
            return {};
        jwk.insert(QStringLiteral("kty"), QStringLiteral("OKP"));
        jwk.insert(QStringLiteral("crv"), QStringLiteral("Ed25519"));
        jwk.insert(QStringLiteral("x"), b64(x));
        break;
    }
    }
    ERR_clear_error();
    return jwk;
}

Result<QByteArray> writePem(EVP_PKEY *pkey, bool privatePart)
{
    const BioPtr bio(BIO_new(BIO_s_mem()));
    // PEM_write_bio_PrivateKey writes unencrypted PKCS#8 ("BEGIN PRIVATE KEY") for every key type.
    int ok = 0;
    if (bio) {
        ok = privatePart ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
                         : PEM_write_bio_PUBKEY(bio.get(), pkey);
    }
    const QByteArray pem = ok == 1 ? bioContents(bio.get()) : QByteArray();
    if (pem.isEmpty())
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not write the key as PEM"))));
    return pem;
}

// Checks the key against alg and turns it into a SigningKey, deriving the kid when none is given.
Result<SigningKey> makeSigningKey(EVP_PKEY *pkey, Alg alg, const QString &kid)
{
    if (Status fits = checkKeyFits(pkey, alg); !fits)
        return fail(fits.error());
    Result<QByteArray> privatePem = writePem(pkey, true);
    if (!privatePem)
        return fail(privatePem.error());
    Result<QByteArray> publicPem = writePem(pkey, false);
    if (!publicPem)
        return fail(publicPem.error());
    SigningKey key;
    key.alg = alg;
    key.privatePem = *privatePem;
    key.publicPem = *publicPem;
    key.kid = kid;
    if (key.kid.isEmpty()) {
        // RFC 7638 §1: the thumbprint is a kid that anyone holding the public key can recompute.
        key.kid = jwkThumbprint(publicMembers(pkey, alg));
        if (key.kid.isEmpty())
            return fail(Error::invalid(QStringLiteral("could not compute the key's JWK thumbprint")));
    }
    return key;
}

Result<PkeyPtr> pkeyFromParams(const char *type, int selection, OSSL_PARAM_BLD *builder, const QString &what)
{
    const ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
    const PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1 || !raw)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("invalid %1").arg(what))));
    PkeyPtr pkey(raw);
    // fromdata trusts its input; the checks catch points off the curve and private halves that do not match.
    const PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    const bool valid = check
        && (selection == EVP_PKEY_KEYPAIR ? EVP_PKEY_pairwise_check(check.get()) : EVP_PKEY_public_check(check.get()))
            == 1;
    if (!valid)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("inconsistent %1").arg(what))));
    return pkey;
}

// Bignums pushed to an OSSL_PARAM_BLD are read only when the params are built, so they must outlive the builder.
struct BignumParams
{
    ParamBldPtr builder{OSSL_PARAM_BLD_new()};
    std::vector<BnPtr> numbers;

    bool push(const char *name, const QByteArray &bigEndian)
    {
        BnPtr bn = toBignum(bigEndian);
        if (!builder || !bn || OSSL_PARAM_BLD_push_BN(builder.get(), name, bn.get()) != 1)
            return false;
        numbers.push_back(std::move(bn));
        return true;
    }
};

Result<PkeyPtr> rsaFromJwk(const QJsonObject &jwk, bool withPrivate)
{
    // RFC 7518 §6.3: n and e; for a private key d and, since we sign with CRT, p, q, dp, dq and qi.
    static constexpr const char *publicNames[][2] = {{"n", OSSL_PKEY_PARAM_RSA_N}, {"e", OSSL_PKEY_PARAM_RSA_E}};
    static constexpr const char *privateNames[][2] = {
        {"d", OSSL_PKEY_PARAM_RSA_D},
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    if (withPrivate && jwk.contains(QStringLiteral("oth")))
        return fail(Error::invalid(QStringLiteral("multi-prime RSA keys (\"oth\") are not supported")));
    BignumParams params;
    const auto pushAll = [&](const auto &names) -> Status {
        for (const auto &[member, param] : names) {
            Result<QByteArray> bytes = jwkBytes(jwk, member);
            if (!bytes)
                return fail(bytes.error());
            if (!params.push(param, *bytes))
                return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not read the RSA JWK"))));
        }
        return {};
    };
    if (Status pushed = pushAll(publicNames); !pushed)
        return fail(pushed.error());
    if (withPrivate) {
        if (Status pushed = pushAll(privateNames); !pushed)
            return fail(pushed.error());
    }
    return pkeyFromParams(
        "RSA", withPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.builder.get(), QStringLiteral("RSA JWK"));
}

Result<PkeyPtr> ecFromJwk(const QJsonObject &jwk, bool withPrivate)
{
    if (jwkText(jwk, "crv") != QLatin1String("P-256"))
        return fail(Error::invalid(
            QStringLiteral("EC JWK curve \"%1\" is not supported, only P-256").arg(jwkText(jwk, "crv"))));
    Result<QByteArray> x = jwkFixedBytes(jwk, "x", p256FieldSize);
    if (!x)
        return fail(x.error());
    Result<QByteArray> y = jwkFixedBytes(jwk, "y", p256FieldSize);
    if (!y)
        return fail(y.error());
    // SEC 1 §2.3.3: an uncompressed point is 0x04 || x || y.
    const QByteArray point = QByteArray(1, '\x04') + *x + *y;
    BignumParams params;
    static constexpr char group[] = "prime256v1";
    if (!params.builder
        || OSSL_PARAM_BLD_push_utf8_string(params.builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(
               params.builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(), static_cast<size_t>(point.size()))
            != 1)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not read the EC JWK"))));
    if (withPrivate) {
        Result<QByteArray> d = jwkFixedBytes(jwk, "d", p256FieldSize);
        if (!d)
            return fail(d.error());
        if (!params.push(OSSL_PKEY_PARAM_PRIV_KEY, *d))
            return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not read the EC JWK"))));
    }
    // The point bytes stay alive until here, where the builder copies them into the params.
    return pkeyFromParams(
        "EC", withPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.builder.get(), QStringLiteral("EC JWK"));
}

Result<PkeyPtr> okpFromJwk(const QJsonObject &jwk, bool withPrivate)
{
    if (jwkText(jwk, "crv") != QLatin1String("Ed25519"))
        return fail(Error::invalid(
            QStringLiteral("OKP JWK curve \"%1\" is not supported, only Ed25519").arg(jwkText(jwk, "crv"))));
    Result<QByteArray> x = jwkFixedBytes(jwk, "x", ed25519KeySize);
    if (!x)
        return fail(x.error());
    if (!withPrivate) {
        PkeyPtr pkey(
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytesOf(*x), static_cast<size_t>(x->size())));
        if (!pkey)
            return fail(Error::invalid(takeOpenSslError(QStringLiteral("invalid Ed25519 public key"))));
        return pkey;
    }
    Result<QByteArray> d = jwkFixedBytes(jwk, "d", ed25519KeySize);
    if (!d)
        return fail(d.error());
    PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytesOf(*d), static_cast<size_t>(d->size())));
    if (!pkey)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("invalid Ed25519 private key"))));
    // RFC 8037 §2: x is derived from d; a JWK whose x disagrees would publish a key that verifies nothing.
    if (publicMembers(pkey.get(), Alg::EdDSA).value(QStringLiteral("x")).toString() != jwkText(jwk, "x"))
        return fail(Error::invalid(QStringLiteral("Ed25519 JWK \"x\" does not match its private key \"d\"")));
    return pkey;
}

// Which algorithm a JWK's kty and crv allow, when the JWK has no "alg" (RFC 7517 §4.4 makes "alg" optional).
std::optional<Alg> algForKeyType(const QJsonObject &jwk)
{
    const QString kty = jwkText(jwk, "kty");
    const QString crv = jwkText(jwk, "crv");
    if (kty == QLatin1String("RSA"))
        return Alg::RS256;
    if (kty == QLatin1String("EC") && crv == QLatin1String("P-256"))
        return Alg::ES256;
    if (kty == QLatin1String("OKP") && crv == QLatin1String("Ed25519"))
        return Alg::EdDSA;
    return std::nullopt;
}

Result<PkeyPtr> pkeyFromJwk(const QJsonObject &jwk, Alg alg, bool withPrivate)
{
    const QString kty = jwkText(jwk, "kty");
    Result<PkeyPtr> pkey = fail(Error::invalid(QStringLiteral("unknown signing algorithm")));
    if (alg == Alg::RS256 && kty == QLatin1String("RSA"))
        pkey = rsaFromJwk(jwk, withPrivate);
    else if (alg == Alg::ES256 && kty == QLatin1String("EC"))
        pkey = ecFromJwk(jwk, withPrivate);
    else if (alg == Alg::EdDSA && kty == QLatin1String("OKP"))
        pkey = okpFromJwk(jwk, withPrivate);
    else // RFC 7518 §3.1 and RFC 8037 §3.1: each algorithm works with one key type only.
        return fail(Error::invalid(QStringLiteral("a JWK of kty \"%1\" cannot be used with %2")
                                       .arg(kty.isEmpty() ? QStringLiteral("(none)") : kty, algName(alg))));
    if (!pkey)
        return pkey;
    if (Status fits = checkKeyFits(pkey->get(), alg); !fits)
        return fail(fits.error());
    return pkey;
}

} // namespace

QString algName(Alg alg)
{
    switch (alg) {
    case Alg::RS256:
        return QStringLiteral("RS256");
    case Alg::ES256:
        return QStringLiteral("ES256");
    case Alg::EdDSA:
        return QStringLiteral("EdDSA");
    }
    return {};
}

std::optional<Alg> algFromName(const QString &name)
{
    // RFC 7515 §4.1.1: "alg" values are case-sensitive.
    for (Alg alg : {Alg::RS256, Alg::ES256, Alg::EdDSA}) {
        if (name == algName(alg))
            return alg;
    }
    return std::nullopt;
}

Result<SigningKey> generateKey(Alg alg, const QString &kid)
{
    EVP_PKEY *raw = nullptr;
    switch (alg) {
    case Alg::RS256:
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(minimumRsaBits));
        break;
    case Alg::ES256:
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case Alg::EdDSA:
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    }
    const PkeyPtr pkey(raw);
    if (!pkey)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("%1 key generation failed").arg(algName(alg)))));
    return makeSigningKey(pkey.get(), alg, kid);
}

Result<SigningKey> keyFromPem(Alg alg, const QByteArray &privatePem, const QString &kid)
{
    Result<PkeyPtr> pkey = loadPrivateKey(SigningKey{alg, kid, privatePem, {}});
    if (!pkey)
        return fail(pkey.error());
    return makeSigningKey(pkey->get(), alg, kid);
}

Result<SigningKey> keyFromJwk(const QJsonObject &privateJwk)
{
    std::optional<Alg> alg = algForKeyType(privateJwk);
    if (privateJwk.contains(QStringLiteral("alg"))) {
        alg = algFromName(jwkText(privateJwk, "alg"));
        if (!alg)
            return fail(
                Error::invalid(QStringLiteral("JWK alg \"%1\" is not supported").arg(jwkText(privateJwk, "alg"))));
    }
    if (!alg)
        return fail(Error::invalid(QStringLiteral("JWK kty \"%1\" with crv \"%2\" is not supported")
                                       .arg(jwkText(privateJwk, "kty"), jwkText(privateJwk, "crv"))));
    if (!privateJwk.contains(QStringLiteral("d")))
        return fail(Error::invalid(QStringLiteral("the JWK has no private key member \"d\"")));
    Result<PkeyPtr> pkey = pkeyFromJwk(privateJwk, *alg, true);
    if (!pkey)
        return fail(pkey.error());
    return makeSigningKey(pkey->get(), *alg, jwkText(privateJwk, "kid"));
}

QJsonObject publicJwk(const SigningKey &key)
{
    const BioPtr bio(BIO_new_mem_buf(key.publicPem.constData(), static_cast<int>(key.publicPem.size())));
    const PkeyPtr pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!pkey || !checkKeyFits(pkey.get(), key.alg)) {
        ERR_clear_error();
        return {};
    }
    QJsonObject jwk = publicMembers(pkey.get(), key.alg);
    if (jwk.isEmpty())
        return {};
    // RFC 7517 §4.2, §4.4, §4.5: say what the key is for, so a verifier never tries it with another algorithm.
    jwk.insert(QStringLiteral("use"), QStringLiteral("sig"));
    jwk.insert(QStringLiteral("alg"), algName(key.alg));
    if (!key.kid.isEmpty())
        jwk.insert(QStringLiteral("kid"), key.kid);
    return jwk;
}

QString jwkThumbprint(const QJsonObject &publicJwk)
{
    // RFC 7638 §3.2: only the required members, in lexicographic order.
    const QString kty = jwkText(publicJwk, "kty");
    QStringList members;
    if (kty == QLatin1String("RSA"))
        members = {QStringLiteral("e"), QStringLiteral("kty"), QStringLiteral("n")};
    else if (kty == QLatin1String("EC"))
        members = {QStringLiteral("crv"), QStringLiteral("kty"), QStringLiteral("x"), QStringLiteral("y")};
    else if (kty == QLatin1String("OKP")) // RFC 8037 §2
        members = {QStringLiteral("crv"), QStringLiteral("kty"), QStringLiteral("x")};
    else
        return {};

    // RFC 7638 §3.3: no whitespace, and string values written as JSON strings in UTF-8.
    QByteArray canonical = "{";
    for (const QString &name : members) {
        const QJsonValue value = publicJwk.value(name);
        if (!value.isString() || value.toString().isEmpty())
            return {};
        const QByteArray quoted = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        if (canonical.size() > 1)
            canonical += ',';
        canonical += '"' + name.toUtf8() + "\":" + quoted.mid(1, quoted.size() - 2);
    }
    canonical += '}';
    return b64(sha256(canonical));
}

namespace detail {

std::optional<QByteArray> decodeBase64Url(const QByteArray &text)
{
    bool ok = false;
    QByteArray decoded = fromBase64Url(text, &ok);
    // Re-encoding must give the input back: this refuses padding, whitespace, '+' and '/', and stray low bits.
    if (!ok || base64Url(decoded) != text)
        return std::nullopt;
    return decoded;
}

QString takeOpenSslError(const QString &fallback)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    const char *reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    if (!reason)
        return fallback;
    return fallback + QStringLiteral(" (") + QString::fromLatin1(reason) + QLatin1Char(')');
}

Result<PkeyPtr> loadPrivateKey(const SigningKey &key)
{
    if (key.privatePem.isEmpty())
        return fail(Error::invalid(QStringLiteral("the signing key has no private key")));
    const BioPtr bio(BIO_new_mem_buf(key.privatePem.constData(), static_cast<int>(key.privatePem.size())));
    // A callback that supplies no passphrase: without it OpenSSL would prompt on the terminal for encrypted PEM.
    const auto noPassphrase = [](char *, int, int, void *) -> int { return 0; };
    PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!pkey)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("not a readable, unencrypted PEM private key"))));
    if (Status fits = checkKeyFits(pkey.get(), key.alg); !fits)
        return fail(fits.error());
    return pkey;
}

Result<PkeyPtr> publicKeyFromJwk(const QJsonObject &jwk, Alg alg)
{
    return pkeyFromJwk(jwk, alg, false);
}

} // namespace detail

} // namespace oauthdesk::crypto
