/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the outgoing message (src/mail/out_mime.c, out_pgp.c): each built message
 * is parsed back with GMime and checked part by part — multipart/mixed with a UTF-8
 * text part and the attachments, the Japanese subject's RFC 2047 round trip, Message-ID,
 * threading and Auto-Submitted headers, CRLF and 7-bit wire form, the size cap — then
 * PGP/MIME: a signed message verifies with GnuPG (through GMime's own verifier) and stops
 * verifying when a byte changes; a message to a team with a key is multipart/encrypted
 * and decrypts, with a good signature inside, in the team's own keyring. Keys are made by
 * the test in throwaway homes (test_out_util.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mail/test_out_util.h"

static char ours[64], ours_fpr[72], theirs[64], theirs_fpr[72];

static struct hk_mail_row rows[30];
static char obs[30][48];

static struct hk_mail_notice notice(const char *lang, size_t n)
{
    struct hk_mail_notice no = {0};

    for (int i = 0; i < 30; i++) {
        (void)snprintf(obs[i], sizeof(obs[i]), "2001:db8::%x", i + 1);
        rows[i] = (struct hk_mail_row){obs[i], 1795000000 + i, 23, "tcp", "telnet brute force"};
    }
    no.kind = HK_MAIL_NOTIFY;
    no.lang = lang;
    no.ticket = 4711;
    no.team_name = "日本サンプルCSIRT";
    no.team_tz = "Asia/Tokyo";
    no.title = "Telnet ブルートフォース攻撃";
    no.rsit_class = "intrusion-attempts";
    no.rsit_type = "brute-force";
    no.tlp = "GREEN";
    no.rows = rows;
    no.nrows = n;
    no.formats = HK_MAIL_ATTACH_CSV | HK_MAIL_ATTACH_XARF;
    return no;
}

static struct hk_mail_config config(void)
{
    struct hk_mail_config c = {0};

    c.from = "Example CSIRT <csirt@example.net>";
    c.reply_to = "cases@example.net";
    c.org = "Example CSIRT";
    c.org_domain = "example.net";
    return c;
}

static const struct hk_mail_recipient rcpt = {
    .to = "Sample CSIRT <csirt@sample.example.jp>, backup@sample.example.jp",
};

static void build(const struct hk_mail_config *c, const struct hk_mail_recipient *r,
                  const struct hk_mail_notice *n, struct hk_mail_msg *msg)
{
    struct hk_errmsg m = {{0}};

    if (hk_mail_notice_build(c, r, n, msg, &m))
        fail_msg("build: %s", m.text);
}

/* Every line ends in CRLF, is at most 998 bytes and 7-bit (RFC 5322 §2.1.1, RFC 3156 §3). */
static void check_wire(const struct hk_mail_msg *msg)
{
    size_t col = 0;

    for (size_t i = 0; i < msg->len; i++) {
        unsigned char c = (unsigned char)msg->raw[i];

        assert_true(c < 0x80);
        if (c == '\n') {
            assert_true(i > 0 && msg->raw[i - 1] == '\r');
            col = 0;
        } else {
            assert_true(++col <= 999);
        }
    }
}

static void test_structure(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("ja", 30);
    struct hk_mail_msg msg;
    struct hk_buf csv = HK_BUF_INIT(1 << 20), s = HK_BUF_INIT(4096), b = HK_BUF_INIT(1 << 20);
    GMimeMessage *pm;
    GMimeObject *top, *p;
    char *text;
    json_t *x;

    (void)state;
    build(&c, &rcpt, &n, &msg);
    check_wire(&msg);
    assert_false(msg.is_signed);
    assert_string_equal(msg.env_from, "csirt@example.net");
    assert_string_equal(msg.env_rcpt[0], "csirt@sample.example.jp");
    assert_string_equal(msg.env_rcpt[1], "backup@sample.example.jp");
    assert_null(msg.env_rcpt[2]);
    /* The subject is encoded on the wire and comes back intact. */
    assert_non_null(strstr(msg.raw, "Subject: [hikeshi#4711] TLP:GREEN"));
    assert_non_null(strstr(msg.raw, "=?UTF-8?B?"));
    pm = parse_msg(msg.raw, msg.len);
    assert_string_equal(g_mime_message_get_subject(pm), msg.subject);
    assert_true(!strncmp(msg.subject, "[hikeshi#4711] TLP:GREEN ご確認と対応のお願い: Telnet", 40));
    assert_string_equal(g_mime_message_get_message_id(pm), msg.message_id);
    assert_true(!strncmp(msg.message_id, "hikeshi.4711.", 13));
    assert_non_null(strstr(msg.message_id, "@example.net"));
    assert_non_null(g_mime_message_get_date(pm));
    assert_null(g_mime_object_get_header(GMIME_OBJECT(pm), "Auto-Submitted"));
    assert_null(g_mime_object_get_header(GMIME_OBJECT(pm), "In-Reply-To"));
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "X-Hikeshi-Ticket"), "4711");
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "Reply-To"),
                        "cases@example.net");
    top = g_mime_message_get_mime_part(pm);
    assert_true(GMIME_IS_MULTIPART(top));
    assert_true(
        g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart", "mixed"));
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 3);
    /* 1: the text, charset utf-8, identical to the rendering. */
    p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(p), "text", "plain"));
    assert_string_equal(g_mime_object_get_content_type_parameter(p, "charset"), "utf-8");
    assert_int_equal(hk_mail_notice_render(&n, &c, &s, &b, NULL), HK_OK);
    text = part_text(p, NULL);
    assert_string_equal(text, hk_buf_str(&b));
    assert_non_null(strstr(text, "日本サンプルCSIRT ご担当者様"));
    free(text);
    /* 2: every row in the CSV. */
    p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
    assert_string_equal(g_mime_part_get_filename(GMIME_PART(p)), "hikeshi-4711.csv");
    assert_true(g_mime_content_type_is_type(g_mime_object_get_content_type(p), "text", "csv"));
    assert_int_equal(hk_mail_csv_fmt(rows, 30, &csv), HK_OK);
    text = part_text(p, NULL);
    assert_string_equal(text, hk_buf_str(&csv));
    free(text);
    /* 3: X-ARF, one report per row. */
    p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 2);
    assert_string_equal(g_mime_part_get_filename(GMIME_PART(p)), "hikeshi-4711-xarf.json");
    text = part_text(p, NULL);
    x = json_loads(text, 0, NULL);
    assert_int_equal(json_array_size(x), 30);
    assert_string_equal(json_string_value(json_object_get(json_array_get(x, 29), "type")),
                        "login_attack");
    json_decref(x);
    free(text);
    g_object_unref(pm);
    hk_mail_msg_release(&msg);
    hk_buf_release(&csv);
    hk_buf_release(&s);
    hk_buf_release(&b);
}

