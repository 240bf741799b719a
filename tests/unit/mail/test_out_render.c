/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of outgoing-mail rendering (src/mail/out_tpl.c, out_render.c, out_attach.c):
 * the template language (substitution, sections, control characters in values, unknown
 * names, malformed tags, depth and size bounds), every shipped template against a full
 * notice in both languages, the TLP sentences, the team's local time, CSV quoting
 * (RFC 4180) and X-ARF v4 reports checked member by member against xarf-core.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/mail.h"

static hk_err tpl(const char *t, const char *ctxjson, unsigned flags, char **out,
                  struct hk_errmsg *m)
{
    json_t *ctx = json_loads(ctxjson, 0, NULL);
    struct hk_buf b = HK_BUF_INIT(4096);
    hk_err err;

    assert_non_null(ctx);
    err = hk_mail_tpl_render(t, strlen(t), ctx, flags, &b, m);
    *out = hk_xstrdup(hk_buf_str(&b));
    hk_buf_release(&b);
    json_decref(ctx);
    return err;
}

static void expect(const char *t, const char *ctx, unsigned flags, const char *want)
{
    struct hk_errmsg m = {{0}};
    char *got;

    if (tpl(t, ctx, flags, &got, &m) != HK_OK)
        fail_msg("template '%s': %s", t, m.text);
    assert_string_equal(got, want);
    free(got);
}

static void expect_err(const char *t, const char *ctx, hk_err want, const char *msg_part)
{
    struct hk_errmsg m = {{0}};
    char *got;

    assert_int_equal(tpl(t, ctx, 0, &got, &m), want);
    if (!strstr(m.text, msg_part))
        fail_msg("error '%s' does not mention '%s'", m.text, msg_part);
    /* A failed render leaves nothing behind. */
    assert_string_equal(got, "");
    free(got);
}

static void test_tpl_substitution(void **state)
{
    (void)state;
    expect("a {{x}} b", "{\"x\": \"X\"}", 0, "a X b");
    expect("{{ x }}{{n}}{{t}}{{f}}[{{z}}]",
           "{\"x\":\"1\",\"n\":42,\"t\":true,\"f\":false,\"z\":null}", 0, "142truefalse[]");
    expect("{{team.name}}", "{\"team\": {\"name\": \"CERT-X\"}}", 0, "CERT-X");
    expect("no tags at all { } }}", "{}", 0, "no tags at all { } }}");
    expect("{{! a comment }}x", "{}", 0, "x");
    /* Inserted values are never re-expanded. */
    expect("{{x}}", "{\"x\": \"{{y}}\"}", 0, "{{y}}");
    /* UTF-8 passes through untouched. */
    expect("{{x}}様", "{\"x\": \"日本CSIRT\"}", 0, "日本CSIRT様");
}

static void test_tpl_sections(void **state)
{
    const char *ctx = "{\"rows\": [{\"ip\": \"192.0.2.1\"}, {\"ip\": \"192.0.2.2\"}],"
                      "\"empty\": [], \"s\": \"\", \"yes\": \"y\", \"who\": \"T\"}";

    (void)state;
    expect("{{#each rows}}{{@n}}:{{ip}}/{{who}};{{/each}}", ctx, 0, "1:192.0.2.1/T;2:192.0.2.2/T;");
    expect("{{#if yes}}A{{else}}B{{/if}}{{#if s}}C{{else}}D{{/if}}", ctx, 0, "AD");
    expect("{{#unless empty}}none{{/unless}}{{#if rows}}some{{/if}}", ctx, 0, "nonesome");
    expect("{{#each empty}}x{{/each}}.", ctx, 0, ".");
    expect("{{#each rows}}{{#if ip}}[{{ip}}]{{/if}}{{/each}}", "{\"rows\":[{\"ip\":\"a\"}]}", 0,
           "[a]");
    expect("{{#each l}}{{.}},{{/each}}", "{\"l\": [\"a\", 2]}", 0, "a,2,");
    /* Standalone block tags take their line with them. */
    expect("x\n{{#if yes}}\n  in\n{{/if}}\ny\n", ctx, 0, "x\n  in\ny\n");
    expect("x\n  {{#each rows}}  \n- {{ip}}\n{{/each}}\n", ctx, 0, "x\n- 192.0.2.1\n- 192.0.2.2\n");
}

