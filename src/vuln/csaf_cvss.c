/* SPDX-License-Identifier: MIT */
/*
 * The CSAF 2.0 mandatory tests on scores and weaknesses (section 6.1): 6.1.7 one CVSS score
 * per version and product, 6.1.8 cvss_v2/cvss_v3 against FIRST's schemas, 6.1.9 stated scores
 * and severities equal to those computed from the vector (src/vuln/cvss.c), 6.1.10 metric
 * properties consistent with the vector, 6.1.11 CWE identifier and name from the CWE catalogue
 * (csaf_cwe.c). Every value's type is checked before use.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/cvss.h"
#include "vuln/csaf_int.h"

/* 6.1.7 multiple scores with the same CVSS version for one product (per vulnerability). */
static void t_multiple_scores(json_t *doc, struct csaf_rep *r)
{
    size_t i, j, k;
    json_t *v, *sc, *p;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *seen = json_object(); /* "version\x1fproduct" */

        json_array_foreach(P(v, "scores"), j, sc)
        {
            const char *vers[2] = {csaf_str(P(sc, "cvss_v2"), "version"),
                                   csaf_str(P(sc, "cvss_v3"), "version")};

            json_array_foreach(P(sc, "products"), k, p)
            {
                if (!json_is_string(p))
                    continue;
                for (int x = 0; x < 2; x++) {
                    struct hk_buf key = HK_BUF_INIT(HK_BUF_UNBOUNDED);

                    if (!vers[x])
                        continue;
                    (void)hk_buf_appends(&key, vers[x]);
                    (void)hk_buf_appendc(&key, '\x1f');
                    (void)hk_buf_append(&key, json_string_value(p), json_string_length(p));
                    if (json_object_getn(seen, key.buf, key.len)) {
                        char msg[320];

                        (void)snprintf(msg, sizeof(msg),
                                       "product '%.200s' already has a CVSS %s score",
                                       json_string_value(p), vers[x]);
                        csaf_errf(r, "6.1.7", msg, "/vulnerabilities/%zu/scores/%zu/products/%zu",
                                  i, j, k);
                    }
                    (void)json_object_setn_new_nocheck(seen, key.buf, key.len, json_true());
                    hk_buf_release(&key);
                }
            }
        }
        json_decref(seen);
    }
}

/* 6.1.8 invalid CVSS: cvss_v2 and cvss_v3 against the FIRST schemas. */
static void t_cvss_schema(json_t *doc, struct csaf_rep *r)
{
    const struct csaf_schema *s2 = csaf_schema_cvss("2.0"), *s3 = csaf_schema_cvss("3");
    size_t i, j;
    json_t *v, *sc;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_array_foreach(P(v, "scores"), j, sc)
        {
            static const char *const keys[] = {"cvss_v2", "cvss_v3"};

            for (int k = 0; k < 2; k++) {
                json_t *c = P(sc, keys[k]);
                size_t m;

                if (!c)
                    continue;
                m = csaf_path_push_key(r, "vulnerabilities");
                (void)csaf_path_push_index(r, i);
                (void)csaf_path_push_key(r, "scores");
                (void)csaf_path_push_index(r, j);
                (void)csaf_path_push_key(r, keys[k]);
                (void)csaf_schema_check(k ? s3 : s2, c, r, "6.1.8");
                csaf_path_pop(r, m);
            }
        }
    }
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* Compares a stated score (a JSON number) with a computed one in tenths. */
static void score_eq(json_t *c, const char *name, int tenths, struct csaf_rep *r, size_t i,
                     size_t j, const char *key)
{
    json_t *n = P(c, name);

    if (json_is_number(n) && fabs(json_number_value(n) - tenths / 10.0) > 1e-9) {
        char msg[160];

        (void)snprintf(msg, sizeof(msg), "%s %g does not match the vector (computed %d.%d)", name,
                       json_number_value(n), tenths / 10, tenths % 10);
        csaf_errf(r, "6.1.9", msg, "/vulnerabilities/%zu/scores/%zu/%s/%s", i, j, key, name);
    }
}

