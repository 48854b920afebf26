#!/usr/bin/env bash
# Installs what OAuthDesk needs to build, run and test on Debian 12 (root, or sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-networkauth-dev qt6-svg-dev
  libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 libssl-dev
  xvfb xauth imagemagick wrk curl python3 python3-authlib python3-requests
  desktop-file-utils appstream dpkg-dev file
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the interop tests and the benchmark's reference server; keep one that is already installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi
