/* SPDX-License-Identifier: MIT */
/*
 * The propagation engine: a discrete-event simulation over one event heap.
 *
 *  - Sequential scanners (sequential, slow-sequential, the local sweep of hybrid, targeted)
 *    are exact per probe: each scanner jumps from one interesting address to the next (a
 *    vulnerable or live host, or an address a sensor sees), so a sweep of 2^32 costs what
 *    happens in it, not its length; an exploit holds the scanner for exploit_time.
 *  - Random scanners (random, local-preference, the random part of hybrid) are aggregated
 *    per step: the number of probes that hit vulnerable hosts, or land in a sensor's prefix,
 *    is drawn from the Poisson distribution with the exact mean, then each such probe is
 *    made individually (source, destination, time), so sensors see real per-probe traffic.
 *    A bandwidth cap scales the per-host rate once the population saturates the links.
 *  - Sensors: a darknet sees probes to its prefixes; a tap (mirror port) sees probes from
 *    and to them, and the live hosts' answers. Packets are buffered, sorted by time and
 *    written per step, so each capture is in time order.
 * Everything random comes from one seeded generator in a fixed order: same seed, same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hikeshi/core.h"
#include "hikeshi/sim.h"
#include "sim/sim_int.h"

#define SPACE               4294967296.0
#define DEFAULT_MAX_PACKETS 200000000ull

enum { V_SUSCEPTIBLE, V_PENDING, V_INFECTED };
enum { EV_STEP, EV_INFECT, EV_ACTIVATE, EV_SEQ };

struct ev {
    double t;
    uint64_t ord;
    uint32_t id;
    uint8_t kind;
};

struct src {
    uint32_t addr, vidx;
    double infected_at, active_at;
    double clock;       /* sequential: time of the next probe */
    uint64_t pos, end;  /* sequential: next address, end (exclusive) */
    uint64_t base;      /* local sweep: first address */
    double sweep_start; /* local sweep: time of its first probe */
    double sweep24;     /* seconds the first local sweep took, -1 until done */
    uint32_t kidx;      /* targeted: next known host */
    uint32_t known_off; /* targeted: offset in the known pool */
    uint64_t seq_probes5;
    double first_seen;
    uint64_t seen;
    uint32_t seen_by[HK_SIM_MAX_SENSORS];
    bool tapped; /* inside a tap sensor's prefix */
    bool done;
};

struct pkt {
    double ts;
    uint64_t ord;
    uint32_t src, dst, seq, ack;
    uint16_t sport, dport, ipid;
    uint8_t flags;
};

struct cat;

struct pbuf {
    struct pkt *p;
    size_t n, cap;
};

/* A sensor's pending packets: those made by events (in time order but for the answers) and
 * those made by the random steps (sorted by construction); merged when written. */
struct sens {
    struct hk_pcapw *w;
    struct pbuf ev, rn;
    uint64_t count;
    bool full;
};

struct grp {
    uint32_t key; /* /16 key + 1 (0: empty slot) */
    uint32_t n, cap;
    uint32_t *ids;
};

struct eng {
    const struct hk_sim_scenario *sc;
    const struct hk_sim_options *opt;
    struct hk_rng rng;
    uint32_t *vaddr;
    uint8_t *vstate;
    uint32_t V;
    uint32_t *live; /* sorted live addresses (LAN and enterprise) */
    uint32_t nlive;
    uint32_t v8start[257];
    struct src *src;
    uint32_t nsrc;
    uint32_t *active; /* random-capable active sources */
    uint32_t nactive, capactive;
    uint32_t *tapsrc; /* random-capable active sources inside a tap sensor */
    uint32_t ntapsrc;
    struct grp g8[256];
    struct grp *g16;
    uint32_t g16mask;
    uint32_t *g16keys; /* keys of non-empty /16 groups */
    uint32_t ng16;
    uint32_t *known;
    struct ev *heap;
    size_t nheap, capheap;
    uint64_t ord;
    struct sens sens[HK_SIM_MAX_SENSORS];
    struct cat *cats;
    uint32_t ncats, capcats;
    double probes, per_host;
    uint32_t nseq; /* sequential scanners sending now: their probes are integrated over time */
    double tint;   /* time up to which they are counted */
    double next_sample;
    double last_probes;
    struct hk_sim_result *res;
    size_t capcurve;
    uint64_t max_packets;
    double write_s;
    hk_err err;
};

/* ---- heap ---- */

static bool ev_less(const struct ev *a, const struct ev *b)
{
    return a->t < b->t || (a->t == b->t && a->ord < b->ord);
}

static void push(struct eng *e, double t, uint8_t kind, uint32_t id)
{
    struct ev v = {t, e->ord++, id, kind};
    size_t i;

    if (t >= e->sc->duration || e->err)
        return;
    if (e->nheap == e->capheap) {
        size_t nc = e->capheap ? e->capheap * 2 : 1024;
        struct ev *nh = realloc(e->heap, nc * sizeof(*nh));
        if (!nh) {
            e->err = HK_ENOMEM;
            return;
        }
        e->heap = nh, e->capheap = nc;
    }
    i = e->nheap++;
    while (i && ev_less(&v, &e->heap[(i - 1) / 2])) {
        e->heap[i] = e->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    e->heap[i] = v;
}

static struct ev pop(struct eng *e)
{
    struct ev top = e->heap[0], last = e->heap[--e->nheap];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= e->nheap)
            break;
        if (c + 1 < e->nheap && ev_less(&e->heap[c + 1], &e->heap[c]))
            c++;
        if (!ev_less(&e->heap[c], &last))
            break;
        e->heap[i] = e->heap[c];
        i = c;
    }
    if (e->nheap)
        e->heap[i] = last;
    return top;
}

/* ---- helpers ---- */

static uint64_t pfx_size(const struct hk_sim_prefix *p)
{
    return 1ull << (32 - p->len);
}

static bool pfx_has(const struct hk_sim_prefix *p, uint32_t a)
{
    return p->len == 0 || (a >> (32 - p->len)) == (p->addr >> (32 - p->len));
}

