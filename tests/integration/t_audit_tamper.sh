#!/bin/sh
# SPDX-License-Identifier: MIT
# Acceptance test of the hash-chained audit log: `hikeshi audit verify` passes on a data
# directory with real activity (reports, triage, an investigation, a resolved incident,
# all through the CLI), then fails, naming the entry, on copies of that directory that were
# tampered with through the sqlite3 shell: one column of one row updated (actor, after,
# at, and others), a row moved, a middle row deleted, the last row deleted, a forged row
# inserted, the recorded head edited. An untouched copy still passes.
set -u
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/orig
hk() {
    "$HK_BIN" --data "$D" "$@" >>"$HK_TMP/activity.log" 2>&1
}

# ---- activity ----
check "init" hk init
check "report add 1" hk report add --content "phishing from 198.51.100.7 via evil.example.com"
check "report add 2" hk report add --content "scan from 203.0.113.9" --subject "scan"
check "report add 3" hk report add --content "more from 198.51.100.7" --tlp GREEN
check "report triage 1 opens an incident" hk report triage 1 --title "Phishing wave" --severity high
check "report triage 2 into the incident" hk report triage 2 --incident 1
check "investigation add" hk investigation add 1 --party "abuse@example.net" --subject "take down"
check "investigation message" hk investigation message 1 --body "please act" --direction out
check "incident analyse" hk incident analyse 1
check "incident resolve" hk incident resolve 1 --resolution "site taken down"
check "audit verify passes on the original" hk audit verify

N=$(sqlite3 "$D/hikeshi.db" 'SELECT max(seq) FROM audit')
if [ -n "$N" ] && [ "$N" -ge 6 ]; then
    ok "activity wrote $N audit entries"
else
    bad "activity wrote '$N' audit entries (want 6 or more)"
    finish
fi
MID=$((N / 2))
[ "$(sqlite3 "$D/hikeshi.db" 'SELECT count(*) FROM audit')" = "$N" ] &&
    ok "audit seq has no gaps" || bad "audit seq has gaps"

# tamper NAME SQL PATTERN: applies SQL to a fresh copy; verify must exit non-zero with a
# message matching PATTERN (the entry it names).
copy_n=0
tamper() {
    copy_n=$((copy_n + 1))
    C=$HK_TMP/copy$copy_n
    cp -r "$D" "$C"
    if ! sqlite3 "$C/hikeshi.db" "$2" 2>"$HK_TMP/sql.err"; then
        bad "$1: the sqlite3 shell refused the edit: $(cat "$HK_TMP/sql.err")"
        return
    fi
    "$HK_BIN" --data "$C" audit verify >"$HK_TMP/v.out" 2>"$HK_TMP/v.err"
    rc=$?
    if [ $rc -ne 0 ] && grep -q "$3" "$HK_TMP/v.err"; then
        ok "$1: verify fails (exit $rc): $(head -n 1 "$HK_TMP/v.err")"
    else
        bad "$1: verify exit $rc, stderr '$(cat "$HK_TMP/v.err")' (want non-zero and /$3/)"
    fi
    rm -rf "$C"
}

tamper "UPDATE actor of entry $MID" \
    "UPDATE audit SET actor = 'mallory' WHERE seq = $MID" "entry $MID "
tamper "UPDATE after of entry $MID" \
    "UPDATE audit SET after = replace(after, '\"', '''') || ' ' WHERE seq = $MID" "entry $MID "
tamper "UPDATE at of entry $MID" \
    "UPDATE audit SET at = at - 3600 WHERE seq = $MID" "entry $MID "
tamper "UPDATE before of entry $N" \
    "UPDATE audit SET before = '{\"forged\":1}' WHERE seq = $N" "entry $N"
tamper "UPDATE action of entry 1" \
    "UPDATE audit SET action = 'user.delete' WHERE seq = 1" "entry 1 "
tamper "UPDATE object_id of entry $MID" \
    "UPDATE audit SET object_id = object_id + 100 WHERE seq = $MID" "entry $MID "
tamper "UPDATE hash of entry $MID (recomputed elsewhere)" \
    "UPDATE audit SET hash = randomblob(32) WHERE seq = $MID" "entry $MID "
tamper "DELETE middle entry $MID" \
    "DELETE FROM audit WHERE seq = $MID" "entry $MID "
tamper "DELETE first entry" \
    "DELETE FROM audit WHERE seq = 1" "entry 1 "
tamper "DELETE last entry $N" \
    "DELETE FROM audit WHERE seq = $N" "entry $((N - 1))"
tamper "DELETE every entry" \
    "DELETE FROM audit" "entry $N"
tamper "INSERT forged entry $((N + 1)) chained to the last" \
    "INSERT INTO audit(seq, at, actor, action, object_type, object_id, before, after,
         prev_hash, hash)
     SELECT seq + 1, at, 'admin', 'incident.reopen', 'incident', 1, '', '{}', hash,
            randomblob(32) FROM audit WHERE seq = $N" "entry $((N + 1))"
tamper "INSERT forged copy of the last entry as $((N + 1))" \
    "INSERT INTO audit(seq, at, actor, action, object_type, object_id, before, after,
         prev_hash, hash)
     SELECT seq + 1, at, actor, action, object_type, object_id, before, after, prev_hash,
            hash FROM audit WHERE seq = $N" "entry $((N + 1))"
tamper "UPDATE seq of entry $MID (moved to $((N + 5)))" \
    "UPDATE audit SET seq = $((N + 5)) WHERE seq = $MID" "entry $MID "
tamper "UPDATE the recorded head" \
    "UPDATE meta SET value = '$((N - 1)):' || substr(value, instr(value, ':') + 1)
     WHERE key = 'audit_head'" "entry"

# Untouched copies still pass, and so does the original.
cp -r "$D" "$HK_TMP/clean"
"$HK_BIN" --data "$HK_TMP/clean" audit verify >"$HK_TMP/v.out" 2>&1 &&
    ok "audit verify passes on an untouched copy" ||
    bad "audit verify on an untouched copy: $(cat "$HK_TMP/v.out")"
grep -q "entries *$N" "$HK_TMP/v.out" && ok "verify counted $N entries" ||
    bad "verify output: $(cat "$HK_TMP/v.out")"
"$HK_BIN" --data "$D" --json audit verify >"$HK_TMP/v.json" 2>&1 &&
    [ "$(jget "$HK_TMP/v.json" ok)" = "true" ] && ok "audit verify --json says ok: true" ||
    bad "audit verify --json: $(cat "$HK_TMP/v.json")"

finish
