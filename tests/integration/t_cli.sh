#!/bin/sh
# SPDX-License-Identifier: MIT
# The hikeshi CLI end to end, run twice over the same suite: in local mode (--data DIR,
# in-process through the router as the local operator) and in remote mode (--server URL
# --token TOKEN against a running `hikeshi serve`). Covers init, report add/list/show/
# triage, incident list/show/resolve/reopen, investigation add/message/state, task
# add/update, users, tokens, observable lookup, audit verify, db check, the help texts and
# the errors for unknown commands and options.
set -u
. "$(dirname "$0")/hk_testlib.sh"

L=$HK_TMP/local
R=$HK_TMP/remote
O=$HK_TMP/out
E=$HK_TMP/err
MODE=local
URL=""
TOK=""

# hkc ARGS...: the CLI in the current mode; stdout to $O, stderr to $E.
hkc() {
    if [ "$MODE" = local ]; then
        "$HK_BIN" --data "$L" "$@" >"$O" 2>"$E"
    else
        "$HK_BIN" --server "$URL" --token "$TOK" "$@" >"$O" 2>"$E"
    fi
}

# expect_ok DESC ARGS...: the command exits 0.
expect_ok() {
    d=$1
    shift
    hkc "$@"
    rc=$?
    if [ $rc -eq 0 ]; then ok "$MODE: $d"; else bad "$MODE: $d (exit $rc): $(cat "$E")"; fi
}

# expect_json DESC KEY VALUE ARGS...: exits 0, prints valid JSON whose first KEY is VALUE.
expect_json() {
    d=$1 k=$2 v=$3
    shift 3
    hkc --json "$@"
    rc=$?
    if [ $rc -ne 0 ]; then
        bad "$MODE: $d (exit $rc): $(cat "$E")"
    elif ! json_ok "$O"; then
        bad "$MODE: $d: output is not JSON: $(head -c 300 "$O")"
    elif [ -n "$k" ] && [ "$(jget "$O" "$k")" != "$v" ]; then
        bad "$MODE: $d: $k is '$(jget "$O" "$k")', want '$v'"
    else
        ok "$MODE: $d"
    fi
}

# expect_fail DESC PATTERN ARGS...: exits non-zero with PATTERN on stderr.
expect_fail() {
    d=$1 p=$2
    shift 2
    hkc "$@"
    rc=$?
    if [ $rc -ne 0 ] && grep -q -- "$p" "$E"; then
        ok "$MODE: $d (exit $rc)"
    else
        bad "$MODE: $d: exit $rc, stderr '$(cat "$E")', want non-zero and /$p/"
    fi
}

# expect_out DESC PATTERN: the last command's stdout matches PATTERN.
expect_out() {
    if grep -q -- "$2" "$O"; then ok "$MODE: $1"; else bad "$MODE: $1: no /$2/ in $(head -c 400 "$O")"; fi
}

