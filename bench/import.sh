#!/bin/sh
# SPDX-License-Identifier: MIT
# Bulk-import benchmark: N generated reports (default 1,000,000) through
# 'hikeshi report import' with observable extraction, duplicate folding and correlation,
# compared with a bare sqlite3 '.import' of the same rows into a plain four-column table
# (WAL, one transaction), which is the floor any SQLite-backed intake can reach.
#
# So that correlation has incidents to link to, a separate seed file of 1,000 reports is
# imported first and 200 of those reports are triaged into incidents; the seed shares the
# generator's hot observable pool with the big file.
#
# Usage: bench/import.sh [N]      (KEEP=1 keeps the scratch directory; HK_BIN overrides
#                                  the binary, default build-bench/hikeshi, built if needed)
set -eu
. "$(dirname -- "$0")/lib.sh"

N=${1:-1000000}
ensure_bin
command -v sqlite3 >/dev/null || die "sqlite3 (the shell) is needed"
make_work import
DATA=$WORK/data

echo "== generating $N reports (+1000 seed reports) in $WORK"
"$PY" "$HK_ROOT/bench/gen_reports.py" 1000 "$WORK/seed.jsonl" --seed 7
"$PY" "$HK_ROOT/bench/gen_reports.py" "$N" "$WORK/reports.jsonl" --csv "$WORK/reports.csv" \
    --seed 1

echo "== seeding: 1000 reports, 200 of them triaged into incidents"
admin_token "$DATA" >/dev/null
"$HK_BIN" --data "$DATA" report import "$WORK/seed.jsonl" >/dev/null
made=0
id=1
while [ $made -lt 200 ]; do
    if "$HK_BIN" --data "$DATA" report triage $id --title "Seed incident $id" \
        --severity high >/dev/null 2>&1; then
        made=$((made + 1))
    fi
    id=$((id + 4))
    [ $id -lt 1000 ] || die "could not triage 200 seed reports"
done

echo "== hikeshi report import ($N reports)"
sync
t0=$(now)
"$HK_BIN" --data "$DATA" --json report import "$WORK/reports.jsonl" >"$WORK/hk.json"
t1=$(now)
cat "$WORK/hk.json"

echo "== sqlite3 .import of the same rows (plain table, WAL, one transaction)"
sync
t2=$(now)
sqlite3 "$WORK/plain.db" <<EOF >/dev/null
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE r(source, reporter, subject, content);
BEGIN;
.import --csv $WORK/reports.csv r
COMMIT;
EOF
t3=$(now)
rows=$(sqlite3 "$WORK/plain.db" 'SELECT count(*) FROM r')
[ "$rows" = "$N" ] || die "sqlite3 imported $rows rows, expected $N"

"$PY" - "$WORK/hk.json" "$N" "$t0" "$t1" "$t2" "$t3" "$(nproc)" <<'EOF'
import json, sys
hk = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
hk_wall = n / (t1 - t0)
sq = n / (t3 - t2)
print()
print("reports                 %d (stored %d, duplicates %d, correlated %d, rejected %d)"
      % (n, hk["stored"], hk["duplicates"], hk["correlated"], hk["rejected"]))
print("hikeshi import          %.0f reports/s (its own figure; %.0f/s wall clock incl. "
      "start-up, %.1f s)" % (hk["reports_per_second"], hk_wall, t1 - t0))
print("sqlite3 .import         %.0f rows/s (%.1f s)" % (sq, t3 - t2))
print("ratio hikeshi/sqlite3   %.3f" % (hk["reports_per_second"] / sq))
print("target                  >= 100000 reports/s on %s cores: %s"
      % (sys.argv[7], "met" if hk["reports_per_second"] >= 100000 else "MISSED"))
EOF
