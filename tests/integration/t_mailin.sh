# SPDX-License-Identifier: MIT
# End-to-end tests of `hikeshi mail-in` through the real binary. Acceptance 3 of issue 4:
# every positive X-ARF sample of tests/data/xarf (wrapped as the attachment of a mail, the
# way abuse desks send them) becomes a report with the right classification, every negative
# sample is stored raw with a clear parse error, both through a Maildir and through
# standard input. Also: files moved only after commit and a second run finds them stored
# (duplicates), kill -9 in the middle of a large Maildir loses and doubles nothing,
# malformed MIME, a message over the size bound (stored truncated), bounces and auto-replies
# never acknowledged while a person's report is, and PGP/MIME signatures checked with a
# real GnuPG and throwaway keys (good, bad, unknown key).

. "$(dirname "$0")/hk_testlib.sh"

command -v python3 >/dev/null 2>&1 || { echo "python3 is needed"; exit 1; }
H=$HK_BIN
D=$HK_TMP/data
XARF=$HK_SRC/tests/data/xarf
"$H" --data "$D" init >/dev/null 2>&1 || { bad "init"; finish; }

# mail NAME FILE [CONTENT-TYPE]: an X-ARF mail with FILE as its JSON attachment.
mail() {
    printf 'From: Abuse Desk <abuse@reporter.example>\r\nTo: csirt@example.net\r\n'
    printf 'Subject: abuse report %s\r\nMessage-ID: <%s@reporter.example>\r\n' "$1" "$1"
    printf 'Date: Sun, 22 Nov 2026 07:00:00 +0000\r\nMIME-Version: 1.0\r\n'
    printf 'Content-Type: multipart/mixed; boundary="xarf-b"\r\n\r\n--xarf-b\r\n'
    printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nThis is an abuse report.\r\n'
    printf -- '--xarf-b\r\nContent-Type: %s\r\n' "${3:-application/json}"
    printf 'Content-Disposition: attachment; filename="report.json"\r\n\r\n'
    cat "$2"
    printf '\r\n--xarf-b--\r\n'
}

q() { # q SQL: one value per line from the data directory's database
    python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in r))' "$D/hikeshi.db" "$1"
}

