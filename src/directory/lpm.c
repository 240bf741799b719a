/* SPDX-License-Identifier: MIT */
/*
 * Longest-prefix match.
 *
 * IPv4: a multibit trie with controlled prefix expansion and leaf pushing (Srinivasan and
 * Varghese, "Fast address lookups using controlled prefix expansion", 1999), the structure
 * behind DIR-24-8 but with a 16-bit root so that a small directory stays small. The root
 * has 2^16 entries (the first 16 bits of the address); below it, chunks of 256 entries
 * consume 8 bits each: at most 3 reads.
 *
 * An entry is 0 (no prefix), a value (1..2^31-1), or CHILD | chunk number. Leaf pushing
 * keeps every entry final: a chunk is created filled with the value of the entry it
 * replaces, so a lookup stops at the first entry that is not a child, with no backtracking.
 *
 * Build: prefixes are counting-sorted by length and inserted shortest first. Then a new
 * prefix may simply overwrite its range: everything already in the range is shorter, and
 * no child chunk can exist inside the range of a prefix ending at a level boundary (chunks
 * below it come only from longer prefixes, inserted later). Immutable afterwards.
 *
 * IPv6: the same scheme with 256-entry chunks was too big and too deep (a /48 took four
 * 1 KiB chunks: 130 MB and four cache misses per lookup for 100,000 prefixes). So the root
 * takes 18 bits, and below it is a poptrie (Asai and Ohara, "Poptrie: a compressed trie
 * with population count for fast and scalable software IP routing table lookup", SIGCOMM
 * 2015): 6-bit strides, each node 24 bytes with two 64-bit bitmaps: `vec` marks the slots
 * that lead to a child node, `leafvec` the slots where a run of equal leaf values starts
 * (slots holding a child continue the run). The children of a node are contiguous from
 * `base1`, its leaves from `base0`, so a popcount of the bits up to the slot gives the
 * index. It is compiled from the same leaf-pushed expansion built with 64-entry chunks
 * (then dropped). 100,000 prefixes of a routing-table mix take about 8 MB.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hikeshi/directory.h"

#define CHILD     0x80000000u
#define ROOT_BITS 16
#define ROOT_SIZE (1u << ROOT_BITS)
/* The IPv6 root takes 18 bits (1 MiB, of which 2000::/3 uses an eighth), so that the
 * common /48 ends at a node boundary: root, 5 nodes and a leaf. */
#define ROOT6_BITS 18
#define ROOT6_SIZE (1u << ROOT6_BITS)

struct hk_p6node {
    uint64_t vec;     /* slot -> child node */
    uint64_t leafvec; /* slot where a run of equal leaves starts */
    uint32_t base0;   /* first leaf */
    uint32_t base1;   /* first child */
};

struct hk_lpm {
    int family;
    int bits; /* 32 or 128 */
    uint32_t *root;
    uint32_t *pool; /* IPv4: chunks of 256 entries; IPv6: NULL once compiled */
    size_t nchunks, capchunks;
    /* IPv6: root entries with CHILD name a node. */
    struct hk_p6node *nodes;
    uint32_t *leaves;
    size_t nnodes, nleaves, capleaves;
    void *region;       /* large IPv6 tables: root, nodes and leaves in one block... */
    size_t region_size; /* ...of whole 2 MiB huge pages */
    bool popcnt;        /* the CPU has the POPCNT instruction */
};

void hk_lpm_free(struct hk_lpm *t)
{
    if (!t)
        return;
    if (t->region) {
        free(t->region);
    } else {
        free(t->root);
        free(t->nodes);
        free(t->leaves);
    }
    free(t->pool);
    free(t);
}

size_t hk_lpm_memory(const struct hk_lpm *t)
{
    if (!t)
        return 0;
    if (t->region)
        return sizeof(*t) + t->region_size;
    if (t->family == 6)
        return sizeof(*t) + ROOT6_SIZE * 4 + t->nnodes * sizeof(struct hk_p6node) + t->nleaves * 4;
    return sizeof(*t) + ROOT_SIZE * 4 + t->capchunks * 256 * 4;
}

