#!/bin/sh
# SPDX-License-Identifier: MIT
# The sensor against the simulator's ground truth (issue 6, acceptance 2): each scenario is
# simulated, its sensor captures are analysed as the sensor's vantage point asks (a tap with
# --lan, both with --monitor = the sensor's prefixes), and every ground-truth source is
# compared with its profile: at least 95 % of the sources the sensor gives a strategy (not
# undetermined) get the strategy the vantage point can show (visible_strategy), at least half
# of those with 64 probes or more seen are determined (and all of them are scans), an
# undetermined one says how many more destinations it needs, none is
# labelled backscatter or flood, and no other address is labelled a scan. Long scenarios run
# from a copy with a shorter duration. The confusion counts are printed.

. "$(dirname "$0")/hk_testlib.sh"

command -v python3 >/dev/null 2>&1 || {
    echo "python3 is needed"
    exit 1
}

# scenario NAME DURATION: a copy of the shipped scenario with a shorter duration (or as is).
scenario() {
    f=$HK_SRC/scenarios/$1.ini
    [ -f "$f" ] || {
        echo "$f"
        return
    }
    if [ -n "$2" ]; then
        sed -e "s/^duration = .*/duration = $2/" "$f" >"$HK_TMP/$1.ini"
        echo "$HK_TMP/$1.ini"
    else
        echo "$f"
    fi
}

# The sensor's options for sensor NAME of a ground truth: --lan for a tap, --monitor each prefix.
sensor_args() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))
for s in g["sensors"]:
    if s["name"] == sys.argv[2]:
        a = ["--lan"] if s["vantage"] == "tap" else []
        for p in s["prefixes"]:
            a += ["--monitor", p]
        print(" ".join(a))
EOF
}

run() { # NAME [DURATION]
    name=$1
    dir=$HK_TMP/$name
    if ! "$HK_BIN" simulate "$(scenario "$name" "$2")" --out "$dir" >"$HK_TMP/$name.sim" 2>&1; then
        bad "$name: simulate failed: $(cat "$HK_TMP/$name.sim")"
        return
    fi
    for pcap in "$dir"/sensor-*.pcap; do
        sn=$(basename "$pcap" .pcap)
        sn=${sn#sensor-}
        # shellcheck disable=SC2046
        if ! "$HK_BIN" sensor "$pcap" $(sensor_args "$dir/ground-truth.json" "$sn") \
            --out "$dir/$sn.jsonl" --quiet --no-progress 2>"$HK_TMP/$name.err"; then
            bad "$name/$sn: sensor failed: $(cat "$HK_TMP/$name.err")"
            continue
        fi
        if python3 - "$dir/ground-truth.json" "$sn" "$dir/$sn.jsonl" "$name" <<'EOF'; then
import collections, json, sys
gt = json.load(open(sys.argv[1]))
sen = [s for s in gt["sensors"] if s["name"] == sys.argv[2]][0]
prof = {}
for line in open(sys.argv[3]):
    o = json.loads(line)
    if o["type"] == "profile":
        prof[o["src"]] = o
conf = collections.Counter()
labelled = right = big = big_det = 0
errs = []
truth = set()
for s in sen["sources"]:
    truth.add(s["src"])
    p = prof.get(s["src"])
    if p is None:
        continue  # fewer probes than --min-probes
    got = p["kind"] + ":" + p.get("strategy", "-")
    conf[(s["visible_strategy"], got)] += 1
    if p["kind"] in ("backscatter", "flood"):
        errs.append("%s labelled %s" % (s["src"], p["kind"]))
    if p["kind"] == "scan" and p["strategy"] == "undetermined" and p.get("needs", 0) < 1:
        errs.append("%s is undetermined without saying how many probes it needs" % s["src"])
    if p["kind"] == "scan" and p["strategy"] != "undetermined":
        labelled += 1
        right += p["strategy"] == s["visible_strategy"]
    if s["probes_seen"] >= 64:
        big += 1
        if p["kind"] != "scan":
            errs.append("%s (%d probes seen) is %s" % (s["src"], s["probes_seen"], got))
        elif p["strategy"] != "undetermined":
            big_det += 1
for src, p in prof.items():
    if src not in truth and p["kind"] == "scan":
        errs.append("%s is not a scanning source but is labelled a scan" % src)
print("# %s/%s (%s): %d ground-truth sources, %d profiled" % (
    sys.argv[4], sen["name"], sen["vantage"], len(sen["sources"]), sum(conf.values())))
for (v, g), n in sorted(conf.items(), key=lambda x: -x[1]):
    print("#   truth %-16s sensor %-28s %d" % (v, g, n))
print("#   labelled %d, right %d; >= 64 probes seen %d, determined %d" % (
    labelled, right, big, big_det))
if labelled == 0 or right < 0.95 * labelled:
    errs.append("only %d of %d labelled sources match" % (right, labelled))
if 2 * big_det < big:
    errs.append("only %d of %d sources with >= 64 probes are determined" % (big_det, big))
for e in errs[:10]:
    print("#   " + e)
sys.exit(1 if errs else 0)
EOF
            ok "$name/$sn: the sensor's labels match the ground truth"
        else
            bad "$name/$sn: the sensor's labels do not match the ground truth"
        fi
    done
}

run wannacry-lab6
run wannacry-lan
run notpetya-lan
run notpetya-enterprise 2400
run slammer-internet 900
run coderedii-internet 21600

finish
