/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the sensor's analysis on synthetic traces (bench/gen_scan.h) through the
 * real decoder and engine: each scan strategy, the labelling times of acceptance 2 (a slow
 * sequential scan at one probe per 3.5 s within 2 minutes, a WannaCry-paced local sweep
 * within 5 s), "undetermined" with the number of probes still needed, the kinds
 * (backscatter, floods and spoofed floods are never scans; port scans), the tool
 * fingerprints, the fixed entry size and eviction at the cap, and the JSON field names.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>

#include "sensor/sensor_int.h"
#include "sensor_test.h"

static void expect_strategy(const struct gen_src *g, double until_s, enum hk_strat want)
{
    struct hk_profile p;

    st_run_one(g, until_s, &p);
    if (p.kind != HK_KIND_SCAN || p.strategy != want)
        fprintf(stderr, "src %08x: kind %s strategy %s (want %s), targets %u conf %.2f\n", g->src,
                hk_kind_name(p.kind), hk_strat_name(p.strategy), hk_strat_name(want), p.targets,
                p.confidence);
    assert_int_equal(p.kind, HK_KIND_SCAN);
    assert_int_equal(p.strategy, want);
    assert_true(p.confidence >= 0.5);
}

static void test_sequential(void **state)
{
    /* MSBlaster / nmap: one range in order, 20 probes/s. */
    struct gen_src g = {
        G_SEQ, G_TOOL_NONE, st_ip(10, 1, 0, 5), ST_T0, 0.05, 300, st_ip(198, 51, 0, 0), 1024, 445};
    struct hk_profile p;

    (void)state;
    expect_strategy(&g, 0, HK_STRAT_SEQUENTIAL);
    st_run_one(&g, 0, &p);
    /* 256 addresses at 20/s: about 12.8 s. */
    assert_true(p.sweep24_s > 10 && p.sweep24_s < 16);
    assert_int_equal(p.targets, 300);
}

static void test_random(void **state)
{
    /* Slammer: uniform over the whole space. */
    struct gen_src g = {G_RANDOM, G_TOOL_NONE, st_ip(10, 2, 0, 7), ST_T0, 0.01,
                        300,      0,           1ull << 32,         1434};
    /* A random scan confined to one /24 (hping3 --rand-dest 127.0.0.x) is random too. */
    struct gen_src h = {
        G_RANDOM, G_TOOL_NONE, st_ip(127, 0, 0, 1), ST_T0, 0.01, 200, st_ip(127, 0, 0, 0), 256, 80};

    (void)state;
    expect_strategy(&g, 0, HK_STRAT_RANDOM);
    expect_strategy(&h, 0, HK_STRAT_RANDOM);
}

static void test_local_preference(void **state)
{
    /* Code Red II: 1/2 same /8, 3/8 same /16, 1/8 anywhere. */
    struct gen_src g = {G_LOCALPREF, G_TOOL_NONE, st_ip(10, 3, 0, 9), ST_T0, 0.02, 300, 0, 0, 80};

    (void)state;
    expect_strategy(&g, 0, HK_STRAT_LOCALPREF);
}

/* A small deterministic generator for the destinations below. */
static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x ^ (*x >> 15);
}

/*
 * Code Red II seen by a darknet: only its probes into the monitored space show, so the
 * preference is a contrast in density. pnear is the share of the source's probes into the
 * monitored space that land in the near block (the monitored part of its /8 or /16).
 */
static enum hk_strat darknet_label(const struct cls_space *sp, uint32_t src, uint32_t near_net,
                                   uint32_t near_size, uint32_t far_net, uint32_t far_size,
                                   double pnear, int n)
{
    uint32_t d[HK_SAMPLE_K], x = src;
    struct cls_times tm = {0, (uint32_t)n * 100, UINT32_MAX, UINT32_MAX};
    struct cls_out o;

    for (int i = 0; i < n; i++) {
        bool near = (lcg(&x) % 1000) < (uint32_t)(pnear * 1000);
        d[i] = near ? near_net + lcg(&x) % near_size : far_net + lcg(&x) % far_size;
    }
    hk_classify(d, &tm, n, src, (uint32_t)n, (uint32_t)n, 1, sp, &o);
    return o.st;
}

