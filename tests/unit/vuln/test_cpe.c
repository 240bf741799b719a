/* SPDX-License-Identifier: MIT */
/*
 * CPE 2.3 names (src/vuln/cpe.c): formatted strings of NISTIR 7695 (quoting, ANY and NA,
 * wildcards, lowercase folding) parsed and formatted back; malformed names refused with the
 * attribute and the fault named; every row of NISTIR 7696's attribute comparison table
 * (Table 6-2) and name-level relations; version ordering (numeric segments, pre- and
 * post-release words) checked pairwise over a sorted list; ranges and the advisory-to-asset
 * test that the early warning uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hikeshi/cpe.h"

static struct hk_cpe parse_ok(const char *s)
{
    struct hk_cpe c;
    struct hk_errmsg em = {{0}};
    hk_err err = hk_cpe_parse(s, strlen(s), &c, &em);

    if (err != HK_OK)
        fail_msg("'%s' refused: %s", s, em.text);
    return c;
}

static void assert_value(const struct hk_cpe *c, enum hk_cpe_attr a, int kind, const char *v)
{
    size_t n;
    const char *p = hk_cpe_value(c, a, &n);

    assert_int_equal(c->kind[a], kind);
    assert_int_equal(n, strlen(v));
    assert_memory_equal(p, v, n);
}

static void assert_roundtrip(const char *s, const char *want)
{
    struct hk_cpe c = parse_ok(s), again;
    char buf[HK_CPE_MAX_LEN + 1];

    assert_int_equal(hk_cpe_format(&c, buf, sizeof(buf)), HK_OK);
    assert_string_equal(buf, want);
    again = parse_ok(buf);
    assert_memory_equal(&c, &again, sizeof(c));
}

static void test_parse(void **state)
{
    struct hk_cpe c;

    (void)state;
    c = parse_ok("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    assert_value(&c, HK_CPE_PART, HK_CPE_STRING, "a");
    assert_value(&c, HK_CPE_VENDOR, HK_CPE_STRING, "microsoft");
    assert_value(&c, HK_CPE_PRODUCT, HK_CPE_STRING, "internet_explorer");
    assert_value(&c, HK_CPE_VERSION, HK_CPE_STRING, "8.0.6001");
    assert_value(&c, HK_CPE_UPDATE, HK_CPE_STRING, "beta");
    for (int a = HK_CPE_EDITION; a < HK_CPE_NATTR; a++)
        assert_value(&c, (enum hk_cpe_attr)a, HK_CPE_ANY, "");

    c = parse_ok("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
    assert_value(&c, HK_CPE_UPDATE, HK_CPE_NA, "");
    assert_value(&c, HK_CPE_SW_EDITION, HK_CPE_STRING, "online");
    assert_value(&c, HK_CPE_TARGET_SW, HK_CPE_STRING, "win2003");
    assert_value(&c, HK_CPE_TARGET_HW, HK_CPE_STRING, "x64");

    /* NISTIR 7695's quoting example: backslash and dollar quoted. */
    c = parse_ok("cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*");
    assert_value(&c, HK_CPE_VENDOR, HK_CPE_STRING, "foo\\bar");
    assert_value(&c, HK_CPE_PRODUCT, HK_CPE_STRING, "big$money_manager_2010");
    assert_value(&c, HK_CPE_TARGET_HW, HK_CPE_STRING, "80gb");

    /* Wildcards: unquoted at the ends are patterns, quoted ones are literal characters. */
    c = parse_ok("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    assert_value(&c, HK_CPE_VERSION, HK_CPE_PATTERN, "8.\x01");
    assert_value(&c, HK_CPE_UPDATE, HK_CPE_PATTERN, "sp\x02");
    c = parse_ok("cpe:2.3:a:foo:bar:1.0\\*:\\?x:\\-:\\*:*:*:*:*");
    assert_value(&c, HK_CPE_VERSION, HK_CPE_STRING, "1.0*");
    assert_value(&c, HK_CPE_UPDATE, HK_CPE_STRING, "?x");
    assert_value(&c, HK_CPE_EDITION, HK_CPE_STRING, "-");
    assert_value(&c, HK_CPE_LANGUAGE, HK_CPE_STRING, "*");
    c = parse_ok("cpe:2.3:a:foo:*bar*:??1.0:1.0??:?*:*:*:*:*:*");
    assert_value(&c, HK_CPE_PRODUCT, HK_CPE_PATTERN,
                 "\x01"
                 "bar\x01");
    assert_value(&c, HK_CPE_VERSION, HK_CPE_PATTERN,
                 "\x02\x02"
                 "1.0");
    assert_value(&c, HK_CPE_EDITION, HK_CPE_PATTERN, "\x02\x01");
    /* Case folds: CPE matching is case-insensitive. */
    c = parse_ok("cpe:2.3:O:Microsoft:Windows_10:1809:*:*:EN-us:*:*:x64:*");
    assert_value(&c, HK_CPE_PART, HK_CPE_STRING, "o");
    assert_value(&c, HK_CPE_VENDOR, HK_CPE_STRING, "microsoft");
    assert_value(&c, HK_CPE_LANGUAGE, HK_CPE_STRING, "en-us");
    /* A dash inside a value is literal; part may be ANY or NA. */
    c = parse_ok("cpe:2.3:*:-:a-b:-1:*:*:*:*:*:*:*");
    assert_int_equal(c.kind[HK_CPE_PART], HK_CPE_ANY);
    assert_int_equal(c.kind[HK_CPE_VENDOR], HK_CPE_NA);
    assert_value(&c, HK_CPE_VERSION, HK_CPE_STRING, "-1");
}

