#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages hikeshi needs, only those missing. Called by
# `make run`, `make test` and `.ci/run`, so a fresh Debian 12 machine needs nothing else.
set -e
PKGS="${*:-build}"
need=""
add() { for p in "$@"; do case " $need " in *" $p "*) continue ;; esac; dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"; done; }
add cmake ninja-build pkg-config gcc make libmicrohttpd-dev libjansson-dev libsqlite3-dev \
    libsodium-dev libcurl4-openssl-dev libpcap-dev zlib1g-dev libgmime-3.0-dev libgpgme-dev \
    libxml2-dev libpcre2-dev gnupg
case "$PKGS" in
*test*) add libcmocka-dev sqlite3 clang-14 libclang-rt-14-dev curl clang-format-14 tcpdump libxml2-utils \
    python3-aiosmtpd python3-jsonschema chromium
    # the browser test (t_browser.sh) runs playwright-core on node: Debian's unless one is installed
    command -v node >/dev/null 2>&1 || add nodejs
    command -v npm >/dev/null 2>&1 || add npm ;;
esac
case "$PKGS" in
*bench*) add wrk sqlite3 curl tcpdump tshark ;;
esac
[ -z "$need" ] && exit 0
echo "deps: installing$need" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
