#!/usr/bin/env bash
# Benchmark oauthdesk's embedded OAuth 2.0 server against a Node.js reference
# server (@node-oauth/oauth2-server + express, in memory) with wrk.
#
# Usage: bench/run.sh [--self-test] [path/to/oauthdesk]
#
# See bench/README.md. All traffic goes to 127.0.0.1 only; every server this
# script starts is stopped when it exits.

set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [--self-test] [path/to/oauthdesk]

Runs three wrk loads (token issuance, introspection, /api/me) against
oauthdesk and the reference server, alternating between them, and prints a
comparison table. Results: bench/results/latest.json.

  path/to/oauthdesk  oauthdesk binary (default: build/app/oauthdesk under the
                     repository root)
  --self-test        do not use oauthdesk; run a second reference server in
                     its place (same as REFERENCE_ONLY=1). Checks the harness.

Environment:
  DURATION=10        seconds per wrk run (1..600)
  THREADS=2          wrk threads
  CONNECTIONS=16     wrk connections
  REFERENCE_ONLY=1   same as --self-test
  BARE_SERVER        the stock-QHttpServer program for the ceiling rows
                     (default: bench/BareHttpServer in the binary's build
                     tree; the rows are left out when it is missing)
  BENCH_CLIENT_ID    client id to seed (default bench-client)
  BENCH_CLIENT_SECRET client secret (default: random per run)
EOF
}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
REF_DIR="$BENCH_DIR/reference"
WRK_DIR="$BENCH_DIR/wrk"
RESULTS_DIR="$BENCH_DIR/results"

SELF_TEST=0
case "${REFERENCE_ONLY:-0}" in 1|yes|true) SELF_TEST=1 ;; esac
BIN=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --self-test) SELF_TEST=1 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$BIN" ] || die "only one binary path may be given"; BIN=$1 ;;
  esac
  shift
done
[ -n "$BIN" ] || BIN="$ROOT/build/app/oauthdesk"

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
if ! { is_uint "$DURATION" && [ "$DURATION" -ge 1 ] && [ "$DURATION" -le 600 ]; }; then
  die "DURATION must be an integer number of seconds, 1..600 (got '$DURATION')"
fi
if ! { is_uint "$THREADS" && [ "$THREADS" -ge 1 ] && [ "$THREADS" -le 64 ]; }; then
  die "THREADS must be 1..64 (got '$THREADS')"
fi
if ! { is_uint "$CONNECTIONS" && [ "$CONNECTIONS" -ge "$THREADS" ] && [ "$CONNECTIONS" -le 1024 ]; }; then
  die "CONNECTIONS must be THREADS..1024 (got '$CONNECTIONS')"
fi

CLIENT_ID=${BENCH_CLIENT_ID:-bench-client}
CLIENT_SECRET=${BENCH_CLIENT_SECRET:-}
if [ -z "$CLIENT_SECRET" ]; then
  CLIENT_SECRET="s-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
fi
BASIC_AUTH="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 | tr -d '\n')"

if [ "$SELF_TEST" -eq 1 ]; then
  SUBJECT_LABEL="oauthdesk*"
else
  case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
  [ -x "$BIN" ] || die "oauthdesk binary not found or not executable: $BIN (build it, pass its path, or use --self-test)"
  SUBJECT_LABEL="oauthdesk"
fi

# --------------------------------------------------------------- tools

command -v node >/dev/null || die "node is required (Node 20)"
command -v npm >/dev/null || die "npm is required"
command -v curl >/dev/null || die "curl is required"
command -v timeout >/dev/null || die "timeout (coreutils) is required"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node >= 20 required (found $(node --version))"

if ! command -v wrk >/dev/null; then
  log "wrk not found; installing the Debian package"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "wrk is missing and this is not root; install the 'wrk' package"
    SUDO="sudo"
  fi
  if ! $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y wrk >&2; then
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update >&2
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y wrk >&2
  fi
  command -v wrk >/dev/null || die "wrk installation failed"
fi

