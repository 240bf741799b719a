#!/bin/sh
# SPDX-License-Identifier: MIT
# TLP on the web UI's aggregate figures, through a real `hikeshi serve` with API tokens of
# four users: two teams (team-a: alice, bob; team-b: carol) and the admin. Incidents:
# #1 TLP:RED of team-a with alice on it (open, answered), #2 AMBER+STRICT of team-a (open,
# unanswered), #3 AMBER of team-b (open, unanswered), #4 TLP:RED of team-a with nobody on
# it (resolved). Reports: a TLP:RED one on no incident, an AMBER one triaged into #1, a
# GREEN one. The rule is the one for reading single incidents and reports (access.c):
# RED only for the users on the incident, AMBER+STRICT also for the owning team, admin
# everything. So carol counts only #3, bob #2 and #3, alice #1 to #3, admin all four; the
# dashboard, the series (JSON, CSV, SVG; incidents by team and class, reports by source),
# the summary (JSON and CSV, ranged and not) and `hikeshi stats` over the API must count
# exactly what the caller may open. The local `hikeshi stats` is the operator: everything.
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
PY=$HK_PY
L() { "$HK_BIN" --data "$D" "$@" >/dev/null 2>>"$HK_TMP/setup.err"; }

# ---- data: users, incidents, reports (local CLI = the operator, on no incident) ----
"$HK_BIN" --data "$D" init >/dev/null 2>&1
for u in alice:team-a bob:team-a carol:team-b; do
    echo "password-of-${u%%:*}" | L user add "${u%%:*}" --role handler --team "${u#*:}" --password-stdin
done
L incident create --title red-a --tlp RED --team team-a --class fraud --severity critical
L incident member 1 alice
L incident triage 1
L incident create --title strict-a --tlp AMBER+STRICT --team team-a --class availability --severity high
L incident create --title amber-b --tlp AMBER --team team-b --class malicious-code --severity low
L incident create --title red-a-closed --tlp RED --team team-a --class intrusions --severity medium
L incident triage 4
L incident analyse 4
L incident mitigate 4
L incident resolve 4 --resolution done
L report add --content 'scanning from 192.0.2.10' --tlp RED --source web --class fraud
L report add --content 'phishing at 198.51.100.20' --tlp AMBER --source phone --class fraud
L report triage 2 --incident 1
L report add --content 'spam from 203.0.113.30' --tlp GREEN --source email --class abusive-content
check "setup commands succeeded" test ! -s "$HK_TMP/setup.err"

tok() {
    "$HK_BIN" --data "$D" --json token create --user "$1" 2>/dev/null |
        sed -n 's/.*"token": *"\(hk_[A-Za-z0-9_-]*\)".*/\1/p'
}
T_admin=$(tok admin)
T_alice=$(tok alice)
T_bob=$(tok bob)
T_carol=$(tok carol)
check "tokens created" test -n "$T_admin" -a -n "$T_alice" -a -n "$T_bob" -a -n "$T_carol"

# One thread (so the summary's per-thread cache is shared by all four users) and 1-second
# first-response targets (so the unanswered open incidents are SLA breaches).
"$HK_BIN" --data "$D" serve --listen 127.0.0.1:0 --threads 1 \
    --sla low=1s,medium=1s,high=1s,critical=1s >"$HK_TMP/serve.log" 2>&1 &
SRV_PID=$!
HK_PIDS="$HK_PIDS $SRV_PID"
i=0
SRV_PORT=""
while [ $i -lt 100 ] && [ -z "$SRV_PORT" ]; do
    sleep 0.1
    SRV_PORT=$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/serve.log" | head -n 1)
    i=$((i + 1))
done
[ -n "$SRV_PORT" ] || {
    bad "server did not start"
    finish
}
B=http://127.0.0.1:$SRV_PORT

