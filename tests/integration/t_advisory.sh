# SPDX-License-Identifier: MIT
# Acceptance 3 and 4 of issue 7 end to end, with real parts on loopback: a real `hikeshi
# serve` (with a throwaway GnuPG signing key and a real aiosmtpd SMTP server writing a
# Maildir). A vulnerability case with two vendors and an embargo date is taken from report to
# published advisory; the CSAF document passes `hikeshi advisory validate`; the provider
# directory (provider-metadata.json against the OASIS provider schema, index.txt,
# changes.csv, .sha256 checked with sha256sum, .asc checked with gpg), the HTML page and the
# Atom feed (xmllint) are served over HTTP; TLP is enforced on the files; the team with a
# matching asset receives the early warning listing its asset, the team without does not;
# `hikeshi advisory fetch` on a second data directory imports the advisory from the first
# server, warns its own team, and is idempotent. An invalid document is refused.

. "$(dirname "$0")/hk_testlib.sh"

command -v gpg >/dev/null 2>&1 || { bad "gpg is not installed (scripts/deps.sh test)"; finish; }
command -v curl >/dev/null 2>&1 || { bad "curl is not installed"; finish; }
PY=$HK_PY
"$PY" -c 'import aiosmtpd' 2>/dev/null || { bad "python3-aiosmtpd is not installed"; finish; }
hk_gpg_key 'Advisory Signer <psirt@example.net>' && ok "throwaway signing key" || { bad "gpg key generation"; finish; }
hk_smtp_start || { bad "SMTP server did not start"; finish; }

D=$HK_TMP/data
"$HK_BIN" --data "$D" init >"$HK_TMP/init.out" 2>&1 || { bad "init"; finish; }
TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$HK_TMP/init.out" | head -n 1)
"$HK_BIN" --data "$D" serve --listen 127.0.0.1:0 --smtp "smtp://127.0.0.1:$PORT" \
    --mail-from 'Test PSIRT <psirt@example.net>' --sign-key "$FPR" --gnupghome "$G" \
    >"$HK_TMP/srv.log" 2>"$HK_TMP/srv.err" &
HK_PIDS="$HK_PIDS $!"
i=0
while [ -z "$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/srv.log" 2>/dev/null)" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { bad "server did not start: $(cat "$HK_TMP/srv.err")"; finish; }; sleep 0.1
done
URL=http://127.0.0.1:$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/srv.log")
H() { "$HK_BIN" --server "$URL" --token "$TOKEN" "$@"; }

# Directory: two vendors, two constituent teams (one Japanese-speaking).
H team add --name vend-a --type vendor --email psirt@vend-a.example >/dev/null &&
    H team add --name vend-b --type psirt --email psirt@vend-b.example >/dev/null &&
    H team add --name cons-hit --email cert@hit.example --language ja >/dev/null &&
    H team add --name cons-miss --email cert@miss.example >/dev/null &&
    ok "directory: two vendors, two constituent teams" || { bad "team add"; finish; }

# Assets: cons-hit runs an affected version, cons-miss the fixed one and an unaffected package.
H asset add --team cons-hit --cpe 'cpe:2.3:a:vend-a:widget_server:*:*:*:*:*:*:*:*' --version 2.3.0 \
    --label 'web frontend' >/dev/null &&
    H asset add --team cons-miss --cpe 'cpe:2.3:a:vend-a:widget_server:2.4.2:*:*:*:*:*:*:*' >/dev/null &&
    H asset add --team cons-miss --purl 'pkg:npm/widgetlib@2.0.0' >/dev/null &&
    ok "assets registered" || bad "asset add"
printf 'kind,name,version\ncpe,cpe:2.3:a:vend-a:widget_server:*:*:*:*:*:*:*:*,9.9\npurl,not-a-purl,1\n' >"$HK_TMP/bad.csv"
H asset import "$HK_TMP/bad.csv" --team cons-miss >"$HK_TMP/imp.out" 2>&1 &&
    bad "a CSV with a bad line was imported" ||
    { grep -q "line 3" "$HK_TMP/imp.out" && ok "asset import is all or nothing (line 3 named)" || bad "import: $(cat "$HK_TMP/imp.out")"; }
[ "$(H --json asset list --team cons-miss | grep -c '"kind"')" = 2 ] && ok "nothing of the bad import stored" ||
    bad "asset list after bad import"