static void test_tpl_escaping(void **state)
{
    const char *ctx = "{\"v\": \"a\\r\\nBcc: evil@example.com\\u0007\\tz\\u007f\"}";

    (void)state;
    /* Control characters are dropped; in line mode (Subject) newlines and tabs flatten. */
    expect("{{v}}", ctx, 0, "a\nBcc: evil@example.com\tz");
    expect("S: {{v}}", ctx, HK_MAIL_TPL_LINE, "S: a Bcc: evil@example.com z");
}

static void test_tpl_errors(void **state)
{
    char deep[512] = "", *got;
    struct hk_errmsg m = {{0}};
    json_t *ctx = json_pack("{s:s}", "x", "0123456789");
    struct hk_buf small = HK_BUF_INIT(25);

    (void)state;
    expect_err("a {{missing}}", "{}", HK_EINVAL, "unknown name 'missing'");
    expect_err("line1\n{{#if x}}", "{\"x\":1}", HK_EPARSE, "line 2");
    expect_err("{{#if x}}a{{/each}}", "{\"x\":1}", HK_EPARSE, "closes");
    expect_err("{{x", "{\"x\":1}", HK_EPARSE, "without '}}'");
    expect_err("{{#loop x}}{{/loop}}", "{\"x\":1}", HK_EPARSE, "unknown section");
    expect_err("{{a b}}", "{}", HK_EPARSE, "bad name");
    expect_err("{{#each x}}{{/each}}", "{\"x\":\"s\"}", HK_EINVAL, "not a list");
    expect_err("{{x}}", "{\"x\":[1]}", HK_EINVAL, "not a scalar");
    expect_err("{{/if}}", "{}", HK_EPARSE, "unexpected");
    expect_err("{{@n}}", "{}", HK_EINVAL, "outside #each");
    /* Nesting is bounded. */
    for (int i = 0; i < HK_MAIL_TPL_DEPTH + 1; i++)
        strcat(deep, "{{#if x}}");
    for (int i = 0; i < HK_MAIL_TPL_DEPTH + 1; i++)
        strcat(deep, "{{/if}}");
    expect_err(deep, "{\"x\":1}", HK_ETOOBIG, "nested deeper");
    /* Output is bounded by the buffer and a refusal leaves it unchanged. */
    assert_int_equal(hk_buf_appends(&small, "keep"), HK_OK);
    assert_int_equal(hk_mail_tpl_render("{{x}}{{x}}{{x}}", 15, ctx, 0, &small, &m), HK_ETOOBIG);
    assert_non_null(strstr(m.text, "exceeds"));
    assert_string_equal(hk_buf_str(&small), "keep");
    /* The template itself is bounded. */
    got = hk_xcalloc(1, HK_MAIL_TPL_MAX + 2);
    memset(got, 'a', HK_MAIL_TPL_MAX + 1);
    assert_int_equal(hk_mail_tpl_render(got, HK_MAIL_TPL_MAX + 1, ctx, 0, &small, &m), HK_ETOOBIG);
    free(got);
    hk_buf_release(&small);
    json_decref(ctx);
}

static struct hk_mail_row rows[30];
static char obs[30][48];

static struct hk_mail_notice notice(enum hk_mail_kind kind, const char *lang, size_t nrows)
{
    struct hk_mail_notice n = {0};

    for (int i = 0; i < 30; i++) {
        (void)snprintf(obs[i], sizeof(obs[i]), "198.51.100.%d", i + 1);
        rows[i] = (struct hk_mail_row){obs[i], 1795000000 + i * 60, 445, "tcp", NULL};
    }
    rows[0].description = "SMB probe, \"wormlike\"\nsecond line";
    n.kind = kind;
    n.lang = lang;
    n.ticket = 123;
    n.team_name = "CERT Example";
    n.team_tz = "Asia/Tokyo";
    n.title = "Worm-like scanning of 445/tcp";
    n.summary = "Hosts in your network probed our sensors.";
    n.rsit_class = "information-gathering";
    n.rsit_type = "scanner";
    n.tlp = "amber+strict";
    n.reply_by = 1795600000;
    n.rows = rows;
    n.nrows = nrows;
    n.formats = HK_MAIL_ATTACH_CSV;
    return n;
}

