#!/bin/sh
# SPDX-License-Identifier: MIT
# Password changes through a real `hikeshi serve` on a loopback port, with curl, and the CLI:
# a user changes their own password with the current one (a wrong current one is refused,
# audited and counted by the sign-in rate limit); the session making the change stays signed
# in and the user's other sessions end; the old password no longer signs in and the new one
# does; changing one's own needs the current one, admins included; only an admin sets
# another user's password; an admin disables a user (password, sessions and API tokens stop
# working at once, the admin's own account excepted) and enables it again (POST /api/v1/account/password and
# `hikeshi user passwd NAME --password-stdin`); the stored value is an Argon2id hash, and
# every change is in the audit log, without the password. `serve --secure-cookies` marks the
# session cookie Secure (for a server behind a TLS proxy); by default it is not.
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
serve_or_finish "$D" "$HK_TMP/serve.log"
B=$SRV_URL
A="Authorization: Bearer $SRV_TOKEN"
J='Content-Type: application/json'

for u in alice bob; do
    code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" \
        -d "{\"name\":\"$u\",\"role\":\"handler\",\"password\":\"first-$u-pw\"}" "$B/api/v1/users")
    check "admin creates $u ($code)" test "$code" = 201
done

signin() { # signin USER PASSWORD JAR: prints the HTTP status; the CSRF token goes to JAR.csrf
    c=$(curl -s -o "$3.o" -c "$3" -w '%{http_code}' -H "$J" \
        -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$B/api/v1/session")
    jget "$3.o" csrf >"$3.csrf"
    echo "$c"
}

check "alice signs in (browser 1)" test "$(signin alice first-alice-pw "$HK_TMP/j1")" = 201
check "alice signs in (browser 2)" test "$(signin alice first-alice-pw "$HK_TMP/j2")" = 201
C1=$(cat "$HK_TMP/j1.csrf")

# ---- own password, wrong current one ----
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"current":"not-it-at-all","password":"second-alice-pw"}' "$B/api/v1/account/password")
check "a wrong current password is 403 ($code)" test "$code" = 403
check "the answer says the current password is wrong" grep -q 'current password is wrong' "$HK_TMP/o"
check "alice's first password still signs in" test "$(signin alice first-alice-pw "$HK_TMP/j3")" = 201
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" \
    -d '{"current":"first-alice-pw","password":"second-alice-pw"}' "$B/api/v1/account/password")
check "without the CSRF token it is 403 ($code)" test "$code" = 403
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"password":"second-alice-pw"}' "$B/api/v1/account/password")
check "without the current password it is 400 ($code)" test "$code" = 400
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"current":"first-alice-pw","password":"short"}' "$B/api/v1/account/password")
check "a new password under 8 characters is 400 ($code)" test "$code" = 400

# ---- own password, right current one ----
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"current":"first-alice-pw","password":"second-alice-pw"}' "$B/api/v1/account/password")
check "alice changes her password ($code)" test "$code" = 200
check "the answer counts the sessions ended (2: browser 2 and 3)" grep -q '"sessions_ended":2' "$HK_TMP/o"
code=$(curl -s -o /dev/null -b "$HK_TMP/j1" -w '%{http_code}' "$B/api/v1/whoami")
check "the browser that made the change is still signed in ($code)" test "$code" = 200
code=$(curl -s -o /dev/null -b "$HK_TMP/j2" -w '%{http_code}' "$B/api/v1/whoami")
check "alice's other browser is signed out ($code)" test "$code" = 401
check "the old password no longer signs in" test "$(signin alice first-alice-pw "$HK_TMP/j4")" = 401
check "the new one does" test "$(signin alice second-alice-pw "$HK_TMP/j5")" = 201

# ---- someone else's password ----
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"user":"bob","current":"second-alice-pw","password":"alice-owns-bob"}' \
    "$B/api/v1/account/password")
check "a handler cannot set bob's password ($code)" test "$code" = 403
check "bob's password is unchanged" test "$(signin bob first-bob-pw "$HK_TMP/j6")" = 201
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" \
    -d '{"user":"bob","password":"reset-by-admin"}' "$B/api/v1/account/password")
check "an admin sets bob's password without the current one ($code)" test "$code" = 200
code=$(curl -s -o /dev/null -b "$HK_TMP/j6" -w '%{http_code}' "$B/api/v1/whoami")
check "bob's browser session ended with the reset ($code)" test "$code" = 401
check "bob signs in with the new password" test "$(signin bob reset-by-admin "$HK_TMP/j7")" = 201
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" \
    -d '{"user":"nobody","password":"whatever-pw"}' "$B/api/v1/account/password")
check "an unknown user is 404 ($code)" test "$code" = 404
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" \
    -d '{"password":"admin-takes-over"}' "$B/api/v1/account/password")
check "an admin changing their own password must give the current one too ($code)" test "$code" = 400
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" \
    -d '{"current":"not-the-admin-pw","password":"admin-takes-over"}' "$B/api/v1/account/password")
check "and a wrong one is refused ($code)" test "$code" = 403

# ---- disabling a user ----
code=$(curl -s -o "$HK_TMP/tok" -w '%{http_code}' -H "$A" -H "$J" -d '{"user":"bob","name":"bob-script"}' \
    "$B/api/v1/tokens")