# ------------------------------------------------------- cleanup and trap

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oauthdesk-bench.XXXXXX")
PIDS=()
WRK_PID=""

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  if [ -n "$WRK_PID" ]; then
    kill -TERM "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # Up to 5 s for a graceful stop, then SIGKILL.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop on SIGTERM; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------ reference deps

log "installing reference server dependencies"
if [ -f "$REF_DIR/package-lock.json" ]; then
  timeout 300 npm ci --prefix "$REF_DIR" --no-audit --no-fund --loglevel=error >&2 \
    || die "npm ci failed in $REF_DIR"
else
  timeout 300 npm install --prefix "$REF_DIR" --no-audit --no-fund --loglevel=error >&2 \
    || die "npm install failed in $REF_DIR"
fi

# ------------------------------------------------------------- servers

# start_server NAME CMD... : start CMD in the background, wait for its
# "listening on http://127.0.0.1:PORT" line and set SERVER_URL.
SERVER_URL=""
start_server() {
  local name=$1 out err pid port
  shift
  out="$WORK/$name.stdout"
  err="$WORK/$name.stderr"
  "$@" >"$out" 2>"$err" </dev/null &
  pid=$!
  PIDS+=("$pid")
  port=""
  for _ in $(seq 1 200); do   # 200 x 0.1 s = 20 s
    port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)\r\{0,1\}$#\1#p' "$out" | head -n 1)
    [ -n "$port" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; stderr:"
      tail -n 20 "$err" >&2 || true
      die "$name failed to start"
    fi
    sleep 0.1
  done
  if [ -z "$port" ]; then
    log "$name stdout:"; tail -n 5 "$out" >&2 || true
    log "$name stderr:"; tail -n 20 "$err" >&2 || true
    die "$name did not print 'listening on http://127.0.0.1:PORT' within 20 s"
  fi
  SERVER_URL="http://127.0.0.1:$port"
  log "$name (pid $pid) listening on $SERVER_URL"
}

start_reference() {
  start_server "$1" env CLIENT_ID="$CLIENT_ID" CLIENT_SECRET="$CLIENT_SECRET" \
    CLIENT_SCOPES="read write" node "$REF_DIR/server.js" --port 0
}

DB=""
if [ "$SELF_TEST" -eq 1 ]; then
  log "self-test: a second reference server stands in for oauthdesk"
  start_reference subject
  SUBJECT_URL=$SERVER_URL
else
  DB="$WORK/oauthdesk.db"
  log "seeding client '$CLIENT_ID' into $DB"
  timeout 60 "$BIN" --db "$DB" client add --name "bench" --id "$CLIENT_ID" \
    --secret "$CLIENT_SECRET" --grant client_credentials --scope read --scope write \
    --redirect-uri http://127.0.0.1/cb --json >"$WORK/client-add.json" 2>"$WORK/client-add.err" \
    || { cat "$WORK/client-add.err" >&2; die "oauthdesk client add failed"; }
  start_server subject "$BIN" --db "$DB" serve --headless --port 0
  SUBJECT_URL=$SERVER_URL
fi
start_reference reference
REFERENCE_URL=$SERVER_URL

# ------------------------------------------------------ tokens and checks

# json_field FIELD : read one JSON object on stdin, print FIELD (empty if absent).
json_field() {
  node -e '
    let s = "";
    process.stdin.on("data", (d) => { s += d; });
    process.stdin.on("end", () => {
      try {
        const v = JSON.parse(s)[process.argv[1]];
        process.stdout.write(v === undefined || v === null ? "" : String(v));
      } catch { process.exit(1); }
    });' "$1"
}

# get_token URL : print a fresh access token from URL's token endpoint.
get_token() {
  local body code
  body=$(curl -sS --max-time 10 -w '\n%{http_code}' -X POST \
    -H "Authorization: $BASIC_AUTH" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'grant_type=client_credentials&scope=read' "$1/oauth/token") \
    || die "token request to $1 failed"
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  [ "$code" = 200 ] || die "token request to $1 returned HTTP $code: $body"
  printf '%s' "$body" | json_field access_token
}

