/* SPDX-License-Identifier: MIT */
/*
 * Private structures of the sensor: the 64-byte per-source entry and its set-associative
 * table, the strategy sample pool, the per-port interval tables and baselines, the threshold
 * random walk state, and the small sketches (HyperLogLog registers, linear-counting bitmaps)
 * they use. Shared by the files of src/sensor/ only.
 */
#ifndef HIKESHI_SENSOR_INT_H
#define HIKESHI_SENSOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hikeshi/sensor.h"

#define HK_WAYS           4  /* entries per bucket of the source table */
#define HK_SAMPLE_K       64 /* distinct destinations kept per classified source */
#define HK_PORT_CAP       8192
#define HK_PORT_HLL       128 /* registers of the small sketches (hk_hll128_est) */
#define HK_PORT_HLLS_BITS 10  /* distinct sources per port: 1,024 registers, +-3.3 % */
#define HK_PORT_HLLD_BITS 8   /* distinct destinations per port: 256 registers, +-6.5 % */
#define HK_PORT_SAMPLE    24  /* sources kept per port (bottom-k by hash) for alerts */
#define HK_PROTO_IDX      4   /* TCP, UDP, ICMP (v4 and v6), other */
#define HK_SERIES_TOP     12

/* Entry flags. */
#define F_MULTI    0x01 /* a destination other than dst0 was seen */
#define F_ALERTED  0x02 /* a worm-source alert was raised */
#define F_FINAL    0x04 /* the strategy label is final (sample full) */
#define F_V6       0x08
#define F_TRW_SCAN 0x10
#define F_TRW_BEN  0x20
#define F_TRW_ANY  0x40 /* the source made a first contact (LAN) */
#define F_NOSAMPLE 0x80 /* the sample pool was exhausted for this source */

/*
 * One tracked source: exactly 64 bytes, one cache line. probes == 0 marks a free way.
 * Times are milliseconds since the sensor's time base (the first packet).
 */
struct src_ent {
    uint32_t key; /* IPv4 address, or a 32-bit hash of the IPv6 address */
    uint32_t probes;
    uint32_t first_ms;
    uint32_t last_ms;
    uint32_t resp;     /* reply-type packets */
    uint32_t dst0;     /* the first destination */
    uint32_t sample;   /* 1 + index in the sample pool, 0 none */
    uint32_t portbits; /* linear-counting bitmap of destination ports */
    uint8_t hll[16];   /* 32 four-bit HyperLogLog registers: distinct destinations */
    uint8_t flags;
    uint8_t tcpmix; /* bit 0 SYN, 1 SYN-ACK, 2 RST, 3 ACK, 4 FIN/NULL/Xmas */
    uint8_t tool;
    int8_t trw;    /* LAN: failed minus successful first contacts since the last decision */
    uint8_t strat; /* bits 0-3 strategy, 4-7 confidence in sixteenths */
    uint8_t aux;   /* undetermined: destinations still needed; else 16 log2(sweep24_s + 1) */
    /* protos, nports_listed and ports[0] are adjacent: the packet path compares the three
     * at once (a single-port source on its port again). */
    uint8_t protos; /* bit 0 TCP, 1 UDP, 2 ICMP, 3 other */
    uint8_t nports_listed;
    uint16_t ports[4]; /* the first distinct destination ports */
};
_Static_assert(sizeof(struct src_ent) == 64, "a source entry is one cache line");
_Static_assert(offsetof(struct src_ent, ports) == offsetof(struct src_ent, protos) + 2,
               "protos, nports_listed, ports[0]: one 32-bit word");

struct srctab {
    struct src_ent *e; /* nb * HK_WAYS entries, page-aligned (mmap): one() finds a bucket's
                        * first way by the address's low 8 bits */
    uint8_t (*a6)[16]; /* IPv6 table only: the full address of each entry */
    size_t map_len;
    uint32_t nb;     /* buckets now */
    uint32_t nb_max; /* buckets at the cap (--max-sources / 4) */
    uint64_t count;
    bool v6;
};

/* The first distinct destinations of a source, in order, and the times that the pace
 * needs (first and last, overall and in the source's own /24). */
struct sample {
    uint8_t v6;
    uint8_t used;
    uint16_t n;
    /* Destinations dropped by compactions: while a hybrid's label waits for more of its
     * local sweep, the sample keeps its own-/24 destinations and the latest others (at most
     * 1,024 compactions of at most 48 each, so 16 bits hold it). */
    uint16_t dropped;
    uint16_t ncompact;
    struct cls_times {
        uint32_t first, last;   /* ms since the time base */
        uint32_t lfirst, llast; /* the same for destinations in the source's /24 */
    } tm;
    uint64_t bloom[4];
    /* Until n reaches HK_SAMPLE_K the destinations; then (the label is final) the same bytes
     * become a 256-register HyperLogLog of all destinations, seeded with those 64. */
    union {
        uint32_t d[HK_SAMPLE_K];
        uint8_t h[HK_SAMPLE_K * 4];
    };
};

