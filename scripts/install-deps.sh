#!/usr/bin/env bash
# Installs the Debian packages oraclefn builds and tests with, when missing.
set -euo pipefail
pkgs=(libcurl4-openssl-dev libssl-dev libjansson-dev libyaml-dev pkg-config valgrind nghttp2-server strace)
# The Swift toolchain brings a clang; Debian's is needed only without one.
command -v clang >/dev/null || pkgs+=(clang)
python3 -c 'import ensurepip' 2>/dev/null || pkgs+=(python3-venv)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
