#!/bin/sh
# SPDX-License-Identifier: MIT
# The acceptance flow a new user runs from the README, with curl only: `hikeshi serve` in
# an empty directory (default data directory ./hikeshi-data; the first start prints the
# admin token), then: submit a report mentioning 198.51.100.7, triage it into a new
# incident, open an investigation, submit a second report mentioning the same address
# (it is linked to the open incident automatically), resolve the incident, look the
# address up, verify the audit log; a restart keeps everything and prints no new token.
set -u
. "$(dirname "$0")/hk_testlib.sh"

O=$HK_TMP/body
WORK=$HK_TMP/work
mkdir -p "$WORK"

# api METHOD PATH [BODY]: one request with the admin token, sent as the README does it
# (curl -d, so no JSON content type and no -X for POST); the answer goes to $O and its
# status to $CODE.
api() {
    if [ $# -ge 3 ]; then
        CODE=$(curl -s --max-time 30 -o "$O" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
            "$URL$2" -d "$3")
    else
        CODE=$(curl -s --max-time 30 -o "$O" -w '%{http_code}' -X "$1" \
            -H "Authorization: Bearer $TOKEN" "$URL$2")
    fi
}

# expect DESC STATUS [KEY VALUE]...: the last answer has STATUS, is JSON, and the first
# occurrence of each KEY is VALUE.
expect() {
    d=$1 want=$2
    shift 2
    if [ "$CODE" != "$want" ]; then
        bad "$d: status $CODE, want $want: $(head -c 300 "$O")"
        return 1
    fi
    if ! json_ok "$O"; then
        bad "$d: answer is not JSON: $(head -c 300 "$O")"
        return 1
    fi
    while [ $# -ge 2 ]; do
        got=$(jget "$O" "$1")
        if [ "$got" != "$2" ]; then
            bad "$d: $1 is '$got', want '$2': $(head -c 300 "$O")"
            return 1
        fi
        shift 2
    done
    ok "$d"
}

# `hikeshi serve` from an empty directory, as the README shows (our own port).
start_in_work() {
    (cd "$WORK" && exec "$HK_BIN" serve --listen 127.0.0.1:0) >"$1" 2>"$1.err" &
    SRV_PID=$!
    HK_PIDS="$HK_PIDS $SRV_PID"
    SRV_PORT=""
    i=0
    while [ $i -lt 100 ] && [ -z "$SRV_PORT" ]; do
        SRV_PORT=$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$1" 2>/dev/null)
        [ -n "$SRV_PORT" ] || ! kill -0 "$SRV_PID" 2>/dev/null && break
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$SRV_PORT" ]
}

if start_in_work "$HK_TMP/srv1"; then
    ok "hikeshi serve starts in an empty directory"
else
    bad "hikeshi serve did not start: $(cat "$HK_TMP/srv1.err")"
    finish
fi
TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$HK_TMP/srv1" | head -n 1)
case $TOKEN in
hk_?*) ok "the first start prints the admin token" ;;
*) bad "no admin token in: $(cat "$HK_TMP/srv1")" ;;
esac
[ -f "$WORK/hikeshi-data/hikeshi.db" ] && ok "the default data directory ./hikeshi-data is created" ||
    bad "no ./hikeshi-data/hikeshi.db"
URL=http://127.0.0.1:$SRV_PORT

CODE=$(curl -s --max-time 10 -o "$O" -w '%{http_code}' "$URL/healthz")
expect "GET /healthz" 200 status ok

TOKEN_SAVED=$TOKEN
TOKEN=""
api GET /api/v1/incidents
expect "a request without a token is refused" 401
grep -q '"code":"HK_EAUTH"' "$O" && ok "the 401 carries error code HK_EAUTH" || bad "401 body: $(cat "$O")"
TOKEN=$TOKEN_SAVED

api GET /api/v1/whoami
expect "GET /api/v1/whoami is the admin" 200 name admin role admin

