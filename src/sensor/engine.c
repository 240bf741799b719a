/* SPDX-License-Identifier: MIT */
/*
 * The sensor's hot path: per-source profiles in a fixed-memory, 4-way set-associative table
 * of 64-byte entries (one cache line each; buckets go in pairs, a full home bucket spills
 * into the other of its pair, and at the cap a full pair evicts the home bucket's idlest
 * entry, weighted towards keeping sources with many probes), a bounded pool of strategy samples
 * (the first 64 distinct destinations and their times) for sources that contact more than one host,
 * and the per-packet updates. Packets are handled in a software pipeline: each packet's
 * bucket is prefetched 16 packets before it is processed (and its sample 6 before), which
 * hides the memory latency when the table is much larger than the cache. The table grows
 * in place inside a mapping reserved at the cap. Nothing here allocates per packet.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hikeshi/core.h"
#include "sensor/ports_add.h"
#include "sensor/sensor_int.h"

void hk_ports_close_minute(struct hk_sensor *s, int64_t next_min);
void hk_ports_finish(struct hk_sensor *s);
hk_err hk_ports_init(struct hk_sensor *s);
void hk_ports_release(struct hk_sensor *s);
hk_err hk_lan_init(struct hk_sensor *s);
void hk_lan_release(struct hk_sensor *s);
bool hk_lan_packet(struct hk_sensor *s, const struct hk_pkt *p, bool *first_contact);
void hk_lan_expire(struct hk_sensor *s);
void hk_emit_profile(struct hk_sensor *s, struct srctab *t, uint32_t i);
void hk_emit_alert(struct hk_sensor *s, const struct hk_alert *a);

void hk_sensor_opts_defaults(struct hk_sensor_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_sources = 1u << 20;
    o->max_samples = 1u << 16;
    o->min_probes = 3;
    o->ew_lambda = 0.25;
    o->ew_k = 3;
    o->ew_floor = 10;
    o->ew_warmup = 10;
    o->worm_mask = (1u << HK_STRAT_LOCALPREF) | (1u << HK_STRAT_HYBRID) | (1u << HK_STRAT_SLOWSEQ);
    o->trw_timeout_ms = 3000;
}

static void *big_alloc(size_t n)
{
    void *p =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    if (n >= (4u << 20))
        (void)madvise(p, n, MADV_HUGEPAGE);
    return p;
}

/* The table starts small and doubles up to the cap, in place: the mapping is reserved at
 * the cap (MAP_NORESERVE; untouched pages cost nothing) and memory is touched only as the
 * table grows, once, so growing never copies into fresh pages nor frees any. A small table
 * stays in the cache. */
static hk_err tab_alloc(struct srctab *t, uint32_t nb)
{
    t->nb = nb;
    t->map_len = (size_t)t->nb_max * HK_WAYS * sizeof(struct src_ent);
    t->e = big_alloc(t->map_len);
    if (!t->e)
        return HK_ENOMEM;
    if (t->v6) {
        t->a6 = big_alloc((size_t)t->nb_max * HK_WAYS * 16);
        if (!t->a6)
            return HK_ENOMEM;
    }
    return HK_OK;
}

/* The cap is nb0 * 2^k buckets with nb0 below 1024 (so at most --max-sources, less by under
 * 0.1 %): every growth is an exact doubling, which sends bucket b to buckets 2b and 2b + 1
 * (the bucket index is floor(h * nb / 2^32)), so a growth is one pass, in place. */
static hk_err tab_init(struct srctab *t, uint32_t max, bool v6)
{
    uint32_t nb = max / HK_WAYS;
    int k = 0;

    if (nb == 0)
        nb = 1;
    t->v6 = v6;
    while (nb >= 1024) {
        nb /= 2;
        k++;
    }
    t->nb_max = nb << k;
    return tab_alloc(t, nb);
}

static void tab_free_arrays(struct srctab *t)
{
    if (t->e)
        (void)munmap(t->e, t->map_len);
    if (t->a6)
        (void)munmap(t->a6, (size_t)t->nb_max * HK_WAYS * 16);
    t->e = NULL;
    t->a6 = NULL;
}

static void tab_release(struct srctab *t)
{
    tab_free_arrays(t);
    memset(t, 0, sizeof(*t));
}

static void prefix_prep(struct hk_sensor *s)
{
    s->mon_size = 0;
    for (int i = 0; i < s->o.nmonitor; i++) {
        const struct hk_sensor_prefix *p = &s->o.monitor[i];
        if (p->addr.v6) {
            s->mon_size += ldexp(1.0, 128 - p->len);
            continue;
        }
        uint32_t a = ((uint32_t)p->addr.a[0] << 24) | ((uint32_t)p->addr.a[1] << 16) |
                     ((uint32_t)p->addr.a[2] << 8) | p->addr.a[3];
        uint32_t m = p->len == 0 ? 0 : 0xffffffffu << (32 - p->len);
        s->mon_net[s->nmon4] = a & m;
        s->mon_mask[s->nmon4++] = m;
        s->mon_size += ldexp(1.0, 32 - p->len);
    }
}

hk_err hk_sensor_new(const struct hk_sensor_opts *o, struct hk_sensor **out, struct hk_errmsg *em)
{
    struct hk_sensor *s = hk_xcalloc(1, sizeof(*s));
    uint32_t v6max;

    *out = NULL;
    s->o = *o;
    if (s->o.max_sources < 16)
        s->o.max_sources = 16;
    /* Entry indices below 2^31: bit 31 of sample_owner marks the IPv6 table. */
    if (s->o.max_sources > 1u << 31)
        s->o.max_sources = 1u << 31;
    if (s->o.max_samples < 1)
        s->o.max_samples = 1;
    /* --max-sources bounds all sources: IPv6 sources (rarer, 16 bytes more each) get a
     * sixteenth of it in their own table, IPv4 the rest. */
    v6max = s->o.max_sources / 16 < 8 ? 8 : s->o.max_sources / 16;
    if (tab_init(&s->t4, s->o.max_sources - v6max, false) || tab_init(&s->t6, v6max, true))
        goto nomem;
    s->samples = big_alloc((size_t)s->o.max_samples * sizeof(struct sample));
    if (!s->samples)
        goto nomem;
    s->free_samples = hk_xmalloc((size_t)s->o.max_samples * sizeof(uint32_t));
    s->sample_seen = hk_xcalloc(s->o.max_samples, sizeof(uint32_t));
    s->sample_owner = hk_xcalloc(s->o.max_samples, sizeof(uint32_t));
    for (uint32_t i = 0; i < s->o.max_samples; i++)
        s->free_samples[i] = s->o.max_samples - 1 - i;
    s->nfree = s->o.max_samples;
    if (hk_ports_init(s) || (s->o.lan && hk_lan_init(s)))
        goto nomem;
    prefix_prep(s);
    for (int i = 0; i < s->o.nplot && i < HK_SENSOR_MAX_PLOT; i++) {
        s->tr[i].src = s->o.plot[i];
        s->tr[i].stride = 1;
    }
    *out = s;
    return HK_OK;
nomem:
    hk_sensor_free(s);
    return hk_errf(em, HK_ENOMEM, "cannot allocate the sensor tables (--max-sources %u)",
                   o->max_sources);
}

