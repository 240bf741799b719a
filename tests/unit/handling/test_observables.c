/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the observable extractor (src/handling/observables.c): one table row per
 * extraction case (each type, defanged forms, negatives, dedupe, binary input), one per
 * classify case, and separate tests for truncation, list reuse, the dedupe hash table,
 * values near HK_OBS_VALUE_MAX, inputs that are not NUL-terminated, and argument errors.
 * Each extraction row compares the whole result, in order, as "type:value" words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hikeshi/core.h"
#include "hikeshi/observables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD5    "d41d8cd98f00b204e9800998ecf8427e"
#define SHA1   "da39a3ee5e6b4b0d3255bfef95601890afd80709"
#define SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct extract_row {
    const char *name;
    const char *text;
    size_t len; /* the literal's size less its NUL, so rows may hold NUL bytes */
    const char *want;
};

#define ROW(name, text, want)              \
    {                                      \
        name, text, sizeof(text) - 1, want \
    }

static const struct extract_row extract_rows[] = {
    /* IPv4 */
    ROW("ipv4 plain", "seen 198.51.100.7 today", "ipv4:198.51.100.7"),
    ROW("ipv4 leading zeros", "from 192.168.001.010", "ipv4:192.168.1.10"),
    ROW("ipv4 octet over 255", "999.1.1.1 and 1.2.3.256", ""),
    ROW("ipv4 version 5 parts", "version 1.2.3.4.5 released", ""),
    ROW("ipv4 inside names", "v1.2.3.4 build-1.2.3.4 x.1.2.3.4", ""),
    ROW("ipv4 three parts", "1.2.3 and 1.2", ""),
    ROW("ipv4 sentence end", "came from 203.0.113.9.", "ipv4:203.0.113.9"),
    ROW("ipv4 with port", "203.0.113.9:8080", "ipv4:203.0.113.9"),
    ROW("ipv4 range", "10.0.0.1-10.0.0.9", "ipv4:10.0.0.1 ipv4:10.0.0.9"),
    ROW("ipv4 version suffix", "1.2.3.4-beta", ""),
    ROW("ipv4 defanged last dot", "1.2.3[.]4", "ipv4:1.2.3.4"),
    ROW("ipv4 defanged every dot", "198[.]51(.)100{.}7", "ipv4:198.51.100.7"),
    ROW("ipv4 in parentheses", "(10.1.2.3)", "ipv4:10.1.2.3"),
    /* IPv6 */
    ROW("ipv6 upper case", "2001:DB8:0:0::1", "ipv6:2001:db8::1"),
    ROW("ipv6 full form", "2001:0db8:0000:0000:0000:ff00:0042:8329", "ipv6:2001:db8::ff00:42:8329"),
    ROW("ipv6 loopback", "addr ::1 here", "ipv6:::1"),
    ROW("ipv6 embedded ipv4", "::ffff:192.0.2.128", "ipv6:::ffff:192.0.2.128"),
    ROW("ipv6 zone id", "fe80::1%eth0", "ipv6:fe80::1"),
    ROW("ipv6 bracket and port", "[2001:db8::7]:443", "ipv6:2001:db8::7"),
    ROW("ipv6 sentence end", "reach 2001:db8::2.", "ipv6:2001:db8::2"),
    ROW("ipv6 lookalikes", "12:30:45 00:11:22:33:44:55 std::vector", ""),
    ROW("ipv6 bare double colon", "a :: b", ""),
    /* CIDR */
    ROW("cidr normalised", "198.51.100.7/24", "cidr:198.51.100.0/24"),
    ROW("cidr edges", "0.0.0.0/0 192.0.2.1/32", "cidr:0.0.0.0/0 cidr:192.0.2.1/32"),
    ROW("cidr bad prefix", "10.0.0.1/33", "ipv4:10.0.0.1"),
    ROW("cidr is not a bare ip", "10.1.2.3/8", "cidr:10.0.0.0/8"),
    ROW("cidr ipv6", "2001:db8:abcd:12::1/48", "cidr:2001:db8:abcd::/48"),
    /* Domains */
    ROW("domain lower case", "Visit WWW.Example.COM.", "domain:www.example.com"),
    ROW("domain defanged", "evil[.]example[.]net", "domain:evil.example.net"),
    ROW("domain dot words", "evil[dot]com evil(DOT)org", "domain:evil.com domain:evil.org"),
    ROW("domain file names", "invoice.pdf setup.exe readme.txt", ""),
    ROW("domain zip and mov", "archive.zip clip.mov", ""),
    ROW("domain special tlds", "x.test y.example z.invalid printer.local abc.onion",
        "domain:x.test domain:y.example domain:z.invalid domain:printer.local domain:abc.onion"),
    ROW("domain punycode", "xn--80ak6aa92e.com xn--e1afmkfd.xn--p1ai",
        "domain:xn--80ak6aa92e.com domain:xn--e1afmkfd.xn--p1ai"),
    ROW("domain table ends", "a.ac z.zw q.zone", "domain:a.ac domain:z.zw domain:q.zone"),
    ROW("domain unknown tld", "host.corp.lan", ""),
    ROW("domain trailing dots", "example.com...", "domain:example.com"),
    ROW("domain bad labels", "a..b.com bad-.com", ""),
    /* URLs */
    ROW("url basic", "see https://www.Example.com/Path?q=1",
        "url:https://www.example.com/Path?q=1 domain:www.example.com"),
    ROW("url hxxp", "hxxp://evil[.]com/x", "url:http://evil.com/x domain:evil.com"),
    ROW("url defanged colon", "hxxps[:]//evil[.]com/", "url:https://evil.com/ domain:evil.com"),
    ROW("url h**p", "h**p://bad.example.org/a",
        "url:http://bad.example.org/a domain:bad.example.org"),
    ROW("url fxp", "FXP://files.example.net/pub",
        "url:ftp://files.example.net/pub domain:files.example.net"),
    ROW("url bracket separator", "http[://]x.test", "url:http://x.test domain:x.test"),
    ROW("url trailing punctuation", "(see http://x.test/a).", "url:http://x.test/a domain:x.test"),
    ROW("url balanced parentheses", "http://x.test/wiki/A_(b)",
        "url:http://x.test/wiki/A_(b) domain:x.test"),
    ROW("url quotes and angles", "<a href=\"http://x.test/q\">",
        "url:http://x.test/q domain:x.test"),
    ROW("url ipv4 host", "http://203.0.113.5:8080/gate.php",
        "url:http://203.0.113.5:8080/gate.php ipv4:203.0.113.5"),
    ROW("url ipv6 host", "http://[2001:DB8::1]/x", "url:http://[2001:db8::1]/x ipv6:2001:db8::1"),
    ROW("url bad ip host", "http://999.1.1.1/x", ""),
    ROW("url unknown tld host", "http://localhost:8000/x", "url:http://localhost:8000/x"),
    ROW("url userinfo", "ftp://user:pw@Files.Example.com/",
        "url:ftp://user:pw@files.example.com/ domain:files.example.com"),
    ROW("url nested defang dropped", "http://x.test/[[.]]", "domain:x.test"),
    /* E-mail */
    ROW("email", "Contact John.Doe+cert@Example.ORG",
        "email:john.doe+cert@example.org domain:example.org"),
    ROW("email defanged", "bob[at]evil[dot]com alice[@]evil[.]net carol(at)x.test",
        "email:bob@evil.com domain:evil.com email:alice@evil.net domain:evil.net "
        "email:carol@x.test domain:x.test"),
    ROW("email without tld", "root@localhost admin@intranet", ""),
    ROW("email bad local part", "a..b@example.com", "domain:example.com"),
    /* Hashes */
    ROW("md5 upper case", "MD5: D41D8CD98F00B204E9800998ECF8427E", "md5:" MD5),
    ROW("sha1", "sha1=" SHA1, "sha1:" SHA1),
    ROW("sha256", "[" SHA256 "]", "sha256:" SHA256),
    ROW("hash as file name", MD5 ".bin", "md5:" MD5),
    ROW("hash after underscore", "sample_" MD5, "md5:" MD5),
    ROW("hex run of 33", MD5 "0", ""),
    ROW("hex run of 31", "d41d8cd98f00b204e9800998ecf8427", ""),
    ROW("hash bounded by a letter", "x" MD5, ""),
    ROW("hex run with a non-hex letter", "d41d8cd98f00b204e9800998ecf8427g", ""),
    /* CVE */
    ROW("cve any case", "cve-2017-0144 and CVE-2021-44228", "cve:CVE-2017-0144 cve:CVE-2021-44228"),
    ROW("cve with suffix", "CVE-2021-44228-poc.py", "cve:CVE-2021-44228"),
    ROW("cve malformed", "CVE-17-0144 CVE-2017-14 CVE-1988-0001 CVE-2017-01444", ""),
    ROW("cve long sequence", "CVE-2021-1234567", "cve:CVE-2021-1234567"),
    /* ASN */
    ROW("asn forms", "AS64496 asn15169 AS 13335", "asn:AS64496 asn:AS15169 asn:AS13335"),
    ROW("asn rejects", "AS AS0 AS4294967296 as 5 ASN AS012", ""),
    ROW("asn maximum", "AS4294967295", "asn:AS4294967295"),
    /* Dedupe, binary input, boundaries */
    ROW("dedupe keeps first order", "1.2.3.4 x.test 1.2.3.4 X.TEST http://x.test/",
        "ipv4:1.2.3.4 domain:x.test url:http://x.test/"),
    ROW("embedded nul bytes", "a\0 1.2.3.4\0evil.com\0", "ipv4:1.2.3.4 domain:evil.com"),
    ROW("invalid utf-8",
        "\xff\xfe"
        "1.2.3.4\xc3(evil.com\x80",
        "ipv4:1.2.3.4 domain:evil.com"),
    ROW("nul inside a domain", "evil\0.com", ""),
    ROW("empty text", "", ""),
    ROW("mixed report",
        "Phishing from 203.0.113.50 (AS64500) at hxxps://login-example[.]com/verify "
        "reported by soc@example.org; payload " SHA256 " exploits CVE-2023-23397.",
        "ipv4:203.0.113.50 asn:AS64500 url:https://login-example.com/verify "
        "domain:login-example.com email:soc@example.org domain:example.org sha256:" SHA256
        " cve:CVE-2023-23397"),
};

