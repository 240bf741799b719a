#!/bin/sh
# SPDX-License-Identifier: MIT
# Side-by-side with the incumbent: Request Tracker 5 (the base of RTIR) from Debian, with
# SQLite and the standalone Starlet server (two workers), against hikeshi serve, both on
# 127.0.0.1. The same 1,000 tickets are created through RT's REST2 API
# (POST /REST/2.0/ticket, basic auth root/password) and through hikeshi's API
# (POST /api/v1/incidents, then POST /api/v1/reports), sequentially from one keep-alive
# client (bench/seq_post.py), and both rates and the ratio are printed.
#
# NOT run by CI: it installs about 264 Debian packages (postfix, request-tracker5,
# rt5-standalone, rt5-db-sqlite) as root with preseeded debconf answers, and writes
# /etc/request-tracker5/RT_SiteConfig.d/99-hikeshi-bench.pm. Creating 1,000 RT tickets
# takes about ten minutes at RT's rate.
#
# Usage: bench/rt_compare.sh [N]    (default 1000; env RT_PORT (18130), PORT (18131),
#                                    HK_BIN, KEEP=1)
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${1:-1000}
RT_PORT=${RT_PORT:-18130}
PORT=${PORT:-18131}
RT_PASSWORD=password
ensure_bin
[ "$(id -u)" = 0 ] || die "must run as root (it installs Debian packages)"
make_work rt
RT_PID=
stop_rt() {
    if [ -n "$RT_PID" ]; then
        kill "$RT_PID" 2>/dev/null
        wait "$RT_PID" 2>/dev/null
    fi
    cleanup
}
trap stop_rt EXIT INT TERM

if ! dpkg -s request-tracker5 rt5-standalone rt5-db-sqlite >/dev/null 2>&1; then
    echo "== installing Request Tracker 5 (postfix first, debconf preseeded)"
    export DEBIAN_FRONTEND=noninteractive
    debconf-set-selections <<EOF
postfix postfix/main_mailer_type select No configuration
postfix postfix/mailname string localhost
EOF
    apt-get install -y -q postfix >"$WORK/apt-postfix.log" 2>&1 ||
        { tail -20 "$WORK/apt-postfix.log" >&2; die "installing postfix failed"; }
    debconf-set-selections <<EOF
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/rtname string bench.example
request-tracker5 request-tracker5/organization string bench.example
request-tracker5 request-tracker5/initial-root-password password $RT_PASSWORD
request-tracker5 request-tracker5/correspondaddress string rt@bench.example
request-tracker5 request-tracker5/commentaddress string rt-comment@bench.example
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:$RT_PORT
EOF
    apt-get install -y -q request-tracker5 rt5-standalone rt5-db-sqlite \
        >"$WORK/apt-rt.log" 2>&1 ||
        { tail -30 "$WORK/apt-rt.log" >&2; die "installing request-tracker5 failed"; }
fi

# The web base URL must match the address the client uses, or RT refuses the requests.
mkdir -p /etc/request-tracker5/RT_SiteConfig.d
cat >/etc/request-tracker5/RT_SiteConfig.d/99-hikeshi-bench.pm <<EOF
# Written by hikeshi bench/rt_compare.sh: serve on loopback for the benchmark.
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $RT_PORT);
Set(\$WebBaseURL, 'http://127.0.0.1:$RT_PORT');
Set(\$WebPath, '');
Set(\$LogToSTDERR, 'warning');
1;
EOF
if command -v update-rt-siteconfig-5 >/dev/null 2>&1; then
    update-rt-siteconfig-5 >/dev/null 2>&1 || true
fi

echo "== starting RT (Starlet, 2 workers) on 127.0.0.1:$RT_PORT"
/usr/share/request-tracker5/libexec/rt-server --server Starlet --max-workers 2 \
    --host 127.0.0.1 --port "$RT_PORT" >"$WORK/rt.log" 2>&1 &
RT_PID=$!
i=0
until curl -fs -o /dev/null -u "root:$RT_PASSWORD" "http://127.0.0.1:$RT_PORT/REST/2.0/queues/all"; do
    i=$((i + 1))
    if [ $i -gt 240 ] || ! kill -0 "$RT_PID" 2>/dev/null; then
        tail -30 "$WORK/rt.log" >&2
        die "RT did not answer /REST/2.0/queues/all within 120 s"
    fi
    sleep 0.5
done

echo "== hikeshi serve on 127.0.0.1:$PORT"
TOKEN=$(admin_token "$WORK/data")
"$HK_BIN" --data "$WORK/data" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$PORT/healthz" 10 || die "hikeshi did not come up"

echo "== creating $N tickets / incidents / reports, sequentially from one client"
"$PY" "$HK_ROOT/bench/seq_post.py" hikeshi-incidents "http://127.0.0.1:$PORT" "$TOKEN" "$N" |
    tee "$WORK/hk_inc.txt"
"$PY" "$HK_ROOT/bench/seq_post.py" hikeshi-reports "http://127.0.0.1:$PORT" "$TOKEN" "$N" |
    tee "$WORK/hk_rep.txt"
"$PY" "$HK_ROOT/bench/seq_post.py" rt "http://127.0.0.1:$RT_PORT" "root:$RT_PASSWORD" "$N" |
    tee "$WORK/rt.txt"
rss=$(for p in $(pgrep -P "$RT_PID") "$RT_PID"; do awk '/^VmRSS/ {print $2}' /proc/$p/status; done |
    awk '{s += $1} END {printf "%.0f", s / 1024}')
hk_rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$SERVER_PID/status)

rate() { sed -n 's/.* = \([0-9.]*\)\/s$/\1/p' "$1"; }
awk -v inc="$(rate "$WORK/hk_inc.txt")" -v rep="$(rate "$WORK/hk_rep.txt")" \
    -v rt="$(rate "$WORK/rt.txt")" -v rss="$rss" -v hk_rss="$hk_rss" 'BEGIN {
    printf "\nRT 5 REST2 tickets        %10.2f /s   (RSS of rt-server and workers %s MB)\n", rt, rss
    printf "hikeshi incidents         %10.2f /s   (RSS %s MB)\n", inc, hk_rss
    printf "hikeshi reports           %10.2f /s\n", rep
    printf "ratio hikeshi/RT          %10.1f x (incidents), %.1f x (reports)\n", inc / rt, rep / rt
}'
