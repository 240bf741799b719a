/* SPDX-License-Identifier: MIT */
/*
 * The CAIDA Routeviews prefix-to-AS text format (https://www.caida.org/catalog/datasets/
 * routeviews-prefix2as/): one line per announced prefix, "PREFIX<TAB>LENGTH<TAB>ASNS",
 * where ASNS is one origin, several origins of a multi-origin prefix joined by '_', or an
 * AS set joined by ','. Parsing is all or nothing: the first bad line fails the whole text
 * with its line number, so a truncated or corrupt download never half-replaces the table.
 * This is also the input the fuzz target fuzz_prefixes.c drives.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/directory.h"

#define MAX_LINES   16000000u
#define MAX_ORIGINS 64

void hk_pfx2as_release(struct hk_pfx2as *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->asns);
    memset(t, 0, sizeof(*t));
}

/* Reads one whitespace-delimited field of the line [*p, end) into f[0..cap). */
static size_t field(const char **p, const char *end, char *f, size_t cap)
{
    size_t n = 0;

    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    while (*p < end && **p != ' ' && **p != '\t') {
        if (n + 1 >= cap)
            return cap; /* too long */
        f[n++] = *(*p)++;
    }
    f[n] = '\0';
    return n;
}

static uint64_t key_hash(const struct hk_prefix *p)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)p->family << 8 | p->len);
    for (int i = 0; i < (p->family == 4 ? 4 : 16); i++)
        h = (h ^ p->addr[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* Finds an earlier entry with the same prefix: returns its line, or 0. */
static uint32_t dup_check(uint32_t *tab, size_t mask, const struct hk_pfx2as_entry *e, uint32_t idx)
{
    size_t h = (size_t)key_hash(&e[idx].p) & mask;

    while (tab[h]) {
        const struct hk_pfx2as_entry *o = &e[tab[h] - 1];
        if (o->p.family == e[idx].p.family && o->p.len == e[idx].p.len &&
            !memcmp(o->p.addr, e[idx].p.addr, 16))
            return o->line;
        h = (h + 1) & mask;
    }
    tab[h] = idx + 1;
    return 0;
}

static hk_err parse_origins(const char *f, uint32_t line, struct hk_pfx2as *t, size_t *capa,
                            uint32_t *nasn, struct hk_errmsg *em)
{
    const char *s = f;

    *nasn = 0;
    while (*s) {
        uint64_t v = 0;
        const char *d = s;
        while (*s >= '0' && *s <= '9' && s - d < 11)
            v = v * 10 + (uint64_t)(*s++ - '0');
        if (s == d || (*s && *s != '_' && *s != ',') || !v || v >= 4294967295u)
            return hk_errf(em, HK_EPARSE,
                           "line %u: '%.40s' is not an origin AS list (e.g. "
                           "64500, 64500_64501 or 64500,64501)",
                           line, f);
        if (++*nasn > MAX_ORIGINS)
            return hk_errf(em, HK_EPARSE, "line %u: more than %d origin ASes", line, MAX_ORIGINS);
        if (t->nasns == *capa) {
            *capa = *capa ? *capa * 2 : 1024;
            t->asns = hk_xrealloc(t->asns, *capa * sizeof(uint32_t));
        }
        t->asns[t->nasns++] = (uint32_t)v;
        if (*s)
            s++;
        if (!*s && (s[-1] == '_' || s[-1] == ','))
            return hk_errf(em, HK_EPARSE, "line %u: '%.40s' ends with a separator", line, f);
    }
    return HK_OK;
}

static hk_err parse_line(const char *p, const char *end, uint32_t line, struct hk_pfx2as *t,
                         size_t *capa, struct hk_pfx2as_entry *e, struct hk_errmsg *em)
{
    char addr[64], len[8], asn[1024], extra[4];
    char pfx[80];
    struct hk_errmsg pm;
    hk_err err;

    if (field(&p, end, addr, sizeof(addr)) >= sizeof(addr) ||
        field(&p, end, len, sizeof(len)) >= sizeof(len) ||
        field(&p, end, asn, sizeof(asn)) >= sizeof(asn) || !addr[0] || !len[0] || !asn[0] ||
        field(&p, end, extra, sizeof(extra)))
        return hk_errf(em, HK_EPARSE, "line %u: expected 'PREFIX<TAB>LENGTH<TAB>ASNS'", line);
    memcpy(pfx, addr, strlen(addr));
    pfx[strlen(addr)] = '/';
    memcpy(pfx + strlen(addr) + 1, len, strlen(len) + 1);
    if ((err = hk_prefix_parse(pfx, false, &e->p, &pm)))
        return hk_errf(em, HK_EPARSE, "line %u: %s", line, pm.text);
    e->line = line;
    e->asn_off = (uint32_t)t->nasns;
    return parse_origins(asn, line, t, capa, &e->nasn, em);
}

hk_err hk_pfx2as_parse(const char *p, size_t n, struct hk_pfx2as *out, struct hk_errmsg *em)
{
    const char *end = p + n;
    struct hk_pfx2as t;
    size_t cap = 0, capa = 0, mask;
    uint32_t line = 0, *tab = NULL;
    hk_err err = HK_OK;

    memset(&t, 0, sizeof(t));
    memset(out, 0, sizeof(*out));
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        if (++line > MAX_LINES) {
            err = hk_errf(em, HK_ETOOBIG, "more than %u lines", MAX_LINES);
            goto fail;
        }
        if (le > p && le[-1] == '\r')
            le--;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q < le && *q != '#') {
            if (memchr(q, '\0', (size_t)(le - q))) {
                err = hk_errf(em, HK_EPARSE, "line %u: NUL byte", line);
                goto fail;
            }
            if (t.n == cap) {
                cap = cap ? cap * 2 : 1024;
                t.e = hk_xrealloc(t.e, cap * sizeof(*t.e));
            }
            if ((err = parse_line(q, le, line, &t, &capa, &t.e[t.n], em)))
                goto fail;
            if (t.e[t.n].p.family == 4)
                t.n4++;
            else
                t.n6++;
            t.n++;
        }
        p = nl ? nl + 1 : end;
    }
    /* Duplicate prefixes: an open-addressing set over (family, length, address). */
    for (mask = 1; mask < 2 * t.n + 2; mask <<= 1)
        ;
    tab = hk_xcalloc(mask, sizeof(uint32_t));
    mask--;
    for (size_t i = 0; i < t.n; i++) {
        uint32_t first = dup_check(tab, mask, t.e, (uint32_t)i);
        if (first) {
            char txt[64];
            hk_prefix_fmt(&t.e[i].p, txt);
            err = hk_errf(em, HK_EPARSE, "line %u: prefix %s is already on line %u", t.e[i].line,
                          txt, first);
            goto fail;
        }
    }
    free(tab);
    *out = t;
    return HK_OK;
fail:
    free(tab);
    hk_pfx2as_release(&t);
    return err;
}
