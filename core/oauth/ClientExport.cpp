#include "oauth/ClientExport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace oauthdesk {

namespace {

QString shellQuote(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString envQuote(const QString &s)
{
    // dotenv: double quotes, with backslash and quote escaped.
    QString out = s;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

QString scopeOf(const Client &c)
{
    return c.scopes.isEmpty() ? QStringLiteral("openid profile email") : c.scopes.join(QLatin1Char(' '));
}

QString curl(const Client &c, const QString &issuer)
{
    const QString token = issuer + QStringLiteral("/oauth/token");
    const QString auth
        = c.isPublic ? QString() : QStringLiteral(" \\\n  -u ") + shellQuote(c.clientId + QLatin1Char(':') + c.secret);
    const QString publicId = c.isPublic ? QStringLiteral(" \\\n  -d client_id=") + shellQuote(c.clientId) : QString();
    QString out = QStringLiteral("# %1 (%2)\n# Issuer: %3\n\n").arg(c.name, c.clientId, issuer);
    if (c.allowsGrant(grant::ClientCredentials))
        out += QStringLiteral(
            "# client_credentials\ncurl -s %1%2 \\\n  -d grant_type=client_credentials -d scope=%3\n\n")
                   .arg(shellQuote(token), auth, shellQuote(c.scopes.join(QLatin1Char(' '))));
    if (c.allowsGrant(grant::AuthorizationCode)) {
        const QString redirect = c.redirectUris.value(0);
        out += QStringLiteral(
            "# authorization_code with PKCE: open this URL in a browser (verifier below)\n"
            "VERIFIER=$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')\n"
            "CHALLENGE=$(printf %s \"$VERIFIER\" | openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')\n"
            "echo \"%1/oauth/authorize?response_type=code&client_id=%2&redirect_uri=%3&scope=%4"
            "&state=xyz&code_challenge=$CHALLENGE&code_challenge_method=S256\"\n"
            "# then, with the code from the redirect:\n"
            "curl -s %5%6%7 \\\n  -d grant_type=authorization_code -d code=\"$CODE\" \\\n"
            "  --data-urlencode redirect_uri=%8 -d code_verifier=\"$VERIFIER\"\n\n")
                   .arg(issuer, QString::fromLatin1(QUrl::toPercentEncoding(c.clientId)),
                       QString::fromLatin1(QUrl::toPercentEncoding(redirect)),
                       QString::fromLatin1(QUrl::toPercentEncoding(scopeOf(c))), shellQuote(token), auth, publicId,
                       shellQuote(redirect));
    }
    if (c.allowsGrant(grant::RefreshToken))
        out += QStringLiteral(
            "# refresh_token\ncurl -s %1%2%3 \\\n  -d grant_type=refresh_token -d refresh_token=\"$REFRESH_TOKEN\"\n\n")
                   .arg(shellQuote(token), auth, publicId);
    if (c.allowsGrant(grant::Password))
        out += QStringLiteral(
            "# password (legacy)\ncurl -s %1%2%3 \\\n  -d grant_type=password -d username=alice -d password=\"\"\n\n")
                   .arg(shellQuote(token), auth, publicId);
    if (c.allowsGrant(grant::DeviceCode))
        out += QStringLiteral("# device authorization\ncurl -s %1%2%3 -d scope=%4\n\n")
                   .arg(shellQuote(issuer + QStringLiteral("/oauth/device_authorization")), auth, publicId,
                       shellQuote(scopeOf(c)));
    out += QStringLiteral(
        "# call the example API with the access token\ncurl -s -H \"Authorization: Bearer $ACCESS_TOKEN\" %1\n")
               .arg(shellQuote(issuer + QStringLiteral("/api/me")));
    return out;
}

} // namespace

QStringList ClientExport::formats()
{
    return {QStringLiteral("json"), QStringLiteral("env"), QStringLiteral("curl"), QStringLiteral("openid-client"),
        QStringLiteral("spring"), QStringLiteral("authlib"), QStringLiteral("qt")};
}

QString ClientExport::formatTitle(const QString &format)
{
    if (format == QLatin1String("json"))
        return QStringLiteral("JSON (RFC 7591)");
    if (format == QLatin1String("env"))
        return QStringLiteral(".env");
    if (format == QLatin1String("curl"))
        return QStringLiteral("curl");
    if (format == QLatin1String("openid-client"))
        return QStringLiteral("openid-client (Node)");
    if (format == QLatin1String("spring"))
        return QStringLiteral("Spring Boot application.yml");
    if (format == QLatin1String("authlib"))
        return QStringLiteral("Authlib (Python)");
    if (format == QLatin1String("qt"))
        return QStringLiteral("QtNetworkAuth (C++)");
    return format;
}

QString ClientExport::suggestedFileName(const Client &client, const QString &format)
{
    QString base = client.name.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    if (base.isEmpty())
        base = QStringLiteral("client");
    if (format == QLatin1String("json"))
        return base + QStringLiteral(".json");
    if (format == QLatin1String("env"))
        return QStringLiteral(".env");
    if (format == QLatin1String("curl"))
        return base + QStringLiteral(".sh");
    if (format == QLatin1String("openid-client"))
        return base + QStringLiteral(".mjs");
    if (format == QLatin1String("spring"))
        return QStringLiteral("application.yml");
    if (format == QLatin1String("authlib"))
        return base + QStringLiteral(".py");
    if (format == QLatin1String("qt"))
        return base + QStringLiteral(".cpp");
    return base + QStringLiteral(".txt");
}

QString ClientExport::render(const Client &c, const QString &issuer, const QString &format)
{
    const QString redirect = c.redirectUris.value(0);
    const QString secret = c.isPublic ? QString() : c.secret;
    if (format == QLatin1String("json")) {
        QJsonObject o = c.toJson(true);
        o.insert(QStringLiteral("issuer"), issuer);
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    }
    if (format == QLatin1String("env")) {
        QString out
            = QStringLiteral("OAUTH_ISSUER=%1\nOAUTH_CLIENT_ID=%2\n").arg(envQuote(issuer), envQuote(c.clientId));
        if (!c.isPublic)
            out += QStringLiteral("OAUTH_CLIENT_SECRET=%1\n").arg(envQuote(secret));
        out += QStringLiteral("OAUTH_REDIRECT_URI=%1\nOAUTH_SCOPES=%2\n").arg(envQuote(redirect), envQuote(scopeOf(c)));
        return out;
    }
    if (format == QLatin1String("curl"))
        return curl(c, issuer);
    if (format == QLatin1String("openid-client")) {
        return QStringLiteral(
            "// npm install openid-client@6\n"
            "import * as client from 'openid-client';\n\n"
            "const config = await client.discovery(\n"
            "  new URL('%1'),\n"
            "  '%2',\n"
            "  %3,\n"
            "  undefined,\n"
            "  { execute: [client.allowInsecureRequests] }, // OAuthDesk serves plain http on 127.0.0.1\n"
            ");\n\n"
            "const codeVerifier = client.randomPKCECodeVerifier();\n"
            "const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);\n"
            "const authUrl = client.buildAuthorizationUrl(config, {\n"
            "  redirect_uri: '%4',\n"
            "  scope: '%5',\n"
            "  code_challenge: codeChallenge,\n"
            "  code_challenge_method: 'S256',\n"
            "});\n"
            "// after the redirect back to your app:\n"
            "// const tokens = await client.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: "
            "codeVerifier });\n")
            .arg(issuer, c.clientId, c.isPublic ? QStringLiteral("undefined") : QStringLiteral("'%1'").arg(secret),
                redirect, scopeOf(c));
    }
    if (format == QLatin1String("spring")) {
        return QStringLiteral("spring:\n"
                              "  security:\n"
                              "    oauth2:\n"
                              "      client:\n"
                              "        registration:\n"
                              "          oauthdesk:\n"
                              "            client-id: \"%1\"\n"
                              "%2"
                              "            client-authentication-method: %3\n"
                              "            authorization-grant-type: authorization_code\n"
                              "            redirect-uri: \"%4\"\n"
                              "            scope: [%5]\n"
                              "        provider:\n"
                              "          oauthdesk:\n"
                              "            issuer-uri: \"%6\"\n")
            .arg(c.clientId, c.isPublic ? QString() : QStringLiteral("            client-secret: \"%1\"\n").arg(secret),
                c.authMethod,
                redirect.isEmpty() ? QStringLiteral("{baseUrl}/login/oauth2/code/{registrationId}") : redirect,
                scopeOf(c).split(QLatin1Char(' ')).join(QStringLiteral(", ")), issuer);
    }
    if (format == QLatin1String("authlib")) {
        return QStringLiteral(
            "# pip install authlib requests\n"
            "from authlib.integrations.requests_client import OAuth2Session\n\n"
            "client = OAuth2Session(\n"
            "    client_id=%1,\n"
            "    client_secret=%2,\n"
            "    scope=%3,\n"
            "    redirect_uri=%4,\n"
            "    code_challenge_method='S256',\n"
            ")\n"
            "uri, state = client.create_authorization_url(%5, code_verifier=VERIFIER)\n"
            "# after the redirect back to your app:\n"
            "# token = client.fetch_token(%6, authorization_response=callback_url, code_verifier=VERIFIER)\n")
            .arg(QStringLiteral("'%1'").arg(c.clientId),
                c.isPublic ? QStringLiteral("None") : QStringLiteral("'%1'").arg(secret),
                QStringLiteral("'%1'").arg(scopeOf(c)), QStringLiteral("'%1'").arg(redirect),
                QStringLiteral("'%1/oauth/authorize'").arg(issuer), QStringLiteral("'%1/oauth/token'").arg(issuer));
    }
    if (format == QLatin1String("qt")) {
        return QStringLiteral("// find_package(Qt6 REQUIRED COMPONENTS NetworkAuth)\n"
                              "#include <QOAuth2AuthorizationCodeFlow>\n"
                              "#include <QOAuthHttpServerReplyHandler>\n\n"
                              "auto *flow = new QOAuth2AuthorizationCodeFlow(this);\n"
                              "flow->setAuthorizationUrl(QUrl(QStringLiteral(\"%1/oauth/authorize\")));\n"
                              "flow->setAccessTokenUrl(QUrl(QStringLiteral(\"%1/oauth/token\")));\n"
                              "flow->setClientIdentifier(QStringLiteral(\"%2\"));\n"
                              "%3"
                              "flow->setScope(QStringLiteral(\"%4\"));\n"
                              "// QOAuthHttpServerReplyHandler listens on 127.0.0.1; register its callback URL\n"
                              "// (http://127.0.0.1:PORT/) as a redirect URI of this client.\n"
                              "auto *replyHandler = new QOAuthHttpServerReplyHandler(%5, this);\n"
                              "flow->setReplyHandler(replyHandler);\n"
                              "connect(flow, &QAbstractOAuth::authorizeWithBrowser, &QDesktopServices::openUrl);\n"
                              "connect(flow, &QAbstractOAuth::granted, this, [flow] { qDebug() << flow->token(); });\n"
                              "flow->grant();\n")
            .arg(issuer, c.clientId,
                c.isPublic
                    ? QString()
                    : QStringLiteral("flow->setClientIdentifierSharedKey(QStringLiteral(\"%1\"));\n").arg(secret),
                scopeOf(c), QString::number(QUrl(redirect).port(8080)));
    }
    return {};
}

} // namespace oauthdesk
