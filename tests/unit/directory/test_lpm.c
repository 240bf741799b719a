/* SPDX-License-Identifier: MIT */
/*
 * The longest-prefix-match trie against a brute-force reference: random prefix sets
 * (IPv4 and IPv6, overlapping, every length including /0, /32 and /128), probed with
 * random addresses and with addresses at the edges of each prefix (first, last, one
 * past the end). Also the prefix, domain and ASN parsers, and the CAIDA pfx2as loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hikeshi/directory.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void mask(uint8_t *a, int bytes, int len)
{
    for (int i = 0; i < bytes; i++) {
        int keep = len - 8 * i;
        if (keep <= 0)
            a[i] = 0;
        else if (keep < 8)
            a[i] &= (uint8_t)(0xff00u >> keep);
    }
}

static bool covers(const struct hk_lpm_prefix *p, const uint8_t *a, int bytes)
{
    uint8_t x[16];

    memcpy(x, a, (size_t)bytes);
    mask(x, bytes, p->len);
    return !memcmp(x, p->addr, (size_t)bytes);
}

/* The reference: the longest covering prefix, the last given among equal ones. */
static uint32_t brute(const struct hk_lpm_prefix *p, size_t n, const uint8_t *a, int bytes)
{
    int best = -1;
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++)
        if (covers(&p[i], a, bytes) && p[i].len >= best) {
            best = p[i].len;
            v = p[i].value;
        }
    return v;
}

static uint32_t lookup(const struct hk_lpm *t, const uint8_t *a, int family)
{
    if (family == 4)
        return hk_lpm_lookup4(t, ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) |
                                     ((uint32_t)a[2] << 8) | a[3]);
    return hk_lpm_lookup6(t, a);
}

/* Random prefixes clustered under a few parents so they overlap and nest. */
static void random_set(struct hk_lpm_prefix *p, size_t n, int family)
{
    int bytes = family == 4 ? 4 : 16, bits = bytes * 8;
    uint8_t base[4][16];

    for (int b = 0; b < 4; b++)
        for (int i = 0; i < 16; i++)
            base[b][i] = (uint8_t)rnd();
    for (size_t i = 0; i < n; i++) {
        int len = (int)(rnd() % (uint64_t)(bits + 1));
        memcpy(p[i].addr, base[rnd() % 4], 16);
        /* Random bits below a random depth keep the prefixes related. */
        for (int k = (int)(rnd() % (uint64_t)bits); k < bits; k++)
            if (rnd() & 1)
                p[i].addr[k / 8] ^= (uint8_t)(0x80 >> (k % 8));
        if (family == 4)
            memset(p[i].addr + 4, 0, 12);
        p[i].len = (uint8_t)len;
        mask(p[i].addr, bytes, len);
        p[i].value = (uint32_t)i + 1;
    }
}

static void check_set(int family, size_t n, int probes)
{
    int bytes = family == 4 ? 4 : 16;
    struct hk_lpm_prefix *p = calloc(n + 4, sizeof(*p)), *orig = calloc(n + 4, sizeof(*p));
    struct hk_lpm *t = NULL;
    uint8_t batch[37][16];

    random_set(p, n, family);
    /* Edges: the default route and a full-length host route. */
    p[n].len = 0;
    memset(p[n].addr, 0, 16);
    p[n].value = (uint32_t)n + 1;
    memcpy(p[n + 1].addr, p[0].addr, 16);
    p[n + 1].addr[bytes - 1] |= 1;
    p[n + 1].len = (uint8_t)(bytes * 8);
    p[n + 1].value = (uint32_t)n + 2;
    n += 2;
    memcpy(orig, p, n * sizeof(*p));
    assert_int_equal(hk_lpm_build(family, p, n, &t), HK_OK);
    for (int i = 0; i < probes; i++) {
        uint8_t a[16];
        for (int k = 0; k < 16; k++)
            a[k] = (uint8_t)rnd();
        if (family == 4)
            memset(a + 4, 0, 12);
        if (i % 2) {
            /* An edge of a random prefix: its first or last address, or just past it. */
            const struct hk_lpm_prefix *q = &orig[rnd() % n];
            int bits = bytes * 8, edge = (int)(rnd() % 3);
            memcpy(a, q->addr, 16);
            for (int k = q->len; k < bits && edge; k++)
                a[k / 8] |= (uint8_t)(0x80 >> (k % 8));
            if (edge == 2)
                for (int k = bytes - 1; k >= 0 && ++a[k] == 0; k--)
                    ;
        }
        assert_int_equal(lookup(t, a, family), brute(orig, n, a, bytes));
        if (family == 6)
            memcpy(batch[i % 37], a, 16);
        if (family == 6 && i % 37 == 36) {
            /* The batched lookup (37: two full groups of 16 and a tail of 5). */
            uint32_t out[37];
            hk_lpm_lookup6_batch(t, &batch[0][0], out, 37);
            for (int j = 0; j < 37; j++)
                assert_int_equal(out[j], brute(orig, n, batch[j], bytes));
        }
    }
    hk_lpm_free(t);
    free(p);
    free(orig);
}