# check_endpoints NAME URL TOKEN : one correct request to each endpoint.
check_endpoints() {
  local name=$1 url=$2 token=$3 body code active
  body=$(curl -sS --max-time 10 -w '\n%{http_code}' -X POST \
    -H "Authorization: $BASIC_AUTH" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-urlencode "token=$token" "$url/oauth/introspect") \
    || die "$name: introspection request failed"
  code=${body##*$'\n'}
  body=${body%$'\n'*}
  [ "$code" = 200 ] || die "$name: introspection returned HTTP $code: $body"
  active=$(printf '%s' "$body" | json_field active) || die "$name: introspection body is not JSON: $body"
  [ "$active" = true ] || die "$name: introspection says the fresh token is not active: $body"
  code=$(curl -sS --max-time 10 -o "$WORK/$name-me.json" -w '%{http_code}' \
    -H "Authorization: Bearer $token" "$url/api/me") \
    || die "$name: /api/me request failed"
  [ "$code" = 200 ] || die "$name: /api/me returned HTTP $code: $(cat "$WORK/$name-me.json")"
  log "$name: token, introspection and /api/me answer correctly"
}

SUBJECT_TOKEN=$(get_token "$SUBJECT_URL")
[ -n "$SUBJECT_TOKEN" ] || die "$SUBJECT_LABEL returned no access_token"
REFERENCE_TOKEN=$(get_token "$REFERENCE_URL")
[ -n "$REFERENCE_TOKEN" ] || die "reference returned no access_token"
check_endpoints subject "$SUBJECT_URL" "$SUBJECT_TOKEN"
check_endpoints reference "$REFERENCE_URL" "$REFERENCE_TOKEN"

# ---------------------------------------------------- database counting

# count_db_tokens : number of access tokens `oauthdesk token list --json`
# reports, or nothing if that is not available. Tolerates a JSON array, an
# object holding one array, or JSON lines; entries typed as refresh tokens
# are not counted.
count_db_tokens() {
  [ "$SELF_TEST" -eq 0 ] || return 0
  timeout 60 "$BIN" --db "$DB" token list --json 2>"$WORK/token-list.err" | node -e '
    let s = "";
    process.stdin.on("data", (d) => { s += d; });
    process.stdin.on("end", () => {
      let items = null;
      try {
        const v = JSON.parse(s);
        if (Array.isArray(v)) items = v;
        else if (v && typeof v === "object") {
          for (const k of ["access_tokens", "tokens", "items", "data"]) {
            if (Array.isArray(v[k])) { items = v[k]; break; }
          }
          if (items === null) {
            const arrays = Object.values(v).filter(Array.isArray);
            if (arrays.length === 1) items = arrays[0];
          }
        }
      } catch {
        const lines = s.split("\n").filter((l) => l.trim() !== "");
        try { items = lines.map((l) => JSON.parse(l)); } catch { items = null; }
      }
      if (items === null) process.exit(1);
      const isRefresh = (t) => t && typeof t === "object" &&
        ["type", "kind", "token_type_hint", "token_kind"].some((k) =>
          typeof t[k] === "string" && /refresh/i.test(t[k]));
      process.stdout.write(String(items.filter((t) => !isRefresh(t)).length));
    });' 2>/dev/null || true
}

# ---------------------------------------------------------- wrk runs

# Convert a wrk duration ("812.00us", "1.23ms", "2.01s", "1.00m") to ms.
wrk_parse() {
  awk '
    function ms(v,   n, u) {
      n = v; sub(/[a-z]+$/, "", n)
      u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000
      if (u == "ms") return n + 0
      if (u == "s")  return n * 1000
      if (u == "m")  return n * 60000
      if (u == "h")  return n * 3600000
      return -1
    }
    /^[ \t]*50%[ \t]/ { p50 = ms($2) }
    /^[ \t]*99%[ \t]/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { reqs = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ {
      # Socket errors: connect A, read B, write C, timeout D
      gsub(/,/, "")
      sockerr = $4 + $6 + $8 + $10
    }
    /^Inactive introspections:/ { inactive = $NF }
    END {
      if (rps == "" || p50 == "" || p99 == "") exit 1
      printf "%s %.3f %.3f %d %d %d %s\n", rps, p50, p99, reqs, non2xx + 0, sockerr + 0, (inactive == "" ? "-" : inactive)
    }'
}

mkdir -p "$RESULTS_DIR/raw"
WRK_TIMEOUT=$((DURATION + 30))

# Results, keyed "LOAD.SIDE.FIELD" (SIDE is subject or reference).
declare -A RES

# run_wrk LOAD SIDE URL TOKEN : run one wrk load, keep the raw output, and
# store RPS P50 P99 REQS NON2XX SOCKERR INACTIVE in RES.
run_wrk() {
  local load=$1 side=$2 url=$3 token=$4 raw parsed path
  local rps p50 p99 reqs non2xx sockerr inactive
  case "$load" in
    token) path=/oauth/token ;;
    introspect) path=/oauth/introspect ;;
    me) path=/api/me ;;
    health) path=/healthz ;;
  esac
  raw="$RESULTS_DIR/raw/$load-$side.txt"
  log "wrk $load -> $side ($url$path, ${DURATION}s, -t$THREADS -c$CONNECTIONS)"
  # In the background so that a signal to this script is handled at once
  # (bash runs traps only after a foreground child returns, but interrupts
  # `wait`); cleanup() stops WRK_PID.
  BENCH_BASIC_AUTH="$BASIC_AUTH" BENCH_TOKEN="$token" \
    timeout "$WRK_TIMEOUT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s "$WRK_DIR/$load.lua" "$url$path" >"$raw" 2>&1 </dev/null &
  WRK_PID=$!
  if ! wait "$WRK_PID"; then
    WRK_PID=""
    cat "$raw" >&2
    die "wrk failed for $load against $side"
  fi
  WRK_PID=""
  parsed=$(wrk_parse <"$raw") || { cat "$raw" >&2; die "could not parse wrk output for $load/$side"; }
  read -r rps p50 p99 reqs non2xx sockerr inactive <<<"$parsed"
  RES["$load.$side.RPS"]=$rps
  RES["$load.$side.P50"]=$p50
  RES["$load.$side.P99"]=$p99
  RES["$load.$side.REQS"]=$reqs
  RES["$load.$side.NON2XX"]=$non2xx
  RES["$load.$side.SOCKERR"]=$sockerr
  RES["$load.$side.INACTIVE"]=$inactive
}