static uint32_t lower_bound(const uint32_t *v, uint32_t n, uint64_t key)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_pkt(const void *a, const void *b)
{
    const struct pkt *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    uint32_t nc;
    void *np;

    if (need <= *cap)
        return true;
    nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    if (!(np = realloc(*p, (size_t)nc * elem)))
        return false;
    *p = np, *cap = nc;
    return true;
}

static hk_err grp_add(struct grp *g, uint32_t id)
{
    if (!grow((void **)&g->ids, &g->cap, g->n + 1, sizeof(uint32_t)))
        return HK_ENOMEM;
    g->ids[g->n++] = id;
    return HK_OK;
}

static struct grp *g16_find(struct eng *e, uint32_t key, bool create)
{
    uint32_t h = (key * 2654435761u) & e->g16mask;

    while (e->g16[h].key) {
        if (e->g16[h].key == key + 1)
            return &e->g16[h];
        h = (h + 1) & e->g16mask;
    }
    if (!create)
        return NULL;
    e->g16[h].key = key + 1;
    e->g16keys[e->ng16++] = key;
    return &e->g16[h];
}

/* ---- sensors ---- */

static bool pbuf_reserve(struct pbuf *b, size_t more)
{
    size_t nc;
    struct pkt *np;

    if (b->n + more <= b->cap)
        return true;
    nc = b->cap ? b->cap * 2 : 4096;
    while (nc < b->n + more)
        nc *= 2;
    if (!(np = realloc(b->p, nc * sizeof(*np))))
        return false;
    b->p = np, b->cap = nc;
    return true;
}

/* Buffers one packet for sensor si in b (written in place when b already holds its slot). A
 * probe (sid != UINT32_MAX) carries the scanner's port and sequence number; an answer goes
 * back to that port and acknowledges seq + 1. */
static void emit_to(struct eng *e, int si, struct pbuf *b, double ts, uint32_t s, uint32_t d,
                    uint8_t flags, uint32_t sid, uint16_t sport, uint32_t seq)
{
    struct sens *S = &e->sens[si];
    const struct hk_sim_sensor *cfg = &e->sc->sensors[si];
    struct pkt *p;

    if (cfg->until > 0 && ts >= cfg->until)
        return;
    if (sid != UINT32_MAX) {
        struct src *x = &e->src[sid];
        if (x->first_seen < 0 || ts < x->first_seen)
            x->first_seen = ts;
        x->seen++;
        x->seen_by[si]++;
    }
    if (!S->w)
        return;
    if (S->count + S->ev.n + S->rn.n >= e->max_packets) {
        S->full = true;
        return;
    }
    if (!pbuf_reserve(b, 1)) {
        e->err = HK_ENOMEM;
        return;
    }
    p = &b->p[b->n++];
    p->ts = ts;
    p->ord = e->ord++;
    p->src = s;
    p->dst = d;
    p->flags = flags;
    if (flags & 0x10) { /* an answer: from the probed port back to the scanner's */
        p->sport = e->sc->port;
        p->dport = sport;
        p->ack = seq + 1;
        p->seq = (uint32_t)hk_rng_u64(&e->rng);
    } else {
        p->sport = sport;
        p->dport = e->sc->port;
        p->seq = seq;
        p->ack = 0;
    }
    p->ipid = (uint16_t)hk_rng_u64(&e->rng);
}

static void emit_pkt(struct eng *e, int si, double ts, uint32_t s, uint32_t d, uint8_t flags,
                     uint32_t sid, uint16_t sport, uint32_t seq)
{
    emit_to(e, si, &e->sens[si].ev, ts, s, d, flags, sid, sport, seq);
}


static hk_err write_pkt(struct eng *e, struct sens *S, const struct pkt *p)
{
    bool udp = e->sc->proto == 17;

    return hk_pcapw_ip4(S->w, (double)e->sc->start + p->ts, p->src, p->dst, e->sc->proto, p->sport,
                        p->dport, udp ? 0 : p->flags, p->seq, p->ack, p->ipid, udp ? 376 : 0);
}

/* Writes the buffered packets stamped before t (all of them when t < 0), merging the
 * event-made and step-made packets by time. */
static void flush_before(struct eng *e, double t)
{
    struct timespec a, b;

    (void)clock_gettime(CLOCK_MONOTONIC, &a);
    for (int si = 0; si < e->sc->nsensors && !e->err; si++) {
        struct sens *S = &e->sens[si];
        size_t i = 0, j = 0;
        if (!S->w || (!S->ev.n && !S->rn.n))
            continue;
        for (size_t k = 1; k < S->ev.n; k++) /* answers can break the order: sort then */
            if (cmp_pkt(&S->ev.p[k - 1], &S->ev.p[k]) > 0) {
                qsort(S->ev.p, S->ev.n, sizeof(*S->ev.p), cmp_pkt);
                break;
            }
        for (;;) {
            const struct pkt *p;
            bool ev_ok = i < S->ev.n && (t < 0 || S->ev.p[i].ts < t);
            bool rn_ok = j < S->rn.n && (t < 0 || S->rn.p[j].ts < t);
            if (ev_ok && rn_ok)
                p = cmp_pkt(&S->ev.p[i], &S->rn.p[j]) <= 0 ? &S->ev.p[i++] : &S->rn.p[j++];
            else if (ev_ok)
                p = &S->ev.p[i++];
            else if (rn_ok)
                p = &S->rn.p[j++];
            else
                break;
            if (write_pkt(e, S, p)) {
                e->err = HK_EIO;
                break;
            }
        }
        S->count += i + j;
        if (i && S->ev.n > i)
            memmove(S->ev.p, S->ev.p + i, (S->ev.n - i) * sizeof(*S->ev.p));
        S->ev.n -= i;
        if (j && S->rn.n > j)
            memmove(S->rn.p, S->rn.p + j, (S->rn.n - j) * sizeof(*S->rn.p));
        S->rn.n -= j;
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &b);
    e->write_s += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
}

