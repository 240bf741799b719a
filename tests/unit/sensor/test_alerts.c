/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the early warning (acceptance 4) on synthetic darknet noise: eight ports with
 * Poisson numbers of one- or two-packet sources per minute and a daily swing of +-50 %.
 * 24 hours of that noise raise no alert; the same noise with a worm outbreak on 445/tcp
 * (infected sources doubling every minute) raises a port-surge alert within two intervals of
 * the outbreak's start, naming outbreak sources. Also: the per-port interval summaries count
 * packets, sources and destinations, and a hybrid (worm-like) source raises one worm-source
 * alert. Packets are built directly as struct hk_pkt (no frames) to keep 24 h fast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "sensor_test.h"

struct counts {
    int surge, worm;
    int64_t first_surge_ms;
    uint16_t first_port;
    int nsrc;
    uint32_t src0;
    int iv60, iv3600;
    struct hk_port_iv last445;
};

static void on_alert(void *u, const struct hk_alert *a)
{
    struct counts *c = u;

    if (a->type == HK_ALERT_WORM_SOURCE) {
        c->worm++;
        return;
    }
    if (!c->surge++) {
        c->first_surge_ms = a->interval_start_ms;
        c->first_port = a->port;
        c->nsrc = a->nsrc;
        c->src0 = a->nsrc ? ((uint32_t)a->srcs[0].a[0] << 24) | ((uint32_t)a->srcs[0].a[1] << 16) |
                                ((uint32_t)a->srcs[0].a[2] << 8) | a->srcs[0].a[3]
                          : 0;
    }
}

static void on_iv(void *u, const struct hk_port_iv *iv)
{
    struct counts *c = u;

    if (iv->interval_s == 60)
        c->iv60++;
    else
        c->iv3600++;
    if (iv->interval_s == 60 && iv->port == 445 && iv->start_ms == 1767225600000 + 5 * 60000)
        c->last445 = *iv;
}

static int poisson(double lam, uint64_t *rng)
{
    double l = exp(-lam), p = 1;
    int k = 0;

    do {
        k++;
        p *= (double)(gen_rand(rng) % 1000000 + 1) / 1000001.0;
    } while (p > l);
    return k - 1;
}