# The suite, the same in both modes on a fresh data directory.
suite() {
    tag=$1
    expect_json "report add --content" id 1 report add \
        --content "cli $tag one from 198.51.100.7 CLIMARK1$tag" --subject "one"
    expect_out "report add extracts the IP observable" '"value": "198.51.100.7"'
    printf 'cli %s two\nfrom file 203.0.113.5 CLIMARK2%s\n' "$tag" "$tag" >"$HK_TMP/rep2.txt"
    expect_json "report add --file" id 2 report add --file "$HK_TMP/rep2.txt"
    expect_out "report add --file keeps the text verbatim" "from file 203.0.113.5 CLIMARK2$tag"
    if printf 'cli %s three from stdin CLIMARK3%s\n' "$tag" "$tag" | hkc --json report add; then
        [ "$(jget "$O" id)" = 3 ] && ok "$MODE: report add from stdin" ||
            bad "$MODE: report add from stdin: $(cat "$O")"
    else
        bad "$MODE: report add from stdin: $(cat "$E")"
    fi
    expect_fail "report add --file of a missing file" "cannot open" report add --file "$HK_TMP/nope"
    expect_fail "report add --bogus" "unknown option '--bogus'" report add --content x --bogus y

    expect_json "report list --json" "" "" report list
    n=$(grep -c '"content_sha256"\|"source"' "$O")
    [ "$n" -eq 3 ] && ok "$MODE: report list shows 3 reports" || bad "$MODE: report list shows $n"
    expect_json "report list --q" "" "" report list --q "CLIMARK2$tag"
    [ "$(jget "$O" id)" = 2 ] && ok "$MODE: report list --q finds report 2" ||
        bad "$MODE: report list --q: $(cat "$O")"
    expect_json "report show 1" id 1 report show 1
    expect_out "report show has the content" "CLIMARK1$tag"
    expect_ok "report show (text)" report show 2
    expect_out "report show (text) prints the content" "CLIMARK2$tag"
    expect_fail "report show of a missing report" "report 999 not found" report show 999
    expect_fail "report show with a non-numeric ID" "not an ID" report show abc

    expect_json "report triage opens an incident" state triage report triage 1 \
        --title "CLI incident $tag" --severity high
    [ "$(jget "$O" id)" = 1 ] && ok "$MODE: triage answers incident 1" ||
        bad "$MODE: triage answered $(jget "$O" id)"
    expect_json "report triage --incident" id 1 report triage 2 --incident 1
    expect_json "incident list" "" "" incident list
    expect_out "incident list has the incident" "CLI incident $tag"
    expect_json "incident show" id 1 incident show 1
    expect_out "incident show lists report 2" '"incident_id": 1'
    expect_ok "incident show (text)" incident show 1
    expect_out "incident show (text) has the title" "CLI incident $tag"

    expect_json "investigation add" state open investigation add 1 --party abuse@example.net \
        --subject "please take down"
    expect_json "investigation message" state waiting investigation message 1 \
        --body "please act" --direction out
    expect_out "investigation message is recorded" '"please act"'
    expect_json "investigation state answered" state answered investigation state 1 answered
    expect_fail "investigation state bogus" "bogus" investigation state 1 bogus
    expect_json "task add" done 0 task add 1 --title "block 198.51.100.7"
    expect_json "task update --done" done 1 task update 1 --done

    expect_json "incident resolve" state resolved incident resolve 1 --resolution "fixed"
    expect_out "incident resolve records the resolution" '"resolution": "fixed"'
    expect_fail "incident resolve twice" "cannot go from .resolved." incident resolve 1
    expect_json "incident reopen" reopen_count 1 incident reopen 1
    st=$(jget "$O" state)
    [ "$st" != resolved ] && [ -n "$st" ] && ok "$MODE: reopened incident is in '$st'" ||
        bad "$MODE: reopened incident state '$st'"
    expect_fail "incident resolve of a missing incident" "incident 77 not found" incident resolve 77

    if printf 'correct horse battery\n' | hkc --json user add alice --role handler --team cert \
        --password-stdin; then
        [ "$(jget "$O" role)" = handler ] && ok "$MODE: user add --password-stdin" ||
            bad "$MODE: user add: $(cat "$O")"
    else
        bad "$MODE: user add --password-stdin: $(cat "$E")"
    fi
    expect_out "user add does not echo the password" '"name": "alice"'
    if grep -q "correct horse" "$O"; then bad "$MODE: user add echoed the password"; fi
    printf 'x\n' | hkc user add bob --role handler --password-stdin
    [ $? -ne 0 ] && grep -q "password must be" "$E" && ok "$MODE: user add rejects a short password" ||
        bad "$MODE: user add accepted a 1-character password"
    expect_fail "user add with a bad role" "unknown role .wizard." user add carol --role wizard
    expect_json "token create" user alice token create --user alice --name ci
    atok=$(jget "$O" token)
    atid=$(jget "$O" id)
    case $atok in hk_*) ok "$MODE: token create shows the secret once" ;;
    *) bad "$MODE: token create secret '$atok'" ;; esac
    expect_json "token list" "" "" token list
    expect_out "token list has the new token" '"name": "ci"'
    if grep -q "$atok" "$O"; then bad "$MODE: token list shows a secret"; else
        ok "$MODE: token list shows no secret"; fi
    if [ "$MODE" = remote ]; then
        "$HK_BIN" --server "$URL" --token "$atok" --json incident show 1 >"$O" 2>"$E" &&
            ok "remote: alice's new token works" || bad "remote: alice's token: $(cat "$E")"
    fi
    expect_json "token revoke" revoked true token revoke "$atid"
    if [ "$MODE" = remote ]; then
        "$HK_BIN" --server "$URL" --token "$atok" incident show 1 >"$O" 2>"$E"
        rc=$?
        [ $rc -eq 77 ] && grep -q "revoked" "$E" && ok "remote: a revoked token is refused" ||
            bad "remote: revoked token: exit $rc $(cat "$E")"
    fi
    expect_fail "token revoke of a missing token" "token 999 not found" token revoke 999

    expect_json "observable lookup" value 198.51.100.7 observable 198.51.100.7
    expect_out "observable lookup names the incident" "CLI incident $tag"
    expect_ok "audit verify" audit verify
    expect_out "audit verify says intact" "intact"
}

