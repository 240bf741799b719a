#!/bin/sh
# SPDX-License-Identifier: MIT
# The web UI's server side through a real `hikeshi serve` on a loopback port, with curl:
# every embedded file of web/ is served byte for byte with its content type, ETag and
# 304; the Content-Security-Policy header; sign-in with the printed admin password sets
# an HttpOnly SameSite=Strict cookie; a state-changing call without the CSRF token is
# 403; rate limiting answers 429 with Retry-After; sign-out kills the session; an expired
# session is 401; the dashboard and statistics answer; `hikeshi stats --svg` writes the
# same bytes as GET /api/v1/stats/chart.svg; `hikeshi demo` is idempotent and reproduces
# the seed's yearly report counts.
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
serve_or_finish "$D" "$HK_TMP/serve.log"
B=$SRV_URL
PW=$(sed -n 's/^    admin password: //p' "$HK_TMP/serve.log")
check "first start printed the admin password" test -n "$PW"
check "first start printed the admin token" test -n "$SRV_TOKEN"

# ---- static files ----
curl -s -D "$HK_TMP/h" -o "$HK_TMP/index" "$B/"
check "GET / is 200" grep -q '^HTTP/1.1 200' "$HK_TMP/h"
check "GET / is web/index.html" cmp -s "$HK_TMP/index" "$HK_SRC/web/index.html"
check "GET / is text/html" grep -qi '^Content-Type: text/html' "$HK_TMP/h"
check "CSP header present" grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'self'" "$HK_TMP/h"
check "Cache-Control: no-cache on static files" grep -qi '^Cache-Control: no-cache' "$HK_TMP/h"
ETAG=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\([^[:space:]]*\).*/\1/p' "$HK_TMP/h")
check "ETag present" test -n "$ETAG"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$B/index.html")
check "If-None-Match with the ETag is 304 (got $code)" test "$code" = 304
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "other"' "$B/index.html")
check "If-None-Match with another ETag is 200 (got $code)" test "$code" = 200
n=0
nbad=0
for f in $(cd "$HK_SRC/web" && find . -type f ! -path '*/node_modules/*' ! -name '.*' | sed 's|^\./||'); do
    n=$((n + 1))
    curl -s -o "$HK_TMP/got" "$B/$f"
    cmp -s "$HK_TMP/got" "$HK_SRC/web/$f" || {
        nbad=$((nbad + 1))
        echo "# differs: $f"
    }
done
check "all $n files under web/ are served byte for byte" test "$nbad" -eq 0
ct=$(curl -s -o /dev/null -w '%{content_type}' "$B/index.html")
check "content type by extension ($ct)" test "$ct" = "text/html; charset=utf-8"
curl -s -o "$HK_TMP/nf" -w '%{http_code}' "$B/no/such/file.js" >"$HK_TMP/code"
check "unknown path is 404 JSON" sh -c "test \"\$(cat $HK_TMP/code)\" = 404 && grep -q HK_ENOTFOUND $HK_TMP/nf"
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/../../etc/passwd")
check "no escape from web/ ($code)" test "$code" != 200

# ---- sessions ----
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"user":"admin","password":"not the password"}' "$B/api/v1/session")
check "wrong password is 401" test "$code" = 401
check "wrong password answers HK_EAUTH" grep -q HK_EAUTH "$HK_TMP/o"
code=$(curl -s -D "$HK_TMP/h" -o "$HK_TMP/o" -c "$HK_TMP/jar" -w '%{http_code}' \
    -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$PW\"}" "$B/api/v1/session")
check "sign-in is 201" test "$code" = 201
check "cookie is HttpOnly and SameSite=Strict" grep -qi '^Set-Cookie: hk_session=[^;]*; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200' "$HK_TMP/h"
CSRF=$(jget "$HK_TMP/o" csrf)
check "sign-in returns a CSRF token" test ${#CSRF} -eq 64
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar" -w '%{http_code}' "$B/api/v1/whoami")
check "the cookie authenticates GET" test "$code" = 200
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar" -w '%{http_code}' "$B/api/v1/session")
check "GET session is 200" test "$code" = 200
check "GET session echoes the CSRF token" grep -q "$CSRF" "$HK_TMP/o"
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"content":"phish at hxxp://bad[.]example/login","subject":"<script>alert(1)</script>"}' \
    "$B/api/v1/reports")
check "POST with the cookie but without X-CSRF-Token is 403 ($code)" test "$code" = 403
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "X-CSRF-Token: $CSRF" \
    -d '{"content":"phish at hxxp://bad[.]example/login","subject":"<script>alert(1)</script>"}' \
    "$B/api/v1/reports")
check "POST with the cookie and X-CSRF-Token is 201 ($code)" test "$code" = 201
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar" -w '%{http_code}' "$B/api/v1/dashboard")
check "dashboard is 200" test "$code" = 200
check "dashboard counts the report in the triage queue" grep -q '"triage_queue_count":1' "$HK_TMP/o"
for u in "stats/series?object=reports&by=month" "stats/series?object=incidents&group=team&format=csv" \
    "stats/summary" "stats/summary?format=csv" "stats/chart.svg?type=line&lang=ja"; do
    code=$(curl -s -o /dev/null -b "$HK_TMP/jar" -w '%{http_code}' "$B/api/v1/$u")
    check "GET /api/v1/$u is 200" test "$code" = 200