void hk_sensor_free(struct hk_sensor *s)
{
    if (!s)
        return;
    tab_release(&s->t4);
    tab_release(&s->t6);
    if (s->samples)
        (void)munmap(s->samples, (size_t)s->o.max_samples * sizeof(struct sample));
    free(s->free_samples);
    free(s->sample_seen);
    free(s->sample_owner);
    hk_ports_release(s);
    hk_lan_release(s);
    for (int i = 0; i < HK_SENSOR_MAX_PLOT; i++)
        free(s->tr[i].pt);
    free(s->series);
    free(s);
}

/* ---- samples ---- */

/* The source address in host order (IPv6: its low 32 bits), for locality. */
static inline uint32_t src32(const struct srctab *t, const struct src_ent *e)
{
    const uint8_t *a;

    if (!t->v6)
        return e->key;
    a = t->a6[e - t->e];
    return ((uint32_t)a[12] << 24) | ((uint32_t)a[13] << 16) | ((uint32_t)a[14] << 8) | a[15];
}


/* The hash of a destination: HyperLogLog registers, and the sample's Bloom filter. */
static inline uint32_t dhash(uint32_t d)
{
    return hk_mix32(d * 0x9e3779b1u);
}

static void sample_release(struct hk_sensor *s, struct src_ent *e)
{
    if (!e->sample)
        return;
    s->samples[e->sample - 1].used = 0;
    s->free_samples[s->nfree++] = e->sample - 1;
    e->sample = 0;
}

void hk_sensor_classify_entry(struct hk_sensor *s, struct srctab *t, struct src_ent *e, bool final);

/*
 * Folds a final sample's 256-register sketch into the entry's 32 four-bit registers. Both
 * take the same hash (dhash) of IPv4 destinations: the 32-register index is the top 5 bits,
 * the 256-register index the top 8, and the 32-register rank is the position of the first
 * one among hash bits 26-24 (the low 3 bits of the 256-register index) or, when those are
 * zero, 3 + the 256-register rank. So the result is exactly the registers the entry would
 * hold had it seen every destination itself (one() skips the entry's sketch while an IPv4
 * sample is final).
 */
static void hll_fold(uint8_t e16[16], const uint8_t h256[256])
{
    for (uint32_t j = 0; j < 256; j++) {
        uint32_t low = j & 7, idx = j >> 3, rank;
        uint8_t *b = e16 + (idx >> 1);
        uint8_t sh = (uint8_t)((idx & 1) * 4);
        if (!h256[j])
            continue;
        rank = (low & 4) ? 1 : (low & 2) ? 2 : (low & 1) ? 3 : 3u + h256[j];
        if (rank > 15)
            rank = 15;
        if (rank > (uint32_t)((*b >> sh) & 15))
            *b = (uint8_t)((*b & ~(15 << sh)) | (rank << sh));
    }
}

/* The idlest of the four samples from clock position c (UINT32_MAX if none), and when its
 * owner last sent. */
static uint32_t idlest4(const struct hk_sensor *s, uint32_t c, uint32_t *last)
{
    uint32_t best = UINT32_MAX;

    *last = UINT32_MAX;
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t i = (c + k) % s->o.max_samples;
        if (s->sample_seen[i] < *last) {
            *last = s->sample_seen[i];
            best = i;
        }
    }
    return best;
}

static inline struct src_ent *owner_of(struct hk_sensor *s, uint32_t i, struct srctab **t)
{
    uint32_t o = s->sample_owner[i];

    *t = (o >> 31) ? &s->t6 : &s->t4;
    return &(*t)->e[o & 0x7fffffffu];
}

/* A free sample, or one taken from an idle source (labelled first), or none. The four
 * candidates' idleness is read from sample_seen: their owners, anywhere in the table, and
 * the samples themselves are touched only for the one taken. That one's sample and owner
 * are far in memory (a large darknet takes a sample every few dozen packets), so the one the
 * next call will probably take, the idlest of the next four now, is prefetched now. */
static uint32_t sample_alloc(struct hk_sensor *s)
{
    uint32_t best, best_last, nx, nl;

    if (s->nfree)
        return s->free_samples[--s->nfree] + 1;
    best = idlest4(s, s->clock, &best_last);
    s->clock += 4;
    nx = idlest4(s, s->clock, &nl);
    if (nx != UINT32_MAX) {
        struct srctab *nt;
        const char *p = (const char *)&s->samples[nx];
        for (size_t off = 0; off < sizeof(struct sample); off += 64)
            __builtin_prefetch(p + off, 1, 3);
        __builtin_prefetch(owner_of(s, nx, &nt), 1, 3);
    }
    /* Only sources idle for a minute give their sample up. */
    if (best == UINT32_MAX || best_last + 60000 > s->now_rel)
        return 0;
    {
        struct sample *sm = &s->samples[best];
        struct srctab *t;
        struct src_ent *e = owner_of(s, best, &t);
        hk_sensor_classify_entry(s, t, e, true);
        if ((e->flags & F_FINAL) && !sm->v6)
            hll_fold(e->hll, sm->h);
        e->flags |= F_FINAL;
        e->sample = 0;
        sm->used = 0;
    }
    return best + 1;
}

/*
 * A full sample whose label is still undetermined because the source's own /24 shows only a
 * few destinations (a WannaCry sweep held up by its exploits while its random probes run on)
 * keeps its own-/24 destinations and its latest 16 others, in order, and goes on collecting:
 * the local sweep accumulates until the hybrid rule can decide. At most 1,024 times (about
 * 48,000 destinations). False when there is nothing local to wait for.
 */
static bool sample_compact(struct sample *sm, uint32_t src)
{
    int nl = 0, keep_other = 16, j = 0, others = 0;

    if (sm->ncompact >= 1024)
        return false;
    for (int i = 0; i < sm->n; i++)
        nl += (sm->d[i] ^ src) < 256u;
    if (nl == 0 || nl > HK_SAMPLE_K - 32)
        return false;
    others = sm->n - nl;
    memset(sm->bloom, 0, sizeof(sm->bloom));
    for (int i = 0; i < sm->n; i++) {
        uint32_t x = sm->d[i], hb;
        if ((x ^ src) >= 256u && others-- > keep_other)
            continue;
        sm->d[j++] = x;
        hb = dhash(x) & 255;
        sm->bloom[hb >> 6] |= 1ull << (hb & 63);
    }
    sm->dropped = (uint16_t)(sm->dropped + (sm->n - j));
    sm->n = (uint16_t)j;
    sm->ncompact++;
    return true;
}

/* Whether the sample's destinations hold d (asked when the Bloom filter says maybe: with
 * 64 destinations in 256 bits, about a fifth of new ones do). Four at a time. */
static inline bool sample_has(const struct sample *sm, uint32_t d)
{
#ifdef __SSE2__
    const __m128i v = _mm_set1_epi32((int)d);
    int i = 0;

    for (; i + 4 <= sm->n; i += 4) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)&sm->d[i]);
        if (_mm_movemask_epi8(_mm_cmpeq_epi32(x, v)))
            return true;
    }
    for (; i < sm->n; i++)
        if (sm->d[i] == d)
            return true;
    return false;
