/* SPDX-License-Identifier: MIT */
/*
 * CVSS vector parsing and validation for every version, and the v2.0/v3.0/v3.1 scores.
 *
 * Parsing follows the vector-string sections of the specifications (v2 guide §2.4, v3.1
 * §6, v4.0 §7): a version prefix, then METRIC:VALUE components separated by '/', names
 * and values case-sensitive, every base metric present, no metric twice; v4.0 also fixes
 * the order. The metric is found from the position the previous one leaves off, so a
 * vector in the usual order costs one comparison per metric.
 *
 * Scores are computed in IEEE double arithmetic in the same order of operations as FIRST's
 * calculators (cvsscalc30.js, cvsscalc31.js, the v2 calculator), so that even the
 * boundaries fall the same way, and rounded to tenths as each version says: v3.1 by the
 * Roundup of Appendix A (an integer step that absorbs the binary error), v3.0 by the
 * older ceil(x * 10) / 10, v2 by round-half-up to one decimal.
 */
#include "hikeshi/cvss.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vuln/vuln_int.h"

/* clang-format off */
#define M(n, d, ...) {n, d, __VA_ARGS__}
/* clang-format on */

/* v2.0: CVSS v2 guide, §3.2.1 (base), §3.3.1 (temporal), §3.3.2 (environmental). */
enum {
    V2_AV,
    V2_AC,
    V2_AU,
    V2_C,
    V2_I,
    V2_A,
    V2_E,
    V2_RL,
    V2_RC,
    V2_CDP,
    V2_TD,
    V2_CR,
    V2_IR,
    V2_AR,
    V2__COUNT
};

/* clang-format off */
#define V2_CIA {"N", "P", "C"}, {0, 0.275, 0.660}
#define V2_REQ {"L", "M", "H", "ND"}, {0.5, 1.0, 1.51, 1.0}
/* clang-format on */

static const struct cvss_metric v2m[V2__COUNT] = {
    M("AV", -1, {"L", "A", "N"}, {0.395, 0.646, 1.0}),
    M("AC", -1, {"H", "M", "L"}, {0.35, 0.61, 0.71}),
    M("Au", -1, {"M", "S", "N"}, {0.45, 0.56, 0.704}),
    M("C", -1, V2_CIA),
    M("I", -1, V2_CIA),
    M("A", -1, V2_CIA),
    M("E", 4, {"U", "POC", "F", "H", "ND"}, {0.85, 0.9, 0.95, 1.0, 1.0}),
    M("RL", 4, {"OF", "TF", "W", "U", "ND"}, {0.87, 0.90, 0.95, 1.0, 1.0}),
    M("RC", 3, {"UC", "UR", "C", "ND"}, {0.90, 0.95, 1.0, 1.0}),
    M("CDP", 5, {"N", "L", "LM", "MH", "H", "ND"}, {0, 0.1, 0.3, 0.4, 0.5, 0}),
    M("TD", 4, {"N", "L", "M", "H", "ND"}, {0, 0.25, 0.75, 1.0, 1.0}),
    M("CR", 3, V2_REQ),
    M("IR", 3, V2_REQ),
    M("AR", 3, V2_REQ),
};

/* v3.0 and v3.1: specification §7.4, Table 16 (the same weights in both). */
enum {
    V3_AV,
    V3_AC,
    V3_PR,
    V3_UI,
    V3_S,
    V3_C,
    V3_I,
    V3_A,
    V3_E,
    V3_RL,
    V3_RC,
    V3_CR,
    V3_IR,
    V3_AR,
    V3_MAV,
    V3_MAC,
    V3_MPR,
    V3_MUI,
    V3_MS,
    V3_MC,
    V3_MI,
    V3_MA,
    V3__COUNT
};

/* clang-format off */
#define V3_CIA {"H", "L", "N"}, {0.56, 0.22, 0}
#define V3_MCIA {"X", "H", "L", "N"}, {0, 0.56, 0.22, 0}
#define V3_REQ {"X", "H", "M", "L"}, {1, 1.5, 1, 0.5}
/* clang-format on */

