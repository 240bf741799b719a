# SPDX-License-Identifier: MIT
# End-to-end routing through the real binary against a real `hikeshi serve` on loopback
# (acceptance 1 of issue 4): a coordinating team and three member teams are created with
# `hikeshi team add` over HTTP, `hikeshi route` answers for an IPv4 address, an IPv6
# address and a domain, a report mentioning all three is routed to the three teams, its
# incident gets the most specific team; then the directory goes out and back in (JSON and
# CSV), a pfx2as file is loaded (a bad one loads nothing) and survives a server restart,
# and a change made locally while the server runs is seen by the server's next request.

. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
"$HK_BIN" --data "$D" init >"$HK_TMP/init.out" 2>&1 || { bad "init"; finish; }
TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$HK_TMP/init.out" | head -n 1)
start_server "$D" "$HK_TMP/srv.log" || { bad "server did not start"; finish; }
URL=http://127.0.0.1:$SRV_PORT
H() { "$HK_BIN" --server "$URL" --token "$TOKEN" "$@"; }

check "team add coord" H team add --name coord --type coordinating --email coord@example.net
check "team add team-v4" H team add --name team-v4 --parent coord --email v4@example.net \
    --network 198.51.100.0/24 --contact 'abuse|Abuse desk|abuse@v4.example.net'
check "team add team-v6" H team add --name team-v6 --parent coord --email v6@example.net \
    --network 2001:db8::/32
check "team add team-dom" H team add --name team-dom --parent coord --email dom@example.net \
    --domain example.org --asn 64500
if H team add --name bad --network 198.51.100.7/24 2>"$HK_TMP/e1"; then
    bad "host bits accepted"
else
    grep -q "the network is 198.51.100.0/24" "$HK_TMP/e1" && ok "host bits refused, network named" ||
        bad "host-bit message: $(cat "$HK_TMP/e1")"
fi

# route VALUE: team, match, chain, contact.
H route 198.51.100.7 >"$HK_TMP/r4"
grep -q "^198.51.100.7 -> team-v4 (prefix 198.51.100.0/24" "$HK_TMP/r4" && ok "route IPv4" ||
    bad "route IPv4: $(cat "$HK_TMP/r4")"
grep -q "^chain: team-v4 (security-team) < coord (coordinating)" "$HK_TMP/r4" && ok "chain" ||
    bad "chain: $(cat "$HK_TMP/r4")"
grep -q "^contact: abuse@v4.example.net (abuse)" "$HK_TMP/r4" && ok "abuse contact" ||
    bad "contact: $(cat "$HK_TMP/r4")"
H route 2001:db8::1 | grep -q "^2001:db8::1 -> team-v6 (prefix 2001:db8::/32" &&
    ok "route IPv6" || bad "route IPv6"
H route mail.example.org | grep -q "^mail.example.org -> team-dom (domain example.org" &&
    ok "route domain" || bad "route domain"
H route AS64500 | grep -q "team-dom" && ok "route ASN" || bad "route ASN"
H route 203.0.113.1 >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && ok "no team: exit 3" || bad "no team: exit $rc"

# The report is routed to the three teams; the incident takes the most specific route.
H --json report add --content "Scans from 198.51.100.7 and 2001:db8::1, phishing on mail.example.org" \
    >"$HK_TMP/rep.json" || bad "report add"
json_ok "$HK_TMP/rep.json" && ok "report answer is JSON" || bad "report answer"
python3 - "$HK_TMP/rep.json" <<'PY' && ok "report routed to the three teams" || bad "report routes"
import json, sys
r = json.load(open(sys.argv[1]))
got = [(x["observable"], x["team"]) for x in r["routes"]]
want = [("198.51.100.7", "team-v4"), ("2001:db8::1", "team-v6"), ("mail.example.org", "team-dom")]
sys.exit(0 if got == want else print(got) or 1)
PY
REP=$(jget "$HK_TMP/rep.json" id)
H --json report triage "$REP" --title "scan and phishing" >"$HK_TMP/inc.json" || bad "triage"
[ "$(jget "$HK_TMP/inc.json" team)" = team-v4 ] && ok "incident team from first route" ||
    bad "incident team: $(jget "$HK_TMP/inc.json" team)"
grep -q '"teams": \[' "$HK_TMP/inc.json" && grep -q '"team-dom"' "$HK_TMP/inc.json" &&
    ok "incident lists its teams" || bad "incident teams"

# Export and import back (JSON and CSV): all teams replaced by name, nothing changes.
H team export >"$HK_TMP/dir.json" && json_ok "$HK_TMP/dir.json" && ok "export json" ||
    bad "export json"
H team export --format csv >"$HK_TMP/dir.csv" && grep -q '^team-v4,' "$HK_TMP/dir.csv" &&
    ok "export csv" || bad "export csv"
H --json team import "$HK_TMP/dir.json" | grep -q '"updated": 4' && ok "import json" ||
    bad "import json"
H --json team import "$HK_TMP/dir.csv" | grep -q '"updated": 4' && ok "import csv" ||
    bad "import csv"
H team export >"$HK_TMP/dir2.json"
cmp -s "$HK_TMP/dir.json" "$HK_TMP/dir2.json" && ok "round trip unchanged" || bad "round trip"
printf 'name,networks\nnew1,192.0.2.0/24\nnew2,not-a-prefix\n' >"$HK_TMP/bad.csv"
if H team import "$HK_TMP/bad.csv" 2>"$HK_TMP/e2"; then bad "bad csv accepted"; fi
grep -q "line 3 'new2'" "$HK_TMP/e2" && ok "bad csv names the line" || bad "csv msg: $(cat "$HK_TMP/e2")"
H team show new1 >/dev/null 2>&1 && bad "partial import" || ok "nothing of a bad file stored"

# pfx2as: a bad file loads nothing; a good one routes by origin AS and survives a restart.
printf '203.0.113.0\t24\t64500\n' >"$HK_TMP/p.txt"
printf '192.0.2.0\t24\t64500\n192.0.2.0\t24\t64500x\n' >"$HK_TMP/pbad.txt"
H route load-pfx2as "$HK_TMP/pbad.txt" 2>"$HK_TMP/e3" && bad "bad pfx2as accepted"
grep -q "line 2:" "$HK_TMP/e3" && ok "bad pfx2as names the line" || bad "pfx2as msg"
check "load pfx2as" H route load-pfx2as "$HK_TMP/p.txt"
H route 203.0.113.9 | grep -q "team-dom (AS64500 via 203.0.113.0/24" && ok "route via pfx2as" ||
    bad "route via pfx2as"
H route 192.0.2.1 >/dev/null 2>&1 && bad "bad pfx2as file was loaded" || ok "bad file loaded nothing"
stop_server
[ "$SRV_RC" -eq 0 ] && ok "server stopped cleanly" || bad "server exit $SRV_RC"
start_server "$D" "$HK_TMP/srv2.log" || { bad "restart"; finish; }
URL=http://127.0.0.1:$SRV_PORT
H route 203.0.113.9 | grep -q "team-dom" && ok "pfx2as survives restart" || bad "after restart"

# A change made locally (another process) is seen by the running server.
check "local team add" "$HK_BIN" --data "$D" team add --name lab --parent team-v4 \
    --network 198.51.100.128/25
H route 198.51.100.200 | grep -q "^198.51.100.200 -> lab " && ok "server sees local change" ||
    bad "server did not see the change"
check "audit chain intact" "$HK_BIN" --data "$D" audit verify
stop_server
finish