#else
    for (int i = 0; i < sm->n; i++)
        if (sm->d[i] == d)
            return true;
    return false;
#endif
}

/* A source's first sample (its first two destinations): false when none is free. Out of
 * line, like the other rare parts of sample_add. */
static __attribute__((noinline)) bool sample_start(struct hk_sensor *s, struct srctab *t,
                                                   struct src_ent *e)
{
    struct sample *sm;
    uint32_t hb, idx;

    /* After a refusal, try again only at powers of two. */
    if ((e->flags & F_NOSAMPLE) && (e->probes & (e->probes - 1)))
        return false;
    if (e->resp * 2 >= e->probes)
        return false;
    idx = sample_alloc(s);
    if (!idx) {
        if (!(e->flags & F_NOSAMPLE))
            s->st.samples_exhausted++;
        e->flags |= F_NOSAMPLE;
        return false;
    }
    e->flags &= (uint8_t)~F_NOSAMPLE;
    e->sample = idx;
    sm = &s->samples[idx - 1];
    s->sample_owner[idx - 1] = (uint32_t)(e - t->e) | (t->v6 ? 1u << 31 : 0);
    sm->v6 = t->v6;
    sm->used = 1;
    sm->n = 1;
    sm->dropped = 0;
    sm->ncompact = 0;
    s->sample_seen[idx - 1] = s->now_rel;
    memset(sm->bloom, 0, sizeof(sm->bloom));
    sm->d[0] = e->dst0;
    sm->tm.first = sm->tm.last = e->first_ms;
    sm->tm.lfirst = sm->tm.llast = e->first_ms;
    if ((e->dst0 ^ src32(t, e)) >= 256u)
        sm->tm.lfirst = sm->tm.llast = UINT32_MAX;
    hb = dhash(e->dst0) & 255;
    sm->bloom[hb >> 6] |= 1ull << (hb & 63);
    return true;
}

/* The sample has its HK_SAMPLE_K destinations: the final label, unless a hybrid's local
 * sweep is still to come (sample_compact); then the same bytes become the sketch. */
static __attribute__((noinline)) void sample_filled(struct hk_sensor *s, struct srctab *t,
                                                    struct src_ent *e, struct sample *sm)
{
    uint32_t d[HK_SAMPLE_K];

    hk_sensor_classify_entry(s, t, e, true);
    if ((e->strat & 15) == HK_STRAT_UNDETERMINED && sample_compact(sm, src32(t, e)))
        return;
    e->flags |= F_FINAL;
    memcpy(d, sm->d, sizeof(d));
    memset(sm->h, 0, sizeof(sm->h));
    for (int i = 0; i < HK_SAMPLE_K; i++)
        hll_add(sm->h, 8, dhash(d[i]));
}

/* Checkpoints (distinct destinations) at which the label is recomputed. */
static const uint64_t checkpoints = (1ull << 4) | (1ull << 8) | (1ull << 16) | (1ull << 32);

/* A destination for the source's sample (a source with more than one destination whose
 * label is not final, so the sample, if any, holds fewer than HK_SAMPLE_K: sample_filled
 * either compacts it or makes the label final). Inline: most calls only test the Bloom
 * filter or append. */
static inline __attribute__((always_inline)) void
sample_add(struct hk_sensor *s, struct srctab *t, struct src_ent *e, uint32_t dst, uint32_t hdst)
{
    struct sample *sm;
    uint32_t hb;

    if (!e->sample && !sample_start(s, t, e))
        return;
    sm = &s->samples[e->sample - 1];
    hb = hdst & 255;
    if ((sm->bloom[hb >> 6] & (1ull << (hb & 63))) && sample_has(sm, dst))
        return;
    sm->bloom[hb >> 6] |= 1ull << (hb & 63);
    sm->d[sm->n] = dst;
    sm->tm.last = s->now_rel;
    if ((dst ^ src32(t, e)) < 256u) {
        if (sm->tm.lfirst == UINT32_MAX)
            sm->tm.lfirst = s->now_rel;
        sm->tm.llast = s->now_rel;
    }
    sm->n++;
    if (sm->n == HK_SAMPLE_K)
        sample_filled(s, t, e, sm);
    else if (checkpoints & (1ull << sm->n))
        hk_sensor_classify_entry(s, t, e, false);
}

/* ---- the table ---- */

static inline uint32_t bucket_of(uint32_t h, uint32_t nb)
{
    return (uint32_t)(((uint64_t)h * nb) >> 32);
}

static __attribute__((noinline)) void evict(struct hk_sensor *s, struct srctab *t, uint32_t i)
{
    struct src_ent *e = &t->e[i];

    if (!hk_count_only(s, e))
        hk_emit_profile(s, t, i);
    sample_release(s, e);
    s->st.evicted++;
    t->count--;
}

/* Doubles the table in place (see tab_init). Buckets go in pairs (2k, 2k + 1): an entry
 * lives in its home bucket or, when that was full, in the other of its pair. From the last
 * pair down, pair k's entries (at most eight) move to the new pairs 2k and 2k + 1 (buckets
 * 4k to 4k + 3), which are beyond the old table or were emptied already; samples follow their
 * owner. */
static void tab_grow(struct hk_sensor *s, struct srctab *t)
{
    uint32_t onb = t->nb;

    if (t->nb * 2 > t->nb_max)
        return;
    t->nb = onb * 2;
    for (uint32_t k = (onb + 1) / 2; k-- > 0;) {
        struct src_ent tmp[2 * HK_WAYS];
        uint8_t a6[2 * HK_WAYS][16];
        uint32_t bi = 2 * k * HK_WAYS;
        uint32_t nw = (2 * k + 1 < onb ? 2 : 1) * HK_WAYS;
        memcpy(tmp, &t->e[bi], nw * sizeof(tmp[0]));
        memset(&t->e[bi], 0, nw * sizeof(tmp[0]));
        if (t->v6)
            memcpy(a6, t->a6[bi], nw * 16);
        for (uint32_t w = 0; w < nw; w++) {
            uint32_t nbk, j;
            const struct src_ent *e = &tmp[w];
            if (!e->probes)
                continue;
            nbk = bucket_of(t->v6 ? e->key : hk_mix32(e->key), t->nb);
            j = nbk * HK_WAYS;
            if (t->e[j + HK_WAYS - 1].probes)
                j = (nbk ^ 1) * HK_WAYS;
            while (t->e[j].probes)
                j++;
            t->e[j] = *e;
            if (t->v6)
                memcpy(t->a6[j], a6[w], 16);
            if (e->sample)
                s->sample_owner[e->sample - 1] = j | (t->v6 ? 1u << 31 : 0);
        }
    }
}

static inline bool ent_is(const struct srctab *t, const struct src_ent *b, uint32_t bi, int w,
                          uint32_t key, const uint8_t *a6)
{
    /* The key first: a new source's lookup compares up to eight keys that differ. */
    return b[w].key == key && b[w].probes && (!a6 || !memcmp(t->a6[bi + (uint32_t)w], a6, 16));
}

