#include "crypto/Jws.h"
#include "crypto/Random.h"
#include "crypto/SigningKey.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace oauthdesk;
using namespace oauthdesk::crypto;

namespace {

QString l1(const char *text)
{
    return QString::fromLatin1(text);
}

template <typename T> QString why(const Result<T> &result)
{
    return result ? QString() : result.error().message;
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray part(const QByteArray &token, int index)
{
    return token.split('.').value(index);
}

QByteArray withPart(const QByteArray &token, int index, const QByteArray &replacement)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = replacement;
    return parts.join('.');
}

// Flips one decoded byte of a part and re-encodes it, so the change is real and not just in unused base64 bits.
QByteArray withFlippedByte(const QByteArray &token, int index)
{
    QByteArray bytes = fromBase64Url(part(token, index));
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    return withPart(token, index, base64Url(bytes));
}

QByteArray withHeader(const QByteArray &token, const QJsonObject &header)
{
    return withPart(token, 0, base64Url(compactJson(header)));
}

// Base64url members of the RSA keys in RFC 7515 Appendix A.2.1 and RFC 7638 §3.1.
const char rfc7515RsaN[]
    = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4Ql"
      "L-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUs"
      "LA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoud"
      "F8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const char rfc7515RsaD[]
    = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe"
      "46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9J"
      "YanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuh"
      "LhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
const char rfc7515RsaP[]
    = "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJ"
      "NPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
const char rfc7515RsaQ[]
    = "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_Yw"
      "D66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc";
const char rfc7515RsaDp[]
    = "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJ"
      "eDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0";
const char rfc7515RsaDq[]
    = "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-N"
      "KJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU";
const char rfc7515RsaQi[]
    = "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi8"
      "7w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U";
const char rfc7638RsaN[]
    = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWK"
      "RXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMic"
      "AtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3"
      "XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

// RFC 8037 Appendix A.1: the Ed25519 private key.
QJsonObject rfc8037PrivateJwk()
{
    return {{l1("kty"), l1("OKP")}, {l1("crv"), l1("Ed25519")},
        {l1("d"), l1("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")},
        {l1("x"), l1("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")}};
}

// RFC 7515 Appendix A.2.1: the RSA key.
QJsonObject rfc7515RsaPrivateJwk()
{
    return {
        {l1("kty"), l1("RSA")},
        {l1("n"), l1(rfc7515RsaN)},
        {l1("e"), l1("AQAB")},
        {l1("d"), l1(rfc7515RsaD)},
        {l1("p"), l1(rfc7515RsaP)},
        {l1("q"), l1(rfc7515RsaQ)},
        {l1("dp"), l1(rfc7515RsaDp)},
        {l1("dq"), l1(rfc7515RsaDq)},
        {l1("qi"), l1(rfc7515RsaQi)},
    };
}

// RFC 7515 Appendix A.3.1: the P-256 key.
QJsonObject rfc7515EcPrivateJwk()
{
    return {{l1("kty"), l1("EC")}, {l1("crv"), l1("P-256")},
        {l1("x"), l1("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")},
        {l1("y"), l1("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")},
        {l1("d"), l1("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI")}};
}

QJsonObject withoutPrivateMembers(QJsonObject jwk)
{
    for (const char *name : {"d", "p", "q", "dp", "dq", "qi"})
        jwk.remove(l1(name));
    return jwk;
}

// RFC 7515 Appendix A.2.1 and A.3.1: the JWS payload, with its CR LF line breaks.
const QByteArray rfc7515Payload = QByteArrayLiteral("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n "
                                                    "\"http://example.com/is_root\":true}");

} // namespace

