#!/bin/sh
# SPDX-License-Identifier: MIT
# Routing benchmark (issue 4 targets: with 1,000,000 IPv4 and 100,000 IPv6 prefixes
# loaded, at least 10,000,000 lookups/s on one core; rebuilding the structure from
# 1,000,000 prefixes in under 1 s).
#
# 1. bench/route_bench.c, linked against the built libhikeshi.a: builds the tries from
#    N4/N6 synthetic prefixes (routing-table-like length mix), times the builds and the
#    lookups (best of 3, thread CPU time), single and batched (hk_lpm_lookup4_batch,
#    hk_lpm_lookup6_batch), checks 400,000 IPv4 and 600,000 IPv6 answers against the simple
#    peer (a sorted array, one binary search per prefix length) and times that peer too.
# 2. End to end: a 1,000,000-line CAIDA pfx2as file is loaded with `hikeshi route
#    load-pfx2as` (parse, canonicalise, store), then the first `hikeshi route` after it
#    rebuilds the snapshot from the stored text (parse + both tries) and a second one uses
#    it; the wall times of the three commands are printed.
#
# Usage: bench/route.sh      Env: N4 (1000000), N6 (100000), Q (20000000 lookups),
#   HK_BENCH_BUILD (a build dir with libhikeshi.a and hikeshi; default build-bench), KEEP=1.
set -eu
. "$(dirname -- "$0")/lib.sh"

N4=${N4:-1000000}
N6=${N6:-100000}
Q=${Q:-20000000}
ensure_bin
make_work route
LIB=$HK_BENCH_BUILD/libhikeshi.a
[ -f "$LIB" ] || die "no $LIB"
cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" "$HK_ROOT/bench/route_bench.c" "$LIB" \
    $(pkg-config --libs jansson sqlite3 libsodium) -lpthread -lm -o "$WORK/route_bench" ||
    die "cannot build the driver"
echo "== tries: $N4 IPv4 + $N6 IPv6 prefixes, $Q IPv4 lookups per round"
"$WORK/route_bench" "$N4" "$N6" "$Q"

echo "== end to end: $N4-line pfx2as file through the CLI"
$PY - "$WORK/pfx2as.txt" "$N4" <<'PY'
import random, sys
random.seed(1)
seen = set()
with open(sys.argv[1], "w") as f:
    while len(seen) < int(sys.argv[2]):
        r = random.random()
        l = 24 if r < .6 else random.randint(8, 23) if r < .95 else random.randint(25, 32)
        a = random.getrandbits(32) & ((0xffffffff << (32 - l)) & 0xffffffff)
        if (a, l) in seen:
            continue
        seen.add((a, l))
        f.write("%d.%d.%d.%d\t%d\t%d\n" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, l,
                                           random.randint(1, 400000)))
PY
D=$WORK/data
"$HK_BIN" --data "$D" init >/dev/null
"$HK_BIN" --data "$D" team add --name t1 --asn 1234 >/dev/null
t() { s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "load_pfx2as_wall_s $(t "$HK_BIN" --data "$D" route load-pfx2as "$WORK/pfx2as.txt") s"
echo "first_route_with_rebuild_wall_s $(t "$HK_BIN" --data "$D" route 8.8.8.8) s"