/* Formats l as "type:value type:value". */
static void list_fmt(const struct hk_obs_list *l, struct hk_buf *b)
{
    hk_buf_reset(b);
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(hk_buf_appendf(b, "%s%s:%s", i ? " " : "",
                                        hk_obs_type_name(l->items[i].type), l->items[i].value),
                         HK_OK);
}

/* Extracts from a heap copy of exactly len bytes, so that a read past len is caught by
 * ASan, and checks the list invariants. */
static void extract_exact(const char *text, size_t len, struct hk_obs_list *l)
{
    char *copy = malloc(len ? len : 1);

    assert_non_null(copy);
    memcpy(copy, text, len);
    assert_int_equal(hk_obs_extract(copy, len, l), HK_OK);
    free(copy);
    assert_true(l->n <= l->max);
    for (size_t i = 0; i < l->n; i++)
        assert_int_equal(l->items[i].len, strlen(l->items[i].value));
}

static void test_extract_table(void **state)
{
    struct hk_obs_list l;
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    int failed = 0;

    (void)state;
    hk_obs_list_init(&l, HK_OBS_DEFAULT_MAX);
    for (size_t r = 0; r < sizeof(extract_rows) / sizeof(extract_rows[0]); r++) {
        const struct extract_row *row = &extract_rows[r];

        extract_exact(row->text, row->len, &l);
        list_fmt(&l, &b);
        if (strcmp(hk_buf_str(&b), row->want) != 0) {
            print_error("row '%s':\n   got  '%s'\n   want '%s'\n", row->name, hk_buf_str(&b),
                        row->want);
            failed++;
        }
        assert_int_equal(l.truncated, 0);
    }
    hk_buf_release(&b);
    hk_obs_list_release(&l);
    assert_int_equal(failed, 0);
}