/* Records a probe from source sid to d at time t in every sensor that sees it. */
static void sensors_probe(struct eng *e, uint32_t sid, uint32_t d, double t, bool live, bool open)
{
    uint32_t s = e->src[sid].addr, seq = (uint32_t)hk_rng_u64(&e->rng);
    uint16_t sport = (uint16_t)(49152 + hk_rng_below(&e->rng, 16384));

    for (int si = 0; si < e->sc->nsensors; si++) {
        const struct hk_sim_sensor *cfg = &e->sc->sensors[si];
        bool in_d = false, in_s = false;
        for (int k = 0; k < cfg->npfx; k++) {
            in_d |= pfx_has(&cfg->pfx[k], d);
            in_s |= cfg->tap && pfx_has(&cfg->pfx[k], s);
        }
        if (!in_d && !in_s)
            continue;
        emit_pkt(e, si, t, s, d, 0x02, sid, sport, seq);
        if (e->sc->proto == 6 && cfg->tap && cfg->replies && live && in_d)
            emit_pkt(e, si, t + 2 * e->sc->link_delay, d, s, open ? 0x12 : 0x14, UINT32_MAX, sport,
                     seq);
    }
}

/* ---- infection ---- */

/* A probe reached vulnerable host vidx. A worm cannot tell an infected host from a clean
 * one before it tries (WannaCry's DoublePulsar check and payload upload run either way), so
 * a sequential scanner spends exploit_time on every vulnerable host it finds. */
static void hit(struct eng *e, uint32_t vidx, double t, bool *exploited)
{
    if (exploited)
        *exploited = true;
    if (e->vstate[vidx] != V_SUSCEPTIBLE)
        return;
    e->vstate[vidx] = V_PENDING;
    push(e, t + e->sc->link_delay + e->sc->exploit_time, EV_INFECT, vidx);
}

static bool random_capable(enum hk_sim_strategy s)
{
    return s == HK_SIM_RANDOM || s == HK_SIM_LOCAL_PREF || s == HK_SIM_HYBRID;
}

static bool in_tap(const struct eng *e, uint32_t a)
{
    for (int si = 0; si < e->sc->nsensors; si++)
        if (e->sc->sensors[si].tap)
            for (int k = 0; k < e->sc->sensors[si].npfx; k++)
                if (pfx_has(&e->sc->sensors[si].pfx[k], a))
                    return true;
    return false;
}

/* The first address >= pos (and < end) a sequential scanner must look at. */
static uint64_t next_interesting(struct eng *e, const struct src *x, uint64_t pos)
{
    uint64_t best = x->end;
    uint32_t i;

    if (pos >= x->end)
        return x->end;
    if (x->tapped)
        return pos;
    i = lower_bound(e->vaddr, e->V, pos);
    if (i < e->V && e->vaddr[i] < best)
        best = e->vaddr[i];
    for (int si = 0; si < e->sc->nsensors; si++) {
        const struct hk_sim_sensor *cfg = &e->sc->sensors[si];
        if (cfg->replies && e->nlive) {
            i = lower_bound(e->live, e->nlive, pos);
            if (i < e->nlive && e->live[i] < best)
                best = e->live[i];
        }
        for (int k = 0; k < cfg->npfx; k++) {
            uint64_t lo = cfg->pfx[k].addr, hi = lo + pfx_size(&cfg->pfx[k]);
            if (pos >= lo && pos < hi)
                return pos;
            if (lo > pos && lo < best)
                best = lo;
        }
    }
    return best;
}

static bool is_live(const struct eng *e, uint32_t a)
{
    uint32_t i = lower_bound(e->live, e->nlive, a);
    return i < e->nlive && e->live[i] == a;
}

/* Schedules the next probe of a sequential scanner, skipping uninteresting addresses. */
static void seq_schedule(struct eng *e, uint32_t sid)
{
    struct src *x = &e->src[sid];
    const struct hk_sim_scenario *sc = e->sc;
    uint64_t a;

    for (;;) {
        a = next_interesting(e, x, x->pos);
        if (a > x->pos) {
            double skipped = (double)(a - x->pos);
            if (x->clock < x->active_at + 300)
                x->seq_probes5 += (uint64_t)skipped;
            x->clock += skipped / sc->scan_rate;
            x->pos = a;
        }
        if (x->pos < x->end)
            break;
        /* The sweep is over. */
        if (x->sweep24 < 0 && sc->strategy != HK_SIM_SEQUENTIAL)
            x->sweep24 = x->clock - x->sweep_start;
        if (sc->sweep_repeat <= 0 || sc->strategy == HK_SIM_SEQUENTIAL) {
            x->done = true;
            /* It stops at x->clock: settle its probes up to then (counted so far up to tint). */
            e->probes +=
                ((x->clock < sc->duration ? x->clock : sc->duration) - e->tint) * sc->scan_rate;
            e->nseq--;
            return;
        }
        x->pos = x->base;
        x->clock += sc->sweep_repeat;
        x->sweep_start = x->clock;
    }
    push(e, x->clock, EV_SEQ, sid);
}

static void seq_probe(struct eng *e, uint32_t sid, double t)
{
    struct src *x = &e->src[sid];
    const struct hk_sim_scenario *sc = e->sc;
    uint32_t d, vi;
    bool vuln, exploited = false;

    if (sc->strategy == HK_SIM_TARGETED)
        d = e->known[x->known_off + x->kidx];
    else
        d = (uint32_t)x->pos;
    vi = lower_bound(e->vaddr, e->V, d);
    vuln = vi < e->V && e->vaddr[vi] == d;
    sensors_probe(e, sid, d, t, vuln || (e->nlive && is_live(e, d)), vuln);
    if (vuln && d != x->addr)
        hit(e, vi, t, &exploited);
    if (exploited && !sc->exploit_async)
        e->probes -= sc->exploit_time * sc->scan_rate; /* held by the exploit: not probing */
    if (t < x->active_at + 300)
        x->seq_probes5++;
    x->clock = t + 1.0 / sc->scan_rate + (exploited && !sc->exploit_async ? sc->exploit_time : 0);
    if (sc->strategy == HK_SIM_TARGETED) {
        x->kidx = (x->kidx + 1) % sc->known_hosts;
        push(e, x->clock, EV_SEQ, sid);
        return;
    }
    x->pos++;
    seq_schedule(e, sid);
}

