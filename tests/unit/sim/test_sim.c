/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the worm simulator: scenario parsing (every bad value names its line), the
 * validation table of docs/simulator.md (each published figure reproduced within its
 * tolerance, the same checks the table's rows state), determinism, and the captures
 * (read back with libpcap; IP and TCP checksums verified packet by packet).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hikeshi/sim.h"

static void load(const char *name, struct hk_sim_scenario *sc)
{
    struct hk_errmsg em = {{0}};
    hk_err err = hk_sim_scenario_load(name, sc, &em);
    if (err)
        fail_msg("%s: %s", name, em.text);
}

static void run(const struct hk_sim_scenario *sc, struct hk_sim_result *res, const char *dir)
{
    struct hk_sim_options opt = {0};
    struct hk_errmsg em = {{0}};

    opt.out_dir = dir;
    opt.pcap = dir != NULL;
    if (hk_sim_run(sc, &opt, res, &em))
        fail_msg("%s: %s", sc->name, em.text);
}

/* Expects text to fail with a message containing want. */
static void bad(const char *text, const char *want)
{
    struct hk_sim_scenario sc;
    struct hk_errmsg em = {{0}};

    if (hk_sim_scenario_parse(text, &sc, &em) == HK_OK)
        fail_msg("accepted, expected an error mentioning '%s'", want);
    if (!strstr(em.text, want))
        fail_msg("error '%s' does not mention '%s'", em.text, want);
}

#define HEAD "[scenario]\nname = t\n[network]\nkind = lan\nsubnets = 10.0.0.0/24\n"

static void test_scenario_errors(void **state)
{
    (void)state;
    bad(HEAD "hosts = 100\nvulnerable = 50\nbogus = 1\n", "line 8: unknown key 'bogus'");
    bad(HEAD "hosts = 100\nvulnerable = 101\n", "vulnerable (101) is more than the live hosts");
    bad(HEAD "hosts = 300\n", "hosts (300) is more than a /24 subnet holds (254)");
    bad(HEAD "[worm]\nscan_rate = -5\n", "line 7: scan_rate must be a number");
    bad(HEAD "[worm]\nscan_rate = 1e400\n", "line 7: scan_rate");
    bad(HEAD "[worm]\nstrategy = zigzag\n", "line 7: strategy must be");
    bad(HEAD "[worm]\ninitial = 2.5\n", "line 7: initial must be an integer");
    bad(HEAD "[worms]\n", "line 6: unknown section [worms]");
    bad(HEAD "[sensor BAD NAME!]\nprefix = 1.2.3.0/24\n", "line 6: a sensor name");
    bad(HEAD "[sensor s]\nprefix = 1.2.3.0/33\n", "line 7: prefix");
    bad(HEAD "[sensor s]\nreplies = yes\nprefix = 1.2.3.0/24\n", "replies needs vantage = tap");
    bad("[scenario]\nname = t\n[network]\nkind = internet\nvulnerable = 9999999\n",
        "line 5: vulnerable must be");
    bad("[scenario]\nname = t\nduration = 2592000\nstep = 0.001\n[network]\nkind = internet\n",
        "more than 10^8 steps");
    bad("[network]\nkind = lan\nsubnets = 10.0.0.0/24\n", "[scenario] needs a name");
    bad("name = x\n", "line 1: key outside a section");
    bad(HEAD "just words\n", "line 6: expected 'key = value'");
    bad(HEAD "[worm]\npref8 = 0.7\npref16 = 0.5\n", "pref8 + pref16");
    {
        /* Huge input is refused before parsing. */
        size_t n = 100 * 1024;
        char *big = malloc(n + 1);
        assert_non_null(big);
        memset(big, '#', n);
        big[n] = '\0';
        bad(big, "larger than");
        free(big);
    }
}

static void test_shipped_scenarios(void **state)
{
    const char *want[] = {
        "wannacry-lan",     "wannacry-internet", "notpetya-lan",     "badrabbit-lan",
        "slammer-internet", "codered2-internet", "blaster-internet", NULL};
    struct hk_sim_scenario sc;
    int n = 0;

    (void)state;
    for (const struct hk_embedded *e = hk_sim_scenarios; e->name; e++, n++) {
        load(e->name, &sc);
        assert_string_equal(sc.name, e->name); /* the file's name matches its [scenario] */
    }
    assert_true(n >= 7);
    for (int i = 0; want[i]; i++)
        load(want[i], &sc);
    {
        struct hk_errmsg em = {{0}};
        assert_int_equal(hk_sim_scenario_load("no-such-worm", &sc, &em), HK_ENOTFOUND);
        assert_int_equal(hk_sim_scenario_load("/nonexistent/x.ini", &sc, &em), HK_ENOTFOUND);
    }
}

static double time_to(const struct hk_sim_result *res, uint32_t n)
{
    return n <= res->nsources ? res->sources[n - 1].infected_at : -1;
}

static double mean_sweep(const struct hk_sim_result *res, size_t *n)
{
    double s = 0;
    *n = 0;
    for (size_t i = 0; i < res->nsources; i++)
        if (res->sources[i].sweep24_s >= 0)
            s += res->sources[i].sweep24_s, (*n)++;
    return *n ? s / *n : -1;
}

/* Validation rows 1-2: WannaCry in the seed's two labs. */
static void test_wannacry_lan(void **state)
{
    struct hk_sim_scenario sc;
    struct hk_sim_result res;

    (void)state;
    load("wannacry-lan", &sc);
    run(&sc, &res, NULL);
    assert_int_equal(res.nsources, 124);
    print_message("wannacry-lan: 124 infected at %.0f s\n", res.t100);
    assert_true(res.t100 >= 20 * 60 && res.t100 <= 40 * 60);
    hk_sim_result_free(&res);

    load("wannacry-lab6", &sc);
    run(&sc, &res, NULL);
    assert_int_equal(res.nsources, 6);
    print_message("wannacry-lab6: 6 infected at %.0f s\n", res.t100);
    assert_true(res.t100 >= 3 * 60 && res.t100 <= 8 * 60);
    hk_sim_result_free(&res);
}

/* Rows 3-5: the scan paces (local sweep, slow sweep, random probes in 5 minutes). */
static void test_scan_paces(void **state)
{
    struct hk_sim_scenario sc;
    struct hk_sim_result res;
    size_t n, n5 = 0;
    double sweep, p5 = 0;

    (void)state;
    load("wannacry-internet", &sc);
    sc.duration = 3600; /* enough for hundreds of sweeps and 5-minute windows */
    run(&sc, &res, NULL);
    sweep = mean_sweep(&res, &n);
    for (size_t i = 0; i < res.nsources; i++)
        if (res.sources[i].infected_at + sc.startup + 300 <= sc.duration)
            p5 += (double)res.sources[i].probes_5min, n5++;
    p5 /= (double)n5;
    print_message("wannacry: %zu sweeps, mean %.1f s per /24; %.0f probes in 5 min\n", n, sweep,
                  p5);
    assert_true(n >= 10);
    assert_true(sweep >= 25 && sweep <= 35);
    assert_true(p5 >= 7000 && p5 <= 9000);
    hk_sim_result_free(&res);

    load("notpetya-lan", &sc);
    run(&sc, &res, NULL);
    sweep = mean_sweep(&res, &n);
    print_message("notpetya: %zu sweeps, mean %.0f s per /24\n", n, sweep);
    assert_true(n >= 10);
    assert_true(sweep >= 12 * 60 && sweep <= 18 * 60);
    hk_sim_result_free(&res);
}

/* Row 6: Slammer's doubling time, 90 % in about 10 minutes, probes above 55 million/s. */
static void test_slammer(void **state)
{
    struct hk_sim_scenario sc;
    struct hk_sim_result res;

    (void)state;
    load("slammer-internet", &sc);
    run(&sc, &res, NULL);
    print_message("slammer: doubling %.2f s, 90%% at %.0f s, peak %.3g probes/s at %.0f s\n",
                  res.doubling, res.t90, res.peak_pps, res.peak_pps_t);
    assert_true(fabs(res.doubling - 8.5) <= 0.2 * 8.5);
    assert_true(res.t90 >= 8 * 60 && res.t90 <= 12 * 60);
    assert_true(res.peak_pps >= 55e6);
    assert_true(res.probes >= 5e10); /* ~10^11 probes: the engine must not loop per probe */
    hk_sim_result_free(&res);
}

/* Row 7: Code Red v2's curve. */
static void test_codered(void **state)
{
    struct hk_sim_scenario sc;
    struct hk_sim_result res;
    double t359;

    (void)state;
    load("codered2-internet", &sc);
    run(&sc, &res, NULL);
    t359 = time_to(&res, 359000);
    print_message("codered2: doubling %.0f s, 359,000 at %.0f s, 90%% at %.0f s, peak %.0f/min\n",
                  res.doubling, t359, res.t90, res.peak_new_per_min);
    assert_true(fabs(res.doubling - 37 * 60) <= 0.2 * 37 * 60);
    assert_true(t359 > 0 && t359 < 14 * 3600);
    assert_true(res.t90 > 0 && res.t90 < 14 * 3600);
    assert_true(res.peak_new_per_min >= 2000);
    /* The shape: logistic, so slow at first: under 1 % infected at a third of t90. */
    assert_true(time_to(&res, 3800) > res.t90 / 3);
    hk_sim_result_free(&res);
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Reads a capture back with libpcap; checks order, IP and TCP checksums; returns packets. */
static uint64_t check_pcap(const char *path)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, eb);
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0;
    double last = 0;
    int rc;

    if (!p)
        fail_msg("%s: %s", path, eb);
    assert_int_equal(pcap_datalink(p), DLT_EN10MB);
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        const uint8_t *ip = d + 14;
        double ts = (double)h->ts.tv_sec + h->ts.tv_usec / 1e6;
        assert_true(ts >= last); /* time order */
        last = ts;
        assert_true(h->caplen >= 54);
        assert_int_equal(ip[0], 0x45);
        assert_int_equal(csum(ip, 20, 0), 0xffff);
        if (ip[9] == 6) {
            uint32_t ps = 0;
            for (int i = 12; i < 20; i += 2)
                ps += (uint32_t)ip[i] << 8 | ip[i + 1];
            ps += 6 + 20;
            assert_int_equal(csum(ip + 20, 20, ps), 0xffff);
        }
        n++;
    }
    assert_int_equal(rc, PCAP_ERROR_BREAK); /* clean end of file, no truncation */
    pcap_close(p);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void test_captures_deterministic(void **state)
{
    char d1[] = "/tmp/hk-sim-XXXXXX", d2[] = "/tmp/hk-sim-XXXXXX", p1[256], p2[256];
    struct hk_sim_scenario sc;
    struct hk_sim_result r1, r2;
    size_t l1, l2;
    char *a, *b;

    (void)state;
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    load("wannacry-lab6", &sc);
    run(&sc, &r1, d1);
    run(&sc, &r2, d2);
    snprintf(p1, sizeof(p1), "%s/sensor-lan-tap.pcap", d1);
    snprintf(p2, sizeof(p2), "%s/sensor-lan-tap.pcap", d2);
    assert_true(r1.sensor_packets[0] > 1000);
    assert_int_equal(check_pcap(p1), r1.sensor_packets[0]);
    a = slurp(p1, &l1);
    b = slurp(p2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1); /* same seed, same bytes */
    free(b);
    /* The ground truth names every source the capture shows. */
    snprintf(p2, sizeof(p2), "%s/ground-truth.json", d1);
    b = slurp(p2, &l2);
    for (size_t i = 0; i < r1.nsources; i++) {
        char needle[64];
        uint32_t x = r1.sources[i].addr;
        if (!r1.sources[i].seen)
            continue;
        snprintf(needle, sizeof(needle), "\"src\":\"%u.%u.%u.%u\"", x >> 24, x >> 16 & 255,
                 x >> 8 & 255, x & 255);
        assert_non_null(strstr(b, needle));
    }
    assert_non_null(strstr(b, "\"strategy\":\"hybrid\""));
    free(b);
    free(a);
    hk_sim_result_free(&r2);
    /* Another seed, another outbreak. */
    {
        struct hk_sim_options opt = {d2, true, 7, 0};
        struct hk_errmsg em = {{0}};
        assert_int_equal(hk_sim_run(&sc, &opt, &r2, &em), HK_OK);
        a = slurp(p1, &l1);
        snprintf(p2, sizeof(p2), "%s/sensor-lan-tap.pcap", d2);
        b = slurp(p2, &l2);
        assert_true(l1 != l2 || memcmp(a, b, l1));
        free(a);
        free(b);
        hk_sim_result_free(&r2);
    }
    hk_sim_result_free(&r1);
    {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf %s %s", d1, d2);
        assert_int_equal(system(cmd), 0);
    }
}

/* Every strategy runs and its capture reads back cleanly: UDP (Slammer) and TCP with answers. */
static void test_strategies_captures(void **state)
{
    const char *names[] = {"notpetya-enterprise", "badrabbit-lan", "coderedii-internet", NULL};
    char dir[] = "/tmp/hk-sim-XXXXXX";

    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int i = 0; names[i]; i++) {
        struct hk_sim_scenario sc;
        struct hk_sim_result res;
        char path[256];
        load(names[i], &sc);
        if (sc.net == HK_SIM_INTERNET)
            sc.duration = 4 * 3600;
        run(&sc, &res, dir);
        snprintf(path, sizeof(path), "%s/sensor-%s.pcap", dir, sc.sensors[0].name);
        assert_true(res.sensor_packets[0] > 0);
        assert_int_equal(check_pcap(path), res.sensor_packets[0]);
        assert_true(res.nsources > 1);
        hk_sim_result_free(&res);
    }
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_shipped_scenarios),
        cmocka_unit_test(test_wannacry_lan),
        cmocka_unit_test(test_scan_paces),
        cmocka_unit_test(test_slammer),
        cmocka_unit_test(test_codered),
        cmocka_unit_test(test_captures_deterministic),
        cmocka_unit_test(test_strategies_captures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
