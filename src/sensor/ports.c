/* SPDX-License-Identifier: MIT */
/*
 * Port activity and the early warning. For each (destination port, protocol) and each
 * interval (one minute, one hour) the sensor counts request packets and estimates distinct
 * sources (1,024-register HyperLogLog, +-3.3 %) and destinations (256 registers) - the
 * hour's sketch is the union of its minutes' - and keeps a bottom-k sample of the sources. At the
 * end of each minute every active port's distinct-source count is compared with that port's own
 * baseline, an exponentially weighted moving average and variance (weight lambda): an alert is
 * raised when the count exceeds mean + max(k * sigma, floor), where sigma is at least the noise of
 * the count itself (Poisson plus the sketch's error) and the floor is at least the configured
 * minimum excess and 4.75 times that noise + 7.5 (a tail of about 1e-6 per test, so a quiet day of
 * 1,440 minutes raises nothing on noise alone). Counts enter the baseline clipped at mean + 2 sigma
 * (a robust EWMA). The first minutes are a warm-up. An alert names the sources behind it: the
 * busiest of the port's sampled sources.
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
void hk_emit_alert(struct hk_sensor *s, const struct hk_alert *a);
void hk_emit_port_iv(struct hk_sensor *s, const struct hk_port_iv *iv);

#define MAX_ALERTS_PER_MIN 64

/* Zeroed memory touched sparsely (a slot, a baseline here and there): small pages, so that
 * a used slot costs the kernel one 4 KiB page to clear, not a 2 MiB transparent huge page. */
static void *sparse_alloc(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    (void)madvise(p, n, MADV_NOHUGEPAGE);
    return p;
}

static hk_err ptab_init(struct port_tab *t)
{
    t->s = sparse_alloc(HK_PORT_CAP * sizeof(*t->s));
    if (!t->s)
        return HK_ENOMEM;
    t->dix = sparse_alloc((size_t)HK_PROTO_IDX * 65536 * sizeof(*t->dix));
    if (!t->dix)
        return HK_ENOMEM;
    t->used = hk_xmalloc(HK_PORT_CAP * sizeof(*t->used));
    t->nused = 0;
    return HK_OK;
}

hk_err hk_ports_init(struct hk_sensor *s)
{
    if (ptab_init(&s->pm) || ptab_init(&s->ph))
        return HK_ENOMEM;
    s->base = sparse_alloc((size_t)HK_PROTO_IDX * 65536 * sizeof(*s->base));
    return s->base ? HK_OK : HK_ENOMEM;
}

void hk_ports_release(struct hk_sensor *s)
{
    if (s->pm.s)
        (void)munmap(s->pm.s, HK_PORT_CAP * sizeof(*s->pm.s));
    free(s->pm.used);
    if (s->pm.dix)
        (void)munmap(s->pm.dix, (size_t)HK_PROTO_IDX * 65536 * sizeof(*s->pm.dix));
    if (s->ph.dix)
        (void)munmap(s->ph.dix, (size_t)HK_PROTO_IDX * 65536 * sizeof(*s->ph.dix));
    if (s->ph.s)
        (void)munmap(s->ph.s, HK_PORT_CAP * sizeof(*s->ph.s));
    free(s->ph.used);
    if (s->base)
        (void)munmap(s->base, (size_t)HK_PROTO_IDX * 65536 * sizeof(*s->base));
}

static const char *pname(uint32_t i)
{
    static const char *const n[] = {"tcp", "udp", "icmp", "other"};
    return n[i & 3];
}

static const uint8_t pnum[] = {6, 17, 1, 0};

/* Empties a table (its slots are zeroed for reuse). */
static void ptab_clear(struct port_tab *t)
{
    for (uint32_t k = 0; k < t->nused; k++) {
        struct port_slot *sl = &t->s[t->used[k]];
        t->dix[sl->key - 1] = 0;
        memset(sl, 0, sizeof(*sl));
    }
    t->nused = 0;
}

static void iv_of(const struct port_slot *sl, int64_t start_ms, uint32_t len, struct hk_port_iv *iv)
{
    uint32_t k = sl->key - 1;

    iv->start_ms = start_ms;
    iv->interval_s = len;
    iv->port = (uint16_t)(k & 0xffff);
    iv->proto = pnum[k >> 16];
    iv->packets = sl->packets;
    iv->sources = (uint32_t)(hk_hll_est(sl->hs, 1 << HK_PORT_HLLS_BITS) + 0.5);
    iv->targets = (uint32_t)(hk_hll_est(sl->hd, 1 << HK_PORT_HLLD_BITS) + 0.5);
    if (iv->sources < 1)
        iv->sources = 1;
    if (iv->targets < 1)
        iv->targets = 1;
    if (iv->sources > sl->packets)
        iv->sources = (uint32_t)sl->packets;
    if (iv->targets > sl->packets)
        iv->targets = (uint32_t)sl->packets;
}

