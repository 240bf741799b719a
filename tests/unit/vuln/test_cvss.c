/* SPDX-License-Identifier: MIT */
/*
 * CVSS parsing and scoring against reference data (tests/data/cvss/, see its README):
 * every line of Red Hat's scored sets ("VECTOR - (base, temporal, environmental)", v2.0,
 * v3.0, v3.1, v4.0) and of FIRST's 270 macrovector vectors must parse and score exactly;
 * the number of vectors checked per file is asserted so that an empty or truncated file
 * fails. Then scores that those sets do not cover (v2/v3 temporal and environmental, the
 * v4.0 CVSS-B/BT/BTE split) against values from FIRST's calculators, and malformed vectors,
 * each refused with a precise message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/cvss.h"

static FILE *open_data(const char *name)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/data/cvss/%s", getenv("HK_SRC") ? getenv("HK_SRC") : ".",
             name);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    return f;
}

/* "9.8", "-0.0", "10" -> tenths; "None" -> -1; anything else fails the test. */
static int tenths(const char *s, size_t n)
{
    int v = 0, neg = 0;
    size_t i = 0;

    while (n && s[n - 1] == ' ')
        n--;
    while (i < n && s[i] == ' ')
        i++;
    if (n - i == 4 && memcmp(s + i, "None", 4) == 0)
        return -1;
    if (i < n && s[i] == '-')
        neg = 1, i++;
    if (i >= n || s[i] < '0' || s[i] > '9')
        fail_msg("bad score '%.*s'", (int)n, s);
    while (i < n && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (s[i++] - '0');
    v *= 10;
    if (i < n && s[i] == '.') {
        if (i + 2 != n || s[i + 1] < '0' || s[i + 1] > '9')
            fail_msg("bad score '%.*s'", (int)n, s);
        v += s[i + 1] - '0';
        i += 2;
    }
    if (i != n || v > 100)
        fail_msg("bad score '%.*s'", (int)n, s);
    (void)neg; /* -0.0 is Python's sign of a zero product: the score is 0 */
    return v;
}

static void score_of(const char *vec, size_t len, struct hk_cvss_scores *s)
{
    struct hk_cvss cv;
    struct hk_errmsg em = {{0}};
    hk_err err = hk_cvss_parse(vec, len, &cv, &em);

    if (err != HK_OK)
        fail_msg("'%.*s' refused: %s", (int)len, vec, em.text);
    hk_cvss_score(&cv, s);
}

/* Reports a mismatch and counts it, so that one run lists every bad vector. */
static int mismatch(const char *file, const char *vec, size_t len, const char *what, int got,
                    int want)
{
    print_error("%s: %.*s: %s %d.%d, expected %d.%d\n", file, (int)len, vec, what, got / 10,
                got % 10, want / 10, want % 10);
    return 1;
}

/* One Red Hat file: "VECTOR - (b, t, e)", "VECTOR - (b,)" or "VECTOR - b". */
static int check_redhat(const char *name, int *bad)
{
    FILE *f = open_data(name);
    char line[1024];
    int n = 0;

    while (fgets(line, sizeof(line), f)) {
        char *sep = strstr(line, " - "), *p, *q;
        size_t len;
        int want[3] = {-1, -1, -1}, k = 0;
        struct hk_cvss_scores s;

        if (line[0] == '\n' || line[0] == '\0')
            continue;
        assert_non_null(sep);
        len = (size_t)(sep - line);
        p = sep + 3;
        p[strcspn(p, "\r\n")] = '\0';
        if (*p == '(')
            p++;
        if (*p && p[strlen(p) - 1] == ')')
            p[strlen(p) - 1] = '\0';
        for (; *p && k < 3; p = *q ? q + 1 : q) {
            q = p + strcspn(p, ",");
            if (q > p)
                want[k++] = tenths(p, (size_t)(q - p));
        }
        assert_true(k >= 1);
        score_of(line, len, &s);
        if (s.version == HK_CVSS_V40) {
            assert_int_equal(k, 1);
            if (s.score != want[0])
                *bad += mismatch(name, line, len, "score", s.score, want[0]);
        } else {
            int got[3] = {s.base, s.temporal, s.environmental};
            bool has[3] = {true, s.has_temporal, s.has_environmental};
            static const char *const kind[] = {"base", "temporal", "environmental"};

            assert_int_equal(k, 3);
            for (int i = 0; i < 3; i++) {
                /* v2 sets write None for the scores whose metrics are not given. */
                if (want[i] < 0 && s.version == HK_CVSS_V20 && !has[i])
                    continue;
                if (want[i] < 0 || got[i] != want[i])
                    *bad += mismatch(name, line, len, kind[i], got[i], want[i]);
            }
        }
        n++;
    }
    fclose(f);
    return n;
}

/* Text between the quotes after key in a Python-dict line, or the bare number. */
static const char *field(const char *line, const char *key, size_t *len)
{
    const char *p = strstr(line, key);

    assert_non_null(p);
    p += strlen(key);
    if (*p == '\'') {
        p++;
        *len = strcspn(p, "'");
    } else {
        *len = strcspn(p, ",}");
    }
    return p;
}

static int check_first_scores(int *bad)
{
    FILE *f = open_data("first/macro-scores");
    char line[1024], seen[270][7];
    int n = 0;

    while (fgets(line, sizeof(line), f)) {
        size_t vlen, slen, sevlen;
        const char *vec = field(line, "'vector': ", &vlen);
        const char *score = field(line, "'score': ", &slen);
        const char *sev = field(line, "'severity': ", &sevlen);
        struct hk_cvss_scores s;
        int want = tenths(score, slen);

        score_of(vec, vlen, &s);
        if (s.score != want)
            *bad += mismatch("macro-scores", vec, vlen, "score", s.score, want);
        assert_int_equal(strlen(hk_cvss_severity(40, s.score)), sevlen);
        assert_memory_equal(hk_cvss_severity(40, s.score), sev, sevlen);
        /* Each line is the highest vector of a different macrovector. */
        assert_true(n < 270);
        for (int i = 0; i < n; i++)
            assert_string_not_equal(seen[i], s.macrovector);
        memcpy(seen[n], s.macrovector, 7);
        n++;
    }
    fclose(f);
    return n;
}

static int check_first_vectors(void)
{
    FILE *f = open_data("first/macro-vectors");
    char line[1024];
    int n = 0;

    while (fgets(line, sizeof(line), f)) {
        struct hk_cvss_scores s;

        line[strcspn(line, "\r\n")] = '\0';
        score_of(line, strlen(line), &s);
        assert_int_equal(s.version, HK_CVSS_V40);
        n++;
    }
    fclose(f);
    return n;
}

static void test_reference_sets(void **state)
{
    static const struct {
        const char *file;
        int n;
    } sets[] = {
        {"redhat/vectors_simple2", 729},       {"redhat/vectors_simple3", 2592},
        {"redhat/vectors_simple31", 2592},     {"redhat/vectors_simple4", 1058},
        {"redhat/vectors_supplemental4", 576}, {"redhat/vectors_security4", 54},
        {"redhat/vectors_threat4", 6},
    };
    int bad = 0, total = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        int n = check_redhat(sets[i].file, &bad);

        print_message("%-32s %5d vectors\n", sets[i].file, n);
        assert_int_equal(n, sets[i].n);
        total += n;
    }
    total += check_first_scores(&bad);
    total += check_first_vectors();
    print_message("%-32s %5d vectors (twice: scores, vectors)\n", "first/macro-*", 270);
    print_message("total %d vectors, %d mismatches\n", total, bad);
    assert_int_equal(total, 7607 + 540);
    assert_int_equal(bad, 0);
}

