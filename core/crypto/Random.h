#pragma once

#include <QByteArray>
#include <QString>

namespace oauthdesk::crypto {

// Bytes from the operating system's CSPRNG (OpenSSL RAND_bytes).
QByteArray randomBytes(int count);

// base64url without padding of `bits` random bits (rounded up to whole bytes).
QString randomToken(int bits = 256);

// A readable code from an alphabet without vowels or look-alikes, grouped as XXXX-XXXX.
QString randomUserCode(int length = 8);

QByteArray sha256(const QByteArray &data);
QString sha256Hex(const QByteArray &data);
QByteArray base64Url(const QByteArray &data);
QByteArray fromBase64Url(const QByteArray &data, bool *ok = nullptr);

// Compares in time that depends only on the lengths, never on where the inputs first differ.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// PBKDF2-SHA256 password hashing: "pbkdf2-sha256$iterations$salt$hash" (salt and hash base64url).
QString hashPassword(const QString &password, int iterations = 120000);
bool verifyPassword(const QString &password, const QString &encoded);

} // namespace oauthdesk::crypto