/* Brings a baseline up to interval iv (1-based) with zero counts for the missed ones. */
static void decay(struct baseline *b, uint32_t iv, double lam)
{
    uint32_t k;

    if (!b->last_iv || iv <= b->last_iv + 1)
        return;
    k = iv - b->last_iv - 1;
    b->alerting = 0;
    if (k >= 64) {
        b->mean = 0;
        b->var = 0;
        return;
    }
    for (uint32_t j = 0; j < k; j++) {
        double d = -b->mean, inc = lam * d;
        b->mean = (float)(b->mean + inc);
        b->var = (float)((1 - lam) * (b->var + d * inc));
    }
}

/* Evaluates one port's minute; returns true and fills a when it alerts. */
static bool evaluate(struct hk_sensor *s, const struct hk_port_iv *iv, uint32_t key,
                     struct hk_alert *a)
{
    struct baseline *b = &s->base[key];
    uint32_t ivn = (uint32_t)(s->cur_min - s->first_min) + 1;
    bool warm = ivn > s->o.ew_warmup;
    double lam = s->o.ew_lambda, x = iv->sources, sigma, noise, floor_ex, thr, d, inc, xc;
    bool fire = false;

    decay(b, ivn, lam);
    if (!b->last_iv && !warm) {
        b->mean = (float)x;
        b->var = (float)x;
        b->last_iv = ivn;
        return false;
    }
    /* Never below the noise of the count itself: Poisson (mean) plus the sketch's relative
     * error (3.3 % with 1,024 registers), whose variances add. */
    noise = sqrt(b->mean + (0.0325 * b->mean) * (0.0325 * b->mean));
    sigma = sqrt(b->var > 0 ? b->var : 0);
    if (sigma < noise)
        sigma = noise;
    floor_ex = 4.75 * noise + 7.5;
    if (floor_ex < s->o.ew_floor)
        floor_ex = s->o.ew_floor;
    thr = b->mean + (s->o.ew_k * sigma > floor_ex ? s->o.ew_k * sigma : floor_ex);
    if (warm && x > thr && !b->alerting) {
        fire = true;
        memset(a, 0, sizeof(*a));
        a->type = HK_ALERT_PORT_SURGE;
        a->ts_ms = iv->start_ms + 60000;
        a->interval_start_ms = iv->start_ms;
        a->port = iv->port;
        a->proto = iv->proto;
        a->count = iv->sources;
        a->baseline = b->mean;
        a->threshold = thr;
        a->magnitude = x / (b->mean > 1 ? b->mean : 1); /* times the baseline */
    }
    b->alerting = x > thr;
    /* A value enters the baseline only up to mean + 2 sigma, so the first, partial minute
     * of an outbreak does not raise the bar for the next one. */
    xc = x > b->mean + 2 * sigma ? b->mean + 2 * sigma : x;
    d = xc - b->mean;
    inc = lam * d;
    b->mean = (float)(b->mean + inc);
    b->var = (float)((1 - lam) * (b->var + d * inc));
    b->last_iv = ivn;
    return fire;
}

struct src_ent *hk_tab_find(struct hk_sensor *s, struct srctab *t, uint32_t key, const uint8_t *a6);

/* The alert's sources: the port's sampled sources, busiest (most probes) first. */
static void top_sources(struct hk_sensor *s, const struct port_slot *sl, struct hk_alert *a)
{
    uint32_t probes[HK_PORT_SAMPLE];

    a->nsrc = 0;
    for (uint32_t i = 0; i < sl->nsamp; i++) {
        const struct src_ent *e = hk_tab_find(s, &s->t4, sl->samp_src[i], NULL);
        uint32_t pr = e ? e->probes : 0, src = sl->samp_src[i];
        int pos = a->nsrc < HK_ALERT_MAX_SRC ? a->nsrc : HK_ALERT_MAX_SRC - 1;
        if (a->nsrc == HK_ALERT_MAX_SRC && probes[pos] >= pr)
            continue;
        while (pos > 0 && probes[pos - 1] < pr) {
            probes[pos] = probes[pos - 1];
            a->srcs[pos] = a->srcs[pos - 1];
            pos--;
        }
        probes[pos] = pr;
        memset(&a->srcs[pos], 0, sizeof(a->srcs[pos]));
        a->srcs[pos].a[0] = (uint8_t)(src >> 24);
        a->srcs[pos].a[1] = (uint8_t)(src >> 16);
        a->srcs[pos].a[2] = (uint8_t)(src >> 8);
        a->srcs[pos].a[3] = (uint8_t)src;
        if (a->nsrc < HK_ALERT_MAX_SRC)
            a->nsrc++;
    }
}

