#!/usr/bin/env bash
# OpenID Connect interop: the openid-client relying-party library signs in against a real `oauthdesk serve`.
# Usage: bash oidc-openid-client.sh /path/to/oauthdesk
set -euo pipefail

binary=${1:?usage: oidc-openid-client.sh /path/to/oauthdesk}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v node > /dev/null || { echo "oidc-openid-client: node is not installed" >&2; exit 1; }
command -v npm > /dev/null || { echo "oidc-openid-client: npm is not installed" >&2; exit 1; }

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

# The library is installed exactly as locked, in a copy, so the source tree stays clean.
cp "$here/openid-client/package.json" "$here/openid-client/package-lock.json" "$here/openid-client/rp.mjs" "$work/"
(cd "$work" && timeout 300 npm ci --no-audit --no-fund --loglevel=error > npm.log 2>&1) || {
    cat "$work/npm.log" >&2
    echo "oidc-openid-client: npm ci failed" >&2
    exit 1
}

db="$work/oauthdesk.sqlite"
secret=rp-secret-$RANDOM$RANDOM
"$binary" --db "$db" user add alice --claim email=alice@example.com --claim "name=Alice Example" > /dev/null
"$binary" --db "$db" client add --name rp --id rp --secret "$secret" --redirect-uri http://127.0.0.1:9/cb \
    --post-logout-redirect-uri http://127.0.0.1:9/signed-out --auto-approve alice \
    --scope openid --scope profile --scope email --scope offline_access > /dev/null

# shellcheck source=lib/start-server.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/start-server.bash"
start_server oidc-openid-client "$binary" "$db" "$work"

(cd "$work" && timeout 120 node rp.mjs "$issuer" rp "$secret" http://127.0.0.1:9/cb http://127.0.0.1:9/signed-out)
