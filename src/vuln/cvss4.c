/* SPDX-License-Identifier: MIT */
/*
 * CVSS v4.0 scores (specification §8 "CVSS v4.0 Scoring"; FIRST's reference calculator
 * cvss40.js). A vector falls in one of 270 macrovectors, six equivalence classes EQ1..EQ6;
 * the score of the macrovector's highest-severity vector comes from the lookup table
 * below, and the vector's score is that minus the mean, over the EQs that have a lower
 * macrovector, of (score gap to that lower macrovector) x (the vector's severity distance
 * from the highest vector) / (the depth of the EQ). It is rounded half up to one decimal,
 * after the reference's lift of 1e-6 that makes decimal ties round up despite binary error.
 *
 * All arithmetic is IEEE double in the reference's order of operations, with the metric
 * levels 0.0/0.1/0.2/0.3 as in the reference, so results agree to the last bit before
 * rounding and boundaries fall the same way.
 *
 * The lookup table was generated from FIRST's own scores of the 270 macrovector vectors
 * (tests/data/cvss/first/macro-scores: each line is the highest-severity vector of one
 * macrovector; its EQs give the key and its score the value) and checked entry by entry
 * against the table of the reference calculator; test_cvss.c re-derives every entry from
 * that file on each run.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vuln/vuln_int.h"

#define NA            (-1.0) /* no such macrovector */
#define ROUND_EPSILON 1e-6