static const struct cvss_metric v3m[V3__COUNT] = {
    M("AV", -1, {"N", "A", "L", "P"}, {0.85, 0.62, 0.55, 0.2}),
    M("AC", -1, {"L", "H"}, {0.77, 0.44}),
    M("PR", -1, {"N", "L", "H"}, {0.85, 0.62, 0.27}),
    M("UI", -1, {"N", "R"}, {0.85, 0.62}),
    M("S", -1, {"U", "C"}, {0, 0}),
    M("C", -1, V3_CIA),
    M("I", -1, V3_CIA),
    M("A", -1, V3_CIA),
    M("E", 0, {"X", "H", "F", "P", "U"}, {1, 1, 0.97, 0.94, 0.91}),
    M("RL", 0, {"X", "U", "W", "T", "O"}, {1, 1, 0.97, 0.96, 0.95}),
    M("RC", 0, {"X", "C", "R", "U"}, {1, 1, 0.96, 0.92}),
    M("CR", 0, V3_REQ),
    M("IR", 0, V3_REQ),
    M("AR", 0, V3_REQ),
    M("MAV", 0, {"X", "N", "A", "L", "P"}, {0, 0.85, 0.62, 0.55, 0.2}),
    M("MAC", 0, {"X", "L", "H"}, {0, 0.77, 0.44}),
    M("MPR", 0, {"X", "N", "L", "H"}, {0, 0.85, 0.62, 0.27}),
    M("MUI", 0, {"X", "N", "R"}, {0, 0.85, 0.62}),
    M("MS", 0, {"X", "U", "C"}, {0, 0, 0}),
    M("MC", 0, V3_MCIA),
    M("MI", 0, V3_MCIA),
    M("MA", 0, V3_MCIA),
};

/* v4.0: specification §7, Table 23, in its order. */
#define M4(n, d, ...) M(n, d, __VA_ARGS__, {0})
/* clang-format off */
#define V4_CIA {"H", "L", "N"}
#define V4_MCIA {"X", "H", "L", "N"}
#define V4_REQ {"X", "H", "M", "L"}
/* clang-format on */

static const struct cvss_metric v4m[V4__COUNT] = {
    M4("AV", -1, {"N", "A", "L", "P"}),
    M4("AC", -1, {"L", "H"}),
    M4("AT", -1, {"N", "P"}),
    M4("PR", -1, {"N", "L", "H"}),
    M4("UI", -1, {"N", "P", "A"}),
    M4("VC", -1, V4_CIA),
    M4("VI", -1, V4_CIA),
    M4("VA", -1, V4_CIA),
    M4("SC", -1, V4_CIA),
    M4("SI", -1, V4_CIA),
    M4("SA", -1, V4_CIA),
    M4("E", 0, {"X", "A", "P", "U"}),
    M4("CR", 0, V4_REQ),
    M4("IR", 0, V4_REQ),
    M4("AR", 0, V4_REQ),
    M4("MAV", 0, {"X", "N", "A", "L", "P"}),
    M4("MAC", 0, {"X", "L", "H"}),
    M4("MAT", 0, {"X", "N", "P"}),
    M4("MPR", 0, {"X", "N", "L", "H"}),
    M4("MUI", 0, {"X", "N", "P", "A"}),
    M4("MVC", 0, V4_MCIA),
    M4("MVI", 0, V4_MCIA),
    M4("MVA", 0, V4_MCIA),
    M4("MSC", 0, V4_MCIA),
    M4("MSI", 0, {"X", "S", "H", "L", "N"}),
    M4("MSA", 0, {"X", "S", "H", "L", "N"}),
    M4("S", 0, {"X", "N", "P"}),
    M4("AU", 0, {"X", "N", "Y"}),
    M4("R", 0, {"X", "A", "U", "I"}),
    M4("V", 0, {"X", "D", "C"}),
    M4("RE", 0, {"X", "L", "M", "H"}),
    M4("U", 0, {"X", "Clear", "Green", "Amber", "Red"}),
};