/* Scores outside the reference sets: v3.x temporal and environmental scores (vectors from
 * Red Hat's vectors_calculator3/vectors_cvsslib3, scored with FIRST's calculators), the
 * v4.0 CVSS-B/BT/BTE split with the macrovector, and two v4.0 vectors whose unrounded score
 * is a decimal tie that binary arithmetic leaves just below (RedHatProductSecurity/cvss
 * issue 63, cvss-v4-calculator issue 66: 8.55 must round to 8.6). Every value here also
 * agrees with the npm peer ae-cvss-calculator 1.0.13 (bench/cvss.sh --compare). */
static void test_known_scores(void **state)
{
    static const struct {
        const char *vec;
        int base, temporal, env, score;
        const char *nomenclature, *macro;
    } rows[] = {
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, 98, 98, 98, NULL, NULL},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/MAV:L", 98, 88, 76, 76, NULL,
         NULL},
        {"CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", 38, 37, 37, 37, NULL, NULL},
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/"
         "MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
         93, 89, 95, 95, NULL, NULL},
        {"CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:N/E:P/RL:U/RC:U/CR:H/IR:L/AR:H/MAV:L/MUI:R/"
         "MS:C/MC:N/MI:L/MA:N",
         53, 46, 13, 13, NULL, NULL},
        {"CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L/"
         "MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L",
         58, 52, 74, 74, NULL, NULL},
        {"CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/MPR:N", 58, 58, 71, 71, NULL, NULL},
        {"CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H",
         77, 68, 63, 63, NULL, NULL},
        /* The same in v3.1 with MS:U: the modified-scope equation changed in v3.1. */
        {"CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MS:U/MI:N/"
         "MA:H",
         77, 68, 53, 53, NULL, NULL},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 93, 93, 87,
         87, "CVSS-BTE", "100200"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93, 93, 93, 93,
         "CVSS-B", "000200"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 93, 81, 81, 81,
         "CVSS-BT", "000220"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:L/MSI:S", 93,
         93, 98, 98, "CVSS-BE", "000001"},
        {"CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:N/SA:H/E:A/CR:H/IR:M/AR:H/MAV:A/"
         "MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:N/MVA:H/MSC:H/MSI:H/MSA:H/S:N/AU:N/R:I/V:C/RE:M/"
         "U:Green",
         70, 70, 86, 86, "CVSS-BTE", "101100"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 86, 86, 86, 86,
         "CVSS-B", "101100"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, 0, 0, 0, "CVSS-B",
         "002201"},
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 100, 100, 100, 100, NULL, NULL},
        /* v2 ties: 9.0 x 0.85 = 7.65 rounds half up to 7.7 (binary arithmetic gives 7.6). */
        {"AV:N/AC:L/Au:S/C:C/I:C/A:C/E:U/RL:U/RC:C", 90, 77, 77, 77, NULL, NULL},
        {"AV:L/AC:H/Au:S/C:N/I:N/A:P/RL:W/RC:UR/CDP:H/CR:ND", 10, 9, 55, 55, NULL, NULL},
        /* v2's environmental equation gives -0.2 here; scores are floored at 0.0. */
        {"AV:L/AC:H/Au:M/C:N/I:N/A:P/CDP:ND/AR:L", 8, 8, 0, 0, NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct hk_cvss_scores s;

        score_of(rows[i].vec, strlen(rows[i].vec), &s);
        print_message("%s\n", rows[i].vec);
        assert_int_equal(s.base, rows[i].base);
        assert_int_equal(s.version == HK_CVSS_V40 ? s.threat : s.temporal, rows[i].temporal);
        assert_int_equal(s.environmental, rows[i].env);
        assert_int_equal(s.score, rows[i].score);
        if (rows[i].nomenclature) {
            assert_string_equal(s.nomenclature, rows[i].nomenclature);
            assert_string_equal(s.macrovector, rows[i].macro);
        } else {
            assert_null(s.nomenclature);
        }
    }
}

