#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace oauthdesk::oauth {

// application/x-www-form-urlencoded pairs in their order, with repeats kept so they can be refused (RFC 6749 §3.2).
class FormParams final
{
public:
    // Decodes '+' as a space (HTML form encoding) and percent escapes as UTF-8.
    static FormParams parse(const QByteArray &encoded);
    static QString decodeComponent(const QByteArray &component);
    static QByteArray encodeComponent(const QString &value);

    QString value(const QString &name) const;
    bool contains(const QString &name) const;
    int count(const QString &name) const;
    // The first parameter that appears more than once among `names` (all names when empty).
    QString firstRepeated(const QStringList &names = {}) const;
    void append(const QString &name, const QString &value) { m_pairs.append({name, value}); }
    const QList<QPair<QString, QString>> &pairs() const { return m_pairs; }
    QByteArray encode() const;

private:
    QList<QPair<QString, QString>> m_pairs;
};

// A transport-free HTTP request as the protocol classes see it.
struct Request
{
    QByteArray method;
    QString path;
    FormParams query;
    FormParams form; // only for application/x-www-form-urlencoded bodies
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString remoteAddress;

    QByteArray header(const QByteArray &name) const; // case-insensitive; empty when absent
    int headerCount(const QByteArray &name) const;
    QString cookie(const QString &name) const; // from the Cookie headers; empty when absent
    bool isFormEncoded() const;
};

// A transport-free response: status, headers and body.
struct Response
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString clientId; // who the request was from, for the request log

    static Response json(int status, const QJsonObject &object);
    static Response html(int status, const QString &page);
    static Response redirect(const QString &location, int status = 302);
    static Response text(int status, const QByteArray &body);
    Response &withHeader(const QByteArray &name, const QByteArray &value);
    Response &replaceHeader(const QByteArray &name, const QByteArray &value); // drops every header of that name first
    Response &noStore(); // Cache-Control: no-store and Pragma: no-cache
    // An HttpOnly cookie; `secure` when the server speaks https (the cookie then never travels over plain http).
    // maxAge 0 deletes it; a negative one makes a session cookie.
    Response &withCookie(const QString &name, const QString &value, const QString &path, const QString &sameSite,
        bool secure, int maxAge = -1);
    QByteArray header(const QByteArray &name) const;
};

} // namespace oauthdesk::oauth
