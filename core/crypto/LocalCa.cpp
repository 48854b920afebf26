#include "crypto/LocalCa.h"

#include "crypto/OpenSslKey.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <span>

namespace oauthdesk::crypto {

namespace {

using detail::BioPtr;
using detail::OpenSslDeleter;
using detail::PkeyPtr;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using AsnIntPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>>;

const char CaFile[] = "ca.pem";
const char CaKeyFile[] = "ca-key.pem";
const char ServerFile[] = "server.pem";
const char ServerKeyFile[] = "server-key.pem";

Error opensslError(const QString &what)
{
    return Error::storage(detail::takeOpenSslError(what));
}

Result<PkeyPtr> newKey()
{
    // EC P-256: small, fast, and accepted by every TLS client we care about.
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return fail(opensslError(QStringLiteral("cannot generate an EC P-256 key")));
    return key;
}

Status addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        return fail(opensslError(QStringLiteral("cannot add the certificate extension %1").arg(QLatin1String(value))));
    return {};
}

// A certificate for `key`, signed by `issuerKey` (self-signed when issuer is null).
Result<X509Ptr> makeCertificate(
    EVP_PKEY *key, const QString &commonName, int days, X509 *issuer, EVP_PKEY *issuerKey, bool isCa)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return fail(opensslError(QStringLiteral("cannot create a certificate")));
    // RFC 5280 §4.1.2.2: a positive serial of at most 20 bytes, unique per issuer; random makes it unique enough.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return fail(opensslError(QStringLiteral("no random bytes for the serial number")));
    serial[0] &= 0x7f;
    detail::BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    AsnIntPtr asnSerial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
    if (!asnSerial || X509_set_serialNumber(cert.get(), asnSerial.get()) != 1)
        return fail(opensslError(QStringLiteral("cannot set the serial number")));
    // A minute of slack for clocks that are slightly behind.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60)
        || !X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(days) * 24 * 3600))
        return fail(opensslError(QStringLiteral("cannot set the validity period")));
    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = commonName.toUtf8();
    if (X509_NAME_add_entry_by_txt(
            name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>("OAuthDesk"), -1, -1, 0)
            != 1
        || X509_NAME_add_entry_by_txt(
               name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0)
            != 1)
        return fail(opensslError(QStringLiteral("cannot set the subject name")));
    X509 *signer = issuer ? issuer : cert.get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1 || X509_set_pubkey(cert.get(), key) != 1)
        return fail(opensslError(QStringLiteral("cannot set issuer or public key")));

    // RFC 5280 §4.2.1: what each certificate may be used for.
    struct Ext
    {
        int nid;
        const char *value;
    };
    const Ext caExts[] = {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
        {NID_key_usage, "critical,keyCertSign,cRLSign"}, {NID_subject_key_identifier, "hash"}};
    const Ext serverExts[]
        = {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, "critical,digitalSignature"},
            {NID_ext_key_usage, "serverAuth"}, {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
            {NID_subject_key_identifier, "hash"}, {NID_authority_key_identifier, "keyid:always"}};
    for (const Ext &e : isCa ? std::span<const Ext>(caExts) : std::span<const Ext>(serverExts))
        if (auto ok = addExtension(cert.get(), signer, e.nid, e.value); !ok)
            return fail(ok.error());
    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) <= 0)
        return fail(opensslError(QStringLiteral("cannot sign the certificate")));
    return cert;
}

QByteArray certPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return {};
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, size);
}

QByteArray keyPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, size);
}