LOADS="token introspect me"
DB_BEFORE=""
DB_AFTER=""
for load in $LOADS; do
  for side in subject reference; do
    if [ "$side" = subject ]; then url=$SUBJECT_URL; tok=$SUBJECT_TOKEN
    else url=$REFERENCE_URL; tok=$REFERENCE_TOKEN; fi
    if [ "$load" = token ] && [ "$side" = subject ]; then
      DB_BEFORE=$(count_db_tokens)
    fi
    run_wrk "$load" "$side" "$url" "$tok"
    if [ "$load" = token ] && [ "$side" = subject ]; then
      DB_AFTER=$(count_db_tokens)
    fi
    sleep 1
  done
done

# The ceiling: the trivial GET /healthz on stock QHttpServer 6.4 (no guard,
# router, log or database) and on oauthdesk, in the same run. What the
# transport alone allows on this machine, beside the loads above.
CEILING=0
if [ "$SELF_TEST" -eq 0 ]; then
  BARE_SERVER=${BARE_SERVER:-$(dirname "$BIN")/../bench/BareHttpServer}
  if [ -x "$BARE_SERVER" ]; then
    start_server bare "$BARE_SERVER"
    BARE_URL=$SERVER_URL
    run_wrk health bare "$BARE_URL" ""
    sleep 1
    run_wrk health subject "$SUBJECT_URL" ""
    CEILING=1
  else
    log "no $BARE_SERVER: the ceiling rows are left out"
  fi
fi

# --------------------------------------------------------------- report

label_of() {
  case "$1" in
    token) echo "token (POST client_credentials)" ;;
    introspect) echo "introspect (POST)" ;;
    me) echo "/api/me (GET bearer)" ;;
  esac
}