static void test_lpm_v4_random(void **state)
{
    (void)state;
    for (int round = 0; round < 8; round++)
        check_set(4, 50 + (size_t)round * 300, 4000);
}

static void test_lpm_v6_random(void **state)
{
    (void)state;
    for (int round = 0; round < 6; round++)
        check_set(6, 50 + (size_t)round * 200, 4000);
}

static void test_lpm_edges(void **state)
{
    struct hk_lpm_prefix p[3], q6[4];
    struct hk_lpm *t = NULL;
    uint32_t out[40], in[40];
    uint8_t a6[20][16];

    (void)state;
    /* Empty table: nothing matches. */
    assert_int_equal(hk_lpm_build(4, p, 0, &t), HK_OK);
    assert_int_equal(hk_lpm_lookup4(t, 0x01020304), 0);
    hk_lpm_free(t);
    /* /0 everywhere, a /32 and a /31 around it. */
    memset(p, 0, sizeof(p));
    p[0].value = 7;
    p[1].addr[0] = 198, p[1].addr[1] = 51, p[1].addr[2] = 100, p[1].addr[3] = 6;
    p[1].len = 31, p[1].value = 8;
    p[2].addr[0] = 198, p[2].addr[1] = 51, p[2].addr[2] = 100, p[2].addr[3] = 7;
    p[2].len = 32, p[2].value = 9;
    assert_int_equal(hk_lpm_build(4, p, 3, &t), HK_OK);
    assert_int_equal(hk_lpm_lookup4(t, 0xC6336407), 9);
    assert_int_equal(hk_lpm_lookup4(t, 0xC6336406), 8);
    assert_int_equal(hk_lpm_lookup4(t, 0xC6336408), 7);
    assert_int_equal(hk_lpm_lookup4(t, 0), 7);
    assert_int_equal(hk_lpm_lookup4(t, 0xffffffff), 7);
    for (int i = 0; i < 40; i++)
        in[i] = 0xC6336400u + (uint32_t)i;
    hk_lpm_lookup4_batch(t, in, out, 40);
    for (int i = 0; i < 40; i++)
        assert_int_equal(out[i], hk_lpm_lookup4(t, in[i]));
    hk_lpm_free(t);
    /* IPv6: empty; ::/0, a /18 (the root's width), a /48 and a /128 inside it. */
    assert_int_equal(hk_lpm_build(6, p, 0, &t), HK_OK);
    memset(a6, 0, sizeof(a6));
    assert_int_equal(hk_lpm_lookup6(t, a6[0]), 0);
    hk_lpm_lookup6_batch(t, &a6[0][0], out, 20);
    for (int i = 0; i < 20; i++)
        assert_int_equal(out[i], 0);
    hk_lpm_free(t);
    memset(q6, 0, sizeof(q6));
    q6[0].value = 1;
    q6[1].addr[0] = 0x20, q6[1].addr[1] = 0x01, q6[1].addr[2] = 0x0d, q6[1].len = 18;
    q6[1].value = 2;
    memcpy(q6[2].addr, q6[1].addr, 16);
    q6[2].addr[2] = 0x0d, q6[2].addr[3] = 0xb8, q6[2].addr[5] = 0x01, q6[2].len = 48;
    q6[2].value = 3;
    memcpy(q6[3].addr, q6[2].addr, 16);
    q6[3].addr[15] = 1, q6[3].len = 128, q6[3].value = 4;
    assert_int_equal(hk_lpm_build(6, q6, 4, &t), HK_OK);
    for (int i = 0; i < 20; i++) {
        memcpy(a6[i], q6[3].addr, 16);
        a6[i][15] = (uint8_t)(i % 3); /* ::0, ::1 (the /128), ::2 */
        if (i >= 9)
            a6[i][5] = (uint8_t)(i - 9); /* other /48s inside the /18 */
        if (i >= 15)
            a6[i][2] = 0xcc; /* outside the /18 */
    }
    hk_lpm_lookup6_batch(t, &a6[0][0], out, 20);
    for (int i = 0; i < 20; i++)
        assert_int_equal(out[i], hk_lpm_lookup6(t, a6[i]));
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 4);
    assert_int_equal(out[2], 3);
    assert_int_equal(out[9], 2);  /* 2001:db8:0:: is only in the /18 */
    assert_int_equal(out[10], 4); /* 2001:db8:1::1 */
    assert_int_equal(out[15], 1); /* 2001:ccb8:6:: is outside the /18 */
    /* An IPv4 table answers nothing for IPv6. */
    hk_lpm_free(t);
    assert_int_equal(hk_lpm_build(4, p, 0, &t), HK_OK);
    assert_int_equal(hk_lpm_lookup6(t, a6[0]), 0);
    hk_lpm_free(t);
    /* Bad input is refused. */
    p[0].len = 33;
    assert_int_equal(hk_lpm_build(4, p, 1, &t), HK_EINVAL);
    p[0].len = 8, p[0].value = 0;
    assert_int_equal(hk_lpm_build(4, p, 1, &t), HK_EINVAL);
    q6[0].len = 129;
    assert_int_equal(hk_lpm_build(6, q6, 1, &t), HK_EINVAL);
}