static const struct hk_mail_config cfg = {
    .from = "Example CSIRT <csirt@example.net>",
    .org = "Example CSIRT",
    .org_domain = "example.net",
};

static void render(const struct hk_mail_notice *n, char **subj, char **body)
{
    struct hk_buf s = HK_BUF_INIT(HK_MAIL_BODY_MAX), b = HK_BUF_INIT(HK_MAIL_BODY_MAX);
    struct hk_errmsg m = {{0}};

    if (hk_mail_notice_render(n, &cfg, &s, &b, &m))
        fail_msg("render %d/%s: %s", n->kind, n->lang, m.text);
    *subj = hk_buf_detach(&s, NULL);
    *body = hk_buf_detach(&b, NULL);
}

static void test_notice_en(void **state)
{
    struct hk_mail_notice n = notice(HK_MAIL_NOTIFY, "en", 25);
    char *s, *b;

    (void)state;
    render(&n, &s, &b);
    assert_true(!strncmp(s, "[hikeshi#123] TLP:AMBER+STRICT ", 31));
    assert_non_null(strstr(s, "25 addresses"));
    assert_null(strchr(s, '\n'));
    assert_non_null(strstr(b, "Dear CERT Example,"));
    assert_non_null(strstr(b, "within their organization only."));
    assert_non_null(strstr(b, "information-gathering/scanner"));
    /* UTC and the team's zone (Asia/Tokyo is UTC+9: 11:06:40 UTC is 20:06:40 JST). */
    assert_non_null(strstr(b, "2026-11-18 11:06:40 UTC"));
    assert_non_null(strstr(b, "2026-11-18 20:06:40 JST"));
    /* The first 20 inline, the rest announced with the attachment's name. */
    assert_non_null(strstr(b, "20. 198.51.100.20 "));
    assert_null(strstr(b, "198.51.100.21 "));
    assert_non_null(strstr(b, "and 5 more"));
    assert_non_null(strstr(b, "hikeshi-123.csv"));
    assert_non_null(strstr(b, "keep [hikeshi#123] in the subject"));
    /* No unrendered tag and no blank-line debris from block tags. */
    assert_null(strstr(b, "{{"));
    assert_null(strstr(b, "\n\n\n"));
    free(s);
    free(b);
}

static void test_notice_ja(void **state)
{
    struct hk_mail_notice n = notice(HK_MAIL_NOTIFY, "ja", 3);
    char *s, *b;

    (void)state;
    n.team_tz = NULL;
    render(&n, &s, &b);
    assert_true(!strncmp(s, "[hikeshi#123] TLP:AMBER+STRICT ご確認と対応のお願い", 30));
    assert_non_null(strstr(s, "アドレス 3 件"));
    assert_non_null(strstr(b, "CERT Example ご担当者様"));
    assert_non_null(strstr(b, "自組織の中だけで共有できます"));
    assert_non_null(strstr(b, "初回観測: 2026-11-18 11:06:40 UTC\n"));
    assert_null(strstr(b, "JST")); /* no zone given: UTC only */
    assert_non_null(strstr(b, "3. 198.51.100.3"));
    assert_non_null(strstr(b, "同じ内容を機械処理用に添付しています"));
    assert_null(strstr(b, "{{"));
    free(s);
    free(b);
}

static void test_every_template(void **state)
{
    static const char *langs[] = {"en", "ja"};
    static const enum hk_mail_kind kinds[] = {HK_MAIL_NOTIFY, HK_MAIL_REMINDER, HK_MAIL_ACK};

    (void)state;
    for (size_t k = 0; k < 3; k++)
        for (size_t l = 0; l < 2; l++) {
            /* With everything, and with nothing optional: both must render. */
            struct hk_mail_notice full = notice(kinds[k], langs[l], 30), bare = {0};
            char *s, *b;

            full.their_reference = "CERT-X#77";
            full.request = "Please disinfect.";
            render(&full, &s, &b);
            /* Acknowledgements carry the report's number as R<id> (not an investigation). */
            assert_non_null(
                strstr(s, kinds[k] == HK_MAIL_ACK ? "[hikeshi#R123]" : "[hikeshi#123]"));
            assert_null(strstr(b, "{{"));
            if (kinds[k] == HK_MAIL_REMINDER)
                assert_non_null(strstr(b, "CERT-X#77"));
            if (kinds[k] != HK_MAIL_ACK)
                assert_non_null(strstr(b, "Please disinfect."));
            free(s);
            free(b);
            bare.kind = kinds[k];
            bare.lang = langs[l];
            bare.ticket = 9;
            render(&bare, &s, &b);
            assert_non_null(strstr(s, kinds[k] == HK_MAIL_ACK ? "[hikeshi#R9]" : "[hikeshi#9]"));
            free(s);
            free(b);
        }
}