/* The entry of a source: in its home bucket, or (only when home is full) in the other bucket
 * of the pair. Entries never leave a bucket without being replaced at once (eviction), so a
 * home bucket that is not full has all its sources. */
static inline struct src_ent *tab_lookup(const struct srctab *t, uint32_t key, const uint8_t *a6,
                                         uint32_t h)
{
    uint32_t hb = bucket_of(h, t->nb), bi = hb * HK_WAYS;
    struct src_ent *b = t->e + bi;

    for (int w = 0; w < HK_WAYS; w++)
        if (ent_is(t, b, bi, w, key, a6))
            return &b[w];
    if (!b[HK_WAYS - 1].probes || (hb ^ 1) >= t->nb)
        return NULL;
    bi = (hb ^ 1) * HK_WAYS;
    b = t->e + bi;
    for (int w = 0; w < HK_WAYS; w++)
        if (ent_is(t, b, bi, w, key, a6))
            return &b[w];
    return NULL;
}

/* Swaps an entry with the one before it in its bucket (both in use); returns its new place.
 * Their samples follow them. */
static struct src_ent *ent_swap_prev(struct hk_sensor *s, struct srctab *t, struct src_ent *e)
{
    struct src_ent tmp = e[-1];
    uint32_t i = (uint32_t)(e - t->e);

    e[-1] = *e;
    *e = tmp;
    if (e->sample)
        s->sample_owner[e->sample - 1] = i | (t->v6 ? 1u << 31 : 0);
    if (e[-1].sample)
        s->sample_owner[e[-1].sample - 1] = (i - 1) | (t->v6 ? 1u << 31 : 0);
    if (t->v6) {
        uint8_t a[16];
        memcpy(a, t->a6[i], 16);
        memcpy(t->a6[i], t->a6[i - 1], 16);
        memcpy(t->a6[i - 1], a, 16);
    }
    return e - 1;
}

/* Finds or makes the entry of a source. */
static inline struct src_ent *tab_get(struct hk_sensor *s, struct srctab *t, uint32_t key,
                                      const uint8_t *a6, uint32_t h, bool *fresh)
{
    struct src_ent *b = tab_lookup(t, key, a6, h);
    uint32_t hb, bi;
    int victim = -1;
    uint64_t vscore = UINT64_MAX;

    if (b) {
        *fresh = false;
        return b;
    }
    hb = bucket_of(h, t->nb);
    /* Below the cap a full pair (or 75 % load) grows the table rather than evicting; after a
     * doubling the pair may still be full, hence the loop. */
    while (__builtin_expect(t->nb < t->nb_max, 0) &&
           ((t->e[hb * HK_WAYS + HK_WAYS - 1].probes &&
             ((hb ^ 1) >= t->nb || t->e[(hb ^ 1) * HK_WAYS + HK_WAYS - 1].probes)) ||
            t->count * 4 >= (uint64_t)t->nb * HK_WAYS * 3)) {
        uint32_t nb = t->nb;
        tab_grow(s, t);
        if (t->nb == nb)
            break; /* no memory */
        hb = bucket_of(h, t->nb);
    }
    bi = hb * HK_WAYS;
    b = t->e + bi;
    /* Home full: a free way in the other bucket of the pair. */
    if (b[HK_WAYS - 1].probes && (hb ^ 1) < t->nb &&
        !t->e[(hb ^ 1) * HK_WAYS + HK_WAYS - 1].probes) {
        bi = (hb ^ 1) * HK_WAYS;
        b = t->e + bi;
    }
    for (int w = 0; w < HK_WAYS; w++) {
        uint64_t sc;
        if (!b[w].probes) {
            victim = w;
            break;
        }
        /* Idle time, with a grace of 8 s per doubling of the probes. */
        sc = (uint64_t)b[w].last_ms + 8000ull * (uint64_t)(31 - __builtin_clz(b[w].probes));
        if (sc < vscore) {
            vscore = sc;
            victim = w;
        }
    }
    if (b[victim].probes)
        evict(s, t, bi + (uint32_t)victim);
    *fresh = true;
    memset(&b[victim], 0, sizeof(b[victim]));
    b[victim].key = key;
    if (a6)
        memcpy(t->a6[bi + (uint32_t)victim], a6, 16);
    t->count++;
    s->st.sources_seen++;
    return &b[victim];
}

struct src_ent *hk_tab_find(struct hk_sensor *s, struct srctab *t, uint32_t key, const uint8_t *a6);
struct src_ent *hk_tab_find(struct hk_sensor *s, struct srctab *t, uint32_t key, const uint8_t *a6)
{
    (void)s;
    return tab_lookup(t, key, a6, a6 ? key : hk_mix32(key));
}

/* ---- per packet ---- */

/* The tools whose fingerprint a SYN carries, as a bit mask (bit t-1 for enum hk_tool t). */
static inline uint8_t fingerprint(const struct hk_pkt *p)
{
    uint8_t m = 0;

    if (p->ipid == ((p->dst ^ p->dport ^ p->seq) & 0xffff))
        m |= 1u << (HK_TOOL_MASSCAN - 1);
    if (p->ipid == 54321)
        m |= 1u << (HK_TOOL_ZMAP - 1);
    if (p->seq == p->dst)
        m |= 1u << (HK_TOOL_MIRAI - 1);
    return m;
}

/* Tool byte: bits 0-2 the tools every SYN so far matched, bits 3-7 the SYNs seen (to 31). A
 * tool is named when it alone survives two SYNs or more; a coincidence in one packet (a
 * masscan IP ID that happens to be 54321) does not spoil the others. A tool that has
 * survived 31 SYNs is settled: later SYNs are not checked. */
static inline void tool_update(struct src_ent *e, const struct hk_pkt *p)
{
    uint8_t cnt = (uint8_t)(e->tool >> 3), mask = e->tool & 7;

    mask = cnt ? (uint8_t)(mask & fingerprint(p)) : fingerprint(p);
    if (cnt < 31)
        cnt++;
    /* After two SYNs with no tool left in the mask nothing can change: settled too. */
    if (cnt >= 2 && !mask)
        cnt = 31;
    e->tool = (uint8_t)(mask | (cnt << 3));
}

static inline void port_note(struct src_ent *e, uint16_t port)
{
    int n = e->nports_listed;

    e->portbits |= 1u << ((port * 0x9e3779b1u) >> 27);
    for (int i = 0; i < n; i++)
        if (e->ports[i] == port)
            return;
    if (n < 4) {
        e->ports[n] = port;
        e->nports_listed = (uint8_t)(n + 1);
    }
}

/* Per TCP flags byte: bits 0-4 its tcpmix bit (SYN-ACK 2, else SYN 1, else RST 4, else ACK
 * 8, else 16: FIN, NULL, Xmas), bit 7 set for a SYN without ACK or RST (the packets that
 * carry a tool's fingerprint). One load per packet. */
#define TCP_MIX(f) \
    ((((f)&0x12) == 0x12) ? 2 : ((f)&0x02) ? 1 : ((f)&0x04) ? 4 : ((f)&0x10) ? 8 : 16)