/* The IPv4 space a darknet sensor monitors (--monitor, not in LAN mode): what it can see of
 * a source is its probes into that space, so locality is judged by density in it. */
struct cls_space {
    int n;
    const uint32_t *net, *mask;
};

struct port_slot {
    uint32_t key; /* (proto index << 16 | port) + 1; 0 free */
    uint16_t nsamp;
    uint16_t imax; /* the slot of the largest kept hash (maxh) */
    uint64_t packets;
    uint32_t hh_dst[4]; /* Misra-Gries heavy hitters among destinations (flood victims) */
    uint32_t hh_cnt[4];
    /* A uniform sample of the interval's distinct IPv4 sources: those with the smallest
     * hashes (bottom-k); the alert's top sources are ranked from it. */
    uint32_t maxh;
    uint32_t samp_h[HK_PORT_SAMPLE];
    uint32_t samp_src[HK_PORT_SAMPLE];
    uint8_t hs[1u << HK_PORT_HLLS_BITS]; /* distinct sources */
    uint8_t hd[1u << HK_PORT_HLLD_BITS]; /* distinct destinations */
};

struct port_tab {
    struct port_slot *s; /* used densely, in order of first packet */
    uint16_t *dix;       /* (proto index << 16 | port): 1 + slot index, 0 none */
    uint32_t *used;      /* indices of occupied slots */
    uint32_t nused;
    uint64_t overflow;
};

struct baseline {
    float mean, var;
    uint32_t last_iv; /* the minute of the last update, +1 (0 never) */
    uint8_t alerting;
    uint8_t pad[3];
};

struct series_pt {
    uint32_t minute; /* since the run's first minute */
    uint16_t port;
    uint8_t proto;
    uint8_t pad;
    uint32_t packets;
    uint32_t sources;
};

struct trace {
    struct hk_addr src;
    struct hk_trace_pt *pt;
    size_t n, cap;
    uint32_t stride, skip;
    uint64_t probes;
};

/* LAN vantage: first contacts waiting for an answer. */
struct pend {
    uint64_t pair; /* src << 32 | dst */
    uint32_t t_ms;
    uint32_t live;
};

struct hk_sensor {
    struct hk_sensor_opts o;
    struct srctab t4, t6;
    struct sample *samples;
    /* Per sample, its owner's last packet (ms since the time base): stored for every packet
     * of a sampled source, so kept apart from the samples (4 bytes each, a cache-resident
     * array rather than a line of each sample); sample_alloc takes the idlest of four. */
    uint32_t *sample_seen;
    /* Per sample, its owner: the entry's index in its table, bit 31 set for the IPv6 table
     * (apart from the samples too: swaps in a bucket update it, and the next sample to take
     * and its owner are prefetched from it). */
    uint32_t *sample_owner;
    uint32_t *free_samples;
    uint32_t nfree, clock;
    struct port_tab pm, ph; /* minute, hour */
    struct baseline *base;  /* HK_PROTO_IDX * 65536 */
    int64_t base_ms;        /* unix ms of the time base */
    bool started;
    int64_t cur_min, cur_hour; /* absolute minute / hour numbers of the open intervals */
    int64_t min_end_ms;        /* unix ms at which the open minute ends */
    uint32_t min_start_rel;    /* its start in ms since the time base (0 before it) */
    int64_t first_min;
    uint64_t minutes_closed;
    int64_t now_ms;
    uint32_t now_rel;
    /* LAN */
    uint64_t *contacted; /* direct-mapped set of src << 32 | dst */
    struct pend *pending;
    struct pend *ring;
    uint32_t ring_head, ring_tail;
    /* monitored space (IPv4 part precomputed) */
    uint32_t mon_net[HK_SENSOR_MAX_MONITOR], mon_mask[HK_SENSOR_MAX_MONITOR];
    int nmon4;
    double mon_size;
    struct cls_space space;
    /* plots */
    struct trace tr[HK_SENSOR_MAX_PLOT];
    struct series_pt *series;
    size_t nseries, capseries;
    /* Flood victims seen (destination, port): one-packet spoofed sources aimed at them are
     * labelled flood rather than misc. */
    struct victim {
        uint32_t dst;
        uint16_t port;
        uint8_t proto, used;
    } victims[16];
    uint32_t nvictims;
    struct hk_sensor_stats st;
    bool finished;
};

