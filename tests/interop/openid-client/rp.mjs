// A relying party built with openid-client (a certified OpenID Connect RP library), run against OAuthDesk.
// Every check that fails throws, so the process exits non-zero.
import * as client from 'openid-client';
import assert from 'node:assert/strict';

const [issuer, clientId, clientSecret, redirectUri, logoutUri] = process.argv.slice(2);
const http = { execute: [client.allowInsecureRequests] }; // a local server on http://127.0.0.1

// Discovery 1.0: the library checks that the document's issuer is the URL it asked.
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, http);
const meta = config.serverMetadata();
assert.equal(meta.issuer, issuer);
assert.ok(meta.jwks_uri && meta.userinfo_endpoint && meta.end_session_endpoint, 'OIDC endpoints are advertised');

const codeVerifier = client.randomPKCECodeVerifier();
const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
const nonce = client.randomNonce();
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email offline_access',
  code_challenge: codeChallenge,
  code_challenge_method: 'S256',
  nonce,
  state,
});

// The client auto-approves, so the authorization endpoint redirects straight back with code, state and iss.
const answer = await fetch(authorizationUrl, { redirect: 'manual' });
assert.ok(answer.status === 302 || answer.status === 303, `authorize answered ${answer.status}`);
const callback = new URL(answer.headers.get('location'));
assert.equal(callback.searchParams.get('iss'), issuer, 'RFC 9207 iss in the authorization response');

// Validates the ID token: signature against jwks_uri, iss, aud, exp, iat, nonce, at_hash.
const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: codeVerifier,
  expectedNonce: nonce,
  expectedState: state,
  idTokenExpected: true,
});
const claims = tokens.claims();
assert.ok(claims, 'an ID token came back');
assert.equal(claims.nonce, nonce);
assert.equal(claims.aud, clientId);
assert.equal(claims.email, 'alice@example.com');
assert.equal(claims.name, 'Alice Example');
assert.equal(typeof claims.auth_time, 'number');
assert.ok(tokens.refresh_token, 'a refresh token came back');

const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
assert.equal(userinfo.sub, claims.sub);
assert.equal(userinfo.email, 'alice@example.com');
assert.equal(userinfo.preferred_username, 'alice');

// A refresh returns a new ID token for the same subject with the original auth_time.
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
const refreshedClaims = refreshed.claims();
assert.ok(refreshedClaims, 'the refresh returned an ID token');
assert.equal(refreshedClaims.sub, claims.sub);
assert.equal(refreshedClaims.auth_time, claims.auth_time);
assert.notEqual(refreshed.access_token, tokens.access_token);

const introspection = await client.tokenIntrospection(config, refreshed.access_token);
assert.equal(introspection.active, true);
await client.tokenRevocation(config, refreshed.access_token);
assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);

// RP-Initiated Logout 1.0: back to the registered URI with the state.
const logoutState = client.randomState();
const endSession = client.buildEndSessionUrl(config, {
  id_token_hint: refreshed.id_token,
  post_logout_redirect_uri: logoutUri,
  state: logoutState,
});
const logout = await fetch(endSession, { redirect: 'manual' });
assert.ok(logout.status === 302 || logout.status === 303, `logout answered ${logout.status}`);
const back = new URL(logout.headers.get('location'));
assert.equal(back.origin + back.pathname, logoutUri);
assert.equal(back.searchParams.get('state'), logoutState);

console.log(`openid-client: discovery, code+PKCE+nonce, ID token, userinfo, refresh, introspection, revocation and logout passed (sub ${claims.sub})`);