static const struct cvss_table v2tab = {v2m, V2__COUNT, 0, V2_E};
static const struct cvss_table v3tab = {v3m, V3__COUNT, 0, V3_E};
const struct cvss_table hk_cvss_v4_table = {v4m, V4__COUNT, 1, V4_E};

static const struct cvss_table *table_of(int version)
{
    switch (version) {
    case HK_CVSS_V20:
        return &v2tab;
    case HK_CVSS_V30:
    case HK_CVSS_V31:
        return &v3tab;
    case HK_CVSS_V40:
        return &hk_cvss_v4_table;
    default:
        return NULL;
    }
}

const char *hk_cvss_version_str(int version)
{
    switch (version) {
    case HK_CVSS_V20:
        return "2.0";
    case HK_CVSS_V30:
        return "3.0";
    case HK_CVSS_V31:
        return "3.1";
    case HK_CVSS_V40:
        return "4.0";
    default:
        return "?";
    }
}

/* ---- parsing ---- */

/* s[0..n) equals the NUL-terminated lit. A byte loop: names and values are 1 to 5 bytes,
 * where a library call costs more than the comparison. */
static inline bool same(const char *lit, const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (lit[k] != s[k])
            return false;
    return lit[n] == '\0';
}

/* Index of the metric named s[0..n), looking from start on and then wrapping; -1 if none. */
static int find_metric(const struct cvss_table *t, const char *s, size_t n, int start)
{
    for (int i = start; i < t->n; i++)
        if (same(t->m[i].name, s, n))
            return i;
    for (int i = 0; i < start && i < t->n; i++)
        if (same(t->m[i].name, s, n))
            return i;
    return -1;
}

static int find_value(const struct cvss_metric *m, const char *s, size_t n)
{
    for (int k = 0; k < CVSS_MAXVAL && m->vals[k]; k++)
        if (same(m->vals[k], s, n))
            return k;
    return -1;
}

static hk_err bad_value(const struct cvss_metric *m, const char *v, size_t n, struct hk_errmsg *em)
{
    char allowed[64];
    size_t off = 0;

    allowed[0] = '\0';
    for (int k = 0; k < CVSS_MAXVAL && m->vals[k] && off < sizeof(allowed); k++) {
        int w = snprintf(allowed + off, sizeof(allowed) - off, "%s%s", k ? ", " : "", m->vals[k]);

        if (w < 0)
            break;
        off += (size_t)w;
    }
    if (n == 0)
        return hk_errf(em, HK_EPARSE, "metric %s has an empty value (allowed %s)", m->name,
                       allowed);
    return hk_errf(em, HK_EPARSE, "metric %s has no value '%.*s' (allowed %s)", m->name,
                   (int)(n > 24 ? 24 : n), v, allowed);
}

static hk_err missing(const struct cvss_table *t, const struct hk_cvss *cv, struct hk_errmsg *em)
{
    char names[128];
    size_t off = 0;
    int nmiss = 0;

    names[0] = '\0';
    for (int i = 0; i < t->n; i++) {
        int w;

        if (t->m[i].dflt >= 0 || cv->val[i])
            continue;
        w = snprintf(names + off, sizeof(names) - off, "%s%s", nmiss ? ", " : "", t->m[i].name);
        if (w > 0 && (size_t)w < sizeof(names) - off)
            off += (size_t)w;
        nmiss++;
    }
    if (!nmiss)
        return HK_OK;
    return hk_errf(em, HK_EPARSE, "missing mandatory metric%s %s", nmiss > 1 ? "s" : "", names);
}

/* Where the metric after metric i is expected: the next one (v2/v3 wrap around, as they
 * allow any order; after v4.0's last metric nothing may follow). */
static int next_cursor(const struct cvss_table *t, int i)
{
    if (i + 1 < t->n)
        return i + 1;
    return t->ordered ? t->n : 0;
}