static void test_severity(void **state)
{
    (void)state;
    assert_string_equal(hk_cvss_severity(31, 0), "None");
    assert_string_equal(hk_cvss_severity(31, 1), "Low");
    assert_string_equal(hk_cvss_severity(31, 39), "Low");
    assert_string_equal(hk_cvss_severity(31, 40), "Medium");
    assert_string_equal(hk_cvss_severity(40, 69), "Medium");
    assert_string_equal(hk_cvss_severity(40, 70), "High");
    assert_string_equal(hk_cvss_severity(30, 89), "High");
    assert_string_equal(hk_cvss_severity(30, 90), "Critical");
    assert_string_equal(hk_cvss_severity(40, 100), "Critical");
    assert_string_equal(hk_cvss_severity(20, 0), "Low");
    assert_string_equal(hk_cvss_severity(20, 70), "High");
}

static void test_get(void **state)
{
    static const char v[] = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/"
                            "MSI:S/U:Amber";
    struct hk_cvss cv;

    (void)state;
    assert_int_equal(hk_cvss_parse(v, strlen(v), &cv, NULL), HK_OK);
    assert_string_equal(hk_cvss_get(&cv, "AV"), "N");
    assert_string_equal(hk_cvss_get(&cv, "MSI"), "S");
    assert_string_equal(hk_cvss_get(&cv, "U"), "Amber");
    assert_null(hk_cvss_get(&cv, "E"));
    assert_null(hk_cvss_get(&cv, "Au"));
}

