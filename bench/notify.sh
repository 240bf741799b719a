#!/bin/sh
# SPDX-License-Identifier: MIT
# Notification throughput (issue target: 100,000 affected addresses spread over 1,000 teams
# grouped, rendered and handed to the SMTP server in under 10 s). The driver
# bench/notify_bench.c, linked against libhikeshi.a, groups the rows by team, renders one
# message per team from the shipped templates (EN and JA alternately) with a CSV attachment,
# builds the MIME message and submits it over one SMTP session to a real server on
# 127.0.0.1 (port 18800-18899). Servers, each measured separately:
#   aiosmtpd-sink     python3 -m aiosmtpd, handler Sink (accepts and discards)
#   aiosmtpd-maildir  python3 -m aiosmtpd, handler Mailbox (writes every message to a Maildir)
#   smtp-sink         Postfix's smtp-sink (C, accepts and discards), when installed
# With SIGN=1 the runs are repeated with PGP/MIME signatures (a throwaway ed25519 key).
#
# Usage: bench/notify.sh        Env: N (100000), T (1000), XARF=1 (X-ARF too), SIGN=1,
#                                    HK_BENCH_BUILD, KEEP=1.
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${N:-100000}
T=${T:-1000}
XARF=${XARF:-0}
if [ ! -f "$HK_BENCH_BUILD/build.ninja" ]; then
    cmake -S "$HK_ROOT" -B "$HK_BENCH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DHK_TESTS=OFF >/dev/null || die "cmake configure failed"
fi
cmake --build "$HK_BENCH_BUILD" --target hikeshi_lib >/dev/null || die "library build failed"
make_work notify
# shellcheck disable=SC2046
cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" $(pkg-config --cflags jansson) \
    "$HK_ROOT/bench/notify_bench.c" "$HK_BENCH_BUILD/libhikeshi.a" \
    $(pkg-config --libs gmime-3.0 gpgme libcurl jansson libsodium sqlite3 libxml-2.0 libpcap \
        zlib libmicrohttpd) -lpthread -lm -o "$WORK/notify_bench" || die "cannot build the driver"

free_port() {
    $PY -c '
import socket, sys
for p in range(18800, 18900):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); s.close(); print(p); sys.exit(0)
    except OSError:
        pass
sys.exit(1)'
}
wait_port() {
    $PY -c '
import socket, sys, time
for _ in range(500):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)' "$1"
}

# run NAME CMD...: starts the server (CMD with @PORT@ replaced), runs the driver, stops it.
run() {
    name=$1
    shift
    port=$(free_port) || die "no free port in 18800-18899"
    args=""
    for a in "$@"; do
        args="$args $(printf '%s' "$a" | sed "s/@PORT@/$port/g")"
    done
    # shellcheck disable=SC2086
    $args >"$WORK/$name.log" 2>&1 &
    SERVER_PID=$!
    wait_port "$port" || die "$name did not start (see $WORK/$name.log)"
    echo "== $name: $N addresses, $T teams${SIGNARGS:+, signed}"
    # shellcheck disable=SC2086
    "$WORK/notify_bench" "smtp://127.0.0.1:$port" "$N" "$T" "$XARF" $SIGNARGS | sed 's/^/   /'
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

all() {
    run aiosmtpd-sink $PY -m aiosmtpd -n -l 127.0.0.1:@PORT@ -c aiosmtpd.handlers.Sink
    rm -rf "$WORK/box"
    run aiosmtpd-maildir $PY -m aiosmtpd -n -l 127.0.0.1:@PORT@ -c aiosmtpd.handlers.Mailbox \
        "$WORK/box"
    [ -d "$WORK/box/new" ] && echo "   maildir: $(ls "$WORK/box/new" | wc -l) messages stored"
    if command -v smtp-sink >/dev/null 2>&1; then
        # smtp-sink refuses to run as root without -u.
        if [ "$(id -u)" = 0 ]; then
            run smtp-sink smtp-sink -u nobody 127.0.0.1:@PORT@ 256
        else
            run smtp-sink smtp-sink 127.0.0.1:@PORT@ 256
        fi
    else
        echo "== smtp-sink: not installed (apt-get install postfix), skipped"
    fi
}

SIGNARGS=""
all
if [ "${SIGN:-0}" = 1 ]; then
    GH="$WORK/gnupg"
    mkdir -m 700 "$GH"
    gpg --homedir "$GH" --batch --quiet --passphrase '' --quick-gen-key \
        'Bench CSIRT <csirt@example.net>' ed25519 sign never >/dev/null 2>&1
    FPR=$(gpg --homedir "$GH" --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')
    SIGNARGS="$GH $FPR"
    all
    gpgconf --homedir "$GH" --kill all >/dev/null 2>&1 || true
fi
