/* SPDX-License-Identifier: MIT */
/*
 * A small deterministic generator of scanning traffic, shared by bench/gen_scan.c (the
 * benchmark's and the integration test's captures) and the sensor's unit tests. It builds
 * Ethernet + IPv4 + TCP frames with correct IPv4 and TCP checksums (RFC 791, RFC 9293 §3.1)
 * for sources that follow one strategy each - sequential, uniform random, local preference
 * (Code Red II: 1/2 same /8, 3/8 same /16, 1/8 anywhere), hybrid (WannaCry: an ordered sweep
 * of the own /24 at about 8 probes/s beside random probes), slow sequential (one probe per
 * 3.5 s), targeted (a few hosts again and again) - and for backscatter (SYN-ACK and RST from
 * a victim to spoofed addresses) and floods, optionally with a scanning tool's fingerprint
 * (masscan, zmap, Mirai). Events are generated per source, merged in time order and written
 * as pcap (microseconds or nanoseconds, either byte order) or handed to a callback.
 * Header-only (static functions) so that tests can include it; no dependency on hikeshi.
 */
#ifndef HIKESHI_GEN_SCAN_H
#define HIKESHI_GEN_SCAN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum gen_strat {
    G_SEQ,
    G_RANDOM,
    G_LOCALPREF,
    G_HYBRID,
    G_SLOWSEQ,
    G_TARGETED,
    G_BACKSCATTER,
    G_FLOOD,
    G_SPOOFED, /* a SYN flood from a new random source per packet */
    G_PORTSCAN,
    G_NSTRAT
};
enum gen_tool { G_TOOL_NONE, G_TOOL_MASSCAN, G_TOOL_ZMAP, G_TOOL_MIRAI };

struct gen_ev {
    int64_t t_ns;
    uint32_t src, dst, seq;
    uint16_t sport, dport, ipid;
    uint8_t flags;
    uint8_t pad;
};

struct gen_src {
    enum gen_strat strat;
    enum gen_tool tool;
    uint32_t src;
    double start_s;    /* first probe */
    double interval_s; /* between probes */
    uint64_t count;    /* probes */
    uint32_t base;     /* destination space: [base, base + span) (sequential, random) */
    uint64_t span;
    uint16_t port;
};

static inline uint64_t gen_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct gen_evs {
    struct gen_ev *v;
    size_t n, cap;
};

static inline void gen_push(struct gen_evs *e, const struct gen_ev *x)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4096;
        e->v = realloc(e->v, e->cap * sizeof(*e->v));
        if (!e->v)
            abort();
    }
    e->v[e->n++] = *x;
}

static inline void gen_tool_mark(struct gen_ev *x, enum gen_tool tool, uint64_t *rng)
{
    x->seq = (uint32_t)gen_rand(rng);
    x->ipid = (uint16_t)gen_rand(rng);
    if (tool == G_TOOL_MASSCAN)
        x->ipid = (uint16_t)((x->dst ^ x->dport ^ x->seq) & 0xffff);
    else if (tool == G_TOOL_ZMAP)
        x->ipid = 54321;
    else if (tool == G_TOOL_MIRAI)
        x->seq = x->dst;
}

/* Appends the events of one source. seed makes the run reproducible. */
static inline void gen_source(struct gen_evs *e, const struct gen_src *g, uint64_t seed)
{
    uint64_t rng = seed ^ ((uint64_t)g->src << 17) ^ g->strat;
    uint32_t cur = 0, local = 1, targets[5];
    double t = g->start_s;

    for (int i = 0; i < 5; i++)
        targets[i] = g->base + (uint32_t)(gen_rand(&rng) % (g->span ? g->span : 1));
    for (uint64_t k = 0; k < g->count; k++) {
        struct gen_ev x;
        uint64_t r = gen_rand(&rng);
        memset(&x, 0, sizeof(x));
        x.src = g->src;
        x.sport = (uint16_t)(32768 + (r >> 48) % 28000);
        x.dport = g->port;
        x.flags = 0x02;
        switch (g->strat) {
        case G_SEQ:
        case G_SLOWSEQ:
            x.dst = g->base + (uint32_t)(cur++ % g->span);
            break;
        case G_RANDOM:
            x.dst = g->base + (uint32_t)(r % g->span);
            break;
        case G_LOCALPREF:
            if (r % 8 < 4)
                x.dst = (g->src & 0xff000000u) | (uint32_t)((r >> 8) & 0xffffff);
            else if (r % 8 < 7)
                x.dst = (g->src & 0xffff0000u) | (uint32_t)((r >> 8) & 0xffff);
            else
                x.dst = (uint32_t)(r >> 16);
            break;
        case G_HYBRID:
            /* 8 local probes per 35: the /24 sweep at ~8/s beside ~27/s random. */
            if (local < 255 && r % 35 < 8)
                x.dst = (g->src & 0xffffff00u) | local++;
            else
                x.dst = (uint32_t)(r >> 16);
            break;
        case G_TARGETED:
            x.dst = targets[r % 3];
            break;
        case G_PORTSCAN:
            x.dst = g->base;
            x.dport = (uint16_t)(1 + cur++ % 1024);
            break;
        case G_BACKSCATTER:
            x.dst = g->base + (uint32_t)(r % g->span);
            x.sport = g->port;
            x.dport = (uint16_t)(1024 + (r >> 40) % 60000);
            x.flags = (r >> 20) & 1 ? 0x12 : 0x14; /* SYN-ACK or RST-ACK */
            break;
        case G_FLOOD:
            x.dst = g->base;
            break;
        case G_SPOOFED:
            x.dst = g->base;
            x.src = (uint32_t)(r >> 8) | 0x01000000u;
            break;
        default:
            break;
        }
        gen_tool_mark(&x, g->tool, &rng);
        x.t_ns = (int64_t)(t * 1e9);
        gen_push(e, &x);
        /* +-10 % jitter keeps sources from moving in lock step. */
        t += g->interval_s * (0.9 + 0.2 * (double)(gen_rand(&rng) % 1000) / 1000.0);
    }
}