static void test_local_preference_darknet(void **state)
{
    /* A telescope of two /16s in different /8s (the coderedii-internet scenario). */
    uint32_t net2[2] = {st_ip(44, 128, 0, 0), st_ip(150, 100, 0, 0)};
    uint32_t mask2[2] = {0xffff0000u, 0xffff0000u};
    struct cls_space two = {2, net2, mask2};
    /* One /8 holding the source's /16: the contrast is its /16 against the rest. */
    uint32_t net1[1] = {st_ip(10, 0, 0, 0)};
    uint32_t mask1[1] = {0xff000000u};
    struct cls_space one = {1, net1, mask1};
    uint32_t near_src = st_ip(44, 7, 1, 2), far_src = st_ip(12, 1, 2, 3);

    (void)state;
    /* Code Red II from 44.7.1.2: 1/2 of its probes in 44/8 (1/256 of them in 44.128/16),
     * 1/8 anywhere: about 1,000 times denser in 44.128/16 than in 150.100/16. */
    assert_int_equal(darknet_label(&two, near_src, net2[0], 65536, net2[1], 65536, 0.999, 64),
                     HK_STRAT_LOCALPREF);
    /* The same density from a source far from both blocks would be uniform: random. */
    assert_int_equal(darknet_label(&two, far_src, net2[0], 65536, net2[1], 65536, 0.5, 64),
                     HK_STRAT_RANDOM);
    /* Uniform scanning from near 44.128/16: the blocks fill equally, so random. */
    assert_int_equal(darknet_label(&two, near_src, net2[0], 65536, net2[1], 65536, 0.5, 64),
                     HK_STRAT_RANDOM);
    /* Few probes: undetermined, with how many more are needed. */
    {
        uint32_t d[4] = {net2[0] + 5, net2[0] + 900, net2[0] + 40000, net2[0] + 7};
        struct cls_times tm = {0, 300, UINT32_MAX, UINT32_MAX};
        struct cls_out o;
        hk_classify(d, &tm, 4, near_src, 4, 4, 1, &two, &o);
        assert_int_equal(o.st, HK_STRAT_UNDETERMINED);
        assert_true(o.needs >= 1);
    }
    /* Monitored 10/8, source 10.3.0.9: 3/8 in its /16 against 1/2 over the /8 puts about
     * 43 % of what the darknet sees in 10.3/16, against 1/256 for uniform scanning. */
    assert_int_equal(darknet_label(&one, st_ip(10, 3, 0, 9), st_ip(10, 3, 0, 0), 65536, net1[0],
                                   1u << 24, 0.43, 64),
                     HK_STRAT_LOCALPREF);
    assert_int_equal(darknet_label(&one, st_ip(10, 3, 0, 9), st_ip(10, 3, 0, 0), 65536, net1[0],
                                   1u << 24, 1.0 / 256, 64),
                     HK_STRAT_RANDOM);
    /* A telescope with nothing near the source shows no preference: random. */
    assert_int_equal(darknet_label(&two, far_src, net2[0], 65536, net2[1], 65536, 0.9, 64),
                     HK_STRAT_RANDOM);
}

static void test_hybrid_within_5s(void **state)
{
    /* WannaCry: its /24 in order at about 8/s beside about 27 random probes/s. */
    struct gen_src g = {G_HYBRID, G_TOOL_NONE, st_ip(10, 4, 1, 20), ST_T0, 1.0 / 35, 2000, 0,
                        0,        445};
    struct hk_profile p;

    (void)state;
    expect_strategy(&g, 5.0, HK_STRAT_HYBRID);
    st_run_one(&g, 0, &p);
    /* The local sweep's pace: a /24 in about 32 s. */
    assert_true(p.sweep24_s > 20 && p.sweep24_s < 50);
}