# get USER PATH OUT: GET with USER's token into OUT.
get() {
    eval "t=\$T_$1"
    curl -s -o "$3" -H "Authorization: Bearer $t" "$B$2"
}
# pj FILE EXPR: a Python expression over the JSON document d, printed.
pj() {
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" \
        2>/dev/null
}
# eq DESCRIPTION GOT WANT
eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (got '$2', want '$3')"; fi
}

# Past the 1-second targets (times are whole seconds): wait, at most 10 s, until the
# admin's dashboard counts the two unanswered open incidents as breaches.
i=0
while [ $i -lt 50 ]; do
    get admin /api/v1/dashboard "$HK_TMP/dash.wait"
    [ "$(pj "$HK_TMP/dash.wait" "d['sla_breach_count']")" = 2 ] && break
    sleep 0.2
    i=$((i + 1))
done

TODAY=$(date -u +%Y-%m-%d)
TOMORROW=$("$PY" -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=1))')

# ---- dashboard ----
for u in admin alice bob carol; do get $u /api/v1/dashboard "$HK_TMP/dash.$u"; done
for u in admin alice bob carol; do
    eq "$u: dashboard answers" "$(pj "$HK_TMP/dash.$u" "'ok' if 'open_by_state' in d else d")" ok
done
team_counts="';'.join('%s=%d' % (t['team'], t['count']) for t in d['open_by_team'])"
eq "carol: open incidents by team show only team-b" "$(pj "$HK_TMP/dash.carol" "$team_counts")" "team-b=1"
eq "bob: open incidents by team count the AMBER+STRICT one of his team, not the RED one" \
    "$(pj "$HK_TMP/dash.bob" "$team_counts")" "team-a=1;team-b=1"
eq "alice: open incidents by team count the RED one she is on" \
    "$(pj "$HK_TMP/dash.alice" "$team_counts")" "team-a=2;team-b=1"
eq "admin: open incidents by team count everything" "$(pj "$HK_TMP/dash.admin" "$team_counts")" \
    "team-a=2;team-b=1"
states="'%(new)d/%(triage)d' % d['open_by_state']"
eq "carol: open by state (new/triage)" "$(pj "$HK_TMP/dash.carol" "$states")" "1/0"
eq "bob: open by state (new/triage)" "$(pj "$HK_TMP/dash.bob" "$states")" "2/0"
eq "alice: open by state (new/triage)" "$(pj "$HK_TMP/dash.alice" "$states")" "2/1"
sev="'%(critical)d/%(high)d/%(low)d' % d['open_by_severity']"
eq "carol: open by severity (critical/high/low)" "$(pj "$HK_TMP/dash.carol" "$sev")" "0/0/1"
eq "bob: open by severity (critical/high/low)" "$(pj "$HK_TMP/dash.bob" "$sev")" "0/1/1"
eq "admin: open by severity (critical/high/low)" "$(pj "$HK_TMP/dash.admin" "$sev")" "1/1/1"
today="[x['count'] for x in d['incidents_per_day'] if x['day'] == '$TODAY'][0]"
eq "carol: incidents today" "$(pj "$HK_TMP/dash.carol" "$today")" 1
eq "bob: incidents today" "$(pj "$HK_TMP/dash.bob" "$today")" 2
eq "alice: incidents today" "$(pj "$HK_TMP/dash.alice" "$today")" 3
eq "admin: incidents today" "$(pj "$HK_TMP/dash.admin" "$today")" 4
eq "carol: SLA breaches counted" "$(pj "$HK_TMP/dash.carol" "d['sla_breach_count']")" 1
eq "bob: SLA breaches counted" "$(pj "$HK_TMP/dash.bob" "d['sla_breach_count']")" 2
eq "admin: SLA breaches counted" "$(pj "$HK_TMP/dash.admin" "d['sla_breach_count']")" 2
eq "carol: SLA breach list is as long as the count" \
    "$(pj "$HK_TMP/dash.carol" "len(d['sla_breaches'])")" 1