static void activate(struct eng *e, uint32_t sid, double t)
{
    struct src *x = &e->src[sid];
    const struct hk_sim_scenario *sc = e->sc;
    enum hk_sim_strategy s = sc->strategy;

    x->active_at = t;
    x->clock = t;
    x->tapped = in_tap(e, x->addr);
    if (random_capable(s)) {
        if (!grow((void **)&e->active, &e->capactive, e->nactive + 1, 4)) {
            e->err = HK_ENOMEM;
            return;
        }
        e->active[e->nactive++] = sid;
        if (x->tapped)
            e->tapsrc[e->ntapsrc++] = sid;
        if (s == HK_SIM_LOCAL_PREF) {
            struct grp *g = g16_find(e, x->addr >> 16, true);
            if (grp_add(&e->g8[x->addr >> 24], sid) || grp_add(g, sid))
                e->err = HK_ENOMEM;
        }
    }
    if (s == HK_SIM_RANDOM || s == HK_SIM_LOCAL_PREF)
        return;
    e->nseq++;
    if (s == HK_SIM_TARGETED) {
        push(e, t, EV_SEQ, sid);
        return;
    }
    if (s == HK_SIM_SEQUENTIAL && sc->net == HK_SIM_INTERNET) {
        /* MSBlaster's start rule: near its own address with start_local, else anywhere. */
        uint32_t a = x->addr;
        if (hk_rng_unit(&e->rng) < sc->start_local) {
            uint32_t c = (a >> 8) & 0xff;
            x->pos = (a & 0xffff0000u) | (c > 20 ? c - 20 : c) << 8;
        } else {
            uint32_t a1 = 1 + (uint32_t)hk_rng_below(&e->rng, 254);
            uint32_t b = (uint32_t)hk_rng_below(&e->rng, 254);
            uint32_t c = (uint32_t)hk_rng_below(&e->rng, 254);
            x->pos = a1 << 24 | b << 16 | c << 8;
        }
        x->end = 1ull << 32;
    } else if (s == HK_SIM_SEQUENTIAL) {
        /* On a LAN: its own subnet, from the first address up. */
        for (int i = 0; i < sc->nsubnets; i++)
            if (pfx_has(&sc->subnets[i], x->addr)) {
                x->pos = sc->subnets[i].addr + 1;
                x->end = sc->subnets[i].addr + pfx_size(&sc->subnets[i]) - 1;
            }
    } else {
        /* hybrid and slow-sequential: the local /24, .1 to .254. */
        x->pos = (x->addr & 0xffffff00u) + 1;
        x->end = (x->addr & 0xffffff00u) + 255;
    }
    x->base = x->pos;
    x->sweep_start = x->clock;
    seq_schedule(e, sid);
}

static void infect(struct eng *e, uint32_t vidx, double t)
{
    struct src *x;
    uint32_t sid = e->nsrc++;

    e->vstate[vidx] = V_INFECTED;
    x = &e->src[sid];
    memset(x, 0, sizeof(*x));
    x->addr = e->vaddr[vidx];
    x->vidx = vidx;
    x->infected_at = t;
    x->first_seen = -1;
    x->sweep24 = -1;
    x->sweep_start = -1;
    x->active_at = t + e->sc->startup;
    if (e->sc->strategy == HK_SIM_TARGETED) {
        /* The hosts it already knows: live hosts anywhere in the network. */
        x->known_off = sid * e->sc->known_hosts;
        for (uint32_t k = 0; k < e->sc->known_hosts; k++)
            e->known[x->known_off + k] = e->live[hk_rng_below(&e->rng, e->nlive)];
    }
    if (x->active_at <= t)
        activate(e, sid, t);
    else
        push(e, x->active_at, EV_ACTIVATE, sid);
}

/* ---- random scanning, one step ---- */

/*
 * What sensor si sees of one step's random scanning, probe by probe. Each way a probe can
 * reach the sensor (a prefix hit by anyone's uniform scanning, a /8 or /16 preference of a
 * group of sources, a source inside a tap) is a category with its Poisson mean. The total is
 * drawn once, the times come out sorted (exponential spacings), and each probe picks its
 * category in proportion to the means: the same distribution as independent Poisson draws
 * per category (Poisson splitting), with no sort to pay afterwards.
 */
struct cat {
    double cum;          /* cumulative mean up to and including this category */
    uint64_t lo, sz;     /* destination range (kind 0) */
    const uint32_t *ids; /* kind 0: sources to pick from */
    uint32_t nids;
    uint32_t sid; /* kind 1: the tapped source */
    uint8_t kind; /* 0 uniform destination in [lo, lo+sz), 1 a tapped source's own traffic */
};

static bool add_cat(struct eng *e, double lambda, uint8_t kind, uint64_t lo, uint64_t sz,
                    const uint32_t *ids, uint32_t nids, uint32_t sid)
{
    struct cat *c;

    if (lambda <= 0)
        return true;
    if (!grow((void **)&e->cats, &e->capcats, e->ncats + 1, sizeof(*e->cats))) {
        e->err = HK_ENOMEM;
        return false;
    }
    c = &e->cats[e->ncats++];
    c->cum = (e->ncats > 1 ? e->cats[e->ncats - 2].cum : 0) + lambda;
    c->kind = kind, c->lo = lo, c->sz = sz, c->ids = ids, c->nids = nids, c->sid = sid;
    return true;
}