#define TCP_INFO(f) (TCP_MIX(f) | ((((f)&0x16) == 0x02) ? 0x80 : 0))
#define TCP_I4(f)   TCP_INFO(f), TCP_INFO((f) + 1), TCP_INFO((f) + 2), TCP_INFO((f) + 3)
#define TCP_I16(f)  TCP_I4(f), TCP_I4((f) + 4), TCP_I4((f) + 8), TCP_I4((f) + 12)
#define TCP_I64(f)  TCP_I16(f), TCP_I16((f) + 16), TCP_I16((f) + 32), TCP_I16((f) + 48)
static const uint8_t tcp_info[256] = {TCP_I64(0), TCP_I64(64), TCP_I64(128), TCP_I64(192)};
#undef TCP_I64
#undef TCP_I16
#undef TCP_I4
#undef TCP_INFO
#undef TCP_MIX

static void trace_add(struct trace *tr, uint32_t rel, uint32_t dst)
{
    tr->probes++;
    if (tr->skip && --tr->skip)
        return;
    tr->skip = tr->stride;
    if (tr->n == tr->cap) {
        if (tr->cap >= (1u << 20)) { /* full: keep every other point from now on */
            size_t j = 0;
            for (size_t i = 0; i < tr->n; i += 2)
                tr->pt[j++] = tr->pt[i];
            tr->n = j;
            tr->stride *= 2;
            tr->skip = tr->stride;
        } else {
            tr->cap = tr->cap ? tr->cap * 2 : 4096;
            tr->pt = hk_xrealloc(tr->pt, tr->cap * sizeof(*tr->pt));
        }
    }
    tr->pt[tr->n].t_ms = rel;
    tr->pt[tr->n].dst = dst;
    tr->n++;
}

static void plot_check(struct hk_sensor *s, const struct hk_pkt *p)
{
    for (int i = 0; i < s->o.nplot; i++) {
        const struct hk_addr *a = &s->tr[i].src;
        bool m = a->v6
                     ? (p->v6 && !memcmp(a->a, p->src6, 16))
                     : (!p->v6 && p->src == (((uint32_t)a->a[0] << 24) | ((uint32_t)a->a[1] << 16) |
                                             ((uint32_t)a->a[2] << 8) | a->a[3]));
        if (m)
            trace_add(&s->tr[i], s->now_rel, p->dst);
    }
}

static bool monitored6(const struct hk_sensor *s, const struct hk_pkt *p)
{
    for (int i = 0; i < s->o.nmonitor; i++) {
        const struct hk_sensor_prefix *q = &s->o.monitor[i];
        int full = q->len / 8, rest = q->len % 8;
        if (!q->addr.v6 || memcmp(q->addr.a, p->dst6, (size_t)full))
            continue;
        if (rest && ((q->addr.a[full] ^ p->dst6[full]) & (0xff00 >> rest)))
            continue;
        return true;
    }
    return false;
}

/* Whether the destination is in the monitored space (a darknet's --monitor prefixes). */
static inline bool monitored(const struct hk_sensor *s, const struct hk_pkt *p)
{
    if (p->v6)
        return monitored6(s, p);
    for (int i = 0; i < s->nmon4; i++)
        if ((p->dst & s->mon_mask[i]) == s->mon_net[i])
            return true;
    return false;
}

/* The per-packet tests of the open minute, recomputed when it changes: its end (unix ms)
 * and its start in ms since the time base (0 before the base). */
static void minute_cache(struct hk_sensor *s)
{
    int64_t m = s->cur_min * 60000 - s->base_ms;

    s->min_end_ms = (s->cur_min + 1) * 60000;
    s->min_start_rel = m > 0 ? (uint32_t)m : 0;
}

static void start(struct hk_sensor *s, int64_t ms)
{
    s->started = true;
    s->base_ms = ms;
    s->cur_min = ms / 60000;
    s->first_min = s->cur_min;
    s->cur_hour = ms / 3600000;
    s->st.first_ms = ms;
    minute_cache(s);
}

/* The options the per-packet path tests, read once per batch: the entry's byte stores
 * may alias anything, so fields of s would be reloaded for every packet. */
struct batch_opts {
    bool lan, darknet_mon, plot;
};

/*
 * One packet. h is the source's hash, hdst the destination's; e is where the pipeline found
 * the source's entry a few packets earlier (IPv4 only, else NULL). Packets processed since
 * may have evicted or moved it, so it is taken only if it still holds this source (an
 * address has at most one entry).
 */
static inline __attribute__((always_inline)) void one(struct hk_sensor *s, const struct hk_pkt *p,
                                                      uint32_t h, uint32_t hdst, struct src_ent *e,
                                                      struct batch_opts bo)
{
    struct srctab *t = &s->t4;
    const uint32_t pi = pidx(p->proto);
    const uint8_t pbit = (uint8_t)(1u << pi);
    uint32_t key = p->src, now, want, have;
    bool fresh, same, again, first_contact = false;
    /* Capture times are after 1970: the unsigned division is the cheaper one. */
    int64_t ms = p->ts_ns >= 0 ? (int64_t)((uint64_t)p->ts_ns / 1000000) : p->ts_ns / 1000000;

    if (__builtin_expect(ms >= s->min_end_ms, 0)) {
        hk_ports_close_minute(s, ms / 60000);
        minute_cache(s);
    }
    if (ms > s->now_ms) {
        s->now_ms = ms;
        s->now_rel = ms > s->base_ms ? (uint32_t)(ms - s->base_ms) : 0;
    }
    now = s->now_rel;
    s->st.packets++;
    if (bo.darknet_mon && !monitored(s, p)) {
        s->st.outside++;
        return;
    }
    if (bo.lan && !p->v6 && hk_lan_packet(s, p, &first_contact))
        return;
    if (p->v6) {
        t = &s->t6;
        key = h;
        e = tab_get(s, t, key, p->src6, h, &fresh);
    } else if (e && e->key == key && e->probes) {
        fresh = false;
    } else {
        e = tab_get(s, t, key, NULL, h, &fresh);
    }
    /* Busier sources move towards the front of their bucket, where the lookup (and the
     * prefetch ahead of it) looks first. */
    if (((uintptr_t)e & (HK_WAYS * sizeof(*e) - 1)) && e[-1].probes < e->probes)
        e = ent_swap_prev(s, t, e);
        /* A single-port source on its port again (protos, nports_listed and ports[0] compared as
         * one word): its protocol and port are noted already; in the same minute (again) the
         * port's distinct-source sketch and source sample have it too (both ignore repeats). */
#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__)
#error "the byte order is needed (GCC and Clang define __BYTE_ORDER__)"
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    want = pbit | 0x100u | (uint32_t)p->dport << 16;
#else
    want = (uint32_t)pbit << 24 | 0x10000u | p->dport;
#endif
    memcpy(&have, &e->protos, 4);
    same = !fresh && have == want;
    again = same && e->last_ms >= s->min_start_rel;
    if (fresh) {
        e->first_ms = now;
        e->dst0 = p->dst;
        if (p->v6)
            e->flags |= F_V6;
    }
    e->probes++;
    e->last_ms = now;
    e->resp += p->resp;
    if (!same) {
        e->protos |= pbit;
        if (!p->resp)
            port_note(e, p->dport);
    }
    if (first_contact)
        e->flags |= F_TRW_ANY;
    if (p->proto == 6) {
        uint8_t ti = tcp_info[p->flags];
        e->tcpmix |= (uint8_t)(ti & 31);
        /* A settled tool byte (tool_update) is not checked again. */
        if ((ti & 0x80) && !p->v6 && e->tool < (31 << 3))
            tool_update(e, p);
    }
    if (p->dst != e->dst0)
        e->flags |= F_MULTI;
    if (e->sample) {
        s->sample_seen[e->sample - 1] = now;
        if (e->flags & F_FINAL) {
            /* A final sample counts the destinations; for IPv4 the entry's own sketch is
             * folded from it if the sample is ever taken away (hll_fold). */
            hll_add(s->samples[e->sample - 1].h, 8, hdst);
            if (p->v6)
                hll16_add(e->hll, hdst);
            goto ports;
        }
    }
    hll16_add(e->hll, hdst);
    if ((e->flags & (F_MULTI | F_FINAL)) == F_MULTI)
        sample_add(s, t, e, p->dst, hdst);
ports:
    if (!p->resp)
        hk_port_add(s, p, pi, h, hdst, again);
    if (bo.plot)
        plot_check(s, p);
}