eq "carol: triage queue count" "$(pj "$HK_TMP/dash.carol" "d['triage_queue_count']")" 1
eq "alice: triage queue count (the RED report on no incident is only the admin's)" \
    "$(pj "$HK_TMP/dash.alice" "d['triage_queue_count']")" 1
eq "admin: triage queue count" "$(pj "$HK_TMP/dash.admin" "d['triage_queue_count']")" 2

# ---- series: JSON by year and team, by month and class; CSV; SVG ----
ser="';'.join('%s=%d' % (s['name'], sum(s['values'])) for s in d['series'])"
q="/api/v1/stats/series?object=incidents&by=year&group=team"
for u in admin alice bob carol; do get $u "$q" "$HK_TMP/yt.$u"; done
eq "carol: incidents per year by team" "$(pj "$HK_TMP/yt.carol" "$ser")" "team-b=1"
eq "bob: incidents per year by team" "$(pj "$HK_TMP/yt.bob" "$ser")" "team-a=1;team-b=1"
eq "alice: incidents per year by team" "$(pj "$HK_TMP/yt.alice" "$ser")" "team-a=2;team-b=1"
eq "admin: incidents per year by team" "$(pj "$HK_TMP/yt.admin" "$ser")" "team-a=3;team-b=1"
q="/api/v1/stats/series?object=incidents&by=month&group=class"
for u in admin bob carol; do get $u "$q" "$HK_TMP/mc.$u"; done
eq "carol: incidents per month by class" "$(pj "$HK_TMP/mc.carol" "$ser")" "malicious-code=1"
eq "bob: incidents per month by class" "$(pj "$HK_TMP/mc.bob" "$ser")" \
    "availability=1;malicious-code=1"
eq "admin: incidents per month by class" "$(pj "$HK_TMP/mc.admin" "$ser")" \
    "availability=1;fraud=1;intrusions=1;malicious-code=1"
q="/api/v1/stats/series?object=incidents&by=day&from=$TODAY&to=$TOMORROW"
get carol "$q" "$HK_TMP/dt.carol"
eq "carol: incidents today, ranged daily series" "$(pj "$HK_TMP/dt.carol" "$ser")" "total=1"
q="/api/v1/stats/series?object=reports&by=week&group=source"
for u in admin alice carol; do get $u "$q" "$HK_TMP/rs.$u"; done
eq "carol: reports per week by source" "$(pj "$HK_TMP/rs.carol" "$ser")" "email=1"
eq "alice: reports per week by source (the report in the RED incident she is on)" \
    "$(pj "$HK_TMP/rs.alice" "$ser")" "email=1;phone=1"
eq "admin: reports per week by source" "$(pj "$HK_TMP/rs.admin" "$ser")" "email=1;phone=1;web=1"
q="/api/v1/stats/series?object=incidents&by=month&group=team&format=csv"
for u in admin carol; do get $u "$q" "$HK_TMP/csv.$u"; done
eq "carol: CSV series header" "$(head -n 1 "$HK_TMP/csv.carol" | tr -d '\r')" "bucket,team-b"
eq "admin: CSV series header" "$(head -n 1 "$HK_TMP/csv.admin" | tr -d '\r')" "bucket,team-a,team-b"
eq "carol: CSV series row" "$(sed -n 2p "$HK_TMP/csv.carol" | tr -d '\r' | cut -d, -f2)" 1
q="/api/v1/stats/chart.svg?object=incidents&by=year&group=team"
for u in bob carol; do get $u "$q" "$HK_TMP/svg.$u"; done
check "carol: the chart is drawn" grep -q '<rect' "$HK_TMP/svg.carol"
check "carol: the chart does not name team-a" sh -c "! grep -q 'team-a' '$HK_TMP/svg.carol'"
check "bob: the chart names team-a" grep -q 'team-a' "$HK_TMP/svg.bob"