struct classify_row {
    const char *in;
    hk_err err;
    enum hk_obs_type type;
    const char *want;
};

static const struct classify_row classify_rows[] = {
    {" 198.51.100.7 ", HK_OK, HK_OBS_IPV4, "198.51.100.7"},
    {"Example[.]COM", HK_OK, HK_OBS_DOMAIN, "example.com"},
    {"example.com.", HK_OK, HK_OBS_DOMAIN, "example.com"},
    {"hxxp://x.test/a", HK_OK, HK_OBS_URL, "http://x.test/a"},
    {"cve-2017-0144", HK_OK, HK_OBS_CVE, "CVE-2017-0144"},
    {"as64496", HK_OK, HK_OBS_ASN, "AS64496"},
    {"as 64496", HK_OK, HK_OBS_ASN, "AS64496"},
    {"::", HK_OK, HK_OBS_IPV6, "::"},
    {"\t2001:DB8::1\n", HK_OK, HK_OBS_IPV6, "2001:db8::1"},
    {"198.51.100.7/24", HK_OK, HK_OBS_CIDR, "198.51.100.0/24"},
    {"user[at]Example.com", HK_OK, HK_OBS_EMAIL, "user@example.com"},
    {"D41D8CD98F00B204E9800998ECF8427E", HK_OK, HK_OBS_MD5, MD5},
    {SHA1, HK_OK, HK_OBS_SHA1, SHA1},
    {SHA256, HK_OK, HK_OBS_SHA256, SHA256},
    {"1.2.3.4 5", HK_EINVAL, HK_OBS_IPV4, ""},
    {"invoice.pdf", HK_EINVAL, HK_OBS_IPV4, ""},
    {"", HK_EINVAL, HK_OBS_IPV4, ""},
    {"   ", HK_EINVAL, HK_OBS_IPV4, ""},
    {"http://x.test/a b", HK_EINVAL, HK_OBS_IPV4, ""},
    {"CVE-2021-44228-poc", HK_EINVAL, HK_OBS_IPV4, ""},
    {"AS", HK_EINVAL, HK_OBS_IPV4, ""},
    {"999.1.1.1", HK_EINVAL, HK_OBS_IPV4, ""},
    {"user@localhost", HK_EINVAL, HK_OBS_IPV4, ""},
};