static inline int gen_cmp(const void *a, const void *b)
{
    const struct gen_ev *x = a, *y = b;
    if (x->t_ns != y->t_ns)
        return x->t_ns < y->t_ns ? -1 : 1;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    return 0;
}

static inline void gen_sort(struct gen_evs *e)
{
    qsort(e->v, e->n, sizeof(*e->v), gen_cmp);
}

/* ---- frames ---- */

static inline uint32_t gen_sum(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static inline uint16_t gen_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static inline void gen_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void gen_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Builds Ethernet + IPv4 + TCP (54 bytes) into f; returns the length. */
static inline uint32_t gen_frame(const struct gen_ev *x, uint8_t f[64])
{
    uint8_t *ip = f + 14, *tcp = f + 34, ph[12];
    uint32_t s;

    memset(f, 0, 54);
    f[0] = 0x02;
    f[5] = 0x01;
    f[6] = 0x02;
    f[11] = 0x02;
    gen_put16(f + 12, 0x0800);
    ip[0] = 0x45;
    gen_put16(ip + 2, 40);
    gen_put16(ip + 4, x->ipid);
    ip[8] = 64;
    ip[9] = 6;
    gen_put32(ip + 12, x->src);
    gen_put32(ip + 16, x->dst);
    gen_put16(ip + 10, gen_fold(gen_sum(ip, 20, 0)));
    gen_put16(tcp, x->sport);
    gen_put16(tcp + 2, x->dport);
    gen_put32(tcp + 4, x->seq);
    if (x->flags & 0x10)
        gen_put32(tcp + 8, x->seq ^ 0x5a5a5a5au);
    tcp[12] = 5 << 4;
    tcp[13] = x->flags;
    gen_put16(tcp + 14, 1024);
    memcpy(ph, ip + 12, 8);
    ph[8] = 0;
    ph[9] = 6;
    gen_put16(ph + 10, 20);
    s = gen_sum(ph, 12, 0);
    gen_put16(tcp + 16, gen_fold(gen_sum(tcp, 20, s)));
    return 54;
}

/* ---- pcap ---- */

struct gen_pcap {
    FILE *f;
    int nano, swap;
};

static inline uint32_t gen_h32(const struct gen_pcap *w, uint32_t v)
{
    return w->swap ? __builtin_bswap32(v) : v;
}

static inline void gen_pcap_header(struct gen_pcap *w, uint32_t linktype)
{
    uint32_t h[6];
    h[0] = gen_h32(w, w->nano ? 0xa1b23c4du : 0xa1b2c3d4u);
    h[1] = gen_h32(w, 2u | (4u << 16));
    if (w->swap)
        h[1] = (uint32_t)__builtin_bswap16(2) | ((uint32_t)__builtin_bswap16(4) << 16);
    h[2] = 0;
    h[3] = 0;
    h[4] = gen_h32(w, 262144);
    h[5] = gen_h32(w, linktype);
    (void)fwrite(h, 4, 6, w->f);
}

static inline void gen_pcap_record(struct gen_pcap *w, int64_t t_ns, const uint8_t *d,
                                   uint32_t caplen, uint32_t wirelen)
{
    uint32_t h[4];
    h[0] = gen_h32(w, (uint32_t)(t_ns / 1000000000));
    h[1] = gen_h32(w, (uint32_t)(w->nano ? t_ns % 1000000000 : t_ns % 1000000000 / 1000));
    h[2] = gen_h32(w, caplen);
    h[3] = gen_h32(w, wirelen);
    (void)fwrite(h, 4, 4, w->f);
    (void)fwrite(d, 1, caplen, w->f);
}

static inline void gen_pcap_events(struct gen_pcap *w, const struct gen_evs *e)
{
    uint8_t f[64];
    for (size_t i = 0; i < e->n; i++) {
        uint32_t n = gen_frame(&e->v[i], f);
        gen_pcap_record(w, e->v[i].t_ns, f, n, 60);
    }
}

#endif
