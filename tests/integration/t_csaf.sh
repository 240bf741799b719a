#!/bin/sh
# SPDX-License-Identifier: MIT
# hikeshi advisory validate against the OASIS CSAF 2.0 conformance suite (tests/data/csaf/):
# every document testcases.json lists as failing a mandatory test (6.1.x) must be reported
# with that test's ID, every document it lists as valid (for any test) must be valid, and the
# 19 example advisories must be valid. The --json reports are checked by a small python3
# script; the human output and the exit codes (0 valid, 1 invalid, 2 usage or unreadable file)
# are checked directly.
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_SRC/tests/data/csaf
PY=/usr/bin/python3

cat >"$HK_TMP/check.py" <<'PYEOF'
import json, os, sys
base, reports = sys.argv[1], sys.argv[2]
tc = json.load(open(os.path.join(base, "testcases.json")))["tests"]
got = {}
for line in open(reports):
    r = json.loads(line)
    got[os.path.relpath(r["file"], base)] = r
agree = disagree = 0
mand = [0, 0]
for t in tc:
    for kind in ("failures", "valid"):
        for f in t.get(kind, []):
            r = got.get(f["name"])
            if kind == "failures" and t["group"] != "mandatory":
                continue  # optional/informative findings are not errors
            if r is None:
                ok = False
            elif kind == "failures":
                ok = t["id"] in {e["test"] for e in r["errors"]}
            else:
                ok = r["valid"]
            if t["group"] == "mandatory":
                mand[0] += 1
                mand[1] += ok
            if ok:
                agree += 1
            else:
                disagree += 1
                print("DISAGREE %s %s (%s): %s" % (f["name"], t["id"], kind,
                      json.dumps(r["errors"][:5]) if r else "no report"))
print("mandatory %d/%d, all listed %d agree, %d disagree" % (mand[1], mand[0], agree, disagree))
sys.exit(1 if disagree else 0)
PYEOF

# The whole suite in one run, file names from testcases.json.
$PY -c 'import json,sys
tc = json.load(open(sys.argv[1]))["tests"]
print("\n".join(sorted({f["name"] for t in tc for k in ("failures", "valid") for f in t.get(k, [])})))' \
    "$D/validator/data/testcases.json" >"$HK_TMP/names"
check "testcases.json lists 239 documents" test "$(wc -l <"$HK_TMP/names")" -eq 239
# shellcheck disable=SC2046
(cd "$D/validator/data" && "$HK_BIN" advisory validate --json $(cat "$HK_TMP/names")) \
    >"$HK_TMP/reports" 2>"$HK_TMP/err"
rc=$?
check "suite run exits 1 (some documents are invalid)" test "$rc" -eq 1
check "one report per document" test "$(wc -l <"$HK_TMP/reports")" -eq 239
(cd "$D/validator/data" && $PY "$HK_TMP/check.py" . "$HK_TMP/reports") >"$HK_TMP/verdict"
check "every mandatory verdict of testcases.json agrees" test $? -eq 0
cat "$HK_TMP/verdict"

# The example advisories.
"$HK_BIN" advisory validate "$D"/examples/*.json "$D"/examples/csaf_vex/*.json >"$HK_TMP/ex" 2>&1
check "the 19 examples are valid (exit 0)" test $? -eq 0
check "19 'valid' lines" test "$(grep -c ': valid$' "$HK_TMP/ex")" -eq 19

# Human output: test ID, path and message of each error.
bad=$D/validator/data/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json
"$HK_BIN" advisory validate "$bad" >"$HK_TMP/one" 2>&1
check "an invalid document exits 1" test $? -eq 1
check "human output names file and verdict" grep -q "6-1-01-01.json: invalid" "$HK_TMP/one"
check "human output has test ID and JSON pointer" \
    grep -Eq '^  6\.1\.1 +/product_tree/product_groups/0/product_ids/[0-9]+: definition of product id' \
    "$HK_TMP/one"

# Malformed JSON is an invalid document; a missing file and no argument are exit 2.
printf '{"document": ' >"$HK_TMP/trunc.json"
"$HK_BIN" advisory validate --json "$HK_TMP/trunc.json" >"$HK_TMP/trunc" 2>&1
check "truncated JSON exits 1" test $? -eq 1
check "truncated JSON reported as test json" grep -q '"test":"json"' "$HK_TMP/trunc"
"$HK_BIN" advisory validate "$HK_TMP/nonexistent.json" >/dev/null 2>&1
check "missing file exits 2" test $? -eq 2
"$HK_BIN" advisory validate >/dev/null 2>&1
check "no file exits 2" test $? -eq 2
printf '{"a":1,"a":2}' >"$HK_TMP/dup.json"
"$HK_BIN" advisory validate "$HK_TMP/dup.json" >"$HK_TMP/dup" 2>&1
check "duplicate member names are refused (exit 1)" test $? -eq 1

finish