static int cmp_pkt(const void *a, const void *b)
{
    const struct hk_pkt *x = a, *y = b;
    return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

static void syn(struct hk_pkt *p, int64_t ts, uint32_t src, uint32_t dst, uint16_t port)
{
    memset(p, 0, sizeof(*p));
    p->ts_ns = ts;
    p->src = src;
    p->dst = dst;
    p->sport = 40000;
    p->dport = port;
    p->proto = 6;
    p->flags = HK_TH_SYN;
    p->seq = src * 7u;
    p->ipid = (uint16_t)(src * 13u);
}

/* Runs minutes of noise; an outbreak on 445 from outbreak_s (seconds, <0 none). */
static void run(int minutes, double outbreak_s, struct counts *c)
{
    static const uint16_t ports[] = {22, 23, 80, 443, 445, 3389, 8080, 1433};
    static const double lam[] = {30, 40, 10, 8, 20, 12, 5, 3};
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;
    struct hk_pkt *buf = malloc(20000 * sizeof(*buf));
    uint64_t rng = 99;
    uint32_t infected = 0;

    hk_sensor_opts_defaults(&o);
    o.max_sources = 1u << 16;
    o.on_alert = on_alert;
    o.on_interval = on_iv;
    o.user = c;
    memset(c, 0, sizeof(*c));
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    for (int m = 0; m < minutes; m++) {
        int64_t m0 = (int64_t)ST_T0 * 1000000000 + (int64_t)m * 60000000000;
        double day = 1 + 0.5 * sin(2 * M_PI * m / 1440.0);
        size_t n = 0;
        for (int k = 0; k < 8; k++) {
            int ns = poisson(lam[k] * day, &rng);
            for (int j = 0; j < ns; j++) {
                uint32_t src = (uint32_t)gen_rand(&rng) | 0x01000000u;
                int np = 1 + (int)(gen_rand(&rng) & 1);
                for (int q = 0; q < np && n < 20000; q++)
                    syn(&buf[n++], m0 + (int64_t)(gen_rand(&rng) % 60000000000ull), src,
                        st_ip(198, 18, 0, 0) | (uint32_t)(gen_rand(&rng) & 0xffff), ports[k]);
            }
        }
        /* The outbreak: 20 infected hosts at its start, doubling every minute, each probing
         * the darknet every 10 s. */
        if (outbreak_s >= 0 && m * 60.0 + 60 > outbreak_s) {
            for (int sec = 0; sec < 60; sec += 10) {
                double t = m * 60.0 + sec;
                uint32_t want;
                if (t < outbreak_s)
                    continue;
                want = (uint32_t)(20 * pow(2, (t - outbreak_s) / 60.0));
                if (want > 4000)
                    want = 4000;
                infected = want > infected ? want : infected;
                for (uint32_t i = 0; i < infected && n < 20000; i++)
                    syn(&buf[n++], m0 + (int64_t)sec * 1000000000 + i * 1000,
                        st_ip(100, 64, 0, 0) + i,
                        st_ip(198, 18, 0, 0) | (uint32_t)(gen_rand(&rng) & 0xffff), 445);
            }
        }
        qsort(buf, n, sizeof(*buf), cmp_pkt);
        hk_sensor_batch(s, buf, n);
    }
    hk_sensor_finish(s);
    hk_sensor_free(s);
    free(buf);
}

static void test_quiet_day(void **state)
{
    struct counts c;

    (void)state;
    run(1440, -1, &c);
    assert_int_equal(c.surge, 0);
    assert_int_equal(c.worm, 0);
    assert_int_equal(c.iv3600, 24 * 8);
    assert_true(c.iv60 >= 1440 * 7);
}

static void test_outbreak(void **state)
{
    struct counts c;
    const double start = 600 * 60 + 30; /* minute 600, half-way through */
    int64_t start_ms = (int64_t)(ST_T0 * 1000 + start * 1000);

    (void)state;
    run(660, start, &c);
    assert_true(c.surge >= 1);
    assert_int_equal(c.first_port, 445);
    /* Not before the outbreak, and within two intervals of its start. */
    assert_true(c.first_surge_ms + 60000 > start_ms);
    assert_true(c.first_surge_ms < start_ms - 30000 + 2 * 60000);
    assert_true(c.nsrc > 0);
    assert_true(c.src0 >= st_ip(100, 64, 0, 0) && c.src0 < st_ip(100, 64, 16, 0));
}

static void test_interval_counts(void **state)
{
    struct counts c;

    (void)state;
    run(8, -1, &c);
    /* Minute 5 of the noise on 445: about 20 sources, each with 1-2 packets. */
    assert_int_equal(c.last445.port, 445);
    assert_int_equal(c.last445.proto, 6);
    assert_true(c.last445.sources >= 5 && c.last445.sources <= 45);
    assert_true(c.last445.packets >= c.last445.sources);
    assert_true(c.last445.targets >= c.last445.sources * 8 / 10);
}

static void test_worm_source_alert(void **state)
{
    struct gen_src g = {G_HYBRID, G_TOOL_NONE, st_ip(10, 4, 1, 20), ST_T0, 1.0 / 35, 600, 0,
                        0,        445};
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;
    struct gen_evs e = {NULL, 0, 0};
    struct counts c;

    (void)state;
    memset(&c, 0, sizeof(c));
    hk_sensor_opts_defaults(&o);
    o.on_alert = on_alert;
    o.user = &c;
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    gen_source(&e, &g, 1);
    st_feed(s, &e, 0);
    hk_sensor_finish(s);
    assert_int_equal(c.worm, 1); /* once per source */
    free(e.v);
    hk_sensor_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_day),
        cmocka_unit_test(test_outbreak),
        cmocka_unit_test(test_interval_counts),
        cmocka_unit_test(test_worm_source_alert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