/* One METRIC:VALUE component s[0..n) whose first ':' is at offset colon (n when none).
 * *cursor is where the next metric is expected. */
static hk_err parse_comp(const struct cvss_table *t, const char *s, size_t n, size_t colon,
                         int *cursor, struct hk_cvss *cv, struct hk_errmsg *em)
{
    size_t nlen = colon;
    int i, k;

    if (n == 0)
        return hk_errf(em, HK_EPARSE, "empty component between '/'");
    if (colon == n || colon == 0)
        return hk_errf(em, HK_EPARSE, "component '%.*s' is not METRIC:VALUE",
                       (int)(n > 24 ? 24 : n), s);
    i = find_metric(t, s, nlen, *cursor);
    if (i < 0)
        return hk_errf(em, HK_EPARSE, "unknown metric '%.*s' in CVSS v%s",
                       (int)(nlen > 24 ? 24 : nlen), s, hk_cvss_version_str(cv->version));
    if (cv->val[i])
        return hk_errf(em, HK_EPARSE, "metric %s given twice", t->m[i].name);
    if (t->ordered && i < *cursor)
        return hk_errf(em, HK_EPARSE, "metric %s out of order: CVSS v%s requires it before %s",
                       t->m[i].name, hk_cvss_version_str(cv->version), t->m[*cursor - 1].name);
    k = find_value(&t->m[i], s + colon + 1, n - nlen - 1);
    if (k < 0)
        return bad_value(&t->m[i], s + colon + 1, n - nlen - 1, em);
    cv->val[i] = (unsigned char)(k + 1);
    *cursor = next_cursor(t, i);
    return HK_OK;
}

/*
 * The fast path for the usual case: the component at v[pos..len) is the metric expected at
 * cursor, given for the first time, with one of its values, then '/' or the end. Matches
 * name and value in one pass and returns the component's length, or 0 to leave it to
 * parse_comp (which also words every error).
 */
static size_t fast_comp(const struct cvss_table *t, const char *v, size_t pos, size_t len,
                        int cursor, struct hk_cvss *cv)
{
    const struct cvss_metric *m;
    const char *nm;
    size_t p = pos;

    if (cursor >= t->n || cv->val[cursor])
        return 0;
    m = &t->m[cursor];
    for (nm = m->name; *nm; nm++, p++)
        if (p >= len || v[p] != *nm)
            return 0;
    if (p >= len || v[p] != ':')
        return 0;
    p++;
    for (int k = 0; k < CVSS_MAXVAL && m->vals[k]; k++) {
        const char *a = m->vals[k];
        size_t q = p;

        while (*a && q < len && v[q] == *a) {
            q++;
            a++;
        }
        if (*a == '\0' && (q == len || v[q] == '/')) {
            cv->val[cursor] = (unsigned char)(k + 1);
            return q - pos;
        }
    }
    return 0;
}

/* Decides the version from the prefix; *body is where the metrics start. */
static hk_err parse_prefix(const char *v, size_t len, int *version, size_t *body,
                           struct hk_errmsg *em)
{
    static const struct {
        const char *p;
        int version;
    } pre[] = {{"CVSS:3.1/", HK_CVSS_V31}, {"CVSS:4.0/", HK_CVSS_V40}, {"CVSS:3.0/", HK_CVSS_V30}};

