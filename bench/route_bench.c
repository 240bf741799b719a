/* SPDX-License-Identifier: MIT */
/*
 * Routing benchmark driver (bench/route.sh): builds the longest-prefix-match tries of
 * src/directory/lpm.c from N4 IPv4 and N6 IPv6 synthetic prefixes with a routing-table-like
 * length mix (IPv4: 60 % /24, the rest /8-/23 and a few /25-/32; IPv6: half /48, /32-/44,
 * some /56-/64), times the builds (best of 3) and then single-core lookups (best of 3
 * rounds, CPU time of this thread) for: IPv4 addresses drawn inside loaded prefixes, IPv4
 * addresses uniform over the whole space, the same through the batched (prefetching)
 * lookup, and IPv6 addresses inside loaded prefixes (clustered in provider /32s), single and
 * batched. Every answer is checked against the simple peer on a sample: a sorted array
 * searched once per prefix length present (the textbook binary search on (length, network)),
 * which is also timed (IPv4); IPv6 has the same peer, single and batched lookups are checked.
 * Prints one "name value unit" line per figure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hikeshi/directory.h"

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static double cpu_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int len4(void)
{
    uint64_t r = rnd() % 100;

    if (r < 60)
        return 24;
    if (r < 95)
        return 8 + (int)(rnd() % 16); /* /8../23 */
    return 25 + (int)(rnd() % 8);     /* /25../32 */
}

static int len6(void)
{
    uint64_t r = rnd() % 100;

    if (r < 50)
        return 48;
    if (r < 85)
        return 32 + 4 * (int)(rnd() % 4); /* /32, /36, /40, /44 */
    return 56 + 8 * (int)(rnd() % 2);     /* /56, /64 */
}

static void gen(struct hk_lpm_prefix *p, size_t n, int family)
{
    for (size_t i = 0; i < n; i++) {
        int len = family == 4 ? len4() : len6();
        memset(p[i].addr, 0, 16);
        if (family == 4) {
            uint32_t a = (uint32_t)rnd();
            a = len ? a & (0xffffffffu << (32 - len)) : 0;
            p[i].addr[0] = (uint8_t)(a >> 24), p[i].addr[1] = (uint8_t)(a >> 16);
            p[i].addr[2] = (uint8_t)(a >> 8), p[i].addr[3] = (uint8_t)a;
        } else {
            /* Global unicast, clustered like a BGP table: prefixes inside one of
             * n6/7 provider allocations (/32s under 2000::/4, about 15,000 for 100,000
             * prefixes), so /48s of one provider share the upper levels. */
            uint64_t alloc = rnd() % (n / 7 + 1);
            uint64_t hi = 0x2000000000000000ull | ((alloc * 0x9E3779B1ull) & 0x0fffffffull) << 32 |
                          (rnd() & 0x00000000ffffffffull);
            hi &= len >= 64 ? ~0ull : ~(~0ull >> len);
            for (int k = 0; k < 8; k++)
                p[i].addr[k] = (uint8_t)(hi >> (56 - 8 * k));
        }
        p[i].len = (uint8_t)len;
        p[i].value = (uint32_t)i + 1;
    }
}

/* The simple peer: prefixes sorted by (length, network); a lookup tries each length
 * present, longest first, with one binary search. */
