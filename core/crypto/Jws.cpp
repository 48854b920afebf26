#include "crypto/Jws.h"

#include "crypto/OpenSslKey.h"
#include "crypto/Random.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonParseError>

#include <openssl/ecdsa.h>
#include <openssl/err.h>

namespace oauthdesk::crypto {

using namespace detail;

namespace {

// RFC 7518 §3.4: an ES256 signature is R and S as 32-octet big-endian integers, concatenated.
constexpr int es256HalfSize = 32;

const unsigned char *bytesOf(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

// RFC 8037 §3.1: Ed25519 signs the message itself (PureEdDSA), so no digest is named for it.
const EVP_MD *digestFor(Alg alg)
{
    return alg == Alg::EdDSA ? nullptr : EVP_sha256();
}

Result<QByteArray> signBytes(EVP_PKEY *pkey, Alg alg, const QByteArray &input)
{
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digestFor(alg), nullptr, pkey) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, bytesOf(input), static_cast<size_t>(input.size())) != 1)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("signing failed"))));
    QByteArray signature(static_cast<qsizetype>(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytesOf(input),
            static_cast<size_t>(input.size()))
        != 1)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("signing failed"))));
    signature.resize(static_cast<qsizetype>(length));
    return signature;
}

// OpenSSL writes ECDSA signatures as DER; JWS wants the fixed-size R || S of RFC 7518 §3.4.
Result<QByteArray> derToRawEcdsa(const QByteArray &der)
{
    const unsigned char *cursor = bytesOf(der);
    const EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
    if (!sig)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("OpenSSL returned an unreadable ECDSA signature"))));
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    QByteArray raw(2 * es256HalfSize, '\0');
    auto *target = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(r, target, es256HalfSize) != es256HalfSize
        || BN_bn2binpad(s, target + es256HalfSize, es256HalfSize) != es256HalfSize)
        return fail(Error::invalid(QStringLiteral("ECDSA signature values do not fit P-256")));
    return raw;
}

Result<QByteArray> rawEcdsaToDer(const QByteArray &raw)
{
    // RFC 7518 §3.4: anything but 64 octets is invalid, which also rules out a DER signature passed off as raw.
    if (raw.size() != 2 * es256HalfSize)
        return fail(Error::invalid(
            QStringLiteral("an ES256 signature must be %1 bytes, not %2").arg(2 * es256HalfSize).arg(raw.size())));
    BnPtr r(BN_bin2bn(bytesOf(raw), es256HalfSize, nullptr));
    BnPtr s(BN_bin2bn(bytesOf(raw) + es256HalfSize, es256HalfSize, nullptr));
    const EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not read the ES256 signature"))));
    // ECDSA_SIG_set0 took ownership of r and s.
    (void)r.release();
    (void)s.release();
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not encode the ES256 signature"))));
    QByteArray der(length, '\0');
    auto *cursor = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &cursor) != length)
        return fail(Error::invalid(takeOpenSslError(QStringLiteral("could not encode the ES256 signature"))));
    return der;
}

bool verifyBytes(EVP_PKEY *pkey, Alg alg, const QByteArray &input, const QByteArray &signature)
{
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digestFor(alg), nullptr, pkey) == 1
        && EVP_DigestVerify(ctx.get(), bytesOf(signature), static_cast<size_t>(signature.size()), bytesOf(input),
               static_cast<size_t>(input.size()))
            == 1;
    ERR_clear_error(); // a bad signature queues an error that is not ours to report
    return ok;
}

Result<QJsonObject> parseObject(const QByteArray &json, const QString &what)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(Error::invalid(QStringLiteral("the %1 is not valid JSON: %2").arg(what, error.errorString())));
    if (!document.isObject())
        return fail(Error::invalid(QStringLiteral("the %1 is not a JSON object").arg(what)));
    return document.object();
}

QString text(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString();
}

// Why a JWK may not verify signatures of alg, or an empty string when it may.
QString whyKeyDoesNotFit(const QJsonObject &jwk, Alg alg)
{
    // RFC 7517 §4.2: a key published for encryption must not verify signatures.
    if (jwk.contains(QStringLiteral("use")) && text(jwk, "use") != QLatin1String("sig"))
        return QStringLiteral("is for use \"%1\", not signatures").arg(text(jwk, "use"));
    // RFC 7517 §4.4: when the key names its algorithm, the JWS must use exactly that one.
    if (jwk.contains(QStringLiteral("alg"))) {
        if (text(jwk, "alg") != algName(alg))
            return QStringLiteral("is for alg %1").arg(text(jwk, "alg"));
        return {};
    }
    const QString kty = text(jwk, "kty");
    const QString crv = text(jwk, "crv");
    bool fits = false;
    switch (alg) {
    case Alg::RS256:
        fits = kty == QLatin1String("RSA");
        break;
    case Alg::ES256:
        fits = kty == QLatin1String("EC") && crv == QLatin1String("P-256");
        break;
    case Alg::EdDSA:
        fits = kty == QLatin1String("OKP") && crv == QLatin1String("Ed25519");
        break;
    }
    if (fits)
        return {};
    return QStringLiteral("has kty \"%1\"%2")
        .arg(kty, crv.isEmpty() ? QString() : QStringLiteral(" crv \"%1\"").arg(crv));
}

