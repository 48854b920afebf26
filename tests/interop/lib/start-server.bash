# Sourced by the interop scripts: starts `oauthdesk serve --headless` on a free port.
# Usage: start_server NAME BINARY DB WORK  -> sets server_pid and issuer, or exits 1 with the server's output.
start_server() {
    local name=$1 binary=$2 db=$3 work=$4
    "$binary" --db "$db" serve --headless --port 0 > "$work/serve.log" 2>&1 &
    server_pid=$!
    issuer=
    for _ in $(seq 1 100); do
        issuer=$(sed -n 's/^listening on //p' "$work/serve.log")
        [[ -n $issuer ]] && break
        kill -0 "$server_pid" 2> /dev/null || break
        sleep 0.1
    done
    if [[ -z $issuer ]]; then
        cat "$work/serve.log" >&2
        echo "$name: the server did not start" >&2
        exit 1
    fi
}
