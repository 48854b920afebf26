#!/usr/bin/env bash
# OpenID Connect interop: Debian's python3-authlib validates OAuthDesk's ID tokens (RS256, ES256, EdDSA) after a
# code + PKCE exchange against a real `oauthdesk serve`.
# Usage: bash oidc-authlib.sh /path/to/oauthdesk
set -euo pipefail

binary=${1:?usage: oidc-authlib.sh /path/to/oauthdesk}
# Debian's interpreter, where python3-authlib installs; another python3 on PATH may not see it.
python=/usr/bin/python3
if ! "$python" -c 'import authlib.jose, authlib.oidc.core' 2> /dev/null; then
    echo "oidc-authlib: python3-authlib is not installed (apt-get install -y python3-authlib)" >&2
    exit 1
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2> /dev/null || true
        wait "$server_pid" 2> /dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

db="$work/oauthdesk.sqlite"
"$binary" --db "$db" user add alice --claim email=alice@example.com --claim "name=Alice Example" > /dev/null
for alg in RS256 ES256 EdDSA; do
    "$binary" --db "$db" client add --name "rp-$alg" --id "rp-$alg" --secret "secret-$alg" \
        --redirect-uri http://127.0.0.1:9/cb --auto-approve alice --id-token-alg "$alg" \
        --scope openid --scope profile --scope email --scope offline_access > /dev/null
done

# shellcheck source=lib/start-server.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/start-server.bash"
start_server oidc-authlib "$binary" "$db" "$work"

cat > "$work/rp.py" << 'PY'
import base64, hashlib, json, secrets, sys, urllib.error, urllib.parse, urllib.request

from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

issuer = sys.argv[1]
redirect_uri = "http://127.0.0.1:9/cb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get_json(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        return json.load(r)


config = get_json(issuer + "/.well-known/openid-configuration")
assert config["issuer"] == issuer, config["issuer"]
jwks = JsonWebKey.import_key_set(get_json(config["jwks_uri"]))

for alg in ("RS256", "ES256", "EdDSA"):
    client_id, secret = "rp-" + alg, "secret-" + alg
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid profile email", "code_challenge": challenge, "code_challenge_method": "S256",
        "nonce": nonce, "state": state})
    try:
        opener.open(config["authorization_endpoint"] + "?" + query, timeout=10)
        raise AssertionError("the authorization endpoint did not redirect")
    except urllib.error.HTTPError as e:
        assert e.code in (302, 303), e.code
        location = e.headers["Location"]
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert answer.get("state") == state and answer.get("iss") == issuer, answer
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": answer["code"],
                                   "redirect_uri": redirect_uri, "code_verifier": verifier}).encode()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(config["token_endpoint"], data=body, headers={
        "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as r:
        tokens = json.load(r)

    params = {"nonce": nonce, "client_id": client_id}
    # authlib 1.2 derives the at_hash digest from the alg name ("sha" + "DSA" for EdDSA), so it cannot check an
    # EdDSA at_hash; the signature and every other claim are still checked for EdDSA.
    if alg != "EdDSA":
        params["access_token"] = tokens["access_token"]
    claims = jwt.decode(tokens["id_token"], jwks, claims_cls=CodeIDToken, claims_params=params, claims_options={
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "nonce": {"essential": True, "value": nonce},
        "auth_time": {"essential": True},
        "azp": {"essential": True, "value": client_id},
    })
    claims.validate()
    assert claims.header["alg"] == alg, claims.header
    assert claims["email"] == "alice@example.com" and claims["name"] == "Alice Example", dict(claims)
    assert claims.get("at_hash"), "at_hash is missing"
    if alg == "EdDSA":
        # Ed25519 hashes with SHA-512 (OpenID Foundation guidance), checked here since authlib cannot.
        half = hashlib.sha512(tokens["access_token"].encode()).digest()[:32]
        assert claims["at_hash"] == base64.urlsafe_b64encode(half).rstrip(b"=").decode(), claims["at_hash"]

    # A tampered token must not verify.
    head, payload, sig = tokens["id_token"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["sub"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    try:
        jwt.decode(".".join([head, forged_payload, sig]), jwks)
        raise AssertionError("a tampered ID token verified")
    except AssertionError:
        raise
    except Exception:
        pass

    userinfo = get_json(config["userinfo_endpoint"], {"Authorization": "Bearer " + tokens["access_token"]})
    assert userinfo["sub"] == claims["sub"], userinfo
    print(f"authlib: {alg} ID token verified (iss, aud, nonce, azp, auth_time, exp, at_hash)")
PY

timeout 120 "$python" "$work/rp.py" "$issuer"