X509Ptr readCert(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

PkeyPtr readKey(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return PkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

// Writes through a temporary file created with `mode`, then renames: never a half-written or world-readable key.
Status writeFile(const QString &path, const QByteArray &bytes, mode_t mode)
{
    const QByteArray temp = QFile::encodeName(path + QStringLiteral(".tmp"));
    ::unlink(temp.constData());
    const int fd = ::open(temp.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0)
        return fail(Error::storage(
            QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            ::unlink(temp.constData());
            return fail(Error::storage(QStringLiteral("cannot write %1").arg(path)));
        }
        done += n;
    }
    ::fchmod(fd, mode); // the umask may have taken bits away; never adds any beyond `mode`
    ::fsync(fd);
    ::close(fd);
    if (::rename(temp.constData(), QFile::encodeName(path).constData()) != 0)
        return fail(Error::storage(
            QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    return {};
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Already valid, and still valid `days` from now.
bool validFor(X509 *cert, int days)
{
    time_t later = time(nullptr) + time_t(days) * 24 * 3600;
    return X509_cmp_time(X509_get0_notBefore(cert), nullptr) < 0 && X509_cmp_time(X509_get0_notAfter(cert), &later) > 0;
}

} // namespace

QString LocalCa::caCertificateFile(const QString &folder)
{
    return QDir(folder).filePath(QLatin1String(CaFile));
}

Result<QByteArray> LocalCa::readCaCertificate(const QString &folder)
{
    const QByteArray pem = readAll(caCertificateFile(folder));
    if (pem.isEmpty() || !readCert(pem))
        return fail(Error::notFound(QStringLiteral("there is no local CA in %1 yet; run `oauthdesk serve --tls` once")
                                        .arg(QDir::toNativeSeparators(folder))));
    return pem;
}

Result<LocalCa> LocalCa::ensure(const QString &folder)
{
    if (!QDir().mkpath(folder))
        return fail(Error::storage(QStringLiteral("cannot create the folder %1").arg(folder)));
    const QDir dir(folder);
    LocalCa out;

    QByteArray caPem = readAll(dir.filePath(QLatin1String(CaFile)));
    QByteArray caKeyPem = readAll(dir.filePath(QLatin1String(CaKeyFile)));
    X509Ptr ca = readCert(caPem);
    PkeyPtr caKey = readKey(caKeyPem);
    if (!ca || !caKey || X509_check_private_key(ca.get(), caKey.get()) != 1 || !validFor(ca.get(), RenewBeforeDays)) {
        ERR_clear_error();
        auto key = newKey();
        if (!key)
            return fail(key.error());
        auto cert = makeCertificate(
            key->get(), QStringLiteral("OAuthDesk local CA"), CaValidityDays, nullptr, key->get(), true);
        if (!cert)
            return fail(cert.error());
        caKey = std::move(*key);
        ca = std::move(*cert);
        caPem = certPem(ca.get());
        caKeyPem = keyPem(caKey.get());
        if (auto ok = writeFile(dir.filePath(QLatin1String(CaKeyFile)), caKeyPem, 0600); !ok)
            return fail(ok.error());
        if (auto ok = writeFile(dir.filePath(QLatin1String(CaFile)), caPem, 0644); !ok)
            return fail(ok.error());
        out.m_created = true;
    }

    QByteArray serverPem = readAll(dir.filePath(QLatin1String(ServerFile)));
    QByteArray serverKeyPem = readAll(dir.filePath(QLatin1String(ServerKeyFile)));
    X509Ptr server = readCert(serverPem);
    PkeyPtr serverKey = readKey(serverKeyPem);
    EVP_PKEY *caPublic = X509_get0_pubkey(ca.get());
    if (out.m_created || !server || !serverKey || X509_check_private_key(server.get(), serverKey.get()) != 1
        || X509_verify(server.get(), caPublic) != 1 || !validFor(server.get(), RenewBeforeDays)) {
        ERR_clear_error();
        auto key = newKey();
        if (!key)
            return fail(key.error());
        auto cert = makeCertificate(
            key->get(), QStringLiteral("localhost"), ServerValidityDays, ca.get(), caKey.get(), false);
        if (!cert)
            return fail(cert.error());
        serverPem = certPem(cert->get());
        serverKeyPem = keyPem(key->get());
        if (auto ok = writeFile(dir.filePath(QLatin1String(ServerKeyFile)), serverKeyPem, 0600); !ok)
            return fail(ok.error());
        if (auto ok = writeFile(dir.filePath(QLatin1String(ServerFile)), serverPem, 0644); !ok)
            return fail(ok.error());
    }
    out.m_caCertPem = caPem;
    out.m_serverCertPem = serverPem;
    out.m_serverKeyPem = serverKeyPem;
    return out;
}

} // namespace oauthdesk::crypto