static void test_prefix_parse(void **state)
{
    struct hk_prefix p, a;
    struct hk_errmsg em;
    char txt[64];

    (void)state;
    assert_int_equal(hk_prefix_parse("198.51.100.0/24", false, &p, &em), HK_OK);
    hk_prefix_fmt(&p, txt);
    assert_string_equal(txt, "198.51.100.0/24");
    assert_int_equal(hk_prefix_parse("198.51.100.7/24", false, &p, &em), HK_EINVAL);
    assert_non_null(strstr(em.text, "host bits set; the network is 198.51.100.0/24"));
    assert_int_equal(hk_prefix_parse("198.51.100.7/24", true, &p, &em), HK_OK);
    hk_prefix_fmt(&p, txt);
    assert_string_equal(txt, "198.51.100.0/24");
    assert_int_equal(hk_prefix_parse("2001:0DB8:0::/32", false, &p, &em), HK_OK);
    hk_prefix_fmt(&p, txt);
    assert_string_equal(txt, "2001:db8::/32");
    assert_int_equal(hk_prefix_parse("::/0", false, &p, &em), HK_OK);
    assert_int_equal(hk_prefix_parse("2001:db8::1", false, &a, &em), HK_OK);
    assert_int_equal(a.len, 128);
    assert_true(hk_prefix_covers(&p, &a));
    assert_int_equal(hk_prefix_parse("10.0.0.0/33", false, &p, &em), HK_EINVAL);
    assert_int_equal(hk_prefix_parse("10.0.0.0/024", false, &p, &em), HK_EINVAL);
    assert_int_equal(hk_prefix_parse("10.0.0/8", false, &p, &em), HK_EINVAL);
    assert_int_equal(hk_prefix_parse("10.0.0.0/", false, &p, &em), HK_EINVAL);
    assert_int_equal(hk_prefix_parse("example.org", false, &p, &em), HK_EINVAL);
}