static void test_classify_table(void **state)
{
    char out[HK_OBS_VALUE_MAX + 1];
    enum hk_obs_type type;
    int failed = 0;

    (void)state;
    for (size_t r = 0; r < sizeof(classify_rows) / sizeof(classify_rows[0]); r++) {
        const struct classify_row *row = &classify_rows[r];
        hk_err err;

        type = HK_OBS__COUNT;
        err = hk_obs_classify(row->in, &type, out, sizeof(out));
        if (err != row->err || strcmp(out, row->want) != 0 || (err == HK_OK && type != row->type)) {
            print_error("classify '%s': got %d %s '%s', want %d %s '%s'\n", row->in, (int)err,
                        hk_obs_type_name(type), out, (int)row->err, hk_obs_type_name(row->type),
                        row->want);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void test_truncation(void **state)
{
    static const char text[] = "1.1.1.1 2.2.2.2 1.1.1.1 3.3.3.3";
    struct hk_obs_list l;

    (void)state;
    hk_obs_list_init(&l, 2);
    assert_int_equal(hk_obs_extract(text, 23, &l), HK_OK); /* the third is a duplicate */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.truncated, 0);
    assert_int_equal(hk_obs_extract(text, sizeof(text) - 1, &l), HK_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.truncated, 1);
    assert_string_equal(l.items[1].value, "2.2.2.2");
    /* The list is reset by every call. */
    assert_int_equal(hk_obs_extract("nothing here", 12, &l), HK_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.truncated, 0);
    hk_obs_list_release(&l);
    hk_obs_list_release(&l);
    assert_null(l.items);
}

/* Enough distinct values to switch dedupe to the hash table, each seen twice. */
static void test_many_values(void **state)
{
    struct hk_buf text = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_obs_list l;
    char want[32];

    (void)state;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 600; i++)
            assert_int_equal(
                hk_buf_appendf(&text, "10.%d.%d.1 h%d.example.com ", i / 256, i % 256, i), HK_OK);
    hk_obs_list_init(&l, 0);
    assert_int_equal(l.max, HK_OBS_DEFAULT_MAX);
    l.max = 5000;
    extract_exact(hk_buf_str(&text), text.len, &l);
    assert_int_equal(l.n, 1200);
    assert_int_equal(l.truncated, 0);
    (void)snprintf(want, sizeof(want), "h%d.example.com", 599);
    assert_string_equal(l.items[1199].value, want);
    assert_string_equal(l.items[1198].value, "10.2.87.1");
    l.max = 1000;
    extract_exact(hk_buf_str(&text), text.len, &l);
    assert_int_equal(l.n, 1000);
    assert_int_equal(l.truncated, 1);
    hk_obs_list_release(&l);
    hk_buf_release(&text);
}

/* Writes three 63-byte labels, a label of last bytes and ".com": 196 + last + 4 bytes. */
static size_t make_domain(char *out, size_t last)
{
    size_t n = 0;

    for (int i = 0; i < 3; i++) {
        memset(out + n, 'b', 63);
        out[n + 63] = '.';
        n += 64;
    }
    memset(out + n, 'c', last);
    n += last;
    out[n++] = '.';
    out[n++] = 'c';
    out[n++] = 'o';
    out[n++] = 'm';
    return n;
}

/* A URL of exactly HK_OBS_VALUE_MAX bytes is kept; one byte more is skipped (its host is
 * still found as a domain). Domains stop at 253 bytes. */
static void test_value_limits(void **state)
{
    char text[HK_OBS_VALUE_MAX + 64];
    struct hk_obs_list l;
    size_t n;

    (void)state;
    hk_obs_list_init(&l, 0);
    n = (size_t)snprintf(text, sizeof(text), "http://x.test/");
    memset(text + n, 'a', HK_OBS_VALUE_MAX - n);
    extract_exact(text, HK_OBS_VALUE_MAX, &l);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].type, HK_OBS_URL);
    assert_int_equal(l.items[0].len, HK_OBS_VALUE_MAX);
    text[HK_OBS_VALUE_MAX] = 'a';
    extract_exact(text, HK_OBS_VALUE_MAX + 1, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].type, HK_OBS_DOMAIN);

    extract_exact(text, make_domain(text, 57), &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].len, 253);
    extract_exact(text, make_domain(text, 58), &l);
    assert_int_equal(l.n, 0);
    hk_obs_list_release(&l);
}

