/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the sensor's source table and sketches behind its speed work: the table
 * grows in bucket pairs (a source whose home bucket is full lives in the other bucket of the
 * pair) and every source stays findable through growth, without the table growing far
 * beyond its load; a strategy sample taken away from an idle scanner leaves the entry's own
 * destination sketch exactly as if the entry had counted every destination itself (the
 * entry skips its sketch while the sample counts, and the sample is folded back); the
 * per-port tables are reused minute after minute.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "sensor/sensor_int.h"
#include "sensor_test.h"

static void syn(struct hk_pkt *p, int64_t ts_ns, uint32_t src, uint32_t dst, uint16_t dport)
{
    memset(p, 0, sizeof(*p));
    p->ts_ns = ts_ns;
    p->src = src;
    p->dst = dst;
    p->sport = 40000;
    p->dport = dport;
    p->proto = 6;
    p->flags = HK_TH_SYN;
    p->seq = 12345;
    p->ipid = 7;
}

static struct hk_sensor *mk(uint32_t max_sources, uint32_t max_samples)
{
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;

    hk_sensor_opts_defaults(&o);
    o.max_sources = max_sources;
    o.max_samples = max_samples;
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    return s;
}

/* 30,000 sources of three probes each, interleaved: all tracked, none evicted, each found
 * with its own counts, and the table at most twelve entries per source. */
static void test_growth_keeps_every_source(void **state)
{
    enum { NS = 30000 };
    struct hk_sensor *s = mk(1u << 20, 1024);
    struct hk_sensor_stats st;
    struct hk_pkt b[64];
    size_t n = 0;
    int64_t t = (int64_t)(ST_T0 * 1e9);

    (void)state;
    for (int r = 0; r < 3; r++) {
        for (uint32_t i = 0; i < NS; i++) {
            uint32_t src = hk_mix32(i * 2654435761u + 1) | 1u; /* spread, never 0 */
            syn(&b[n++], t, src, st_ip(198, 18, (uint8_t)r, (uint8_t)i), 445);
            t += 1000;
            if (n == 64) {
                hk_sensor_batch(s, b, n);
                n = 0;
            }
        }
    }
    if (n)
        hk_sensor_batch(s, b, n);
    hk_sensor_get_stats(s, &st);
    assert_int_equal(st.sources_now, NS);
    assert_int_equal(st.evicted, 0);
    /* Growing on the first full bucket gave about 26 entries per source (a 4-way bucket
     * fills long before the load is high); growing on a full pair gives about 9. */
    assert_true(st.table_entries <= 12u * NS);
    for (uint32_t i = 0; i < NS; i++) {
        uint32_t src = hk_mix32(i * 2654435761u + 1) | 1u;
        struct hk_addr a = st_addr(src);
        struct hk_profile p;
        assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
        assert_int_equal(p.probes, 3);
        /* Exact with a sample; without one (1,024 in the pool) a 32-register sketch. */
        assert_true(p.targets >= 2 && p.targets <= 3);
    }
    hk_sensor_free(s);
}

/* The 32-register sketch the entry would hold had it counted every destination. */
static void ref_hll16(const uint32_t *d, int n, uint8_t r[16])
{
    memset(r, 0, 16);
    for (int i = 0; i < n; i++)
        hll16_add(r, hk_mix32(d[i] * 0x9e3779b1u));
}

/* A scanner reaches 300 destinations (its sample is final, a sketch), goes idle for two
 * minutes, and loses its sample to a newcomer (one sample in the pool): its targets then come
 * from its entry's sketch, which must equal the reference exactly. */
static void test_stolen_sample_folds_exactly(void **state)
{
    enum { ND = 300 };
    struct hk_sensor *s = mk(1024, 1);
    struct hk_sensor_stats st;
    struct hk_pkt b[ND];
    uint32_t d[ND];
    uint8_t r[16];
    uint32_t scanner = st_ip(203, 0, 113, 9), other = st_ip(203, 0, 113, 77);
    struct hk_addr a = st_addr(scanner);
    struct hk_profile p;
    int64_t t = (int64_t)(ST_T0 * 1e9);
    uint32_t want;

    (void)state;
    for (int i = 0; i < ND; i++) {
        d[i] = hk_mix32((uint32_t)i + 77); /* random destinations */
        syn(&b[i], t, scanner, d[i], 23);
        t += 10000000; /* 10 ms */
    }
    hk_sensor_batch(s, b, ND);
    t += 120ll * 1000000000;
    for (int i = 0; i < 3; i++) {
        syn(&b[i], t, other, st_ip(198, 18, 0, (uint8_t)(i + 1)), 23);
        t += 1000000;
    }
    hk_sensor_batch(s, b, 3);
    hk_sensor_get_stats(s, &st);
    assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
    ref_hll16(d, ND, r);
    want = (uint32_t)(hk_hll16_est(r) + 0.5);
    if (want > ND)
        want = ND;
    assert_int_equal(p.probes, ND);
    assert_int_equal(p.targets, want);
    assert_int_equal(p.kind, HK_KIND_SCAN);
    assert_int_equal(p.strategy, HK_STRAT_RANDOM);
    /* The newcomer got the sample: it has three exact destinations. */
    a = st_addr(other);
    assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
    assert_int_equal(p.targets, 3);
    hk_sensor_free(s);
}

