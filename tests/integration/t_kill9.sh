#!/bin/sh
# SPDX-License-Identifier: MIT
# Durability under kill -9. Part 1: a client POSTs uniquely marked reports one at a time
# and records a marker only after its 201; the server is killed with SIGKILL at a random
# moment 20 times and restarted. Every acknowledged report must still be there, the
# database must pass PRAGMA integrity_check and the audit chain must verify.
# Part 2: `hikeshi report import --batch 1000` killed mid-way leaves whole batches only
# (the stored count is a multiple of 1000), an intact database and a verifiable audit log.
set -u
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
ACK=$HK_TMP/acked
PORTF=$HK_TMP/port
STOP=$HK_TMP/stop
KILLS=20
: >"$ACK"

# A random number in [lo, hi] from /dev/urandom (POSIX sh has no $RANDOM).
rnd() {
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $(($1 + r % ($2 - $1 + 1)))
}

# The client: one report at a time against whatever port the current server has; a
# marker is acknowledged only after a 201. Stops on the stop file or after 180 s.
client() {
    n=0
    end=$(($(date +%s) + 180))
    while [ ! -f "$STOP" ] && [ "$(date +%s)" -lt "$end" ]; do
        n=$((n + 1))
        m="KILL9M${n}X"
        port=$(cat "$PORTF" 2>/dev/null)
        code=$(curl -s -o /dev/null -w '%{http_code}' --connect-timeout 2 --max-time 5 \
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -X POST --data "{\"content\":\"durability probe $m\",\"subject\":\"kill9\"}" \
            "http://127.0.0.1:$port/api/v1/reports" 2>/dev/null)
        if [ "$code" = "201" ]; then
            echo "$m" >>"$ACK"
        else
            sleep 0.05
        fi
    done
}

# ---- part 1: the HTTP API under kill -9 ----
if start_server "$D" "$HK_TMP/srv.0" && [ -n "$SRV_TOKEN" ]; then
    ok "first start announces a port and the admin token"
else
    bad "first start announces a port and the admin token"
    cat "$HK_TMP/srv.0.err"
    finish
fi
TOKEN=$SRV_TOKEN
echo "$SRV_PORT" >"$PORTF"
client &
CPID=$!
HK_PIDS="$HK_PIDS $CPID"

k=1
restarted=0
while [ $k -le $KILLS ]; do
    if [ $k -gt 1 ]; then
        if start_server "$D" "$HK_TMP/srv.$k"; then
            restarted=$((restarted + 1))
            echo "$SRV_PORT" >"$PORTF"
        else
            echo "restart $k failed:"
            cat "$HK_TMP/srv.$k.err"
            break
        fi
    fi
    ms=$(rnd 200 1000)
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    hk_forget_pid "$SRV_PID"
    k=$((k + 1))
done
[ $restarted -eq $((KILLS - 1)) ] && ok "server restarted after each of $KILLS kills" ||
    bad "server restarted after each kill ($restarted of $((KILLS - 1)))"

# Final start: the client gets a last window, then everything stops cleanly.
if start_server "$D" "$HK_TMP/srv.final"; then
    echo "$SRV_PORT" >"$PORTF"
    ok "server starts after the last kill"
else
    bad "server starts after the last kill"
    cat "$HK_TMP/srv.final.err"
fi
sleep 0.5
touch "$STOP"
i=0
while kill -0 "$CPID" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill "$CPID" 2>/dev/null
wait "$CPID" 2>/dev/null
hk_forget_pid "$CPID"

nack=$(wc -l <"$ACK" | tr -d ' ')
[ "$nack" -ge $KILLS ] && ok "client got $nack acknowledgements across the kills" ||
    bad "client got only $nack acknowledgements"

# Spot-check through the API: the first and the last acknowledged reports are found by
# their unique marker.
for m in $(head -n 1 "$ACK") $(tail -n 1 "$ACK"); do
    curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$SRV_PORT/api/v1/reports?q=$m" >"$HK_TMP/q.json"
    if grep -q '"subject":"kill9"' "$HK_TMP/q.json"; then
        ok "GET /api/v1/reports?q=$m finds the report"
    else
        bad "GET /api/v1/reports?q=$m finds the report: $(cat "$HK_TMP/q.json")"
    fi
done
stop_server TERM
[ "$SRV_RC" -eq 0 ] && ok "server stops cleanly on SIGTERM" || bad "server exit $SRV_RC on SIGTERM"