/* The text is a slice of a larger buffer: nothing past len may be used. */
static void test_not_nul_terminated(void **state)
{
    static const char text[] = "example.comX 10.0.0.15";
    struct hk_obs_list l;

    (void)state;
    hk_obs_list_init(&l, 0);
    extract_exact(text, 11, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].value, "example.com");
    extract_exact(text + 13, 8, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].value, "10.0.0.1");
    extract_exact("hxxp://evil[.", 13, &l);
    assert_int_equal(l.n, 0);
    hk_obs_list_release(&l);
}

static void test_type_names(void **state)
{
    enum hk_obs_type t;

    (void)state;
    for (int i = 0; i < HK_OBS__COUNT; i++) {
        assert_int_equal(hk_obs_type_parse(hk_obs_type_name((enum hk_obs_type)i), &t), HK_OK);
        assert_int_equal(t, i);
    }
    assert_string_equal(hk_obs_type_name(HK_OBS_SHA256), "sha256");
    assert_string_equal(hk_obs_type_name(HK_OBS__COUNT), "unknown");
    assert_int_equal(hk_obs_type_parse("IPv4", &t), HK_OK);
    assert_int_equal(t, HK_OBS_IPV4);
    assert_int_equal(hk_obs_type_parse("hostname", &t), HK_EINVAL);
    assert_int_equal(hk_obs_type_parse(NULL, &t), HK_EINVAL);
}

static void test_bad_arguments(void **state)
{
    struct hk_obs_list l;
    enum hk_obs_type t;
    char small[8];

    (void)state;
    hk_obs_list_init(&l, 0);
    assert_int_equal(hk_obs_extract(NULL, 3, &l), HK_EINVAL);
    assert_int_equal(hk_obs_extract(NULL, 0, &l), HK_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(hk_obs_extract("1.2.3.4", 7, NULL), HK_EINVAL);
    assert_int_equal(hk_obs_classify(NULL, &t, small, sizeof(small)), HK_EINVAL);
    assert_int_equal(hk_obs_classify("1.2.3.4", &t, small, sizeof(small)), HK_OK);
    assert_int_equal(hk_obs_classify("198.51.100.7", &t, small, sizeof(small)), HK_ETRUNC);
    assert_string_equal(small, "");
    hk_obs_list_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract_table), cmocka_unit_test(test_classify_table),
        cmocka_unit_test(test_truncation),    cmocka_unit_test(test_many_values),
        cmocka_unit_test(test_value_limits),  cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_type_names),    cmocka_unit_test(test_bad_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
