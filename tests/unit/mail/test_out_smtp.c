/* SPDX-License-Identifier: MIT */
/*
 * End-to-end test of outgoing mail against a real SMTP server on loopback: the test starts
 * aiosmtpd (python3 -m aiosmtpd, Debian's python3-aiosmtpd) with its Mailbox handler on a
 * free port of 127.0.0.1:18800-18899, sends three signed cooperation requests through one
 * session (three teams, as in the acceptance scenario: an IPv4 prefix, an IPv6
 * prefix and a domain), then reads the Maildir the server wrote and checks each message:
 * the envelope recipient, the signature (GnuPG through GMime's verifier), the team's
 * language, the attachments, and that no message carries another team's data. A relay
 * that does not answer gives HK_ENET with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "mail/test_out_util.h"

static char home[64], fpr[72], base[64], maildir[80], url[64];
static int port;
static pid_t server = -1;

static bool port_open(int p)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

static bool port_free(int p)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

static void start_server(void)
{
    char listen[32];
    struct timespec ts = {0, 20 * 1000 * 1000};

    for (int i = 0; i < 100 && !port; i++) {
        int p = 18800 + (getpid() + i) % 100;

        if (port_free(p))
            port = p;
    }
    assert_true(port != 0);
    (void)snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    (void)snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
    server = fork();
    assert_true(server >= 0);
    if (server == 0) {
        execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
              "aiosmtpd.handlers.Mailbox", maildir, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && !port_open(port); i++) { /* up to 10 s */
        if (waitpid(server, NULL, WNOHANG) == server)
            fail_msg("aiosmtpd exited (is python3-aiosmtpd installed?)");
        nanosleep(&ts, NULL);
    }
    assert_true(port_open(port));
}

static int setup(void **state)
{
    (void)state;
    (void)hk_core_init();
    hk_mail_init();
    gpg_home_new(home, "Example CSIRT <csirt@example.net>", fpr);
    strcpy(base, "/tmp/hkm-XXXXXX");
    assert_non_null(mkdtemp(base));
    /* Mailbox creates the Maildir only when the path does not exist yet. */
    (void)snprintf(maildir, sizeof(maildir), "%s/box", base);
    start_server();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    sh("rm -rf %s%s", base, "");
    gpg_home_free(home);
    return 0;
}

static struct hk_mail_config config(void)
{
    struct hk_mail_config c = {0};

    c.from = "Example CSIRT <csirt@example.net>";
    c.org = "Example CSIRT";
    c.org_domain = "example.net";
    c.smtp_url = url;
    c.smtp_timeout_s = 20;
    c.gnupghome = home;
    c.sign_key = fpr;
    return c;
}

/* The three teams of the acceptance scenario and their own rows. */
static struct hk_mail_row v4[] = {
    {"198.51.100.7", 1795000000, 445, "tcp", "SMB scanning"},
    {"198.51.100.8", 1795000030, 445, "tcp", "SMB scanning"},
};
static struct hk_mail_row v6[] = {{"2001:db8::1", 1795000100, 22, "tcp", "SSH scanning"}};
static struct hk_mail_row dom[] = {{"mail.example.org", 1795000200, 25, "tcp", "spam relay"}};
static const char *const all_obs[] = {"198.51.100.7", "198.51.100.8", "2001:db8::1",
                                      "mail.example.org"};

struct team {
    const char *to, *lang, *rcpt;
    struct hk_mail_row *rows;
    size_t n;
    unsigned formats;
    struct hk_mail_result res;
};

static struct team teams[] = {
    {"CERT Four <cert@four.example>", "en", "cert@four.example", v4, 2, HK_MAIL_ATTACH_CSV, {0}},
    {"CSIRT Six <csirt@six.example.jp>",
     "ja",
     "csirt@six.example.jp",
     v6,
     1,
     HK_MAIL_ATTACH_XARF,
     {0}},
    {"Org CERT <abuse@example.org>",
     "en",
     "abuse@example.org",
     dom,
     1,
     HK_MAIL_ATTACH_CSV | HK_MAIL_ATTACH_XARF,
     {0}},
};

/* Reads every file of maildir/new into a NULL-terminated array. */
static char **received(size_t *count)
{
    char path[256], **out = hk_xcalloc(8, sizeof(char *));
    DIR *d;
    struct dirent *e;

    *count = 0;
    (void)snprintf(path, sizeof(path), "%s/new", maildir);
    d = opendir(path);
    assert_non_null(d);
    while ((e = readdir(d)) && *count < 7) {
        gchar *text = NULL;

        if (e->d_name[0] == '.')
            continue;
        (void)snprintf(path, sizeof(path), "%s/new/%s", maildir, e->d_name);
        assert_true(g_file_get_contents(path, &text, NULL, NULL));
        out[(*count)++] = hk_xstrdup(text);
        g_free(text);
    }
    closedir(d);
    return out;
}