/* Indexed by ((((EQ1 * 2 + EQ2) * 3 + EQ3) * 3 + EQ4) * 3 + EQ5) * 2 + EQ6. */
static const double lookup[324] = {
    /* 0000.. */ 10.0, 9.9, 9.8, 9.5, 9.5, 9.2,
    /* 0001.. */ 10.0, 9.6, 9.3, 8.7, 9.1, 8.1,
    /* 0002.. */ 9.3,  9.0, 8.9, 8.0, 8.1, 6.8,
    /* 0010.. */ 9.8,  9.5, 9.5, 9.2, 9.0, 8.4,
    /* 0011.. */ 9.3,  9.2, 8.9, 8.1, 8.1, 6.5,
    /* 0012.. */ 8.8,  8.0, 7.8, 7.0, 6.9, 4.8,
    /* 0020.. */ NA,   9.2, NA,  8.2, NA,  7.2,
    /* 0021.. */ NA,   7.9, NA,  6.9, NA,  5.0,
    /* 0022.. */ NA,   6.9, NA,  5.5, NA,  2.7,
    /* 0100.. */ 9.9,  9.7, 9.5, 9.2, 9.2, 8.5,
    /* 0101.. */ 9.5,  9.1, 9.0, 8.3, 8.4, 7.1,
    /* 0102.. */ 9.2,  8.1, 8.2, 7.1, 7.2, 5.3,
    /* 0110.. */ 9.5,  9.3, 9.2, 8.5, 8.5, 7.3,
    /* 0111.. */ 9.2,  8.2, 8.0, 7.2, 7.0, 5.9,
    /* 0112.. */ 8.4,  7.0, 7.1, 5.2, 5.0, 3.0,
    /* 0120.. */ NA,   8.6, NA,  7.5, NA,  5.2,
    /* 0121.. */ NA,   7.1, NA,  5.2, NA,  2.9,
    /* 0122.. */ NA,   6.3, NA,  2.9, NA,  1.7,
    /* 1000.. */ 9.8,  9.5, 9.4, 8.7, 9.1, 8.1,
    /* 1001.. */ 9.4,  8.9, 8.6, 7.4, 7.7, 6.4,
    /* 1002.. */ 8.7,  7.5, 7.4, 6.3, 6.3, 4.9,
    /* 1010.. */ 9.4,  8.9, 8.8, 7.7, 7.6, 6.7,
    /* 1011.. */ 8.6,  7.6, 7.4, 5.8, 5.9, 5.0,
    /* 1012.. */ 7.2,  5.7, 5.7, 5.2, 5.2, 2.5,
    /* 1020.. */ NA,   8.3, NA,  7.0, NA,  5.4,
    /* 1021.. */ NA,   6.5, NA,  5.8, NA,  2.6,
    /* 1022.. */ NA,   5.3, NA,  2.1, NA,  1.3,
    /* 1100.. */ 9.5,  9.0, 8.8, 7.6, 7.6, 7.0,
    /* 1101.. */ 9.0,  7.7, 7.5, 6.2, 6.1, 5.3,
    /* 1102.. */ 7.7,  6.6, 6.8, 5.9, 5.2, 3.0,
    /* 1110.. */ 8.9,  7.8, 7.6, 6.7, 6.2, 5.8,
    /* 1111.. */ 7.4,  5.9, 5.7, 5.7, 4.7, 2.3,
    /* 1112.. */ 6.1,  5.2, 5.7, 2.9, 2.4, 1.6,
    /* 1120.. */ NA,   7.1, NA,  5.9, NA,  3.0,
    /* 1121.. */ NA,   5.8, NA,  2.6, NA,  1.5,
    /* 1122.. */ NA,   2.3, NA,  1.3, NA,  0.6,
    /* 2000.. */ 9.3,  8.7, 8.6, 7.2, 7.5, 5.8,
    /* 2001.. */ 8.6,  7.4, 7.4, 6.1, 5.6, 3.4,
    /* 2002.. */ 7.0,  5.4, 5.2, 4.0, 4.0, 2.2,
    /* 2010.. */ 8.5,  7.5, 7.4, 5.5, 6.2, 5.1,
    /* 2011.. */ 7.2,  5.7, 5.5, 4.1, 4.6, 1.9,
    /* 2012.. */ 5.3,  3.6, 3.4, 1.9, 1.9, 0.8,
    /* 2020.. */ NA,   6.4, NA,  5.1, NA,  2.0,
    /* 2021.. */ NA,   4.7, NA,  2.1, NA,  1.1,
    /* 2022.. */ NA,   2.4, NA,  0.9, NA,  0.4,
    /* 2100.. */ 8.8,  7.5, 7.3, 5.3, 6.0, 5.0,
    /* 2101.. */ 7.3,  5.5, 5.9, 4.0, 4.1, 2.0,
    /* 2102.. */ 5.4,  4.3, 4.5, 2.2, 2.0, 1.1,
    /* 2110.. */ 7.5,  5.5, 5.8, 4.5, 4.0, 2.1,
    /* 2111.. */ 6.1,  5.1, 4.8, 1.8, 2.0, 0.9,
    /* 2112.. */ 4.6,  1.8, 1.7, 0.7, 0.8, 0.2,
    /* 2120.. */ NA,   5.3, NA,  2.4, NA,  1.4,
    /* 2121.. */ NA,   2.4, NA,  1.2, NA,  0.5,
    /* 2122.. */ NA,   1.0, NA,  0.3, NA,  0.1,
};

static double macro_score(int e1, int e2, int e3, int e4, int e5, int e6)
{
    if (e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1)
        return NA;
    return lookup[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6];
}

/* Which metrics count: CVSS-B ignores threat and environmental metrics, CVSS-BT the
 * environmental ones. */
enum mode { MODE_B, MODE_BT, MODE_BTE };

/* Effective values (first letter of the value) of the metrics that scoring reads. */
struct eff {
    char av, pr, ui, ac, at, vc, vi, va, sc, si, sa, e, cr, ir, ar;
};

static char letter(const struct hk_cvss *cv, int i)
{
    return cv->val[i] ? hk_cvss_v4_table.m[i].vals[cv->val[i] - 1][0] : 'X';
}

/* Base metric bi, overridden by its modified metric mi when that is given (not X). */
static char modified(const struct hk_cvss *cv, int bi, int mi, enum mode mode)
{
    char m = mode == MODE_BTE ? letter(cv, mi) : 'X';

    return m != 'X' ? m : letter(cv, bi);
}

