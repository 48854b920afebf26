#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace oauthdesk {

// One served request as the inspector and the request log see it. Raw values stay in memory only;
// what is written to disk or printed goes through redacted().
struct RequestLogEntry
{
    qint64 id = 0; // per server run, increasing
    qint64 atMs = 0;
    QByteArray method;
    QString path; // with the query string
    int status = 0;
    qint64 durationUs = 0;
    QString clientId;
    QString remote;
    QList<QPair<QByteArray, QByteArray>> requestHeaders;
    QByteArray requestBody;
    QList<QPair<QByteArray, QByteArray>> responseHeaders;
    QByteArray responseBody;

    // Masks credentials, codes and tokens in headers, query, form and JSON bodies.
    RequestLogEntry redacted() const;
    QJsonObject toJson() const;

    static QByteArray maskValue(const QByteArray &value);
    static bool isSecretName(const QString &name);
};

} // namespace oauthdesk

Q_DECLARE_METATYPE(oauthdesk::RequestLogEntry)
