#pragma once

#include "storage/Database.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>

namespace oauthdesk {

// One RFC 8628 device authorization request as the window, the command line and the grant see it.
struct DeviceRequest
{
    qint64 id = 0;
    QString userCode;
    QString clientId;
    QString clientName;
    QString scope;
    QString status; // pending, approved, denied, expired, consumed
    QString username;
    qint64 issuedAt = 0; // ms since the epoch
    qint64 expiresAt = 0;
    // What the token endpoint needs for polling.
    int intervalSecs = 5;
    qint64 lastPollAt = 0; // ms; 0 before the first poll
    QString grantId;

    bool operator==(const DeviceRequest &) const = default;
};

// What a new device authorization hands out once: the device code itself is stored only as a hash.
struct DeviceCodes
{
    QString deviceCode;
    QString userCode;
    DeviceRequest request;
};

// The device_codes table: requests waiting for a person to approve them in a browser or in the window.
class DeviceStore final
{
public:
    static constexpr int DefaultIntervalSecs = 5;
    static constexpr int SlowDownStepSecs = 5; // RFC 8628 §3.5

    explicit DeviceStore(std::shared_ptr<Database> db);

    static inline const QString Pending = QStringLiteral("pending");
    static inline const QString Approved = QStringLiteral("approved");
    static inline const QString Denied = QStringLiteral("denied");
    static inline const QString Expired = QStringLiteral("expired");
    static inline const QString Consumed = QStringLiteral("consumed");

    // "wdjb mjht", "WDJBMJHT" and "WDJB-MJHT" are the same code.
    static QString normalizeUserCode(const QString &userCode);

    Result<DeviceCodes> create(
        const QString &clientId, const QString &scope, int lifetimeSecs, int intervalSecs = DefaultIntervalSecs);

    Result<QList<DeviceRequest>> listPending() const; // pending and not expired, oldest first
    std::optional<DeviceRequest> findByUserCode(const QString &userCode) const; // case-insensitive, dash optional
    std::optional<DeviceRequest> findByDeviceCode(const QString &deviceCode) const;

    Status approve(const QString &userCode, const QString &username); // Error::notFound / Error::invalid
    Status deny(const QString &userCode);

    // Remembers a poll; `intervalSecs` is the (possibly raised) interval the client must keep from now on.
    Status recordPoll(qint64 id, qint64 atMs, int intervalSecs);
    // Approved -> consumed; false when it was not approved any more (a second exchange).
    Result<bool> consume(qint64 id);

private:
    std::optional<DeviceRequest> findWhere(const QString &condition, const QVariant &value) const;
    Status decide(const QString &userCode, const QString &status, const QString &username);

    std::shared_ptr<Database> m_db;
};

} // namespace oauthdesk

Q_DECLARE_METATYPE(oauthdesk::DeviceRequest)