/* A new chunk whose csz entries (256, or C6 for IPv6) all hold fill; returns its number. */
static uint32_t new_chunk(struct hk_lpm *t, uint32_t fill, unsigned csz)
{
    uint32_t *c;

    if (t->nchunks == t->capchunks) {
        t->capchunks = t->capchunks ? t->capchunks * 2 : 64;
        t->pool = hk_xrealloc(t->pool, t->capchunks * csz * sizeof(uint32_t));
    }
    c = t->pool + t->nchunks * csz;
    for (unsigned i = 0; i < csz; i++)
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
        chunk = new_chunk(t, t->root[idx16], 256);
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
            uint32_t k = new_chunk(t, c[p->addr[byte]], 256);
            c = t->pool + (size_t)chunk * 256; /* new_chunk may have moved the pool */
            c[p->addr[byte]] = CHILD | k;
            chunk = k;
        }
        byte++;
    }
}

/* ---- IPv6: a 64-entry-chunk expansion, compiled into a poptrie ---- */

#define S6 6 /* stride below the root */
#define C6 (1u << S6)

static inline uint64_t be64(const uint8_t *a)
{
    uint64_t x = 0;

    for (int i = 0; i < 8; i++)
        x = (x << 8) | a[i];
    return x;
}

/* The S6 bits of the address from bit off (18..126); bits past 127 read as 0. */
static inline unsigned bits6(uint64_t hi, uint64_t lo, unsigned off)
{
    uint64_t w;

    if (off < 64)
        w = off ? (hi << off) | (lo >> (64 - off)) : hi;
    else
        w = lo << (off - 64);
    return (unsigned)(w >> (64 - S6));
}

static void insert6(struct hk_lpm *t, const struct hk_lpm_prefix *p)
{
    uint64_t hi = be64(p->addr), lo = be64(p->addr + 8);
    unsigned len = p->len, off = ROOT6_BITS;
    uint32_t idx = (uint32_t)(hi >> (64 - ROOT6_BITS));
    size_t ei = idx; /* the entry leading to the current level: root or pool index */
    bool inroot = true;

    if (len <= ROOT6_BITS) {
        uint32_t span = 1u << (ROOT6_BITS - len);
        uint32_t start = len ? idx & ~(span - 1) : 0;
        for (uint32_t i = 0; i < span; i++)
            t->root[start + i] = p->value;
        return;
    }
    for (;;) {
        uint32_t *ep = inroot ? &t->root[ei] : &t->pool[ei];
        uint32_t chunk;
        unsigned v = bits6(hi, lo, off);

        if (*ep & CHILD) {
            chunk = *ep & ~CHILD;
        } else {
            chunk = new_chunk(t, *ep, C6);
            ep = inroot ? &t->root[ei] : &t->pool[ei]; /* the pool may have moved */
            *ep = CHILD | chunk;
        }
        if (len <= off + S6) {
            uint32_t span = 1u << (off + S6 - len);
            uint32_t start = v & ~(span - 1);
            uint32_t *c = t->pool + (size_t)chunk * C6;
            for (uint32_t i = 0; i < span; i++)
                c[start + i] = p->value;
            return;
        }
        ei = (size_t)chunk * C6 + v;
        inroot = false;
        off += S6;
    }
}

/* Compiles expansion chunk `chunk` into node ni; its children get the next free node
 * numbers (contiguous), its leaves the next free leaf slots. Recursion depth <= 19. */
static void compile6(struct hk_lpm *t, uint32_t chunk, size_t ni)
{
    const uint32_t *c = t->pool + (size_t)chunk * C6;
    struct hk_p6node nd = {0};
    uint32_t nchild = 0, prev = 0, k = 0;
    bool any = false;

    for (unsigned i = 0; i < C6; i++)
        nchild += (c[i] & CHILD) != 0;
    nd.base1 = (uint32_t)t->nnodes;
    t->nnodes += nchild;
    nd.base0 = (uint32_t)t->nleaves;
    for (unsigned i = 0; i < C6; i++) {
        if (c[i] & CHILD) {
            nd.vec |= 1ull << i;
            continue;
        }
        if (!any || c[i] != prev) {
            nd.leafvec |= 1ull << i;
            if (t->nleaves == t->capleaves) {
                t->capleaves = t->capleaves * 2 + 64;
                t->leaves = hk_xrealloc(t->leaves, t->capleaves * sizeof(uint32_t));
            }
            t->leaves[t->nleaves++] = c[i];
            prev = c[i];
            any = true;
        }
    }
    t->nodes[ni] = nd;
    for (unsigned i = 0; i < C6; i++)
        if (c[i] & CHILD)
            compile6(t, c[i] & ~CHILD, nd.base1 + k++);
}

