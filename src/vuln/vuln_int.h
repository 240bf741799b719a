/* SPDX-License-Identifier: MIT */
/*
 * Private to src/vuln: the per-version CVSS metric tables that the parser (cvss.c) and the
 * scorers share, and the v4.0 scorer (cvss4.c).
 */
#ifndef HIKESHI_VULN_INT_H
#define HIKESHI_VULN_INT_H

#include "hikeshi/cvss.h"

#define CVSS_MAXVAL 6

/* One metric of a version: its abbreviation, its values as written in vectors, and for v2
 * and v3 the numeric weight of each value. The value list ends at the first NULL. dflt is the index
 * of the value that an absent metric means (X or ND), or -1 for a mandatory base metric. */
struct cvss_metric {
    const char *name;
    signed char dflt;
    const char *vals[CVSS_MAXVAL];
    double w[CVSS_MAXVAL];
};

struct cvss_table {
    const struct cvss_metric *m;
    int n;
    int ordered; /* the specification fixes the order of metrics (v4.0) */
    int nmand;   /* the mandatory (base) metrics are the first nmand */
};

/* v4.0 metrics in the specification's order (Table 23). */
enum {
    V4_AV,
    V4_AC,
    V4_AT,
    V4_PR,
    V4_UI,
    V4_VC,
    V4_VI,
    V4_VA,
    V4_SC,
    V4_SI,
    V4_SA,
    V4_E,
    V4_CR,
    V4_IR,
    V4_AR,
    V4_MAV,
    V4_MAC,
    V4_MAT,
    V4_MPR,
    V4_MUI,
    V4_MVC,
    V4_MVI,
    V4_MVA,
    V4_MSC,
    V4_MSI,
    V4_MSA,
    V4_S,
    V4_AU,
    V4_R,
    V4_V,
    V4_RE,
    V4_U,
    V4__COUNT
};

extern const struct cvss_table hk_cvss_v4_table;

/* Fills the v4.0 fields of out (base, threat, environmental, score, flags, macrovector,
 * nomenclature) for a parsed v4.0 vector. */
void hk_cvss4_score(const struct hk_cvss *cv, struct hk_cvss_scores *out);

#endif
