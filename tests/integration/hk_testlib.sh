# SPDX-License-Identifier: MIT
# Shared helpers for the integration scripts (sourced, not run: ctest only runs t_*.sh).
# Counting checks (ok/bad/finish prints "N passed, M failed"), a scratch directory removed
# on exit, starting and stopping `hikeshi serve` on an ephemeral loopback port with bounded
# waits, and a JSON validity check that uses python3 or jq when present.
# Every process started here is recorded in HK_PIDS and killed by the exit trap.

: "${HK_BIN:?HK_BIN must name the hikeshi binary}"
: "${HK_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"

HK_PASS=0
HK_FAIL=0
HK_PIDS=""
HK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hk_it.XXXXXX") || exit 1

hk_cleanup() {
    for p in $HK_PIDS; do
        kill -9 "$p" 2>/dev/null
    done
    for p in $HK_PIDS; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$HK_TMP"
}
trap 'hk_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() {
    HK_PASS=$((HK_PASS + 1))
    echo "ok - $*"
}

bad() {
    HK_FAIL=$((HK_FAIL + 1))
    echo "FAIL - $*"
}

# check DESCRIPTION COMMAND...: one check that passes when the command exits 0.
check() {
    d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}

finish() {
    echo "$HK_PASS passed, $HK_FAIL failed"
    [ "$HK_FAIL" -eq 0 ]
    exit $?
}

hk_forget_pid() {
    np=""
    for p in $HK_PIDS; do
        [ "$p" = "$1" ] || np="$np $p"
    done
    HK_PIDS=$np
}

# start_server DIR LOG [SERVE-OPTIONS...]: starts `hikeshi serve` on DIR; sets SRV_PID and
# SRV_PORT, and SRV_TOKEN when this start printed the first admin token. Returns non-zero if
# the server did not announce its port within 10 s.
start_server() {
    _d=$1
    _l=$2
    shift 2
    "$HK_BIN" --data "$_d" serve --listen 127.0.0.1:0 "$@" >"$_l" 2>"$_l.err" &
    SRV_PID=$!
    set -- "$_d" "$_l"
    HK_PIDS="$HK_PIDS $SRV_PID"
    SRV_PORT=""
    i=0
    while [ $i -lt 100 ]; do
        SRV_PORT=$(sed -n 's/.*(port \([0-9][0-9]*\)).*/\1/p' "$2" 2>/dev/null)
        [ -n "$SRV_PORT" ] && break
        kill -0 "$SRV_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    SRV_TOKEN=$(sed -n 's/^    \(hk_[A-Za-z0-9_-]*\)$/\1/p' "$2" | head -n 1)
    [ -n "$SRV_PORT" ]
}

# serve_or_finish DIR LOG [SERVE-OPTIONS...]: start_server, and when the server does not
# start, reports it and ends the test; sets SRV_URL.
serve_or_finish() {
    start_server "$@" || {
        bad "server did not start: $(tail -n 3 "$2.err" 2>/dev/null)"
        finish
    }
    SRV_URL=http://127.0.0.1:$SRV_PORT
}

# stop_server [SIGNAL]: stops SRV_PID (SIGTERM by default) and waits at most 10 s.
# Sets SRV_RC to the exit status.
stop_server() {
    kill "-${1:-TERM}" "$SRV_PID" 2>/dev/null
    i=0
    while kill -0 "$SRV_PID" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    SRV_RC=$?
    hk_forget_pid "$SRV_PID"
}

# json_ok FILE: FILE holds one valid JSON document.
json_ok() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -m json.tool "$1" >/dev/null 2>&1
    elif command -v jq >/dev/null 2>&1; then
        jq -e . "$1" >/dev/null 2>&1
    else
        # Fallback without a parser: an object or array from first to last character.
        tr -d ' \n\t\r' <"$1" | grep -Eq '^(\{.*\}|\[.*\])$'
    fi
}

# jget FILE KEY: the first "KEY": scalar in FILE (string, integer, null, true or false),
# at whatever depth; answers put "id" and the state first, so this is enough to assert them.
jget() {
    grep -o "\"$2\": *\(\"[^\"]*\"\|-\?[0-9][0-9]*\|null\|true\|false\)" "$1" | head -n 1 |
        sed "s/^\"$2\": *//; s/^\"\(.*\)\"\$/\1/"
}

# hk_csaf_ref: installs the reference CSAF validator (@secvisogram/csaf-validator-lib, pinned
# in tests/csaf-ref/package-lock.json) with `npm ci` into the build directory, once, under a
# lock (tests run in parallel), and sets HK_CSAF_REF to its directory. Returns non-zero when
# node/npm are missing or the install fails (the caller reports that as a failed check).
hk_csaf_ref() {
    _dir=$(dirname "$HK_BIN")/csaf-ref
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
    mkdir -p "$_dir" || return 1
    (
        flock 9
        if ! cmp -s "$HK_SRC/tests/csaf-ref/package-lock.json" "$_dir/package-lock.json" ||
            [ ! -f "$_dir/node_modules/@secvisogram/csaf-validator-lib/validate.js" ]; then
            cp "$HK_SRC/tests/csaf-ref/package.json" "$HK_SRC/tests/csaf-ref/package-lock.json" "$_dir/" &&
                (cd "$_dir" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1) ||
                { rm -f "$_dir/package-lock.json"; exit 1; }
        fi
    ) 9>"$_dir.lock" || return 1
    HK_CSAF_REF=$_dir/node_modules/@secvisogram/csaf-validator-lib
}

# Debian's python3 (aiosmtpd and jsonschema are Debian packages), not one earlier on the PATH.
HK_PY=/usr/bin/python3
[ -x "$HK_PY" ] || HK_PY=python3

# hk_gpg_key 'Name <addr>': a throwaway ed25519 signing key in $HK_TMP/gnupg; sets G (the
# GnuPG home) and FPR (the key's fingerprint). Returns non-zero when gpg fails.
hk_gpg_key() {
    G=$HK_TMP/gnupg
    mkdir -m 700 "$G" || return 1
    GNUPGHOME=$G gpg --batch --quiet --passphrase '' --quick-gen-key "$1" ed25519 sign never \
        2>/dev/null || return 1
    FPR=$(GNUPGHOME=$G gpg --batch --with-colons --list-secret-keys 2>/dev/null |
        awk -F: '/^fpr/ {print $10; exit}')
    [ -n "$FPR" ]
}

# hk_smtp_start: a real SMTP server (aiosmtpd) on a free loopback port, delivering into the
# Maildir $HK_TMP/maildir; sets PORT and MD. Returns non-zero when aiosmtpd is missing or
# the server does not accept connections within 5 s.
hk_smtp_start() {
    "$HK_PY" -c 'import aiosmtpd' 2>/dev/null || return 1
    PORT=$("$HK_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    MD=$HK_TMP/maildir
    "$HK_PY" -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox "$MD" \
        >"$HK_TMP/smtp.log" 2>&1 &
    HK_PIDS="$HK_PIDS $!"
    _i=0
    while ! "$HK_PY" -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; do
        _i=$((_i + 1))
        [ $_i -gt 50 ] && return 1
        sleep 0.1
    done
}