static void test_wannacry_local_sweep_within_5s(void **state)
{
    /* Acceptance 2: a local sweep at about 8 probes/s is labelled within 5 s (a /24 in about
     * 32 s: sequential, not slow). */
    struct gen_src g = {G_SEQ, G_TOOL_NONE, st_ip(192, 168, 1, 23), ST_T0,
                        0.125, 254,         st_ip(192, 168, 1, 1),  254,
                        445};
    struct hk_profile p;

    (void)state;
    expect_strategy(&g, 5.0, HK_STRAT_SEQUENTIAL);
    st_run_one(&g, 5.0, &p);
    assert_true(p.sweep24_s > 25 && p.sweep24_s < 40);
}

static void test_slow_sequential_within_2min(void **state)
{
    /* Acceptance 2: NotPetya / Bad Rabbit pace, one probe per 3.5 s, labelled within 120 s. */
    struct gen_src g = {
        G_SLOWSEQ, G_TOOL_NONE, st_ip(10, 5, 0, 11), ST_T0, 3.5, 300, st_ip(10, 5, 0, 1), 254, 445};
    struct hk_profile p;

    (void)state;
    expect_strategy(&g, 120.0, HK_STRAT_SLOWSEQ);
    st_run_one(&g, 120.0, &p);
    assert_true(p.sweep24_s > 700 && p.sweep24_s < 1100); /* about 15 minutes per /24 */
    /* The same scan is still labelled slow-sequential when seen whole. */
    expect_strategy(&g, 0, HK_STRAT_SLOWSEQ);
}

static void test_targeted(void **state)
{
    struct gen_src g = {
        G_TARGETED, G_TOOL_NONE, st_ip(10, 6, 0, 13), ST_T0, 1.0, 60, st_ip(10, 6, 0, 0), 256, 22};

    (void)state;
    expect_strategy(&g, 0, HK_STRAT_TARGETED);
}

static void test_undetermined_needs(void **state)
{
    /* Three destinations are too few: the profile says how many more are needed. */
    struct gen_src g = {G_RANDOM, G_TOOL_NONE, st_ip(10, 2, 0, 8), ST_T0, 1.0,
                        3,        0,           1ull << 32,         445};
    struct hk_profile p;

    (void)state;
    st_run_one(&g, 0, &p);
    assert_int_equal(p.kind, HK_KIND_SCAN);
    assert_int_equal(p.strategy, HK_STRAT_UNDETERMINED);
    assert_true(p.needs >= 1);
}

static void test_kinds(void **state)
{
    struct gen_src bs = {
        G_BACKSCATTER, G_TOOL_NONE, st_ip(203, 0, 113, 80), ST_T0, 0.02, 500, st_ip(198, 18, 0, 0),
        65536,         80};
    struct gen_src fl = {
        G_FLOOD, G_TOOL_NONE, st_ip(10, 10, 0, 21), ST_T0, 0.001, 3000, st_ip(192, 0, 2, 1), 1, 80};
    struct gen_src ps = {G_PORTSCAN, G_TOOL_NONE, st_ip(10, 11, 0, 23), ST_T0,
                         0.01,       1000,        st_ip(192, 0, 2, 3),  1,
                         0};
    struct gen_src sp = {G_SPOOFED, G_TOOL_NONE, 0, ST_T0, 0.001, 2000, st_ip(192, 0, 2, 2), 1, 80};
    struct hk_sensor *s = st_new(false);
    struct gen_evs e = {NULL, 0, 0};
    struct hk_profile p;
    struct hk_sensor_stats st;
    struct hk_addr a;

    (void)state;
    st_run_one(&bs, 0, &p);
    assert_int_equal(p.kind, HK_KIND_BACKSCATTER);
    assert_true(p.targets > 300);
    st_run_one(&fl, 0, &p);
    assert_int_equal(p.kind, HK_KIND_FLOOD);
    st_run_one(&ps, 0, &p);
    assert_int_equal(p.kind, HK_KIND_PORTSCAN);
    assert_true(p.nports >= 20);
    /* A spoofed SYN flood: 2000 one-packet sources, none of them a scan; once the victim is
     * known (many sources, one destination, a flood's rate) they are labelled flood. */
    gen_source(&e, &sp, 3);
    st_feed(s, &e, 0);
    hk_sensor_finish(s);
    hk_sensor_get_stats(s, &st);
    assert_int_equal(st.by_kind[HK_KIND_SCAN], 0);
    assert_true(st.by_kind[HK_KIND_FLOOD] >= 1990);
    a = st_addr(e.v[0].src);
    assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
    assert_int_equal(p.kind, HK_KIND_FLOOD);
    free(e.v);
    hk_sensor_free(s);
}

