#include "crypto/Random.h"

#include <QCryptographicHash>
#include <QStringList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace oauthdesk::crypto {

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1)
        throw std::runtime_error("the system random generator failed");
    return out;
}

QString randomToken(int bits)
{
    return QString::fromLatin1(base64Url(randomBytes((bits + 7) / 8)));
}

QString randomUserCode(int length)
{
    // RFC 8628 §6.1: a base-20 alphabet without vowels avoids words and look-alike characters.
    static constexpr char alphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
    constexpr int size = sizeof(alphabet) - 1;
    QString code;
    while (code.size() < length) {
        const QByteArray bytes = randomBytes(length * 2);
        for (char byte : bytes) {
            const auto value = static_cast<unsigned char>(byte);
            if (value >= 256 - (256 % size))
                continue; // rejection sampling keeps the distribution uniform
            code.append(QLatin1Char(alphabet[value % size]));
            if (code.size() == length)
                break;
        }
    }
    code.insert(length / 2, QLatin1Char('-'));
    return code;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QString sha256Hex(const QByteArray &data)
{
    return QString::fromLatin1(sha256(data).toHex());
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &data, bool *ok)
{
    auto result
        = QByteArray::fromBase64Encoding(data, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (ok)
        *ok = result.decodingStatus == QByteArray::Base64DecodingStatus::Ok;
    return result.decoded;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Hash first so the comparison length never depends on the secret's length.
    const QByteArray ha = sha256(a);
    const QByteArray hb = sha256(b);
    return CRYPTO_memcmp(ha.constData(), hb.constData(), static_cast<size_t>(ha.size())) == 0;
}

static QByteArray pbkdf2(const QString &password, const QByteArray &salt, int iterations)
{
    const QByteArray pw = password.toUtf8();
    QByteArray out(32, Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(pw.constData(), static_cast<int>(pw.size()),
            reinterpret_cast<const unsigned char *>(salt.constData()), static_cast<int>(salt.size()), iterations,
            EVP_sha256(), static_cast<int>(out.size()), reinterpret_cast<unsigned char *>(out.data()))
        != 1)
        throw std::runtime_error("PBKDF2 failed");
    return out;
}

QString hashPassword(const QString &password, int iterations)
{
    const QByteArray salt = randomBytes(16);
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3")
        .arg(iterations)
        .arg(QString::fromLatin1(base64Url(salt)), QString::fromLatin1(base64Url(pbkdf2(password, salt, iterations))));
}

bool verifyPassword(const QString &password, const QString &encoded)
{
    const QStringList parts = encoded.split(QLatin1Char('$'));
    if (parts.size() != 4 || parts[0] != QLatin1String("pbkdf2-sha256"))
        return false;
    bool ok = false;
    const int iterations = parts[1].toInt(&ok);
    if (!ok || iterations < 1 || iterations > 10'000'000)
        return false;
    const QByteArray salt = fromBase64Url(parts[2].toLatin1());
    const QByteArray expected = fromBase64Url(parts[3].toLatin1());
    return constantTimeEquals(pbkdf2(password, salt, iterations), expected);
}

} // namespace oauthdesk::crypto
