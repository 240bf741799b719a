# SPDX-License-Identifier: MIT
# End-to-end tests of `hikeshi sensor` through the real binary: a synthetic capture from
# bench/gen_scan.c (compiled here) with one source per strategy, kind and tool, checked line
# by line in the JSON output (field names, labels, port intervals, worm-source alerts); the
# same capture gzip-compressed, in nanoseconds and swapped byte order; a truncated file and
# a file that is not a capture; the SVG plots; golden labels on the real loopback captures of
# tests/data/captures/ when present (acceptance 1-3); and pushing to a real `hikeshi serve`
# with an on-disk spool (server down, then up: nothing lost; sent again: only duplicates).

. "$(dirname "$0")/hk_testlib.sh"

CC=${CC:-cc}
GEN=$HK_TMP/gen_scan
CAPS=$HK_SRC/tests/data/captures
if ! $CC -O2 -o "$GEN" "$HK_SRC/bench/gen_scan.c" 2>"$HK_TMP/cc.err"; then
    cat "$HK_TMP/cc.err"
    bad "compile bench/gen_scan.c"
    finish
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is needed"; exit 1; }

# prof FILE SRC: the profile line of SRC in a JSON-lines file.
prof() {
    grep "\"type\":\"profile\",\"src\":\"$2\"" "$1" | head -n 1
}

# label FILE SRC: "kind strategy tool trw" of SRC (missing members print as -).
label() {
    prof "$1" "$2" | python3 -c '
import json, sys
line = sys.stdin.read().strip()
if not line:
    print("absent"); sys.exit()
p = json.loads(line)
print(p["kind"], p.get("strategy", "-"), p.get("tool", "-"), p.get("trw", "-"))'
}

expect_label() { # FILE SRC "kind strategy" [tool]
    got=$(label "$1" "$2")
    case "$got" in
    "$3"*) ok "$(basename "$1") $2 is $3" ;;
    *) bad "$(basename "$1") $2: expected '$3', got '$got'" ;;
    esac
}

# ---- synthetic capture ----
"$GEN" demo "$HK_TMP/demo.pcap" "$HK_TMP/labels.txt"
check "sensor runs on the synthetic capture" \
    "$HK_BIN" sensor "$HK_TMP/demo.pcap" --out "$HK_TMP/demo.jsonl" --no-progress \
    --svg-dir "$HK_TMP/svg" >"$HK_TMP/summary.txt" 2>"$HK_TMP/err.txt"
check "every line is a JSON object" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert o["type"] in ("profile", "port-interval", "alert"), o
' "$HK_TMP/demo.jsonl"
check "profiles carry the documented fields" python3 -c '
import json, sys
need = ["src", "first", "last", "probes", "targets", "ports", "proto", "rate_pps", "kind",
        "confidence", "sweep24_s"]
n = 0
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["type"] != "profile":
        continue
    n += 1
    for k in need:
        assert k in o, (k, o)
    assert isinstance(o["ports"], list)
    assert o["first"].endswith("Z") and o["first"][10] == "T"
    if o["kind"] == "scan":
        assert "strategy" in o
assert n >= 12
' "$HK_TMP/demo.jsonl"
while read -r src kind strat tool; do
    case "$kind" in
    scan) expect_label "$HK_TMP/demo.jsonl" "$src" "scan $strat ${tool:--}" ;;
    *) expect_label "$HK_TMP/demo.jsonl" "$src" "$kind" ;;
    esac
done <"$HK_TMP/labels.txt"
check "no spoofed flood source is a scan" python3 -c '
import json, sys
scans = [o for o in map(json.loads, open(sys.argv[1]))
         if o["type"] == "profile" and o["kind"] == "scan"]