static void test_malformed(void **state)
{
    static const struct {
        const char *vec;
        hk_err err;
        const char *msg; /* expected detail, exactly */
    } rows[] = {
        {"CVSS:3.1/AV:X", HK_EPARSE, "metric AV has no value 'X' (allowed N, A, L, P)"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X", HK_EPARSE,
         "metric A has no value 'X' (allowed H, L, N)"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N", HK_EPARSE, "metric AV given twice"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", HK_EPARSE, "metric E given twice"},
        {"CVSS:3.1/AV:N/AC:L/S:U/C:H/I:H/A:H", HK_EPARSE, "missing mandatory metrics PR, UI"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", HK_EPARSE, "missing mandatory metric S"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", HK_EPARSE,
         "trailing '/' after the last metric"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/FOO:1", HK_EPARSE,
         "unknown metric 'FOO' in CVSS v3.1"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", HK_EPARSE,
         "unknown metric 'AT' in CVSS v3.1"},
        {"CVSS:3.1/AV:N/AC:L//PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE, "empty component between '/'"},
        {"CVSS:3.1/AV:N/AC/PR:N", HK_EPARSE, "component 'AC' is not METRIC:VALUE"},
        {"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "metric AV has no value 'n' (allowed N, A, L, P)"},
        {"CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "unknown metric 'av' in CVSS v3.1"},
        {"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "prefix 'cvss:' must be upper case 'CVSS:'"},
        {"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "unsupported CVSS version '3.2' (expected 3.0, 3.1 or 4.0; v2 vectors have no prefix)"},
        {"CVSS:3.1", HK_EPARSE, "no metrics after 'CVSS:3.1'"},
        {"CVSS:3.1/", HK_EPARSE, "trailing '/' after the last metric"},
        {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "missing prefix 'CVSS:3.1/', 'CVSS:4.0/' or 'CVSS:3.0/'"},
        {"", HK_EPARSE, "empty vector"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C:X", HK_EPARSE,
         "metric RC has no value 'C:X' (allowed X, C, R, U)"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:", HK_EPARSE,
         "metric A has an empty value (allowed H, L, N)"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:A", HK_EPARSE,
         "metric E given twice"},
        {"CVSS:4.0/AV:N/AT:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", HK_EPARSE,
         "metric AC out of order: CVSS v4.0 requires it before AT"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", HK_EPARSE,
         "metric E out of order: CVSS v4.0 requires it before CR"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", HK_EPARSE,
         "missing mandatory metric SA"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", HK_EPARSE,
         "metric SI has no value 'S' (allowed H, L, N)"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear", HK_EPARSE,
         "metric U has no value 'clear' (allowed X, Clear, Green, Amber, Red)"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", HK_EPARSE,
         "metric S has no value 'U' (allowed X, N, P)"},
        {"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", HK_EPARSE,
         "metric S has no value 'U' (allowed X, N, P)"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H", HK_EPARSE,
         "unknown metric 'C' in CVSS v4.0"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Red/E:A", HK_EPARSE,
         "metric E out of order: CVSS v4.0 requires it before U"},
        {"AV:N/AC:L/Au:N/C:P/I:P/A:X", HK_EPARSE, "metric A has no value 'X' (allowed N, P, C)"},
        {"AV:N/AC:L/Au:N/C:P/I:P", HK_EPARSE, "missing mandatory metric A"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct hk_cvss cv;
        struct hk_errmsg em = {{0}};

        print_message("%s\n", rows[i].vec);
        assert_int_equal(hk_cvss_parse(rows[i].vec, strlen(rows[i].vec), &cv, &em), rows[i].err);
        assert_string_equal(em.text, rows[i].msg);
    }
}

static void test_limits(void **state)
{
    char big[HK_CVSS_MAX_LEN + 64];
    static const char base[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    static const char nul[] = "CVSS:3.1/AV:N\0AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    struct hk_cvss cv;
    struct hk_errmsg em = {{0}};
    size_t n = strlen(base);

    (void)state;
    memcpy(big, base, n);
    while (n + 4 < sizeof(big)) {
        memcpy(big + n, "/E:X", 4);
        n += 4;
    }
    assert_int_equal(hk_cvss_parse(big, n, &cv, &em), HK_ETOOBIG);
    assert_non_null(strstr(em.text, "too long"));
    assert_int_equal(hk_cvss_parse(nul, sizeof(nul) - 1, &cv, &em), HK_EPARSE);
    assert_string_equal(em.text, "NUL byte in vector");
    /* The parser reads exactly len bytes: a prefix of a valid vector is checked as such. */
    assert_int_equal(hk_cvss_parse(base, n = strlen(base) - 4, &cv, &em), HK_EPARSE);
    assert_string_equal(em.text, "missing mandatory metric A");
    assert_int_equal(hk_cvss_parse(base, strlen(base), &cv, NULL), HK_OK);
    assert_int_equal(hk_cvss_parse(NULL, 0, &cv, NULL), HK_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_sets), cmocka_unit_test(test_known_scores),
        cmocka_unit_test(test_severity),       cmocka_unit_test(test_get),
        cmocka_unit_test(test_malformed),      cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
