#!/bin/sh
# SPDX-License-Identifier: MIT
# Web UI API benchmark (issue 3) with 1,000,000 incidents loaded, measured with wrk on
# loopback: the dashboard, the statistics calls (series, summary, SVG chart) and filtered
# incident list pages, each authenticated with a real session cookie (signed in through
# POST /api/v1/session), as the browser calls them. Target: p99 < 50 ms each.
#
# Loading: `hikeshi demo` (the [DEMO] set: admin, users, ~24,500 reports, ~420 incidents
# through the library's own functions) then `hikeshi demo --bench-incidents N`, the fast
# path: one INSERT ... SELECT over a recursive CTE per 100,000 incidents through the
# store (the statistics triggers run for every row; one audit entry per batch), spread
# over ten years, the older than 60 days closed.
#
# Printed per endpoint: requests/s, p50 and p99 latency (wrk -t2 -cCONN --latency), non-2xx
# answers, and the server's CPU time per request (utime+stime of the server process from
# /proc over the run, divided by the requests wrk completed): wrk and the server share the
# machine's cores, so CPU per request is the steadier figure on a busy machine.
#
# Usage: bench/ui.sh [INCIDENTS]   (default 1000000; env PORT (18120), DURATION (10s),
#                                   CONN (8), KEEP=1 keeps the scratch directory, HK_BIN)
set -eu
. "$(dirname -- "$0")/lib.sh"

COUNT=${1:-1000000}
PORT=${PORT:-18120}
DURATION=${DURATION:-10s}
CONN=${CONN:-8}
ensure_bin
command -v wrk >/dev/null || die "wrk is needed (Debian package wrk)"
make_work ui
DATA=$WORK/data

echo "== hikeshi demo, then $COUNT [BENCH] incidents into $DATA"
"$HK_BIN" --data "$DATA" demo >"$WORK/demo.out" 2>"$WORK/demo.err" || {
    cat "$WORK/demo.err" >&2
    die "hikeshi demo failed"
}
PW=$(sed -n 's/^    admin password: //p' "$WORK/demo.out")
[ -n "$PW" ] || die "no admin password in the output of hikeshi demo"
t0=$(now)
"$HK_BIN" --data "$DATA" demo --bench-incidents "$COUNT" 2>>"$WORK/demo.err" | tail -n 1
t1=$(now)
echo "loaded in $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s; database $(du -m "$DATA/hikeshi.db" | cut -f1) MB"

echo "== hikeshi serve on 127.0.0.1:$PORT"
"$HK_BIN" --data "$DATA" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_http "http://127.0.0.1:$PORT/healthz" 10 || {
    cat "$WORK/serve.log" >&2
    die "the server did not come up"
}
curl -fs -o /dev/null -c "$WORK/jar" -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$PW\"}" "http://127.0.0.1:$PORT/api/v1/session" ||
    die "sign-in failed"
COOKIE="hk_session=$(awk '$6 == "hk_session" {print $7}' "$WORK/jar")"
export HK_COOKIE="$COOKIE"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
HZ=$(getconf CLK_TCK)

run() { # NAME PATH
    curl -fs -o /dev/null -b "$COOKIE" "http://127.0.0.1:$PORT$2" || die "GET $2 failed"
    c0=$(cpu_ticks)
    HK_PATH="$2" wrk -t2 -c"$CONN" -d"$DURATION" --latency -s "$HK_ROOT/bench/wrk_ui.lua" \
        "http://127.0.0.1:$PORT" >"$WORK/$1.txt" 2>&1 || true
    c1=$(cpu_ticks)
    wrk_stats "$WORK/$1.txt" | awk -v name="$1" -v cpu="$((c1 - c0))" -v hz="$HZ" '{
        printf "%-22s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d  server CPU %6.0f us/req  %s\n", name, $1, $3, $4, $5, $2 ? cpu / hz * 1e6 / $2 : 0, ($4 < 50 ? "ok" : "OVER 50 ms")
    }' | tee -a "$WORK/summary"
}
echo "== wrk -t2 -c$CONN -d$DURATION --latency, session cookie (wrk and the server share $(nproc) cores)"
run dashboard /api/v1/dashboard
run series_year /api/v1/stats/series?object=reports\&by=year
run series_month_class "/api/v1/stats/series?object=incidents&by=month&group=class"
run series_week_team_1y "/api/v1/stats/series?object=incidents&by=week&group=team&from=2025-11-24&to=2026-11-23"
run series_week_team_10y "/api/v1/stats/series?object=incidents&by=week&group=team"
run summary /api/v1/stats/summary
run summary_2025 "/api/v1/stats/summary?from=2025-01-01&to=2026-01-01"
run chart_svg "/api/v1/stats/chart.svg?object=incidents&by=month&group=class"
run list_state_sev "/api/v1/incidents?state=analysis&severity=high&limit=50"
run list_team_class "/api/v1/incidents?team=bench-team-3&class=fraud&limit=50"
echo "server after the runs: $(awk '/^VmRSS:/ {printf "RSS %d MB", $2 / 1024}' /proc/$SERVER_PID/status)"
if [ "${VERBOSE:-0}" = 1 ]; then
    cat "$WORK"/*.txt
fi
