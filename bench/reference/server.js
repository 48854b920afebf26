'use strict';

// Reference OAuth 2.0 server for the oauthdesk benchmark.
//
// Serves the same three endpoints as `oauthdesk serve`, on 127.0.0.1 only:
//   POST /oauth/token       client_credentials grant, HTTP Basic client auth
//   POST /oauth/introspect  RFC 7662 token introspection, HTTP Basic client auth
//   GET  /api/me            bearer-protected resource (scope "read")
//
// Token issuance and bearer authentication are handled by
// @node-oauth/oauth2-server; introspection is a plain express route over the
// same in-memory model. Everything lives in memory, so this is an upper bound
// for a server that does no persistence.
//
// Usage:
//   node server.js [--port N] [--client-id ID] [--client-secret SECRET]
//                  [--scope "read write"] [--token-lifetime SECONDS]
// Environment fallbacks: PORT, CLIENT_ID, CLIENT_SECRET, CLIENT_SCOPES,
// TOKEN_LIFETIME. Port 0 (the default) picks a free port. When ready it
// prints exactly one line to stdout: `listening on http://127.0.0.1:PORT`.

const crypto = require('node:crypto');
const express = require('express');
const OAuth2Server = require('@node-oauth/oauth2-server');

const { Request, Response, OAuthError } = OAuth2Server;

function parseArgs(argv) {
  const opts = {
    port: process.env.PORT || '0',
    clientId: process.env.CLIENT_ID || 'bench-client',
    clientSecret: process.env.CLIENT_SECRET || 'bench-secret',
    scopes: process.env.CLIENT_SCOPES || 'read write',
    tokenLifetime: process.env.TOKEN_LIFETIME || '3600',
  };
  const names = {
    '--port': 'port',
    '--client-id': 'clientId',
    '--client-secret': 'clientSecret',
    '--scope': 'scopes',
    '--token-lifetime': 'tokenLifetime',
  };
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) {
      process.stderr.write(`reference: unknown or incomplete argument: ${argv[i]}\n`);
      process.exit(2);
    }
    opts[key] = argv[++i];
  }
  opts.port = Number.parseInt(opts.port, 10);
  opts.tokenLifetime = Number.parseInt(opts.tokenLifetime, 10);
  opts.scopes = opts.scopes.split(/[\s,]+/).filter(Boolean);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write('reference: --port must be 0..65535\n');
    process.exit(2);
  }
  if (!Number.isInteger(opts.tokenLifetime) || opts.tokenLifetime <= 0) {
    process.stderr.write('reference: --token-lifetime must be a positive integer\n');
    process.exit(2);
  }
  return opts;
}

// Constant-time string comparison (avoids leaking secret length via timing
// only as far as hashing both sides to a fixed length does).
function safeEqual(a, b) {
  const ha = crypto.createHash('sha256').update(String(a)).digest();
  const hb = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function createModel(opts) {
  const client = {
    id: opts.clientId,
    grants: ['client_credentials'],
    redirectUris: ['http://127.0.0.1/cb'],
    scopes: opts.scopes,
    accessTokenLifetime: opts.tokenLifetime,
  };
  // The "user" a client_credentials token acts for is the client itself.
  const serviceUser = { id: `client:${opts.clientId}` };
  const tokens = new Map(); // accessToken -> stored token object

  // Drop expired tokens once a minute so a long run does not grow unbounded.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, tok] of tokens) {
      if (tok.accessTokenExpiresAt.getTime() <= now) tokens.delete(key);
    }
  }, 60_000);
  sweep.unref();

  return {
    tokens,
    // Look up a client by id; the secret is checked when one is given
    // (the token handler always passes it for confidential clients).
    async getClient(clientId, clientSecret) {
      if (clientId !== client.id) return null;
      if (clientSecret !== null && clientSecret !== undefined
          && !safeEqual(clientSecret, opts.clientSecret)) {
        return null;
      }
      return client;
    },
    async getUserFromClient(c) {
      return c.id === client.id ? serviceUser : null;
    },
    // Requested scope must be a subset of the client's scopes; no scope
    // requested means all of them.
    async validateScope(user, c, scope) {
      if (!scope || scope.length === 0) return c.scopes.slice();
      return scope.every((s) => c.scopes.includes(s)) ? scope : false;
    },
    async saveToken(token, c, user) {
      const stored = {
        accessToken: token.accessToken,
        accessTokenExpiresAt: token.accessTokenExpiresAt,
        scope: token.scope,
        issuedAt: new Date(),
        client: { id: c.id },
        user,
      };
      tokens.set(stored.accessToken, stored);
      return stored;
    },
    async getAccessToken(accessToken) {
      return tokens.get(accessToken) || null;
    },
    async verifyScope(token, required) {
      if (!token.scope) return false;
      return required.every((s) => token.scope.includes(s));
    },
  };
}