# The case, from report to scheduled: two vendors, an embargo date.
EMBARGO=$(date -u -d '+2 days' +%Y-%m-%dT00:00:00Z 2>/dev/null || date -u +%Y-%m-%dT23:59:00Z)
H vuln add --title 'Heap overflow in <Widget> Server' --description 'A crafted request overflows a heap buffer.' \
    --reporter-name 'Researcher' --reporter-email r@example.com --tlp CLEAR --cve CVE-2026-12345 \
    --cwe CWE-122 --cvss 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' \
    --vendor vend-a --vendor vend-b --publish-at "$EMBARGO" >/dev/null || bad "vuln add"
CASE=HKVU#$(date -u +%Y)-0001
H vuln product "$CASE" --vendor vend-a --product 'Widget Server' --version '2.0<2.4.2' \
    --cpe 'cpe:2.3:a:vend-a:widget_server:*:*:*:*:*:*:*:*' >/dev/null 2>&1 ||
    H vuln product 1 --vendor vend-a --product 'Widget Server' --version '2.0<2.4.2' \
        --cpe 'cpe:2.3:a:vend-a:widget_server:*:*:*:*:*:*:*:*' >/dev/null || bad "vuln product"
H vuln vendor 1 vend-a --status affected --statement 'Fixed in 2.4.2.' >/dev/null &&
    H vuln vendor 1 vend-b --status not_affected --statement 'widgetlib is not affected.' >/dev/null ||
    bad "vendor status"
H vuln remediation 1 --category vendor_fix --details 'Upgrade to 2.4.2 or later.' >/dev/null || bad "remediation"
H vuln state 1 triage >/dev/null && H vuln state 1 coordinate >/dev/null &&
    H vuln state 1 schedule >/dev/null && ok "case scheduled with embargo $EMBARGO" || bad "case states"

# An invalid document is refused and nothing is stored.
H --json vuln csaf 1 >"$HK_TMP/preview.json" || bad "csaf preview"
python3 - "$HK_TMP/preview.json" "$HK_TMP/invalid.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["document"]["tracking"]["id"] = "INVALID-1"
d["vulnerabilities"][0]["product_status"]["known_affected"] = ["CSAFPID-9999"]
json.dump(d, open(sys.argv[2], "w"))
PY
H advisory publish "$HK_TMP/invalid.json" >"$HK_TMP/inv.out" 2>&1 && bad "invalid CSAF published" ||
    { grep -q "6.1.1" "$HK_TMP/inv.out" && ok "invalid CSAF refused with the validator's test id" ||
        bad "invalid: $(cat "$HK_TMP/inv.out")"; }
[ "$(H --json advisory list | grep -c '"tracking_id"')" = 0 ] && ok "nothing stored for the invalid document" ||
    bad "advisory stored"

# The embargo holds: before the agreed date a plain publish is refused (409, exit code 4)
# naming the date, and nothing is published.
Y=$(date -u +%Y)
F=hkvu_$Y-0001.json
W=$URL/.well-known/csaf
H vuln publish 1 >"$HK_TMP/emb.out" 2>&1
rc=$?
[ "$rc" = 4 ] && grep -q "embargo until $EMBARGO" "$HK_TMP/emb.out" && grep -q -- "--early" "$HK_TMP/emb.out" &&
    ok "publish before the agreed date refused (exit 4, names $EMBARGO and --early)" ||
    bad "embargo: rc=$rc $(cat "$HK_TMP/emb.out")"
