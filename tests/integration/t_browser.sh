# SPDX-License-Identifier: MIT
# End-to-end browser test of the web UI (issue 3): a fresh `hikeshi serve` on an ephemeral
# loopback port, an e2e handler and reporter created through the API with the admin token,
# then tests/browser/e2e.mjs in headless Chromium (Debian's chromium driven by
# playwright-core): sign-in, report submission, triage into a new incident, an
# investigation, resolution, statistics, the XSS payloads, the Japanese UI, sign-out,
# session expiry (cookie gone; and a real 2 s idle timeout on a second server started with
# --session-idle 2), the sign-in rate limit, and vulnerability handling (two vendor teams
# created here; a case reported, coordinated, scheduled and published). The [DEMO] data set is loaded (not in
# sanitizer builds) before the scenario, so that the screenshots, in <dir of HK_BIN>/screenshots,
# show a living system.
# The npm dependency (pinned in tests/browser/package-lock.json) is installed with `npm ci`
# into <dir of HK_BIN>/browser-test, never into the source tree, so the normal and the
# ASan build can run this test at the same time.
. "$(dirname "$0")/hk_testlib.sh"

BUILD_DIR=$(cd "$(dirname "$HK_BIN")" && pwd)
SHOTS="$BUILD_DIR/screenshots"
CACHE="$BUILD_DIR/browser-test"
CHROMIUM=${HK_CHROMIUM:-}
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -z "$CHROMIUM" ] && [ -x "$c" ] && CHROMIUM=$c
done

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 || [ -z "$CHROMIUM" ]; then
    echo "t_browser: needs node, npm and chromium (sh scripts/deps.sh test installs them)" >&2
    bad "browser test prerequisites (node, npm, chromium)"
    finish
fi