static void series_add(struct hk_sensor *s, const struct hk_port_iv *iv)
{
    if (s->nseries == s->capseries) {
        if (s->capseries >= (1u << 22))
            return;
        s->capseries = s->capseries ? s->capseries * 2 : 1024;
        s->series = hk_xrealloc(s->series, s->capseries * sizeof(*s->series));
    }
    s->series[s->nseries].minute = (uint32_t)(s->cur_min - s->first_min);
    s->series[s->nseries].port = iv->port;
    s->series[s->nseries].proto = iv->proto;
    s->series[s->nseries].packets = iv->packets > UINT32_MAX ? UINT32_MAX : (uint32_t)iv->packets;
    s->series[s->nseries].sources = iv->sources;
    s->nseries++;
}

static void merge_hour(struct hk_sensor *s, const struct port_slot *m)
{
    struct port_slot *h = slot_get(&s->ph, m->key);

    if (!h)
        return;
    h->packets += m->packets;
    /* Unconditional stores, so that the compiler makes these byte-wise maxima (pmaxub). */
    for (size_t i = 0; i < sizeof(m->hs); i++)
        h->hs[i] = m->hs[i] > h->hs[i] ? m->hs[i] : h->hs[i];
    for (size_t i = 0; i < sizeof(m->hd); i++)
        h->hd[i] = m->hd[i] > h->hd[i] ? m->hd[i] : h->hd[i];
}

static void close_hour(struct hk_sensor *s)
{
    struct port_tab *t = &s->ph;

    for (uint32_t k = 0; k < t->nused; k++) {
        struct port_slot *sl = &t->s[t->used[k]];
        struct hk_port_iv iv;
        iv_of(sl, s->cur_hour * 3600000, 3600, &iv);
        hk_emit_port_iv(s, &iv);
    }
    ptab_clear(t);
}

void hk_ports_close_minute(struct hk_sensor *s, int64_t next_min)
{
    struct port_tab *t = &s->pm;
    struct hk_alert *pa = NULL;
    int na = 0;
    struct hk_port_iv top[HK_SERIES_TOP];
    uint64_t topv[HK_SERIES_TOP];
    int ntop = 0;
    int64_t start_ms = s->cur_min * 60000;

    for (uint32_t k = 0; k < t->nused; k++) {
        struct port_slot *sl = &t->s[t->used[k]];
        struct hk_port_iv iv;
        struct hk_alert a;
        iv_of(sl, start_ms, 60, &iv);
        hk_emit_port_iv(s, &iv);
        /* Many sources and one destination taking 500 packets or more in a minute: a
         * flood's victim (its one-packet, spoofed sources are labelled flood). */
        for (int h = 0; h < 4 && iv.sources >= 50; h++) {
            if (sl->hh_cnt[h] >= 500) {
                struct victim *v = &s->victims[s->nvictims++ % 16];
                v->dst = sl->hh_dst[h];
                v->port = iv.port;
                v->proto = iv.proto;
                v->used = 1;
            }
        }
        if (evaluate(s, &iv, sl->key - 1, &a) && na < MAX_ALERTS_PER_MIN) {
            if (!pa)
                pa = hk_xcalloc(MAX_ALERTS_PER_MIN, sizeof(*pa));
            top_sources(s, sl, &a);
            pa[na++] = a;
        }
        /* The busiest ports of the minute, for the ports-over-time plot. */
        {
            int pos = ntop < HK_SERIES_TOP ? ntop : HK_SERIES_TOP - 1;
            if (ntop < HK_SERIES_TOP || topv[pos] < sl->packets) {
                while (pos > 0 && topv[pos - 1] < sl->packets) {
                    topv[pos] = topv[pos - 1];
                    top[pos] = top[pos - 1];
                    pos--;
                }
                topv[pos] = sl->packets;
                top[pos] = iv;
                if (ntop < HK_SERIES_TOP)
                    ntop++;
            }
        }
    }
    for (int i = 0; i < ntop; i++)
        series_add(s, &top[i]);
    for (int i = 0; i < na; i++)
        hk_emit_alert(s, &pa[i]);
    free(pa);
    for (uint32_t k = 0; k < t->nused; k++) {
        struct port_slot *sl = &t->s[t->used[k]];
        merge_hour(s, sl);
    }
    ptab_clear(t);
    if (next_min / 60 != s->cur_hour) {
        close_hour(s);
        s->cur_hour = next_min / 60;
    }
    s->cur_min = next_min;
}

void hk_ports_finish(struct hk_sensor *s)
{
    hk_ports_close_minute(s, s->cur_min + 1);
    if (s->ph.nused)
        close_hour(s);
}

const char *hk_port_proto_name(uint8_t proto);
const char *hk_port_proto_name(uint8_t proto)
{
    return pname(pidx(proto));
}