# status_of LOAD : "ok" or a short list of problems.
status_of() {
  local load=$1 side tag problems=""
  for side in subject reference; do
    if [ "$side" = subject ]; then tag=$SUBJECT_LABEL; else tag=reference; fi
    if [ "${RES[$load.$side.NON2XX]}" != 0 ]; then
      problems="$problems ${tag}:non2xx=${RES[$load.$side.NON2XX]}"
    fi
    if [ "${RES[$load.$side.SOCKERR]}" != 0 ]; then
      problems="$problems ${tag}:sockerr=${RES[$load.$side.SOCKERR]}"
    fi
    if [ "${RES[$load.$side.INACTIVE]}" != - ] && [ "${RES[$load.$side.INACTIVE]}" != 0 ]; then
      problems="$problems ${tag}:inactive=${RES[$load.$side.INACTIVE]}"
    fi
  done
  if [ -z "$problems" ]; then echo ok; else echo "FLAG:$problems"; fi
}

ratio_of() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

echo
if [ "$SELF_TEST" -eq 1 ]; then
  echo "SELF-TEST: the '$SUBJECT_LABEL' columns are a second reference server, not oauthdesk."
fi
printf 'wrk -t%s -c%s -d%ss --latency; latencies in ms; ratio = %s req/s / reference req/s\n' \
  "$THREADS" "$CONNECTIONS" "$DURATION" "$SUBJECT_LABEL"
FMT='%-32s %16s %9s %9s %16s %9s %9s %7s  %s\n'
# shellcheck disable=SC2059
printf "$FMT" load "$SUBJECT_LABEL req/s" p50 p99 "reference req/s" p50 p99 ratio status
ANY_FLAG=0
for load in $LOADS; do
  st=$(status_of "$load")
  [ "$st" = ok ] || ANY_FLAG=1
  # shellcheck disable=SC2059
  printf "$FMT" "$(label_of "$load")" \
    "${RES[$load.subject.RPS]}" "${RES[$load.subject.P50]}" "${RES[$load.subject.P99]}" \
    "${RES[$load.reference.RPS]}" "${RES[$load.reference.P50]}" "${RES[$load.reference.P99]}" \
    "$(ratio_of "${RES[$load.subject.RPS]}" "${RES[$load.reference.RPS]}")" "$st"
done

if [ "$CEILING" -eq 1 ]; then
  echo
  echo "ceiling: GET /healthz, a constant answer; x ref /api/me = req/s / the reference's /api/me req/s"
  CFMT='%-32s %16s %9s %9s %16s  %s\n'
  # shellcheck disable=SC2059
  printf "$CFMT" server req/s p50 p99 "x ref /api/me" status
  for side in bare subject; do
    if [ "$side" = bare ]; then name="stock QHttpServer 6.4"; else name="$SUBJECT_LABEL"; fi
    st=ok
    if [ "${RES[health.$side.NON2XX]}" != 0 ] || [ "${RES[health.$side.SOCKERR]}" != 0 ]; then
      st="FLAG: non2xx=${RES[health.$side.NON2XX]} sockerr=${RES[health.$side.SOCKERR]}"
      ANY_FLAG=1
    fi
    # shellcheck disable=SC2059
    printf "$CFMT" "$name" "${RES[health.$side.RPS]}" "${RES[health.$side.P50]}" "${RES[health.$side.P99]}" \
      "$(ratio_of "${RES[health.$side.RPS]}" "${RES[me.reference.RPS]}")" "$st"
  done
fi

DB_STATUS="skipped"
TOKEN_2XX=$(( ${RES[token.subject.REQS]} - ${RES[token.subject.NON2XX]} ))
if [ "$SELF_TEST" -eq 1 ]; then
  DB_STATUS="skipped (self-test)"
