/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the prefix-table loader: the CAIDA pfx2as parser
 * (src/directory/pfx2as.c) and the trie built from what it accepts (lpm.c). A refusal must
 * carry a message naming a line and leave the result empty; an accepted table must hold
 * canonical prefixes (host bits clear) with at least one origin each, and the trie built
 * from it must answer, for the first address of every prefix, a prefix that covers it and
 * is at least as long as that prefix (so the longest match is never missed). The prefix,
 * domain and ASN parsers are driven on the first line as well.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    (void)fprintf(stderr, "fuzz_prefixes: %s\n", what);
    abort();
}

static void values(const uint8_t *data, size_t size)
{
    char line[600], out[300];
    size_t n = 0;
    struct hk_prefix p;
    uint32_t asn;

    while (n < size && n < sizeof(line) - 1 && data[n] != '\n')
        n++;
    memcpy(line, data, n);
    line[n] = '\0';
    if (!hk_prefix_parse(line, true, &p, NULL)) {
        struct hk_prefix q;
        char txt[64];
        hk_prefix_fmt(&p, txt);
        if (hk_prefix_parse(txt, false, &q, NULL) || memcmp(&p, &q, sizeof(p)))
            fail("canonical prefix does not parse back to itself");
    }
    if (!hk_domain_norm(line, out, sizeof(out), NULL)) {
        char again[300];
        if (hk_domain_norm(out, again, sizeof(again), NULL) || strcmp(out, again))
            fail("domain normalisation is not idempotent");
    }
    (void)hk_asn_parse(line, &asn, NULL);
}

static void check_trie(const struct hk_pfx2as *t, int family)
{
    size_t n = family == 4 ? t->n4 : t->n6, k = 0;
    struct hk_lpm_prefix *p = calloc(n + 1, sizeof(*p));
    struct hk_lpm *lpm = NULL;

    for (size_t i = 0; i < t->n; i++) {
        if (t->e[i].p.family != family)
            continue;
        memcpy(p[k].addr, t->e[i].p.addr, 16);
        p[k].len = t->e[i].p.len;
        p[k].value = (uint32_t)i + 1;
        k++;
    }
    if (hk_lpm_build(family, p, k, &lpm))
        fail("trie build refused a parsed table");
    for (size_t i = 0; i < t->n; i++) {
        const struct hk_prefix *e = &t->e[i].p;
        struct hk_prefix host;
        uint32_t v;
        if (e->family != family)
            continue;
        v = family == 4
                ? hk_lpm_lookup4(lpm, ((uint32_t)e->addr[0] << 24) | ((uint32_t)e->addr[1] << 16) |
                                          ((uint32_t)e->addr[2] << 8) | e->addr[3])
                : hk_lpm_lookup6(lpm, e->addr);
        if (!v || v > t->n)
            fail("the first address of a loaded prefix has no match");
        host = *e;
        host.len = family == 4 ? 32 : 128;
        if (t->e[v - 1].p.len < e->len || !hk_prefix_covers(&t->e[v - 1].p, &host))
            fail("a shorter or non-covering prefix was answered");
    }
    hk_lpm_free(lpm);
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_pfx2as t;
    struct hk_errmsg em = {{0}};
    hk_err err;

    values(data, size);
    err = hk_pfx2as_parse((const char *)data, size, &t, &em);
    if (err) {
        if (t.n || t.e || t.asns)
            fail("a refused table is not empty");
        if (!em.text[0] || (err == HK_EPARSE && strncmp(em.text, "line ", 5)))
            fail("a refusal without a line number");
        return 0;
    }
    if (t.n != t.n4 + t.n6)
        fail("counts disagree");
    for (size_t i = 0; i < t.n; i++) {
        struct hk_prefix q;
        char txt[64];
        if (!t.e[i].nasn || t.e[i].asn_off + t.e[i].nasn > t.nasns)
            fail("an entry without origins");
        hk_prefix_fmt(&t.e[i].p, txt);
        if (hk_prefix_parse(txt, false, &q, NULL))
            fail("a loaded prefix has host bits set");
    }
    check_trie(&t, 4);
    check_trie(&t, 6);
    hk_pfx2as_release(&t);
    return 0;
}
