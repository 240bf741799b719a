#!/bin/sh
# SPDX-License-Identifier: MIT
# Server-side sorting of the incident list (sort=, 011_list_sort.sql) with 1,000,000
# incidents: GET /api/v1/incidents?sort=S&order=O&limit=50 for every sort column and both
# directions, as the admin (no TLP terms) and as a handler of one team (the TLP terms:
# TLP:RED and AMBER+STRICT rows are checked against membership and team), plus a deep page
# (the cursor after 20 pages of 500 rows, 10,000 rows in) of each sort as the admin.
#
# Loading is bench/ui.sh's: `hikeshi demo` (users, ~24,500 reports, ~420 incidents), then
# `hikeshi demo --bench-incidents N` (one INSERT ... SELECT per 100,000 incidents, ten
# years, varied state, severity, TLP, team and class; ANALYZE at the end).
#
# Printed per call: requests/s, p50 and p99 latency (wrk -t1 -cCONN --latency on loopback,
# bearer token), non-2xx answers, and the server's CPU time per request (utime+stime of the
# server process from /proc over the run, divided by the requests wrk completed): wrk and
# the server share the machine's cores, so CPU per request is the steadier figure.
#
# Usage: bench/list_sort.sh [INCIDENTS]   (default 1000000; env PORT (18130), DURATION (3s),
#                                          CONN (4), KEEP=1 keeps the scratch directory,
#                                          DATA=DIR reuses a loaded data directory, HK_BIN)
set -eu
. "$(dirname -- "$0")/lib.sh"

COUNT=${1:-1000000}
PORT=${PORT:-18130}
DURATION=${DURATION:-3s}
CONN=${CONN:-4}
ensure_bin
command -v wrk >/dev/null || die "wrk is needed (Debian package wrk)"
make_work sort

if [ -z "${DATA:-}" ]; then
    DATA=$WORK/data
    echo "== hikeshi demo, then $COUNT [BENCH] incidents into $DATA"
    "$HK_BIN" --data "$DATA" demo >"$WORK/demo.out" 2>"$WORK/demo.err" || {
        cat "$WORK/demo.err" >&2
        die "hikeshi demo failed"
    }
    t0=$(now)
    "$HK_BIN" --data "$DATA" demo --bench-incidents "$COUNT" 2>>"$WORK/demo.err" | tail -n 1
    t1=$(now)
    echo "loaded in $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s; database $(du -m "$DATA/hikeshi.db" | cut -f1) MB"
fi
echo "bench-handler-$$-pw" | "$HK_BIN" --data "$DATA" user add "sorter$$" --role handler \
    --team bench-team-3 --password-stdin >/dev/null 2>&1 || die "user add failed"
tok() {
    "$HK_BIN" --data "$DATA" --json token create --user "$1" 2>/dev/null |
        sed -n 's/.*"token": *"\(hk_[A-Za-z0-9_-]*\)".*/\1/p'
}
T_ADMIN=$(tok admin)
T_HANDLER=$(tok "sorter$$")
[ -n "$T_ADMIN" ] && [ -n "$T_HANDLER" ] || die "token create failed"
echo "incidents in the store: $("$PY" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM incidents").fetchone()[0])' \
    "$DATA/hikeshi.db")"

echo "== hikeshi serve on 127.0.0.1:$PORT"
"$HK_BIN" --data "$DATA" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$PORT/healthz" 10 || {
    cat "$WORK/serve.log" >&2
    die "the server did not come up"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
HZ=$(getconf CLK_TCK)

run() { # NAME TOKEN PATH
    curl -fs -o /dev/null -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT$3" ||
        die "GET $3 failed"
    c0=$(cpu_ticks)
    HK_PATH="$3" HK_TOKEN="$2" wrk -t1 -c"$CONN" -d"$DURATION" --latency \
        -s "$HK_ROOT/bench/wrk_list_sort.lua" "http://127.0.0.1:$PORT" >"$WORK/$1.txt" 2>&1 || true
    c1=$(cpu_ticks)
    wrk_stats "$WORK/$1.txt" | awk -v name="$1" -v cpu="$((c1 - c0))" -v hz="$HZ" '{
        printf "%-26s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d  server CPU %6.0f us/req\n", name, $1, $3, $4, $5, $2 ? cpu / hz * 1e6 / $2 : 0
    }' | tee -a "$WORK/summary"
}

# deep_cursor SORT ORDER: the next_cursor after 20 pages of 500 rows (10,000 rows in).
deep_cursor() {
    c=""
    i=0
    while [ $i -lt 20 ]; do
        q="sort=$1&order=$2&limit=500"
        [ -n "$c" ] && q="$q&cursor=$c"
        c=$(curl -fs -H "Authorization: Bearer $T_ADMIN" "http://127.0.0.1:$PORT/api/v1/incidents?$q" |
            "$PY" -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')
        i=$((i + 1))
    done
    echo "$c"
}

echo "== first page (limit 50) of each sort; wrk -t1 -c$CONN -d$DURATION --latency ($(nproc) cores shared)"
for sort in id created updated severity state team title; do
    for order in desc asc; do
        run "admin_${sort}_$order" "$T_ADMIN" "/api/v1/incidents?sort=$sort&order=$order&limit=50"
    done
done
for sort in id created updated severity state team title; do
    for order in desc asc; do
        run "handler_${sort}_$order" "$T_HANDLER" "/api/v1/incidents?sort=$sort&order=$order&limit=50"
    done
done
echo "== page 201 (limit 50, the cursor after 10,000 rows) of each sort, admin"
for sort in id created updated severity state team title; do
    c=$(deep_cursor "$sort" desc)
    run "deep_${sort}_desc" "$T_ADMIN" "/api/v1/incidents?sort=$sort&order=desc&limit=50&cursor=$c"
done
echo "server after the runs: $(awk '/^VmRSS:/ {printf "RSS %d MB", $2 / 1024}' /proc/$SERVER_PID/status)"
if [ "${VERBOSE:-0}" = 1 ]; then
    cat "$WORK"/*.txt
fi