/*
 * Software pipeline over the batch: the first line of packet i's bucket is prefetched 16
 * packets ahead of its processing; 6 packets ahead that line is searched, and the entry
 * found has its strategy sample prefetched, or for a source not there the rest of the
 * bucket (and, when the table is dense, the other bucket of the pair) is. The entry's
 * address is handed on to the processing, which checks it still holds the source. The
 * distances were 32 and 12: with a new source in a dense table, up to eight lines a packet
 * are in flight, and that many packets' lines pushed each other out of the L1 cache (32 KiB)
 * before use; 16 and 6 took 20 % less time with every packet a new source, 5 % less on a
 * day's mix and as much on the mixed scan (12 and 5 gained more on the first and lost on
 * the others).
 */
#define PF_BUCKET 16
#define PF_SAMPLE 6

/* always_inline: a separate prefetch function has no visible effect, so GCC's IPA marks it
 * const and deletes the calls (with plain inline, the binary had no prefetch at all). A
 * bucket is four lines, kept roughly in decreasing order of probes (one()), so a busy
 * source is nearly always in the first: only that one is fetched ahead (the first two, as
 * before while the table was less than half full, measured no faster on the mixed capture
 * and 6 % slower with every packet a new source). */
static inline __attribute__((always_inline)) void
prefetch_bucket(const struct hk_sensor *s, const struct hk_pkt *q, uint32_t h)
{
    const struct srctab *t = q->v6 ? &s->t6 : &s->t4;
    const char *b = (const char *)(t->e + (size_t)bucket_of(h, t->nb) * HK_WAYS);

    __builtin_prefetch(b, 1, 3);
}

/* Looks for the source in the first way of its bucket (fetched 10 packets ago). Not there,
 * the other three ways and, when the table is dense, the other bucket of the pair are
 * fetched for the full lookup 6 packets later. */
static inline __attribute__((always_inline)) struct src_ent *
locate(const struct hk_sensor *s, const struct hk_pkt *q, uint32_t h, uint32_t hdst, bool dense)
{
    struct src_ent *b;
    uint32_t hb;

    if (q->v6)
        return NULL;
    hb = bucket_of(h, s->t4.nb);
    b = s->t4.e + (size_t)hb * HK_WAYS;
    if (b[0].key == q->src && b[0].probes) {
        if (b[0].sample) {
            /* The sketch register about to change (for a sample still collecting, a line
             * of its destinations), and but for a final sample the header (count, Bloom
             * filter, times). */
            const struct sample *sm = &s->samples[b[0].sample - 1];
            if (!(b[0].flags & F_FINAL))
                __builtin_prefetch(sm, 1, 3);
            __builtin_prefetch(&sm->h[hdst >> 24], 1, 3);
        }
        return &b[0];
    }
    if (b[0].probes != 0) {
        __builtin_prefetch(&b[1], 1, 3);
        __builtin_prefetch(&b[2], 1, 3);
        __builtin_prefetch(&b[3], 1, 3);
        if (dense && (hb ^ 1) < s->t4.nb) {
            const char *o = (const char *)(s->t4.e + (size_t)(hb ^ 1) * HK_WAYS);
            for (int k = 0; k < HK_WAYS; k++)
                __builtin_prefetch(o + 64 * k, 1, 3);
        }
    }
    return NULL;
}

/* The pipeline's ring: per packet in flight, the source's hash, the destination's and the
 * entry found ahead. */
struct ring {
    uint32_t h[64], hd[64];
    struct src_ent *ep[64];
};

static inline __attribute__((always_inline)) void
stage_fetch(const struct hk_sensor *s, const struct hk_pkt *q, struct ring *r, size_t i)
{
    r->h[i & 63] = q->v6 ? hk_hash_v6(q->src6) : hk_mix32(q->src);
    prefetch_bucket(s, q, r->h[i & 63]);
}

static inline __attribute__((always_inline)) void stage_locate(const struct hk_sensor *s,
                                                               const struct hk_pkt *q,
                                                               struct ring *r, size_t k, bool dense)
{
    r->hd[k & 63] = q->v6 ? hk_hash_v6(q->dst6) : dhash(q->dst);
    r->ep[k & 63] = locate(s, q, r->h[k & 63], r->hd[k & 63], dense);
}

static inline __attribute__((always_inline)) void stage_one(struct hk_sensor *s,
                                                            const struct hk_pkt *q, struct ring *r,
                                                            size_t k, struct batch_opts bo)
{
    one(s, q, r->h[k & 63], r->hd[k & 63], r->ep[k & 63], bo);
    if (bo.lan && (k & 15) == 15)
        hk_lan_expire(s);
}

/* Packet i is fetched at step i, located at step i + PF_SAMPLE and processed at step
 * i + PF_BUCKET; the steady part of the loop has no tests of where it is. Inlined once per
 * combination of the options the packet path tests, each then a constant: the common ones
 * (a darknet, with or without --monitor, no plot) have none of the other tests in their
 * loops. */
static inline __attribute__((always_inline)) void batch_loop(struct hk_sensor *s,
                                                             const struct hk_pkt *p, size_t n,
                                                             const struct batch_opts bo,
                                                             const bool dense)
{
    struct ring r;
    size_t i = 0;

    for (; i < PF_BUCKET; i++) {
        if (i < n)
            stage_fetch(s, &p[i], &r, i);
        if (i >= PF_SAMPLE && i - PF_SAMPLE < n)
            stage_locate(s, &p[i - PF_SAMPLE], &r, i - PF_SAMPLE, dense);
    }
    for (; i < n; i++) {
        stage_fetch(s, &p[i], &r, i);
        stage_locate(s, &p[i - PF_SAMPLE], &r, i - PF_SAMPLE, dense);
        stage_one(s, &p[i - PF_BUCKET], &r, i - PF_BUCKET, bo);
    }
    for (; i < n + PF_BUCKET; i++) {
        if (i - PF_SAMPLE < n)
            stage_locate(s, &p[i - PF_SAMPLE], &r, i - PF_SAMPLE, dense);
        stage_one(s, &p[i - PF_BUCKET], &r, i - PF_BUCKET, bo);
    }
}