# Every acknowledged marker is stored (all of them, through the sqlite3 shell).
sqlite3 "$D/hikeshi.db" "SELECT content FROM reports WHERE subject = 'kill9'" |
    grep -o 'KILL9M[0-9]*X' | sort -u >"$HK_TMP/stored"
sort -u "$ACK" >"$HK_TMP/acked.sorted"
missing=$(comm -23 "$HK_TMP/acked.sorted" "$HK_TMP/stored" | wc -l | tr -d ' ')
[ "$missing" -eq 0 ] && ok "all $nack acknowledged reports survived" ||
    bad "$missing acknowledged reports lost: $(comm -23 "$HK_TMP/acked.sorted" "$HK_TMP/stored" | head -5 | tr '\n' ' ')"
ic=$(sqlite3 "$D/hikeshi.db" 'PRAGMA integrity_check' 2>&1)
[ "$ic" = "ok" ] && ok "PRAGMA integrity_check after $KILLS kills" || bad "integrity_check: $ic"
"$HK_BIN" --data "$D" audit verify >"$HK_TMP/av" 2>&1 && ok "audit verify after $KILLS kills" ||
    bad "audit verify after $KILLS kills: $(cat "$HK_TMP/av")"
na=$(sqlite3 "$D/hikeshi.db" "SELECT count(*) FROM audit WHERE action LIKE 'report%'")
ns=$(wc -l <"$HK_TMP/stored" | tr -d ' ')
[ "$na" -ge "$ns" ] && ok "every stored report has its audit entry ($ns reports, $na entries)" ||
    bad "$ns reports but only $na report audit entries"

# ---- part 2: the bulk importer under kill -9 ----
B=$HK_TMP/bulk
"$HK_BIN" --data "$B" init >/dev/null 2>&1 || bad "init of the bulk data directory"
LINES=800000
for round in 1 2 3; do
    awk -v r=$round -v n=$LINES 'BEGIN { for (i = 1; i <= n; i++)
        printf "{\"content\":\"bulk r%d line BULKM%dX payload\",\"subject\":\"bulk%d\"}\n", r, i, r }' \
        >"$HK_TMP/bulk.jsonl"
    "$HK_BIN" --data "$B" report import "$HK_TMP/bulk.jsonl" --batch 1000 \
        >"$HK_TMP/imp.out" 2>&1 &
    IPID=$!
    HK_PIDS="$HK_PIDS $IPID"
    ms=$(rnd 500 1500)
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    if kill -9 "$IPID" 2>/dev/null; then
        wait "$IPID" 2>/dev/null
        irc=$?
    else
        wait "$IPID" 2>/dev/null
        irc=$?
    fi
    hk_forget_pid "$IPID"
    [ "$irc" -eq 137 ] && ok "round $round: import killed mid-way after ${ms} ms" ||
        bad "round $round: import was not killed mid-way (exit $irc): $(cat "$HK_TMP/imp.out")"
    ic=$(sqlite3 "$B/hikeshi.db" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = "ok" ] && ok "round $round: integrity_check after the killed import" ||
        bad "round $round: integrity_check: $ic"
    cnt=$(sqlite3 "$B/hikeshi.db" "SELECT count(*) FROM reports WHERE subject = 'bulk$round'")
    if [ -n "$cnt" ] && [ $((cnt % 1000)) -eq 0 ] && [ "$cnt" -lt $LINES ]; then
        ok "round $round: $cnt reports stored, whole batches of 1000 only"
    else
        bad "round $round: '$cnt' reports stored: not a whole number of batches below $LINES"
    fi
    # The importer writes one audit entry per committed batch, counting what it stored.
    aud=$(sqlite3 "$B/hikeshi.db" "SELECT count(*) || ' ' || coalesce(sum(json_extract(a.after,
        '$.stored')), 0) FROM audit a WHERE a.action = 'report.import' AND a.object_id IN
        (SELECT id FROM reports WHERE subject = 'bulk$round')")
    [ "$aud" = "$((cnt / 1000)) $cnt" ] && ok "round $round: the audit log accounts for every batch" ||
        bad "round $round: $cnt reports but audit batches/stored '$aud'"
    "$HK_BIN" --data "$B" audit verify >"$HK_TMP/av" 2>&1 &&
        ok "round $round: audit verify after the killed import" ||
        bad "round $round: audit verify: $(cat "$HK_TMP/av")"
done
"$HK_BIN" --data "$B" db check >/dev/null 2>&1 && ok "hikeshi db check on the bulk directory" ||
    bad "hikeshi db check on the bulk directory"

finish