    for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
        if (len >= 9 && memcmp(v, pre[i].p, 9) == 0) {
            *version = pre[i].version;
            *body = 9;
            return HK_OK;
        }
    if (len >= 5 && memcmp(v, "CVSS:", 5) == 0) {
        const char *slash = memchr(v + 5, '/', len - 5);
        size_t n = slash ? (size_t)(slash - v) - 5 : len - 5;

        if (!slash && (n == 3 && (!memcmp(v + 5, "3.0", 3) || !memcmp(v + 5, "3.1", 3) ||
                                  !memcmp(v + 5, "4.0", 3))))
            return hk_errf(em, HK_EPARSE, "no metrics after '%.8s'", v);
        return hk_errf(em, HK_EPARSE,
                       "unsupported CVSS version '%.*s' (expected 3.0, 3.1 or 4.0"
                       "; v2 vectors have no prefix)",
                       (int)(n > 16 ? 16 : n), v + 5);
    }
    if (len >= 5 && strncasecmp(v, "cvss:", 5) == 0)
        return hk_errf(em, HK_EPARSE, "prefix '%.5s' must be upper case 'CVSS:'", v);
    /* v2 vectors carry no prefix; its Authentication metric "Au" tells them apart. */
    if (len >= 3 && memcmp(v, "AV:", 3) == 0) {
        for (size_t i = 0; i + 4 <= len; i++)
            if (v[i] == '/' && memcmp(v + i + 1, "Au:", 3) == 0) {
                *version = HK_CVSS_V20;
                *body = 0;
                return HK_OK;
            }
    }
    return hk_errf(em, HK_EPARSE, "missing prefix 'CVSS:3.1/', 'CVSS:4.0/' or 'CVSS:3.0/'");
}

hk_err hk_cvss_parse(const char *vec, size_t len, struct hk_cvss *out, struct hk_errmsg *em)
{
    const struct cvss_table *t;
    size_t pos;
    int cursor = 0, nmand = 0;
    hk_err err;

    memset(out, 0, sizeof(*out));
    if (!vec || len == 0)
        return hk_errf(em, HK_EPARSE, "empty vector");
    if (len > HK_CVSS_MAX_LEN)
        return hk_errf(em, HK_ETOOBIG, "vector too long (%zu bytes, at most %d)", len,
                       HK_CVSS_MAX_LEN);
    err = parse_prefix(vec, len, &out->version, &pos, em);
    if (err != HK_OK)
        return err;
    t = table_of(out->version);
    if (vec[len - 1] == '/')
        return hk_errf(em, HK_EPARSE, "trailing '/' after the last metric");
    while (pos < len) {
        size_t start = pos, colon = SIZE_MAX, n = fast_comp(t, vec, pos, len, cursor, out);

        if (n) {
            cursor = next_cursor(t, cursor);
            pos += n + 1;
            continue;
        }

        for (; pos < len && vec[pos] != '/'; pos++) {
            if (vec[pos] == ':' && colon == SIZE_MAX)
                colon = pos - start;
            else if (vec[pos] == '\0') {
                err = hk_errf(em, HK_EPARSE, "NUL byte in vector");
                goto fail;
            }
        }
        err = parse_comp(t, vec + start, pos - start, colon == SIZE_MAX ? pos - start : colon,
                         &cursor, out, em);
        if (err != HK_OK)
            goto fail;
        pos++;
    }
    /* Every metric was accepted at most once, so counting the base ones is enough. */
    for (int i = 0; i < t->nmand; i++)
        nmand += out->val[i] != 0;
    if (nmand == t->nmand)
        return HK_OK;
    err = missing(t, out, em);
fail:
    memset(out->val, 0, sizeof(out->val));
    return err;
}

const char *hk_cvss_get(const struct hk_cvss *cv, const char *name)
{
    const struct cvss_table *t = table_of(cv->version);
    int i;

    if (!t || !name)
        return NULL;
    i = find_metric(t, name, strlen(name), 0);
    if (i < 0 || !cv->val[i])
        return NULL;
    return t->m[i].vals[cv->val[i] - 1];
}

const char *hk_cvss_severity(int version, int tenths)
{
    if (version == HK_CVSS_V20)
        return tenths < 40 ? "Low" : tenths < 70 ? "Medium" : "High";
    if (tenths <= 0)
        return "None";
    if (tenths < 40)
        return "Low";
    if (tenths < 70)
        return "Medium";
    if (tenths < 90)
        return "High";
    return "Critical";
}

/* ---- v2 and v3 scores ---- */

