#!/bin/sh
# SPDX-License-Identifier: MIT
# CPE early-warning matching (issue target: one advisory against 1,000,000 registered assets
# in under 1 s). The driver bench/cpe_bench.c, linked against libhikeshi.a, generates N
# synthetic asset CPE 2.3 names (fixed seed), matches one advisory criterion with a version
# range against all of them, checks the number affected against the generator's count, and
# prints the best of five rounds in thread CPU time for names parsed beforehand and for
# parsing plus matching from the strings.
#
# Usage: bench/cpe.sh [N]   (default 1000000; env HK_BENCH_BUILD, KEEP=1)
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${1:-1000000}
ensure_bin
make_work cpe
LIB=$HK_BENCH_BUILD/libhikeshi.a
[ -f "$LIB" ] || die "no $LIB"
cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" "$HK_ROOT/bench/cpe_bench.c" "$LIB" -lm \
    -o "$WORK/cpe_bench" || die "cannot build the driver"
echo "== one advisory (apache http_server, 2.4.0 <= v < 2.4.52) against $N assets"
"$WORK/cpe_bench" "$N"
