/* SPDX-License-Identifier: MIT */
/*
 * CVSS vectors: parsing, validation and scoring of versions 2.0, 3.0, 3.1 and 4.0, computed
 * exactly as FIRST's specifications and reference calculators compute them (v3.1 Roundup of
 * Appendix A, v3.0's older round-up, v4.0's macrovector lookup with the severity-distance
 * interpolation and one-decimal rounding). Nothing here allocates: a parsed vector is a small
 * value (struct hk_cvss) and scores are integers in tenths (98 means 9.8), so that no caller
 * ever compares or prints a binary fraction.
 */
#ifndef HIKESHI_CVSS_H
#define HIKESHI_CVSS_H

#include <stdbool.h>
#include <stddef.h>

#include "hikeshi/err.h"

/* The longest vector accepted: a v4.0 vector with every metric is about 250 bytes. */
#define HK_CVSS_MAX_LEN 512
/* The most metrics one version defines (v4.0: 11 base, 1 threat, 14 environmental, 6
 * supplemental). */
#define HK_CVSS_NMETRICS 32

enum hk_cvss_version {
    HK_CVSS_V20 = 20, /* no prefix: "AV:N/AC:L/Au:N/C:P/I:P/A:P" */
    HK_CVSS_V30 = 30, /* "CVSS:3.0/" */
    HK_CVSS_V31 = 31, /* "CVSS:3.1/" */
    HK_CVSS_V40 = 40, /* "CVSS:4.0/" */
};

/* A parsed, valid vector. val[i] is 0 when metric i of the version's table is absent, else
 * 1 + the index of its value in that metric's list (an explicit "X"/"ND" is a value). */
struct hk_cvss {
    int version; /* enum hk_cvss_version */
    unsigned char val[HK_CVSS_NMETRICS];
};

/* Scores in tenths (0..100). */
struct hk_cvss_scores {
    int version;
    int base;                 /* v2/v3 base score; v4 CVSS-B (threat and environmental ignored) */
    int temporal;             /* v2/v3 temporal score (v3: equals base when no temporal metric) */
    int threat;               /* v4 CVSS-BT (environmental metrics ignored) */
    int environmental;        /* v2/v3 environmental; v4 CVSS-BE or CVSS-BTE (all metrics) */
    int score;                /* the vector's own score: v4 the one its nomenclature names; v2/v3
                                 the most specific of the three whose metrics are given */
    bool has_temporal;        /* v2/v3 a temporal metric is given (not X/ND); v4 a threat metric */
    bool has_environmental;   /* an environmental metric is given (not X/ND) */
    char macrovector[7];      /* v4: EQ1..EQ6 of the whole vector, e.g. "000200"; else "" */
    const char *nomenclature; /* v4: "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE"; else NULL */
};

/*
 * Parses and validates vec[0..len) (no NUL needed). On success *out holds the vector. On
 * failure returns HK_EPARSE (HK_ETOOBIG past HK_CVSS_MAX_LEN) and em says what is wrong and
 * where, e.g. "metric AV has no value 'X' (allowed N, A, L, P)", "metric AV given twice",
 * "missing mandatory metrics PR, UI", "metric AC out of order: CVSS v4.0 requires ...".
 * Rules: the prefix decides the version ("CVSS:3.0/", "CVSS:3.1/", "CVSS:4.0/"; none and an
 * "Au" metric: v2); names and values are case-sensitive; every base metric is mandatory;
 * no metric twice; no empty component or trailing '/'; v4.0 requires the specification's
 * order, v2 and v3 accept any order.
 */
hk_err hk_cvss_parse(const char *vec, size_t len, struct hk_cvss *out, struct hk_errmsg *em);

/* Computes every score of a vector that hk_cvss_parse accepted. */
void hk_cvss_score(const struct hk_cvss *cv, struct hk_cvss_scores *out);

/* Qualitative rating of a score in tenths: "None", "Low", "Medium", "High", "Critical"
 * (v3/v4 scale; for v2 NVD's "Low", "Medium", "High"). */
const char *hk_cvss_severity(int version, int tenths);

/* The value of metric name ("AV", "MSI") as written in the vector, or NULL when the metric is
 * absent or unknown to the vector's version. */
const char *hk_cvss_get(const struct hk_cvss *cv, const char *name);

/* "2.0", "3.0", "3.1" or "4.0". */
const char *hk_cvss_version_str(int version);

#endif
