# SPDX-License-Identifier: MIT
# Vulnerability cases end to end through the real binary against a real `hikeshi serve` on
# loopback (issue 7): two vendor teams in the directory, a case opened with the CLI over
# HTTP, products, vendor statuses and a remediation, the lifecycle (a refused jump, schedule
# needs a date, the embargo date), the generated CSAF document accepted by `hikeshi advisory
# validate`, CVE JSON 5 import of every test record over the API (valid ones accepted, the
# others refused with the JSON path and nothing stored), the export round trip, embargo
# reminders queued once per day, and a reporter that only sees its own case.

. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
CVE=$HK_SRC/tests/data/cve
"$HK_BIN" --data "$D" init >"$HK_TMP/init.out" 2>&1 || { bad "init"; finish; }
TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$HK_TMP/init.out" | head -n 1)
start_server "$D" "$HK_TMP/srv.log" || { bad "server did not start"; finish; }
URL=http://127.0.0.1:$SRV_PORT
H() { "$HK_BIN" --server "$URL" --token "$TOKEN" "$@"; }
Q() { H "$@" >"$HK_TMP/q.out" 2>&1 || { cat "$HK_TMP/q.out"; return 1; }; }
# api METHOD PATH [curl args]: the answer goes to $O, the HTTP status to $CODE.
O=$HK_TMP/answer.json
api() {
    m=$1
    p=$2
    shift 2
    CODE=$(curl -s --max-time 30 -o "$O" -w '%{http_code}' -X "$m" \
        -H "Authorization: Bearer $TOKEN" "$@" "$URL$p")
}
cases() { api GET /api/v1/vulns && python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$O"; }

check "vendor team acme" Q team add --name acme --type vendor --email psirt@acme.example
check "psirt team globex" Q team add --name globex --type psirt --email sec@globex.example \
    --language ja
check "security team (not a vendor)" Q team add --name cert-x --email cert@x.example

# Intake over HTTP with the CLI.
H --json vuln add --title "Overflow in widget" --description "A crafted packet overflows." \
    --reporter-name Alice --reporter-email alice@example.org --tlp CLEAR \
    --cve CVE-2026-10001 --cwe CWE-787 --cvss "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" \
    --vendor acme --vendor globex >"$HK_TMP/case.json" || bad "vuln add"
ID=$(jget "$HK_TMP/case.json" public_id)
case "$ID" in HKVU#20[0-9][0-9]-0001) ok "public id $ID" ;; *) bad "public id '$ID'" ;; esac
[ "$(jget "$HK_TMP/case.json" state)" = received ] && ok "state received" || bad "state"
H vuln add --title x --vendor cert-x >"$HK_TMP/o" 2>&1 && bad "non-vendor team accepted" ||
    { grep -q "vendors\[0\]" "$HK_TMP/o" && ok "non-vendor team refused, field named" ||
        bad "non-vendor message: $(cat "$HK_TMP/o")"; }
H vuln add --title x --cvss "CVSS:3.1/AV:X" >"$HK_TMP/o" 2>&1 && bad "bad vector accepted" ||
    { grep -q "cvss\[0\]" "$HK_TMP/o" && ok "bad vector refused, field named" ||
        bad "bad vector message: $(cat "$HK_TMP/o")"; }
[ "$(cases)" = 1 ] && ok "refused intakes stored nothing" || bad "case count $(cases)"

# Products, vendor statuses, remediation.
check "product widget" Q vuln product "$ID" --vendor acme --product widget \
    --version '2.0<2.4.2' --cpe 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*'
check "product gizmo" Q vuln product "$ID" --vendor globex --product gizmo \
    --purl pkg:npm/gizmo --version 1.0.0
H vuln product "$ID" --vendor acme --product w --cpe cpe:2.3:a >"$HK_TMP/o" 2>&1 &&
    bad "bad cpe accepted" || { grep -q "product.cpe" "$HK_TMP/o" && ok "bad cpe refused" ||
    bad "bad cpe message: $(cat "$HK_TMP/o")"; }
check "acme affected" Q vuln vendor "$ID" acme --status affected --statement "Fixed in 2.4.2"
check "globex not affected" Q vuln vendor "$ID" globex --status not_affected
check "remediation" Q vuln remediation "$ID" --category vendor_fix --details "Upgrade to 2.4.2" \
    --url https://acme.example/fix

# Lifecycle through the API (curl) and the CLI.
N=$(echo "$ID" | sed 's/.*-0*//')
api POST "/api/v1/vulns/$N/schedule" -d '{"publish_at": "2030-01-01T00:00:00Z"}'
[ "$CODE" = 409 ] && ok "received -> scheduled refused (409)" || bad "jump: $CODE"
check "triage" Q vuln state "$ID" triage
check "coordinate" Q vuln state "$ID" coordinate
api POST "/api/v1/vulns/$N/schedule"
[ "$CODE" = 400 ] && grep -q publish_at "$O" && ok "schedule without a date refused" ||
    bad "schedule without date: $CODE"
WHEN=$(date -u -d '+3 days' +%Y-%m-%dT00:00:00Z)
check "schedule with the embargo date" Q vuln state "$ID" schedule --publish-at "$WHEN"
api GET "/api/v1/vulns/$N"
[ "$(jget "$O" state)" = scheduled ] && [ "$(jget "$O" publish_at)" = "$WHEN" ] &&
    ok "scheduled for $WHEN" || bad "after schedule: $(cat "$O")"
api GET "/api/v1/vulns/$N/audit"
grep -q vcase.embargo "$O" && ok "embargo date audited" || bad "no vcase.embargo audit"

# CSAF preview accepted by the validator.
H vuln csaf "$ID" >"$HK_TMP/csaf.json" || bad "vuln csaf"
"$HK_BIN" advisory validate "$HK_TMP/csaf.json" >"$HK_TMP/val.out" 2>&1 &&
    ok "generated CSAF is valid" || bad "CSAF invalid: $(cat "$HK_TMP/val.out")"
grep -q '"WHITE"' "$HK_TMP/csaf.json" && ok "TLP:CLEAR is WHITE in CSAF 2.0" || bad "tlp label"
# The reference validator (@secvisogram/csaf-validator-lib, pinned in tests/csaf-ref) must
# accept the same document.
if hk_csaf_ref; then
    node "$HK_SRC/bench/csaf_ref.mjs" "$HK_CSAF_REF" 1 "$HK_TMP/csaf.json" 2>/dev/null |
        grep -q '"valid":true' && ok "reference validator accepts the CSAF document" ||
        bad "reference validator refuses the CSAF document"
else
    bad "the reference validator could not be installed (node, npm and tests/csaf-ref/package-lock.json)"
fi
api GET "/api/v1/vulns/$N/csaf"
[ "$CODE" = 200 ] && grep -q csaf_security_advisory "$O" && ok "GET .../csaf" || bad "csaf $CODE"

# Embargo reminders: globex has no statement yet; once per day.
H --json vuln remind >"$HK_TMP/r1.json" || bad "remind"
grep -q '"team": "globex"' "$HK_TMP/r1.json" && ! grep -q '"team": "acme"' "$HK_TMP/r1.json" &&
    ok "reminder queued for globex only" || bad "reminders: $(cat "$HK_TMP/r1.json")"
api POST /api/v1/vulns/remind -d '{}'
[ "$CODE" = 200 ] && grep -q '"reminders": *\[\]' "$O" && ok "second run queues nothing" ||
    bad "second remind: $(cat "$O")"

# CVE JSON 5: every test record over the API.
B=$(cases)
for f in "$CVE"/*.json; do
    n=$(basename "$f")
    api POST /api/v1/vulns/import-cve --data-binary "@$f"
    case "$n" in
    *_fail*.json | *bad_datePublic*)
        if [ "$CODE" = 400 ] && grep -q '"message": *"/' "$O"; then
            ok "$n refused with a JSON path ($(jget "$O" message | cut -c1-60))"
        else
            bad "$n: $CODE $(cat "$O")"
        fi
        ;;
    *)
        [ "$CODE" = 201 ] && ok "$n imported" || bad "$n: $CODE $(cat "$O")"
        B=$((B + 1))
        ;;
    esac
done
[ "$(cases)" = "$B" ] && ok "only the valid records made cases ($B)" || bad "cases: $(cases)"
H --json vuln import-cve "$CVE/CVE-2017-4024_published.json" --case "$ID" >"$HK_TMP/into.json" &&
    grep -q CVE-2017-4024 "$HK_TMP/into.json" && ok "import into the existing case" ||
    bad "import into case"

# Export round trip: the exported record imports into a new case with the same facts.
H --json vuln show "$ID" >"$HK_TMP/now.json" || bad "vuln show"
H vuln export-cve "$ID" --cve CVE-2026-10001 >"$HK_TMP/cve.json" || bad "export-cve"
json_ok "$HK_TMP/cve.json" && grep -q '"dataVersion": "5.0"' "$HK_TMP/cve.json" &&
    ok "export is a CVE 5.0 record" || bad "export"
H --json vuln import-cve "$HK_TMP/cve.json" >"$HK_TMP/back.json" || bad "re-import"
python3 - "$HK_TMP/now.json" "$HK_TMP/back.json" <<'PY' && ok "round trip keeps CVE, CWE, CVSS, products, vendors" || bad "round trip differs"
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
assert b["cve_ids"] == ["CVE-2026-10001"], b["cve_ids"]
assert b["cwe_ids"] == a["cwe_ids"]
assert [c["vector"] for c in b["cvss"]] == [c["vector"] for c in a["cvss"]]
assert sorted(p["product"] for p in b["products"]) == sorted(p["product"] for p in a["products"])
assert "widget" in [p["product"] for p in b["products"]]
assert sorted(v["team"] for v in b["vendors"]) == ["acme", "globex"]
PY

# A reporter sees only its own case.
"$HK_BIN" --data "$D" user add rep --role reporter >/dev/null 2>&1 || bad "user add"
RT=$("$HK_BIN" --data "$D" --json token create --user rep | jget /dev/stdin token)
[ -n "$RT" ] || RT=$("$HK_BIN" --data "$D" token create --user rep | sed -n 's/.*\(hk_[A-Za-z0-9_-]*\).*/\1/p' | head -n 1)
R() { "$HK_BIN" --server "$URL" --token "$RT" "$@"; }
R --json vuln add --title "My finding" >"$HK_TMP/mine.json" && ok "reporter opens a case" ||
    bad "reporter add: $(cat "$HK_TMP/mine.json")"
R --json vuln list >"$HK_TMP/rl.json" && [ "$(grep -c '"public_id"' "$HK_TMP/rl.json")" = 1 ] &&
    ok "reporter lists only its own case" || bad "reporter list: $(cat "$HK_TMP/rl.json")"
R vuln show "$N" >/dev/null 2>&1 && bad "reporter read another case" ||
    ok "reporter cannot read another case"
R vuln state "$ID" reject --reason x >/dev/null 2>&1 && bad "reporter changed a case" ||
    ok "reporter cannot change a case"

check "audit chain intact" "$HK_BIN" --data "$D" audit verify
stop_server

# The queued embargo reminder goes out through the outbox to a real SMTP server (aiosmtpd):
# Japanese for globex (its language), tagged [hikeshi#V<case>], naming the case and date.
PY=$HK_PY
if hk_smtp_start; then
    "$HK_BIN" --data "$D" mail flush --smtp "smtp://127.0.0.1:$PORT" \
        --mail-from 'Test CSIRT <csirt@example.net>' >"$HK_TMP/flush.out" 2>&1 ||
        bad "mail flush: $(cat "$HK_TMP/flush.out")"
    "$PY" - "$MD" "$N" "$ID" <<'PY' && ok "embargo reminder delivered (ja, [hikeshi#V$N])" || bad "reminder mail"
import email, email.header, email.policy, os, sys
md, n, pub = sys.argv[1], sys.argv[2], sys.argv[3]
msgs = [email.message_from_binary_file(open(os.path.join(md, "new", f), "rb"), policy=email.policy.default)
        for f in os.listdir(os.path.join(md, "new"))]
mine = [m for m in msgs if "sec@globex.example" in str(m["To"])]
assert len(mine) == 1, [str(m["To"]) for m in msgs]
m = mine[0]
subj = str(m["Subject"])
assert "[hikeshi#V%s]" % n in subj and pub in subj and "リマインド" in subj, subj
body = m.get_body(preferencelist=("plain",)).get_content()
assert "公表予定日" in body and "gizmo" in body, body
PY
else
    bad "SMTP server (python3-aiosmtpd, scripts/deps.sh test) did not start"
fi
finish
