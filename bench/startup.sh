#!/bin/sh
# SPDX-License-Identifier: MIT
# Start-up and idle-memory benchmark of 'hikeshi serve': the time from spawning the server
# to its first answered request (GET /healthz polled in a tight loop; target < 100 ms) and
# its resident memory (VmRSS from /proc) after start-up and 25 typical requests, idle
# (target < 20 MB). The probe is bench/startup_probe.py; each figure is the median of RUNS
# start-ups (default 10).
#
# Usage: bench/startup.sh [DATA_DIR TOKEN]
#   Without arguments a fresh data directory is initialised (not timed). With an existing
#   data directory and its admin token (e.g. from 'KEEP=1 bench/api.sh') the same is
#   measured against that database. Env: PORT (18120), RUNS (10), HK_BIN, KEEP=1.
set -eu
. "$(dirname -- "$0")/lib.sh"

PORT=${PORT:-18120}
RUNS=${RUNS:-10}
ensure_bin
make_work startup
if [ $# -ge 2 ]; then
    DATA=$1
    TOKEN=$2
else
    DATA=$WORK/data
    TOKEN=$(admin_token "$DATA")
fi
[ -n "$TOKEN" ] || die "no admin token"
echo "== $RUNS start-ups of hikeshi serve on 127.0.0.1:$PORT, data $DATA" \
    "($(du -sm "$DATA" | cut -f1) MB)"
"$PY" "$HK_ROOT/bench/startup_probe.py" "$PORT" "$TOKEN" "$RUNS" -- \
    "$HK_BIN" --data "$DATA" serve --listen "127.0.0.1:$PORT"