// Signing and verification of JWS and JWKs against the RFC test vectors and tampered tokens.
class TestJws final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void roundTripSignsAndVerifies_data();
    void roundTripSignsAndVerifies();
    void publicJwkHasTheRfcMembers_data();
    void publicJwkHasTheRfcMembers();
    void pemImportKeepsTheKey_data();
    void pemImportKeepsTheKey();
    void badPemIsRejected();

    void rfc7638ThumbprintMatches();
    void rfc8037Ed25519VectorIsReproduced();
    void rfc7515Rs256VectorIsReproduced();
    void rfc7515Es256VectorVerifies();

    void untamperedTokenVerifies();
    void tamperedTokenIsRejected_data();
    void tamperedTokenIsRejected();
    void keyWithoutKidIsChosenByAlg();
    void signRefusesAMismatchedHeaderAlg();
    void badJwkIsRejected_data();
    void badJwkIsRejected();

    void decodeShowsHeaderAndClaims();
    void decodeExplainsMalformedTokens_data();
    void decodeExplainsMalformedTokens();

    void halfHashMatchesOpenIdExamples_data();
    void halfHashMatchesOpenIdExamples();

private:
    SigningKey m_ed; // Ed25519, the key the tampering cases are signed with
    SigningKey m_es; // P-256
    SigningKey m_other; // another Ed25519 key, for wrong-key cases
    QByteArray m_edToken;
    QByteArray m_esToken;
};

void TestJws::initTestCase()
{
    Result<SigningKey> ed = generateKey(Alg::EdDSA);
    Result<SigningKey> es = generateKey(Alg::ES256, l1("es-1"));
    Result<SigningKey> other = generateKey(Alg::EdDSA);
    QVERIFY2(ed && es && other, qPrintable(why(ed) + why(es) + why(other)));
    m_ed = *ed;
    m_es = *es;
    m_other = *other;

    const QJsonObject claims{{l1("sub"), l1("alice")}, {l1("iat"), 1700000000}};
    Result<QByteArray> edToken = signJws(m_ed, {{l1("typ"), l1("JWT")}}, compactJson(claims));
    Result<QByteArray> esToken = signJws(m_es, {{l1("typ"), l1("JWT")}}, compactJson(claims));
    QVERIFY2(edToken && esToken, qPrintable(why(edToken) + why(esToken)));
    m_edToken = *edToken;
    m_esToken = *esToken;
}

void TestJws::roundTripSignsAndVerifies_data()
{
    QTest::addColumn<Alg>("alg");
    QTest::addColumn<int>("signatureSize");

    QTest::newRow("RS256") << Alg::RS256 << 256;
    QTest::newRow("ES256, raw r||s not DER") << Alg::ES256 << 64;
    QTest::newRow("EdDSA") << Alg::EdDSA << 64;
}

void TestJws::roundTripSignsAndVerifies()
{
    QFETCH(Alg, alg);
    QFETCH(int, signatureSize);

    Result<SigningKey> key = generateKey(alg);
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(key->alg, alg);
    const QJsonObject jwk = publicJwk(*key);
    // RFC 7638: a generated key without a given kid is named by its thumbprint.
    QCOMPARE(key->kid, jwkThumbprint(jwk));
    QCOMPARE(key->kid.size(), 43);

    const QJsonObject claims{{l1("sub"), l1("alice")}, {l1("scope"), l1("openid profile")}};
    Result<QByteArray> token = signJws(*key, {{l1("typ"), l1("at+jwt")}}, compactJson(claims));
    QVERIFY2(token, qPrintable(why(token)));
    QCOMPARE(token->count('.'), 2);
    QCOMPARE(fromBase64Url(part(*token, 2)).size(), signatureSize);

    Result<QJsonObject> verified = verifyJws(*token, {jwk});
    QVERIFY2(verified, qPrintable(why(verified)));
    QCOMPARE(*verified, claims);

    Result<DecodedJwt> decoded = decodeJwt(*token);
    QVERIFY2(decoded, qPrintable(why(decoded)));
    const QJsonObject expectedHeader{{l1("alg"), algName(alg)}, {l1("kid"), key->kid}, {l1("typ"), l1("at+jwt")}};
    QCOMPARE(decoded->header, expectedHeader);

    // Signing twice with RSA PKCS#1 v1.5 or Ed25519 gives the same bytes; ECDSA uses a fresh nonce each time.
    Result<QByteArray> again = signJws(*key, {{l1("typ"), l1("at+jwt")}}, compactJson(claims));
    QVERIFY2(again, qPrintable(why(again)));
    QCOMPARE(*again == *token, alg != Alg::ES256);
    QVERIFY2(verifyJws(*again, {jwk}), "the second signature must verify too");
}