static void severity_eq(json_t *c, const char *name, int version, int tenths, struct csaf_rep *r,
                        size_t i, size_t j)
{
    const char *stated = csaf_str(c, name);
    char want[16];

    if (!stated)
        return;
    (void)snprintf(want, sizeof(want), "%s", hk_cvss_severity(version, tenths));
    upper(want);
    if (strcmp(stated, want)) {
        char msg[160];

        (void)snprintf(msg, sizeof(msg), "%s '%.20s' does not match the vector (computed %s)", name,
                       stated, want);
        csaf_errf(r, "6.1.9", msg, "/vulnerabilities/%zu/scores/%zu/cvss_v3/%s", i, j, name);
    }
}

/* 6.1.9 invalid CVSS computation: stated scores and severities must be those of the vector. */
static void t_cvss_computation(json_t *doc, struct csaf_rep *r)
{
    size_t i, j;
    json_t *v, *sc;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_array_foreach(P(v, "scores"), j, sc)
        {
            json_t *c2 = P(sc, "cvss_v2"), *c3 = P(sc, "cvss_v3");
            const char *vec = csaf_str(c2, "vectorString");
            struct hk_cvss cv;
            struct hk_cvss_scores s;

            if (vec && hk_cvss_parse(vec, strlen(vec), &cv, NULL) == HK_OK &&
                cv.version == HK_CVSS_V20) {
                hk_cvss_score(&cv, &s);
                score_eq(c2, "baseScore", s.base, r, i, j, "cvss_v2");
                score_eq(c2, "temporalScore", s.temporal, r, i, j, "cvss_v2");
                score_eq(c2, "environmentalScore", s.environmental, r, i, j, "cvss_v2");
            }
            vec = csaf_str(c3, "vectorString");
            if (vec && csaf_str(c3, "version") &&
                hk_cvss_parse(vec, strlen(vec), &cv, NULL) == HK_OK &&
                ((cv.version == HK_CVSS_V30 && !strcmp(csaf_str(c3, "version"), "3.0")) ||
                 (cv.version == HK_CVSS_V31 && !strcmp(csaf_str(c3, "version"), "3.1")))) {
                hk_cvss_score(&cv, &s);
                score_eq(c3, "baseScore", s.base, r, i, j, "cvss_v3");
                score_eq(c3, "temporalScore", s.temporal, r, i, j, "cvss_v3");
                score_eq(c3, "environmentalScore", s.environmental, r, i, j, "cvss_v3");
                severity_eq(c3, "baseSeverity", cv.version, s.base, r, i, j);
                severity_eq(c3, "temporalSeverity", cv.version, s.temporal, r, i, j);
                severity_eq(c3, "environmentalSeverity", cv.version, s.environmental, r, i, j);
            }
        }
    }
}

/* The CVSS JSON property for each vector metric, with the value names (FIRST schemas). */
struct cvss_map {
    const char *prop, *key, *vals; /* vals: "N=NETWORK,A=ADJACENT_NETWORK,..." */
};

static const struct cvss_map cvss2_map[] = {
    {"accessVector", "AV", "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL"},
    {"accessComplexity", "AC", "H=HIGH,M=MEDIUM,L=LOW"},
    {"authentication", "Au", "M=MULTIPLE,S=SINGLE,N=NONE"},
    {"confidentialityImpact", "C", "N=NONE,P=PARTIAL,C=COMPLETE"},
    {"integrityImpact", "I", "N=NONE,P=PARTIAL,C=COMPLETE"},
    {"availabilityImpact", "A", "N=NONE,P=PARTIAL,C=COMPLETE"},
    {"exploitability", "E", "U=UNPROVEN,POC=PROOF_OF_CONCEPT,F=FUNCTIONAL,H=HIGH,ND=NOT_DEFINED"},
    {"remediationLevel", "RL",
     "OF=OFFICIAL_FIX,TF=TEMPORARY_FIX,W=WORKAROUND,U=UNAVAILABLE,ND=NOT_DEFINED"},
    {"reportConfidence", "RC", "UC=UNCONFIRMED,UR=UNCORROBORATED,C=CONFIRMED,ND=NOT_DEFINED"},
    {"collateralDamagePotential", "CDP",
     "N=NONE,L=LOW,LM=LOW_MEDIUM,MH=MEDIUM_HIGH,H=HIGH,ND=NOT_DEFINED"},
    {"targetDistribution", "TD", "N=NONE,L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"},
    {"confidentialityRequirement", "CR", "L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"},
    {"integrityRequirement", "IR", "L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"},
    {"availabilityRequirement", "AR", "L=LOW,M=MEDIUM,H=HIGH,ND=NOT_DEFINED"},
    {NULL, NULL, NULL},
};