void hk_sensor_batch(struct hk_sensor *s, const struct hk_pkt *p, size_t n)
{
    const struct batch_opts bo = {s->o.lan, s->o.nmonitor && !s->o.lan, s->o.nplot > 0};
    const struct batch_opts plain = {false, false, false}, mon = {false, true, false};
    const bool dense = s->t4.count * 2 >= (uint64_t)s->t4.nb * HK_WAYS;

    if (!n)
        return;
    if (!s->started)
        start(s, p[0].ts_ns / 1000000);
    if (bo.lan || bo.plot)
        batch_loop(s, p, n, bo, dense);
    else if (bo.darknet_mon)
        dense ? batch_loop(s, p, n, mon, true) : batch_loop(s, p, n, mon, false);
    else
        dense ? batch_loop(s, p, n, plain, true) : batch_loop(s, p, n, plain, false);
    if (s->o.lan)
        hk_lan_expire(s);
}

void hk_sensor_count_dec(struct hk_sensor *s, enum hk_dec r, uint64_t n)
{
    switch (r) {
    case HK_DEC_OK:
        break;
    case HK_DEC_TRUNC:
        s->st.trunc += n;
        break;
    case HK_DEC_NOTIP:
    case HK_DEC_LINKTYPE:
        s->st.notip += n;
        break;
    case HK_DEC_FRAG:
        s->st.frag += n;
        break;
    default:
        s->st.bad += n;
        break;
    }
}

/* ---- labels ---- */

static uint32_t targets_of(const struct hk_sensor *s, const struct src_ent *e)
{
    double est;
    uint32_t t;

    if (!(e->flags & F_MULTI))
        return 1;
    if (!e->sample) {
        est = hk_hll16_est(e->hll);
        t = (uint32_t)(est + 0.5);
        if (t < 2)
            t = 2;
    } else {
        const struct sample *sm = &s->samples[e->sample - 1];
        /* Exact until the label is final: sm->n reaches HK_SAMPLE_K just before the last
         * classification, which still reads the destinations (the bytes become a sketch
         * only after it). */
        if (!(e->flags & F_FINAL))
            t = sm->n + sm->dropped;
        else /* then a 256-register sketch: about 6.5 % (less below ~600) */
            t = (uint32_t)(hk_hll_est(sm->h, 256) + 0.5) + sm->dropped;
    }
    if (t > e->probes)
        t = e->probes; /* the sketch errs by about 18 %; a source cannot reach more hosts */
    return t;
}

static uint32_t nports_of(const struct src_ent *e)
{
    double est = hk_lc32_est(e->portbits);
    uint32_t n = (uint32_t)(est + 0.5);

    if (n < e->nports_listed)
        n = e->nports_listed;
    if (e->nports_listed < 4 && n > e->nports_listed)
        n = e->nports_listed;
    return n;
}

static int trw_hint(const struct src_ent *e)
{
    if (e->flags & F_TRW_SCAN)
        return 1;
    if ((e->flags & F_TRW_ANY) && ((e->flags & F_TRW_BEN) || e->trw <= 0))
        return -1;
    return 0;
}

/* Every packet a TCP SYN (or the RST of a SYN scanner): no handshake ever completed. */
static bool halfopen(const struct src_ent *e)
{
    return e->protos == 1 && (e->tcpmix & 1) && !(e->tcpmix & ~5u);
}

static double rate_of(const struct src_ent *e)
{
    double dur = (double)(e->last_ms - e->first_ms) / 1000.0;

    if (e->probes < 2 || dur <= 0)
        return 0;
    return (e->probes - 1) / dur;
}

/* The monitored space a darknet's locality test needs (IPv4 darknet with --monitor). */
static const struct cls_space *space_of(struct hk_sensor *s, const struct srctab *t)
{
    if (s->o.lan || t->v6 || s->nmon4 == 0)
        return NULL;
    s->space.n = s->nmon4;
    s->space.net = s->mon_net;
    s->space.mask = s->mon_mask;
    return &s->space;
}

void hk_sensor_classify_entry(struct hk_sensor *s, struct srctab *t, struct src_ent *e, bool final)
{
    struct cls_out c;
    const struct sample *sm = e->sample ? &s->samples[e->sample - 1] : NULL;
    uint32_t targets, nports;
    double kc;
    enum hk_kind k;

    (void) final;
    if (!sm || (e->flags & F_FINAL)) /* none, or already a sketch */
        return;
    targets = targets_of(s, e);
    nports = nports_of(e);
    /* IPv6: locality and order use the low 32 bits of the addresses. */
    hk_classify(sm->d, &sm->tm, sm->n, src32(t, e), e->probes, targets, nports, space_of(s, t), &c);
    e->strat = (uint8_t)(c.st | ((uint8_t)(c.conf * 15 + 0.5) << 4));
    if (c.st == HK_STRAT_UNDETERMINED)
        e->aux = (uint8_t)(c.needs > 255 ? 255 : c.needs);
    else if (c.sweep24 < 0)
        e->aux = 0;
    else
        e->aux = (uint8_t)fmin(255, 1 + 16 * log2(c.sweep24 + 1) + 0.5);
    k = hk_kind_of(e->probes, e->resp, targets, nports, rate_of(e), trw_hint(e), halfopen(e), &kc);
    if (k == HK_KIND_SCAN && (s->o.worm_mask & (1u << c.st)) && !(e->flags & F_ALERTED) &&
        c.conf >= 0.5) {
        struct hk_alert a;
        memset(&a, 0, sizeof(a));
        a.type = HK_ALERT_WORM_SOURCE;
        a.ts_ms = s->now_ms;
        a.interval_start_ms = s->now_ms;
        e->flags |= F_ALERTED;
        hk_sensor_profile_of(s, t, (uint32_t)(e - t->e), &a.prof);
        a.port = a.prof.nports_listed ? a.prof.ports[0] : 0;
        a.proto = (a.prof.protos & 1) ? 6 : (a.prof.protos & 2) ? 17 : 1;
        a.magnitude = a.prof.confidence;
        a.count = a.prof.probes;
        a.nsrc = 1;
        a.srcs[0] = a.prof.src;
        hk_emit_alert(s, &a);
    }
}

static void addr_of(const struct srctab *t, uint32_t i, struct hk_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (t->v6) {
        a->v6 = 1;
        memcpy(a->a, t->a6[i], 16);
        return;
    }
    a->a[0] = (uint8_t)(t->e[i].key >> 24);
    a->a[1] = (uint8_t)(t->e[i].key >> 16);
    a->a[2] = (uint8_t)(t->e[i].key >> 8);
    a->a[3] = (uint8_t)t->e[i].key;
}

bool hk_flood_source(const struct hk_sensor *s, const struct src_ent *e)
{
    if (!s->nvictims || !e->nports_listed || e->resp * 2 >= e->probes)
        return false;
    for (int k = 0; k < 16; k++) {
        const struct victim *v = &s->victims[k];
        if (v->used && v->dst == e->dst0 && v->port == e->ports[0])
            return true;
    }
    return false;
}

