/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the LAN vantage point (threshold random walk, Jung et al. 2004; acceptance
 * 3): a scanner whose first contacts fail (RST, ICMP unreachable, or no answer) is flagged
 * after four to five of them, never before the third; a client whose first contacts succeed
 * is declared benign; the scanned hosts, which only answer, are never flagged nor profiled
 * as backscatter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "sensor_test.h"

static void tcp(struct hk_pkt *p, double t, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp,
                uint8_t flags)
{
    memset(p, 0, sizeof(*p));
    p->ts_ns = (int64_t)((ST_T0 + t) * 1e9);
    p->src = src;
    p->dst = dst;
    p->sport = sp;
    p->dport = dp;
    p->proto = 6;
    p->flags = flags;
    p->resp = (flags & (HK_TH_ACK | HK_TH_RST)) ? 1 : 0;
}

static enum hk_trw trw_of(struct hk_sensor *s, uint32_t a)
{
    struct hk_addr x = st_addr(a);
    struct hk_profile p;

    if (hk_sensor_lookup(s, &x, &p) != HK_OK)
        return HK_TRW_NONE;
    return p.trw;
}

static void test_scanner_flagged_targets_not(void **state)
{
    struct hk_sensor *s = st_new(true);
    const uint32_t scanner = st_ip(192, 168, 1, 66);
    struct hk_pkt p[2];
    int flagged_at = 0;

    (void)state;
    for (int k = 1; k <= 20; k++) {
        uint32_t dst = st_ip(192, 168, 1, (unsigned)k);
        double t = k * 0.2;
        tcp(&p[0], t, scanner, dst, 50000, 445, HK_TH_SYN);
        /* Hosts 1-10 are up with 445 closed (RST); 11-20 do not exist (no answer). */
        hk_sensor_batch(s, p, 1);
        if (k <= 10) {
            tcp(&p[1], t + 0.001, dst, scanner, 445, 50000, HK_TH_RST | HK_TH_ACK);
            hk_sensor_batch(s, &p[1], 1);
        }
        if (!flagged_at && trw_of(s, scanner) == HK_TRW_SCANNER)
            flagged_at = k;
    }
    /* Four net failures cross beta/alpha = 99 (4^4 > 99 > 4^3). */
    assert_true(flagged_at >= 3 && flagged_at <= 5);
    for (int k = 1; k <= 10; k++) {
        struct hk_addr x = st_addr(st_ip(192, 168, 1, (unsigned)k));
        struct hk_profile pr;
        /* The answers are conversation, not unsolicited traffic: no profile at all. */
        assert_int_equal(hk_sensor_lookup(s, &x, &pr), HK_ENOTFOUND);
    }
    hk_sensor_free(s);
}

static void test_timeouts_count_as_failures(void **state)
{
    struct hk_sensor *s = st_new(true);
    const uint32_t scanner = st_ip(192, 168, 2, 66);
    struct hk_pkt p;

    (void)state;
    for (int k = 1; k <= 6; k++) {
        tcp(&p, k * 1.0, scanner, st_ip(192, 168, 2, (unsigned)(100 + k)), 50000, 139, HK_TH_SYN);
        hk_sensor_batch(s, &p, 1);
    }
    assert_int_not_equal(trw_of(s, scanner), HK_TRW_SCANNER);
    /* Nothing answered within the timeout (3 s): time passes, the walk moves. */
    tcp(&p, 20.0, st_ip(192, 168, 2, 1), st_ip(192, 168, 2, 2), 1, 2, HK_TH_SYN);
    hk_sensor_batch(s, &p, 1);
    assert_int_equal(trw_of(s, scanner), HK_TRW_SCANNER);
    hk_sensor_free(s);
}

static void test_benign_client(void **state)
{
    struct hk_sensor *s = st_new(true);
    const uint32_t client = st_ip(192, 168, 1, 7);
    struct hk_pkt p;

    (void)state;
    for (int k = 1; k <= 6; k++) {
        uint32_t srv = st_ip(192, 168, 1, (unsigned)(200 + k));
        tcp(&p, k, client, srv, 40000, 443, HK_TH_SYN);
        hk_sensor_batch(s, &p, 1);
        tcp(&p, k + 0.01, srv, client, 443, 40000, HK_TH_SYN | HK_TH_ACK);
        hk_sensor_batch(s, &p, 1);
        tcp(&p, k + 0.02, client, srv, 40000, 443, HK_TH_ACK);
        hk_sensor_batch(s, &p, 1);
        /* One of them is closed: a single failure does not make a scanner. */
        if (k == 3) {
            tcp(&p, k + 0.5, client, st_ip(192, 168, 1, 250), 40001, 443, HK_TH_SYN);
            hk_sensor_batch(s, &p, 1);
            tcp(&p, k + 0.51, st_ip(192, 168, 1, 250), client, 443, 40001, HK_TH_RST | HK_TH_ACK);
            hk_sensor_batch(s, &p, 1);
        }
    }
    assert_int_equal(trw_of(s, client), HK_TRW_BENIGN);
    hk_sensor_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner_flagged_targets_not),
        cmocka_unit_test(test_timeouts_count_as_failures),
        cmocka_unit_test(test_benign_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