/* Weight of metric i: its value's, or the not-defined value's when absent. */
static double wt(const struct cvss_metric *m, const struct hk_cvss *cv, int i)
{
    int k = cv->val[i] ? cv->val[i] - 1 : m[i].dflt;

    return m[i].w[k];
}

/* A non-mandatory metric given with a value other than X/ND. */
static bool given(const struct cvss_metric *m, const struct hk_cvss *cv, int i)
{
    return cv->val[i] && cv->val[i] - 1 != m[i].dflt;
}

/* Math.round of ECMAScript (ties towards +infinity), exact for |x| < 2^52. The floor is
 * taken by truncation and a correction, which needs no libm call. */
static double js_round(double x)
{
    double r = (double)(int64_t)x;

    if (r > x)
        r -= 1;
    return x - r >= 0.5 ? r + 1 : r;
}

/* v3.1 Appendix A: Roundup to one decimal in integer arithmetic; returns tenths. */
static int roundup31(double x)
{
    int64_t i = (int64_t)js_round(x * 100000);

    return (int)(i % 10000 == 0 ? i / 10000 : i / 10000 + 1);
}

/* v3.0 §7.4: Round up to one decimal, as its calculator does, ceil(x * 10) / 10. */
static int roundup30(double x)
{
    return (int)ceil(x * 10);
}

static int roundup(int version, double x)
{
    return version == HK_CVSS_V30 ? roundup30(x) : roundup31(x);
}

/* The Privileges Required weight, which depends on the (modified) scope. */
static double pr_weight(const struct hk_cvss *cv, int i, bool changed)
{
    static const double wc[] = {0.85, 0.68, 0.5};
    int k = cv->val[i] - 1 - (i == V3_MPR); /* MPR's list starts with X */

    return changed ? wc[k] : v3m[V3_PR].w[k];
}

/* Modified metric mi's weight, or the base metric bi's when mi is absent or X. */
static double mwt(const struct hk_cvss *cv, int mi, int bi)
{
    return given(v3m, cv, mi) ? wt(v3m, cv, mi) : wt(v3m, cv, bi);
}

static void score3(const struct hk_cvss *cv, struct hk_cvss_scores *s)
{
    int v = cv->version;
    bool sc = cv->val[V3_S] == 2;
    bool msc = given(v3m, cv, V3_MS) ? cv->val[V3_MS] == 3 : sc;
    double iss, impact, expl, miss, mimpact, mexpl, mpr;
    int mbase;

    expl = 8.22 * wt(v3m, cv, V3_AV) * wt(v3m, cv, V3_AC) * pr_weight(cv, V3_PR, sc) *
           wt(v3m, cv, V3_UI);
    iss = 1 - ((1 - wt(v3m, cv, V3_C)) * (1 - wt(v3m, cv, V3_I)) * (1 - wt(v3m, cv, V3_A)));
    impact = sc ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    if (impact <= 0)
        s->base = 0;
    else
        s->base = roundup(v, sc ? fmin(1.08 * (impact + expl), 10) : fmin(impact + expl, 10));
    s->temporal =
        roundup(v, s->base / 10.0 * wt(v3m, cv, V3_E) * wt(v3m, cv, V3_RL) * wt(v3m, cv, V3_RC));

    miss = fmin(1 - ((1 - mwt(cv, V3_MC, V3_C) * wt(v3m, cv, V3_CR)) *
                     (1 - mwt(cv, V3_MI, V3_I) * wt(v3m, cv, V3_IR)) *
                     (1 - mwt(cv, V3_MA, V3_A) * wt(v3m, cv, V3_AR))),
                0.915);
    if (!msc)
        mimpact = 6.42 * miss;
    else if (v == HK_CVSS_V30)
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
    else
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13);
    mpr = given(v3m, cv, V3_MPR) ? pr_weight(cv, V3_MPR, msc) : pr_weight(cv, V3_PR, msc);
    mexpl = 8.22 * mwt(cv, V3_MAV, V3_AV) * mwt(cv, V3_MAC, V3_AC) * mpr * mwt(cv, V3_MUI, V3_UI);
    if (mimpact <= 0) {
        s->environmental = 0;
    } else {
        mbase = roundup(v, msc ? fmin(1.08 * (mimpact + mexpl), 10) : fmin(mimpact + mexpl, 10));
        s->environmental =
            roundup(v, mbase / 10.0 * wt(v3m, cv, V3_E) * wt(v3m, cv, V3_RL) * wt(v3m, cv, V3_RC));
    }
    s->has_temporal = given(v3m, cv, V3_E) || given(v3m, cv, V3_RL) || given(v3m, cv, V3_RC);
    s->has_environmental = false;
    for (int i = V3_CR; i < V3__COUNT; i++)
        s->has_environmental = s->has_environmental || given(v3m, cv, i);
}