static const struct cvss_map cvss3_map[] = {
    {"attackVector", "AV", "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL"},
    {"attackComplexity", "AC", "H=HIGH,L=LOW"},
    {"privilegesRequired", "PR", "N=NONE,L=LOW,H=HIGH"},
    {"userInteraction", "UI", "N=NONE,R=REQUIRED"},
    {"scope", "S", "U=UNCHANGED,C=CHANGED"},
    {"confidentialityImpact", "C", "N=NONE,L=LOW,H=HIGH"},
    {"integrityImpact", "I", "N=NONE,L=LOW,H=HIGH"},
    {"availabilityImpact", "A", "N=NONE,L=LOW,H=HIGH"},
    {"exploitCodeMaturity", "E", "U=UNPROVEN,P=PROOF_OF_CONCEPT,F=FUNCTIONAL,H=HIGH,X=NOT_DEFINED"},
    {"remediationLevel", "RL",
     "O=OFFICIAL_FIX,T=TEMPORARY_FIX,W=WORKAROUND,U=UNAVAILABLE,X=NOT_DEFINED"},
    {"reportConfidence", "RC", "U=UNKNOWN,R=REASONABLE,C=CONFIRMED,X=NOT_DEFINED"},
    {"confidentialityRequirement", "CR", "L=LOW,M=MEDIUM,H=HIGH,X=NOT_DEFINED"},
    {"integrityRequirement", "IR", "L=LOW,M=MEDIUM,H=HIGH,X=NOT_DEFINED"},
    {"availabilityRequirement", "AR", "L=LOW,M=MEDIUM,H=HIGH,X=NOT_DEFINED"},
    {"modifiedAttackVector", "MAV",
     "N=NETWORK,A=ADJACENT_NETWORK,L=LOCAL,P=PHYSICAL,X=NOT_DEFINED"},
    {"modifiedAttackComplexity", "MAC", "H=HIGH,L=LOW,X=NOT_DEFINED"},
    {"modifiedPrivilegesRequired", "MPR", "H=HIGH,L=LOW,N=NONE,X=NOT_DEFINED"},
    {"modifiedUserInteraction", "MUI", "N=NONE,R=REQUIRED,X=NOT_DEFINED"},
    {"modifiedScope", "MS", "U=UNCHANGED,C=CHANGED,X=NOT_DEFINED"},
    {"modifiedConfidentialityImpact", "MC", "H=HIGH,L=LOW,N=NONE,X=NOT_DEFINED"},
    {"modifiedIntegrityImpact", "MI", "H=HIGH,L=LOW,N=NONE,X=NOT_DEFINED"},
    {"modifiedAvailabilityImpact", "MA", "H=HIGH,L=LOW,N=NONE,X=NOT_DEFINED"},
    {NULL, NULL, NULL},
};

