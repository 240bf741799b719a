#!/bin/sh
# SPDX-License-Identifier: MIT
# CVSS parse+score throughput (issue target: 5,000,000 vectors/s on one core). The vectors
# are every reference vector of tests/data/cvss/ (v2.0, v3.0, v3.1, v4.0 from Red Hat's sets
# and FIRST's 270 macrovector vectors, about 7,900 distinct) repeated round-robin; the
# driver bench/cvss_bench.c, linked against the Release libhikeshi.a, parses and scores
# N of them (default 20,000,000) five times and prints the best round in thread CPU time.
#
# The peer is the npm package ae-cvss-calculator ({metaeffekt}, Apache-2.0, all CVSS
# versions), run by node on the same vectors (bench/cvss_peer.js; PEER_N, default 100,000,
# best of five, wall clock of the single-threaded node process); the ratio is printed. It
# is installed with npm into build-bench/cvss-peer on first use; without node or npm, or
# with PEER=0, the peer is skipped.
#
# Usage: bench/cvss.sh [--compare]
#   --compare also runs the differential check: 40,000 random vectors of every version with
#   random temporal/threat/environmental/supplemental metrics (bench/cvss_gen.py), scored by
#   hikeshi and by the peer, agreement printed per version and score kind.
# Env: N, PEER_N, PEER=0, HK_BENCH_BUILD, KEEP=1.
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${N:-20000000}
PEER_N=${PEER_N:-100000}
PEER_VERSION=1.0.13
ensure_bin
make_work cvss
LIB=$HK_BENCH_BUILD/libhikeshi.a
[ -f "$LIB" ] || die "no $LIB"
cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" "$HK_ROOT/bench/cvss_bench.c" "$LIB" -lm \
    -o "$WORK/cvss_bench" || die "cannot build the driver"

# Every reference vector: the part before " - " of Red Hat's lines, FIRST's vector lines.
for f in "$HK_ROOT"/tests/data/cvss/redhat/vectors_*; do
    sed 's/ - .*//' "$f"
done >"$WORK/vectors"
cat "$HK_ROOT/tests/data/cvss/first/macro-vectors" >>"$WORK/vectors"
echo "== $(wc -l <"$WORK/vectors") reference vectors ($(grep -c '^CVSS:4.0/' "$WORK/vectors") v4.0," \
    "$(grep -c '^CVSS:3' "$WORK/vectors") v3.x, $(grep -c '^AV:' "$WORK/vectors") v2), $N parsed and scored"
ours=$("$WORK/cvss_bench" bench "$WORK/vectors" "$N")
echo "hikeshi: $ours"

peer_ok=0
if [ "${PEER:-1}" != 0 ] && command -v node >/dev/null 2>&1; then
    PEER_DIR=$HK_BENCH_BUILD/cvss-peer
    if [ ! -d "$PEER_DIR/node_modules/ae-cvss-calculator" ] && command -v npm >/dev/null 2>&1; then
        mkdir -p "$PEER_DIR"
        npm install --prefix "$PEER_DIR" --no-audit --no-fund --silent \
            "ae-cvss-calculator@$PEER_VERSION" >/dev/null 2>&1 || true
    fi
    if [ -d "$PEER_DIR/node_modules/ae-cvss-calculator" ]; then
        peer_ok=1
        export NODE_PATH="$PEER_DIR/node_modules"
    fi
fi
if [ $peer_ok = 1 ]; then
    theirs=$(node "$HK_ROOT/bench/cvss_peer.js" bench "$WORK/vectors" "$PEER_N")
    echo "peer ae-cvss-calculator $PEER_VERSION (node $(node --version)): $theirs"
    echo "$ours|$theirs" | awk -F'|' '{
        split($1, a, " vectors/s"); n = split(a[1], b, " "); o = b[n]
        split($2, c, " vectors/s"); m = split(c[1], d, " "); p = d[m]
        printf "ratio: hikeshi is %.0fx the peer\n", o / p }'
else
    echo "peer: skipped (no node/npm or PEER=0)"
fi

if [ "${1:-}" = --compare ]; then
    [ $peer_ok = 1 ] || die "--compare needs the peer"
    "$PY" "$HK_ROOT/bench/cvss_gen.py" 40000 7 >"$WORK/random"
    "$WORK/cvss_bench" print "$WORK/random" >"$WORK/ours.txt"
    node "$HK_ROOT/bench/cvss_peer.js" print "$WORK/random" >"$WORK/peer.txt"
    echo "== differential check: 40,000 random vectors (seed 7), hikeshi vs peer"
    "$PY" "$HK_ROOT/bench/cvss_gen.py" --compare "$WORK/ours.txt" "$WORK/peer.txt"
fi
