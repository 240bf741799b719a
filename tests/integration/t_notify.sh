# SPDX-License-Identifier: MIT
# Acceptance 2 of the coordination issue, end to end with real parts on loopback: a real
# SMTP server (aiosmtpd, writing a Maildir), a real GnuPG with a throwaway signing key, a
# real `hikeshi serve` delivering its outbox. A report naming three teams' addresses is
# triaged, "notify" opens one investigation per team and delivers three signed messages,
# each with only that team's data, in the team's language; a reply piped into
# `hikeshi mail-in` is threaded onto the right investigation, which becomes "answered".

. "$(dirname "$0")/hk_testlib.sh"

command -v gpg >/dev/null 2>&1 || { bad "gpg is not installed (scripts/deps.sh test)"; finish; }
PY=$HK_PY
"$PY" -c 'import aiosmtpd' 2>/dev/null || { bad "python3-aiosmtpd is not installed"; finish; }

hk_gpg_key 'Test CSIRT <csirt@example.net>' && ok "throwaway signing key $FPR" || { bad "gpg key generation"; finish; }
hk_smtp_start || { bad "SMTP server did not start"; finish; }
ok "SMTP server on 127.0.0.1:$PORT"

D=$HK_TMP/data
"$HK_BIN" --data "$D" init >"$HK_TMP/init.out" 2>&1 || { bad "init"; finish; }
TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$HK_TMP/init.out" | head -n 1)
L() { "$HK_BIN" --data "$D" "$@"; }
L team add --name coord --type coordinating --email coord@example.net >/dev/null &&
    L team add --name team-v4 --parent coord --email v4@cert.example --network 198.51.100.0/24 --format iodef >/dev/null &&
    L team add --name team-v6 --parent coord --email v6@cert.example --network 2001:db8::/32 --language ja >/dev/null &&
    L team add --name team-dom --parent coord --email dom@cert.example --domain example.org --format xarf >/dev/null &&
    ok "directory: a coordinating team and three member teams" || { bad "team add"; finish; }

"$HK_BIN" --data "$D" serve --listen 127.0.0.1:0 --smtp "smtp://127.0.0.1:$PORT" \
    --mail-from 'Test CSIRT <csirt@example.net>' --sign-key "$FPR" --gnupghome "$G" \
    >"$HK_TMP/srv.log" 2>"$HK_TMP/srv.err" &
SRV_PID=$!
HK_PIDS="$HK_PIDS $SRV_PID"
i=0
while [ -z "$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/srv.log")" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { bad "server did not start: $(cat "$HK_TMP/srv.err")"; finish; }; sleep 0.1
done
URL=http://127.0.0.1:$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/srv.log")
H() { "$HK_BIN" --server "$URL" --token "$TOKEN" "$@"; }

RID=$(H --json report add --content "Scans from 198.51.100.7 and 2001:db8::1; phishing on mail.example.org" | sed -n 's/^  "id": \([0-9]*\),/\1/p')
H report triage "$RID" --severity high --class information-gathering --type scanner >/dev/null &&
    ok "report $RID triaged" || bad "triage"
INC=$(H --json report show "$RID" | sed -n 's/^  "incident_id": \([0-9]*\),/\1/p')
H --json incident notify "$INC" >"$HK_TMP/notify.json" || bad "notify: $(cat "$HK_TMP/notify.json")"
n=$(grep -c '"investigation_id"' "$HK_TMP/notify.json")
[ "$n" = 3 ] && ok "three investigations opened" || bad "notify answer: $(cat "$HK_TMP/notify.json")"

# The outbox thread delivers within a few seconds.
i=0
while [ "$(ls "$MD/new" 2>/dev/null | wc -l)" -lt 3 ]; do
    i=$((i + 1)); [ $i -gt 150 ] && break; sleep 0.1
done
[ "$(ls "$MD/new" 2>/dev/null | wc -l)" -eq 3 ] && ok "three messages delivered to the SMTP server" ||
    bad "delivered: $(ls "$MD/new" 2>/dev/null | wc -l); $(tail -3 "$HK_TMP/srv.err")"

# Each message: to its team, signed (the signature verifies), only its own data, its language.
python3 - "$MD/new" "$G" >"$HK_TMP/check.txt" 2>&1 <<'PY'
import email, email.policy, os, subprocess, sys, tempfile
d, g = sys.argv[1], sys.argv[2]
want = {"v4@cert.example": "198.51.100.7", "v6@cert.example": "2001:db8::1",
        "dom@cert.example": "mail.example.org"}
