#!/usr/bin/env bash
# Fills a throwaway database with realistic data through the command line, then photographs each page of the
# window under Xvfb into docs/screenshots/PAGE.png.
# Usage: scripts/screenshots.sh [path/to/oauthdesk]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$(realpath "${1:-$here/build/app/oauthdesk}")"
out="$here/docs/screenshots"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Own settings and data folders: the window must not read or change the user's.
export HOME="$work/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
# The default location, so the window shows what a user sees: ~/.local/share/OAuthDesk/oauthdesk.sqlite.
db="$XDG_DATA_HOME/OAuthDesk/oauthdesk.sqlite"
mkdir -p "$(dirname "$db")"
od() { "$app" --db "$db" "$@" >/dev/null; }

od user add alice --password wonderland --claim email=alice@example.com --claim "name=Alice Liddell" \
    --claim 'groups=["developers","admins"]' --claim email_verified=true
od user add bob --claim email=bob@example.com --claim "name=Bob Builder" --claim 'groups=["qa"]'
od user add carol --password carol --claim email=carol@example.org --claim locale=en-GB
od user add ci-bot --claim 'roles=["deployer"]'

od client add --name "Inventory web app" --id inventory-web --secret inventory-secret \
    --redirect-uri http://localhost:3000/auth/callback --redirect-uri https://inventory.dev.example/callback \
    --grant authorization_code --grant refresh_token --grant password --scope openid --scope profile --scope email
od client add --name "Billing worker" --id billing-worker --grant client_credentials --scope invoices:read \
    --scope invoices:write --jwt-access-tokens
od client add --name "Mobile app (React Native)" --id mobile-app --public \
    --redirect-uri com.example.mobile:/oauth2redirect --grant authorization_code --grant refresh_token
od client add --name "Single-page dashboard" --id spa-dashboard --public \
    --redirect-uri http://localhost:5173/callback --auto-approve alice
od client add --name "Smart TV" --id smart-tv --public --grant urn:ietf:params:oauth:grant-type:device_code \
    --grant refresh_token
od client add --name "Legacy reporting" --id legacy-reports --auth-method client_secret_post \
    --grant client_credentials
"$app" --db "$db" client disable legacy-reports >/dev/null

# Some real tokens: run the server headless and ask it for them.
"$app" serve --headless --db "$db" --port 0 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do grep -q '^listening on ' "$work/serve.log" && break; sleep 0.1; done
base="$(sed -n 's/^listening on //p' "$work/serve.log" | head -1)"
[[ -n "$base" ]] || { cat "$work/serve.log" >&2; exit 1; }
billing_secret="$("$app" --db "$db" client show billing-worker --json | sed -n 's/.*"client_secret": "\(.*\)".*/\1/p')"
for _ in 1 2 3; do
    curl -fsS -u "billing-worker:$billing_secret" -d grant_type=client_credentials -d scope=invoices:read \
        "$base/oauth/token" >/dev/null
done
for user in alice carol; do
    password="$([[ $user == alice ]] && echo wonderland || echo carol)"
    refresh="$(curl -fsS -u inventory-web:inventory-secret -d grant_type=password -d "username=$user" \
        -d "password=$password" -d "scope=openid profile" "$base/oauth/token" |
        sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p')"
    [[ -n "$refresh" ]] && curl -fsS -u inventory-web:inventory-secret -d grant_type=refresh_token \
        -d "refresh_token=$refresh" "$base/oauth/token" >/dev/null
done
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

# Traffic for the live pages, sent to the window's own server while it is open.
traffic() {
    local url="$1"
    for _ in 1 2 3; do
        curl -fsS -u "billing-worker:$billing_secret" -d grant_type=client_credentials -d scope=invoices:read \
            "$url/oauth/token" >/dev/null || true
    done
    curl -sS -u billing-worker:wrong -d grant_type=client_credentials "$url/oauth/token" >/dev/null || true
    curl -sS "$url/.well-known/openid-configuration" >/dev/null || true
    curl -sS -H "Authorization: Bearer not-a-token" "$url/api/me" >/dev/null || true
    curl -sS -d client_id=smart-tv -d "scope=openid profile" "$url/oauth/device_authorization" >/dev/null || true
    curl -sS -d client_id=smart-tv -d "scope=offline_access" "$url/oauth/device_authorization" >/dev/null || true
    curl -sS "$url/oauth/authorize?client_id=spa-dashboard&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=af0ifjsldkj" >/dev/null || true
}

mkdir -p "$out"
for page in server clients users tokens requests keys device; do
    log="$work/$page.out"
    OAUTHDESK_SCREENSHOT_DELAY_MS=3000 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --db "$db" --port 0 \
        --page "$page" --screenshot "$out/$page.png" >"$log" 2>"$work/$page.err" &
    gui_pid=$!
    for _ in $(seq 100); do grep -q '^listening on ' "$log" && break; sleep 0.1; done
    url="$(sed -n 's/^listening on //p' "$log" | head -1)"
    [[ -n "$url" ]] && traffic "$url"
    if wait "$gui_pid"; then
        echo "wrote $out/$page.png"
    else
        echo "skipped $page: $(tail -1 "$work/$page.err")"
    fi
done