/* A large table is moved into one block of 2 MiB huge pages (a hint to the kernel): a
 * lookup's random reads over several MB then miss the TLB far less. */
static void pack6(struct hk_lpm *t)
{
    enum { HUGE = 2 << 20 };
    size_t rb = ROOT6_SIZE * sizeof(uint32_t), nb = t->nnodes * sizeof(struct hk_p6node),
           lb = t->nleaves * sizeof(uint32_t),
           total = (rb + nb + lb + HUGE - 1) & ~(size_t)(HUGE - 1);
    char *r;

    if (rb + nb + lb < 2 * (size_t)HUGE || !(r = aligned_alloc(HUGE, total)))
        return;
#ifdef MADV_HUGEPAGE
    (void)madvise(r, total, MADV_HUGEPAGE); /* a hint; without it the pages are small */
#endif
    memcpy(r, t->root, rb);
    memcpy(r + rb, t->nodes, nb);
    memcpy(r + rb + nb, t->leaves, lb);
    free(t->root);
    free(t->nodes);
    free(t->leaves);
    t->root = (uint32_t *)r;
    t->nodes = (struct hk_p6node *)(r + rb);
    t->leaves = (uint32_t *)(r + rb + nb);
    t->region = r;
    t->region_size = total;
}

static void build6(struct hk_lpm *t, const struct hk_lpm_prefix *sorted, size_t n)
{
    for (size_t i = 0; i < n; i++)
        insert6(t, &sorted[i]);
    /* Every chunk becomes exactly one node. */
    t->nodes = hk_xmalloc((t->nchunks ? t->nchunks : 1) * sizeof(*t->nodes));
    t->capleaves = t->nchunks * 4 + 64;
    t->leaves = hk_xmalloc(t->capleaves * sizeof(uint32_t));
    for (uint32_t i = 0; i < ROOT6_SIZE; i++) {
        if (t->root[i] & CHILD) {
            size_t ni = t->nnodes++;
            compile6(t, t->root[i] & ~CHILD, ni);
            t->root[i] = CHILD | (uint32_t)ni;
        }
    }
    t->leaves = hk_xrealloc(t->leaves, (t->nleaves ? t->nleaves : 1) * sizeof(uint32_t));
    t->capleaves = t->nleaves;
    free(t->pool);
    t->pool = NULL;
    t->nchunks = t->capchunks = 0;
    pack6(t);
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
    t->root = hk_xcalloc(family == 4 ? ROOT_SIZE : ROOT6_SIZE, sizeof(uint32_t));
    t->popcnt = __builtin_cpu_supports("popcnt");
    /* Rough size: one chunk per 8 long prefixes (IPv6: 4 per prefix); realloc doubles past
     * it. */
    t->capchunks = family == 4 ? n / 8 + 64 : n * 4 + 64;
    t->pool = hk_xmalloc(t->capchunks * (family == 4 ? 256 : C6) * sizeof(uint32_t));
    if (n) {
        /* Stable counting sort by length: equal prefixes keep input order (later wins). */
        pos = count;
        for (int l = 1; l <= bits + 1; l++)
            pos[l] += pos[l - 1];
        sorted = hk_xmalloc(n * sizeof(*sorted));
        for (size_t i = 0; i < n; i++)
            sorted[pos[p[i].len]++] = p[i];
        if (family == 4)
            for (size_t i = 0; i < n; i++)
                insert(t, &sorted[i]);
        else
            build6(t, sorted, n);
        memcpy(p, sorted, n * sizeof(*p));
        free(sorted);
    } else if (family == 6) {
        build6(t, NULL, 0);
    }
    /* Give back the unused part of the pool (immutable from here on). */
    if (family == 4 && t->nchunks < t->capchunks) {
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

/* One poptrie walk; inlined into a POPCNT and a plain variant. */
static inline __attribute__((always_inline)) uint32_t walk6(const struct hk_lpm *t, uint64_t hi,
                                                            uint64_t lo)
{
    uint32_t e = t->root[hi >> (64 - ROOT6_BITS)];
    const struct hk_p6node *nd;
    unsigned off = ROOT6_BITS;

    if (!(e & CHILD))
        return e;
    nd = &t->nodes[e & ~CHILD];
    for (;;) {
        unsigned v = bits6(hi, lo, off);
        uint64_t upto = (2ull << v) - 1; /* slots 0..v (all 64 when v is 63) */
        if (!((nd->vec >> v) & 1))
            return t->leaves[nd->base0 + (uint32_t)__builtin_popcountll(nd->leafvec & upto) - 1];
        nd = &t->nodes[nd->base1 + (uint32_t)__builtin_popcountll(nd->vec & upto) - 1];
        off += S6;
    }
}

__attribute__((target("popcnt"))) static uint32_t walk6_popcnt(const struct hk_lpm *t, uint64_t hi,
                                                               uint64_t lo)
{
    return walk6(t, hi, lo);
}

static uint32_t walk6_plain(const struct hk_lpm *t, uint64_t hi, uint64_t lo)
{
    return walk6(t, hi, lo);
}

uint32_t hk_lpm_lookup6(const struct hk_lpm *t, const uint8_t a[16])
{
    uint64_t hi = be64(a), lo = be64(a + 8);

    if (t->family != 6)
        return 0;
    return t->popcnt ? walk6_popcnt(t, hi, lo) : walk6_plain(t, hi, lo);
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


/* Batches of 16 IPv6 lookups walk in lockstep, one level at a time, prefetching the next
 * node of every unfinished walk before reading any, then all the leaves: the cache misses
 * of independent lookups overlap instead of adding up. */
static inline __attribute__((always_inline)) void batch6(const struct hk_lpm *t, const uint8_t *a,
                                                         uint32_t *out)
{
    enum { B = 16 };
    uint64_t hi[B], lo[B];
    const struct hk_p6node *nd[B];
    uint32_t leaf[B];
    unsigned off = ROOT6_BITS;
    int left = 0;

    for (int j = 0; j < B; j++) {
        hi[j] = be64(a + 16 * j);
        lo[j] = be64(a + 16 * j + 8);
        __builtin_prefetch(&t->root[hi[j] >> (64 - ROOT6_BITS)]);
    }
    for (int j = 0; j < B; j++) {
        uint32_t e = t->root[hi[j] >> (64 - ROOT6_BITS)];
        nd[j] = NULL;
        leaf[j] = UINT32_MAX;
        if (e & CHILD) {
            nd[j] = &t->nodes[e & ~CHILD];
            __builtin_prefetch(nd[j]);
            left++;
        } else {
            out[j] = e;
        }
    }
    while (left) {
        for (int j = 0; j < B; j++) {
            const struct hk_p6node *x = nd[j];
            unsigned v;
            uint64_t upto;
            if (!x)
                continue;
            v = bits6(hi[j], lo[j], off);
            upto = (2ull << v) - 1;
            if ((x->vec >> v) & 1) {
                nd[j] = &t->nodes[x->base1 + (uint32_t)__builtin_popcountll(x->vec & upto) - 1];
                __builtin_prefetch(nd[j]);
            } else {
                leaf[j] = x->base0 + (uint32_t)__builtin_popcountll(x->leafvec & upto) - 1;
                __builtin_prefetch(&t->leaves[leaf[j]]);
                nd[j] = NULL;
                left--;
            }
        }
        off += S6;
    }
    for (int j = 0; j < B; j++)
        if (leaf[j] != UINT32_MAX)
            out[j] = t->leaves[leaf[j]];
}

__attribute__((target("popcnt"))) static void batch6_popcnt(const struct hk_lpm *t,
                                                            const uint8_t *a, uint32_t *out)
{
    batch6(t, a, out);
}

static void batch6_plain(const struct hk_lpm *t, const uint8_t *a, uint32_t *out)
{
    batch6(t, a, out);
}

void hk_lpm_lookup6_batch(const struct hk_lpm *t, const uint8_t *a, uint32_t *out, size_t n)
{
    size_t i = 0;

    if (t->family == 6)
        for (; i + 16 <= n; i += 16) {
            if (t->popcnt)
                batch6_popcnt(t, a + 16 * i, out + i);
            else
                batch6_plain(t, a + 16 * i, out + i);
        }
    for (; i < n; i++)
        out[i] = hk_lpm_lookup6(t, a + 16 * i);
}
