#!/bin/sh
# SPDX-License-Identifier: MIT
# hikeshi simulate and hikeshi exercise through the real binary: the shipped scenarios are
# listed; a run writes its outputs; tcpdump reads every capture without complaint; a bad
# scenario file is refused with its line before anything runs; the same seed gives the same
# bytes; the exercise plays an outbreak against a real server on loopback and its scorecard
# follows what the team does.
. "$(dirname "$0")/hk_testlib.sh"

OUT=$HK_TMP/out
LIST=$("$HK_BIN" simulate --list)
for s in wannacry-lan wannacry-internet notpetya-lan badrabbit-lan slammer-internet \
    codered2-internet blaster-internet; do
    case "$LIST" in *"$s "*) ok "shipped: $s" ;; *) bad "shipped: $s missing" ;; esac
done

# Each quick scenario runs with one command and prints its summary.
for s in wannacry-lab6 wannacry-lan notpetya-lan badrabbit-lan notpetya-enterprise slammer-internet; do
    if "$HK_BIN" simulate "$s" --out "$OUT/$s" >"$HK_TMP/$s.txt" 2>&1 &&
        grep -q "90% infected" "$HK_TMP/$s.txt" && [ -s "$OUT/$s/curve.csv" ] &&
        grep -q "<polyline" "$OUT/$s/curve.svg" && [ -s "$OUT/$s/ground-truth.json" ]; then
        ok "$s runs and writes its outputs"
    else
        bad "$s: $(cat "$HK_TMP/$s.txt")"
    fi
done

# tcpdump reads every capture as real traffic: nothing on stderr but its header line.
if command -v tcpdump >/dev/null 2>&1; then
    for f in "$OUT"/*/sensor-*.pcap; do
        n=$(tcpdump -nr "$f" -w /dev/null 2>"$HK_TMP/td.err"; echo $?)
        extra=$(grep -v '^reading from file' "$HK_TMP/td.err")
        if [ "$n" = 0 ] && [ -z "$extra" ]; then ok "tcpdump reads $(basename "$(dirname "$f")")"; else bad "tcpdump on $f: $extra"; fi
    done
    # and decodes it: a WannaCry SYN to 445 with a correct checksum.
    if tcpdump -nr "$OUT/wannacry-lab6/sensor-lan-tap.pcap" -vv -c 20 2>/dev/null |
        grep -q "445: Flags \[S\], cksum 0x[0-9a-f]* (correct)"; then
        ok "tcpdump verifies the TCP checksums"
    else
        bad "tcpdump did not verify a SYN's checksum"
    fi
else
    bad "tcpdump is not installed (scripts/deps.sh test installs it)"
fi

# Same seed, same bytes; the capture is not empty.
"$HK_BIN" simulate wannacry-lab6 --out "$OUT/again" >/dev/null 2>&1
check "same seed gives byte-identical captures" cmp -s "$OUT/wannacry-lab6/sensor-lan-tap.pcap" "$OUT/again/sensor-lan-tap.pcap"
"$HK_BIN" simulate wannacry-lab6 --seed 99 --out "$OUT/other" >/dev/null 2>&1
if cmp -s "$OUT/wannacry-lab6/sensor-lan-tap.pcap" "$OUT/other/sensor-lan-tap.pcap"; then bad "another seed gave the same capture"; else ok "another seed, another outbreak"; fi

# Bad scenario files: a clear error naming the line, nothing written.
cat >"$HK_TMP/bad.ini" <<'INI'
[scenario]
name = broken
[network]
kind = lan
subnets = 10.0.0.0/24
hosts = 100
vulnerable = 500
INI
if "$HK_BIN" simulate "$HK_TMP/bad.ini" --out "$OUT/bad" >"$HK_TMP/bad.txt" 2>&1; then
    bad "an impossible scenario ran"
else
    grep -q "vulnerable (500) is more than the live hosts (100)" "$HK_TMP/bad.txt" && ok "impossible values are refused" || bad "unclear error: $(cat "$HK_TMP/bad.txt")"
fi
[ ! -e "$OUT/bad/curve.csv" ] && ok "nothing written for a refused scenario" || bad "a refused scenario wrote outputs"
printf '[scenario]\nname = x\nspeed_of_light = 3\n' >"$HK_TMP/bad2.ini"
"$HK_BIN" simulate "$HK_TMP/bad2.ini" >"$HK_TMP/bad2.txt" 2>&1
grep -q "line 3: unknown key 'speed_of_light'" "$HK_TMP/bad2.txt" && ok "unknown keys name their line" || bad "unknown key: $(cat "$HK_TMP/bad2.txt")"
"$HK_BIN" simulate no-such-scenario >"$HK_TMP/bad3.txt" 2>&1 && bad "unknown scenario ran" || ok "unknown scenario refused"

# The exercise against a real server.
if start_server "$HK_TMP/data" "$HK_TMP/srv.log" && [ -n "$SRV_TOKEN" ]; then
    URL=http://127.0.0.1:$SRV_PORT
    (cd "$HK_TMP" && "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" exercise wannacry-lab6 --speed 0 >"$HK_TMP/ex.txt" 2>&1)
    rc=$?
    [ $rc = 0 ] && ok "exercise ran" || bad "exercise failed: $(tail -5 "$HK_TMP/ex.txt")"
    grep -q "Scorecard" "$HK_TMP/ex.txt" && grep -q "reports left untriaged" "$HK_TMP/ex.txt" && ok "scorecard printed" || bad "no scorecard"
    n=$("$HK_BIN" --server "$URL" --token "$SRV_TOKEN" --json report list --limit 500 | grep -c '"subject": "\[EXERCISE\]')
    [ "$n" -ge 2 ] && ok "exercise reports are on the server ($n)" || bad "only $n exercise reports on the server"
    "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" --json report list --limit 500 | grep -q '"rsit_class": "malicious-code"' &&
        ok "sensor alerts arrived as classified reports" || bad "no classified sensor alert report"
    # Untriaged at first; after the team triages and acts, the score follows the records.
    grep -q "first triage  *not yet" "$HK_TMP/ex.txt" && ok "nothing triaged yet" || bad "triage before anyone acted"
    first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reports"][0])' "$HK_TMP/hikeshi-exercise.json")
    "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" report triage "$first" --severity high >/dev/null 2>&1
    inc=$("$HK_BIN" --server "$URL" --token "$SRV_TOKEN" --json report show "$first" | sed -n 's/.*"incident_id": \([0-9]*\).*/\1/p')
    "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" countermeasure add "$inc" --kind block --description "isolate the LAN" >/dev/null 2>&1
    "$HK_BIN" --server "$URL" --token "$SRV_TOKEN" --json exercise --score "$HK_TMP/hikeshi-exercise.json" >"$HK_TMP/score.json" 2>&1
    grep -q '"first_triage_s": [0-9]' "$HK_TMP/score.json" && grep -q '"first_countermeasure_s": [0-9]' "$HK_TMP/score.json" &&
        grep -q '"first_notification_s": null' "$HK_TMP/score.json" && ok "rescoring shows triage and countermeasure" || bad "rescore: $(cat "$HK_TMP/score.json")"
    stop_server
else
    bad "server did not start: $(cat "$HK_TMP/srv.log.err")"
fi
finish