seen, ok = {}, True
for f in sorted(os.listdir(d)):
    raw = open(os.path.join(d, f), "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    to = str(m["To"]).split("<")[-1].strip(">").strip()
    if to not in want: print("unexpected To", to); ok = False; continue
    seen[to] = m
    if m.get_content_type() != "multipart/signed": print(to, "not signed", m.get_content_type()); ok = False; continue
    signed, sig = m.get_payload()
    # Verify the detached signature over the first part's exact bytes.
    body = raw.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[1]
    boundary = m.get_boundary().encode()
    parts = body.split(b"--" + boundary)
    first = parts[1]
    first = first[first.index(b"\n") + 1:] if first.startswith(b"\r\n") or first.startswith(b"\n") else first
    if first.endswith(b"\r\n"): first = first[:-2]
    elif first.endswith(b"\n"): first = first[:-1]
    first = first.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with tempfile.NamedTemporaryFile(delete=False) as a, tempfile.NamedTemporaryFile(delete=False) as b:
        a.write(first); b.write(sig.get_payload(decode=True) or sig.get_content().encode())
    r = subprocess.run(["gpg", "--batch", "--verify", b.name, a.name], env=dict(os.environ, GNUPGHOME=g),
                       capture_output=True)
    if r.returncode != 0: print(to, "signature does not verify:", r.stderr.decode()[-300:]); ok = False
    text = ""
    for p in signed.walk():  # every part, decoded (Japanese bodies are base64)
        if not p.is_multipart():
            c = p.get_payload(decode=True) or b""
            text += c.decode("utf-8", "replace")
    for t2, obs in want.items():
        if t2 != to and obs in text: print(to, "carries", obs); ok = False
    if want[to] not in text: print(to, "lacks its own", want[to]); ok = False
    if "[hikeshi#" not in str(m["Subject"]): print(to, "no ticket tag:", m["Subject"]); ok = False
print("languages", {t: ("ja" if any(ord(c) > 0x3000 for c in str(seen[t]["Subject"]) + seen[t].get_payload()[0].as_string()) else "en") for t in seen})
ja = seen.get("v6@cert.example")
if ja is not None:
    body = ja.get_payload()[0]
    txt = "".join(p.get_content() for p in body.walk() if p.get_content_type() == "text/plain")
    if not any(0x3040 <= ord(c) <= 0x30ff or 0x4e00 <= ord(c) <= 0x9fff for c in txt):
        print("the Japanese team's message is not in Japanese"); ok = False
print("ids", {t: str(seen[t]["Message-ID"]) for t in seen})
sys.exit(0 if ok and len(seen) == 3 else 1)
PY
[ $? = 0 ] && ok "each message signed, only its team's data, ticket tag, Japanese for team-v6" ||
    bad "messages: $(cat "$HK_TMP/check.txt")"

# team-v4 prefers IODEF: its message carries an IODEF v2 document that validates.
"$PY" - "$MD/new" "$HK_TMP/v4.xml" <<'PY' || bad "no IODEF attachment for team-v4"
import email, email.policy, os, sys
for f in os.listdir(sys.argv[1]):
    m = email.message_from_bytes(open(os.path.join(sys.argv[1], f), "rb").read(), policy=email.policy.default)
    if "v4@cert.example" in str(m["To"]):
        for p in m.walk():
            if p.get_filename() == "iodef.xml":
                open(sys.argv[2], "wb").write(p.get_payload(decode=True)); sys.exit(0)
sys.exit(1)
PY
if [ -s "$HK_TMP/v4.xml" ]; then
    XML_CATALOG_FILES=$HK_SRC/tests/data/iodef/catalog.xml xmllint --noout --nonet \
        --schema "$HK_SRC/tests/data/iodef/iodef-2.0.xsd" "$HK_TMP/v4.xml" 2>"$HK_TMP/xl.err" &&
        grep -q "198.51.100.7" "$HK_TMP/v4.xml" && ok "team-v4's IODEF attachment validates against the XSD" ||
        bad "IODEF attachment: $(cat "$HK_TMP/xl.err")"
fi

# The investigations moved to "waiting" with the message recorded.
H --json incident show "$INC" >"$HK_TMP/inc.json"
w=$(grep -c '"state": "waiting"' "$HK_TMP/inc.json")
[ "$w" -ge 3 ] && ok "investigations waiting for answers" || bad "investigation states: $w waiting"

# Reply to team-v6's message: In-Reply-To its Message-ID, piped into mail-in.
MSGID=$(python3 - "$MD/new" <<'PY'
import email, email.policy, os, sys
for f in os.listdir(sys.argv[1]):
    m = email.message_from_bytes(open(os.path.join(sys.argv[1], f), "rb").read(), policy=email.policy.default)
    if "v6@cert.example" in str(m["To"]): print(m["Message-ID"])
PY
)
cat >"$HK_TMP/reply.eml" <<EOM
From: CERT v6 <v6@cert.example>
To: csirt@example.net
Subject: Re: your request
Message-ID: <reply-1@cert.example>
In-Reply-To: $MSGID
References: $MSGID
Date: Sun, 22 Nov 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

Thank you, we have cleaned 2001:db8::1.
EOM
"$HK_BIN" --data "$D" mail-in <"$HK_TMP/reply.eml" >"$HK_TMP/mailin.out" 2>&1 && ok "reply accepted by mail-in" ||
    bad "mail-in: $(cat "$HK_TMP/mailin.out")"
H --json incident show "$INC" >"$HK_TMP/inc2.json"
python3 - "$HK_TMP/inc2.json" <<'PY' && ok "the reply is threaded onto team-v6's investigation, now answered" || bad "threading: $(cat "$HK_TMP/inc2.json" | head -c 2000)"
import json, sys
inc = json.load(open(sys.argv[1]))
st = {i["party"]: (i["state"], i["messages"]) for i in inc["investigations"]}
sys.exit(0 if st.get("team-v6", ("", 0))[0] == "answered" and st["team-v6"][1] >= 2
         and st.get("team-v4", ("", 0))[0] == "waiting" else print(st) or 1)
PY

count() { ls "$MD/new" 2>/dev/null | wc -l; }
wait_for() { # N: wait until the Maildir holds N messages (bounded)
    i=0
    while [ "$(count)" -lt "$1" ] && [ $i -lt 150 ]; do i=$((i + 1)); sleep 0.1; done
    [ "$(count)" -ge "$1" ]
}

# Reminders: a notification due in the past, then "mail remind": each waiting team gets a
# reminder in reply to its first message.
H --json incident notify "$INC" --due 2020-01-01T00:00:00Z >/dev/null && wait_for 6 &&
    ok "a second round of notifications delivered" || bad "second notify: $(count) messages"
H --json mail remind >"$HK_TMP/remind.json"
r=$(grep -c '"outbox_id"' "$HK_TMP/remind.json")
[ "$r" = 3 ] && ok "three reminders queued for the overdue investigations" || bad "remind: $(cat "$HK_TMP/remind.json")"
wait_for 9 && ok "reminders delivered" || bad "reminders: $(count) messages"
"$PY" - "$MD/new" <<'PY' && ok "reminders answer the first message (In-Reply-To)" || bad "reminder headers"
import email, email.policy, os, sys
d = sys.argv[1]
ms = [email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default) for f in os.listdir(d)]
ids = {str(m["Message-ID"]) for m in ms}
rem = [m for m in ms if m["In-Reply-To"]]
sys.exit(0 if len(rem) == 3 and all(str(m["In-Reply-To"]) in ids for m in rem) else print([(str(m["Subject"]), str(m["In-Reply-To"])) for m in ms]) or 1)
PY

