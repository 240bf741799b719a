/* SPDX-License-Identifier: MIT */
/*
 * The LAN vantage point: a tap or mirror port sees the answers too, so a scanner can be told
 * from a busy client by how its first contacts fare. This is the threshold random walk of
 * Jung, Paxson, Berger and Balakrishnan ("Fast Portscan Detection Using Sequential
 * Hypothesis Testing", IEEE S&P 2004): each first contact of a source (a request to a host
 * it has not talked to before) succeeds (the host answers: SYN-ACK, a UDP or ICMP reply) or
 * fails (RST, ICMP unreachable, or no answer within the timeout). With theta0 = 0.8 (a
 * benign host's success rate), theta1 = 0.2 (a scanner's), alpha = 0.01 and beta = 0.99,
 * a failure multiplies the likelihood ratio by (1 - theta1) / (1 - theta0) = 4 and a success
 * by theta1 / theta0 = 1/4; the walk declares a scanner at beta / alpha = 99 (four net
 * failures, since 4^3 < 99 <= 4^4) and a benign host at (1 - beta) / (1 - alpha) = 1/99
 * (four net successes, after which the walk restarts). Replies are never first contacts, so
 * the targets of a scan are never walked. IPv4 only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/core.h"
#include "sensor/sensor_int.h"

#define CONTACTED (1u << 20)
#define PENDING   (1u << 16)
#define RING      (1u << 16)

hk_err hk_lan_init(struct hk_sensor *s);
void hk_lan_release(struct hk_sensor *s);
bool hk_lan_packet(struct hk_sensor *s, const struct hk_pkt *p, bool *first_contact);
void hk_lan_expire(struct hk_sensor *s);
struct src_ent *hk_tab_find(struct hk_sensor *s, struct srctab *t, uint32_t key, const uint8_t *a6);

/* The walk's thresholds in steps of log 4 (see above), from the parameters. */
static int steps_up(void)
{
    const double alpha = 0.01, beta = 0.99, th0 = 0.8, th1 = 0.2;
    return (int)ceil(log(beta / alpha) / log((1 - th1) / (1 - th0)) - 1e-9);
}

static int steps_down(void)
{
    const double alpha = 0.01, beta = 0.99, th0 = 0.8, th1 = 0.2;
    return (int)ceil(log((1 - beta) / (1 - alpha)) / log(th1 / th0) - 1e-9);
}

hk_err hk_lan_init(struct hk_sensor *s)
{
    s->contacted = hk_xcalloc(CONTACTED, sizeof(*s->contacted));
    s->pending = hk_xcalloc(PENDING, sizeof(*s->pending));
    s->ring = hk_xcalloc(RING, sizeof(*s->ring));
    return HK_OK;
}

void hk_lan_release(struct hk_sensor *s)
{
    free(s->contacted);
    free(s->pending);
    free(s->ring);
}

static inline uint32_t h64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x;
}

static inline bool contacted(const struct hk_sensor *s, uint64_t pair)
{
    return s->contacted[h64(pair) & (CONTACTED - 1)] == pair;
}

static void outcome(struct hk_sensor *s, uint32_t src, bool fail)
{
    struct src_ent *e = hk_tab_find(s, &s->t4, src, NULL);

    if (!e)
        return;
    e->trw = (int8_t)(e->trw + (fail ? 1 : -1));
    if (e->trw >= steps_up()) {
        e->flags |= F_TRW_SCAN;
        e->trw = 0;
    } else if (e->trw <= -steps_down()) {
        e->flags |= F_TRW_BEN;
        e->trw = 0;
    }
}

/* Resolves the pending first contact pair, if any. */
static void resolve(struct hk_sensor *s, uint64_t pair, bool fail)
{
    struct pend *pd = &s->pending[h64(pair) & (PENDING - 1)];

    if (!pd->live || pd->pair != pair)
        return;
    pd->live = 0;
    outcome(s, (uint32_t)(pair >> 32), fail);
}

void hk_lan_expire(struct hk_sensor *s)
{
    while (s->ring_head != s->ring_tail) {
        struct pend *r = &s->ring[s->ring_head & (RING - 1)];
        struct pend *pd;
        if (r->t_ms + s->o.trw_timeout_ms > s->now_rel)
            break;
        pd = &s->pending[h64(r->pair) & (PENDING - 1)];
        if (pd->live && pd->pair == r->pair && pd->t_ms == r->t_ms) {
            pd->live = 0;
            outcome(s, (uint32_t)(r->pair >> 32), true);
        }
        s->ring_head++;
    }
}

bool hk_lan_packet(struct hk_sensor *s, const struct hk_pkt *p, bool *first_contact)
{
    uint64_t fw = ((uint64_t)p->src << 32) | p->dst;
    uint64_t bw = ((uint64_t)p->dst << 32) | p->src;
    struct pend *pd;

    *first_contact = false;
    if (p->resp) {
        bool fail = (p->proto == 6 && (p->flags & HK_TH_RST)) ||
                    ((p->proto == 1 || p->proto == 58) && p->qdst);
        if (p->qdst) /* an ICMP error about the quoted request */
            resolve(s, ((uint64_t)p->qsrc << 32) | p->qdst, true);
        resolve(s, bw, fail);
        if (contacted(s, fw)) {
            /* The side that began the conversation acknowledges: its handshake completed
             * (a client, not a half-open SYN prober). */
            if (p->proto == 6 && (p->flags & (HK_TH_ACK | HK_TH_SYN | HK_TH_RST)) == HK_TH_ACK) {
                struct src_ent *e = hk_tab_find(s, &s->t4, p->src, NULL);
                if (e)
                    e->tcpmix |= 8;
            }
            return true;
        }
        return contacted(s, bw);
    }
    if (contacted(s, bw)) { /* an answer in a conversation the other side began */
        resolve(s, bw, false);
        return true;
    }
    if (contacted(s, fw))
        return false;
    s->contacted[h64(fw) & (CONTACTED - 1)] = fw;
    *first_contact = true;
    pd = &s->pending[h64(fw) & (PENDING - 1)];
    pd->pair = fw;
    pd->t_ms = s->now_rel;
    pd->live = 1;
    if (s->ring_tail - s->ring_head == RING)
        s->ring_head++; /* the oldest is forgotten: its entry may have been reused */
    s->ring[s->ring_tail & (RING - 1)] = *pd;
    s->ring_tail++;
    return false;
}