# --- node dependencies: npm ci into the build directory when the lock file changed ---
mkdir -p "$CACHE" || exit 1
if ! cmp -s "$HK_SRC/tests/browser/package-lock.json" "$CACHE/package-lock.json" ||
    [ ! -f "$CACHE/node_modules/playwright-core/package.json" ]; then
    cp "$HK_SRC/tests/browser/package.json" "$HK_SRC/tests/browser/package-lock.json" "$CACHE/" || exit 1
    if (cd "$CACHE" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
        ok "npm ci of the pinned browser-test dependencies"
    else
        cat "$CACHE/npm.log" >&2
        rm -f "$CACHE/package-lock.json"
        bad "npm ci of the pinned browser-test dependencies"
        finish
    fi
fi
# The test runs from the cache directory so that 'playwright-core' resolves there.
cp "$HK_SRC/tests/browser/e2e.mjs" "$CACHE/e2e.mjs" || exit 1

# --- a fresh server ---
DATA="$HK_TMP/data"
if start_server "$DATA" "$HK_TMP/serve.log"; then
    ok "hikeshi serve started on port $SRV_PORT"
else
    cat "$HK_TMP/serve.log" "$HK_TMP/serve.log.err" >&2
    bad "hikeshi serve started"
    finish
fi
URL="http://127.0.0.1:$SRV_PORT"
ADMIN_PW=$(sed -n 's/^ *admin password: *//p' "$HK_TMP/serve.log" | head -n 1)
check "the first start printed the admin token and password" test -n "$SRV_TOKEN" -a -n "$ADMIN_PW"

# The admin signs in through the session API with the printed password.
code=$(curl -s -o "$HK_TMP/session.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"user\":\"admin\",\"password\":\"$ADMIN_PW\"}" "$URL/api/v1/session")
check "the printed admin password signs in (POST /api/v1/session -> 201)" test "$code" = 201

HANDLER_PW="e2e-handler-$$-pw"
REPORTER_PW="e2e-reporter-$$-pw"
mkuser() {
    curl -s -o "$HK_TMP/user-$1.json" -w '%{http_code}' -H "Authorization: Bearer $SRV_TOKEN" \
        -H 'Content-Type: application/json' \
        -d "{\"name\":\"$1\",\"role\":\"$2\",\"password\":\"$3\"}" "$URL/api/v1/users"
}
check "handler user created" test "$(mkuser e2e-handler handler "$HANDLER_PW")" = 201
check "reporter user created" test "$(mkuser e2e-reporter reporter "$REPORTER_PW")" = 201
# Two vendor teams for the vulnerability-handling part (cases coordinate with directory
# teams of type vendor or psirt).
mkvendor() {
    curl -s -o "$HK_TMP/team-$1.json" -w '%{http_code}' -H "Authorization: Bearer $SRV_TOKEN" \
        -H 'Content-Type: application/json' \
        -d "{\"name\":\"$1\",\"type\":\"vendor\",\"full_name\":\"$2\",\"email\":\"$3\"}" "$URL/api/v1/teams"
}
check "vendor team e2e-acme created" test "$(mkvendor e2e-acme 'ACME Corp PSIRT' psirt@acme.example)" = 201
check "vendor team e2e-globex created" test "$(mkvendor e2e-globex 'Globex Security' security@globex.example)" = 201

# The [DEMO] data set makes the screenshots show a living system. It is set-up, not a check:
# the scenario asserts differences, not absolute numbers. Skipped in sanitizer builds (slow
# there, and their screenshots are not the ones to look at); HK_E2E_DEMO=0/1 overrides.
DEMO_DEFAULT=1
grep -q '^HK_ASAN:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null && DEMO_DEFAULT=0
if [ "${HK_E2E_DEMO:-$DEMO_DEFAULT}" = 1 ]; then
    if "$HK_BIN" --data "$DATA" demo >"$HK_TMP/demo.log" 2>&1; then
        echo "demo data loaded"
    else
        echo "note: 'hikeshi demo' failed; the scenario runs on an empty server:" >&2
        tail -n 3 "$HK_TMP/demo.log" >&2
    fi
fi

# A second server whose sessions expire after 2 s idle: the UI must notice by itself.
IDLE_PID=""
IDLE_URL=""
"$HK_BIN" --data "$HK_TMP/idle" serve --listen 127.0.0.1:0 --session-idle 2 \
    >"$HK_TMP/idle.log" 2>"$HK_TMP/idle.log.err" &
IDLE_PID=$!
HK_PIDS="$HK_PIDS $IDLE_PID"
i=0
while [ $i -lt 100 ] && [ -z "$IDLE_URL" ]; do
    p=$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$HK_TMP/idle.log" 2>/dev/null)
    [ -n "$p" ] && IDLE_URL="http://127.0.0.1:$p"
    kill -0 "$IDLE_PID" 2>/dev/null || break
    [ -z "$IDLE_URL" ] && sleep 0.1
    i=$((i + 1))
done
IDLE_PW=$(sed -n 's/^ *admin password: *//p' "$HK_TMP/idle.log" | head -n 1)
check "a second server with --session-idle 2 started" test -n "$IDLE_URL" -a -n "$IDLE_PW"

# --- the browser scenario ---
rm -rf "$SHOTS"
if HK_URL="$URL" HK_ADMIN_TOKEN="$SRV_TOKEN" HK_ADMIN_PW="$ADMIN_PW" HK_HANDLER=e2e-handler HK_HANDLER_PW="$HANDLER_PW" \
    HK_REPORTER=e2e-reporter HK_REPORTER_PW="$REPORTER_PW" HK_SHOTS="$SHOTS" \
    HK_CHROMIUM="$CHROMIUM" HK_SRC="$HK_SRC" HK_VENDORS=e2e-acme,e2e-globex HK_IDLE_URL="$IDLE_URL" HK_IDLE_PW="$IDLE_PW" node "$CACHE/e2e.mjs" >"$HK_TMP/e2e.log" 2>&1; then
    sed 's/^/    /' "$HK_TMP/e2e.log"
    ok "browser scenario ($(sed -n 's/^\([0-9]*\) passed.*/\1/p' "$HK_TMP/e2e.log") checks)"
else
    sed 's/^/    /' "$HK_TMP/e2e.log"
    bad "browser scenario"
fi
for s in dashboard queue incident statistics report vulnerability; do
    check "screenshot $s.png saved" test -s "$SHOTS/$s.png"
done

check "the server is still alive after the scenario" kill -0 "$SRV_PID"
stop_server
if [ "$SRV_RC" = 0 ]; then
    ok "the server exited cleanly"
else
    tail -n 40 "$HK_TMP/serve.log.err" >&2
    bad "the server exited cleanly (status $SRV_RC)"
fi
finish
