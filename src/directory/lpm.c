/* SPDX-License-Identifier: MIT */
/*
 * Longest-prefix match: a multibit trie with controlled prefix expansion and leaf pushing
 * (Srinivasan and Varghese, "Fast address lookups using controlled prefix expansion",
 * 1999), the structure behind DIR-24-8 but with a 16-bit root so that a small directory
 * stays small. The root has 2^16 entries (the first 16 bits of the address); below it,
 * chunks of 256 entries consume 8 bits each: IPv4 needs at most 3 reads, an IPv6 /48 5.
 *
 * An entry is 0 (no prefix), a value (1..2^31-1), or CHILD | chunk number. Leaf pushing
 * keeps every entry final: a chunk is created filled with the value of the entry it
 * replaces, so a lookup stops at the first entry that is not a child, with no backtracking.
 *
 * Build: prefixes are counting-sorted by length and inserted shortest first. Then a new
 * prefix may simply overwrite its range: everything already in the range is shorter, and
 * no child chunk can exist inside the range of a prefix ending at a level boundary (chunks
 * below it come only from longer prefixes, inserted later). Immutable afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "hikeshi/directory.h"

#define CHILD     0x80000000u
#define ROOT_BITS 16
#define ROOT_SIZE (1u << ROOT_BITS)

struct hk_lpm {
    int family;
    int bits; /* 32 or 128 */
    uint32_t *root;
    uint32_t *pool; /* chunks of 256 entries */
    size_t nchunks, capchunks;
};

void hk_lpm_free(struct hk_lpm *t)
{
    if (!t)
        return;
    free(t->root);
    free(t->pool);
    free(t);
}

size_t hk_lpm_memory(const struct hk_lpm *t)
{
    return t ? sizeof(*t) + ROOT_SIZE * 4 + t->capchunks * 256 * 4 : 0;
}

/* A new chunk whose 256 entries all hold fill; returns its number. */
static uint32_t new_chunk(struct hk_lpm *t, uint32_t fill)
{
    uint32_t *c;

    if (t->nchunks == t->capchunks) {
        t->capchunks = t->capchunks ? t->capchunks * 2 : 64;
        t->pool = hk_xrealloc(t->pool, t->capchunks * 256 * sizeof(uint32_t));
    }
    c = t->pool + t->nchunks * 256;
    for (int i = 0; i < 256; i++)
        c[i] = fill;
    return (uint32_t)t->nchunks++;
}

static void insert(struct hk_lpm *t, const struct hk_lpm_prefix *p)
{
    unsigned len = p->len;
    uint32_t idx16 = ((uint32_t)p->addr[0] << 8) | p->addr[1];
    uint32_t chunk;
    unsigned level_end = ROOT_BITS;
    size_t byte = 2;

    if (len <= ROOT_BITS) {
        uint32_t span = 1u << (ROOT_BITS - len);
        uint32_t start = len ? idx16 & ~(span - 1) : 0;
        for (uint32_t i = 0; i < span; i++)
            t->root[start + i] = p->value;
        return;
    }
    /* Descend from the root entry. */
    if (t->root[idx16] & CHILD) {
        chunk = t->root[idx16] & ~CHILD;
    } else {
        chunk = new_chunk(t, t->root[idx16]);
        t->root[idx16] = CHILD | chunk;
    }
    for (;;) {
        uint32_t *c;
        level_end += 8;
        if (len <= level_end) {
            uint32_t span = 1u << (level_end - len);
            uint32_t start = p->addr[byte] & ~(span - 1);
            c = t->pool + (size_t)chunk * 256;
            for (uint32_t i = 0; i < span; i++)
                c[start + i] = p->value;
            return;
        }
        c = t->pool + (size_t)chunk * 256;
        if (c[p->addr[byte]] & CHILD) {
            chunk = c[p->addr[byte]] & ~CHILD;
        } else {
            uint32_t k = new_chunk(t, c[p->addr[byte]]);
            c = t->pool + (size_t)chunk * 256; /* new_chunk may have moved the pool */
            c[p->addr[byte]] = CHILD | k;
            chunk = k;
        }
        byte++;
    }
}