/* Undefined E, CR, IR, AR count as their worst case (A, H, H, H). */
static char worst(const struct hk_cvss *cv, int i, enum mode need, enum mode mode, char dflt)
{
    char v = mode >= need ? letter(cv, i) : 'X';

    return v == 'X' ? dflt : v;
}

static void effective(const struct hk_cvss *cv, enum mode mode, struct eff *f)
{
    f->av = modified(cv, V4_AV, V4_MAV, mode);
    f->ac = modified(cv, V4_AC, V4_MAC, mode);
    f->at = modified(cv, V4_AT, V4_MAT, mode);
    f->pr = modified(cv, V4_PR, V4_MPR, mode);
    f->ui = modified(cv, V4_UI, V4_MUI, mode);
    f->vc = modified(cv, V4_VC, V4_MVC, mode);
    f->vi = modified(cv, V4_VI, V4_MVI, mode);
    f->va = modified(cv, V4_VA, V4_MVA, mode);
    f->sc = modified(cv, V4_SC, V4_MSC, mode);
    f->si = modified(cv, V4_SI, V4_MSI, mode);
    f->sa = modified(cv, V4_SA, V4_MSA, mode);
    f->e = worst(cv, V4_E, MODE_BT, mode, 'A');
    f->cr = worst(cv, V4_CR, MODE_BTE, mode, 'H');
    f->ir = worst(cv, V4_IR, MODE_BTE, mode, 'H');
    f->ar = worst(cv, V4_AR, MODE_BTE, mode, 'H');
}