# A report by mail with acknowledgements on: the reporter gets one, marked automatic and
# tagged with the report's number; an auto-reply gets none.
cat >"$HK_TMP/report.eml" <<'EOM'
From: Alice <alice@corp.example>
To: csirt@example.net
Subject: Phishing site
Message-ID: <report-1@corp.example>
Date: Sun, 22 Nov 2026 10:05:00 +0000
Content-Type: text/plain; charset=utf-8

A phishing page at hxxp://login.example.org/bank asks for our passwords.
EOM
"$HK_BIN" --data "$D" mail-in --ack --smtp "smtp://127.0.0.1:$PORT" --mail-from 'Test CSIRT <csirt@example.net>' \
    <"$HK_TMP/report.eml" >"$HK_TMP/mailin2.out" 2>&1 || bad "mail-in --ack: $(cat "$HK_TMP/mailin2.out")"
wait_for 10 && ok "an acknowledgement was sent" || bad "no acknowledgement: $(count) messages"
"$PY" - "$MD/new" <<'PY' && ok "the acknowledgement is Auto-Submitted, tagged [hikeshi#R..], in reply" || bad "ack headers"
import email, email.policy, os, sys
d = sys.argv[1]
ms = [email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default) for f in os.listdir(d)]
acks = [m for m in ms if "alice@corp.example" in str(m["To"])]
sys.exit(0 if len(acks) == 1 and str(acks[0]["Auto-Submitted"]).startswith("auto-generated")
         and "[hikeshi#R" in str(acks[0]["Subject"]) and str(acks[0]["In-Reply-To"]) == "<report-1@corp.example>"
         else print([(str(m["Subject"]), str(m["Auto-Submitted"])) for m in acks]) or 1)
PY
sed -e 's/Message-ID: <report-1@corp.example>/Message-ID: <auto-1@corp.example>/' \
    -e 's/^Subject: .*/Subject: Out of office/' -e 's/^Date:/Auto-Submitted: auto-replied\nDate:/' \
    "$HK_TMP/report.eml" >"$HK_TMP/auto.eml"
"$HK_BIN" --data "$D" mail-in --ack --smtp "smtp://127.0.0.1:$PORT" --mail-from 'Test CSIRT <csirt@example.net>' \
    <"$HK_TMP/auto.eml" >/dev/null 2>&1
sleep 1
[ "$(count)" -eq 10 ] && ok "no acknowledgement for an auto-reply" || bad "auto-reply acknowledged: $(count) messages"
finish
