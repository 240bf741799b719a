# SPDX-License-Identifier: MIT
# Shared helpers for the benchmark scripts in bench/ (sourced, not run): locating or building
# the Release binary in build-bench/, a scratch directory that is removed on exit unless
# KEEP=1, waiting for a server to answer, and reading wrk's summary. Benchmarks are not part
# of ctest or CI; run them by hand on an otherwise idle machine.

HK_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
HK_BENCH_BUILD=${HK_BENCH_BUILD:-$HK_ROOT/build-bench}
HK_BIN=${HK_BIN:-$HK_BENCH_BUILD/hikeshi}
PY=/usr/bin/python3

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# Builds the Release binary when HK_BIN is the default and missing or older than the sources.
ensure_bin() {
    if [ "$HK_BIN" = "$HK_BENCH_BUILD/hikeshi" ]; then
        if [ ! -f "$HK_BENCH_BUILD/build.ninja" ]; then
            cmake -S "$HK_ROOT" -B "$HK_BENCH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
                -DHK_TESTS=OFF >/dev/null || die "cmake configure failed"
        fi
        out=$(cmake --build "$HK_BENCH_BUILD" 2>&1) || {
            echo "$out" >&2
            die "build failed"
        }
    fi
    [ -x "$HK_BIN" ] || die "no hikeshi binary at $HK_BIN"
}

# Creates $WORK (a scratch directory) and removes it, and any server started, on exit.
SERVER_PID=
make_work() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/hk-bench-$1.XXXXXX")
    trap cleanup EXIT INT TERM
}
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}

# Wall-clock seconds since the epoch with nanoseconds.
now() { date +%s.%N; }

# wait_http URL [SECONDS]: polls until the URL answers 200.
wait_http() {
    i=0
    while [ $i -lt $((${2:-10} * 100)) ]; do
        if curl -fs -o /dev/null "$1"; then
            return 0
        fi
        sleep 0.01
        i=$((i + 1))
    done
    return 1
}

# admin_token DIR: runs 'hikeshi init' and prints the admin token from its output.
admin_token() {
    "$HK_BIN" --data "$1" init | awk '/^    hk_/ {print $1; exit}'
}

# wrk_stats FILE: prints "RPS REQUESTS P50_MS P99_MS ERRORS" from a wrk --latency output.
wrk_stats() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        /Requests\/sec:/ { rps = $2 }
        / requests in / { n = $1 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { bad += $NF }
        /Socket errors:/ { for (i = 3; i <= NF; i += 2) bad += $(i + 1) }
        END { printf "%s %d %.2f %.2f %d\n", rps, n, p50, p99, bad }
    ' "$1"
}

# wrk_summary FILE: prints "RPS P99_MS ERRORS" from a wrk --latency output.
wrk_summary() {
    wrk_stats "$1" | awk '{ printf "%s %.2f %d\n", $1, $4, $5 }'
}