static void test_notice_bad_input(void **state)
{
    struct hk_mail_notice n = notice(HK_MAIL_NOTIFY, "en", 1);
    struct hk_buf s = HK_BUF_INIT(4096), b = HK_BUF_INIT(4096);
    struct hk_errmsg m = {{0}};
    char *big = hk_xcalloc(1, HK_MAIL_FIELD_MAX + 2);

    (void)state;
    n.tlp = "purple";
    assert_int_equal(hk_mail_notice_render(&n, &cfg, &s, &b, &m), HK_EINVAL);
    assert_non_null(strstr(m.text, "purple"));
    n.tlp = "TLP:WHITE"; /* TLP 1.0 spelling maps to CLEAR */
    assert_int_equal(hk_mail_notice_render(&n, &cfg, &s, &b, &m), HK_OK);
    assert_non_null(strstr(hk_buf_str(&s), "TLP:CLEAR"));
    hk_buf_reset(&s);
    hk_buf_reset(&b);
    memset(big, 'x', HK_MAIL_FIELD_MAX + 1);
    n.summary = big;
    assert_int_equal(hk_mail_notice_render(&n, &cfg, &s, &b, &m), HK_ETOOBIG);
    n.summary = "\xff\xfe not utf-8";
    assert_int_equal(hk_mail_notice_render(&n, &cfg, &s, &b, &m), HK_EINVAL);
    /* The body is bounded by the caller's buffer. */
    n = notice(HK_MAIL_NOTIFY, "en", 30);
    b.max = 200;
    assert_int_equal(hk_mail_notice_render(&n, &cfg, &s, &b, &m), HK_ETOOBIG);
    free(big);
    hk_buf_release(&s);
    hk_buf_release(&b);
}

static void test_tlp(void **state)
{
    (void)state;
    assert_string_equal(hk_mail_tlp_norm("tlp:amber+strict"), "AMBER+STRICT");
    assert_string_equal(hk_mail_tlp_norm("Red"), "RED");
    assert_null(hk_mail_tlp_norm("AMBER+"));
    assert_non_null(strstr(hk_mail_tlp_sentence("RED", "en"), "no further disclosure"));
    assert_non_null(strstr(hk_mail_tlp_sentence("GREEN", "ja"), "コミュニティ"));
    assert_non_null(strstr(hk_mail_tlp_sentence("CLEAR", "fr"), "no limit on disclosure"));
}

static void test_csv(void **state)
{
    struct hk_mail_row r[3] = {
        {"192.0.2.1", 1795000000, 22, "tcp", "plain"},
        {"2001:db8::1", 0, 0, NULL, "has, comma and \"quotes\""},
        {"host.example.org", 1795000060, 53, "udp", "two\r\nlines"},
    };
    struct hk_buf b = HK_BUF_INIT(4096);

    (void)state;
    assert_int_equal(hk_mail_csv_fmt(r, 3, &b), HK_OK);
    assert_string_equal(hk_buf_str(&b),
                        "time,observable,port,proto,description\r\n"
                        "2026-11-18T11:06:40Z,192.0.2.1,22,tcp,plain\r\n"
                        ",2001:db8::1,,,\"has, comma and \"\"quotes\"\"\"\r\n"
                        "2026-11-18T11:07:40Z,host.example.org,53,udp,\"two\r\nlines\"\r\n");
    b.max = b.len + 10;
    assert_int_equal(hk_mail_csv_fmt(r, 3, &b), HK_ETOOBIG);
    hk_buf_release(&b);
}

static bool is_uuid4(const char *s)
{
    if (strlen(s) != 36 || s[14] != '4' || !strchr("89ab", s[19]))
        return false;
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-'
                                                      : !strchr("0123456789abcdef", s[i]))
            return false;
    return true;
}