static void step_sensor(struct eng *e, int si, double t, double dt, double m, double p_any)
{
    const struct hk_sim_scenario *sc = e->sc;
    const struct hk_sim_sensor *cfg = &sc->sensors[si];
    struct sens *S = &e->sens[si];
    double total, acc = 0, scale;
    uint64_t k;
    size_t base;

    if (cfg->until > 0 && t >= cfg->until)
        return;
    e->ncats = 0;
    for (int pk = 0; pk < cfg->npfx; pk++) {
        const struct hk_sim_prefix *P = &cfg->pfx[pk];
        uint64_t sz = pfx_size(P);
        add_cat(e, e->nactive * m * p_any * (double)sz / SPACE, 0, P->addr, sz, e->active,
                e->nactive, 0);
        if (sc->strategy != HK_SIM_LOCAL_PREF)
            continue;
        for (int g = 0; g < 256; g++) {
            uint64_t lo, n;
            if (!e->g8[g].n)
                continue;
            if (P->len >= 8 && (P->addr >> 24) == (uint32_t)g)
                lo = P->addr, n = sz;
            else if (P->len < 8 && pfx_has(P, (uint32_t)g << 24))
                lo = (uint64_t)g << 24, n = 1u << 24;
            else
                continue;
            add_cat(e, e->g8[g].n * m * sc->pref8 * (double)n / 16777216.0, 0, lo, n, e->g8[g].ids,
                    e->g8[g].n, 0);
        }
        for (uint32_t gi = 0; gi < e->ng16; gi++) {
            uint32_t key = e->g16keys[gi];
            struct grp *g = g16_find(e, key, false);
            uint64_t lo, n;
            if (P->len >= 16 && (P->addr >> 16) == key)
                lo = P->addr, n = sz;
            else if (P->len < 16 && pfx_has(P, key << 16))
                lo = (uint64_t)key << 16, n = 65536;
            else
                continue;
            add_cat(e, g->n * m * sc->pref16 * (double)n / 65536.0, 0, lo, n, g->ids, g->n, 0);
        }
    }
    if (cfg->tap) /* a tap sees all the random traffic of the hosts inside it */
        for (uint32_t i = 0; i < e->ntapsrc; i++) {
            uint32_t sid = e->tapsrc[i];
            bool mine = false;
            for (int pk = 0; pk < cfg->npfx; pk++)
                mine |= pfx_has(&cfg->pfx[pk], e->src[sid].addr);
            if (mine)
                add_cat(e, m, 1, 0, 0, NULL, 0, sid);
        }
    if (e->err || !e->ncats)
        return;
    total = e->cats[e->ncats - 1].cum;
    if (!(k = hk_rng_poisson(&e->rng, total)))
        return;
    /* Sorted times: cumulative exponential spacings, scaled to the step. */
    base = S->rn.n;
    if (!pbuf_reserve(&S->rn, k)) {
        e->err = HK_ENOMEM;
        return;
    }
    for (uint64_t i = 0; i < k; i++) {
        acc += hk_rng_exp(&e->rng);
        S->rn.p[base + i].ts = acc;
    }
    acc += hk_rng_exp(&e->rng);
    scale = dt / acc;
    for (uint64_t i = 0; i < k; i++) {
        double ts = t + S->rn.p[base + i].ts * scale, u = hk_rng_unit(&e->rng) * total;
        uint32_t lo = 0, hi = (uint32_t)e->ncats - 1, sid, a, d;
        const struct cat *c;
        while (lo < hi) { /* the first category whose cumulative mean exceeds u */
            uint32_t mid = (lo + hi) / 2;
            if (e->cats[mid].cum > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        c = &e->cats[lo];
        if (c->kind == 0) {
            sid = c->ids[hk_rng_below(&e->rng, c->nids)];
            d = (uint32_t)(c->lo + hk_rng_below(&e->rng, c->sz));
            if (cfg->tap && e->src[sid].tapped && c->ids == e->active)
                continue; /* its traffic is its own category */
        } else {
            double v = hk_rng_unit(&e->rng);
            sid = c->sid;
            a = e->src[sid].addr;
            d = (uint32_t)hk_rng_u64(&e->rng);
            if (sc->strategy == HK_SIM_LOCAL_PREF && v < sc->pref8)
                d = (a & 0xff000000u) | (d & 0x00ffffffu);
            else if (sc->strategy == HK_SIM_LOCAL_PREF && v < sc->pref8 + sc->pref16)
                d = (a & 0xffff0000u) | (d & 0x0000ffffu);
        }
        emit_to(e, si, &S->rn, ts, e->src[sid].addr, d, 0x02, sid,
                (uint16_t)(49152 + hk_rng_below(&e->rng, 16384)), (uint32_t)hk_rng_u64(&e->rng));
    }
}

static void step(struct eng *e, double t)
{
    const struct hk_sim_scenario *sc = e->sc;
    double dt = sc->step, r, attempted, sent, f, m, p_any;

    flush_before(e, t);
    push(e, t + dt, EV_STEP, 0);
    if (!e->nactive)
        return;
    r = sc->strategy == HK_SIM_HYBRID ? sc->random_rate : sc->scan_rate;
    attempted = e->nactive * r;
    sent = attempted;
    f = 1;
    if (sc->bandwidth > 0 && attempted > sc->bandwidth) {
        sent = sc->bandwidth;
        f = sc->bandwidth / attempted * (1 - sc->loss);
    }
    e->probes += sent * dt;
    e->per_host += sent / e->nactive * dt;
    m = r * f * dt; /* delivered probes per host in this step */
    p_any = sc->strategy == HK_SIM_LOCAL_PREF ? 1 - sc->pref8 - sc->pref16 : 1;

    /* Hits on vulnerable hosts anywhere. */
    {
        uint64_t k = hk_rng_poisson(&e->rng, e->nactive * m * p_any * e->V / SPACE);
        for (uint64_t i = 0; i < k; i++) {
            uint32_t vi = (uint32_t)hk_rng_below(&e->rng, e->V);
            hit(e, vi, t + hk_rng_unit(&e->rng) * dt, NULL);
        }
    }
    if (sc->strategy == HK_SIM_LOCAL_PREF) {
        for (int g = 0; g < 256; g++) {
            uint32_t v8 = e->v8start[g + 1] - e->v8start[g];
            uint64_t k;
            if (!e->g8[g].n || !v8)
                continue;
            k = hk_rng_poisson(&e->rng, e->g8[g].n * m * sc->pref8 * v8 / 16777216.0);
            for (uint64_t i = 0; i < k; i++)
                hit(e, e->v8start[g] + (uint32_t)hk_rng_below(&e->rng, v8),
                    t + hk_rng_unit(&e->rng) * dt, NULL);
        }
        for (uint32_t gi = 0; gi < e->ng16; gi++) {
            uint32_t key = e->g16keys[gi];
            struct grp *g = g16_find(e, key, false);
            uint32_t lo = lower_bound(e->vaddr, e->V, (uint64_t)key << 16);
            uint32_t hi = lower_bound(e->vaddr, e->V, ((uint64_t)key + 1) << 16);
            uint64_t k;
            if (hi == lo)
                continue;
            k = hk_rng_poisson(&e->rng, g->n * m * sc->pref16 * (hi - lo) / 65536.0);
            for (uint64_t i = 0; i < k; i++)
                hit(e, lo + (uint32_t)hk_rng_below(&e->rng, hi - lo), t + hk_rng_unit(&e->rng) * dt,
                    NULL);
        }
    }

    for (int si = 0; si < sc->nsensors && !e->err; si++)
        step_sensor(e, si, t, dt, m, p_any);
}

/* ---- set-up ---- */

static bool in_darknet(const struct hk_sim_scenario *sc, uint32_t a)
{
    for (int si = 0; si < sc->nsensors; si++)
        if (!sc->sensors[si].tap)
            for (int k = 0; k < sc->sensors[si].npfx; k++)
                if (pfx_has(&sc->sensors[si].pfx[k], a))
                    return true;
    return false;
}

static bool unicast(uint32_t a)
{
    uint32_t o = a >> 24;
    return o != 0 && o != 10 && o != 127 && o < 224;
}

static hk_err place_hosts(struct eng *e)
{
    const struct hk_sim_scenario *sc = e->sc;
    uint32_t V = sc->vulnerable;

    e->V = V;
    if (!(e->vaddr = malloc((size_t)V * 4)) || !(e->vstate = calloc(V, 1)))
        return HK_ENOMEM;
    if (sc->net != HK_SIM_INTERNET) {
        uint32_t n = 0;
        e->nlive = sc->hosts * (uint32_t)sc->nsubnets;
        if (!(e->live = malloc((size_t)e->nlive * 4)))
            return HK_ENOMEM;
        for (int i = 0; i < sc->nsubnets; i++) {
            uint32_t usable = (uint32_t)pfx_size(&sc->subnets[i]) - 2, *off;
            if (!(off = malloc((size_t)usable * 4)))
                return HK_ENOMEM;
            for (uint32_t k = 0; k < usable; k++)
                off[k] = k + 1;
            for (uint32_t k = 0; k < sc->hosts; k++) { /* partial Fisher-Yates */
                uint32_t j = k + (uint32_t)hk_rng_below(&e->rng, usable - k), tmp = off[k];
                off[k] = off[j], off[j] = tmp;
                e->live[n++] = sc->subnets[i].addr + off[k];
            }
            free(off);
        }
        /* The vulnerable ones: a random subset of the live hosts. */
        for (uint32_t k = 0; k < V; k++) {
            uint32_t j = k + (uint32_t)hk_rng_below(&e->rng, e->nlive - k), tmp = e->live[k];
            e->live[k] = e->live[j], e->live[j] = tmp;
            e->vaddr[k] = e->live[k];
        }
        qsort(e->live, e->nlive, 4, cmp_u32);
    } else {
        uint32_t n = 0, *cl = NULL;
        if (sc->clusters) {
            if (!(cl = malloc((size_t)sc->clusters * 4)))
                return HK_ENOMEM;
            for (uint32_t k = 0; k < sc->clusters;) {
                uint32_t a = (uint32_t)hk_rng_u64(&e->rng) & 0xffff0000u;
                if (!unicast(a) || in_darknet(sc, a))
                    continue;
                cl[k++] = a;
            }
        }
        while (n < V) {
            while (n < V) {
                uint32_t a = (uint32_t)hk_rng_u64(&e->rng);
                if (cl)
                    a = cl[hk_rng_below(&e->rng, sc->clusters)] | (a & 0xffff);
                if (!unicast(a) || in_darknet(sc, a) || (a & 0xff) == 0 || (a & 0xff) == 255)
                    continue;
                e->vaddr[n++] = a;
            }
            /* Drop duplicates and draw again until there are V distinct addresses. */
            qsort(e->vaddr, n, 4, cmp_u32);
            {
                uint32_t w = 0;
                for (uint32_t k = 0; k < n; k++)
                    if (!w || e->vaddr[k] != e->vaddr[w - 1])
                        e->vaddr[w++] = e->vaddr[k];
                n = w;
            }
        }
        free(cl);
    }
    qsort(e->vaddr, V, 4, cmp_u32);
    for (int g = 0, i = 0; g <= 256; g++) {
        while (i < (int)V && (e->vaddr[i] >> 24) < (uint32_t)g)
            i++;
        e->v8start[g] = (uint32_t)i;
    }
    e->v8start[256] = V;
    return HK_OK;
}

/* Counts the sequential scanners' probes up to time t. */
static void integrate(struct eng *e, double t)
{
    if (t > e->tint) {
        e->probes += e->nseq * e->sc->scan_rate * (t - e->tint);
        e->tint = t;
    }
}

static void sample_to(struct eng *e, double t)
{
    struct hk_sim_result *res = e->res;

    while (e->next_sample <= t + 1e-9 && e->next_sample <= e->sc->duration + 1e-9) {
        struct hk_sim_point *p;
        if (res->ncurve == e->capcurve) {
            size_t nc = e->capcurve ? e->capcurve * 2 : 1024;
            struct hk_sim_point *np = realloc(res->curve, nc * sizeof(*np));
            if (!np) {
                e->err = HK_ENOMEM;
                return;
            }
            res->curve = np, e->capcurve = nc;
        }
        integrate(e, e->next_sample);
        p = &res->curve[res->ncurve++];
        p->t = e->next_sample;
        p->infected = e->nsrc;
        p->probes = e->probes;
        p->per_host = e->per_host;
        p->probe_pps = (e->probes - e->last_probes) / e->sc->sample;
        if (res->ncurve == 1)
            p->probe_pps = 0;
        e->last_probes = e->probes;
        e->next_sample += e->sc->sample;
    }
}

static double at_count(const struct hk_sim_result *res, uint32_t n)
{
    if (n == 0 || n > res->nsources)
        return -1;
    return res->sources[n - 1].infected_at;
}

/* Random probes one active host had sent by time t, interpolated from the sampled curve. */
static double per_host_at(const struct hk_sim_result *res, double t)
{
    size_t lo = 0, hi = res->ncurve; /* the first point at or after t: curve times ascend */
    const struct hk_sim_point *a, *b;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (res->curve[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == res->ncurve)
        return res->ncurve ? res->curve[res->ncurve - 1].per_host : 0;
    if (lo == 0)
        return res->curve[0].per_host;
    a = &res->curve[lo - 1];
    b = &res->curve[lo];
    return a->per_host + (b->per_host - a->per_host) * (t - a->t) / (b->t - a->t);
}

static void summarise(struct eng *e)
{
    struct hk_sim_result *res = e->res;
    uint32_t V = e->V;

    res->vulnerable = V;
    res->t50 = at_count(res, (V + 1) / 2);
    res->t90 = at_count(res, (uint32_t)ceil(0.9 * V));
    res->t100 = at_count(res, V);
    res->doubling = -1;
    {
        /* Early growth: from max(4 x initial, 8) infected to V/20 (when 16x apart). */
        uint32_t n1 = e->sc->initial * 4 > 8 ? e->sc->initial * 4 : 8, n2 = V / 20;
        if (n2 >= 16 * n1 && n2 <= res->nsources) {
            double t1 = at_count(res, n1), t2 = at_count(res, n2);
            if (t2 > t1)
                res->doubling = (t2 - t1) * log(2.0) / log((double)n2 / n1);
        }
    }
    for (size_t i = 1; i < res->ncurve; i++)
        if (res->curve[i].probe_pps > res->peak_pps) {
            res->peak_pps = res->curve[i].probe_pps;
            res->peak_pps_t = res->curve[i].t;
        }
    {
        size_t j = 0;
        for (size_t i = 0; i < res->nsources; i++) {
            while (res->sources[i].infected_at - res->sources[j].infected_at > 60)
                j++;
            if ((double)(i - j + 1) > res->peak_new_per_min)
                res->peak_new_per_min = (double)(i - j + 1);
        }
    }
    res->probes = e->probes;
    for (int si = 0; si < e->sc->nsensors; si++)
        res->sensor_packets[si] = e->sens[si].count;
    for (size_t i = 0; i < res->nsources; i++) {
        struct hk_sim_source *s = &res->sources[i];
        double a = e->src[i].active_at;
        s->probes_5min = e->src[i].seq_probes5;
        if (random_capable(e->sc->strategy) && a + 300 <= e->sc->duration)
            s->probes_5min += (uint64_t)llround(per_host_at(res, a + 300) - per_host_at(res, a));
    }
}

/* Monitored addresses of prefix p inside the /L block of address a. */
static double pfx_overlap(const struct hk_sim_prefix *p, uint32_t a, int L)
{
    uint32_t bm = 0xffffffffu << (32 - L);

    if (p->len >= L)
        return (p->addr & bm) == (a & bm) ? ldexp(1.0, 32 - p->len) : 0;
    return pfx_has(p, a & bm) ? ldexp(1.0, 32 - L) : 0;
}

/* What a sensor can tell of a source's strategy from where it sits: a tap around the
 * source sees all of its traffic; a darknet elsewhere sees only the probes that land in it,
 * so a hybrid worm's local sweep is invisible there and a local preference shows only when
 * the darknet has space both inside and outside the source's /8, or both inside and outside
 * its /16 (one large block holding the source's /16). */
static const char *visible(const struct hk_sim_scenario *sc, int si, uint32_t a)
{
    const struct hk_sim_sensor *cfg = &sc->sensors[si];
    double m8 = 0, m16 = 0, all = 0;

    for (int k = 0; k < cfg->npfx; k++) {
        if (cfg->tap && pfx_has(&cfg->pfx[k], a))
            return hk_sim_strategy_name(sc->strategy);
        m8 += pfx_overlap(&cfg->pfx[k], a, 8);
        m16 += pfx_overlap(&cfg->pfx[k], a, 16);
        all += ldexp(1.0, 32 - cfg->pfx[k].len);
    }
    /* A preference shows only as a contrast: probes dense in the monitored space near the
     * source and sparse in the monitored space far from it. */
    if (sc->strategy == HK_SIM_HYBRID ||
        (sc->strategy == HK_SIM_LOCAL_PREF && !(m8 > 0 && m8 < all) && !(m16 > 0 && m16 < all)))
        return "random";
    return hk_sim_strategy_name(sc->strategy);
}

static hk_err write_truth(struct eng *e, const char *dir)
{
    char path[4096];
    FILE *f;
    const struct hk_sim_scenario *sc = e->sc;

    (void)snprintf(path, sizeof(path), "%s/ground-truth.json", dir);
    if (!(f = fopen(path, "w")))
        return HK_EIO;
    fprintf(f, "{\"scenario\":\"%s\",\"worm\":\"%s\",\"seed\":%llu,\"port\":%u,\"proto\":\"%s\",",
            sc->name, sc->worm, (unsigned long long)(e->opt->seed ? e->opt->seed : sc->seed),
            sc->port, sc->proto == 6 ? "tcp" : "udp");
    fprintf(f, "\"strategy\":\"%s\",\"sensors\":[", hk_sim_strategy_name(sc->strategy));
    for (int si = 0; si < sc->nsensors; si++) {
        const struct hk_sim_sensor *cfg = &sc->sensors[si];
        bool first = true;
        fprintf(f, "%s{\"name\":\"%s\",\"vantage\":\"%s\",\"pcap\":\"sensor-%s.pcap\",",
                si ? "," : "", cfg->name, cfg->tap ? "tap" : "darknet", cfg->name);
        fprintf(f, "\"packets\":%llu,\"truncated\":%s,\"prefixes\":[",
                (unsigned long long)e->sens[si].count, e->sens[si].full ? "true" : "false");
        for (int k = 0; k < cfg->npfx; k++) {
            uint32_t a = cfg->pfx[k].addr;
            fprintf(f, "%s\"%u.%u.%u.%u/%u\"", k ? "," : "", a >> 24, a >> 16 & 255, a >> 8 & 255,
                    a & 255, cfg->pfx[k].len);
        }
        fputs("],\"sources\":[", f);
        for (uint32_t i = 0; i < e->nsrc; i++) {
            const struct src *x = &e->src[i];
            char first_s[32];
            if (!x->seen_by[si])
                continue;
            (void)snprintf(first_s, sizeof(first_s), "%.6f", x->first_seen);
            fprintf(f,
                    "%s\n{\"src\":\"%u.%u.%u.%u\",\"kind\":\"scan\",\"strategy\":\"%s\","
                    "\"visible_strategy\":\"%s\",\"infected_at\":%.6f,\"first_seen\":%s,"
                    "\"probes_seen\":%u}",
                    first ? "" : ",", x->addr >> 24, x->addr >> 16 & 255, x->addr >> 8 & 255,
                    x->addr & 255, hk_sim_strategy_name(sc->strategy), visible(sc, si, x->addr),
                    x->infected_at, first_s, x->seen_by[si]);
            first = false;
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
    return fclose(f) ? HK_EIO : HK_OK;
}

hk_err hk_sim_run(const struct hk_sim_scenario *sc, const struct hk_sim_options *opt,
                  struct hk_sim_result *res, struct hk_errmsg *em)
{
    struct eng e;
    hk_err err;
    struct timespec t0, t1;

    memset(res, 0, sizeof(*res));
    memset(&e, 0, sizeof(e));
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    e.sc = sc;
    e.opt = opt;
    e.res = res;
    e.max_packets = opt->max_packets ? opt->max_packets : DEFAULT_MAX_PACKETS;
    hk_rng_seed(&e.rng, opt->seed ? opt->seed : sc->seed);
    if ((err = place_hosts(&e)))
        goto out;
    e.g16mask = 1;
    while (e.g16mask < 2 * sc->vulnerable)
        e.g16mask <<= 1;
    if (!(e.src = malloc((size_t)sc->vulnerable * sizeof(*e.src))) ||
        !(e.tapsrc = malloc((size_t)sc->vulnerable * 4)) ||
        (sc->strategy == HK_SIM_LOCAL_PREF &&
         (!(e.g16 = calloc(e.g16mask, sizeof(*e.g16))) ||
          !(e.g16keys = malloc((size_t)sc->vulnerable * 4)))) ||
        (sc->strategy == HK_SIM_TARGETED &&
         !(e.known = malloc((size_t)sc->vulnerable * sc->known_hosts * 4)))) {
        err = HK_ENOMEM;
        goto out;
    }
    e.g16mask--;
    if (opt->out_dir && opt->pcap)
        for (int si = 0; si < sc->nsensors; si++) {
            char path[4096];
            (void)snprintf(path, sizeof(path), "%s/sensor-%s.pcap", opt->out_dir,
                           sc->sensors[si].name);
            if ((err = hk_pcapw_open(&e.sens[si].w, path, 128))) {
                err = hk_errf(em, err, "cannot write %s: %s", path, strerror(errno));
                goto out;
            }
        }
    /* Patients zero: infected at t = 0; they too need startup seconds before their first probe. */
    for (uint32_t k = 0; k < sc->initial;) {
        uint32_t vi = (uint32_t)hk_rng_below(&e.rng, e.V);
        if (e.vstate[vi] != V_SUSCEPTIBLE)
            continue;
        infect(&e, vi, 0);
        k++;
    }
    if (random_capable(sc->strategy))
        push(&e, 0, EV_STEP, 0);
    sample_to(&e, 0);
    while (e.nheap && !e.err) {
        struct ev v = pop(&e);
        sample_to(&e, v.t);
        integrate(&e, v.t);
        switch (v.kind) {
        case EV_STEP:
            step(&e, v.t);
            break;
        case EV_INFECT:
            infect(&e, v.id, v.t);
            break;
        case EV_ACTIVATE:
            activate(&e, v.id, v.t);
            break;
        default:
            seq_probe(&e, v.id, v.t);
            break;
        }
        if (v.kind != EV_STEP)
            for (int si = 0; si < sc->nsensors; si++)
                if (e.sens[si].ev.n + e.sens[si].rn.n > (1u << 20)) {
                    flush_before(&e, v.t);
                    break;
                }
    }
    sample_to(&e, sc->duration);
    flush_before(&e, -1);
    if ((err = e.err))
        goto out;
    res->nsources = e.nsrc;
    if (!(res->sources = calloc(e.nsrc ? e.nsrc : 1, sizeof(*res->sources)))) {
        err = HK_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < e.nsrc; i++) {
        res->sources[i].addr = e.src[i].addr;
        res->sources[i].infected_at = e.src[i].infected_at;
        res->sources[i].first_probe = e.src[i].first_seen;
        res->sources[i].seen = e.src[i].seen;
        res->sources[i].sweep24_s = e.src[i].sweep24;
        res->sources[i].sweep24_done = e.src[i].sweep24 >= 0;
    }
    summarise(&e);
    if (opt->out_dir && (err = write_truth(&e, opt->out_dir)))
        err = hk_errf(em, err, "cannot write %s/ground-truth.json", opt->out_dir);
out:
    for (int si = 0; si < HK_SIM_MAX_SENSORS; si++) {
        if (hk_pcapw_close(e.sens[si].w) && !err)
            err =
                hk_errf(em, HK_EIO, "cannot finish the capture of sensor %s", sc->sensors[si].name);
        free(e.sens[si].ev.p);
        free(e.sens[si].rn.p);
    }
    for (int g = 0; g < 256; g++)
        free(e.g8[g].ids);
    if (e.g16)
        for (uint32_t i = 0; i <= e.g16mask; i++)
            free(e.g16[i].ids);
    free(e.g16);
    free(e.g16keys);
    free(e.vaddr);
    free(e.vstate);
    free(e.live);
    free(e.src);
    free(e.active);
    free(e.tapsrc);
    free(e.known);
    free(e.heap);
    free(e.cats);
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    res->write_seconds = e.write_s;
    res->sim_seconds =
        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9 - e.write_s;
    if (err)
        hk_sim_result_free(res);
    return err;
}

void hk_sim_result_free(struct hk_sim_result *res)
{
    free(res->curve);
    free(res->sources);
    res->curve = NULL;
    res->sources = NULL;
    res->ncurve = res->nsources = 0;
}