code=$(curl -s -o "$HK_TMP/emb.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    "$URL/api/v1/vulns/1/publish")
[ "$code" = 409 ] && grep -q '"HK_ECONFLICT"' "$HK_TMP/emb.json" && grep -q "$EMBARGO" "$HK_TMP/emb.json" && ok "POST /api/v1/vulns/1/publish: 409 under embargo" ||
    bad "embargo API: $code $(cat "$HK_TMP/emb.json")"
code=$(curl -s -o "$HK_TMP/emb.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"early": true}' "$URL/api/v1/vulns/1/publish")
[ "$code" = 400 ] && grep -q 'reason' "$HK_TMP/emb.json" && ok "an early lift without a reason is refused (400)" ||
    bad "early without reason: $code $(cat "$HK_TMP/emb.json")"
code=$(curl -s -o "$HK_TMP/emb.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"early": true, "reason": "x", "force": 1}' "$URL/api/v1/vulns/1/publish")
[ "$code" = 400 ] && ok "unknown members of the publish body are refused (400)" || bad "strict body: $code"
[ "$(H --json advisory list | grep -c '"tracking_id"')" = 0 ] && ok "no advisory stored under embargo" ||
    bad "advisory stored under embargo"
H --json vuln show 1 | grep -q '"state": "scheduled"' && ok "case still scheduled" || bad "case state after refusal"
curl -sf "$W/white/$Y/$F" >/dev/null 2>&1 && bad "provider file served under embargo" ||
    ok "no provider file under embargo"
curl -sf "$W/white/index.txt" 2>/dev/null | grep -q "$F" && bad "index.txt lists the embargoed case" ||
    ok "index.txt does not list it"
H --json vuln audit 1 | grep -q 'vcase.embargo_lifted' && bad "lift audited without a lift" ||
    ok "no lift audited by the refusals"

# Publish, lifting the embargo early with a reason: one transaction (CSAF validated, stored,
# signed; warnings queued; case published; the lift audited).
H --json vuln publish 1 --early 'exploited in the wild; vendors agreed' >"$HK_TMP/pub.json" ||
    bad "vuln publish: $(cat "$HK_TMP/pub.json")"
grep -q '"signed": true' "$HK_TMP/pub.json" && ok "advisory published and signed" || bad "publish: $(cat "$HK_TMP/pub.json")"
H --json vuln show 1 | grep -q '"state": "published"' && ok "case is published" || bad "case state"
H --json vuln publish 1 >/dev/null 2>&1 && bad "published twice" || ok "a second publish is refused"
H --json vuln audit 1 >"$HK_TMP/audit.json"
"$PY" - "$HK_TMP/audit.json" "$EMBARGO" <<'PY' >"$HK_TMP/audit.txt" 2>&1
import json, sys
a = json.load(open(sys.argv[1]))
items = a["items"] if isinstance(a, dict) else a
lifts = [e for e in items if e.get("action") == "vcase.embargo_lifted"]
assert len(lifts) == 1, lifts
after = lifts[0]["after"]
after = json.loads(after) if isinstance(after, str) else after
assert after["publish_at"] == sys.argv[2], after
assert after["reason"] == "exploited in the wild; vendors agreed", after
assert after["published_at"] < sys.argv[2], after
print("lift-ok")
PY
grep -q lift-ok "$HK_TMP/audit.txt" && ok "the early lift is audited (agreed date, actual time, reason)" ||
    bad "lift audit: $(cat "$HK_TMP/audit.txt")"

# The provider directory over HTTP.
curl -sf "$W/provider-metadata.json" -o "$HK_TMP/pm.json" && ok "provider-metadata.json served" || bad "provider-metadata"
"$PY" - "$HK_TMP/pm.json" "$HK_SRC/tests/data/csaf/json_schema" "$FPR" <<'PY' >"$HK_TMP/pm.txt" 2>&1
import json, sys
pm = json.load(open(sys.argv[1]))
d = sys.argv[2]
try:
    import jsonschema
    prov = json.load(open(d + "/provider_json_schema.json"))
    csaf = json.load(open(d + "/csaf_json_schema.json"))
    res = jsonschema.RefResolver.from_schema(prov, store={csaf["$id"]: csaf})
    jsonschema.Draft202012Validator(prov, resolver=res).validate(pm)
    print("schema-valid")
except ImportError:
    print("schema-skipped")
assert pm["role"] == "csaf_provider" and pm["metadata_version"] == "2.0", pm
assert pm["canonical_url"].endswith("/.well-known/csaf/provider-metadata.json")
assert any(x["directory_url"].endswith("/.well-known/csaf/white/") for x in pm["distributions"])
assert [k["fingerprint"] for k in pm["public_openpgp_keys"]] == [sys.argv[3]], pm
print("fields-ok")
PY
grep -q fields-ok "$HK_TMP/pm.txt" && ok "provider-metadata.json: fields ($(head -1 "$HK_TMP/pm.txt"))" ||
    bad "provider metadata: $(cat "$HK_TMP/pm.txt")"
grep -q schema-valid "$HK_TMP/pm.txt" && ok "provider-metadata.json valid against provider_json_schema.json" ||
    bad "provider schema: $(cat "$HK_TMP/pm.txt")"

curl -sf "$W/white/index.txt" | grep -qx "$Y/$F" && ok "index.txt lists $Y/$F" || bad "index.txt"
curl -sf "$W/white/changes.csv" | grep -q "^\"$Y/$F\",\"" && ok "changes.csv names it" || bad "changes.csv"
mkdir "$HK_TMP/dl"
(cd "$HK_TMP/dl" && curl -sfO "$W/white/$Y/$F" && curl -sfO "$W/white/$Y/$F.sha256" &&
    curl -sfO "$W/white/$Y/$F.asc") || bad "download advisory files"
(cd "$HK_TMP/dl" && sha256sum -c "$F.sha256" >/dev/null 2>&1) && ok "sha256sum -c verifies the .sha256" || bad "sha256"
GNUPGHOME=$G gpg --batch --verify "$HK_TMP/dl/$F.asc" "$HK_TMP/dl/$F" 2>/dev/null &&
    ok "gpg --verify accepts the .asc" || bad "signature"
curl -sf "$W/openpgp/$FPR.asc" | grep -q "BEGIN PGP PUBLIC KEY" && ok "signing key published" || bad "openpgp key"
"$HK_BIN" advisory validate "$HK_TMP/dl/$F" >/dev/null && ok "hikeshi advisory validate accepts the served CSAF" ||
    bad "validate: $("$HK_BIN" advisory validate "$HK_TMP/dl/$F")"
# The reference validator too (acceptance 3): @secvisogram/csaf-validator-lib, pinned.
if hk_csaf_ref; then
    node "$HK_SRC/bench/csaf_ref.mjs" "$HK_CSAF_REF" 1 "$HK_TMP/dl/$F" 2>/dev/null | grep -q '"valid":true' &&
        ok "the reference validator (@secvisogram/csaf-validator-lib) accepts it too" ||
        bad "reference validator: $(node "$HK_SRC/bench/csaf_ref.mjs" "$HK_CSAF_REF" 1 "$HK_TMP/dl/$F" 2>&1)"
else
    bad "the reference validator could not be installed (node, npm and tests/csaf-ref/package-lock.json)"
fi
grep -q '"category": "csaf_security_advisory"' "$HK_TMP/dl/$F" && grep -q "CVE-2026-12345" "$HK_TMP/dl/$F" &&
    ok "the CSAF is a security advisory naming the CVE" || bad "csaf content"

# HTML page (escaped, no script) and the Atom feed.
curl -sf "$URL/advisories/white/$Y/hkvu_$Y-0001.html" -o "$HK_TMP/page.html" || bad "html page"
grep -q 'Heap overflow in &lt;Widget&gt; Server' "$HK_TMP/page.html" && ! grep -qi '<script' "$HK_TMP/page.html" &&
    ok "HTML page: escaped title, no script" || bad "html: $(head -c 300 "$HK_TMP/page.html")"
curl -sf "$URL/advisories/feed.atom" -o "$HK_TMP/feed.atom" || bad "feed"
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$HK_TMP/feed.atom" && ok "the Atom feed parses (xmllint)" || bad "feed does not parse"
fi
grep -q "<entry>" "$HK_TMP/feed.atom" && grep -q "$F" "$HK_TMP/feed.atom" && ok "the feed lists the advisory" || bad "feed entry"

# TLP: a hand-written TLP:AMBER advisory is served to staff only.
python3 - "$HK_TMP/dl/$F" "$HK_TMP/amber.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["document"]["tracking"]["id"] = "EXAMPLE-AMBER-1"
d["document"]["distribution"] = {"tlp": {"label": "AMBER"}}
d["document"]["title"] = "Amber advisory"
json.dump(d, open(sys.argv[2], "w"))
PY
H advisory publish "$HK_TMP/amber.json" >/dev/null 2>&1 && ok "hand-written AMBER advisory published" || bad "amber publish"
A=$W/amber/$Y/example-amber-1.json
[ "$(curl -s -o /dev/null -w '%{http_code}' "$A")" = 404 ] && ok "TLP:AMBER file hidden without a token" || bad "amber public"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$A")" = 200 ] &&
    ok "TLP:AMBER file served to staff" || bad "amber for staff"
curl -s "$URL/api/v1/advisories" | grep -q "Amber advisory" && bad "AMBER advisory listed to anonymous" ||
    ok "anonymous advisory list hides AMBER"

# Early warning: only cons-hit, with its asset only, in Japanese, signed.
i=0
while [ "$(ls "$MD/new" 2>/dev/null | wc -l)" -lt 2 ]; do
    i=$((i + 1)); [ $i -gt 150 ] && break; sleep 0.1
done
sleep 1
python3 - "$MD/new" <<'PY' >"$HK_TMP/mail.txt" 2>&1
import email, email.policy, os, sys
d = sys.argv[1]
to = {}
for f in sorted(os.listdir(d)):
    m = email.message_from_binary_file(open(os.path.join(d, f), "rb"), policy=email.policy.default)
    text = ""
    for part in m.walk():
        if part.get_content_type() == "text/plain":
            text += part.get_content()
    to.setdefault(str(m["To"]), []).append((str(m["Subject"]), text, m.get_content_type()))
print(sorted(to))
hit = to.get("cert@hit.example", [])
assert len(hit) == 2, to  # the case's advisory and the AMBER copy of it
amber = [h for h in hit if "Amber advisory" in h[0]]
assert len(amber) == 1 and "TLP:AMBER" in amber[0][0], hit
hit = [h for h in hit if "Heap overflow" in h[0]]
assert len(hit) == 1, to
subj, text, ctype = hit[0]
assert "TLP:CLEAR" in subj, subj
assert "[hikeshi#A" in subj and "早期警戒" in subj, subj
assert "cpe:2.3:a:vend-a:widget_server:2.3.0" in text, text
assert "cert@miss.example" not in to, to
assert ctype == "multipart/signed", ctype
print("mail-ok")
PY
grep -q mail-ok "$HK_TMP/mail.txt" && ok "early warnings to the matching team only (one per advisory, TLP label), listing its asset, in Japanese, signed" ||
    bad "mail: $(cat "$HK_TMP/mail.txt")"

# Fetch from the first server into a second data directory with its own constituency.
D2=$HK_TMP/data2
"$HK_BIN" --data "$D2" init >/dev/null 2>&1 || bad "init 2"
L2() { "$HK_BIN" --data "$D2" "$@"; }
L2 team add --name cons-c --email cert@c.example >/dev/null &&
    L2 asset add --team cons-c --cpe 'cpe:2.3:a:vend-a:widget_server:2.1:*:*:*:*:*:*:*' >/dev/null || bad "second directory"
L2 team add --name cons-d --email cert@d.example >/dev/null &&
    L2 asset add --team cons-d --purl 'pkg:npm/other@1.0.0' >/dev/null || bad "second directory, team d"
L2 --json advisory fetch "$W/provider-metadata.json" --gnupghome "$G" >"$HK_TMP/fetch.json" 2>&1
grep -q '"signature": "good"' "$HK_TMP/fetch.json" && grep -q '"tracking_id": "HKVU#' "$HK_TMP/fetch.json" &&
    ok "advisory fetch imported the advisory (sha256 and signature checked)" || bad "fetch: $(cat "$HK_TMP/fetch.json")"
grep -q "EXAMPLE-AMBER" "$HK_TMP/fetch.json" && bad "fetch read the AMBER folder without a token" ||
    ok "fetch did not get the AMBER advisory"
L2 --json advisory fetch "$W/provider-metadata.json" --gnupghome "$G" >"$HK_TMP/fetch2.json" 2>&1
grep -q '"duplicates": 1' "$HK_TMP/fetch2.json" && grep -q '"imported": \[\]' "$HK_TMP/fetch2.json" &&
    ok "a second fetch imports nothing (idempotent)" || bad "fetch 2: $(cat "$HK_TMP/fetch2.json")"
L2 --json advisory fetch "$URL/advisories/feed.atom" >"$HK_TMP/fetch3.json" 2>&1
grep -q '"listed": 1' "$HK_TMP/fetch3.json" && grep -q '"duplicates": 1' "$HK_TMP/fetch3.json" &&
    ok "fetch from the Atom feed finds the same advisory (already stored)" || bad "fetch 3: $(cat "$HK_TMP/fetch3.json")"
L2 advisory fetch "file:///etc/passwd" >"$HK_TMP/fetch4.out" 2>&1 && bad "file:// URL fetched" ||
    { grep -q "only http and https" "$HK_TMP/fetch4.out" && ok "non-http URLs are refused" || bad "fetch 4: $(cat "$HK_TMP/fetch4.out")"; }
L2 mail flush --smtp "smtp://127.0.0.1:$PORT" --mail-from 'Second CSIRT <c2@example.net>' >/dev/null ||
    bad "mail flush"
python3 - "$MD/new" <<'PY' >"$HK_TMP/mail2.txt" 2>&1
import email, email.policy, os, sys
d = sys.argv[1]
to = [str(email.message_from_binary_file(open(os.path.join(d, f), "rb"), policy=email.policy.default)["To"])
      for f in os.listdir(d)]
assert to.count("cert@c.example") == 1 and "cert@d.example" not in to, to
print("mail2-ok")
PY
grep -q mail2-ok "$HK_TMP/mail2.txt" && ok "imported advisory warned the matching team of the second directory only" ||
    bad "mail 2: $(cat "$HK_TMP/mail2.txt")"
L2 --json advisory show "$CASE" | grep -q '"source_url": "http' && ok "imported advisory keeps its source URL" ||
    bad "advisory show"

# An advisory republished under another TLP leaves no copy in its old folder: version 1 is
# WHITE, version 2 AMBER; the WHITE file and its index line must be gone.
python3 - "$HK_TMP/dl/$F" "$HK_TMP/mv1.json" "$HK_TMP/mv2.json" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
d["document"]["tracking"]["id"] = "EXAMPLE-MOVE-1"
d["document"]["title"] = "Moving advisory"
json.dump(d, open(sys.argv[2], "w"))
d2 = copy.deepcopy(d)
t = d2["document"]["tracking"]
t["version"] = "2"
t["revision_history"].append({"date": t["current_release_date"], "number": "2",
                              "summary": "Restricted to TLP:AMBER"})
d2["document"]["distribution"] = {"tlp": {"label": "AMBER"}}
json.dump(d2, open(sys.argv[3], "w"))
PY
MV=$W/white/$Y/example-move-1.json
H advisory publish "$HK_TMP/mv1.json" >/dev/null 2>&1 && [ "$(curl -s -o /dev/null -w '%{http_code}' "$MV")" = 200 ] &&
    ok "version 1 (WHITE) served publicly" || bad "move: version 1"
H advisory publish "$HK_TMP/mv2.json" >"$HK_TMP/mv2.out" 2>&1 || bad "move: version 2: $(cat "$HK_TMP/mv2.out")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$MV")" = 404 ] && ! curl -s "$W/white/index.txt" | grep -q example-move-1 &&
    ok "republished as AMBER: gone from the WHITE folder and its index" || bad "move: WHITE copy still served"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$W/amber/$Y/example-move-1.json")" = 200 ] &&
    ok "version 2 served to staff from the AMBER folder" || bad "move: AMBER copy"

