#!/bin/sh
# SPDX-License-Identifier: MIT
# CSAF 2.0 validation of every document of the OASIS conformance suite
# (tests/data/csaf/validator/data, 239 documents listed in testcases.json), side by side with
# the reference validator @secvisogram/csaf-validator-lib (npm, run by node through
# bench/csaf_ref.mjs with its csaf_2_0 schema test and every mandatory test, the same checks as
# `hikeshi advisory validate`). Both read, parse and validate all documents ROUNDS times
# (default 20) in one process each; CPU time (user+system) is measured with GNU time for both
# processes, and for the reference also inside node for the validation loop alone (without
# node's start-up and module loading). Prints both, the ratio, and how many documents the two
# agree on (same verdict; same set of failed test IDs), and each one's agreement with
# testcases.json on the mandatory tests.
# The reference is installed with npm into build-bench/csaf-ref on first use (not committed).
# With --mutants, also a differential run: bench/csaf_mutants.py writes 8 mutants of each
# suite document and example (2,064 documents with one or two random edits each); both
# validators check them once and the agreement is printed, with the tests they differ on.
# Usage: bench/csaf.sh [--mutants]   Env: ROUNDS, HK_BIN (default build-bench/hikeshi, built
# Release), REF_VERSION (default 2.0.10), KEEP=1.
set -eu
. "$(dirname -- "$0")/lib.sh"

ROUNDS=${ROUNDS:-20}
REF_VERSION=${REF_VERSION:-2.0.10}
ensure_bin
make_work csaf
DATA=$HK_ROOT/tests/data/csaf/validator/data
command -v /usr/bin/time >/dev/null || die "needs GNU time (/usr/bin/time)"

$PY -c 'import json,sys
tc = json.load(open(sys.argv[1]))["tests"]
print("\n".join(sorted({f["name"] for t in tc for k in ("failures", "valid") for f in t.get(k, [])})))' \
    "$DATA/testcases.json" >"$WORK/names"
n=$(wc -l <"$WORK/names")
i=0
: >"$WORK/repeated"
while [ $i -lt "$ROUNDS" ]; do
    cat "$WORK/names" >>"$WORK/repeated"
    i=$((i + 1))
done
echo "== $n documents x $ROUNDS rounds"

cd "$DATA"
# GNU time around xargs: its rusage includes every hikeshi process xargs starts and reaps
# (at most 1000 files per process: the CLI takes up to 1024 arguments).
/usr/bin/time -o "$WORK/hk.time" -f '%U %S' xargs -n 1000 "$HK_BIN" advisory validate --json \
    <"$WORK/repeated" >"$WORK/hk.all" 2>/dev/null || true
head -n "$n" "$WORK/hk.all" >"$WORK/hk.out"
hk_cpu=$(tail -n 1 "$WORK/hk.time" | awk '{printf "%.3f", $1 + $2}')
echo "hikeshi CLI ($HK_BIN): $hk_cpu s CPU ($(wc -l <"$WORK/hk.all") documents validated)"

# The same work in-process (bench/csaf_bench.c against libhikeshi.a): thread CPU of the
# read+parse+validate rounds only, the counterpart of the reference's validation loop.
LIB=$(dirname -- "$HK_BIN")/libhikeshi.a
inproc=
if [ -f "$LIB" ] && cc -O2 -std=c17 -D_GNU_SOURCE -I"$HK_ROOT/include" "$HK_ROOT/bench/csaf_bench.c" \
    "$LIB" $(pkg-config --libs jansson libpcre2-8 libsodium) -lpthread -lm -o "$WORK/csaf_bench" 2>/dev/null; then
    # shellcheck disable=SC2046
    inproc=$("$WORK/csaf_bench" "$ROUNDS" $(cat "$WORK/names"))
    echo "hikeshi in-process (bench/csaf_bench.c): $inproc"
    inproc=${inproc%% s CPU*}
fi

REF_DIR=$HK_BENCH_BUILD/csaf-ref
REF_LIB=$REF_DIR/node_modules/@secvisogram/csaf-validator-lib
ref_ok=0
if command -v node >/dev/null 2>&1; then
    if [ ! -d "$REF_LIB" ] && command -v npm >/dev/null 2>&1; then
        mkdir -p "$REF_DIR"
        npm install --prefix "$REF_DIR" --no-audit --no-fund --silent \
            "@secvisogram/csaf-validator-lib@$REF_VERSION" >"$WORK/npm.log" 2>&1 || true
    fi
    [ -d "$REF_LIB" ] && ref_ok=1
