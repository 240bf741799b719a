# SPDX-License-Identifier: MIT
# IODEF v2 (RFC 7970) through the real binary. Acceptance 4 of issue 4: an exported
# incident validates against iodef-2.0.xsd with `xmllint --schema` (offline: the schema's
# imports are mapped to tests/data/iodef/ by catalog.xml). Also: a sample document imported
# with `report import-iodef` and as a mail attachment (application/iodef+xml) becomes a
# classified report carrying its addresses, domains and ports; an incident with IPv4, IPv6,
# domain, URL, e-mail and hash observables exports valid; invalid IODEF (not well-formed,
# a DTD with entities, a foreign root, no IncidentID) is refused by name, and by mail it is
# stored with its error.

. "$(dirname "$0")/hk_testlib.sh"

command -v xmllint >/dev/null 2>&1 || { echo "xmllint (libxml2-utils) is needed"; exit 1; }
H=$HK_BIN
D=$HK_TMP/data
X=$HK_SRC/tests/data/iodef
export XML_CATALOG_FILES="$X/catalog.xml"
valid() { xmllint --noout --nonet --schema "$X/iodef-2.0.xsd" "$1" 2>"$HK_TMP/xmllint.err"; }
"$H" --data "$D" init >/dev/null 2>&1 || { bad "init"; finish; }

check "the sample document itself is valid" valid "$X/sample-incident.xml"
"$H" --data "$D" --json report import-iodef "$X/sample-incident.xml" >"$HK_TMP/r1"
check "import: classified from IncidentCategory" grep -q '"rsit_type": "ddos"' "$HK_TMP/r1"
check "import: addresses, ports and domains in the content" \
    sh -c "grep -q '192.0.2.200' '$HK_TMP/r1' && grep -q 'Service/Port: 80' '$HK_TMP/r1' && grep -q 'badhost.example.org' '$HK_TMP/r1'"
R1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$HK_TMP/r1")

# The same document by mail.
{
    printf 'From: CSIRT Example <csirt@csirt.example.com>\r\nTo: us@example.net\r\nSubject: IODEF 189493\r\nMessage-ID: <iodef1@csirt.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="i"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--i\r\nContent-Type: application/iodef+xml\r\nContent-Disposition: attachment; filename="incident.xml"\r\n\r\n'
    sed 's/Host involved in DOS attack/Host involved in DOS attack (mail)/' "$X/sample-incident.xml"
    printf '\r\n--i--\r\n'
} | "$H" --data "$D" --json mail-in >"$HK_TMP/m1"
check "by mail: kind iodef, one report" grep -q '"kind": "iodef"' "$HK_TMP/m1"

# Export: the imported report triaged into an incident, plus a report with every type.
"$H" --data "$D" --json report triage "$R1" --title 'DoS from 192.0.2.200 & friends <test>' --severity high >"$HK_TMP/i1"
I1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$HK_TMP/i1")
"$H" --data "$D" --json report add --content 'scanner 2001:db8::7 and http://evil.example.org/x.php mail from bad@spam.example.com, dropper sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 CVE-2021-44228 via AS64496' >"$HK_TMP/r2"
R2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$HK_TMP/r2")
"$H" --data "$D" report link "$R2" --incident "$I1" >/dev/null 2>&1 ||
    "$H" --data "$D" report triage "$R2" --incident "$I1" >/dev/null 2>&1
"$H" --data "$D" incident export-iodef "$I1" --team 'CSIRT Example' --contact csirt@example.net >"$HK_TMP/e1.xml"
if valid "$HK_TMP/e1.xml"; then ok "export validates against iodef-2.0.xsd (xmllint --schema)"; else bad "export invalid:"; cat "$HK_TMP/xmllint.err"; fi
check "export: IncidentID name is the team" grep -q '<IncidentID name="CSIRT Example">'"$I1"'</IncidentID>' "$HK_TMP/e1.xml"
check "export: title escaped" grep -q 'DoS from 192.0.2.200 &amp; friends &lt;test&gt;' "$HK_TMP/e1.xml"
check "export: ipv4-addr" grep -q '<Address category="ipv4-addr">192.0.2.200</Address>' "$HK_TMP/e1.xml"
check "export: ipv6-addr" grep -q '<Address category="ipv6-addr">2001:db8::7</Address>' "$HK_TMP/e1.xml"
check "export: domain as DomainData" grep -q '<Name>badhost.example.org</Name>' "$HK_TMP/e1.xml"
check "export: URL as site-uri" grep -q '<Address category="site-uri">http://evil.example.org/x.php</Address>' "$HK_TMP/e1.xml"
check "export: hash as AdditionalData" grep -q 'meaning="sha256">e3b0c442' "$HK_TMP/e1.xml"
check "export: classification" grep -q '<IncidentCategory>availability/ddos</IncidentCategory>' "$HK_TMP/e1.xml"

# Round trip: the export imports again.
"$H" --data "$D" --json report import-iodef "$HK_TMP/e1.xml" >"$HK_TMP/r3"
check "round trip: the export imports as a report" grep -q '2001:db8::7' "$HK_TMP/r3"

# Invalid documents.
printf '<IODEF-Document xmlns="urn:ietf:params:xml:ns:iodef-2.0"><Incident>' >"$HK_TMP/bad1.xml"
"$H" --data "$D" report import-iodef "$HK_TMP/bad1.xml" 2>"$HK_TMP/err"
check "not well-formed: refused" grep -q 'IODEF: not well-formed XML' "$HK_TMP/err"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><IODEF-Document xmlns="urn:ietf:params:xml:ns:iodef-2.0">&b;</IODEF-Document>' >"$HK_TMP/bad2.xml"
"$H" --data "$D" report import-iodef "$HK_TMP/bad2.xml" 2>"$HK_TMP/err"
check "DTD with entities: refused" grep -q 'documents with a DTD are not accepted' "$HK_TMP/err"
printf '<?xml version="1.0"?><foo xmlns="urn:x"/>' >"$HK_TMP/bad3.xml"
"$H" --data "$D" report import-iodef "$HK_TMP/bad3.xml" 2>"$HK_TMP/err"
check "foreign root: refused" grep -q 'root element is not IODEF-Document' "$HK_TMP/err"
printf '<IODEF-Document version="2.00" xmlns="urn:ietf:params:xml:ns:iodef-2.0"><Incident purpose="reporting"><GenerationTime>2026-01-01T00:00:00Z</GenerationTime></Incident></IODEF-Document>' >"$HK_TMP/bad4.xml"
"$H" --data "$D" report import-iodef "$HK_TMP/bad4.xml" 2>"$HK_TMP/err"
check "no IncidentID: refused" grep -q 'Incident 1 has no IncidentID' "$HK_TMP/err"
{
    printf 'From: x@y.example\r\nSubject: bad iodef\r\nMIME-Version: 1.0\r\nContent-Type: application/iodef+xml\r\n\r\n'
    cat "$HK_TMP/bad1.xml"
} | "$H" --data "$D" --json mail-in >"$HK_TMP/m2"
check "invalid IODEF by mail: stored with its error" \
    sh -c "grep -q '\"kind\": \"unparsed\"' '$HK_TMP/m2' && grep -q 'IODEF: not well-formed' '$HK_TMP/m2'"
finish