/* Every decoded leaf of o, concatenated into b. */
static void all_text(GMimeObject *o, struct hk_buf *b)
{
    if (GMIME_IS_MULTIPART(o)) {
        for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++)
            all_text(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), b);
        return;
    }
    if (GMIME_IS_PART(o)) {
        char *t = part_text(o, NULL);

        assert_int_equal(hk_buf_appends(b, t), HK_OK);
        free(t);
    }
}

static void check_one(const char *raw, const struct team *t)
{
    GMimeMessage *pm = parse_msg(raw, strlen(raw));
    GMimeObject *top = g_mime_message_get_mime_part(pm), *mixed;
    struct hk_buf text = HK_BUF_INIT(1 << 20);
    int nparts;

    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(pm), "X-RcptTo"), t->rcpt);
    assert_true(GMIME_IS_MULTIPART_SIGNED(top));
    if (!verify_signed(top, home))
        fail_msg("signature of the message to %s does not verify", t->rcpt);
    mixed = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
    nparts = g_mime_multipart_get_count(GMIME_MULTIPART(mixed));
    assert_int_equal(nparts, 1 + __builtin_popcount(t->formats));
    if (!strcmp(t->lang, "ja"))
        assert_non_null(strstr(g_mime_message_get_subject(pm), "ご確認と対応のお願い"));
    else
        assert_non_null(strstr(g_mime_message_get_subject(pm), "Request for action"));
    all_text(mixed, &text);
    /* Its own observables, and nobody else's, in the text and the attachments. */
    for (size_t i = 0; i < sizeof(all_obs) / sizeof(all_obs[0]); i++) {
        bool own = false;

        for (size_t k = 0; k < t->n; k++)
            own |= !strcmp(t->rows[k].observable, all_obs[i]);
        if (own != (strstr(hk_buf_str(&text), all_obs[i]) != NULL))
            fail_msg("message to %s: '%s' %s", t->rcpt, all_obs[i],
                     own ? "missing" : "leaked from another team");
    }
    hk_buf_release(&text);
    g_object_unref(pm);
}

static void test_three_teams(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_smtp *s = NULL;
    struct hk_errmsg m = {{0}};
    size_t n;
    char **got;

    (void)state;
    assert_int_equal(hk_mail_smtp_new(&c, &s), HK_OK);
    for (size_t i = 0; i < 3; i++) {
        struct hk_mail_notice no = {0};
        struct hk_mail_recipient r = {0};

        no.kind = HK_MAIL_NOTIFY;
        no.lang = teams[i].lang;
        no.ticket = 100 + (int64_t)i;
        no.team_name = teams[i].to;
        no.title = "Scanning from your constituency";
        no.rsit_class = "information-gathering";
        no.rsit_type = "scanner";
        no.tlp = "AMBER";
        no.rows = teams[i].rows;
        no.nrows = teams[i].n;
        no.formats = teams[i].formats;
        r.to = teams[i].to;
        if (hk_mail_notice_send(&c, s, &r, &no, &teams[i].res, &m))
            fail_msg("send to %s: %s", teams[i].to, m.text);
        assert_int_equal(teams[i].res.smtp_code, 250);
        assert_true(teams[i].res.sent_at > 0);
        assert_true(!strncmp(teams[i].res.message_id, "hikeshi.", 8));
        assert_true(strlen(teams[i].res.smtp_text) > 0);
    }
    hk_mail_smtp_free(s);
    assert_string_not_equal(teams[0].res.message_id, teams[1].res.message_id);
    got = received(&n);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3; i++) {
        bool found = false;

        for (size_t k = 0; k < n; k++) {
            char want[300];

            (void)snprintf(want, sizeof(want), "<%s>", teams[i].res.message_id);
            if (strstr(got[k], want)) {
                check_one(got[k], &teams[i]);
                found = true;
            }
        }
        if (!found)
            fail_msg("no message with id %s arrived", teams[i].res.message_id);
    }
    for (size_t k = 0; k < n; k++)
        free(got[k]);
    free(got);
}

static void test_relay_down(void **state)
{
    struct hk_mail_config c = config();
    struct hk_mail_notice no = {0};
    struct hk_mail_recipient r = {.to = "cert@four.example"};
    struct hk_mail_result res;
    struct hk_errmsg m = {{0}};
    char down[64];
    int p = 0;

    (void)state;
    for (int i = 1; i < 100 && !p; i++)
        if (port_free(18800 + (port - 18800 + i) % 100))
            p = 18800 + (port - 18800 + i) % 100;
    assert_true(p != 0);
    (void)snprintf(down, sizeof(down), "smtp://127.0.0.1:%d", p);
    c.smtp_url = down;
    c.sign_key = NULL;
    no.ticket = 5;
    no.title = "x";
    assert_int_equal(hk_mail_notice_send(&c, NULL, &r, &no, &res, &m), HK_ENET);
    assert_non_null(strstr(m.text, down));
    assert_int_equal(res.sent_at, 0);
    assert_true(strlen(res.smtp_text) > 0);
    c.smtp_url = "http://127.0.0.1:1/";
    assert_int_equal(hk_mail_notice_send(&c, NULL, &r, &no, &res, &m), HK_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_teams),
        cmocka_unit_test(test_relay_down),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