void TestJws::publicJwkHasTheRfcMembers_data()
{
    QTest::addColumn<Alg>("alg");
    QTest::addColumn<QStringList>("members");

    QTest::newRow("RSA") << Alg::RS256 << QStringList{l1("alg"), l1("e"), l1("kid"), l1("kty"), l1("n"), l1("use")};
    QTest::newRow("EC") << Alg::ES256
                        << QStringList{l1("alg"), l1("crv"), l1("kid"), l1("kty"), l1("use"), l1("x"), l1("y")};
    QTest::newRow("OKP") << Alg::EdDSA << QStringList{l1("alg"), l1("crv"), l1("kid"), l1("kty"), l1("use"), l1("x")};
}

void TestJws::publicJwkHasTheRfcMembers()
{
    QFETCH(Alg, alg);
    QFETCH(QStringList, members);

    Result<SigningKey> key = generateKey(alg, l1("key-1"));
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(key->kid, l1("key-1"));
    const QJsonObject jwk = publicJwk(*key);
    QCOMPARE(jwk.keys(), members);
    QCOMPARE(jwk.value(l1("use")).toString(), l1("sig"));
    QCOMPARE(jwk.value(l1("alg")).toString(), algName(alg));
    QCOMPARE(jwk.value(l1("kid")).toString(), l1("key-1"));

    const auto bytes = [&](const char *name) { return fromBase64Url(jwk.value(l1(name)).toString().toLatin1()); };
    switch (alg) {
    case Alg::RS256:
        // RFC 7518 §6.3.1.1: n has no leading zero octet; a 2048-bit modulus is then exactly 256 octets.
        QCOMPARE(bytes("n").size(), 256);
        QVERIFY(bytes("n").at(0) != '\0');
        QCOMPARE(jwk.value(l1("e")).toString(), l1("AQAB"));
        break;
    case Alg::ES256:
        // RFC 7518 §6.2.1.2: coordinates are always 32 octets, leading zeros included.
        QCOMPARE(jwk.value(l1("crv")).toString(), l1("P-256"));
        QCOMPARE(bytes("x").size(), 32);
        QCOMPARE(bytes("y").size(), 32);
        break;
    case Alg::EdDSA:
        QCOMPARE(jwk.value(l1("crv")).toString(), l1("Ed25519"));
        QCOMPARE(bytes("x").size(), 32);
        break;
    }
    QVERIFY(!QJsonDocument(jwk).toJson().contains("\"d\""));
}

void TestJws::pemImportKeepsTheKey_data()
{
    QTest::addColumn<Alg>("alg");
    QTest::newRow("RS256") << Alg::RS256;
    QTest::newRow("ES256") << Alg::ES256;
    QTest::newRow("EdDSA") << Alg::EdDSA;
}