static void test_domain_asn(void **state)
{
    char d[300];
    struct hk_errmsg em;
    uint32_t asn;

    (void)state;
    assert_int_equal(hk_domain_norm("Mail.Example.ORG.", d, sizeof(d), &em), HK_OK);
    assert_string_equal(d, "mail.example.org");
    assert_int_equal(hk_domain_norm("*.example.org", d, sizeof(d), &em), HK_OK);
    assert_string_equal(d, "example.org");
    assert_int_equal(hk_domain_norm("xn--wgv71a.jp", d, sizeof(d), &em), HK_OK);
    assert_int_equal(hk_domain_norm("\xe6\x97\xa5\xe6\x9c\xac.jp", d, sizeof(d), &em), HK_OK);
    assert_int_equal(hk_domain_norm("jp", d, sizeof(d), &em), HK_OK);
    assert_int_equal(hk_domain_norm("a..b", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_domain_norm("-a.b", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_domain_norm("a-.b", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_domain_norm("a b.org", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_domain_norm(".", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_domain_norm("example.org..", d, sizeof(d), &em), HK_EINVAL);
    assert_int_equal(hk_asn_parse("AS64500", &asn, &em), HK_OK);
    assert_int_equal(asn, 64500);
    assert_int_equal(hk_asn_parse("as4200000000", &asn, &em), HK_OK);
    assert_int_equal(hk_asn_parse("0", &asn, &em), HK_EINVAL);
    assert_int_equal(hk_asn_parse("4294967295", &asn, &em), HK_EINVAL);
    assert_int_equal(hk_asn_parse("AS", &asn, &em), HK_EINVAL);
    assert_int_equal(hk_asn_parse("12a", &asn, &em), HK_EINVAL);
}

static void test_pfx2as(void **state)
{
    static const char good[] = "# comment\n"
                               "198.51.100.0\t24\t64500\r\n"
                               "\n"
                               "203.0.113.0\t24\t64501_64502,64503\n"
                               "2001:db8::\t32\t64504";
    struct hk_pfx2as t;
    struct hk_errmsg em;

    (void)state;
    assert_int_equal(hk_pfx2as_parse(good, strlen(good), &t, &em), HK_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.n4, 2);
    assert_int_equal(t.n6, 1);
    assert_int_equal(t.e[1].nasn, 3);
    assert_int_equal(t.asns[t.e[1].asn_off + 2], 64503);
    assert_int_equal(t.e[2].line, 5);
    hk_pfx2as_release(&t);
    /* Malformed lines: the whole text is refused, naming the line. */
    {
        static const struct {
            const char *in, *msg;
        } bad[] = {
            {"198.51.100.0\t24\t64500\n198.51.100.0\t33\t1\n", "line 2:"},
            {"198.51.100.0\t24\n", "line 1: expected"},
            {"1.2.3.0\t24\t64500\nx\t24\t1\n", "line 2:"},
            {"198.51.100.0\t24\t64500x\n", "line 1:"},
            {"198.51.100.0\t24\t64500_\n", "line 1:"},
            {"198.51.100.0\t24\t0\n", "line 1:"},
            {"198.51.100.0\t24\t1 extra\n", "line 1: expected"},
            {"198.51.100.1\t24\t1\n", "host bits"},
            {"198.51.100.0\t24\t1\n\n198.51.100.0\t24\t2\n", "line 3: prefix 198.51.100.0/24 "
                                                             "is already on line 1"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            memset(&em, 0, sizeof(em));
            assert_int_not_equal(hk_pfx2as_parse(bad[i].in, strlen(bad[i].in), &t, &em), HK_OK);
            if (!strstr(em.text, bad[i].msg))
                fail_msg("case %zu: '%s' lacks '%s'", i, em.text, bad[i].msg);
            assert_int_equal(t.n, 0);
            assert_null(t.e);
        }
    }
}

static void test_securitytxt(void **state)
{
    static const char plain[] = "# our file\n"
                                "Contact: mailto:security@example.org\n"
                                "contact: tel:+81-3-0000-0000\n"
                                "Encryption: https://example.org/pgp.asc\n"
                                "Preferred-Languages: ja, en\n"
                                "Policy: https://example.org/policy\n"
                                "Expires: 2030-12-31T23:59:59.000Z\n";
    static const char sig[] = "-----BEGIN PGP SIGNED MESSAGE-----\n"
                              "Hash: SHA512\n"
                              "\n"
                              "Contact: mailto:psirt@example.com\n"
                              "- Expires: 2031-01-01T00:00:00Z\n"
                              "-----BEGIN PGP SIGNATURE-----\n"
                              "\n"
                              "iQIzBAEBCgAdFiEE\n"
                              "-----END PGP SIGNATURE-----\n";
    struct hk_securitytxt s;
    struct hk_errmsg em;

    (void)state;
    assert_int_equal(hk_securitytxt_parse(plain, strlen(plain), &s, &em), HK_OK);
    assert_int_equal(s.ncontacts, 2);
    assert_string_equal(s.contacts[1], "tel:+81-3-0000-0000");
    assert_string_equal(s.languages, "ja, en");
    assert_string_equal(s.policy, "https://example.org/policy");
    assert_int_equal(s.expires, 1924991999);
    assert_false(s.signed_);
    hk_securitytxt_release(&s);
    assert_int_equal(hk_securitytxt_parse(sig, strlen(sig), &s, &em), HK_OK);
    assert_true(s.signed_);
    assert_int_equal(s.ncontacts, 1);
    assert_string_equal(s.contacts[0], "mailto:psirt@example.com");
    assert_int_equal(s.expires, 1924992000);
    hk_securitytxt_release(&s);
    assert_int_equal(hk_securitytxt_parse("Policy: x:y\n", 12, &s, &em), HK_EPARSE);
    assert_non_null(strstr(em.text, "no Contact"));
    assert_int_equal(hk_securitytxt_parse("Contact: a\nExpires: soon\n", 25, &s, &em), HK_EPARSE);
    assert_non_null(strstr(em.text, "line 2"));
    assert_int_equal(hk_securitytxt_parse("Contact mailto:x\n", 17, &s, &em), HK_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lpm_v4_random), cmocka_unit_test(test_lpm_v6_random),
        cmocka_unit_test(test_lpm_edges),     cmocka_unit_test(test_prefix_parse),
        cmocka_unit_test(test_domain_asn),    cmocka_unit_test(test_pfx2as),
        cmocka_unit_test(test_securitytxt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
