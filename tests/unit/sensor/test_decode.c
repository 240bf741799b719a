/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the packet decoder: every supported link type (Ethernet, 802.1Q and QinQ,
 * Linux SLL and SLL2, raw IP under its three numbers and the IPv4/IPv6 link types, BSD NULL
 * in both byte orders, OpenBSD LOOP), IPv4 and IPv6 (with an extension header), TCP, UDP,
 * ICMP and ICMPv6 (replies, errors with the quoted header), and bad input: every truncation
 * of a frame, a non-IP frame, a bad IP version or header length, fragments and an unknown
 * link type. The decoder must never read past the captured bytes (checked under ASan by
 * decoding from exact-size heap copies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>

#include "sensor_test.h"

/* Decodes a heap copy of exactly n bytes so that ASan sees any overread. */
static enum hk_dec dec(int lt, const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    uint8_t *c = malloc(n ? n : 1);
    enum hk_dec r;

    memcpy(c, p, n);
    r = hk_sensor_decode(lt, c, n, 123, o);
    free(c);
    return r;
}

static uint32_t syn_frame(uint8_t f[64])
{
    struct gen_ev x;

    memset(&x, 0, sizeof(x));
    x.src = st_ip(10, 0, 0, 1);
    x.dst = st_ip(192, 0, 2, 7);
    x.sport = 40000;
    x.dport = 445;
    x.seq = 0x01020304;
    x.ipid = 54321;
    x.flags = HK_TH_SYN;
    return gen_frame(&x, f);
}

static void check_syn(const struct hk_pkt *p)
{
    assert_int_equal(p->src, st_ip(10, 0, 0, 1));
    assert_int_equal(p->dst, st_ip(192, 0, 2, 7));
    assert_int_equal(p->sport, 40000);
    assert_int_equal(p->dport, 445);
    assert_int_equal(p->proto, 6);
    assert_int_equal(p->flags, HK_TH_SYN);
    assert_int_equal(p->seq, 0x01020304);
    assert_int_equal(p->ipid, 54321);
    assert_int_equal(p->resp, 0);
    assert_int_equal(p->ts_ns, 123);
}

static void test_link_types(void **state)
{
    uint8_t f[64], b[128];
    uint32_t n = syn_frame(f);
    const uint8_t *ip = f + 14;
    uint32_t iplen = n - 14;
    struct hk_pkt p;

    (void)state;
    assert_int_equal(dec(HK_DLT_EN10MB, f, n, &p), HK_DEC_OK);
    check_syn(&p);
    /* 802.1Q, then QinQ (802.1ad outer tag). */
    memcpy(b, f, 12);
    b[12] = 0x81;
    b[13] = 0x00;
    b[14] = 0x00;
    b[15] = 0x05;
    memcpy(b + 16, f + 12, n - 12);
    assert_int_equal(dec(HK_DLT_EN10MB, b, n + 4, &p), HK_DEC_OK);
    check_syn(&p);
    memcpy(b, f, 12);
    b[12] = 0x88;
    b[13] = 0xa8;
    b[14] = 0;
    b[15] = 1;
    b[16] = 0x81;
    b[17] = 0x00;
    b[18] = 0;
    b[19] = 2;
    memcpy(b + 20, f + 12, n - 12);
    assert_int_equal(dec(HK_DLT_EN10MB, b, n + 8, &p), HK_DEC_OK);
    check_syn(&p);
    /* Raw IP under every number. */
    assert_int_equal(dec(HK_DLT_RAW, ip, iplen, &p), HK_DEC_OK);
    check_syn(&p);
    assert_int_equal(dec(HK_DLT_RAW14, ip, iplen, &p), HK_DEC_OK);
    assert_int_equal(dec(HK_LINKTYPE_RAW, ip, iplen, &p), HK_DEC_OK);
    assert_int_equal(dec(HK_LINKTYPE_IPV4, ip, iplen, &p), HK_DEC_OK);
    check_syn(&p);
    /* Linux cooked v1: 16 bytes, protocol at 14. */
    memset(b, 0, 16);
    b[14] = 0x08;
    memcpy(b + 16, ip, iplen);
    assert_int_equal(dec(HK_DLT_LINUX_SLL, b, iplen + 16, &p), HK_DEC_OK);
    check_syn(&p);
    /* Linux cooked v2: 20 bytes, protocol at 0. */
    memset(b, 0, 20);
    b[0] = 0x08;
    memcpy(b + 20, ip, iplen);
    assert_int_equal(dec(HK_DLT_LINUX_SLL2, b, iplen + 20, &p), HK_DEC_OK);
    check_syn(&p);
    /* NULL: AF_INET in host order, either way round; LOOP: network order. */
    memset(b, 0, 4);
    b[0] = 2;
    memcpy(b + 4, ip, iplen);
    assert_int_equal(dec(HK_DLT_NULL, b, iplen + 4, &p), HK_DEC_OK);
    check_syn(&p);
    b[0] = 0;
    b[3] = 2;
    assert_int_equal(dec(HK_DLT_NULL, b, iplen + 4, &p), HK_DEC_OK);
    assert_int_equal(dec(HK_DLT_LOOP, b, iplen + 4, &p), HK_DEC_OK);
    check_syn(&p);
    b[3] = 99;
    assert_int_equal(dec(HK_DLT_LOOP, b, iplen + 4, &p), HK_DEC_NOTIP);
    assert_int_equal(dec(147, f, n, &p), HK_DEC_LINKTYPE);
    assert_false(hk_sensor_linktype_ok(147));
    assert_true(hk_sensor_linktype_ok(HK_DLT_LINUX_SLL2));
}

static void test_ipv6_and_icmp(void **state)
{
    uint8_t b[128];
    struct hk_pkt p;

    (void)state;
    /* IPv6, a hop-by-hop header, then TCP SYN-ACK. */
    memset(b, 0, sizeof(b));
    b[0] = 0x60;
    b[4] = 0;
    b[5] = 8 + 20;
    b[6] = 0; /* hop-by-hop */
    b[7] = 64;
    b[8] = 0x20;
    b[9] = 0x01;
    b[23] = 0x05;
    b[24] = 0x20;
    b[25] = 0x01;
    b[39] = 0x09;
    b[40] = 6; /* next: TCP */
    b[41] = 0; /* 8 bytes */
    b[48] = 0x01;
    b[49] = 0xbb;
    b[50] = 0x9c;
    b[51] = 0x40;
    b[48 + 13] = HK_TH_SYN | HK_TH_ACK;
    assert_int_equal(dec(HK_LINKTYPE_RAW, b, 48 + 20, &p), HK_DEC_OK);
    assert_int_equal(p.v6, 1);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 443);
    assert_int_equal(p.dport, 40000);
    assert_int_equal(p.resp, 1);
    assert_int_equal(p.src6[0], 0x20);
    assert_int_equal(p.src6[15], 0x05);
    assert_int_equal(p.dst, 9);
    /* Cut inside the extension header and inside TCP. */
    assert_int_equal(dec(HK_LINKTYPE_RAW, b, 44, &p), HK_DEC_TRUNC);
    assert_int_equal(dec(HK_LINKTYPE_RAW, b, 48 + 10, &p), HK_DEC_TRUNC);
    /* ICMPv6 echo reply is a reply. */
    b[6] = 58;
    b[5] = 8;
    b[40] = 129;
    assert_int_equal(dec(HK_LINKTYPE_IPV6, b, 48, &p), HK_DEC_OK);
    assert_int_equal(p.proto, 58);
    assert_int_equal(p.icmp_type, 129);
    assert_int_equal(p.resp, 1);
    /* ICMPv4 port unreachable quoting a UDP probe 10.0.0.1 -> 192.0.2.7. */
    memset(b, 0, sizeof(b));
    b[0] = 0x45;
    b[3] = 20 + 8 + 28;
    b[9] = 1;
    b[12] = 192;
    b[15] = 7;
    b[16] = 10;
    b[19] = 1;
    b[20] = 3;
    b[21] = 3;
    b[28] = 0x45;
    b[28 + 9] = 17;
    b[28 + 12] = 10;
    b[28 + 15] = 1;
    b[28 + 16] = 192;
    b[28 + 19] = 7;
    assert_int_equal(dec(HK_DLT_RAW, b, 56, &p), HK_DEC_OK);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.resp, 1);
    assert_int_equal(p.qsrc, st_ip(10, 0, 0, 1));
    assert_int_equal(p.qdst, st_ip(192, 0, 0, 7));
    /* Echo request is a request; UDP has ports. */
    b[20] = 8;
    assert_int_equal(dec(HK_DLT_RAW, b, 28, &p), HK_DEC_OK);
    assert_int_equal(p.resp, 0);
    assert_int_equal(p.dport, 8);
    b[9] = 17;
    b[22] = 0;
    b[23] = 53;
    assert_int_equal(dec(HK_DLT_RAW, b, 28, &p), HK_DEC_OK);
    assert_int_equal(p.proto, 17);
    assert_int_equal(p.dport, 53);
}