// Parse an HTTP Basic Authorization header into {id, secret}. Split at the
// first colon and do not form-decode, exactly as the token endpoint of
// @node-oauth/oauth2-server (via basic-auth) does, so both endpoints accept
// the same credentials.
function parseBasic(header) {
  if (typeof header !== 'string') return null;
  const m = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function toOAuthRequest(req) {
  return new Request({
    headers: req.headers,
    method: req.method,
    query: req.query || {},
    body: req.body || {},
  });
}

function sendOAuthError(res, err) {
  if (err instanceof OAuthError) {
    const body = { error: err.name };
    if (err.message) body.error_description = err.message;
    res.status(err.code || 400).json(body);
  } else {
    process.stderr.write(`reference: internal error: ${err && err.stack}\n`);
    res.status(500).json({ error: 'server_error' });
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const model = createModel(opts);
  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime: opts.tokenLifetime,
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  app.post('/oauth/token', form, async (req, res) => {
    const response = new Response();
    try {
      await oauth.token(toOAuthRequest(req), response, {
        requireClientAuthentication: { client_credentials: true },
      });
      res.set(response.headers);
      res.set('Cache-Control', 'no-store');
      res.set('Pragma', 'no-cache');
      res.status(response.status).json(response.body);
    } catch (err) {
      if (response.headers) res.set(response.headers);
      sendOAuthError(res, err);
    }
  });

  app.post('/oauth/introspect', form, async (req, res) => {
    const creds = parseBasic(req.get('authorization'));
    const c = creds && await model.getClient(creds.id, creds.secret);
    if (!c) {
      res.set('WWW-Authenticate', 'Basic realm="oauth"');
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const token = req.body && req.body.token;
    if (typeof token !== 'string' || token === '') {
      res.status(400).json({ error: 'invalid_request', error_description: 'missing token' });
      return;
    }
    res.set('Cache-Control', 'no-store');
    const stored = await model.getAccessToken(token);
    if (!stored || stored.accessTokenExpiresAt.getTime() <= Date.now()) {
      res.json({ active: false });
      return;
    }
    res.json({
      active: true,
      scope: (stored.scope || []).join(' '),
      client_id: stored.client.id,
      token_type: 'Bearer',
      exp: Math.floor(stored.accessTokenExpiresAt.getTime() / 1000),
      iat: Math.floor(stored.issuedAt.getTime() / 1000),
      sub: stored.user.id,
    });
  });

  app.get('/api/me', async (req, res) => {
    const response = new Response();
    try {
      const token = await oauth.authenticate(toOAuthRequest(req), response, { scope: 'read' });
      res.json({
        sub: token.user.id,
        client_id: token.client.id,
        scope: (token.scope || []).join(' '),
      });
    } catch (err) {
      if (response.headers) res.set(response.headers);
      sendOAuthError(res, err);
    }
  });

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  const server = app.listen(opts.port, '127.0.0.1', () => {
    const { port } = server.address();
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  });
  server.on('error', (err) => {
    process.stderr.write(`reference: ${err.message}\n`);
    process.exit(1);
  });
  server.keepAliveTimeout = 65_000;

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