# 1. a report mentioning 198.51.100.7
api POST /api/v1/reports '{"subject":"SSH brute force","content":"Attempts from 198.51.100.7 since 03:00"}'
expect "POST /api/v1/reports (report 1)" 201 id 1 incident_id null state new duplicate false
grep -q '"type":"ipv4","value":"198.51.100.7"' "$O" && ok "report 1 carries the observable 198.51.100.7" ||
    bad "report 1 observables: $(cat "$O")"

# 2. triage it into a new incident
api POST /api/v1/reports/1/triage '{"title":"Brute force from 198.51.100.7","severity":"high"}'
expect "POST /api/v1/reports/1/triage opens an incident" 200 id 1 state triage severity high
INC=$(jget "$O" id)
grep -q '"reports":\[{"id":1,' "$O" && ok "the incident lists report 1" || bad "incident reports: $(cat "$O")"

# 3. an investigation
api POST "/api/v1/incidents/$INC/investigations" '{"party":"abuse@isp.example","message":"Please check 198.51.100.7"}'
expect "POST /api/v1/incidents/$INC/investigations" 201 id 1 incident_id "$INC" state waiting
grep -q '"messages":\[{[^]]*"body":"Please check 198.51.100.7"' "$O" &&
    ok "the investigation records the first message" || bad "investigation: $(cat "$O")"

# 4. a second report on the same address is linked to the open incident
api POST /api/v1/reports '{"content":"198.51.100.7 is scanning us too"}'
expect "POST /api/v1/reports (report 2) is linked to incident $INC" 201 id 2 incident_id "$INC"
grep -q '"correlation":{"reason":"shared observables"' "$O" &&
    ok "report 2 says why it was linked" || bad "report 2 correlation: $(cat "$O")"

api GET "/api/v1/incidents/$INC"
expect "GET /api/v1/incidents/$INC" 200 id "$INC" state triage
grep -q '"investigations":\[{"id":1,' "$O" && grep -q '{"id":2,[^}]*"incident_id":'"$INC" "$O" &&
    ok "the incident has the investigation and both reports" || bad "incident: $(cat "$O")"

# 5. resolve
api POST "/api/v1/incidents/$INC/resolve" '{"resolution":"ISP blocked the host"}'
expect "POST /api/v1/incidents/$INC/resolve" 200 id "$INC" state resolved \
    resolution "ISP blocked the host"
api POST "/api/v1/incidents/$INC/resolve" '{}'
expect "resolving twice is a conflict" 409
grep -q '"code":"HK_ESTATE"' "$O" && ok "the conflict carries HK_ESTATE" || bad "409 body: $(cat "$O")"

api GET "/api/v1/observables?value=198.51.100.7"
expect "GET /api/v1/observables?value=198.51.100.7" 200 type ipv4 value 198.51.100.7
grep -q '"incidents":\[{"id":'"$INC"',' "$O" && ok "the lookup names the incident" ||
    bad "lookup: $(cat "$O")"

api GET "/api/v1/incidents?state=resolved"
expect "GET /api/v1/incidents?state=resolved" 200 id "$INC"

api GET /api/v1/audit/verify
expect "GET /api/v1/audit/verify" 200 ok true

# A restart keeps the data and prints no new token.
stop_server TERM
[ "$SRV_RC" -eq 0 ] && ok "the server stops cleanly on SIGTERM" || bad "server exit $SRV_RC"
if start_in_work "$HK_TMP/srv2"; then
    ok "hikeshi serve restarts on the same directory"
else
    bad "restart: $(cat "$HK_TMP/srv2.err")"
    finish
fi
grep -q '^    hk_' "$HK_TMP/srv2" && bad "the second start printed a token" ||
    ok "the second start prints no token"
URL=http://127.0.0.1:$SRV_PORT
api GET "/api/v1/incidents/$INC"
expect "after the restart the incident is still resolved" 200 id "$INC" state resolved
stop_server TERM
"$HK_BIN" --data "$WORK/hikeshi-data" audit verify >"$O" 2>&1 &&
    ok "hikeshi audit verify on the data directory" || bad "audit verify: $(cat "$O")"

finish