/* Three minutes on port 8080 with different loads: each minute's interval counts only its
 * own packets and sources (the direct port index is cleared with the slots). */
static void test_port_tables_reused(void **state)
{
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;
    struct hk_pkt b[2];
    int64_t t0 = (int64_t)(ST_T0 * 1e9);
    const int per[3] = {10, 40, 5};
    char line[512];
    int got = 0;
    FILE *f = tmpfile();

    (void)state;
    assert_non_null(f);
    hk_sensor_opts_defaults(&o);
    o.max_sources = 4096;
    o.out = f;
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    for (int m = 0; m < 3; m++) {
        for (int i = 0; i < per[m]; i++) {
            int64_t t = t0 + (int64_t)m * 60000000000ll + (int64_t)i * 1000000;
            syn(&b[0], t, st_ip(10, 0, (unsigned)m, (unsigned)i + 1), st_ip(198, 18, 0, 1), 8080);
            syn(&b[1], t + 1, st_ip(10, 0, (unsigned)m, (unsigned)i + 1), st_ip(198, 18, 0, 2), 22);
            hk_sensor_batch(s, b, 2);
        }
    }
    hk_sensor_finish(s);
    rewind(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned long long pk = 0;
        unsigned src = 0;
        const char *q = strstr(line, "\"packets\":");
        if (!strstr(line, "\"type\":\"port-interval\"") || !strstr(line, "\"interval_s\":60,") ||
            !strstr(line, "\"port\":8080,"))
            continue;
        assert_true(got < 3);
        assert_non_null(q);
        assert_int_equal(sscanf(q, "\"packets\":%llu,\"sources\":%u,", &pk, &src), 2);
        if (pk != (unsigned long long)per[got] || src + 1 < (unsigned)per[got] ||
            src > (unsigned)per[got] + 1)
            fprintf(stderr, "minute %d: %s", got, line);
        /* Packets exactly; sources are a sketch's estimate (1,024 registers). */
        assert_int_equal(pk, per[got]);
        assert_true(src + 1 >= (unsigned)per[got] && src <= (unsigned)per[got] + 1);
        got++;
    }
    assert_int_equal(got, 3);
    hk_sensor_free(s);
    (void)fclose(f);
}

/* Four sources filling one bucket in turn, then the last of them busy: it moves to the
 * front of its bucket, where the lookup looks first; every source keeps its own counts and
 * the busy one's strategy sample follows it (its owner is its new place). Fails without
 * the reordering in one(). */
static void test_busy_source_moves_front(void **state)
{
    struct hk_sensor *s = mk(1024, 64);
    struct hk_pkt b[1];
    uint32_t src[5], n = 0, home = UINT32_MAX;
    int64_t t = (int64_t)(ST_T0 * 1e9);
    struct hk_profile p;
    const struct src_ent *e;

    (void)state;
    /* Five addresses with the same home bucket (the table does not grow below its cap of
     * 240 buckets). */
    for (uint32_t x = 1; n < 5; x++) {
        uint32_t a = st_ip(10, 1, 0, 0) + x;
        uint32_t hb = (uint32_t)(((uint64_t)hk_mix32(a) * s->t4.nb) >> 32);
        if (home == UINT32_MAX)
            home = hb;
        if (hb == home)
            src[n++] = a;
    }
    for (int i = 0; i < 5; i++) {
        syn(&b[0], t, src[i], st_ip(198, 18, 0, 1), 23);
        hk_sensor_batch(s, b, 1);
        t += 1000000;
    }
    e = &s->t4.e[home * HK_WAYS];
    assert_int_equal(e[0].key, src[0]);
    assert_int_equal(e[3].key, src[3]);
    for (int i = 0; i < 20; i++) { /* src[3]: 20 more probes, to 20 other hosts */
        syn(&b[0], t, src[3], st_ip(198, 18, 1, (unsigned)i + 1), 23);
        hk_sensor_batch(s, b, 1);
        t += 1000000;
    }
    assert_int_equal(e[0].key, src[3]);
    assert_int_equal(e[0].probes, 21);
    assert_true(e[0].sample != 0);
    assert_int_equal(s->sample_owner[e[0].sample - 1], home * HK_WAYS);
    for (int i = 0; i < 5; i++) {
        struct hk_addr a = st_addr(src[i]);
        assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
        assert_int_equal(p.probes, i == 3 ? 21 : 1);
        if (i == 3)
            assert_int_equal(p.targets, 21);
    }
    hk_sensor_free(s);
}

/* The HyperLogLog estimators sum 2^-rank in fixed point: the same estimate as the
 * floating-point sum on random registers (all sizes the sensor uses). */