bool jwkFits(const QJsonObject &jwk, Alg alg)
{
    return whyKeyDoesNotFit(jwk, alg).isEmpty();
}

Result<QJsonObject> selectKey(const QJsonObject &header, Alg alg, const QList<QJsonObject> &jwks)
{
    if (header.contains(QStringLiteral("kid"))) {
        const QJsonValue kid = header.value(QStringLiteral("kid"));
        if (!kid.isString())
            return fail(Error::invalid(QStringLiteral("the JWS header \"kid\" is not a string")));
        // RFC 7515 §4.1.4 and RFC 7517 §4.5: kid picks the key; RFC 8725 §3.1: and the key fixes the algorithm.
        QList<QJsonObject> named;
        for (const QJsonObject &jwk : jwks) {
            if (jwk.value(QStringLiteral("kid")) == kid)
                named.append(jwk);
        }
        if (named.isEmpty())
            return fail(Error::invalid(QStringLiteral("no key has kid \"%1\"").arg(kid.toString())));
        QList<QJsonObject> fitting;
        for (const QJsonObject &jwk : named) {
            if (jwkFits(jwk, alg))
                fitting.append(jwk);
        }
        if (fitting.isEmpty())
            return fail(Error::invalid(QStringLiteral("the JWS says alg %1 but key \"%2\" %3")
                                           .arg(algName(alg), kid.toString(), whyKeyDoesNotFit(named.first(), alg))));
        if (fitting.size() > 1)
            return fail(Error::invalid(QStringLiteral("several keys have kid \"%1\"").arg(kid.toString())));
        return fitting.first();
    }
    QList<QJsonObject> fitting;
    for (const QJsonObject &jwk : jwks) {
        if (jwkFits(jwk, alg))
            fitting.append(jwk);
    }
    if (fitting.isEmpty())
        return fail(Error::invalid(QStringLiteral("no key fits alg %1").arg(algName(alg))));
    if (fitting.size() > 1)
        return fail(Error::invalid(
            QStringLiteral("the JWS has no kid and %1 keys fit alg %2").arg(fitting.size()).arg(algName(alg))));
    return fitting.first();
}

} // namespace

Result<QByteArray> signJws(const SigningKey &key, const QJsonObject &header, const QByteArray &payload)
{
    QJsonObject protectedHeader = header;
    const QString alg = algName(key.alg);
    if (!protectedHeader.contains(QStringLiteral("alg")))
        protectedHeader.insert(QStringLiteral("alg"), alg);
    else if (protectedHeader.value(QStringLiteral("alg")).toString() != alg)
        return fail(Error::invalid(QStringLiteral("the header says alg \"%1\" but the key is %2")
                                       .arg(protectedHeader.value(QStringLiteral("alg")).toString(), alg)));
    if (!protectedHeader.contains(QStringLiteral("kid")) && !key.kid.isEmpty())
        protectedHeader.insert(QStringLiteral("kid"), key.kid);

    Result<PkeyPtr> pkey = loadPrivateKey(key);
    if (!pkey)
        return fail(pkey.error());
    // RFC 7515 §5.1: the signing input is ASCII(BASE64URL(header) || '.' || BASE64URL(payload)).
    const QByteArray input
        = base64Url(QJsonDocument(protectedHeader).toJson(QJsonDocument::Compact)) + '.' + base64Url(payload);
    Result<QByteArray> signature = signBytes(pkey->get(), key.alg, input);
    if (signature && key.alg == Alg::ES256)
        signature = derToRawEcdsa(*signature);
    if (!signature)
        return fail(signature.error());
    return input + '.' + base64Url(*signature);
}