static void check_contact(json_t *c)
{
    assert_true(json_is_object(c));
    assert_int_equal(json_object_size(c), 3); /* additionalProperties: false */
    assert_string_equal(json_string_value(json_object_get(c, "org")), "Example CSIRT");
    assert_string_equal(json_string_value(json_object_get(c, "contact")), "csirt@example.net");
    assert_string_equal(json_string_value(json_object_get(c, "domain")), "example.net");
}

static void test_xarf(void **state)
{
    struct hk_mail_notice n = notice(HK_MAIL_NOTIFY, "en", 2);
    struct hk_buf b = HK_BUF_INIT(1 << 20);
    struct hk_errmsg m = {{0}};
    json_error_t je;
    json_t *doc, *r;
    int64_t t;

    (void)state;
    assert_int_equal(hk_mail_xarf_fmt(&n, &cfg, &b, &m), HK_OK);
    doc = json_loads(hk_buf_str(&b), JSON_REJECT_DUPLICATES, &je);
    assert_non_null(doc);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 2);
    r = json_array_get(doc, 1);
    /* xarf-core.json's required members, with their formats. */
    assert_string_equal(json_string_value(json_object_get(r, "xarf_version")), "4.0.0");
    assert_true(is_uuid4(json_string_value(json_object_get(r, "report_id"))));
    assert_int_equal(hk_time_parse(json_string_value(json_object_get(r, "timestamp")), &t), HK_OK);
    assert_int_equal(t, 1795000060);
    check_contact(json_object_get(r, "reporter"));
    check_contact(json_object_get(r, "sender"));
    assert_string_equal(json_string_value(json_object_get(r, "source_identifier")), "198.51.100.2");
    /* connection/port_scan requires protocol and first_seen. */
    assert_string_equal(json_string_value(json_object_get(r, "category")), "connection");
    assert_string_equal(json_string_value(json_object_get(r, "type")), "port_scan");
    assert_string_equal(json_string_value(json_object_get(r, "protocol")), "tcp");
    assert_string_equal(json_string_value(json_object_get(r, "first_seen")),
                        json_string_value(json_object_get(r, "timestamp")));
    assert_int_equal(json_integer_value(json_object_get(r, "destination_port")), 445);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "tags"), 0)),
                        "tlp:amber+strict");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "tags"), 1)),
                        "ticket:hikeshi-123");
    assert_string_not_equal(json_string_value(json_object_get(json_array_get(doc, 0), "report_id")),
                            json_string_value(json_object_get(r, "report_id")));
    json_decref(doc);
    /* One row: one report object, not an array. */
    hk_buf_reset(&b);
    n.nrows = 1;
    n.rsit_class = "abusive-content";
    n.rsit_type = "spam";
    assert_int_equal(hk_mail_xarf_fmt(&n, &cfg, &b, &m), HK_OK);
    doc = json_loads(hk_buf_str(&b), 0, &je);
    assert_true(json_is_object(doc));
    assert_string_equal(json_string_value(json_object_get(doc, "category")), "messaging");
    assert_null(json_object_get(doc, "protocol"));
    json_decref(doc);
    hk_buf_release(&b);
}

static void test_xarf_class(void **state)
{
    const char *c, *t;

    (void)state;
    hk_mail_xarf_class("intrusions", "system-compromise", &c, &t);
    assert_string_equal(c, "infrastructure");
    assert_string_equal(t, "compromised_server");
    hk_mail_xarf_class("availability", "ddos", &c, &t);
    assert_string_equal(t, "ddos");
    hk_mail_xarf_class("other", "undetermined", &c, &t);
    assert_string_equal(c, "reputation");
    hk_mail_xarf_class(NULL, NULL, &c, &t);
    assert_string_equal(t, "threat_intelligence");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tpl_substitution),
        cmocka_unit_test(test_tpl_sections),
        cmocka_unit_test(test_tpl_escaping),
        cmocka_unit_test(test_tpl_errors),
        cmocka_unit_test(test_notice_en),
        cmocka_unit_test(test_notice_ja),
        cmocka_unit_test(test_every_template),
        cmocka_unit_test(test_notice_bad_input),
        cmocka_unit_test(test_tlp),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xarf),
        cmocka_unit_test(test_xarf_class),
    };

    (void)hk_core_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
