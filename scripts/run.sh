#!/usr/bin/env bash
# Installs the dependencies, builds OAuthDesk (Release) and launches the window. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOAUTHDESK_BUILD_TESTS=OFF >/dev/null
cmake --build build
exec ./build/app/oauthdesk "$@"