/* The value name for abbreviation abbr in vals, copied into out; false when unknown. */
static bool map_value(const char *vals, const char *abbr, size_t alen, char *out, size_t size)
{
    const char *p = vals;

    while (*p) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        size_t vlen;

        if (!end)
            end = p + strlen(p);
        vlen = (size_t)(end - eq - 1);
        if ((size_t)(eq - p) == alen && !memcmp(p, abbr, alen) && vlen < size) {
            memcpy(out, eq + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = *end ? end + 1 : end;
    }
    return false;
}

static void vector_vs_props(json_t *c, const char *vec, const struct cvss_map *map, const char *key,
                            struct csaf_rep *r, size_t i, size_t j)
{
    const char *p = vec;

    while (*p) {
        const char *end = strchr(p, '/'), *colon;

        if (!end)
            end = p + strlen(p);
        colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            size_t klen = (size_t)(colon - p);
            const char *val = colon + 1;
            size_t vlen = (size_t)(end - val);
            const char *colon2 = memchr(val, ':', vlen);

            if (colon2) /* "A:B:C" splits as JS does: the value is "B" */
                vlen = (size_t)(colon2 - val);
            for (const struct cvss_map *m = map; m->prop; m++) {
                char want[40];
                const char *stated;

                if (strlen(m->key) != klen || memcmp(m->key, p, klen))
                    continue;
                stated = csaf_str(c, m->prop);
                if (stated && map_value(m->vals, val, vlen, want, sizeof(want)) &&
                    strcmp(stated, want)) {
                    char msg[200];

                    (void)snprintf(msg, sizeof(msg),
                                   "%s '%.40s' is not consistent with the vector string (%s)",
                                   m->prop, stated, want);
                    csaf_errf(r, "6.1.10", msg, "/vulnerabilities/%zu/scores/%zu/%s/%s", i, j, key,
                              m->prop);
                }
                break;
            }
        }
        p = *end ? end + 1 : end;
    }
}

/* 6.1.10 inconsistent CVSS: the metric properties must agree with the vector string. */
static void t_cvss_consistency(json_t *doc, struct csaf_rep *r)
{
    size_t i, j;
    json_t *v, *sc;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_array_foreach(P(v, "scores"), j, sc)
        {
            json_t *c2 = P(sc, "cvss_v2"), *c3 = P(sc, "cvss_v3");
            const char *vec2 = csaf_str(c2, "vectorString"), *vec3 = csaf_str(c3, "vectorString");
            const char *ver = csaf_str(c3, "version");

            if (vec2)
                vector_vs_props(c2, vec2, cvss2_map, "cvss_v2", r, i, j);
            if (vec3 && ver && (!strcmp(ver, "3.0") || !strcmp(ver, "3.1"))) {
                const char *slash = strchr(vec3, '/');

                if (slash) /* skip the "CVSS:3.x" prefix */
                    vector_vs_props(c3, slash + 1, cvss3_map, "cvss_v3", r, i, j);
            }
        }
    }
}

static int cwe_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct hk_csaf_cwe *)elem)->id);
}

/* 6.1.11 CWE: the ID must exist and the name must be that of the weakness. */
static void t_cwe(json_t *doc, struct csaf_rep *r)
{
    size_t i;
    json_t *v;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *cwe = P(v, "cwe");
        const char *id = csaf_str(cwe, "id"), *name = csaf_str(cwe, "name");
        const struct hk_csaf_cwe *e;
        char msg[400];

        if (!id || !name)
            continue;
        e = bsearch(id, hk_csaf_cwes, hk_csaf_ncwes, sizeof(hk_csaf_cwes[0]), cwe_cmp);
        if (!e) {
            (void)snprintf(msg, sizeof(msg), "no weakness with the id '%.40s' is known", id);
            csaf_errf(r, "6.1.11", msg, "/vulnerabilities/%zu/cwe/id", i);
        } else if (strcmp(e->name, name)) {
            (void)snprintf(msg, sizeof(msg), "the name of %s is '%.300s'", e->id, e->name);
            csaf_errf(r, "6.1.11", msg, "/vulnerabilities/%zu/cwe/name", i);
        }
    }
}

void csaf_cvss_tests(json_t *doc, struct csaf_rep *r)
{
    t_multiple_scores(doc, r);
    t_cvss_schema(doc, r);
    t_cvss_computation(doc, r);
    t_cvss_consistency(doc, r);
    t_cwe(doc, r);
}