void hk_sensor_profile_of(struct hk_sensor *s, struct srctab *t, uint32_t i, struct hk_profile *p)
{
    const struct src_ent *e = &t->e[i];
    double kc;

    memset(p, 0, sizeof(*p));
    addr_of(t, i, &p->src);
    p->first_ms = s->base_ms + e->first_ms;
    p->last_ms = s->base_ms + e->last_ms;
    p->probes = e->probes;
    p->replies = e->resp;
    p->targets = targets_of(s, e);
    p->nports = nports_of(e);
    p->nports_listed = e->nports_listed;
    memcpy(p->ports, e->ports, sizeof(p->ports));
    p->protos = e->protos;
    p->tcpmix = e->tcpmix;
    p->rate_pps = rate_of(e);
    p->kind = hk_kind_of(e->probes, e->resp, p->targets, p->nports, p->rate_pps, trw_hint(e),
                         halfopen(e), &kc);
    p->confidence = kc;
    if (p->kind == HK_KIND_MISC && p->targets <= 2 && hk_flood_source(s, e)) {
        p->kind = HK_KIND_FLOOD; /* one of many (spoofed) sources of a flood */
        p->confidence = 0.8;
    }
    p->sweep24_s = -1;
    p->coverage = -1;
    if (s->mon_size > 0)
        p->coverage = p->targets / s->mon_size;
    if (!t->v6) {
        p->target0.a[0] = (uint8_t)(e->dst0 >> 24);
        p->target0.a[1] = (uint8_t)(e->dst0 >> 16);
        p->target0.a[2] = (uint8_t)(e->dst0 >> 8);
        p->target0.a[3] = (uint8_t)e->dst0;
    }
    if ((e->tool >> 3) >= 2) {
        uint8_t m = e->tool & 7;
        if (m & 1) /* masscan's relation is the least likely to hold by chance */
            p->tool = HK_TOOL_MASSCAN;
        else if (m == 2)
            p->tool = HK_TOOL_ZMAP;
        else if (m == 4)
            p->tool = HK_TOOL_MIRAI;
    }
    if (e->flags & F_TRW_SCAN)
        p->trw = HK_TRW_SCANNER;
    else if (e->flags & F_TRW_BEN)
        p->trw = HK_TRW_BENIGN;
    else if (e->flags & F_TRW_ANY)
        p->trw = HK_TRW_PENDING;
    if (p->kind != HK_KIND_SCAN)
        return;
    if (e->sample && !(e->flags & F_FINAL)) {
        const struct sample *sm = &s->samples[e->sample - 1];
        struct cls_out c;
        hk_classify(sm->d, &sm->tm, sm->n, src32(t, e), e->probes, p->targets, p->nports,
                    space_of(s, t), &c);
        p->strategy = c.st;
        p->confidence = c.conf;
        p->needs = c.needs;
        p->sweep24_s = c.sweep24;
    } else if ((e->strat & 15) != HK_STRAT_NONE) {
        p->strategy = (enum hk_strat)(e->strat & 15);
        p->confidence = (e->strat >> 4) / 15.0;
        if (p->strategy == HK_STRAT_UNDETERMINED)
            p->needs = e->aux;
        else if (e->aux)
            p->sweep24_s = exp2((e->aux - 1) / 16.0) - 1;
    } else {
        p->strategy = HK_STRAT_UNDETERMINED;
        p->needs = e->flags & F_NOSAMPLE ? 0 : 4;
        p->confidence = 0;
    }
    if (p->sweep24_s < 0 && p->targets >= 2 && e->last_ms > e->first_ms)
        p->sweep24_s = 256.0 * (e->last_ms - e->first_ms) / 1000.0 / (p->targets - 1);
    if (p->strategy == HK_STRAT_TARGETED || p->strategy == HK_STRAT_UNDETERMINED)
        p->needs = p->strategy == HK_STRAT_TARGETED ? 0 : p->needs;
}

hk_err hk_sensor_lookup(struct hk_sensor *s, const struct hk_addr *src, struct hk_profile *out)
{
    struct src_ent *e;
    struct srctab *t = src->v6 ? &s->t6 : &s->t4;
    uint32_t key;

    if (src->v6)
        key = hk_hash_v6(src->a);
    else
        key = ((uint32_t)src->a[0] << 24) | ((uint32_t)src->a[1] << 16) |
              ((uint32_t)src->a[2] << 8) | src->a[3];
    e = hk_tab_find(s, t, key, src->v6 ? src->a : NULL);
    if (!e)
        return HK_ENOTFOUND;
    hk_sensor_profile_of(s, t, (uint32_t)(e - t->e), out);
    return HK_OK;
}

void hk_sensor_each(struct hk_sensor *s, void (*fn)(void *u, const struct hk_profile *p), void *u)
{
    struct srctab *tabs[2] = {&s->t4, &s->t6};

    for (int k = 0; k < 2; k++) {
        struct srctab *t = tabs[k];
        size_t n = (size_t)t->nb * HK_WAYS;
        if (!t->count)
            continue;
        for (size_t i = 0; i < n; i++) {
            struct hk_profile p;
            if (!t->e[i].probes)
                continue;
            hk_sensor_profile_of(s, t, (uint32_t)i, &p);
            fn(u, &p);
        }
    }
}

void hk_sensor_finish(struct hk_sensor *s)
{
    struct srctab *tabs[2] = {&s->t4, &s->t6};

    if (s->finished)
        return;
    s->finished = true;
    if (s->started)
        hk_ports_finish(s);
    for (int k = 0; k < 2; k++) {
        struct srctab *t = tabs[k];
        size_t n = (size_t)t->nb * HK_WAYS;
        if (!t->count)
            continue;
        for (size_t i = 0; i < n; i++) {
            struct src_ent *e = &t->e[i];
            if (!e->probes)
                continue;
            if (e->sample && !(e->flags & F_FINAL))
                hk_sensor_classify_entry(s, t, e, true);
            if (!hk_count_only(s, e))
                hk_emit_profile(s, t, (uint32_t)i);
        }
    }
}

void hk_sensor_get_stats(const struct hk_sensor *s, struct hk_sensor_stats *out)
{
    *out = s->st;
    out->sources_now = s->t4.count + s->t6.count;
    out->last_ms = s->now_ms;
    out->table_entries = ((uint64_t)s->t4.nb + s->t6.nb) * HK_WAYS;
    out->table_bytes = ((uint64_t)s->t4.nb + s->t6.nb) * HK_WAYS * sizeof(struct src_ent) +
                       (uint64_t)s->t6.nb * HK_WAYS * 16;
    out->samples_used = s->o.max_samples - s->nfree;
    /* the sample and its two words in sample_seen and sample_owner */
    out->sample_bytes = sizeof(struct sample) + 2 * sizeof(uint32_t);
}

const struct hk_trace_pt *hk_sensor_trace(const struct hk_sensor *s, int i, size_t *n,
                                          int64_t *base_ms, uint64_t *probes)
{
    if (i < 0 || i >= s->o.nplot) {
        *n = 0;
        return NULL;
    }
    *n = s->tr[i].n;
    *base_ms = s->base_ms;
    *probes = s->tr[i].probes;
    return s->tr[i].pt;
}