static void test_tools(void **state)
{
    static const enum gen_tool tools[] = {G_TOOL_MASSCAN, G_TOOL_ZMAP, G_TOOL_MIRAI, G_TOOL_NONE};
    static const enum hk_tool want[] = {HK_TOOL_MASSCAN, HK_TOOL_ZMAP, HK_TOOL_MIRAI, HK_TOOL_NONE};

    (void)state;
    for (int i = 0; i < 4; i++) {
        struct gen_src g = {G_RANDOM, tools[i],   st_ip(10, 7, 0, (unsigned)i + 1),
                            ST_T0,    0.01,       200,
                            0,        1ull << 32, 80};
        struct hk_profile p;
        st_run_one(&g, 0, &p);
        assert_int_equal(p.tool, want[i]);
        assert_int_equal(p.strategy, HK_STRAT_RANDOM);
    }
}

static void test_entry_size_and_eviction(void **state)
{
    struct hk_sensor_opts o;
    struct hk_sensor *s = NULL;
    struct hk_sensor_stats st;
    struct gen_evs e = {NULL, 0, 0};
    struct gen_src sp = {G_SPOOFED, G_TOOL_NONE, 0, ST_T0, 0.001, 5000, st_ip(192, 0, 2, 2), 1, 80};
    struct gen_src sc = {
        G_SEQ, G_TOOL_NONE, st_ip(10, 1, 0, 5), ST_T0, 0.05, 100, st_ip(198, 51, 0, 0), 1024, 445};
    struct hk_profile p;
    struct hk_addr a = st_addr(sc.src);

    (void)state;
    assert_int_equal(sizeof(struct src_ent), 64);
    hk_sensor_opts_defaults(&o);
    o.max_sources = 256;
    assert_int_equal(hk_sensor_new(&o, &s, NULL), HK_OK);
    gen_source(&e, &sp, 9);
    gen_source(&e, &sc, 9);
    st_feed(s, &e, 0);
    hk_sensor_get_stats(s, &st);
    /* Never more than the cap; the busy scanner survived 5,000 one-packet sources. */
    assert_true(st.sources_now <= 256);
    assert_true(st.evicted >= 5000 - 256);
    assert_int_equal(hk_sensor_lookup(s, &a, &p), HK_OK);
    assert_int_equal(p.strategy, HK_STRAT_SEQUENTIAL);
    free(e.v);
    hk_sensor_free(s);
}

static bool has(json_t *o, const char *k)
{
    if (!json_object_get(o, k))
        fprintf(stderr, "missing member '%s'\n", k);
    return json_object_get(o, k) != NULL;
}