fi
if [ $ref_ok = 0 ]; then
    echo "reference: not run (node $(node --version 2>/dev/null || echo missing); npm install" \
        "of @secvisogram/csaf-validator-lib@$REF_VERSION failed: $(tail -n 3 "$WORK/npm.log" 2>/dev/null))"
    exit 0
fi
# shellcheck disable=SC2046
/usr/bin/time -o "$WORK/ref.time" -f '%U %S' node "$HK_ROOT/bench/csaf_ref.mjs" "$REF_LIB" \
    "$ROUNDS" $(cat "$WORK/names") >"$WORK/ref.out" 2>"$WORK/ref.err" || die "reference failed: $(tail -n 5 "$WORK/ref.err")"
ref_cpu=$(tail -n 1 "$WORK/ref.time" | awk '{printf "%.3f", $1 + $2}')
ref_val=$(awk '/validation_cpu_s/ {print $2}' "$WORK/ref.err")
echo "reference @secvisogram/csaf-validator-lib $REF_VERSION (node $(node --version)):" \
    "$ref_cpu s CPU for the process, $ref_val s CPU in the validation loop"
awk -v h="$hk_cpu" -v r="$ref_cpu" -v v="$ref_val" -v i="${inproc:-0}" 'BEGIN {
    printf "ratio: reference/hikeshi = %.1fx (whole processes)", r / h
    if (i > 0) printf ", %.1fx (validation loops in-process)", v / i
    printf "\n" }'

$PY - "$DATA/testcases.json" "$WORK/hk.out" "$WORK/ref.out" <<'PYEOF'
import json, sys
tc = json.load(open(sys.argv[1]))["tests"]
hk = {r["file"]: r for r in map(json.loads, open(sys.argv[2]))}
ref = {r["file"]: r for r in map(json.loads, open(sys.argv[3]))}
same_verdict = same_tests = 0
for f, r in ref.items():
    h = hk[f]
    ht = {e["test"] for e in h["errors"]}
    same_verdict += h["valid"] == r["valid"]
    same_tests += ht == set(r["tests"])
print("agreement hikeshi/reference: same verdict on %d/%d documents, same failed tests on %d/%d"
      % (same_verdict, len(ref), same_tests, len(ref)))
for name, fails in (("hikeshi", lambda f: {e["test"] for e in hk[f]["errors"]}),
                    ("reference", lambda f: set(ref[f]["tests"]))):
    ok = tot = 0
    miss = []
    for t in tc:
        if t["group"] != "mandatory":
            continue
        for f in t.get("failures", []):
            tot += 1
            good = t["id"] in fails(f["name"])
            ok += good
            if not good: miss.append(f["name"] + " should fail " + t["id"])
        for f in t.get("valid", []):
            tot += 1
            good = not fails(f["name"])
            ok += good
            if not good: miss.append(f["name"] + " should be valid")
    print("%s vs testcases.json (mandatory): %d/%d%s" % (name, ok, tot,
          "".join("\n    " + m for m in miss)))
PYEOF

[ "${1:-}" = --mutants ] || exit 0
mkdir -p "$WORK/mut"
m=$($PY "$HK_ROOT/bench/csaf_mutants.py" "$WORK/mut" $(cat "$WORK/names") \
    $(find "$HK_ROOT/tests/data/csaf/examples" -name '*.json' | sort))
cd "$WORK/mut"
ls m0*.json | xargs -n 1000 "$HK_BIN" advisory validate --json >"$WORK/mut.hk" 2>/dev/null || true
# shellcheck disable=SC2046
node "$HK_ROOT/bench/csaf_ref.mjs" "$REF_LIB" 1 m0*.json >"$WORK/mut.ref" 2>/dev/null
$PY - "$WORK/mut.hk" "$WORK/mut.ref" "$m" <<'PYEOF'
import collections, json, sys
hk = {r["file"]: r for r in map(json.loads, open(sys.argv[1]))}
ref = {r["file"]: r for r in map(json.loads, open(sys.argv[2]))}
sv = st = 0
diff = collections.Counter()
for f, r in ref.items():
    h = {e["test"] for e in hk[f]["errors"]}
    sv += hk[f]["valid"] == r["valid"]
    st += h == set(r["tests"])
    for t in h ^ set(r["tests"]):
        diff[t + (" hikeshi only" if t in h else " reference only")] += 1
print("mutants (%s): same verdict %d/%d, same failed tests %d/%d" % (sys.argv[3], sv, len(ref), st, len(ref)))
print("  differing test IDs: " + ", ".join("%s %d" % kv for kv in diff.most_common()))
PYEOF