# ---- local mode ----
MODE=local
if "$HK_BIN" --data "$L" init >"$O" 2>"$E" && grep -q '^    hk_' "$O"; then
    ok "local: init prints the admin token"
else
    bad "local: init: $(cat "$O" "$E")"
fi
if "$HK_BIN" --data "$L" init >"$O" 2>"$E" && ! grep -q 'token\|^    hk_' "$O" && grep -q ready "$O"; then
    ok "local: a second init prints no token"
else
    bad "local: second init: $(cat "$O" "$E")"
fi
suite L
expect_ok "db check" db check
expect_out "db check says ok" "integrity ok"

# ---- remote mode ----
MODE=remote
if start_server "$R" "$HK_TMP/srv" && [ -n "$SRV_TOKEN" ]; then
    ok "remote: serve prints the admin token on first start"
else
    bad "remote: serve did not start: $(cat "$HK_TMP/srv.err")"
    finish
fi
URL=http://127.0.0.1:$SRV_PORT
TOK=$SRV_TOKEN
suite R
expect_fail "db check refuses remote mode" "local data directory" db check
TOK=hk_not_a_token
expect_fail "a bad token is refused" "invalid, expired or revoked token" report list
TOK=$SRV_TOKEN
stop_server TERM
[ "$SRV_RC" -eq 0 ] && ok "remote: server stops cleanly on SIGTERM" || bad "server exit $SRV_RC"
expect_fail "an unreachable server" "cannot reach" report list
"$HK_BIN" --data "$R" audit verify >"$O" 2>"$E" && ok "remote: the server's log verifies locally" ||
    bad "remote: audit verify of the server's data: $(cat "$E")"

# ---- help and usage errors (no data needed) ----
MODE=local
g() {
    "$HK_BIN" "$@" >"$O" 2>"$E"
}
g --help && grep -q "incident resolve" "$O" && grep -q "GLOBAL OPTIONS" "$O" &&
    ok "hikeshi --help lists commands and global options" || bad "hikeshi --help: $(cat "$O" "$E")"
g help incident resolve && grep -q "resolve an incident" "$O" && grep -q -- "--resolution" "$O" &&
    ok "hikeshi help incident resolve" || bad "hikeshi help incident resolve: $(cat "$O" "$E")"
g incident resolve --help && grep -q "resolve an incident" "$O" &&
    ok "hikeshi incident resolve --help" || bad "incident resolve --help: $(cat "$O" "$E")"
g incident --help && grep -q "incident reopen" "$O" && grep -q "incident show" "$O" &&
    ok "hikeshi incident --help lists the subcommands" || bad "incident --help: $(cat "$O" "$E")"
g help frobnicate
[ $? -ne 0 ] && grep -q "no such command 'frobnicate'" "$E" && ok "hikeshi help of an unknown command" ||
    bad "help frobnicate: $(cat "$E")"
expect_fail "unknown command" "no such command 'frobnicate'" frobnicate
expect_fail "unknown subcommand" "no such command\|needs a subcommand" incident frobnicate
expect_fail "group without subcommand" "needs a subcommand" incident
expect_fail "unknown option" "unknown option '--bogus'" report list --bogus
expect_fail "unknown option before the command" "unknown option '--bogus'" --bogus report list
expect_fail "unknown option of a table command" "unknown option '--nope'" incident show 1 --nope
expect_fail "unknown option of init" "unknown option" init --nope
expect_fail "missing positional argument" "usage" incident show
expect_fail "--data without a value" "needs a value" report list --data
g
[ $? -ne 0 ] && grep -q COMMANDS "$O" && ok "hikeshi alone prints help and exits non-zero" ||
    bad "hikeshi alone: $(cat "$O" "$E")"
timeout 20 "$HK_BIN" --data "$L" serve --listen bogus >"$O" 2>"$E"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "bad listen address 'bogus'" "$E" &&
    ok "serve --listen bogus fails clearly (exit $rc)" || bad "serve --listen bogus: exit $rc $(cat "$E")"
timeout 20 "$HK_BIN" --data "$L" serve --listen 127.0.0.1:99999 >"$O" 2>"$E"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "listen" "$E" && ok "serve --listen with port 99999 fails" ||
    bad "serve --listen 127.0.0.1:99999: exit $rc $(cat "$E")"
timeout 20 "$HK_BIN" --data "$L" serve --threads 0 >"$O" 2>"$E"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "threads" "$E" && ok "serve --threads 0 fails" ||
    bad "serve --threads 0: exit $rc $(cat "$E")"

finish