static double ref_est(const uint8_t *r, int m)
{
    double sum = 0, e;
    int zeros = 0;

    for (int i = 0; i < m; i++) {
        sum += ldexp(1.0, -r[i]);
        zeros += r[i] == 0;
    }
    e = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    if (e <= 2.5 * m && zeros)
        e = m * log((double)m / zeros);
    return e;
}

static void test_hll_fixed_point(void **state)
{
    static const int sizes[] = {128, 256, 1024};
    uint8_t r[1024], r16[16], w[32];
    uint32_t x = 12345;

    (void)state;
    for (int round = 0; round < 2000; round++) {
        int m = sizes[round % 3];
        int fill = round % 40; /* from nearly empty (linear counting) to saturated */
        for (int i = 0; i < m; i++) {
            x = hk_mix32(x + 0x9e3779b9u);
            r[i] = (uint8_t)((int)(x % 40) < fill ? 1 + (x >> 8) % 33 : 0);
        }
        double a = hk_hll_est(r, m), b = ref_est(r, m);
        assert_true(fabs(a - b) <= 1e-9 * b);
        for (int i = 0; i < 32; i++) {
            x = hk_mix32(x + 1);
            w[i] = (uint8_t)((int)(x % 40) < fill ? 1 + (x >> 8) % 15 : 0);
        }
        for (int i = 0; i < 16; i++)
            r16[i] = (uint8_t)(w[2 * i] | (w[2 * i + 1] << 4));
        {
            double sum = 0, e;
            int zeros = 0;
            for (int i = 0; i < 32; i++) {
                sum += ldexp(1.0, -w[i]);
                zeros += w[i] == 0;
            }
            e = 0.697 * 32 * 32 / sum;
            if (e <= 2.5 * 32 && zeros)
                e = 32 * log(32.0 / zeros);
            assert_true(fabs(hk_hll16_est(r16) - e) <= 1e-9 * e);
        }
    }
}

/* Linear counting over 32 bits reads its logarithms from a table: the same values as the
 * formula for every number of zero bits. */
static void test_lc32_table(void **state)
{
    (void)state;
    for (int zeros = 1; zeros <= 32; zeros++) {
        uint32_t bits = zeros == 32 ? 0 : 0xffffffffu >> zeros;
        assert_true(hk_lc32_est(bits) == 32 * log(32.0 / zeros));
    }
    assert_true(hk_lc32_est(0xffffffffu) == 32 * log(32.0));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* 3,000 sources on one port in one minute, some of them repeating: the port keeps exactly
 * the HK_PORT_SAMPLE smallest source hashes (bottom-k), once each, with their addresses,
 * and knows the largest of them and its slot. */
static void test_port_bottom_k(void **state)
{
    enum { NS = 3000 };
    struct hk_sensor *s = mk(1u << 16, 64);
    struct hk_pkt b[1];
    uint32_t h[NS], kept[HK_PORT_SAMPLE];
    int64_t t = (int64_t)(ST_T0 * 1e9);
    const struct port_slot *sl;
    uint32_t ix;

    (void)state;
    for (int i = 0; i < NS; i++) {
        uint32_t a = hk_mix32((uint32_t)i * 7919u + 3u) | 1u;
        h[i] = hk_mix32(a);
        for (int k = 0; k < 1 + (i % 3 == 0); k++) { /* a third of them twice */
            /* Two ports each, so the "already counted this minute" shortcut does not
             * apply: every packet reaches the sample. */
            syn(&b[0], t, a, st_ip(198, 18, 0, 1), k ? 23 : 2323);
            hk_sensor_batch(s, b, 1);
            syn(&b[0], t + 1, a, st_ip(198, 18, 0, 2), 23);
            hk_sensor_batch(s, b, 1);
            t += 10000; /* 10 us: 3,000 sources well inside one minute */
        }
    }
    ix = s->pm.dix[(0u << 16) | 23u];
    assert_true(ix != 0);
    sl = &s->pm.s[ix - 1];
    assert_int_equal(sl->nsamp, HK_PORT_SAMPLE);
    qsort(h, NS, sizeof(h[0]), cmp_u32);
    memcpy(kept, sl->samp_h, sizeof(kept));
    qsort(kept, HK_PORT_SAMPLE, sizeof(kept[0]), cmp_u32);
    for (int i = 0; i < HK_PORT_SAMPLE; i++) {
        assert_int_equal(kept[i], h[i]);
        assert_int_equal(hk_mix32(sl->samp_src[i]), sl->samp_h[i]);
    }
    assert_int_equal(sl->maxh, h[HK_PORT_SAMPLE - 1]);
    assert_int_equal(sl->samp_h[sl->imax], sl->maxh);
    hk_sensor_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_keeps_every_source),
        cmocka_unit_test(test_stolen_sample_folds_exactly),
        cmocka_unit_test(test_port_tables_reused),
        cmocka_unit_test(test_busy_source_moves_front),
        cmocka_unit_test(test_hll_fixed_point),
        cmocka_unit_test(test_lc32_table),
        cmocka_unit_test(test_port_bottom_k),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