# Two tracking IDs with one CSAF file name (ACME#7 and acme_7 both become acme_7.json): the
# second is refused, and the first stays what is served.
python3 - "$HK_TMP/dl/$F" "$HK_TMP/c1.json" "$HK_TMP/c2.json" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
d["document"]["tracking"]["id"] = "ACME#7"
d["document"]["title"] = "First of a name"
json.dump(d, open(sys.argv[2], "w"))
d2 = copy.deepcopy(d)
d2["document"]["tracking"]["id"] = "acme_7"
d2["document"]["title"] = "Second of a name"
json.dump(d2, open(sys.argv[3], "w"))
PY
H advisory publish "$HK_TMP/c1.json" >/dev/null 2>&1 && ok "ACME#7 published" || bad "clash: first"
H advisory publish "$HK_TMP/c2.json" >"$HK_TMP/c2.out" 2>&1 && bad "acme_7 published over ACME#7's file" ||
    { grep -q "acme_7.json" "$HK_TMP/c2.out" && ok "acme_7 refused: its file name is ACME#7's" ||
        bad "clash message: $(cat "$HK_TMP/c2.out")"; }
curl -s "$W/white/$Y/acme_7.json" | grep -q "First of a name" && ok "acme_7.json still serves ACME#7" ||
    bad "clash: served file"

finish