assert len(scans) == 9, len(scans)
' "$HK_TMP/demo.jsonl"
check "port intervals per minute and hour" python3 -c '
import json, sys
iv = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "port-interval"]
m = [o for o in iv if o["interval_s"] == 60 and o["port"] == 445 and o["proto"] == "tcp"]
h = [o for o in iv if o["interval_s"] == 3600 and o["port"] == 445]
assert m and h, (len(m), len(h))
assert all(o["sources"] >= 1 and o["packets"] >= o["sources"] for o in iv)
' "$HK_TMP/demo.jsonl"
check "worm-source alerts for the worm-like strategies" python3 -c '
import json, sys
a = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "alert"]
w = sorted(o["src"] for o in a if o["alert"] == "worm-source")
assert w == ["10.3.0.9", "10.4.1.20", "10.5.0.11"], w
' "$HK_TMP/demo.jsonl"
check "the summary names the strategies" grep -q "hybrid" "$HK_TMP/summary.txt"
# --out - writes the same lines to stdout (through its own 1 MiB buffer) and nothing else.
"$HK_BIN" sensor "$HK_TMP/demo.pcap" --out - --no-progress >"$HK_TMP/stdout.jsonl" \
    2>"$HK_TMP/stdout.err"
check "--out - writes the same JSON lines to stdout" cmp -s "$HK_TMP/stdout.jsonl" "$HK_TMP/demo.jsonl"
for f in ports scan-pattern cumulative; do
    check "$f.svg written" grep -q "<svg" "$HK_TMP/svg/$f.svg"
done

# ---- the same capture in other encodings ----
"$GEN" --nano --swap demo "$HK_TMP/demo-ns.pcap" "$HK_TMP/labels2.txt"
gzip -c "$HK_TMP/demo-ns.pcap" >"$HK_TMP/demo-ns.pcap.gz"
check "gzip, nanoseconds, swapped" "$HK_BIN" sensor "$HK_TMP/demo-ns.pcap.gz" --quiet \
    --out "$HK_TMP/gz.jsonl"
expect_label "$HK_TMP/gz.jsonl" 10.4.1.20 "scan hybrid"
expect_label "$HK_TMP/gz.jsonl" 10.5.0.11 "scan slow-sequential"
# Two halves given in the wrong order are read in time order.
head -c 300000 "$HK_TMP/demo.pcap" >"$HK_TMP/part1.pcap"
check "a truncated capture is analysed up to the cut" sh -c \
    "'$HK_BIN' sensor '$HK_TMP/part1.pcap' --quiet --out '$HK_TMP/part1.jsonl' 2>'$HK_TMP/trunc.err'"
check "the truncation is reported" grep -q "truncated" "$HK_TMP/trunc.err"
check "profiles before the cut are kept" grep -q '"src":"10.1.0.5"' "$HK_TMP/part1.jsonl"
printf 'this is not a capture file at all\n' >"$HK_TMP/junk.pcap"
if "$HK_BIN" sensor "$HK_TMP/junk.pcap" --quiet 2>"$HK_TMP/junk.err"; then
    bad "a non-capture file is refused"
else
    ok "a non-capture file is refused"
fi
check "with a clear message" grep -q "junk.pcap" "$HK_TMP/junk.err"

# ---- golden labels on the real loopback captures (acceptance 1-3) ----
# tests/data/captures/expected.json is the ground truth: each source's kind, strategy, tool
# and (LAN) whether the random walk flags it; not_scanners must never come out as scans.
if [ -f "$CAPS/expected.json" ]; then
    python3 - "$CAPS" "$HK_BIN" "$HK_TMP" >"$HK_TMP/golden.txt" 2>&1 <<'PY'
import ipaddress, json, subprocess, sys
caps, hk, tmp = sys.argv[1:4]

def inside(addr, net):
    return ipaddress.ip_address(addr) in ipaddress.ip_network(net if "/" in net else net + "/32")