static void test_headers_and_extra(void **state)
{
    static const char iodef[] = "<?xml version=\"1.0\"?>\n<IODEF-Document version=\"2.00\"/>\n";
    struct hk_mail_attachment a = {"incident-4711.xml", "application/xml", iodef,
                                   sizeof(iodef) - 1};
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("en", 1);
    struct hk_mail_recipient r = rcpt;
    struct hk_mail_msg msg;
    GMimeMessage *pm;
    GMimeObject *top, *p;
    char *text;

    (void)state;
    n.kind = HK_MAIL_ACK;
    n.formats = 0;
    n.extra = &a;
    n.nextra = 1;
    r.in_reply_to = "<report-1@reporter.example>";
    r.references = "<older@reporter.example>";
    build(&c, &r, &n, &msg);
    pm = parse_msg(msg.raw, msg.len);
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "Auto-Submitted"),
                        "auto-generated");
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "In-Reply-To"),
                        "<report-1@reporter.example>");
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "References"),
                        "<older@reporter.example> <report-1@reporter.example>");
    top = g_mime_message_get_mime_part(pm);
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 2);
    p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
    assert_true(
        g_mime_content_type_is_type(g_mime_object_get_content_type(p), "application", "xml"));
    assert_string_equal(g_mime_part_get_filename(GMIME_PART(p)), "incident-4711.xml");
    text = part_text(p, NULL);
    assert_string_equal(text, iodef);
    free(text);
    g_object_unref(pm);
    hk_mail_msg_release(&msg);
    /* A reminder is not Auto-Submitted. */
    n.kind = HK_MAIL_REMINDER;
    build(&c, &r, &n, &msg);
    assert_null(strstr(msg.raw, "Auto-Submitted"));
    hk_mail_msg_release(&msg);
}

static void test_refusals(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("en", 30);
    struct hk_mail_recipient r = rcpt;
    struct hk_mail_attachment a = {"x.bin", "text/plain\r\nBcc: x@y", "x", 1};
    struct hk_mail_msg msg;
    struct hk_errmsg m = {{0}};

    (void)state;
    c.max_message = 3000;
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_ETOOBIG);
    assert_non_null(strstr(m.text, "exceeds"));
    assert_null(msg.raw);
    c = config();
    r.in_reply_to = "<a@b>\r\nBcc: victim@example.com";
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_EINVAL);
    r = rcpt;
    r.to = "not an address at all";
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_EINVAL);
    r = rcpt;
    n.extra = &a;
    n.nextra = 1;
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_EINVAL);
    n.nextra = 0;
    /* Hidden rows are never dropped: without a format, CSV is attached anyway. */
    n.formats = 0;
    build(&c, &r, &n, &msg);
    assert_non_null(strstr(msg.raw, "hikeshi-4711.csv"));
    hk_mail_msg_release(&msg);
}