done
ct=$(curl -s -o "$HK_TMP/c.svg" -b "$HK_TMP/jar" -w '%{content_type}' \
    "$B/api/v1/stats/chart.svg?title=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
check "chart is image/svg+xml" test "$ct" = "image/svg+xml"
check "chart title is escaped text, no script" sh -c "grep -q '&lt;script&gt;alert(1)' $HK_TMP/c.svg && ! grep -q '<script' $HK_TMP/c.svg"
code=$(curl -s -o /dev/null -b "$HK_TMP/jar" -w '%{http_code}' -X DELETE "$B/api/v1/session")
check "sign-out without the CSRF token is 403" test "$code" = 403
code=$(curl -s -D "$HK_TMP/h" -o /dev/null -b "$HK_TMP/jar" -w '%{http_code}' -X DELETE \
    -H "X-CSRF-Token: $CSRF" "$B/api/v1/session")
check "sign-out is 204" test "$code" = 204
check "sign-out clears the cookie" grep -qi '^Set-Cookie: hk_session=; .*Max-Age=0' "$HK_TMP/h"
code=$(curl -s -o /dev/null -b "$HK_TMP/jar" -w '%{http_code}' "$B/api/v1/whoami")
check "the old cookie is 401 after sign-out" test "$code" = 401

# ---- expiry (the session row is aged with sqlite3; no waiting) ----
curl -s -o "$HK_TMP/o" -c "$HK_TMP/jar2" -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$PW\"}" "$B/api/v1/session"
code=$(curl -s -o /dev/null -b "$HK_TMP/jar2" -w '%{http_code}' "$B/api/v1/whoami")
check "a fresh session works" test "$code" = 200
sqlite3 "$D/hikeshi.db" "PRAGMA busy_timeout=5000; UPDATE sessions SET last_seen = last_seen - 7300;" >/dev/null 2>&1 ||
    sqlite3 "$(ls "$D"/*.db | head -n 1)" "PRAGMA busy_timeout=5000; UPDATE sessions SET last_seen = last_seen - 7300;" >/dev/null
code=$(curl -s -o "$HK_TMP/o" -b "$HK_TMP/jar2" -w '%{http_code}' "$B/api/v1/whoami")
check "a session idle for more than 2 h is 401 ($code)" test "$code" = 401

# ---- rate limiting ----
for i in 1 2 3 4 5; do
    curl -s -o /dev/null -H 'Content-Type: application/json' \
        -d '{"user":"mallory","password":"guess guess"}' "$B/api/v1/session"
done
code=$(curl -s -D "$HK_TMP/h" -o "$HK_TMP/o" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"user":"mallory","password":"guess guess"}' "$B/api/v1/session")
check "the 6th failed sign-in for one user is 429 ($code)" test "$code" = 429
check "429 carries Retry-After" grep -qi '^Retry-After: [0-9]' "$HK_TMP/h"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$PW\"}" "$B/api/v1/session")
check "another user can still sign in ($code)" test "$code" = 201

# ---- hikeshi stats --svg is the API's chart, byte for byte ----
"$HK_BIN" --data "$D" stats --object reports --by month --svg "$HK_TMP/cli.svg" --title 'R&D <x>' 2>/dev/null
curl -s -o "$HK_TMP/api.svg" -H "Authorization: Bearer $SRV_TOKEN" \
    "$B/api/v1/stats/chart.svg?object=reports&by=month&title=R%26D%20%3Cx%3E"
check "hikeshi stats --svg equals GET chart.svg" cmp -s "$HK_TMP/cli.svg" "$HK_TMP/api.svg"
check "the chart is not empty" grep -q '<rect' "$HK_TMP/api.svg"
stop_server

# ---- demo: idempotent, the seed's yearly counts ----
D2=$HK_TMP/demo
"$HK_BIN" --data "$D2" demo >"$HK_TMP/demo1" 2>/dev/null
check "demo prints the handler and reporter passwords" sh -c "grep -q 'handler  password: ' $HK_TMP/demo1 && grep -q 'reporter password: ' $HK_TMP/demo1"
"$HK_BIN" --data "$D2" stats --from 1996-01-01 --to 2005-01-01 --csv >"$HK_TMP/y1" 2>/dev/null
"$HK_BIN" --data "$D2" stats --summary --csv >"$HK_TMP/s1" 2>/dev/null
"$HK_BIN" --data "$D2" demo >"$HK_TMP/demo2" 2>/dev/null
check "second demo run changes nothing" grep -q 'already loaded' "$HK_TMP/demo2"
"$HK_BIN" --data "$D2" stats --from 1996-01-01 --to 2005-01-01 --csv >"$HK_TMP/y2" 2>/dev/null
"$HK_BIN" --data "$D2" stats --summary --csv >"$HK_TMP/s2" 2>/dev/null
check "yearly counts unchanged by the second run" cmp -s "$HK_TMP/y1" "$HK_TMP/y2"
check "totals unchanged by the second run" cmp -s "$HK_TMP/s1" "$HK_TMP/s2"
printf 'bucket,total\r\n1996,13\r\n1997,492\r\n1998,923\r\n1999,788\r\n2000,2226\r\n2001,2853\r\n2002,1435\r\n2003,3457\r\n2004,5196\r\n' >"$HK_TMP/want"
check "demo reproduces the seed's reports per year 1996-2004" cmp -s "$HK_TMP/y1" "$HK_TMP/want"
for st in new triage analysis mitigation resolved abandoned; do
    n=$("$HK_BIN" --data "$D2" --json incident list --state "$st" --limit 1 2>/dev/null | grep -c '"id"')
    check "demo has an incident in state $st" test "$n" -ge 1
done
"$HK_BIN" --data "$D2" audit verify >/dev/null 2>&1
check "audit chain verifies after the demo" test $? -eq 0
finish