/* ---- sketches ---- */

static inline uint32_t hk_mix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t hk_hash_v6(const uint8_t a[16]);
/* Adds hash h to a 32-register, 4-bit HyperLogLog. */
static inline void hll16_add(uint8_t *r, uint32_t h)
{
    uint32_t idx = h >> 27;
    uint32_t w = (h << 5) | 0x10u;
    uint8_t rank = (uint8_t)(__builtin_clz(w) + 1);
    uint8_t *b = r + (idx >> 1);
    uint8_t sh = (uint8_t)((idx & 1) * 4);
    uint8_t cur = (uint8_t)((*b >> sh) & 15);

    if (rank > 15)
        rank = 15;
    if (rank > cur)
        *b = (uint8_t)((*b & ~(15 << sh)) | (rank << sh));
}
double hk_hll16_est(const uint8_t *r);

static inline void hll128_add(uint8_t *r, uint32_t h)
{
    uint32_t idx = h >> 25;
    uint32_t w = (h << 7) | 0x40u;
    uint8_t rank = (uint8_t)(__builtin_clz(w) + 1);

    if (rank > r[idx])
        r[idx] = rank;
}
double hk_hll128_est(const uint8_t *r);
/* Estimate of an m-register, one-byte-per-register HyperLogLog (m a power of two >= 16). */
double hk_hll_est(const uint8_t *r, int m);
/* Adds hash h to an m = 2^bits register HyperLogLog. */
static inline void hll_add(uint8_t *r, int bits, uint32_t h)
{
    uint32_t idx = h >> (32 - bits);
    uint32_t w = (h << bits) | (1u << (bits - 1));
    uint8_t rank = (uint8_t)(__builtin_clz(w) + 1);

    if (rank > r[idx])
        r[idx] = rank;
}
/* Linear counting over a 32-bit bitmap. */
double hk_lc32_est(uint32_t bits);

/* ---- classification (classify.c) ---- */

struct cls_out {
    enum hk_strat st;
    double conf;
    uint32_t needs;
    double sweep24; /* < 0 unknown */
};
/* Classifies a scan from its first n distinct destinations, their times and totals; sp is
 * the monitored space of a darknet (NULL: the source's whole traffic is visible). */
void hk_classify(const uint32_t *d, const struct cls_times *tm, int n, uint32_t src,
                 uint32_t probes, uint32_t targets, uint32_t nports, const struct cls_space *sp,
                 struct cls_out *out);
/* Log-likelihood ratio of local preference against uniform scanning of the monitored space
 * (the larger of the /8 and /16 contrasts; 0 when the space has no contrast for src). */
double hk_locality_llr(const uint32_t *d, int n, uint32_t src, const struct cls_space *sp);
/* The kind of a source from its totals; trw > 0 for a source the threshold random walk
 * flagged, < 0 for one whose first contacts mostly succeeded (LAN), 0 otherwise; halfopen
 * when every packet it sent was a TCP SYN (or RST): it never completed a handshake. */
enum hk_kind hk_kind_of(uint32_t probes, uint32_t resp, uint32_t targets, uint32_t nports,
                        double rate, int trw, bool halfopen, double *conf);

/* ---- engine internals shared with output.c and svg.c ---- */

void hk_sensor_profile_of(struct hk_sensor *s, struct srctab *t, uint32_t i, struct hk_profile *p);
void hk_fmt_time_ms(int64_t ms, char out[40]);
/* True when a source with few destinations aims at a known flood victim (dst0, first port). */
bool hk_flood_source(const struct hk_sensor *s, const struct src_ent *e);

/* Below --min-probes nothing is written for a source: only its kind is counted, and with
 * fewer than three probes it can only be backscatter, a walk-flagged scan, a flood's
 * (spoofed) source or misc (hk_kind_of, hk_sensor_profile_of). True when e is such a source
 * (counted). Inline: most sources a large darknet evicts are. */
static inline bool hk_count_only(struct hk_sensor *s, const struct src_ent *e)
{
    if (e->probes >= s->o.min_probes || e->probes >= 3)
        return false;
    s->st.by_kind[e->resp * 2 >= e->probes               ? HK_KIND_BACKSCATTER
                  : (e->flags & F_TRW_SCAN)              ? HK_KIND_SCAN
                  : s->nvictims && hk_flood_source(s, e) ? HK_KIND_FLOOD
                                                         : HK_KIND_MISC]++;
    return true;
}

#endif
