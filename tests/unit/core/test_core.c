/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/core: the bounded buffer, time parsing and formatting, strict number
 * parsing, hex, UTF-8 repair, and the error table (HTTP statuses and stable code strings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/core.h"

static void test_buf_bounds(void **state)
{
    struct hk_buf b = HK_BUF_INIT(8);

    (void)state;
    assert_string_equal(hk_buf_str(&b), "");
    assert_int_equal(hk_buf_appends(&b, "abcd"), HK_OK);
    assert_int_equal(hk_buf_appendf(&b, "%d", 123), HK_OK);
    assert_string_equal(hk_buf_str(&b), "abcd123");
    /* One more byte fits (8), two do not: the buffer is unchanged after a refusal. */
    assert_int_equal(hk_buf_appends(&b, "xy"), HK_ETOOBIG);
    assert_string_equal(hk_buf_str(&b), "abcd123");
    assert_int_equal(hk_buf_appendc(&b, 'z'), HK_OK);
    assert_int_equal(b.len, 8);
    assert_int_equal(hk_buf_appendf(&b, "%s", "q"), HK_ETOOBIG);
    assert_int_equal(b.buf[b.len], '\0');
    hk_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(hk_buf_str(&b), "");
    hk_buf_release(&b);
}

static void test_buf_detach(void **state)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    size_t n;
    char *p;

    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(hk_buf_appendf(&b, "%04d", i), HK_OK);
    assert_int_equal(b.len, 4000);
    p = hk_buf_detach(&b, &n);
    assert_int_equal(n, 4000);
    assert_memory_equal(p + 3996, "0999", 4);
    assert_null(b.buf);
    free(p);
}

static void test_time(void **state)
{
    static const struct {
        const char *in;
        int64_t want; /* -1: must fail */
    } rows[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2026-11-22T04:26:47Z", 1795321607},
        {"2026-11-22T04:26:47.123Z", 1795321607},
        {"2026-11-22T13:26:47+09:00", 1795321607},
        {"2026-11-22", 1795305600},
        {"2026-11-22 04:26", 1795321560},
        {"2026-13-01", -1},
        {"2026-11-22T25:00:00Z", -1},
        {"yesterday", -1},
        {"2026-11-22Tx", -1},
        {"", -1},
    };
    char out[32];

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t t = 0;
        hk_err err = hk_time_parse(rows[i].in, &t);
        if (rows[i].want < 0) {
            assert_int_equal(err, HK_EPARSE);
        } else {
            assert_int_equal(err, HK_OK);
            assert_int_equal(t, rows[i].want);
        }
    }
    hk_time_fmt(1795321607, out);
    assert_string_equal(out, "2026-11-22T04:26:47Z");
}

static void test_numbers(void **state)
{
    int64_t i;
    uint64_t u;

    (void)state;
    assert_int_equal(hk_parse_i64("-42", &i), HK_OK);
    assert_int_equal(i, -42);
    assert_int_equal(hk_parse_i64("42x", &i), HK_EPARSE);
    assert_int_equal(hk_parse_i64(" 42", &i), HK_EPARSE);
    assert_int_equal(hk_parse_i64("", &i), HK_EPARSE);
    assert_int_equal(hk_parse_i64("99999999999999999999", &i), HK_EPARSE);
    assert_int_equal(hk_parse_u64("18446744073709551615", &u), HK_OK);
    assert_true(u == UINT64_MAX);
    assert_int_equal(hk_parse_u64("-1", &u), HK_EPARSE);
}

static void test_hex_sha(void **state)
{
    uint8_t d[32];
    char hex[65];

    (void)state;
    assert_int_equal(hk_core_init(), HK_OK);
    hk_sha256("abc", 3, d);
    hk_hex(d, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Well-formed UTF-8 is kept byte for byte; each byte of anything else becomes '?' (a
 * sequence cut by the end of the string, overlong forms, surrogates, above U+10FFFF, stray
 * continuation bytes); valid says the same without changing anything. */
static void test_utf8(void **state)
{
    static const struct {
        const char *in, *out;
        size_t bad;
    } cases[] = {
        {"plain ascii", "plain ascii", 0},
        {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5",
         "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\xa5", 0},
        {"cut \xc3", "cut ?", 1},
        {"cut \xe6\x97", "cut ??", 2},
        {"\xff\xfe", "??", 2},
        {"\xc0\xaf", "??", 2},                       /* overlong '/' */
        {"\xe0\x80\xaf", "???", 3},                  /* overlong, three bytes */
        {"\xed\xa0\x80", "???", 3},                  /* a surrogate */
        {"\xf4\x90\x80\x80", "????", 4},             /* above U+10FFFF */
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", 0}, /* U+10FFFF itself */
        {"a\x80"
         "b",
         "a?b", 1}, /* a stray continuation byte */
        {"", "", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char b[32];
        snprintf(b, sizeof(b), "%s", cases[i].in);
        assert_int_equal(hk_utf8_valid(b), cases[i].bad == 0);
        assert_int_equal(hk_utf8_fix(b), cases[i].bad);
        assert_string_equal(b, cases[i].out);
        assert_true(hk_utf8_valid(b));
    }
}

static void test_errors(void **state)
{
    (void)state;
    assert_string_equal(hk_err_code(HK_ENOTFOUND), "HK_ENOTFOUND");
    assert_int_equal(hk_err_http_status(HK_ENOTFOUND), 404);
    assert_int_equal(hk_err_http_status(HK_ETOOBIG), 413);
    assert_int_equal(hk_err_http_status(HK_EAUTH), 401);
    assert_int_equal(hk_err_http_status(HK_EPERM), 403);
    assert_int_equal(hk_err_http_status(HK_ESTATE), 409);
    assert_int_equal(hk_err_exit_code(HK_OK), 0);
    assert_string_equal(hk_strerror((hk_err)9999), "unknown error");
    for (int e = 1; e < HK_ERR__COUNT; e++) {
        assert_true(hk_err_http_status((hk_err)e) >= 400);
        assert_true(hk_err_exit_code((hk_err)e) != 0);
        assert_memory_equal(hk_err_code((hk_err)e), "HK_E", 4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_bounds), cmocka_unit_test(test_buf_detach),
        cmocka_unit_test(test_time),       cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_hex_sha),    cmocka_unit_test(test_errors),
        cmocka_unit_test(test_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
