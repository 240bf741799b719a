/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the sensor's unit tests: runs synthetic sources (bench/gen_scan.h) through
 * the real decoder and engine, optionally stopping at a capture time, and looks profiles up
 * by address. Include after cmocka.h.
 */
#ifndef HIKESHI_SENSOR_TEST_H
#define HIKESHI_SENSOR_TEST_H

#include <stdlib.h>
#include <string.h>

#include "../../../bench/gen_scan.h"
#include "hikeshi/sensor.h"

#define ST_T0 1767225600.0 /* 2026-01-01T00:00:00Z */

static inline uint32_t st_ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

static inline struct hk_addr st_addr(uint32_t a)
{
    struct hk_addr x;

    memset(&x, 0, sizeof(x));
    x.a[0] = (uint8_t)(a >> 24);
    x.a[1] = (uint8_t)(a >> 16);
    x.a[2] = (uint8_t)(a >> 8);
    x.a[3] = (uint8_t)a;
    return x;
}

/* Feeds events (sorted here) with t_ns below until_ns (0: all) through frames and the
 * decoder into s, in batches of 64. */
static inline void st_feed(struct hk_sensor *s, struct gen_evs *e, int64_t until_ns)
{
    struct hk_pkt b[64];
    uint8_t f[64];
    size_t n = 0;

    gen_sort(e);
    for (size_t i = 0; i < e->n; i++) {
        uint32_t len;
        if (until_ns && e->v[i].t_ns >= until_ns)
            break;
        len = gen_frame(&e->v[i], f);
        assert_int_equal(hk_sensor_decode(HK_DLT_EN10MB, f, len, e->v[i].t_ns, &b[n]), HK_DEC_OK);
        if (++n == 64) {
            hk_sensor_batch(s, b, n);
            n = 0;
        }
    }
    if (n)
        hk_sensor_batch(s, b, n);
}

static inline struct hk_sensor *st_new(bool lan)
{
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;

    hk_sensor_opts_defaults(&o);
    o.lan = lan;
    o.max_sources = 1u << 16;
    o.max_samples = 1024;
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    return s;
}

/* Runs one generated source alone up to until_s seconds after its start (0: all). */
static inline void st_run_one(const struct gen_src *g, double until_s, struct hk_profile *p)
{
    struct hk_sensor *s = st_new(false);
    struct gen_evs e = {NULL, 0, 0};
    struct hk_addr a = st_addr(g->src);

    gen_source(&e, g, 5);
    st_feed(s, &e, until_s > 0 ? (int64_t)((g->start_s + until_s) * 1e9) : 0);
    assert_int_equal(hk_sensor_lookup(s, &a, p), HK_OK);
    free(e.v);
    hk_sensor_free(s);
}

#endif