struct peer {
    uint32_t *net[33];
    uint32_t *val[33];
    size_t n[33];
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void peer_build(struct peer *pe, const struct hk_lpm_prefix *p, size_t n)
{
    uint64_t *k = malloc(n * sizeof(uint64_t));

    memset(pe, 0, sizeof(*pe));
    for (size_t i = 0; i < n; i++) {
        uint32_t a = ((uint32_t)p[i].addr[0] << 24) | ((uint32_t)p[i].addr[1] << 16) |
                     ((uint32_t)p[i].addr[2] << 8) | p[i].addr[3];
        /* key: length, network, index (later entries win among duplicates) */
        k[i] = ((uint64_t)p[i].len << 58) | ((uint64_t)a << 26) | (uint64_t)(i & 0x3ffffff);
        pe->n[p[i].len]++;
    }
    qsort(k, n, sizeof(uint64_t), cmp_u64);
    for (int l = 0; l <= 32; l++) {
        pe->net[l] = malloc((pe->n[l] + 1) * sizeof(uint32_t));
        pe->val[l] = malloc((pe->n[l] + 1) * sizeof(uint32_t));
        pe->n[l] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        int l = (int)(k[i] >> 58);
        uint32_t net = (uint32_t)(k[i] >> 26);
        size_t m = pe->n[l];
        if (m && pe->net[l][m - 1] == net)
            m--; /* duplicate: the later one wins */
        pe->net[l][m] = net;
        pe->val[l][m] = p[k[i] & 0x3ffffff].value;
        pe->n[l] = m + 1;
    }
    free(k);
}

static uint32_t peer_lookup(const struct peer *pe, uint32_t a)
{
    for (int l = 32; l >= 0; l--) {
        uint32_t key = l ? a & (0xffffffffu << (32 - l)) : 0;
        size_t lo = 0, hi = pe->n[l];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (pe->net[l][mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < pe->n[l] && pe->net[l][lo] == key)
            return pe->val[l][lo];
    }
    return 0;
}

/* The IPv6 peer: the same per length, with (hi, lo) keys. */
struct k6 {
    uint64_t hi, lo;
    size_t i;
};
struct peer6 {
    struct k6 *k[129];
    size_t n[129];
};

static uint64_t be64(const uint8_t *a)
{
    uint64_t x = 0;

    for (int i = 0; i < 8; i++)
        x = (x << 8) | a[i];
    return x;
}

static void mask6(uint64_t *hi, uint64_t *lo, int l)
{
    *hi &= l >= 64 ? ~0ull : l ? ~(~0ull >> l) : 0;
    *lo &= l >= 128 ? ~0ull : l > 64 ? ~(~0ull >> (l - 64)) : 0;
}

static int cmp_k6(const void *a, const void *b)
{
    const struct k6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void peer6_build(struct peer6 *pe, const struct hk_lpm_prefix *p, size_t n)
{
    memset(pe, 0, sizeof(*pe));
    for (int l = 0; l <= 128; l++)
        pe->k[l] = malloc((n + 1) * sizeof(struct k6));
    for (size_t i = 0; i < n; i++) {
        struct k6 k = {be64(p[i].addr), be64(p[i].addr + 8), i};
        mask6(&k.hi, &k.lo, p[i].len);
        pe->k[p[i].len][pe->n[p[i].len]++] = k;
    }
    for (int l = 0; l <= 128; l++) {
        size_t m = 0;
        qsort(pe->k[l], pe->n[l], sizeof(struct k6), cmp_k6);
        for (size_t j = 0; j < pe->n[l]; j++) {
            if (m && pe->k[l][m - 1].hi == pe->k[l][j].hi && pe->k[l][m - 1].lo == pe->k[l][j].lo)
                m--; /* duplicate: the later one wins */
            pe->k[l][m++] = pe->k[l][j];
        }
        pe->n[l] = m;
    }
}

static uint32_t peer6_lookup(const struct peer6 *pe, const struct hk_lpm_prefix *p,
                             const uint8_t *a)
{
    for (int l = 128; l >= 0; l--) {
        struct k6 key = {be64(a), be64(a + 8), 0};
        size_t lo = 0, hi = pe->n[l];
        mask6(&key.hi, &key.lo, l);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const struct k6 *m = &pe->k[l][mid];
            if (m->hi < key.hi || (m->hi == key.hi && m->lo < key.lo))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < pe->n[l] && pe->k[l][lo].hi == key.hi && pe->k[l][lo].lo == key.lo)
            return p[pe->k[l][lo].i].value;
    }
    return 0;
}

static uint32_t in_prefix4(const struct hk_lpm_prefix *p)
{
    uint32_t a = ((uint32_t)p->addr[0] << 24) | ((uint32_t)p->addr[1] << 16) |
                 ((uint32_t)p->addr[2] << 8) | p->addr[3];
    uint32_t host = p->len == 32 ? 0 : (uint32_t)rnd() & (0xffffffffu >> p->len);
    return a | host;
}

#define ROUNDS 3

int main(int argc, char **argv)
{
    size_t n4 = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    size_t n6 = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t q = argc > 3 ? strtoul(argv[3], NULL, 10) : 20000000;
    struct hk_lpm_prefix *p4 = malloc(n4 * sizeof(*p4)), *p6 = malloc(n6 * sizeof(*p6));
    struct hk_lpm_prefix *w = malloc((n4 > n6 ? n4 : n6) * sizeof(*w));
    struct hk_lpm *t4 = NULL, *t6 = NULL;
    uint32_t *a4 = malloc(q * sizeof(uint32_t)), *u4 = malloc(q * sizeof(uint32_t));
    uint32_t *out = malloc(q * sizeof(uint32_t));
    uint8_t(*a6)[16] = malloc((q / 4) * 16);
    struct peer pe;
    double best, t0;
    volatile uint32_t sink = 0;

    gen(p4, n4, 4);
    gen(p6, n6, 6);
    best = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        hk_lpm_free(t4);
        memcpy(w, p4, n4 * sizeof(*w));
        t0 = cpu_s();
        if (hk_lpm_build(4, w, n4, &t4))
            return 1;
        best = cpu_s() - t0 < best ? cpu_s() - t0 : best;
    }
    printf("build_ipv4_s %.3f s (%zu prefixes, %.1f MB)\n", best, n4,
           (double)hk_lpm_memory(t4) / 1e6);
    best = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        hk_lpm_free(t6);
        memcpy(w, p6, n6 * sizeof(*w));
        t0 = cpu_s();
        if (hk_lpm_build(6, w, n6, &t6))
            return 1;
        best = cpu_s() - t0 < best ? cpu_s() - t0 : best;
    }
    printf("build_ipv6_s %.3f s (%zu prefixes, %.1f MB)\n", best, n6,
           (double)hk_lpm_memory(t6) / 1e6);
    for (size_t i = 0; i < q; i++) {
        a4[i] = in_prefix4(&p4[rnd() % n4]);
        u4[i] = (uint32_t)rnd();
    }
    for (size_t i = 0; i < q / 4; i++) {
        const struct hk_lpm_prefix *p = &p6[rnd() % n6];
        memcpy(a6[i], p->addr, 16);
        for (int k = p->len / 8 + 1; k < 16; k++)
            a6[i][k] = (uint8_t)rnd();
    }
    /* Correctness against the peer on a sample, before timing anything. */
    peer_build(&pe, p4, n4);
    for (size_t i = 0; i < 200000; i++) {
        if (hk_lpm_lookup4(t4, a4[i]) != peer_lookup(&pe, a4[i]) ||
            hk_lpm_lookup4(t4, u4[i]) != peer_lookup(&pe, u4[i])) {
            fprintf(stderr, "mismatch at %zu\n", i);
            return 1;
        }
    }
    printf("check_vs_peer ok 400000 lookups\n");
    {
        struct peer6 pe6;
        size_t m = q / 4 < 200000 ? q / 4 : 200000;
        peer6_build(&pe6, p6, n6);
        hk_lpm_lookup6_batch(t6, &a6[0][0], out, m);
        for (size_t i = 0; i < m; i++) {
            /* half inside loaded prefixes, half uniform over 2000::/4 */
            uint8_t u[16];
            uint64_t r = rnd();
            for (int k = 0; k < 16; k++)
                u[k] = (uint8_t)(r >> (8 * (k % 8))) ^ (uint8_t)(k * 37);
            u[0] = (uint8_t)(0x20 | (u[0] & 0x0f));
            if (hk_lpm_lookup6(t6, a6[i]) != peer6_lookup(&pe6, p6, a6[i]) ||
                out[i] != hk_lpm_lookup6(t6, a6[i]) ||
                hk_lpm_lookup6(t6, u) != peer6_lookup(&pe6, p6, u)) {
                fprintf(stderr, "IPv6 mismatch at %zu\n", i);
                return 1;
            }
        }
        printf("check_ipv6_vs_peer ok %zu lookups (single and batch)\n", 3 * m);
        for (int l = 0; l <= 128; l++)
            free(pe6.k[l]);
    }
#define TIME(name, n, body)                                                      \
    do {                                                                         \
        best = 1e9;                                                              \
        for (int r = 0; r < ROUNDS; r++) {                                       \
            t0 = cpu_s();                                                        \
            body;                                                                \
            best = cpu_s() - t0 < best ? cpu_s() - t0 : best;                    \
        }                                                                        \
        printf("%s %.1f M lookups/s (%zu lookups, %.2f ns each)\n", name,        \
               (double)(n) / best / 1e6, (size_t)(n), best * 1e9 / (double)(n)); \
    } while (0)
    TIME("lookup_ipv4_in_prefixes", q,
         for (size_t i = 0; i < q; i++) sink += hk_lpm_lookup4(t4, a4[i]));
    TIME("lookup_ipv4_uniform", q,
         for (size_t i = 0; i < q; i++) sink += hk_lpm_lookup4(t4, u4[i]));
    TIME("lookup_ipv4_batch_in_prefixes", q, hk_lpm_lookup4_batch(t4, a4, out, q);
         sink += out[q / 2]);
    TIME("lookup_ipv6_in_prefixes", q / 4,
         for (size_t i = 0; i < q / 4; i++) sink += hk_lpm_lookup6(t6, a6[i]));
    TIME("lookup_ipv6_batch_in_prefixes", q / 4, hk_lpm_lookup6_batch(t6, &a6[0][0], out, q / 4);
         sink += out[q / 8]);
    TIME("peer_sorted_binary_search_ipv4", q / 20,
         for (size_t i = 0; i < q / 20; i++) sink += peer_lookup(&pe, a4[i]));
    (void)sink;
    hk_lpm_free(t4);
    hk_lpm_free(t6);
    return 0;
}