hk_err hk_lpm_build(int family, struct hk_lpm_prefix *p, size_t n, struct hk_lpm **out)
{
    int bits = family == 4 ? 32 : 128;
    size_t count[130] = {0}, *pos = NULL;
    struct hk_lpm_prefix *sorted = NULL;
    struct hk_lpm *t;

    *out = NULL;
    if (family != 4 && family != 6)
        return HK_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (p[i].len > bits || !p[i].value || (p[i].value & CHILD))
            return HK_EINVAL;
        count[p[i].len + 1]++;
    }
    t = hk_xcalloc(1, sizeof(*t));
    t->family = family;
    t->bits = bits;
    t->root = hk_xcalloc(ROOT_SIZE, sizeof(uint32_t));
    /* Rough size: one chunk per 8 long prefixes; realloc doubles past it. */
    t->capchunks = n / 8 + 64;
    t->pool = hk_xmalloc(t->capchunks * 256 * sizeof(uint32_t));
    if (n) {
        /* Stable counting sort by length: equal prefixes keep input order (later wins). */
        pos = count;
        for (int l = 1; l <= bits + 1; l++)
            pos[l] += pos[l - 1];
        sorted = hk_xmalloc(n * sizeof(*sorted));
        for (size_t i = 0; i < n; i++)
            sorted[pos[p[i].len]++] = p[i];
        for (size_t i = 0; i < n; i++)
            insert(t, &sorted[i]);
        memcpy(p, sorted, n * sizeof(*p));
        free(sorted);
    }
    /* Give back the unused part of the pool (immutable from here on). */
    if (t->nchunks < t->capchunks) {
        t->capchunks = t->nchunks ? t->nchunks : 1;
        t->pool = hk_xrealloc(t->pool, t->capchunks * 256 * sizeof(uint32_t));
    }
    *out = t;
    return HK_OK;
}

uint32_t hk_lpm_lookup4(const struct hk_lpm *t, uint32_t a)
{
    uint32_t e = t->root[a >> 16];

    if (e & CHILD) {
        e = t->pool[((size_t)(e & ~CHILD) << 8) | ((a >> 8) & 0xff)];
        if (e & CHILD)
            e = t->pool[((size_t)(e & ~CHILD) << 8) | (a & 0xff)];
    }
    return e;
}

uint32_t hk_lpm_lookup6(const struct hk_lpm *t, const uint8_t a[16])
{
    uint32_t e = t->root[((uint32_t)a[0] << 8) | a[1]];

    for (int k = 2; (e & CHILD) && k < 16; k++)
        e = t->pool[((size_t)(e & ~CHILD) << 8) | a[k]];
    return e;
}

/* Batches of 16 walk level by level, prefetching the next level's entries of all 16
 * before reading any: the cache misses of independent lookups overlap. */
void hk_lpm_lookup4_batch(const struct hk_lpm *t, const uint32_t *a, uint32_t *out, size_t n)
{
    enum { B = 16 };
    size_t i = 0;

    for (; i + B <= n; i += B) {
        uint32_t e[B];
        for (int j = 0; j < B; j++) {
            e[j] = t->root[a[i + j] >> 16];
            if (e[j] & CHILD)
                __builtin_prefetch(
                    &t->pool[((size_t)(e[j] & ~CHILD) << 8) | ((a[i + j] >> 8) & 0xff)]);
        }
        for (int j = 0; j < B; j++) {
            if (!(e[j] & CHILD))
                continue;
            e[j] = t->pool[((size_t)(e[j] & ~CHILD) << 8) | ((a[i + j] >> 8) & 0xff)];
            if (e[j] & CHILD)
                __builtin_prefetch(&t->pool[((size_t)(e[j] & ~CHILD) << 8) | (a[i + j] & 0xff)]);
        }
        for (int j = 0; j < B; j++) {
            if (e[j] & CHILD)
                e[j] = t->pool[((size_t)(e[j] & ~CHILD) << 8) | (a[i + j] & 0xff)];
            out[i + j] = e[j];
        }
    }
    for (; i < n; i++)
        out[i] = hk_lpm_lookup4(t, a[i]);
}