/* §8.1 Table 24: the equivalence classes. */
static void classes(const struct eff *f, int eq[6])
{
    if (f->av == 'N' && f->pr == 'N' && f->ui == 'N')
        eq[0] = 0;
    else if ((f->av == 'N' || f->pr == 'N' || f->ui == 'N') && f->av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = f->ac == 'L' && f->at == 'N' ? 0 : 1;
    if (f->vc == 'H' && f->vi == 'H')
        eq[2] = 0;
    else if (f->vc == 'H' || f->vi == 'H' || f->va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    if (f->si == 'S' || f->sa == 'S')
        eq[3] = 0;
    else if (f->sc == 'H' || f->si == 'H' || f->sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    eq[4] = f->e == 'A' ? 0 : f->e == 'P' ? 1 : 2;
    eq[5] = (f->cr == 'H' && f->vc == 'H') || (f->ir == 'H' && f->vi == 'H') ||
                    (f->ar == 'H' && f->va == 'H')
                ? 0
                : 1;
}

/* Severity levels of the reference (METRIC_LEVELS): each metric's values map to a step
 * 0..3 (kind selects the metric's scale) and a step to its level 0.0, 0.1, 0.2, 0.3. The
 * distances are differences of those doubles, as in the reference, not of the steps:
 * 0.3 - 0.1 is not 0.2 in binary, and the last bits decide the rounding of ties. */
enum kind { K_AV, K_PR, K_UI, K_AC, K_AT, K_VCIA, K_SC, K_SIA, K_REQ, K__COUNT };

static const double levels[4] = {0.0, 0.1, 0.2, 0.3};

static const unsigned char steps[K__COUNT][128] = {
    [K_AV] = {['N'] = 0, ['A'] = 1, ['L'] = 2, ['P'] = 3},
    [K_PR] = {['N'] = 0, ['L'] = 1, ['H'] = 2},
    [K_UI] = {['N'] = 0, ['P'] = 1, ['A'] = 2},
    [K_AC] = {['L'] = 0, ['H'] = 1},
    [K_AT] = {['N'] = 0, ['P'] = 1},
    [K_VCIA] = {['H'] = 0, ['L'] = 1, ['N'] = 2},
    [K_SC] = {['H'] = 1, ['L'] = 2, ['N'] = 3},
    [K_SIA] = {['S'] = 0, ['H'] = 1, ['L'] = 2, ['N'] = 3},
    [K_REQ] = {['H'] = 0, ['M'] = 1, ['L'] = 2},
};

static int step(enum kind k, char v)
{
    return steps[k][(unsigned char)v & 0x7f];
}

/*
 * The highest-severity vectors of each EQ (the reference's MAX_COMPOSED), as the values of
 * the EQ's metrics in a fixed order: EQ1 AV PR UI; EQ2 AC AT; EQ3+EQ6 VC VI VA CR IR AR;
 * EQ4 SC SI SA. NULL ends a list.
 */
static const char *const max_eq1[3][4] = {{"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const char *const max_eq2[2][3] = {{"LN"}, {"HN", "LP"}};
static const char *const max_eq36[3][2][6] = {
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH"}}};
static const char *const max_eq4[3][2] = {{"HSS"}, {"HHH"}, {"LLL"}};

/* Depth of each EQ's macrovectors (the reference's MAX_SEVERITY). */
static const int depth_eq1[3] = {1, 4, 5};
static const int depth_eq2[2] = {1, 2};
static const int depth_eq36[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int depth_eq4[3] = {6, 5, 4};

/* Sum of the per-metric severity distances of vals from one highest vector hv; *ok is
 * false when vals exceeds hv in some metric (a negative distance). */
static double dist_one(const char *hv, const char *vals, const enum kind *kinds, int n, bool *ok)
{
    double sum = 0;

    *ok = true;
    for (int k = 0; k < n; k++) {
        int a = step(kinds[k], vals[k]), b = step(kinds[k], hv[k]);
        double d = levels[a] - levels[b];

        if (a < b) /* the same as d < 0: the levels increase with the steps */
            *ok = false;
        sum = k == 0 ? d : sum + d;
    }
    return sum;
}

/* The distance from the first highest vector of list that vals does not exceed; false
 * when there is none. *last gets the distance from the list's last vector. */
static bool distance(const char *const *list, int nlist, const char *vals, const enum kind *kinds,
                     int n, double *dist, double *last)
{
    bool found = false;

    for (int j = 0; j < nlist && list[j]; j++) {
        bool ok;
        double d = dist_one(list[j], vals, kinds, n, &ok);

        if (ok && !found) {
            *dist = d;
            found = true;
        }
        *last = d;
    }
    return found;
}

/* ECMAScript Math.round (ties towards +infinity) of x >= 0, exact below 2^52. */
static int js_round(double x)
{
    double r = (double)(int64_t)x;

    return (int)(x - r >= 0.5 ? r + 1 : r);
}

static const enum kind kinds1[] = {K_AV, K_PR, K_UI};
static const enum kind kinds2[] = {K_AC, K_AT};
static const enum kind kinds36[] = {K_VCIA, K_VCIA, K_VCIA, K_REQ, K_REQ, K_REQ};
static const enum kind kinds4[] = {K_SC, K_SIA, K_SIA};

/* Severity distances d[0..3] of EQ1, EQ2, EQ3+EQ6 and EQ4 from the macrovector's highest
 * vector. The reference tries the combinations of the EQs' highest vectors in order and
 * takes the first that the vector exceeds nowhere; as the EQs' metrics are disjoint, that
 * is the first qualifying vector of each EQ. Should one EQ have none, its search ends on
 * the last combination: every EQ then takes its list's last vector. */
static void distances(const struct eff *f, const int *eq, double d[4])
{
    const char v1[] = {f->av, f->pr, f->ui}, v2[] = {f->ac, f->at};
    const char v36[] = {f->vc, f->vi, f->va, f->cr, f->ir, f->ar}, v4[] = {f->sc, f->si, f->sa};
    double last[4] = {0, 0, 0, 0};
    bool ok = distance(max_eq1[eq[0]], 4, v1, kinds1, 3, &d[0], &last[0]);

    ok = distance(max_eq2[eq[1]], 3, v2, kinds2, 2, &d[1], &last[1]) && ok;
    ok = distance(max_eq36[eq[2]][eq[5]], 6, v36, kinds36, 6, &d[2], &last[2]) && ok;
    ok = distance(max_eq4[eq[3]], 2, v4, kinds4, 3, &d[3], &last[3]) && ok;
    if (!ok)
        memcpy(d, last, sizeof(last));
}

/* Score in tenths of the vector with the metrics that mode counts; eq gets its EQs. */
static int score_mode(const struct hk_cvss *cv, enum mode mode, int eq[6])
{
    struct eff f;
    double value, lower[5], depth[5], d[4], sum, mean;
    int n = 0;

    effective(cv, mode, &f);
    classes(&f, eq);
    if (f.vc == 'N' && f.vi == 'N' && f.va == 'N' && f.sc == 'N' && f.si == 'N' && f.sa == 'N')
        return 0;
    value = macro_score(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]);

    /* The next lower macrovector of each EQ (EQ3 and EQ6 move together). */
    lower[0] = macro_score(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]);
    lower[1] = macro_score(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]);
    if (eq[2] == 0 && eq[5] == 0)
        lower[2] = fmax(macro_score(eq[0], eq[1], 0, eq[3], eq[4], 1),
                        macro_score(eq[0], eq[1], 1, eq[3], eq[4], 0));
    else if (eq[2] == 1 && eq[5] == 0)
        lower[2] = macro_score(eq[0], eq[1], 1, eq[3], eq[4], 1);
    else if (eq[5] == 1 && eq[2] < 2)
        lower[2] = macro_score(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], 1);
    else
        lower[2] = NA;
    lower[3] = macro_score(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]);
    lower[4] = macro_score(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]);

    depth[0] = depth_eq1[eq[0]] * 0.1;
    depth[1] = depth_eq2[eq[1]] * 0.1;
    depth[2] = depth_eq36[eq[2]][eq[5]] * 0.1;
    depth[3] = depth_eq4[eq[3]] * 0.1;
    distances(&f, eq, d);

    /* Proportional distances; EQ5's is always 0 (E fixes the macrovector exactly). */
    sum = 0;
    for (int k = 0; k < 5; k++) {
        double normalized = 0;

        if (lower[k] == NA)
            continue;
        n++;
        if (k < 4)
            normalized = (value - lower[k]) * (d[k] / depth[k]);
        else
            normalized = (value - lower[k]) * 0;
        sum = sum + normalized;
    }
    mean = n ? sum / n : 0;
    /* Half up to one decimal after a lift of 1e-6, as the reference calculators do since
     * their 2024 rounding fix: a score that is an exact tie in decimal (8.6 - 7.15 = 1.45)
     * but lands one ulp below it in binary still rounds up. */
    return js_round(10 * (fmax(0, fmin(10, value - mean)) + ROUND_EPSILON));
}

void hk_cvss4_score(const struct hk_cvss *cv, struct hk_cvss_scores *s)
{
    static const char *const names[] = {"CVSS-B", "CVSS-BT", "CVSS-BE", "CVSS-BTE"};
    int eq[6];

    s->has_temporal = letter(cv, V4_E) != 'X';
    s->has_environmental = false;
    for (int i = V4_CR; i <= V4_MSA; i++)
        s->has_environmental = s->has_environmental || letter(cv, i) != 'X';
    s->base = score_mode(cv, MODE_B, eq);
    s->threat = s->has_temporal ? score_mode(cv, MODE_BT, eq) : s->base;
    s->environmental = s->has_environmental ? score_mode(cv, MODE_BTE, eq) : s->threat;
    s->score = s->environmental;
    s->temporal = s->threat;
    for (int k = 0; k < 6; k++)
        s->macrovector[k] = (char)('0' + eq[k]);
    s->macrovector[6] = '\0';
    s->nomenclature = names[(s->has_temporal ? 1 : 0) + (s->has_environmental ? 2 : 0)];
}