/* v2 guide §3.2.1: round_to_1_decimal, half up, as in decimal arithmetic: the value is
 * first rounded to 1e-5 (as v3.1's Appendix A does) so that a decimal tie such as
 * 10 x 0.90 x 0.95 = 8.55, which binary arithmetic leaves at 8.5499999..., rounds up. */
static int round2(double x)
{
    int64_t i = (int64_t)js_round(x * 100000);

    /* Half up on the rounded value; floor division also for a negative sum. */
    return (int)(i + 5000 >= 0 ? (i + 5000) / 10000 : -((-(i + 5000) + 9999) / 10000));
}

/* v2 base equation with a given impact; returns the unrounded score. */
static double base2(const struct hk_cvss *cv, double impact)
{
    double expl = 20 * wt(v2m, cv, V2_AV) * wt(v2m, cv, V2_AC) * wt(v2m, cv, V2_AU);
    double f = impact == 0 ? 0 : 1.176;

    return ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

static void score2(const struct hk_cvss *cv, struct hk_cvss_scores *s)
{
    double c = wt(v2m, cv, V2_C), i = wt(v2m, cv, V2_I), a = wt(v2m, cv, V2_A);
    double impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
    double aimpact =
        fmin(10, 10.41 * (1 - (1 - c * wt(v2m, cv, V2_CR)) * (1 - i * wt(v2m, cv, V2_IR)) *
                                  (1 - a * wt(v2m, cv, V2_AR))));
    double atemp, cdp = wt(v2m, cv, V2_CDP);

    /* The equations can dip below zero (a low-impact vector with low requirements): the
     * scores are floored at 0.0, as in Red Hat's library that scored the reference set. */
    s->base = imax(0, round2(base2(cv, impact)));
    s->temporal = imax(
        0, round2(s->base / 10.0 * wt(v2m, cv, V2_E) * wt(v2m, cv, V2_RL) * wt(v2m, cv, V2_RC)));
    atemp = round2(round2(base2(cv, aimpact)) / 10.0 * wt(v2m, cv, V2_E) * wt(v2m, cv, V2_RL) *
                   wt(v2m, cv, V2_RC)) /
            10.0;
    s->environmental = imax(0, round2((atemp + (10 - atemp) * cdp) * wt(v2m, cv, V2_TD)));
    s->has_temporal = given(v2m, cv, V2_E) || given(v2m, cv, V2_RL) || given(v2m, cv, V2_RC);
    s->has_environmental = false;
    for (int k = V2_CDP; k < V2__COUNT; k++)
        s->has_environmental = s->has_environmental || given(v2m, cv, k);
}

void hk_cvss_score(const struct hk_cvss *cv, struct hk_cvss_scores *s)
{
    memset(s, 0, sizeof(*s));
    s->version = cv->version;
    if (cv->version == HK_CVSS_V40) {
        hk_cvss4_score(cv, s);
        return;
    }
    if (cv->version == HK_CVSS_V20)
        score2(cv, s);
    else
        score3(cv, s);
    s->threat = s->temporal;
    s->score = s->has_environmental ? s->environmental : s->has_temporal ? s->temporal : s->base;
}
