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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_keeps_every_source),
        cmocka_unit_test(test_stolen_sample_folds_exactly),
        cmocka_unit_test(test_port_tables_reused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