Result<DecodedJws> decodeJws(const QByteArray &compact)
{
    // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
    const QList<QByteArray> parts = compact.split('.');
    if (parts.size() == 5)
        return fail(Error::invalid(QStringLiteral("this has 5 parts: it is an encrypted JWE, not a JWS")));
    if (parts.size() != 3)
        return fail(Error::invalid(
            QStringLiteral("a compact JWS has 3 parts separated by '.', this has %1").arg(parts.size())));
    if (parts[0].isEmpty())
        return fail(Error::invalid(QStringLiteral("the JWS header is empty")));

    static const char *const names[] = {"header", "payload", "signature"};
    QByteArray decoded[3];
    for (int i = 0; i < 3; ++i) {
        const std::optional<QByteArray> bytes = decodeBase64Url(parts[i]);
        if (!bytes)
            return fail(
                Error::invalid(QStringLiteral("the JWS %1 is not valid base64url").arg(QLatin1String(names[i]))));
        decoded[i] = *bytes;
    }
    Result<QJsonObject> header = parseObject(decoded[0], QStringLiteral("JWS header"));
    if (!header)
        return fail(header.error());
    return DecodedJws{*header, decoded[1], decoded[2]};
}

Result<DecodedJwt> decodeJwt(const QByteArray &compact)
{
    // People paste tokens with a trailing newline; nothing is verified here, so tolerating it is harmless.
    Result<DecodedJws> jws = decodeJws(compact.trimmed());
    if (!jws)
        return fail(jws.error());
    Result<QJsonObject> claims = parseObject(jws->payload, QStringLiteral("JWT payload"));
    if (!claims)
        return fail(claims.error());
    return DecodedJwt{jws->header, *claims};
}

Result<QByteArray> verifyJwsPayload(const QByteArray &compact, const QList<QJsonObject> &publicJwks)
{
    Result<DecodedJws> jws = decodeJws(compact);
    if (!jws)
        return fail(jws.error());

    // RFC 7515 §4.1.1: "alg" is required and is a case-sensitive string.
    const QJsonValue algValue = jws->header.value(QStringLiteral("alg"));
    if (!algValue.isString())
        return fail(Error::invalid(QStringLiteral("the JWS header has no \"alg\" string")));
    const QString algText = algValue.toString();
    // RFC 8725 §3.1 / RFC 7518 §3.6: an unsecured JWS is never accepted, whatever its spelling.
    if (algText.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return fail(Error::invalid(QStringLiteral("alg \"none\" (an unsigned token) is not accepted")));
    const std::optional<Alg> alg = algFromName(algText);
    // RFC 8725 §2.1: HMAC and other algorithms are refused, so a public key can never double as an HMAC secret.
    if (!alg)
        return fail(Error::invalid(QStringLiteral("alg \"%1\" is not accepted").arg(algText)));
    // RFC 7515 §4.1.11: we understand no extension, so any "crit" header makes the JWS invalid.
    if (jws->header.contains(QStringLiteral("crit")))
        return fail(Error::invalid(QStringLiteral("the JWS has a \"crit\" header, which is not supported")));
    if (jws->signature.isEmpty())
        return fail(Error::invalid(QStringLiteral("the JWS has no signature")));

    Result<QJsonObject> jwk = selectKey(jws->header, *alg, publicJwks);
    if (!jwk)
        return fail(jwk.error());
    Result<PkeyPtr> pkey = publicKeyFromJwk(*jwk, *alg);
    if (!pkey)
        return fail(pkey.error());
    Result<QByteArray> signature = *alg == Alg::ES256 ? rawEcdsaToDer(jws->signature) : jws->signature;
    if (!signature)
        return fail(signature.error());
    // RFC 7515 §5.2 step 8: the signing input is the token's own first two parts, never a re-encoding of them.
    const QByteArray input = compact.left(compact.lastIndexOf('.'));
    if (!verifyBytes(pkey->get(), *alg, input, *signature))
        return fail(Error::invalid(QStringLiteral("the %1 signature does not verify").arg(algText)));
    return jws->payload;
}

Result<QJsonObject> verifyJws(const QByteArray &compact, const QList<QJsonObject> &publicJwks)
{
    Result<QByteArray> payload = verifyJwsPayload(compact, publicJwks);
    if (!payload)
        return fail(payload.error());
    return parseObject(*payload, QStringLiteral("JWT payload"));
}

QString halfHashClaim(Alg alg, const QByteArray &token)
{
    // OpenID Connect Core §3.1.3.6: hash with the hash of the ID Token's alg and keep the left-most half.
    const QByteArray digest
        = QCryptographicHash::hash(token, alg == Alg::EdDSA ? QCryptographicHash::Sha512 : QCryptographicHash::Sha256);
    return QString::fromLatin1(base64Url(digest.left(digest.size() / 2)));
}

} // namespace oauthdesk::crypto