BOBTOK=$(jget "$HK_TMP/tok" token)
check "bob has an API token ($code)" test "$code" = 201 -a -n "$BOBTOK"
check "bob's token works" test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BOBTOK" "$B/api/v1/whoami")" = 200
check "bob signs in (browser)" test "$(signin bob reset-by-admin "$HK_TMP/jb")" = 201
C1=$(cat "$HK_TMP/j1.csrf")
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$HK_TMP/j1" -H "$J" -H "X-CSRF-Token: $C1" \
    -d '{"user":"bob"}' "$B/api/v1/users/disable")
check "a handler cannot disable bob ($code)" test "$code" = 403
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" -d '{"user":"admin"}' "$B/api/v1/users/disable")
check "an admin cannot disable their own account ($code)" test "$code" = 400
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" -d '{"user":"bob"}' "$B/api/v1/users/disable")
check "the admin disables bob ($code)" test "$code" = 200
check "the answer shows bob disabled" grep -q '"disabled": *1' "$HK_TMP/o"
check "bob's token stops working at once" test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BOBTOK" "$B/api/v1/whoami")" = 401
check "bob's browser session is gone" test "$(curl -s -o /dev/null -b "$HK_TMP/jb" -w '%{http_code}' "$B/api/v1/whoami")" = 401
check "bob cannot sign in" test "$(signin bob reset-by-admin "$HK_TMP/jb2")" = 401
code=$(curl -s -o "$HK_TMP/o" -w '%{http_code}' -H "$A" -H "$J" -d '{"user":"bob"}' "$B/api/v1/users/enable")
check "the admin enables bob again ($code)" test "$code" = 200
check "bob's token works again" test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BOBTOK" "$B/api/v1/whoami")" = 200
check "bob signs in again" test "$(signin bob reset-by-admin "$HK_TMP/jb3")" = 201

# ---- the CLI (the local operator, with the admin's rights) ----
stop_server
echo "cli-set-password" | "$HK_BIN" --data "$D" user passwd bob --password-stdin >"$HK_TMP/cli" 2>&1
check "hikeshi user passwd exits 0" test $? -eq 0
echo "short" | "$HK_BIN" --data "$D" user passwd bob --password-stdin >"$HK_TMP/cli2" 2>&1
check "hikeshi user passwd refuses a short password" test $? -ne 0
"$HK_BIN" --data "$D" user passwd bob </dev/null >"$HK_TMP/cli3" 2>&1
check "hikeshi user passwd without --password-stdin is a usage error" test $? -ne 0
"$HK_BIN" --data "$D" user disable alice >"$HK_TMP/cli4" 2>&1
check "hikeshi user disable exits 0" test $? -eq 0
"$HK_BIN" --data "$D" user enable alice >"$HK_TMP/cli5" 2>&1
check "hikeshi user enable exits 0" test $? -eq 0
"$HK_BIN" --data "$D" user disable nobody >"$HK_TMP/cli6" 2>&1
check "hikeshi user disable of an unknown user fails" test $? -ne 0
start_server "$D" "$HK_TMP/serve2.log" || bad "server did not restart"
B=http://127.0.0.1:$SRV_PORT
check "bob signs in with the CLI's password" test "$(signin bob cli-set-password "$HK_TMP/j8")" = 201
check "and not with the admin's" test "$(signin bob reset-by-admin "$HK_TMP/j9")" = 401

# ---- storage and audit ----
DB=$(ls "$D"/*.db | head -n 1)
h=$(sqlite3 "$DB" "SELECT password_hash FROM users WHERE name = 'alice'")
check "the stored value is an Argon2id hash" sh -c "case '$h' in '\$argon2id\$'*) exit 0;; esac; exit 1"
check "the audit log has three password changes" test "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'user.password'")" = 3
check "and the two refused attempts" test "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'user.password_failed'")" = 2
check "the audit log has the disables and enables" test "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action IN ('user.disable', 'user.enable')")" = 4
check "no password in the audit log" sh -c "! sqlite3 '$DB' 'SELECT * FROM audit' | grep -q -e second-alice-pw -e reset-by-admin -e cli-set-password"
"$HK_BIN" --data "$D" audit verify >"$HK_TMP/av" 2>&1
check "the audit chain verifies" test $? -eq 0

# ---- the cookie's Secure flag, for a server behind a TLS proxy ----
curl -s -D "$HK_TMP/h1" -o /dev/null -H "$J" -d '{"user":"bob","password":"cli-set-password"}' \
    "$B/api/v1/session"
check "by default the cookie is not marked Secure (plain HTTP on loopback)" sh -c "grep -i '^Set-Cookie: hk_session=' '$HK_TMP/h1' | grep -vqi '; Secure'"
stop_server
start_server "$D" "$HK_TMP/serve3.log" --secure-cookies || bad "server did not start with --secure-cookies"
B=http://127.0.0.1:$SRV_PORT
curl -s -D "$HK_TMP/h2" -o /dev/null -H "$J" -d '{"user":"bob","password":"cli-set-password"}' \
    "$B/api/v1/session"
check "with --secure-cookies the cookie is HttpOnly, SameSite=Strict and Secure" grep -qi '^Set-Cookie: hk_session=[^;]*; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=' "$HK_TMP/h2"
stop_server
finish