elif [ -n "$DB_BEFORE" ] && [ -n "$DB_AFTER" ]; then
  DB_NEW=$((DB_AFTER - DB_BEFORE))
  if [ "$DB_NEW" -ge "$TOKEN_2XX" ]; then
    DB_STATUS="ok"
  else
    DB_STATUS="SHORTFALL"
    ANY_FLAG=1
  fi
  echo
  printf 'SQLite check: %s access tokens committed during the token load (%s before, %s after); wrk counted %s 2xx responses -> %s\n' \
    "$DB_NEW" "$DB_BEFORE" "$DB_AFTER" "$TOKEN_2XX" "$DB_STATUS"
else
  echo
  echo "SQLite check: skipped ('oauthdesk token list --json' unavailable or not parseable)"
fi

# ----------------------------------------------------------------- JSON

json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}
json_num_or_null() { if [ -n "$1" ]; then printf '%s' "$1"; else printf 'null'; fi; }

side_json() {
  local load=$1 side=$2 url=$3 inactive
  inactive=${RES[$load.$side.INACTIVE]}
  [ "$inactive" != - ] || inactive=null
  printf '{"url": %s, "requests_per_sec": %s, "p50_ms": %s, "p99_ms": %s, "requests": %s, "non_2xx": %s, "socket_errors": %s, "inactive_introspections": %s}' \
    "$(json_str "$url")" "${RES[$load.$side.RPS]}" "${RES[$load.$side.P50]}" "${RES[$load.$side.P99]}" \
    "${RES[$load.$side.REQS]}" "${RES[$load.$side.NON2XX]}" "${RES[$load.$side.SOCKERR]}" "$inactive"
}

JSON_TMP="$RESULTS_DIR/latest.json.tmp"
{
  printf '{\n'
  printf '  "generated_at": %s,\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  printf '  "self_test": %s,\n' "$([ "$SELF_TEST" -eq 1 ] && echo true || echo false)"
  if [ "$SELF_TEST" -eq 1 ]; then
    printf '  "subject": "reference (self-test stand-in for oauthdesk)",\n'
  else
    printf '  "subject": %s,\n' "$(json_str "$BIN")"
  fi
  printf '  "wrk": {"threads": %s, "connections": %s, "duration_s": %s, "version": %s},\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$(json_str "$(wrk -v 2>&1 | head -n 1)")"
  printf '  "node": %s,\n' "$(json_str "$(node --version)")"
  printf '  "loads": [\n'
  first=1
  for load in $LOADS; do
    [ "$first" -eq 1 ] || printf ',\n'
    first=0
    st=$(status_of "$load")
    printf '    {"load": %s, "oauthdesk": %s, "reference": %s, "ratio": %s, "ok": %s, "status": %s}' \
      "$(json_str "$load")" \
      "$(side_json "$load" subject "$SUBJECT_URL")" \
      "$(side_json "$load" reference "$REFERENCE_URL")" \
      "$(awk -v a="${RES[$load.subject.RPS]}" -v b="${RES[$load.reference.RPS]}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "null" }')" \
      "$([ "$st" = ok ] && echo true || echo false)" "$(json_str "$st")"
  done
  printf '\n  ],\n'
  if [ "$CEILING" -eq 1 ]; then
    printf '  "ceiling": {"load": "health", "stock_qhttpserver": %s, "oauthdesk": %s},\n' \
      "$(side_json health bare "$BARE_URL")" "$(side_json health subject "$SUBJECT_URL")"
  fi
  printf '  "db_check": {"status": %s, "tokens_before": %s, "tokens_after": %s, "token_load_2xx": %s}\n' \
    "$(json_str "$DB_STATUS")" "$(json_num_or_null "$DB_BEFORE")" "$(json_num_or_null "$DB_AFTER")" "$TOKEN_2XX"
  printf '}\n'
} >"$JSON_TMP"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$JSON_TMP" \
  || die "internal error: generated JSON does not parse ($JSON_TMP)"
mv "$JSON_TMP" "$RESULTS_DIR/latest.json"
echo
echo "results: $RESULTS_DIR/latest.json (raw wrk output in $RESULTS_DIR/raw/)"

if [ "$ANY_FLAG" -ne 0 ]; then
  log "some runs were flagged (non-2xx responses, socket errors, inactive introspections or missing DB rows)"
  exit 3
fi
