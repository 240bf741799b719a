#!/bin/sh
# SPDX-License-Identifier: MIT
# The simulator's benchmark (issue: worm outbreak simulator, "Performance"):
#  1. the Internet-scale Slammer scenario (2^32 addresses, 75,000 vulnerable, 30 simulated
#     minutes, ~10^11 probes) end to end, target under 10 s on one core;
#  2. the capture writer: the same outbreak seen by a /10 telescope (tens of millions of
#     packets) written to /dev/null, target at least 10,000,000 packets/s; and written to a
#     real file, for the disk-bound figure;
#  3. determinism: two runs with the same seed give byte-identical captures (sha256).
# No peer tool exists for this (worm models live in papers, not in tools); the reference
# is the issue's targets. Usage: bench/simulate.sh   (KEEP=1 keeps the scratch directory)
set -e
. "$(dirname "$0")/lib.sh"
ensure_bin
T=$(mktemp -d "${TMPDIR:-/tmp}/hk_bench_sim.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$T"' EXIT

num() { sed -n "s/.*\"$1\": \([0-9.e+]*\).*/\1/p" "$2" | head -n 1; }

echo "== 1. slammer-internet (75,000 hosts, 2^32 addresses, 30 min), one core"
start=$(date +%s.%N)
taskset -c 0 "$HK_BIN" --json simulate slammer-internet --out "$T/slammer" >"$T/slammer.json"
end=$(date +%s.%N)
wall=$(echo "$end - $start" | bc -l)
printf "  wall clock %.2f s (target < 10 s); probes simulated %s; engine %s s; capture %s packets\n" \
    "$wall" "$(num probes "$T/slammer.json")" "$(num engine_s "$T/slammer.json")" \
    "$(sed -n 's/.*"packets": \([0-9]*\).*/\1/p' "$T/slammer.json")"

echo "== 2. capture writer: slammer seen by a /10 telescope"
mkdir -p "$T/null"
ln -s /dev/null "$T/null/sensor-telescope.pcap"
taskset -c 0 "$HK_BIN" --json simulate "$HK_ROOT/bench/scenarios/slammer-bench.ini" --out "$T/null" >"$T/null.json"
pk=$(sed -n 's/.*"packets": \([0-9]*\).*/\1/p' "$T/null.json")
ws=$(num pcap_write_s "$T/null.json")
printf "  to /dev/null: %s packets in %s s (sort + build + write): %.1f M packets/s (target >= 10)\n" \
    "$pk" "$ws" "$(echo "$pk / $ws / 1000000" | bc -l)"
taskset -c 0 "$HK_BIN" --json simulate "$HK_ROOT/bench/scenarios/slammer-bench.ini" --out "$T/file" >"$T/file.json"
ws2=$(num pcap_write_s "$T/file.json")
printf "  to a file:    %s packets in %s s: %.1f M packets/s, %s MB\n" "$pk" "$ws2" \
    "$(echo "$pk / $ws2 / 1000000" | bc -l)" "$(du -m "$T/file/sensor-telescope.pcap" | cut -f1)"
if command -v tcpdump >/dev/null; then
    s=$(date +%s.%N)
    tcpdump -nr "$T/file/sensor-telescope.pcap" -w /dev/null 2>/dev/null
    e=$(date +%s.%N)
    printf "  (tcpdump -r of the same file -w /dev/null: %.2f s, %.1f M packets/s)\n" \
        "$(echo "$e - $s" | bc -l)" "$(echo "$pk / ($e - $s) / 1000000" | bc -l)"
fi

echo "== 3. determinism"
"$HK_BIN" simulate slammer-internet --out "$T/again" >/dev/null
a=$(sha256sum "$T/slammer/sensor-telescope.pcap" | cut -c1-16)
b=$(sha256sum "$T/again/sensor-telescope.pcap" | cut -c1-16)
[ "$a" = "$b" ] && echo "  same seed: identical captures ($a)" || echo "  DIFFERENT captures: $a $b"
