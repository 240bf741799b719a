/* SPDX-License-Identifier: MIT */
/*
 * The per-packet part of the port activity tables (ports.c has the rest: interval close,
 * baselines, alerts), inline so that the engine's packet loop makes no call for it: the
 * slot of a (protocol, port), its packet count, destination heavy hitters, the distinct
 * source and destination sketches and the bottom-k source sample.
 */
#ifndef HIKESHI_SENSOR_PORTS_ADD_H
#define HIKESHI_SENSOR_PORTS_ADD_H

#include <stdbool.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sensor/sensor_int.h"

/* Protocol index of the port tables: 0 TCP, 1 UDP, 2 ICMP (v4 and v6), 3 other; one load
 * (the per-packet path asks twice). */
static inline uint32_t pidx(uint8_t proto)
{
    static const uint8_t tab[64] = {
        3, 2, 3, 3, 3, 3, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3,
    };

    return proto < 64 ? tab[proto] : 3;
}

/* The slot of a key ((proto index << 16 | port) + 1): one load from the direct index; a new
 * key takes the next slot. */
static inline struct port_slot *slot_get(struct port_tab *t, uint32_t key)
{
    uint32_t i = t->dix[key - 1];

    if (__builtin_expect(i != 0, 1))
        return &t->s[i - 1];
    if (t->nused >= HK_PORT_CAP * 3 / 4) {
        t->overflow++;
        return NULL;
    }
    i = t->nused;
    t->s[i].key = key;
    t->used[t->nused++] = i;
    t->dix[key - 1] = (uint16_t)(i + 1);
    return &t->s[i];
}

/* Bottom-k: keeps the HK_PORT_SAMPLE sources with the smallest hashes (rarely reached: only
 * a hash below the current largest kept one gets here). The hash (hk_mix32) is a bijection
 * of the IPv4 address, so an equal hash is the same source. The slot of the largest kept
 * hash is remembered, so a replacement is one store and one pass to find the new largest. */
static inline void sample_src(struct port_slot *sl, uint32_t h, uint32_t src)
{
    uint32_t n = sl->nsamp, mx = 0, im = 0;

#ifdef __SSE2__
    if (n == HK_PORT_SAMPLE) {
        const __m128i v = _mm_set1_epi32((int)h);
        __m128i eq = _mm_setzero_si128();
        for (uint32_t i = 0; i < HK_PORT_SAMPLE; i += 4)
            eq = _mm_or_si128(
                eq,
                _mm_cmpeq_epi32(v, _mm_loadu_si128((const __m128i *)(const void *)&sl->samp_h[i])));
        if (_mm_movemask_epi8(eq))
            return;
    } else
#endif
        for (uint32_t i = 0; i < n; i++)
            if (sl->samp_h[i] == h)
                return;
    if (n < HK_PORT_SAMPLE) {
        sl->samp_h[n] = h;
        sl->samp_src[n] = src;
        sl->nsamp = (uint16_t)++n;
    } else {
        sl->samp_h[sl->imax] = h;
        sl->samp_src[sl->imax] = src;
    }
    for (uint32_t i = 0; i < n; i++) {
        bool gt = sl->samp_h[i] > mx;
        mx = gt ? sl->samp_h[i] : mx;
        im = gt ? i : im;
    }
    sl->maxh = mx;
    sl->imax = (uint16_t)im;
}

/* Misra-Gries with four counters: a destination that takes more than a fifth of the port's
 * packets keeps a counter (Misra and Gries 1982). The four lanes are compared at once (a
 * destination holds at most one live counter); a new destination takes the last free
 * counter, or decrements them all. */
static inline void heavy_dst(struct port_slot *sl, uint32_t dst)
{
#ifdef __SSE2__
    /* Without branches: on a scan the three outcomes follow the random destinations, so a
     * branch per packet would be mispredicted often. lane_hi[m] is the lane of the highest
     * bit of m (the counter a new destination takes), as a mask. */
    static const int32_t lane_hi[16][4] __attribute__((aligned(16))) = {
        {0, 0, 0, 0},  {-1, 0, 0, 0}, {0, -1, 0, 0}, {0, -1, 0, 0}, {0, 0, -1, 0}, {0, 0, -1, 0},
        {0, 0, -1, 0}, {0, 0, -1, 0}, {0, 0, 0, -1}, {0, 0, 0, -1}, {0, 0, 0, -1}, {0, 0, 0, -1},
        {0, 0, 0, -1}, {0, 0, 0, -1}, {0, 0, 0, -1}, {0, 0, 0, -1},
    };
    const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)sl->hh_cnt);
    const __m128i z = _mm_cmpeq_epi32(c, _mm_setzero_si128());
    const __m128i d = _mm_loadu_si128((const __m128i *)(const void *)sl->hh_dst);
    const __m128i v = _mm_set1_epi32((int)dst);
    const __m128i eq = _mm_andnot_si128(z, _mm_cmpeq_epi32(d, v));
    const int mm = _mm_movemask_ps(_mm_castsi128_ps(eq)), mz = _mm_movemask_ps(_mm_castsi128_ps(z));
    /* No match: the highest free counter takes dst; none free: all go down by one. */
    const __m128i nomatch = _mm_set1_epi32(-(mm == 0));
    const __m128i take =
        _mm_and_si128(nomatch, _mm_load_si128((const __m128i *)(const void *)lane_hi[mz]));
    const __m128i dec = _mm_set1_epi32(-(mm == 0 && mz == 0));
    const __m128i one = _mm_set1_epi32(1);
    __m128i nc = _mm_sub_epi32(c, _mm_or_si128(eq, take)); /* eq, take: -1 in their lane */
    nc = _mm_sub_epi32(nc, _mm_and_si128(dec, one));
    _mm_storeu_si128((__m128i *)(void *)sl->hh_cnt, nc);
    _mm_storeu_si128((__m128i *)(void *)sl->hh_dst,
                     _mm_or_si128(_mm_and_si128(take, v), _mm_andnot_si128(take, d)));
#else
    int free_i = -1;

    for (int i = 0; i < 4; i++) {
        if (sl->hh_cnt[i] && sl->hh_dst[i] == dst) {
            sl->hh_cnt[i]++;
            return;
        }
        if (!sl->hh_cnt[i])
            free_i = i;
    }
    if (free_i >= 0) {
        sl->hh_dst[free_i] = dst;
        sl->hh_cnt[free_i] = 1;
        return;
    }
    for (int i = 0; i < 4; i++)
        sl->hh_cnt[i]--;
#endif
}

/* pi is pidx(p->proto). again: the source was already counted on this port in this minute
 * (the caller knows from its entry), so the distinct-source sketch and the source sample are
 * left alone. */
static inline __attribute__((always_inline)) void hk_port_add(struct hk_sensor *s,
                                                              const struct hk_pkt *p, uint32_t pi,
                                                              uint32_t hsrc, uint32_t hdst,
                                                              bool again)
{
    uint32_t port = pi < 3 ? p->dport : p->proto;
    struct port_slot *sl = slot_get(&s->pm, ((pi << 16) | port) + 1);

    if (!sl)
        return;
    sl->packets++;
    heavy_dst(sl, p->dst);
    hll_add(sl->hd, HK_PORT_HLLD_BITS, hdst);
    if (again)
        return;
    hll_add(sl->hs, HK_PORT_HLLS_BITS, hsrc);
    if (!p->v6 && (sl->nsamp < HK_PORT_SAMPLE || hsrc < sl->maxh))
        sample_src(sl, hsrc, p->src);
}

#endif