# ---- summary (the cache is per thread: admin asks first, then the others) ----
for u in admin carol alice bob; do get $u /api/v1/stats/summary "$HK_TMP/sum.$u"; done
teams="';'.join('%s=%d' % (t['team'], t['incidents']) for t in d['by_team'])"
eq "admin: summary incidents by team" "$(pj "$HK_TMP/sum.admin" "$teams")" "team-a=3;team-b=1"
eq "carol: summary incidents by team (after the admin's answer was cached)" \
    "$(pj "$HK_TMP/sum.carol" "$teams")" "team-b=1"
eq "bob: summary incidents by team" "$(pj "$HK_TMP/sum.bob" "$teams")" "team-a=1;team-b=1"
tot="'%d/%d' % (d['incidents'], d['reports'])"
eq "carol: summary totals (incidents/reports)" "$(pj "$HK_TMP/sum.carol" "$tot")" "1/1"
eq "alice: summary totals (incidents/reports)" "$(pj "$HK_TMP/sum.alice" "$tot")" "3/2"
eq "admin: summary totals (incidents/reports)" "$(pj "$HK_TMP/sum.admin" "$tot")" "4/3"
cls="';'.join('%s=%d/%d' % (c['class'], c['incidents'], c['reports']) for c in d['by_class'])"
eq "carol: summary by class (incidents/reports)" "$(pj "$HK_TMP/sum.carol" "$cls")" \
    "abusive-content=0/1;malicious-code=1/0"
eq "alice: summary by class (incidents/reports)" "$(pj "$HK_TMP/sum.alice" "$cls")" \
    "abusive-content=0/1;availability=1/0;fraud=1/1;malicious-code=1/0"
durs="'%d/%d' % (d['time_to_first_response']['n'], d['time_to_resolution']['n'])"
eq "admin: durations counted (first response/resolution)" "$(pj "$HK_TMP/sum.admin" "$durs")" "2/1"
eq "alice: durations counted (not the RED incident she is not on)" \
    "$(pj "$HK_TMP/sum.alice" "$durs")" "1/0"
eq "carol: durations counted" "$(pj "$HK_TMP/sum.carol" "$durs")" "0/0"
eq "carol: SLA breached" "$(pj "$HK_TMP/sum.carol" "d['sla']['breached']")" 1
eq "bob: SLA breached" "$(pj "$HK_TMP/sum.bob" "d['sla']['breached']")" 2
get carol "/api/v1/stats/summary?from=$TODAY&to=$TOMORROW" "$HK_TMP/sumr.carol"
get admin "/api/v1/stats/summary?from=$TODAY&to=$TOMORROW" "$HK_TMP/sumr.admin"
eq "carol: ranged summary durations" "$(pj "$HK_TMP/sumr.carol" "$durs")" "0/0"
eq "admin: ranged summary durations" "$(pj "$HK_TMP/sumr.admin" "$durs")" "2/1"
get carol "/api/v1/stats/summary?format=csv" "$HK_TMP/sumcsv.carol"
check "carol: summary CSV does not name team-a" sh -c "! grep -q 'team-a' '$HK_TMP/sumcsv.carol'"
check "carol: summary CSV counts one incident" grep -q '^total,incidents,1' "$HK_TMP/sumcsv.carol"

# ---- hikeshi stats: over the API as carol; locally as the operator (everything) ----
"$HK_BIN" --server "$B" --token "$T_carol" stats --object incidents --group team --csv \
    >"$HK_TMP/cli.carol" 2>&1
eq "hikeshi stats --server as carol: header" "$(head -n 1 "$HK_TMP/cli.carol" | tr -d '\r')" \
    "bucket,team-b"
"$HK_BIN" --data "$D" stats --object incidents --group team --csv >"$HK_TMP/cli.local" 2>&1
eq "hikeshi stats locally (operator): header" "$(head -n 1 "$HK_TMP/cli.local" | tr -d '\r')" \
    "bucket,team-a,team-b"

stop_server
finish
