/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CVSS parser and scorers (src/vuln/cvss.c, cvss4.c). Every input
 * is parsed; a refusal must come with HK_EPARSE or HK_ETOOBIG and a non-empty message. An
 * accepted vector is scored and must keep the invariants: a known version, every metric
 * value readable back through hk_cvss_get, scores within 0..10, v4 macrovector digits within their
 * EQ ranges and a nomenclature, and parsing the same bytes again gives the same vector and scores.
 */
#include "hikeshi/cvss.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
    (void)fprintf(stderr, "fuzz_cvss: %s: '%.*s'\n", what, (int)(size > 600 ? 600 : size),
                  (const char *)data);
    abort();
}

static int in_range(int t)
{
    return t >= 0 && t <= 100;
}

static void check_v4(const struct hk_cvss_scores *s, const uint8_t *data, size_t size)
{
    static const char max[] = "212221";

    if (strlen(s->macrovector) != 6 || !s->nomenclature)
        fail("v4 macrovector or nomenclature missing", data, size);
    for (int k = 0; k < 6; k++)
        if (s->macrovector[k] < '0' || s->macrovector[k] > max[k])
            fail("macrovector digit out of range", data, size);
    if (strncmp(s->nomenclature, "CVSS-B", 6) != 0)
        fail("bad nomenclature", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"AV", "AC", "Au", "PR", "UI", "S",   "C", "I",  "A",
                                        "E",  "RL", "RC", "AT", "VC", "MSI", "U", "CDP"};
    struct hk_cvss cv, again;
    struct hk_cvss_scores s, s2;
    struct hk_errmsg em = {{0}};
    hk_err err = hk_cvss_parse((const char *)data, size, &cv, &em);

    if (err != HK_OK) {
        if ((err != HK_EPARSE && err != HK_ETOOBIG) || em.text[0] == '\0' ||
            !memchr(em.text, '\0', sizeof(em.text)))
            fail("bad refusal", data, size);
        return 0;
    }
    if (cv.version != HK_CVSS_V20 && cv.version != HK_CVSS_V30 && cv.version != HK_CVSS_V31 &&
        cv.version != HK_CVSS_V40)
        fail("unknown version", data, size);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = hk_cvss_get(&cv, names[i]);

        if (v && !memmem(data, size, v, strlen(v)))
            fail("metric value not in the input", data, size);
    }
    hk_cvss_score(&cv, &s);
    if (!in_range(s.base) || !in_range(s.temporal) || !in_range(s.threat) ||
        !in_range(s.environmental) || !in_range(s.score))
        fail("score out of range", data, size);
    if (cv.version == HK_CVSS_V40)
        check_v4(&s, data, size);
    else if (s.macrovector[0] || s.nomenclature)
        fail("v4 fields set for an older version", data, size);
    if (!hk_cvss_severity(cv.version, s.score))
        fail("no severity", data, size);
    if (hk_cvss_parse((const char *)data, size, &again, NULL) != HK_OK ||
        memcmp(&cv, &again, sizeof(cv)) != 0)
        fail("parse not deterministic", data, size);
    hk_cvss_score(&again, &s2);
    if (memcmp(&s, &s2, sizeof(s)) != 0)
        fail("score not deterministic", data, size);
    return 0;
}