# ---- acceptance 3 through a Maildir ----
MD=$HK_TMP/maildir
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
npos=0
nneg=0
for f in "$XARF"/positive/3/*.json; do
    n=$(basename "$f" .json)
    mail "pos-$n" "$f" >"$MD/new/pos-$n"
    npos=$((npos + 1))
done
for f in "$XARF"/negative/3/*.json; do
    n=$(basename "$f" .json)
    mail "neg-$n" "$f" >"$MD/new/neg-$n"
    nneg=$((nneg + 1))
done
out=$("$H" --data "$D" --json mail-in --maildir "$MD" --batch 7)
echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d['stored']==$((npos + nneg)) and d['unparsed']==$nneg else 1)" &&
    ok "maildir: $npos positive and $nneg negative samples stored ($out)" || bad "maildir stats: $out"
check "maildir: new/ is empty after the run" test -z "$(ls "$MD/new")"
check "maildir: every message moved to .Processed/cur" test "$(ls "$MD/.Processed/cur" | wc -l)" -eq $((npos + nneg))

# Expected classification per positive sample (the same table as the unit test).
cat >"$HK_TMP/expect" <<'EOF'
botnet_sample malicious-code infected-system
childabuse_sample abusive-content violence
copyright_sample fraud copyright
ddos_sample availability ddos
exploit_sample intrusion-attempts exploit
exploit_sample_minimal intrusion-attempts exploit
harassment_sample_game abusive-content harmful-speech
harassment_sample_image abusive-content harmful-speech
harassment_sample_url abusive-content harmful-speech
loginattack_sample intrusion-attempts brute-force
loginattack_sample_optional_api_info intrusion-attempts brute-force
malware_no_url malicious-code malware-distribution
malware_sample malicious-code malware-distribution
openservice_sample vulnerable potentially-unwanted-accessible
openservice_sample_minimal vulnerable potentially-unwanted-accessible
openservice_sample_optional_api_info vulnerable potentially-unwanted-accessible
phishing_sample fraud phishing
portscan_sample information-gathering scanner
potentially_compromised_attacker_sample intrusions unprivileged-account-compromise
potentially_compromised_sample intrusions unprivileged-account-compromise
potentially_compromised_sample_email intrusions unprivileged-account-compromise
reporter_info_minimal abusive-content spam
reporter_info_org abusive-content spam
reporter_info_person abusive-content spam
rpz_sample malicious-code infected-system
rpz_sample_additional_fields malicious-code infected-system
spam_sample abusive-content spam
trademark_sample fraud masquerade
webcrawler_sample information-gathering scanner
EOF
q "SELECT substr(m.message_id, 5, instr(m.message_id, '@') - 5), r.rsit_class, r.rsit_type
   FROM mail_in m JOIN reports r ON r.id = m.report_id
   WHERE m.message_id LIKE 'pos-%' AND m.kind = 'xarf' AND m.parse_error = ''
   ORDER BY 1" | tr '|' ' ' >"$HK_TMP/got"
sort "$HK_TMP/expect" >"$HK_TMP/expect.s"
if cmp -s "$HK_TMP/expect.s" "$HK_TMP/got"; then
    ok "every positive sample became a report with its RSIT classification"
else
    bad "positive classifications differ:"
    diff "$HK_TMP/expect.s" "$HK_TMP/got" | head -20
fi
check "every positive report came in as source email, TLP:AMBER" \
    test "$(q "SELECT count(*) FROM mail_in m JOIN reports r ON r.id = m.report_id WHERE m.message_id LIKE 'pos-%' AND r.source = 'email' AND r.tlp = 'AMBER'")" -eq "$npos"
check "every negative sample stored raw with an X-ARF parse error" \
    test "$(q "SELECT count(*) FROM mail_in WHERE message_id LIKE 'neg-%' AND kind = 'unparsed' AND parse_error LIKE '%X-ARF v3: %' AND length(raw) = raw_size")" -eq "$nneg"
check "every negative sample has a report that says why" \
    test "$(q "SELECT count(*) FROM mail_in m JOIN reports r ON r.id = m.report_id WHERE m.message_id LIKE 'neg-%' AND r.subject LIKE 'Unparsed mail:%' AND r.content LIKE '%could not be taken in as a report: attachment%X-ARF v3:%'")" -eq "$nneg"
e=$(q "SELECT parse_error FROM mail_in WHERE message_id = 'neg-invalid_date@reporter.example'")
check "the parse error names the member ($e)" test "$e" = "attachment 'report.json' (application/json): X-ARF v3: Report.Date: 'This is not a date' is not an RFC 3339 date-time"
check "raw bytes stored verbatim" test "$(q "SELECT hex(raw) FROM mail_in WHERE message_id = 'pos-ddos_sample@reporter.example'")" = "$(mail pos-ddos_sample "$XARF/positive/3/ddos_sample.json" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)"

# A second run over the same files (as after a crash before moving): nothing stored twice.
cp "$MD"/.Processed/cur/* "$MD/new/"
out=$("$H" --data "$D" --json mail-in --maildir "$MD")
echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d['stored']==0 and d['duplicates']==$((npos + nneg)) else 1)" &&
    ok "re-run: all recognised as already stored" || bad "re-run: $out"

# ---- the same through standard input (MTA pipe) ----
D2=$HK_TMP/data2
"$H" --data "$D2" init >/dev/null 2>&1
okc=0
for f in "$XARF"/positive/3/*.json; do
    mail "p-$(basename "$f")" "$f" | "$H" --data "$D2" --json mail-in >"$HK_TMP/o" &&
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['kind']=='xarf' and len(d['reports'])==1 and 'error' not in d else 1)" "$HK_TMP/o" &&
        okc=$((okc + 1))
done
check "stdin: all $npos positive samples accepted" test "$okc" -eq "$npos"
okc=0
for f in "$XARF"/negative/3/*.json; do
    mail "n-$(basename "$f")" "$f" | "$H" --data "$D2" --json mail-in >"$HK_TMP/o" &&
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['kind']=='unparsed' and 'X-ARF v3: ' in d['error'] and len(d['reports'])==1 else 1)" "$HK_TMP/o" &&
        okc=$((okc + 1))
done
check "stdin: all $nneg negative samples stored with their error (exit 0)" test "$okc" -eq "$nneg"

# ---- bad input ----
printf '{"Version": "3", "Report": {' >"$HK_TMP/broken.json"
mail broken "$HK_TMP/broken.json" | "$H" --data "$D2" --json mail-in >"$HK_TMP/o"
check "broken X-ARF JSON: stored, error says not valid JSON" grep -q 'X-ARF: not valid JSON' "$HK_TMP/o"
head -c 3000 /dev/urandom >"$HK_TMP/garbage"
"$H" --data "$D2" --json mail-in <"$HK_TMP/garbage" >"$HK_TMP/o"
check "random bytes: stored (exit 0) with a report" grep -q '"mail_id"' "$HK_TMP/o"
printf 'Content-Type: multipart/mixed; boundary="x"\r\nSubject: half\r\n\r\n--x\r\nContent-Type: application/json\r\n\r\n{"xarf_version": "4.0.0"' |
    "$H" --data "$D2" --json mail-in >"$HK_TMP/o"
check "malformed MIME (no closing boundary, broken v4): stored with its error" grep -q '"kind": "unparsed"' "$HK_TMP/o"
mail big "$XARF/positive/3/ddos_sample.json" >"$HK_TMP/big"
"$H" --data "$D2" --json mail-in --max-size 1000 <"$HK_TMP/big" >"$HK_TMP/o"
check "over the size bound: stored truncated, not parsed, says why" grep -q 'larger than the size limit' "$HK_TMP/o"
check "over the size bound: 1000 bytes kept, size received recorded" \
    test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT length(raw), raw_size, truncated FROM mail_in ORDER BY id DESC LIMIT 1").fetchone())' "$D2/hikeshi.db")" = "(1000, $(wc -c <"$HK_TMP/big"), 1)"

# ---- acknowledgements: a person's report yes, loops never ----
hdrmail() { # hdrmail ID EXTRA-HEADER-LINES
    printf 'From: %s\r\nTo: csirt@example.net\r\nSubject: report %s\r\nMessage-ID: <%s@x.example>\r\n%s\r\nwe saw scans from 203.0.113.9 (%s)\r\n' "${3:-Alice <alice@victim.example>}" "$1" "$1" "$2" "$1"
}
hdrmail ack1 "" | "$H" --data "$D2" --json mail-in --ack >"$HK_TMP/o"
check "a person's new report: acknowledgement pending" grep -q '"ack": "pending"' "$HK_TMP/o"
hdrmail ack2 "Auto-Submitted: auto-replied
" | "$H" --data "$D2" --json mail-in --ack >"$HK_TMP/o"
check "auto-reply (Auto-Submitted): not acknowledged" grep -q '"ack": "suppressed"' "$HK_TMP/o"
hdrmail ack3 "Precedence: bulk
" | "$H" --data "$D2" --json mail-in --ack >"$HK_TMP/o"
check "Precedence: bulk: not acknowledged" grep -q '"ack": "suppressed"' "$HK_TMP/o"
hdrmail ack4 "Return-Path: <>
" | "$H" --data "$D2" --json mail-in --ack >"$HK_TMP/o"
check "empty Return-Path: not acknowledged" grep -q '"ack": "suppressed"' "$HK_TMP/o"
printf 'From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: csirt@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce1@mx.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; cert@team.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n' |
    "$H" --data "$D2" --json mail-in --ack >"$HK_TMP/o"
check "bounce (multipart/report, MAILER-DAEMON): kind bounce, not acknowledged" \
    sh -c "grep -q '\"kind\": \"bounce\"' '$HK_TMP/o' && grep -q '\"ack\": \"suppressed\"' '$HK_TMP/o'"
printf 'From: Bob <bob@x.example>\r\nTo: csirt@example.net\r\nSubject: Re: [hikeshi#12345] scans\r\nIn-Reply-To: <abc@csirt.example.net>\r\nReferences: <first@csirt.example.net> <abc@csirt.example.net>\r\nMessage-ID: <re1@x.example>\r\n\r\nfixed.\r\n' |
    "$H" --data "$D2" --json mail-in >"$HK_TMP/o"
check "reply: ticket tag and threading headers recorded" \
    test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT ticket, in_reply_to, refs FROM mail_in WHERE message_id = ?", ("re1@x.example",)).fetchone())' "$D2/hikeshi.db")" = "(12345, 'abc@csirt.example.net', '[\"first@csirt.example.net\",\"abc@csirt.example.net\"]')"

# ---- kill -9 in the middle of a Maildir run loses and doubles nothing ----
MK=$HK_TMP/killdir
D3=$HK_TMP/data3
mkdir -p "$MK/new" "$MK/cur" "$MK/tmp"
"$H" --data "$D3" init >/dev/null 2>&1
i=0
while [ $i -lt 600 ]; do
    printf 'From: s%d@sensor.example\r\nSubject: scan %d\r\nMessage-ID: <k%d@sensor.example>\r\n\r\nscanner 198.51.%d.%d seen\r\n' $i $i $i $((i / 200)) $((i % 200)) >"$MK/new/m$i"
    i=$((i + 1))
done
"$H" --data "$D3" mail-in --maildir "$MK" --batch 10 >/dev/null 2>&1 &
KP=$!
HK_PIDS="$HK_PIDS $KP"
# Kill once some batches are committed (bounded wait; whenever it lands, the check holds).
n=0
while [ $n -lt 200 ] && [ "$(ls "$MK/.Processed/cur" 2>/dev/null | wc -l)" -lt 40 ]; do
    sleep 0.05
    n=$((n + 1))
done
kill -9 $KP 2>/dev/null
wait $KP 2>/dev/null
hk_forget_pid $KP 2>/dev/null
left=$(ls "$MK/new" | wc -l)
"$H" --data "$D3" --json mail-in --maildir "$MK" >"$HK_TMP/o" 2>&1
check "kill -9: second run finishes (left $left)" test "$(ls "$MK/new" | wc -l)" -eq 0
check "kill -9: all 600 messages stored exactly once" \
    test "$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("SELECT count(*), count(DISTINCT message_id) FROM mail_in").fetchone())' "$D3/hikeshi.db")" = "(600, 600)"
check "kill -9: one report per message" test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM reports").fetchone()[0])' "$D3/hikeshi.db")" -eq 600

# ---- PGP/MIME with a real GnuPG and throwaway keys ----
if command -v gpg >/dev/null 2>&1; then
    G1=$HK_TMP/gpg1
    G2=$HK_TMP/gpg2
    mkdir -m 700 "$G1" "$G2"
    gpg --homedir "$G1" --batch --quiet --pinentry-mode loopback --passphrase '' \
        --quick-gen-key 'Reporter <rep@signer.example>' ed25519 sign never 2>/dev/null
    FPR=$(gpg --homedir "$G1" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
    gpg --homedir "$G1" --export --armor >"$HK_TMP/pub.asc" 2>/dev/null
    gpg --homedir "$G2" --batch --quiet --import "$HK_TMP/pub.asc" 2>/dev/null
    printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nScans from 203.0.113.77 since 06:00 UTC.\r\n' >"$HK_TMP/part"
    gpg --homedir "$G1" --batch --quiet --pinentry-mode loopback --passphrase '' \
        --armor --detach-sign -o "$HK_TMP/part.asc" "$HK_TMP/part" 2>/dev/null
    signed() { # signed MSGID PARTFILE
        printf 'From: Reporter <rep@signer.example>\r\nTo: csirt@example.net\r\nSubject: signed %s\r\nMessage-ID: <%s@signer.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-sha512; protocol="application/pgp-signature"; boundary="s1"\r\n\r\n--s1\r\n' "$1" "$1"
        cat "$2"
        printf '\r\n--s1\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\n\r\n'
        cat "$HK_TMP/part.asc"
        printf '\r\n--s1--\r\n'
    }
    signed good "$HK_TMP/part" | "$H" --data "$D2" --json mail-in --gnupghome "$G2" >"$HK_TMP/o"
    check "PGP/MIME: good signature recorded with the fingerprint" \
        sh -c "grep -q '\"pgp\": \"good\"' '$HK_TMP/o' && grep -q '\"pgp_fpr\": \"$FPR\"' '$HK_TMP/o'"
    sed 's/203.0.113.77/203.0.113.78/' "$HK_TMP/part" >"$HK_TMP/part.bad"
    signed bad "$HK_TMP/part.bad" | "$H" --data "$D2" --json mail-in --gnupghome "$G2" >"$HK_TMP/o"
    check "PGP/MIME: altered content is a bad signature" grep -q '"pgp": "bad"' "$HK_TMP/o"
    G3=$HK_TMP/gpg3
    mkdir -m 700 "$G3"
    signed unknown "$HK_TMP/part" | "$H" --data "$D2" --json mail-in --gnupghome "$G3" >"$HK_TMP/o"
    check "PGP/MIME: key not in the keyring is unknown-key" grep -q '"pgp": "unknown-key"' "$HK_TMP/o"
    signed nokeyring "$HK_TMP/part" | env -u GNUPGHOME "$H" --data "$D2" --json mail-in >"$HK_TMP/o"
    check "PGP/MIME: no keyring configured is not-checked" grep -q '"pgp": "not-checked"' "$HK_TMP/o"
    gpgconf --homedir "$G1" --kill all 2>/dev/null
    gpgconf --homedir "$G2" --kill all 2>/dev/null
    gpgconf --homedir "$G3" --kill all 2>/dev/null
else
    echo "gpg not installed: PGP checks skipped"
fi

check "audit chain intact after all of it" "$H" --data "$D2" audit verify
finish
