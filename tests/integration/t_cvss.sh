#!/bin/sh
# SPDX-License-Identifier: MIT
# `hikeshi vuln cvss` end to end (issue 7, acceptance 1): every vector of the reference
# sets in tests/data/cvss/ is scored through the binary (`vuln cvss -`, one process per
# file) and each score compared with the file's; the number of vectors compared per file
# is checked so that an empty or truncated output cannot pass. Then the single-vector
# output (text and --json), and malformed vectors: non-zero exit and a precise message.
set -u
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_SRC/tests/data/cvss
O=$HK_TMP/out
E=$HK_TMP/err

# redhat FILE COUNT: "VECTOR - (b, t, e)" / "VECTOR - (s,)" / "VECTOR - s" lines against the
# binary's rows "VECTOR base temporal environmental score severity". For v4.0 the file's
# one score is the vector's score; v2's None means the kind is not defined ("-").
redhat() {
    sed 's/ - .*//' "$D/redhat/$1" | "$HK_BIN" vuln cvss - >"$O" 2>"$E"
    rc=$?
    res=$(awk -F'\t' -v data="$D/redhat/$1" '
        BEGIN {
            while ((getline l < data) > 0) {
                i = index(l, " - "); v = substr(l, 1, i - 1); s = substr(l, i + 3)
                gsub(/[() ]/, "", s); n = split(s, f, ",")
                want[v] = s; nf[v] = n; total++
            }
        }
        function num(x) { return x == "None" ? "-" : sprintf("%.1f", x + 0) }
        {
            seen++
            n = split(want[$1], f, ",")
            if (!($1 in want)) { bad++; print "unknown " $1 > "/dev/stderr"; next }
            if ($1 ~ /^CVSS:4\.0\//) ok = (num(f[1]) == $5)
            else ok = (num(f[1]) == $2 && num(f[2]) == $3 && num(f[3]) == $4)
            if (!ok) { bad++; if (bad < 5) print "mismatch " $0 " want " want[$1] > "/dev/stderr" }
        }
        END { printf "%d %d %d\n", total, seen, bad + 0 }' "$O")
    set -- "$1" "$2" $res
    if [ $rc -eq 0 ] && [ "$3" -eq "$2" ] && [ "$4" -eq "$2" ] && [ "$5" -eq 0 ]; then
        ok "$1: $4 vectors agree"
    else
        bad "$1: rc $rc, $3 lines, $4 scored, $5 differ (expected $2)"
    fi
}

redhat vectors_simple2 729
redhat vectors_simple3 2592
redhat vectors_simple31 2592
redhat vectors_simple4 1058
redhat vectors_supplemental4 576
redhat vectors_security4 54
redhat vectors_threat4 6

# FIRST's 270 macrovector vectors: {'vector': '...', 'score': S, 'severity': '...'}.
sed "s/.*'vector': '\([^']*\)'.*/\1/" "$D/first/macro-scores" | "$HK_BIN" vuln cvss - >"$O" 2>"$E"
rc=$?
res=$(awk -F'\t' -v data="$D/first/macro-scores" '
    BEGIN {
        while ((getline l < data) > 0) {
            v = l; sub(/^.*.vector.: ./, "", v); sub(/., .score.*$/, "", v)
            s = l; sub(/^.*.score.: /, "", s); sub(/,.*$/, "", s)
            sev = l; sub(/^.*.severity.: ./, "", sev); sub(/.}.*$/, "", sev)
            want[v] = sprintf("%.1f", s + 0); wsev[v] = sev; total++
        }
    }
    { seen++; if (want[$1] != $5 || wsev[$1] != $6) bad++ }
    END { printf "%d %d %d\n", total, seen, bad + 0 }' "$O")
set -- $res
if [ $rc -eq 0 ] && [ "$1" -eq 270 ] && [ "$2" -eq 270 ] && [ "$3" -eq 0 ]; then
    ok "first/macro-scores: 270 vectors agree (score and severity)"
else
    bad "first/macro-scores: rc $rc, $1 lines, $2 scored, $3 differ"
fi

# One vector: headline and lines; --json.
"$HK_BIN" vuln cvss 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' >"$O" 2>"$E"
check "v3.1 headline '9.8 Critical'" [ "$(head -n 1 "$O")" = "9.8 Critical" ]
check "v3.1 lines base/temporal/environmental" [ "$(grep -c '^base \|^temporal \|^environmental ' "$O")" -eq 3 ]
"$HK_BIN" --json vuln cvss 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:P/MAV:A' >"$O" 2>"$E"
check "v4.0 --json is valid JSON" json_ok "$O"
check "v4.0 --json scores" grep -q '"base_score": 9.3' "$O"
check "v4.0 --json threat and environmental" sh -c "grep -q '\"threat_score\": 8.9' '$O' && grep -q '\"environmental_score\": 7.4' '$O'"
check "v4.0 --json nomenclature and macrovector" sh -c "grep -q '\"nomenclature\": \"CVSS-BTE\"' '$O' && grep -q '\"macrovector\": \"100210\"' '$O'"

# malformed VECTOR MESSAGE: non-zero exit, the vector and the message on stderr.
malformed() {
    if "$HK_BIN" vuln cvss "$1" >"$O" 2>"$E"; then
        bad "'$1' accepted"
    elif grep -qF "$1: $2" "$E"; then
        ok "'$1' refused: $2"
    else
        bad "'$1': unexpected message: $(cat "$E")"
    fi
}
malformed 'CVSS:3.1/AV:X' "metric AV has no value 'X' (allowed N, A, L, P)"
malformed 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N' 'metric AV given twice'
malformed 'CVSS:3.1/AV:N/AC:L/S:U/C:H/I:H/A:H' 'missing mandatory metrics PR, UI'
malformed 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/' "trailing '/' after the last metric"
malformed 'cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' "prefix 'cvss:' must be upper case 'CVSS:'"
malformed 'CVSS:4.0/AV:N/AT:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' 'metric AC out of order: CVSS v4.0 requires it before AT'
if "$HK_BIN" vuln cvss >"$O" 2>"$E"; then bad "no vector accepted"; else ok "no vector refused"; fi
printf 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\nCVSS:3.1/AV:X\n' | "$HK_BIN" vuln cvss - >"$O" 2>"$E"
rc=$?
check "bulk: a bad line makes the exit non-zero" [ $rc -ne 0 ]
check "bulk: the good line is still scored" grep -q '	9.8	Critical$' "$O"
check "bulk: the bad line is reported with its number" grep -q "line 2: CVSS:3.1/AV:X: metric AV" "$E"

finish