static void test_bad_input(void **state)
{
    uint8_t f[64], b[64];
    uint32_t n = syn_frame(f);
    struct hk_pkt p;

    (void)state;
    /* Every truncation before the TCP flags is TRUNC, never a crash or overread; from the
     * flags on (14 + 20 + 14 bytes) everything the sensor needs is there. */
    for (uint32_t k = 0; k < n; k++)
        assert_int_equal(dec(HK_DLT_EN10MB, f, k, &p), k < 48 ? HK_DEC_TRUNC : HK_DEC_OK);
    /* ARP. */
    memcpy(b, f, n);
    b[12] = 0x08;
    b[13] = 0x06;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_NOTIP);
    /* Bad version and header length; total length below the header. */
    memcpy(b, f, n);
    b[14] = 0x55;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_BAD);
    b[14] = 0x43;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_BAD);
    memcpy(b, f, n);
    b[16] = 0;
    b[17] = 10;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_BAD);
    /* A header length beyond the capture. */
    memcpy(b, f, n);
    b[14] = 0x4f;
    b[17] = 80;
    assert_int_equal(dec(HK_DLT_EN10MB, b, 14 + 40, &p), HK_DEC_TRUNC);
    /* A non-first fragment has no ports. */
    memcpy(b, f, n);
    b[20] = 0x00;
    b[21] = 0x10;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_FRAG);
    /* Total length shorter than the capture (padding): the TCP header no longer fits. */
    memcpy(b, f, n);
    b[17] = 30;
    assert_int_equal(dec(HK_DLT_EN10MB, b, n, &p), HK_DEC_TRUNC);
    /* Four VLAN tags and then nothing. */
    memset(b, 0, sizeof(b));
    for (int i = 0; i < 5; i++) {
        b[12 + 4 * i] = 0x81;
        b[13 + 4 * i] = 0x00;
    }
    assert_int_not_equal(dec(HK_DLT_EN10MB, b, 30, &p), HK_DEC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_ipv6_and_icmp),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