void TestJws::pemImportKeepsTheKey()
{
    QFETCH(Alg, alg);

    Result<SigningKey> key = generateKey(alg);
    QVERIFY2(key, qPrintable(why(key)));
    QVERIFY(key->privatePem.startsWith("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(key->publicPem.startsWith("-----BEGIN PUBLIC KEY-----"));

    Result<SigningKey> imported = keyFromPem(alg, key->privatePem);
    QVERIFY2(imported, qPrintable(why(imported)));
    QCOMPARE(imported->publicPem, key->publicPem);
    QCOMPARE(imported->kid, key->kid);
    QCOMPARE(publicJwk(*imported), publicJwk(*key));

    // A key of the wrong type for the algorithm is refused rather than used.
    const Alg wrong = alg == Alg::EdDSA ? Alg::ES256 : Alg::EdDSA;
    Result<SigningKey> mismatched = keyFromPem(wrong, key->privatePem);
    QVERIFY(!mismatched);
    QVERIFY2(mismatched.error().message.contains(algName(wrong)), qPrintable(mismatched.error().message));
}

void TestJws::badPemIsRejected()
{
    for (const QByteArray &pem : {QByteArray(), QByteArray("not a key"),
             QByteArray("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
        Result<SigningKey> key = keyFromPem(Alg::RS256, pem);
        QVERIFY(!key);
        QVERIFY(!key.error().message.isEmpty());
        QVERIFY(!key.error().message.contains(QLatin1Char('\n')));
    }
    // Signing with a key whose PEM was damaged fails cleanly.
    SigningKey broken = m_ed;
    broken.privatePem = "garbage";
    QVERIFY(!signJws(broken, {}, "payload"));
}

void TestJws::rfc7638ThumbprintMatches()
{
    // RFC 7638 §3.1, with the optional members it shows, which must not change the thumbprint.
    const QJsonObject jwk{
        {l1("kty"), l1("RSA")},
        {l1("n"), l1(rfc7638RsaN)},
        {l1("e"), l1("AQAB")},
        {l1("alg"), l1("RS256")},
        {l1("kid"), l1("2011-04-29")},
    };
    QCOMPARE(jwkThumbprint(jwk), l1("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
    QVERIFY(jwkThumbprint({{l1("kty"), l1("oct")}, {l1("k"), l1("AQAB")}}).isEmpty());
    QVERIFY(jwkThumbprint({{l1("kty"), l1("RSA")}, {l1("e"), l1("AQAB")}}).isEmpty());
}

void TestJws::rfc8037Ed25519VectorIsReproduced()
{
    Result<SigningKey> key = keyFromJwk(rfc8037PrivateJwk());
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(key->alg, Alg::EdDSA);
    // RFC 8037 Appendix A.3: the thumbprint, which becomes the kid.
    QCOMPARE(key->kid, l1("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"));
    // RFC 8037 Appendix A.2: the public key.
    QCOMPARE(publicJwk(*key).value(l1("x")).toString(), l1("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"));

    // RFC 8037 Appendix A.4: Ed25519 is deterministic, so the JWS is reproduced byte for byte.
    const QByteArray expected
        = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
          "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    SigningKey withoutKid = *key;
    withoutKid.kid.clear(); // the vector's header is just {"alg":"EdDSA"}
    Result<QByteArray> token = signJws(withoutKid, {}, "Example of Ed25519 signing");
    QVERIFY2(token, qPrintable(why(token)));
    QCOMPARE(*token, expected);

    // RFC 8037 Appendix A.5: it verifies with the public key alone.
    QJsonObject publicKey = rfc8037PrivateJwk();
    publicKey.remove(l1("d"));
    Result<QByteArray> payload = verifyJwsPayload(expected, {publicKey});
    QVERIFY2(payload, qPrintable(why(payload)));
    QCOMPARE(*payload, QByteArray("Example of Ed25519 signing"));
    // The payload is not JSON, so the JWT form of verify says so instead of returning nonsense.
    QVERIFY(!verifyJws(expected, {publicKey}));
}

void TestJws::rfc7515Rs256VectorIsReproduced()
{
    Result<SigningKey> key = keyFromJwk(rfc7515RsaPrivateJwk());
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(key->alg, Alg::RS256);

    // RFC 7515 Appendix A.2.1: RSASSA-PKCS1-v1_5 is deterministic, so the signature is reproduced exactly.
    const QByteArray expected
        = "eyJhbGciOiJSUzI1NiJ9."
          "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
          "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9"
          "uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB"
          "_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rq"
          "Vt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    SigningKey withoutKid = *key;
    withoutKid.kid.clear(); // the vector's header is just {"alg":"RS256"}
    Result<QByteArray> token = signJws(withoutKid, {}, rfc7515Payload);
    QVERIFY2(token, qPrintable(why(token)));
    QCOMPARE(*token, expected);

    // RFC 7515 Appendix A.2.2: validation with the public key.
    Result<QJsonObject> claims = verifyJws(expected, {withoutPrivateMembers(rfc7515RsaPrivateJwk())});
    QVERIFY2(claims, qPrintable(why(claims)));
    QCOMPARE(claims->value(l1("iss")).toString(), l1("joe"));
    QCOMPARE(claims->value(l1("exp")).toInteger(), 1300819380);
    QCOMPARE(claims->value(l1("http://example.com/is_root")).toBool(), true);
}

void TestJws::rfc7515Es256VectorVerifies()
{
    // RFC 7515 Appendix A.3: ECDSA is randomized, so the published JWS can only be verified, not reproduced.
    const QByteArray published
        = "eyJhbGciOiJFUzI1NiJ9."
          "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
          "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    const QJsonObject publicKey = withoutPrivateMembers(rfc7515EcPrivateJwk());
    Result<QByteArray> payload = verifyJwsPayload(published, {publicKey});
    QVERIFY2(payload, qPrintable(why(payload)));
    QCOMPARE(*payload, rfc7515Payload);

    // The same key imported with its private half signs tokens that verify against the published public key.
    Result<SigningKey> key = keyFromJwk(rfc7515EcPrivateJwk());
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(publicJwk(*key).value(l1("x")), publicKey.value(l1("x")));
    QCOMPARE(publicJwk(*key).value(l1("y")), publicKey.value(l1("y")));
    key->kid.clear();
    Result<QByteArray> token = signJws(*key, {}, rfc7515Payload);
    QVERIFY2(token, qPrintable(why(token)));
    QCOMPARE(fromBase64Url(part(*token, 2)).size(), 64);
    QVERIFY2(verifyJwsPayload(*token, {publicKey}), "a fresh ES256 signature must verify");
}

void TestJws::untamperedTokenVerifies()
{
    // The baseline for the tampering cases: the unmodified tokens pass.
    Result<QJsonObject> ed = verifyJws(m_edToken, {publicJwk(m_ed), publicJwk(m_es)});
    QVERIFY2(ed, qPrintable(why(ed)));
    Result<QJsonObject> es = verifyJws(m_esToken, {publicJwk(m_ed), publicJwk(m_es)});
    QVERIFY2(es, qPrintable(why(es)));
}

void TestJws::tamperedTokenIsRejected_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QList<QJsonObject>>("jwks");
    QTest::addColumn<QString>("reason");

    const QList<QJsonObject> jwks{publicJwk(m_ed), publicJwk(m_es)};
    const QJsonObject edHeader = decodeJws(m_edToken)->header;
    const auto header = [&](const char *alg) {
        QJsonObject h = edHeader;
        h.insert(l1("alg"), l1(alg));
        return h;
    };

    QTest::newRow("flipped payload byte") << withFlippedByte(m_edToken, 1) << jwks << l1("does not verify");
    QTest::newRow("flipped signature byte") << withFlippedByte(m_edToken, 2) << jwks << l1("does not verify");
    QTest::newRow("flipped ES256 signature byte") << withFlippedByte(m_esToken, 2) << jwks << l1("does not verify");
    QJsonObject retyped = edHeader;
    retyped.insert(l1("typ"), l1("jwt"));
    QTest::newRow("header member changed") << withHeader(m_edToken, retyped) << jwks << l1("does not verify");
    QTest::newRow("alg none") << withHeader(m_edToken, header("none")) << jwks << l1("\"none\"");
    QTest::newRow("alg none, empty signature")
        << withPart(withHeader(m_edToken, header("none")), 2, {}) << jwks << l1("\"none\"");
    QTest::newRow("alg NoNe") << withHeader(m_edToken, header("NoNe")) << jwks << l1("\"none\"");
    QTest::newRow("alg HS256") << withHeader(m_edToken, header("HS256")) << jwks << l1("alg \"HS256\" is not accepted");
    QTest::newRow("alg ES256 on an Ed25519 kid")
        << withHeader(m_edToken, header("ES256")) << jwks << l1("is for alg EdDSA");
    QTest::newRow("alg missing") << withHeader(m_edToken, {{l1("kid"), m_ed.kid}}) << jwks << l1("no \"alg\"");
    QTest::newRow("crit header") << withHeader(m_edToken, [&] {
        QJsonObject h = edHeader;
        h.insert(l1("crit"), QJsonArray{l1("exp")});
        return h;
    }()) << jwks << l1("crit");
    QTest::newRow("wrong kid") << withHeader(m_edToken, [&] {
        QJsonObject h = edHeader;
        h.insert(l1("kid"), l1("someone-else"));
        return h;
    }()) << jwks << l1("no key has kid \"someone-else\"");
    QTest::newRow("kid not a string") << withHeader(m_edToken, [&] {
        QJsonObject h = edHeader;
        h.insert(l1("kid"), 7);
        return h;
    }()) << jwks << l1("not a string");
    QTest::newRow("wrong key with the same kid") << m_edToken << QList<QJsonObject>{[&] {
        QJsonObject jwk = publicJwk(m_other);
        jwk.insert(l1("kid"), m_ed.kid);
        return jwk;
    }()} << l1("does not verify");
    QTest::newRow("encryption key") << m_edToken << QList<QJsonObject>{[&] {
        QJsonObject jwk = publicJwk(m_ed);
        jwk.insert(l1("use"), l1("enc"));
        return jwk;
    }()} << l1("is for use \"enc\", not signatures");
    QTest::newRow("empty key set") << m_edToken << QList<QJsonObject>{} << l1("no key has kid");
    QTest::newRow("truncated to two parts") << m_edToken.left(m_edToken.lastIndexOf('.')) << jwks << l1("3 parts");
    QTest::newRow("truncated signature") << m_edToken.chopped(10) << jwks << l1("does not verify");
    QTest::newRow("truncated ES256 signature") << m_esToken.chopped(10) << jwks << l1("must be 64 bytes");
    QTest::newRow("missing signature") << withPart(m_edToken, 2, {}) << jwks << l1("no signature");
    QTest::newRow("garbage base64 payload")
        << withPart(m_edToken, 1, "!!not*base64") << jwks << l1("payload is not valid base64url");
    QTest::newRow("padded signature") << m_edToken + "==" << jwks << l1("signature is not valid base64url");
    QTest::newRow("standard base64 alphabet")
        << withPart(m_edToken, 2, "+/" + part(m_edToken, 2).mid(2)) << jwks << l1("not valid base64url");
    QTest::newRow("header not JSON") << withPart(m_edToken, 0, base64Url("alg=EdDSA")) << jwks << l1("not valid JSON");
    QTest::newRow("header a JSON array") << withPart(m_edToken, 0, base64Url("[\"EdDSA\"]")) << jwks
                                         << l1("not a JSON object");
    QTest::newRow("empty string") << QByteArray() << jwks << l1("3 parts");
    QTest::newRow("JWE") << QByteArray("a.b.c.d.e") << jwks << l1("JWE");
}

void TestJws::tamperedTokenIsRejected()
{
    QFETCH(QByteArray, token);
    QFETCH(QList<QJsonObject>, jwks);
    QFETCH(QString, reason);

    Result<QJsonObject> result = verifyJws(token, jwks);
    QVERIFY2(!result, "a tampered token verified");
    QVERIFY2(result.error().message.contains(reason), qPrintable(result.error().message));
    QCOMPARE(result.error().kind, Error::Kind::Invalid);
}

void TestJws::keyWithoutKidIsChosenByAlg()
{
    SigningKey anonymous = m_ed;
    anonymous.kid.clear();
    Result<QByteArray> token = signJws(anonymous, {}, "{}");
    QVERIFY2(token, qPrintable(why(token)));
    QVERIFY(!decodeJws(*token)->header.contains(l1("kid")));

    // The only EdDSA key in the set is chosen, whatever its kid.
    Result<QJsonObject> verified = verifyJws(*token, {publicJwk(m_es), publicJwk(m_ed)});
    QVERIFY2(verified, qPrintable(why(verified)));

    // A key without "alg" is matched by kty and crv (RFC 7517 §4.4 makes alg optional).
    QJsonObject bare = publicJwk(m_ed);
    bare.remove(l1("alg"));
    QVERIFY2(verifyJws(*token, {bare}), "a JWK without alg must match by kty and crv");

    // Two candidates and no kid: guessing would be unsafe, so it is refused.
    Result<QJsonObject> ambiguous = verifyJws(*token, {publicJwk(m_other), publicJwk(m_ed)});
    QVERIFY(!ambiguous);
    QVERIFY2(ambiguous.error().message.contains(l1("2 keys")), qPrintable(ambiguous.error().message));

    Result<QJsonObject> none = verifyJws(*token, {publicJwk(m_es)});
    QVERIFY(!none);
    QVERIFY2(none.error().message.contains(l1("no key fits alg EdDSA")), qPrintable(none.error().message));
}

void TestJws::signRefusesAMismatchedHeaderAlg()
{
    Result<QByteArray> token = signJws(m_ed, {{l1("alg"), l1("RS256")}}, "{}");
    QVERIFY(!token);
    QVERIFY2(token.error().message.contains(l1("RS256")), qPrintable(token.error().message));

    // An explicit kid in the header wins over the key's own.
    Result<QByteArray> named = signJws(m_ed, {{l1("kid"), l1("custom")}}, "{}");
    QVERIFY2(named, qPrintable(why(named)));
    QCOMPARE(decodeJws(*named)->header.value(l1("kid")).toString(), l1("custom"));
}

void TestJws::badJwkIsRejected_data()
{
    QTest::addColumn<QJsonObject>("jwk");
    QTest::addColumn<QString>("reason");

    const QJsonObject ed = rfc8037PrivateJwk();
    QTest::newRow("no d") << withoutPrivateMembers(ed) << l1("\"d\"");
    QTest::newRow("unknown kty") << QJsonObject{{l1("kty"), l1("oct")}, {l1("k"), l1("AAAA")}} << l1("not supported");
    QJsonObject ed448 = ed;
    ed448.insert(l1("crv"), l1("Ed448"));
    QTest::newRow("Ed448") << ed448 << l1("not supported");
    QJsonObject mismatched = ed;
    mismatched.insert(l1("x"), l1("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"));
    QTest::newRow("Ed25519 x not matching d") << mismatched << l1("does not match");
    QJsonObject shortX = ed;
    shortX.insert(l1("x"), l1("AQAB"));
    QTest::newRow("Ed25519 x too short") << shortX << l1("32 bytes");
    QJsonObject ec = rfc7515EcPrivateJwk();
    QJsonObject offCurve = ec;
    offCurve.insert(l1("y"), l1("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5aA"));
    QTest::newRow("EC point off the curve") << offCurve << l1("EC JWK");
    QJsonObject p384 = ec;
    p384.insert(l1("crv"), l1("P-384"));
    QTest::newRow("EC P-384") << p384 << l1("not supported");
    QJsonObject rsa = rfc7515RsaPrivateJwk();
    rsa.remove(l1("qi"));
    QTest::newRow("RSA without qi") << rsa << l1("\"qi\"");
    QJsonObject wrongAlg = ec;
    wrongAlg.insert(l1("alg"), l1("RS256"));
    QTest::newRow("EC key labelled RS256") << wrongAlg << l1("cannot be used with RS256");
    QJsonObject badBase64 = ec;
    badBase64.insert(l1("d"), l1("not base64!"));
    QTest::newRow("d not base64url") << badBase64 << l1("base64url");
}

void TestJws::badJwkIsRejected()
{
    QFETCH(QJsonObject, jwk);
    QFETCH(QString, reason);

    Result<SigningKey> key = keyFromJwk(jwk);
    QVERIFY2(!key, "a bad JWK was accepted");
    QVERIFY2(key.error().message.contains(reason), qPrintable(key.error().message));
}

void TestJws::decodeShowsHeaderAndClaims()
{
    Result<DecodedJwt> decoded = decodeJwt(m_edToken + "\n");
    QVERIFY2(decoded, qPrintable(why(decoded)));
    QCOMPARE(decoded->header.value(l1("alg")).toString(), l1("EdDSA"));
    QCOMPARE(decoded->header.value(l1("kid")).toString(), m_ed.kid);
    QCOMPARE(decoded->header.value(l1("typ")).toString(), l1("JWT"));
    QCOMPARE(decoded->claims.value(l1("sub")).toString(), l1("alice"));

    // Decoding does not verify: a forged token decodes, and only verification refuses it.
    const QByteArray forged = withFlippedByte(m_edToken, 2);
    QVERIFY(decodeJwt(forged));
    QVERIFY(!verifyJws(forged, {publicJwk(m_ed)}));
}

void TestJws::decodeExplainsMalformedTokens_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty") << QByteArray() << l1("has 1");
    QTest::newRow("one part") << QByteArray("eyJhbGciOiJFZERTQSJ9") << l1("has 1");
    QTest::newRow("four parts") << QByteArray("a.b.c.d") << l1("has 4");
    QTest::newRow("empty header") << QByteArray(".e30.AAAA") << l1("header is empty");
    QTest::newRow("header not base64") << QByteArray("@@@.e30.AAAA") << l1("header is not valid base64url");
    QTest::newRow("payload not JSON") << QByteArray("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.AAAA") << l1("JWT payload");
    QTest::newRow("signature not base64") << QByteArray("eyJhbGciOiJFZERTQSJ9.e30.a b") << l1("signature");
}

void TestJws::decodeExplainsMalformedTokens()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, reason);

    Result<DecodedJwt> decoded = decodeJwt(token);
    QVERIFY2(!decoded, "a malformed token decoded");
    QVERIFY2(decoded.error().message.contains(reason), qPrintable(decoded.error().message));
}

void TestJws::halfHashMatchesOpenIdExamples_data()
{
    QTest::addColumn<Alg>("alg");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("expected");

    // OpenID Connect Core Appendix A.3 (at_hash) and A.4 (c_hash).
    QTest::newRow("at_hash RS256") << Alg::RS256 << QByteArray("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")
                                   << l1("77QmUPtjPfzWtF2AnpK9RQ");
    QTest::newRow("c_hash RS256") << Alg::RS256
                                  << QByteArray("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk")
                                  << l1("LDktKdoQak3Pk0cnXxCltA");
    QTest::newRow("at_hash ES256 uses SHA-256 too")
        << Alg::ES256 << QByteArray("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") << l1("77QmUPtjPfzWtF2AnpK9RQ");
    // Computed independently with Python's hashlib: the left 32 bytes of SHA-512.
    QTest::newRow("at_hash EdDSA uses SHA-512")
        << Alg::EdDSA << QByteArray("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")
        << l1("q7nS86GgvvFaZkzALLWqJYaJIKw2wCDAVfCAsm5CrBM");
}

void TestJws::halfHashMatchesOpenIdExamples()
{
    QFETCH(Alg, alg);
    QFETCH(QByteArray, token);
    QFETCH(QString, expected);

    QCOMPARE(halfHashClaim(alg, token), expected);
}

QTEST_GUILESS_MAIN(TestJws)
#include "TestJws.moc"