static void test_format(void **state)
{
    char small[20];
    struct hk_cpe c;

    (void)state;
    assert_roundtrip("cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:"
                     "80gb:*",
                     "cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:"
                     "80gb:*");
    assert_roundtrip("cpe:2.3:a:Microsoft:Internet_Explorer:8.*:sp?:*:*:*:*:*:*",
                     "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    /* Needless quotes of '.', '_' and '-' go; a literal lone '-', '*' or '?' keeps its quote. */
    assert_roundtrip("cpe:2.3:a:foo:b\\_r:1\\.0\\-2:\\-:\\*:\\?:\\::*:*:*",
                     "cpe:2.3:a:foo:b_r:1.0-2:\\-:\\*:\\?:\\::*:*:*");
    c = parse_ok("cpe:2.3:a:foo:bar:1.0:*:*:*:*:*:*:*");
    assert_int_equal(hk_cpe_format(&c, small, sizeof(small)), HK_ETRUNC);
    assert_string_equal(small, "");
}

static void refuse(const char *s, hk_err want, const char *msg)
{
    struct hk_cpe c;
    struct hk_errmsg em = {{0}};

    if (hk_cpe_parse(s, strlen(s), &c, &em) != want)
        fail_msg("'%s' not refused with %d (%s)", s, (int)want, em.text);
    if (!strstr(em.text, msg))
        fail_msg("'%s': message '%s' lacks '%s'", s, em.text, msg);
}

static void test_malformed(void **state)
{
    char big[HK_CPE_MAX_LEN + 40];
    const char nul[] = "cpe:2.3:a:fo\0o:bar:*:*:*:*:*:*:*:*";
    struct hk_cpe c;
    struct hk_errmsg em;

    (void)state;
    refuse("", HK_EPARSE, "must begin 'cpe:2.3:'");
    refuse("cpe:/a:microsoft:internet_explorer:8.0", HK_EPARSE, "must begin 'cpe:2.3:'");
    refuse("CPE:2.3:a:foo:bar:*:*:*:*:*:*:*:*", HK_EPARSE, "must begin");
    refuse("cpe:2.3:a:foo:bar", HK_EPARSE, "only 3 of 11 attributes: version and later missing");
    refuse("cpe:2.3:a:foo:bar:*:*:*:*:*:*:*", HK_EPARSE, "only 10 of 11 attributes: other");
    refuse("cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:*:*", HK_EPARSE, "more than 11 attributes");
    refuse("cpe:2.3:a::bar:*:*:*:*:*:*:*:*", HK_EPARSE, "attribute vendor (offset 10) is empty");
    refuse("cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:", HK_EPARSE, "attribute other (offset 32) is empty");
    refuse("cpe:2.3:a:foo!:bar:*:*:*:*:*:*:*:*", HK_EPARSE,
           "attribute vendor: character '!' at offset 13 must be quoted ('\\!')");
    refuse("cpe:2.3:a:foo:b*r:*:*:*:*:*:*:*:*", HK_EPARSE,
           "attribute product: unquoted '*' at offset 15 inside the value");
    refuse("cpe:2.3:a:foo:b?r:*:*:*:*:*:*:*:*", HK_EPARSE,
           "attribute product (offset 14): unquoted '?' inside the value");
    refuse("cpe:2.3:a:foo:**:*:*:*:*:*:*:*:*", HK_EPARSE, "attribute product (offset 14): '**'");
    refuse("cpe:2.3:a:foo:*?bar:*:*:*:*:*:*:*:*", HK_EPARSE, "unquoted '?' inside the value");
    refuse("cpe:2.3:a:foo:bar?*:*:*:*:*:*:*:*:*", HK_EPARSE, "unquoted '?' inside the value");
    refuse("cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:x\\", HK_EPARSE,
           "attribute other: '\\' at offset 33 quotes nothing");
    refuse("cpe:2.3:a:foo:b\\ar:*:*:*:*:*:*:*:*", HK_EPARSE,
           "attribute product: '\\a' at offset 15 quotes a letter or digit");
    refuse("cpe:2.3:a:foo bar:baz:*:*:*:*:*:*:*:*", HK_EPARSE,
           "attribute vendor: byte 0x20 at offset 13 is not printable ascii");
    refuse("cpe:2.3:a:f\xc3\xa9:baz:*:*:*:*:*:*:*:*", HK_EPARSE, "byte 0xc3 at offset 11");
    refuse("cpe:2.3:x:foo:bar:*:*:*:*:*:*:*:*", HK_EPARSE, "attribute part: must be a, o, h");
    refuse("cpe:2.3:ao:foo:bar:*:*:*:*:*:*:*:*", HK_EPARSE, "attribute part");
    refuse("cpe:2.3:?:foo:bar:*:*:*:*:*:*:*:*", HK_EPARSE, "attribute part");
    assert_int_equal(hk_cpe_parse(nul, sizeof(nul) - 1, &c, &em), HK_EPARSE);
    assert_non_null(strstr(em.text, "byte 0x00 at offset 12"));
    memset(big, 'x', sizeof(big));
    memcpy(big, "cpe:2.3:a:", 10);
    assert_int_equal(hk_cpe_parse(big, HK_CPE_MAX_LEN + 1, &c, &em), HK_ETOOBIG);
    assert_non_null(strstr(em.text, "at most 256"));
    /* The longest accepted name: a vendor filling all the room. */
    memcpy(big + HK_CPE_MAX_LEN - 20, ":bar:*:*:*:*:*:*:*:*", 20);
    assert_int_equal(hk_cpe_parse(big, HK_CPE_MAX_LEN, &c, &em), HK_OK);
    assert_int_equal(c.len[HK_CPE_VENDOR], HK_CPE_MAX_LEN - 10 - 20);
    /* Exactly len bytes are read: a prefix of a valid name is judged as such. */
    assert_int_equal(hk_cpe_parse("cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:*", 20, &c, NULL), HK_EPARSE);
    assert_int_equal(hk_cpe_parse(NULL, 0, &c, NULL), HK_EINVAL);
}

/* Attribute relation of version values src and tgt ("*", "-" or a value as written). */
static enum hk_cpe_rel rel_of(const char *src, const char *tgt)
{
    char a[128], b[128];
    struct hk_cpe s, t;

    snprintf(a, sizeof(a), "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", src);
    snprintf(b, sizeof(b), "cpe:2.3:a:v:p:%s:*:*:*:*:*:*:*", tgt);
    s = parse_ok(a);
    t = parse_ok(b);
    return hk_cpe_compare_attr(&s, &t, HK_CPE_VERSION);
}

static void test_table_6_2(void **state)
{
    (void)state;
    /* NISTIR 7696 Table 6-2, rows 1-17 (i and k values, m + wild cards a pattern). */
    assert_int_equal(rel_of("*", "*"), HK_CPE_EQUAL);
    assert_int_equal(rel_of("*", "-"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("*", "1.0"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("*", "1.*"), HK_CPE_DISJOINT); /* undefined */
    assert_int_equal(rel_of("-", "*"), HK_CPE_SUBSET);
    assert_int_equal(rel_of("-", "-"), HK_CPE_EQUAL);
    assert_int_equal(rel_of("-", "1.0"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("-", "1.*"), HK_CPE_DISJOINT); /* undefined */
    assert_int_equal(rel_of("1.0", "1.0"), HK_CPE_EQUAL);
    assert_int_equal(rel_of("1.0", "2.0"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("1.0", "1.*"), HK_CPE_DISJOINT); /* undefined */
    assert_int_equal(rel_of("1.0", "-"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("1.0", "*"), HK_CPE_SUBSET);
    assert_int_equal(rel_of("1.*", "*"), HK_CPE_SUBSET);
    assert_int_equal(rel_of("1.*", "-"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("1.*", "1.0"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("1.*", "2.0"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("1.*", "1.*"), HK_CPE_DISJOINT); /* undefined */
    /* Patterns. */
    assert_int_equal(rel_of("8.*", "8.0.6001"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("8.*", "8."), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("8.*", "18.0"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("*6001", "8.0.6001"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("*6001", "8.0.6002"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("*.0.*", "8.0.6001"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("*.0.*", "8.1.6001"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("sp?", "sp1"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("sp?", "sp"), HK_CPE_SUPERSET); /* 7696: '?' takes at most one */
    assert_int_equal(rel_of("sp?", "sp12"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("sp??", "sp12"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("??4", "1.4"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("??4", "10.4"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("?*", "x"), HK_CPE_SUPERSET);
    assert_int_equal(rel_of("??", "abc"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("??", "ab"), HK_CPE_SUPERSET);
    /* Quoted wildcards are literal; comparison ignores case. */
    assert_int_equal(rel_of("1\\*", "1\\*"), HK_CPE_EQUAL);
    assert_int_equal(rel_of("1\\*", "12"), HK_CPE_DISJOINT);
    assert_int_equal(rel_of("Beta", "bEta"), HK_CPE_EQUAL);
}

static enum hk_cpe_rel name_rel(const char *src, const char *tgt)
{
    struct hk_cpe s = parse_ok(src), t = parse_ok(tgt);

    return hk_cpe_match(&s, &t);
}

static void test_name_match(void **state)
{
    const char *ie = "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*";

    (void)state;
    assert_int_equal(name_rel(ie, ie), HK_CPE_EQUAL);
    assert_int_equal(name_rel("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", ie),
                     HK_CPE_SUPERSET);
    assert_int_equal(name_rel(ie, "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"),
                     HK_CPE_DISJOINT);
    assert_int_equal(name_rel("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", ie),
                     HK_CPE_SUPERSET);
    assert_int_equal(name_rel(ie, "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*"),
                     HK_CPE_SUBSET);
    assert_int_equal(name_rel("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:-:*:*:*:*:*", ie),
                     HK_CPE_SUBSET);
    assert_int_equal(name_rel("cpe:2.3:a:*:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*",
                              "cpe:2.3:a:microsoft:*:8.0.6001:sp1:*:*:*:*:*:*"),
                     HK_CPE_OVERLAP);
    assert_int_equal(name_rel("cpe:2.3:a:microsoft:edge:*:*:*:*:*:*:*:*", ie), HK_CPE_DISJOINT);
    assert_int_equal(name_rel("cpe:2.3:o:microsoft:internet_explorer:*:*:*:*:*:*:*:*", ie),
                     HK_CPE_DISJOINT);
    assert_int_equal(name_rel("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*", ie), HK_CPE_SUPERSET);
    assert_int_equal(name_rel("cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:"
                              "x64:*",
                              "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:"
                              "x32:*"),
                     HK_CPE_DISJOINT);
    assert_string_equal(hk_cpe_rel_name(HK_CPE_OVERLAP), "OVERLAP");
    assert_string_equal(hk_cpe_attr_name(HK_CPE_TARGET_SW), "target_sw");
}

static int vcmp(const char *a, const char *b)
{
    return hk_cpe_version_cmp(a, strlen(a), b, strlen(b));
}

static void test_version_order(void **state)
{
    /* Ascending; each entry strictly after the previous one. */
    static const char *const order[] = {
        "0.9",
        "1.0-SNAPSHOT",
        "1.0.dev1",
        "1.0a1",
        "1.0alpha2",
        "1.0b1",
        "1.0beta2",
        "1.0pre1",
        "1.0rc1",
        "1.0-rc2",
        "1.0",
        "1.0.2",
        "1.0.2a",
        "1.0.2k",
        "1.0.2sp1",
        "1.0.3",
        "1.1",
        "1.9",
        "1.10",
        "1.10.2",
        "2.0rc1",
        "2.0",
        "2.4.49",
        "2.4.50",
        "10",
        "99999999999999999999",
        "123456789012345678901234567890",
    };
    size_t n = sizeof(order) / sizeof(order[0]);

    (void)state;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = vcmp(order[i], order[j]), want = i < j ? -1 : i > j;

            if ((c > 0) - (c < 0) != want)
                fail_msg("cmp(%s, %s) = %d, want %d", order[i], order[j], c, want);
        }
    assert_int_equal(vcmp("1.0", "1.0.0"), 0);
    assert_int_equal(vcmp("1.0", "1-0"), 0);
    assert_int_equal(vcmp("010", "10"), 0);
    assert_int_equal(vcmp("1.0RC1", "1.0rc1"), 0);
    assert_int_equal(vcmp("1.0a", "1.0A"), 0);
    assert_true(vcmp("1.0.0-beta", "1.0.0") < 0);
    assert_true(vcmp("1.10.2", "1.9") > 0);
    assert_true(vcmp("2.0rc1", "2.0") < 0);
    assert_true(vcmp("", "0") == 0);
    assert_true(vcmp("", "1") < 0);
}

static void test_range(void **state)
{
    struct hk_cpe_range r = {"2.4.0", true, "2.4.50", false};
    struct hk_cpe_range open_start = {NULL, false, "3.0", true};
    struct hk_cpe_range open_end = {"1.1.1", false, NULL, false};

    (void)state;
    assert_true(hk_cpe_version_in_range("2.4.0", 5, &r));
    assert_true(hk_cpe_version_in_range("2.4.49", 6, &r));
    assert_false(hk_cpe_version_in_range("2.4.50", 6, &r));
    assert_false(hk_cpe_version_in_range("2.3.9", 5, &r));
    assert_true(hk_cpe_version_in_range("2.4.50rc1", 9, &r));
    r.start_incl = false;
    r.end_incl = true;
    assert_false(hk_cpe_version_in_range("2.4.0", 5, &r));
    assert_true(hk_cpe_version_in_range("2.4.0.1", 7, &r));
    assert_true(hk_cpe_version_in_range("2.4.50", 6, &r));
    assert_true(hk_cpe_version_in_range("0.1", 3, &open_start));
    assert_true(hk_cpe_version_in_range("3.0.0", 5, &open_start));
    assert_false(hk_cpe_version_in_range("3.0.1", 5, &open_start));
    assert_false(hk_cpe_version_in_range("1.1.1", 5, &open_end));
    assert_true(hk_cpe_version_in_range("1.1.1a", 6, &open_end));
}

static bool affects(const char *crit, const struct hk_cpe_range *r, const char *asset)
{
    struct hk_cpe s = parse_ok(crit), t = parse_ok(asset);

    return hk_cpe_affects(&s, r, &t);
}

static void test_affects(void **state)
{
    const char *crit = "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*";
    struct hk_cpe_range r = {"2.4.49", true, "2.4.51", false};
    struct hk_cpe_range none = {NULL, false, NULL, false};

    (void)state;
    assert_true(affects(crit, &r, "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"));
    assert_true(affects(crit, &r, "cpe:2.3:a:Apache:HTTP_Server:2.4.50:-:*:*:*:linux:x64:*"));
    assert_false(affects(crit, &r, "cpe:2.3:a:apache:http_server:2.4.51:*:*:*:*:*:*:*"));
    assert_false(affects(crit, &r, "cpe:2.3:a:apache:http_server:2.4.48:*:*:*:*:*:*:*"));
    assert_false(affects(crit, &r, "cpe:2.3:a:apache:tomcat:2.4.49:*:*:*:*:*:*:*"));
    assert_false(affects(crit, &r, "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"));
    assert_false(affects(crit, &r, "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*"));
    assert_false(affects("cpe:2.3:a:apache:http_server:*:*:*:*:*:windows:*:*", &r,
                         "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:linux:*:*"));
    /* The criterion is more specific than the asset: not affected (SUBSET). */
    assert_false(affects("cpe:2.3:a:apache:http_server:*:*:*:*:*:windows:*:*", &r,
                         "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"));
    /* Without a range the names decide. */
    assert_true(affects("cpe:2.3:a:apache:http_server:2.4.*:*:*:*:*:*:*:*", NULL,
                        "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"));
    assert_true(affects("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*", &none,
                        "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"));
    assert_false(affects("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*", NULL,
                         "cpe:2.3:a:apache:http_server:2.4.50:*:*:*:*:*:*:*"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),      cmocka_unit_test(test_format),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_table_6_2),
        cmocka_unit_test(test_name_match), cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_range),      cmocka_unit_test(test_affects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