for e in json.load(open(caps + "/expected.json")):
    out = "%s/golden-%s.jsonl" % (tmp, e["file"])
    cmd = [hk, "sensor", caps + "/" + e["file"], "--quiet", "--min-probes", "1", "--out", out]
    if e["vantage"] == "lan":
        cmd.append("--lan")
    for m in e.get("monitor", []):
        cmd += ["--monitor", m]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        print("FAIL", e["file"], "exit", r.returncode, r.stderr.strip())
        continue
    profs = [o for o in map(json.loads, open(out)) if o["type"] == "profile"]
    by_src = {o["src"]: o for o in profs}
    for want in e["sources"]:
        if "src" in want:
            got = by_src.get(want["src"])
            if not got:
                print("FAIL", e["file"], want["src"], "no profile")
                continue
            g = (got["kind"], got.get("strategy") if got["kind"] == "scan" else None, got.get("tool"))
            w = (want["kind"], want["strategy"], want["tool"])
            ok = g == w and (not want.get("trw_flagged") or got.get("trw") == "scanner")
            print("ok" if ok else "FAIL", e["file"], want["src"], "got", g, got.get("trw"), "want", w)
        else:
            net = [o for o in profs if inside(o["src"], want["src_net"])]
            kinds = sorted(set(o["kind"] for o in net))
            ok = len(net) > 0 and kinds == [want["kind"]]
            print("ok" if ok else "FAIL", e["file"], want["src_net"], len(net), "sources, kinds", kinds)
    for ns in e["not_scanners"]:
        bad = [o["src"] for o in profs if inside(o["src"], ns)
               and (o["kind"] == "scan" or o.get("trw") == "scanner")]
        print("FAIL" if bad else "ok", e["file"], "not a scanner:", ns, bad[:3])
PY
    while read -r verdict rest; do
        if [ "$verdict" = ok ]; then ok "golden: $rest"; else bad "golden: $rest"; fi
    done <"$HK_TMP/golden.txt"
fi

# ---- push to a server, with a spool ----
SPOOL=$HK_TMP/spool
if "$HK_BIN" --token hk_nothing sensor "$HK_TMP/demo.pcap" --quiet --push http://127.0.0.1:18599 \
    --spool "$SPOOL" --sensor-name lab-1 --push-intervals 60 2>"$HK_TMP/push1.err"; then
    bad "push to a closed port fails"
else
    ok "push to a closed port fails"
fi
check "the items are spooled" sh -c "grep -q 'spooled for later' '$HK_TMP/push1.err' && ls '$SPOOL'/batch-*.jsonl >/dev/null"
N1=$(cat "$SPOOL"/batch-*.jsonl | wc -l)
check "alerts and intervals are in the spool" sh -c "[ $N1 -ge 10 ]"
if start_server "$HK_TMP/data" "$HK_TMP/srv.log"; then
    URL=http://127.0.0.1:$SRV_PORT
    check "the spool and the new run are pushed" "$HK_BIN" --token "$SRV_TOKEN" sensor \
        "$HK_TMP/demo.pcap" --quiet --push "$URL" --spool "$SPOOL" --sensor-name lab-1 \
        --push-intervals 60
    check "the spool is empty afterwards" sh -c "! ls '$SPOOL'/batch-*.jsonl 2>/dev/null | grep -q ."
    "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" --json report list >"$HK_TMP/reports.json" 2>&1
    check "worm-source alerts became reports" grep -q "10.4.1.20" "$HK_TMP/reports.json"
    check "classified as infected systems" grep -q "infected-system" "$HK_TMP/reports.json"
    "$HK_BIN" --token "$SRV_TOKEN" sensor "$HK_TMP/demo.pcap" --push "$URL" --spool "$SPOOL" \
        --sensor-name lab-1 --push-intervals 60 --quiet 2>"$HK_TMP/push3.err"
    check "sending again yields only duplicates" grep -q "0 items accepted, $N1 duplicates" \
        "$HK_TMP/push3.err"
    if "$HK_BIN" --token hk_wrong sensor "$HK_TMP/demo.pcap" --quiet --push "$URL" \
        --spool "$SPOOL" --sensor-name lab-1 2>"$HK_TMP/push4.err"; then
        bad "a wrong token fails"
    else
        ok "a wrong token fails"
    fi
    check "and keeps the items spooled" sh -c "ls '$SPOOL'/batch-*.jsonl >/dev/null"
    stop_server
else
    bad "server start"
fi

finish
