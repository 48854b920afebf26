#!/usr/bin/env bash
# GUI-thread stalls under load: runs BenchGuiStall (Tokens and Requests pages open, server in process)
# while wrk posts client_credentials to /oauth/token at full speed. Exits non-zero when the longest
# stall reaches the limit (50 ms).
#
# Usage: bench/gui-stall.sh [build-dir]   (default: build under the repository root)
# Environment: DURATION=10 CONNECTIONS=16 LIMIT_MS=50
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${1:-$BENCH_DIR/../build}
BINARY=$BUILD_DIR/bench/BenchGuiStall

command -v wrk >/dev/null || { echo "gui-stall: wrk is not installed (the deps script installs it)" >&2; exit 2; }
[[ -x $BINARY ]] || { echo "gui-stall: $BINARY is missing; build the BenchGuiStall target" >&2; exit 2; }

args=(--wrk "$(command -v wrk)" --script "$BENCH_DIR/wrk/token.lua"
      --duration "${DURATION:-10}" --connections "${CONNECTIONS:-16}" --limit-ms "${LIMIT_MS:-50}")
if command -v xvfb-run >/dev/null; then
    exec xvfb-run -a -s "-screen 0 1400x900x24" "$BINARY" "${args[@]}"
fi
QT_QPA_PLATFORM=offscreen exec "$BINARY" "${args[@]}"