static void test_signed(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("ja", 5);
    struct hk_mail_msg msg;
    GMimeMessage *pm;
    GMimeObject *top, *inner;
    char *pos;

    (void)state;
    c.gnupghome = ours;
    c.sign_key = ours_fpr;
    build(&c, &rcpt, &n, &msg);
    check_wire(&msg);
    assert_true(msg.is_signed);
    assert_false(msg.is_encrypted);
    pm = parse_msg(msg.raw, msg.len);
    top = g_mime_message_get_mime_part(pm);
    assert_true(GMIME_IS_MULTIPART_SIGNED(top));
    assert_string_equal(g_mime_object_get_content_type_parameter(top, "protocol"),
                        "application/pgp-signature");
    assert_string_equal(g_mime_object_get_content_type_parameter(top, "micalg"), "pgp-sha256");
    inner = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
    assert_true(
        g_mime_content_type_is_type(g_mime_object_get_content_type(inner), "multipart", "mixed"));
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(inner)), 3);
    assert_true(verify_signed(top, ours));
    g_object_unref(pm);
    /* One changed byte in the signed text: the signature no longer verifies. */
    pos = strstr(msg.raw, "hikeshi-4711.csv");
    assert_non_null(pos);
    pos[8] = '5';
    pm = parse_msg(msg.raw, msg.len);
    assert_false(verify_signed(g_mime_message_get_mime_part(pm), ours));
    g_object_unref(pm);
    hk_mail_msg_release(&msg);
}

static void test_encrypted(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("en", 3);
    struct hk_mail_recipient r = rcpt;
    struct hk_mail_msg msg;
    GMimeMessage *pm;
    GMimeObject *top, *clear;
    GMimeDecryptResult *res = NULL;
    GMimeSignatureList *sl;
    GError *e = NULL;
    char *key = gpg_export(theirs, theirs_fpr), *ourkey = gpg_export(ours, ours_fpr);
    char fpr[72];

    (void)state;
    /* The team knows our key (to check the signature inside). */
    assert_int_equal(hk_mail_pgp_import(theirs, ourkey, fpr, NULL), HK_OK);
    assert_string_equal(fpr, ours_fpr);
    c.gnupghome = ours;
    c.sign_key = ours_fpr;
    r.pgp_key = key;
    build(&c, &r, &n, &msg);
    assert_true(msg.is_encrypted);
    assert_null(strstr(msg.raw, "2001:db8::1")); /* no affected address in clear */
    pm = parse_msg(msg.raw, msg.len);
    top = g_mime_message_get_mime_part(pm);
    assert_true(GMIME_IS_MULTIPART_ENCRYPTED(top));
    assert_string_equal(g_mime_object_get_content_type_parameter(top, "protocol"),
                        "application/pgp-encrypted");
    setenv("GNUPGHOME", theirs, 1);
    clear = g_mime_multipart_encrypted_decrypt(GMIME_MULTIPART_ENCRYPTED(top), GMIME_DECRYPT_NONE,
                                               NULL, &res, &e);
    unsetenv("GNUPGHOME");
    if (!clear)
        fail_msg("decrypt: %s", e ? e->message : "?");
    assert_true(GMIME_IS_MULTIPART(clear));
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(clear)), 3);
    sl = g_mime_decrypt_result_get_signatures(res);
    assert_non_null(sl);
    assert_int_equal(g_mime_signature_list_length(sl), 1);
    assert_true(sig_good(g_mime_signature_get_status(g_mime_signature_list_get_signature(sl, 0))));
    assert_string_equal(g_mime_certificate_get_fingerprint(g_mime_signature_get_certificate(
                            g_mime_signature_list_get_signature(sl, 0))),
                        ours_fpr);
    g_object_unref(res);
    g_object_unref(clear);
    g_object_unref(pm);
    hk_mail_msg_release(&msg);
    /* The same key by fingerprint, now that it is in our keyring. */
    r.pgp_key = NULL;
    r.pgp_fpr = theirs_fpr;
    build(&c, &r, &n, &msg);
    assert_true(msg.is_encrypted);
    hk_mail_msg_release(&msg);
    free(key);
    free(ourkey);
}

static void test_pgp_errors(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice n = notice("en", 1);
    struct hk_mail_recipient r = rcpt;
    struct hk_mail_msg msg;
    struct hk_errmsg m = {{0}};

    (void)state;
    c.gnupghome = ours;
    c.sign_key = "0000000000000000000000000000000000000000";
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_ENOTFOUND);
    assert_non_null(strstr(m.text, "secret key"));
    c.sign_key = ours_fpr;
    r.pgp_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm9wZQ==\n-----END PGP PUBLIC KEY "
                "BLOCK-----\n";
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_EPARSE);
    r.pgp_key = NULL;
    r.pgp_fpr = "1111111111111111111111111111111111111111";
    assert_int_equal(hk_mail_notice_build(&c, &r, &n, &msg, &m), HK_ENOTFOUND);
}

static int setup(void **state)
{
    (void)state;
    (void)hk_core_init();
    hk_mail_init();
    gpg_home_new(ours, "Example CSIRT <csirt@example.net>", ours_fpr);
    gpg_home_new(theirs, "Sample CSIRT <csirt@sample.example.jp>", theirs_fpr);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gpg_home_free(ours);
    gpg_home_free(theirs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure), cmocka_unit_test(test_headers_and_extra),
        cmocka_unit_test(test_refusals),  cmocka_unit_test(test_signed),
        cmocka_unit_test(test_encrypted), cmocka_unit_test(test_pgp_errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
