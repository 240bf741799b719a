/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the package-URL parser and formatter and the "vers" range parser
 * (src/vuln/purl.c). Every input is parsed as a purl: a refusal must come with HK_EPARSE or
 * HK_ETOOBIG and a message; an accepted purl is formatted, and the text parses again to the
 * same components and formats to the same text; it is the same package as itself. The input
 * (up to its first NUL) is also parsed as a vers range; an accepted range must contain each of
 * its own closed bounds unless excluded, and testing versions never crashes.
 */
#include "hikeshi/advisory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
    (void)fprintf(stderr, "fuzz_purl: %s: '%.*s'\n", what, (int)(size > 600 ? 600 : size),
                  (const char *)data);
    abort();
}

static void purl(const uint8_t *data, size_t size)
{
    struct hk_purl p, q;
    struct hk_errmsg em = {{0}};
    char text[4 * HK_PURL_MAX_LEN], text2[4 * HK_PURL_MAX_LEN];
    hk_err err = hk_purl_parse((const char *)data, size, &p, &em);

    if (err) {
        if ((err != HK_EPARSE && err != HK_ETOOBIG) || !em.text[0])
            fail("refusal without HK_EPARSE/HK_ETOOBIG and a message", data, size);
        return;
    }
    if (!hk_purl_same_package(&p, &p))
        fail("not the same package as itself", data, size);
    if (hk_purl_format(&p, true, text, sizeof(text)))
        fail("format failed", data, size);
    if (strlen(text) > HK_PURL_MAX_LEN)
        return; /* percent-encoding made it longer than a purl may be */
    if (hk_purl_parse(text, strlen(text), &q, &em))
        fail("formatted purl does not parse", data, size);
    if (strcmp(p.type, q.type) || strcmp(p.ns, q.ns) || strcmp(p.name, q.name) ||
        strcmp(p.version, q.version) || strcmp(p.qualifiers, q.qualifiers) ||
        strcmp(p.subpath, q.subpath))
        fail("round trip changed a component", data, size);
    if (hk_purl_format(&q, true, text2, sizeof(text2)) || strcmp(text, text2))
        fail("formatting is not stable", data, size);
}

static void vers(const uint8_t *data, size_t size)
{
    char s[600];
    size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
    struct hk_vers v;
    struct hk_errmsg em = {{0}};

    memcpy(s, data, n);
    s[n] = '\0';
    if (hk_vers_parse(s, &v, &em)) {
        if (!em.text[0])
            fail("vers refusal without a message", data, size);
        return;
    }
    for (int i = 0; i < v.n; i++) {
        const struct hk_cpe_range *r = &v.iv[i];
        if (r->start && r->start_incl && r->end &&
            hk_cpe_version_cmp(r->start, strlen(r->start), r->end, strlen(r->end)) <= 0) {
            bool excluded = false;
            for (int k = 0; k < v.nexcl; k++)
                excluded |=
                    !hk_cpe_version_cmp(r->start, strlen(r->start), v.excl[k], strlen(v.excl[k]));
            if (!excluded &&
                (r->end_incl ||
                 hk_cpe_version_cmp(r->start, strlen(r->start), r->end, strlen(r->end)) < 0) &&
                !hk_vers_contains(&v, r->start, strlen(r->start)))
                fail("a range does not contain its own lower bound", data, size);
        }
    }
    (void)hk_vers_contains(&v, "1.0", 3);
    (void)hk_vers_contains(&v, s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    purl(data, size);
    vers(data, size);
    return 0;
}
