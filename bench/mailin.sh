#!/bin/sh
# SPDX-License-Identifier: MIT
# Mail intake throughput (issue 4: at least 1,000 X-ARF messages/s through
# `hikeshi mail-in --maildir`). Builds a Maildir of N X-ARF v3 mails (every positive sample
# of tests/data/xarf in turn, each with its own source address and Message-ID so nothing
# folds as a duplicate), then times one `mail-in --maildir` run over it into a fresh data
# directory: parse (GMime), validate (X-ARF v3 schema rules), store raw, submit the report
# (extraction, correlation), move the file after commit.
# Usage: bench/mailin.sh [N] [BATCH]   (HK_BIN = the hikeshi binary; default build-mailin)
set -eu
N=${1:-5000}
BATCH=${2:-100}
SRC=$(cd "$(dirname "$0")/.." && pwd)
H=${HK_BIN:-$SRC/build-mailin/hikeshi}
T=$(mktemp -d "${TMPDIR:-/tmp}/hk_bench_mailin.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/md/new" "$T/md/cur" "$T/md/tmp"
python3 - "$SRC/tests/data/xarf/positive/3" "$T/md/new" "$N" <<'PY'
import json, os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
docs = [json.load(open(os.path.join(src, f))) for f in sorted(os.listdir(src))]
for i in range(n):
    d = json.loads(json.dumps(docs[i % len(docs)]))
    r = d["Report"]
    ip = "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
    if "SourceIp" in r:
        r["SourceIp"] = ip
    elif "AttackerIp" in r:
        r["AttackerIp"] = ip
    r["ReporterCaseID"] = "case-%d" % i
    body = json.dumps(d)
    msg = ("From: Abuse Desk <abuse@reporter.example>\r\nTo: csirt@example.net\r\n"
           "Subject: abuse report %d\r\nMessage-ID: <bench-%d@reporter.example>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
           "--b\r\nContent-Type: text/plain\r\n\r\nAbuse report attached.\r\n"
           "--b\r\nContent-Type: application/json\r\n"
           "Content-Disposition: attachment; filename=\"xarf.json\"\r\n\r\n%s\r\n--b--\r\n"
           % (i, i, body))
    with open(os.path.join(dst, "%d.bench:2," % i), "w") as f:
        f.write(msg)
PY
"$H" --data "$T/d" init >/dev/null 2>&1
start=$(date +%s.%N)
"$H" --data "$T/d" --json mail-in --maildir "$T/md" --batch "$BATCH" >"$T/out"
end=$(date +%s.%N)
python3 - "$T/out" "$start" "$end" "$N" "$BATCH" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
s = float(sys.argv[3]) - float(sys.argv[2])
n = int(sys.argv[4])
assert out["stored"] == n and out["reports"] == n and out["unparsed"] == 0, out
print("mail-in --maildir: %d X-ARF messages (batch %s) in %.2f s: %.0f messages/s"
      % (n, sys.argv[5], s, n / s))
PY
