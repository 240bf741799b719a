#!/bin/sh
# SPDX-License-Identifier: MIT
# Early warning: one CSAF advisory matched against N registered assets (issue 7 target: one
# advisory against 1,000,000 assets in under 1 s). The driver bench/advisory_match_bench.c,
# linked against libhikeshi.a, generates N assets (CPE 2.3 names and npm purls, fixed seed,
# 10 % of the CPE assets in the advisory's product), builds the matcher's index, compiles a
# CSAF product tree with a vers range, a first_affected/fixed pair and a last_affected purl,
# matches, checks the affected count against the generator's, and prints thread CPU time
# (best of five rounds).
#
# Usage: bench/advisory_match.sh [N]   (default 1000000; env HK_BENCH_BUILD, KEEP=1)
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${1:-1000000}
ensure_bin
make_work advmatch
LIB=$HK_BENCH_BUILD/libhikeshi.a
[ -f "$LIB" ] || die "no $LIB"
cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" "$HK_ROOT/bench/advisory_match_bench.c" "$LIB" \
    $(pkg-config --libs jansson libsodium) -lm -lpthread -o "$WORK/advisory_match_bench" ||
    die "cannot build the driver"
echo "== one advisory (3 criteria) against $N assets"
"$WORK/advisory_match_bench" "$N"