static void test_json_fields(void **state)
{
    static const char *const fields[] = {
        "type",     "src",  "first",    "last",       "probes",    "targets", "ports", "proto",
        "rate_pps", "kind", "strategy", "confidence", "sweep24_s", "tool",    NULL};
    struct gen_src g = {
        G_RANDOM, G_TOOL_MASSCAN, st_ip(10, 7, 0, 15), ST_T0, 0.01, 200, 0, 1ull << 32, 80};
    struct hk_profile p;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_t *j;
    struct hk_port_iv iv = {1767225600000, 60, 445, 6, 10, 3, 4};

    (void)state;
    st_run_one(&g, 0, &p);
    hk_sensor_json_profile(f, &p);
    (void)fclose(f);
    j = json_loads(buf, 0, NULL);
    assert_non_null(j);
    for (int i = 0; fields[i]; i++)
        assert_true(has(j, fields[i]));
    assert_string_equal(json_string_value(json_object_get(j, "type")), "profile");
    assert_string_equal(json_string_value(json_object_get(j, "src")), "10.7.0.15");
    assert_string_equal(json_string_value(json_object_get(j, "first")), "2026-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "scan");
    assert_string_equal(json_string_value(json_object_get(j, "strategy")), "random");
    assert_string_equal(json_string_value(json_object_get(j, "tool")), "masscan");
    assert_string_equal(json_string_value(json_object_get(j, "proto")), "tcp");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "ports"), 0)), 80);
    json_decref(j);
    free(buf);
    f = open_memstream(&buf, &len);
    hk_sensor_json_port_iv(f, &iv);
    (void)fclose(f);
    j = json_loads(buf, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "port-interval");
    assert_int_equal(json_integer_value(json_object_get(j, "sources")), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "interval_s")), 60);
    json_decref(j);
    free(buf);
}

/* Alert lines are written without printf, but their two-decimal numbers read exactly as
 * printf's "%.2f" would write them, half-way cases included; the whole line is valid JSON
 * with every source listed (twenty IPv6 addresses fit). */
static void test_alert_json_numbers(void **state)
{
    static const double tricky[] = {0,       0.005,  0.015,    0.125,        0.375, 1.005, 2.675,
                                    1.0 / 3, 99.995, 0.994999, 1e11 + 0.125, 5e12,  12.345};
    uint32_t x = 99;
    struct hk_alert a;

    (void)state;
    for (int i = 0; i < 20000; i++) {
        char *buf = NULL, want[64], got[64];
        size_t len = 0;
        const char *q;
        FILE *f = open_memstream(&buf, &len);
        double v;
        json_t *j;
        x = hk_mix32(x + 0x9e3779b9u);
        if (i < (int)(sizeof(tricky) / sizeof(tricky[0])))
            v = tricky[i];
        else if (i % 3 == 0)
            v = (double)(x % 100000) / 1000.0; /* thousandths: many half-way cases */
        else
            v = ldexp((double)x, -(int)(x % 40));
        memset(&a, 0, sizeof(a));
        a.type = i % 2 ? HK_ALERT_PORT_SURGE : HK_ALERT_WORM_SOURCE;
        a.ts_ms = 1767225600123;
        a.interval_start_ms = 1767225600000;
        a.port = 445;
        a.proto = 6;
        a.magnitude = v;
        a.baseline = v / 3;
        a.prof.confidence = v;
        a.nsrc = i % 50 == 0 ? HK_ALERT_MAX_SRC : 1;
        for (int k = 0; k < a.nsrc; k++) {
            a.srcs[k].v6 = k % 2;
            memset(a.srcs[k].a, 0xfe, a.srcs[k].v6 ? 16 : 4);
        }
        hk_sensor_json_alert(f, &a);
        (void)fclose(f);
        (void)snprintf(want, sizeof(want), "\"magnitude\":%.2f,", v);
        q = strstr(buf, "\"magnitude\":");
        assert_non_null(q);
        (void)snprintf(got, strlen(want) + 1, "%s", q);
        if (strcmp(got, want))
            fprintf(stderr, "%.17g: %s, printf %s\n", v, got, want);
        assert_string_equal(got, want);
        if (i % 50 == 0) {
            j = json_loads(buf, 0, NULL);
            assert_non_null(j);
            assert_int_equal(json_array_size(json_object_get(j, "sources")), a.nsrc);
            json_decref(j);
        }
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_local_preference),
        cmocka_unit_test(test_local_preference_darknet),
        cmocka_unit_test(test_hybrid_within_5s),
        cmocka_unit_test(test_wannacry_local_sweep_within_5s),
        cmocka_unit_test(test_slow_sequential_within_2min),
        cmocka_unit_test(test_targeted),
        cmocka_unit_test(test_undetermined_needs),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_tools),
        cmocka_unit_test(test_entry_size_and_eviction),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_alert_json_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
