#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace oauthdesk::crypto {

// A certificate authority of this machine only, and the localhost server certificate it signs, so `serve --tls`
// speaks HTTPS that a client can verify by trusting one exported CA certificate.
class LocalCa final
{
public:
    static constexpr int CaValidityDays = 3650;
    static constexpr int ServerValidityDays = 397; // the most browsers accept for a server certificate
    static constexpr int RenewBeforeDays = 30;

    // The files of the CA in `folder` (ca.pem, ca-key.pem, server.pem, server-key.pem), created on first use;
    // the server certificate is renewed when it nears its end or was signed by another CA. Keys get mode 0600.
    static Result<LocalCa> ensure(const QString &folder);
    // The CA certificate only, without creating anything.
    static Result<QByteArray> readCaCertificate(const QString &folder);

    static QString caCertificateFile(const QString &folder);

    const QByteArray &caCertificatePem() const { return m_caCertPem; }
    const QByteArray &serverCertificatePem() const { return m_serverCertPem; }
    const QByteArray &serverKeyPem() const { return m_serverKeyPem; }
    bool created() const { return m_created; } // a new CA was made by ensure()

private:
    QByteArray m_caCertPem;
    QByteArray m_serverCertPem;
    QByteArray m_serverKeyPem;
    bool m_created = false;
};

} // namespace oauthdesk::crypto
