/* SPDX-License-Identifier: MIT */
/*
 * X-ARF: every positive v3 sample of abusix/xarf (tests/data/xarf/positive/3) is accepted and
 * becomes a submission with the expected RSIT classification, and that submission is stored
 * through hk_report_submit with its observables; every negative sample (negative/3) is
 * refused with a message naming the member at fault. v4 documents, broken JSON and the
 * string formats are checked too.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exchange/exchange_int.h"
#include "testutil.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long len;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    rewind(f);
    p = malloc((size_t)len + 1);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    p[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return p;
}

static const char *datadir(char *buf, size_t n, const char *sub)
{
    const char *src = getenv("HK_SRC");
    (void)snprintf(buf, n, "%s/tests/data/xarf/%s", src ? src : ".", sub);
    return buf;
}

/* The classification each positive sample must get. */
static const struct {
    const char *file, *cls, *type;
} expect[] = {
    {"botnet_sample.json", "malicious-code", "infected-system"},
    {"childabuse_sample.json", "abusive-content", "violence"},
    {"copyright_sample.json", "fraud", "copyright"},
    {"ddos_sample.json", "availability", "ddos"},
    {"exploit_sample.json", "intrusion-attempts", "exploit"},
    {"exploit_sample_minimal.json", "intrusion-attempts", "exploit"},
    {"harassment_sample_game.json", "abusive-content", "harmful-speech"},
    {"harassment_sample_image.json", "abusive-content", "harmful-speech"},
    {"harassment_sample_url.json", "abusive-content", "harmful-speech"},
    {"loginattack_sample.json", "intrusion-attempts", "brute-force"},
    {"loginattack_sample_optional_api_info.json", "intrusion-attempts", "brute-force"},
    {"malware_no_url.json", "malicious-code", "malware-distribution"},
    {"malware_sample.json", "malicious-code", "malware-distribution"},
    {"openservice_sample.json", "vulnerable", "potentially-unwanted-accessible"},
    {"openservice_sample_minimal.json", "vulnerable", "potentially-unwanted-accessible"},
    {"openservice_sample_optional_api_info.json", "vulnerable", "potentially-unwanted-accessible"},
    {"phishing_sample.json", "fraud", "phishing"},
    {"portscan_sample.json", "information-gathering", "scanner"},
    {"potentially_compromised_attacker_sample.json", "intrusions",
     "unprivileged-account-compromise"},
    {"potentially_compromised_sample.json", "intrusions", "unprivileged-account-compromise"},
    {"potentially_compromised_sample_email.json", "intrusions", "unprivileged-account-compromise"},
    {"reporter_info_minimal.json", "abusive-content", "spam"},
    {"reporter_info_org.json", "abusive-content", "spam"},
    {"reporter_info_person.json", "abusive-content", "spam"},
    {"rpz_sample.json", "malicious-code", "infected-system"},
    {"rpz_sample_additional_fields.json", "malicious-code", "infected-system"},
    {"spam_sample.json", "abusive-content", "spam"},
    {"trademark_sample.json", "fraud", "masquerade"},
    {"webcrawler_sample.json", "information-gathering", "scanner"},
};

static void positive_samples(void **state)
{
    struct tenv *t = tenv_new();
    char dir[512], path[1024];
    struct dirent *de;
    DIR *d;
    int seen = 0;

    (void)state;
    d = opendir(datadir(dir, sizeof(dir), "positive/3"));
    assert_non_null(d);
    while ((de = readdir(d))) {
        json_t *sub = NULL, *out = NULL;
        struct hk_errmsg em = {{0}};
        const char *want_c = NULL, *want_t = NULL;
        int ver = 0;
        size_t n;
        char *text;
        bool dup;

        if (!strstr(de->d_name, ".json"))
            continue;
        for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
            if (!strcmp(expect[i].file, de->d_name)) {
                want_c = expect[i].cls;
                want_t = expect[i].type;
            }
        if (!want_c)
            fail_msg("no expected classification for new sample %s", de->d_name);
        (void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        text = slurp(path, &n);
        if (hk_xarf_parse(text, n, &sub, &ver, &em) != HK_OK)
            fail_msg("%s refused: %s", de->d_name, em.text);
        assert_int_equal(ver, 3);
        assert_string_equal(json_string_value(json_object_get(sub, "rsit_class")), want_c);
        assert_string_equal(json_string_value(json_object_get(sub, "rsit_type")), want_t);
        assert_string_equal(json_string_value(json_object_get(sub, "source")), "email");
        assert_string_equal(json_string_value(json_object_get(sub, "tlp")), "AMBER");
        /* The normal report path takes it. */
        if (TX(t, hk_report_submit(&t->ctx, sub, &out, &dup)) != HK_OK)
            fail_msg("%s not stored: %s", de->d_name, t->em.text);
        assert_string_equal(json_string_value(json_object_get(out, "rsit_class")), want_c);
        json_decref(out);
        json_decref(sub);
        free(text);
        seen++;
    }
    closedir(d);
    assert_int_equal(seen, (int)(sizeof(expect) / sizeof(expect[0])));
    tenv_free(t);
}

static void negative_samples(void **state)
{
    char dir[512], path[1024];
    struct dirent *de;
    DIR *d;
    int seen = 0;

    (void)state;
    d = opendir(datadir(dir, sizeof(dir), "negative/3"));
    assert_non_null(d);
    while ((de = readdir(d))) {
        json_t *sub = NULL;
        struct hk_errmsg em = {{0}};
        int ver = 0;
        size_t n;
        char *text;
        hk_err err;

        if (!strstr(de->d_name, ".json"))
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        text = slurp(path, &n);
        err = hk_xarf_parse(text, n, &sub, &ver, &em);
        if (err == HK_OK)
            fail_msg("negative sample %s accepted", de->d_name);
        assert_null(sub);
        assert_true(strncmp(em.text, "X-ARF v3: ", 10) == 0);
        free(text);
        seen++;
    }
    closedir(d);
    assert_int_equal(seen, 50);
}

/* A few negatives name exactly what is wrong. */
static void negative_messages(void **state)
{
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"invalid_ip.json", "X-ARF v3: Report.SourcePort: must be an integer from 0 to 65535"},
        {"invalid_ip2.json",
         "X-ARF v3: Report.SourceIp: an integer is not an IPv4 or IPv6 address"},
        {"invalid_missing_report.json", "X-ARF v3: Report: is required"},
        {"invalid_type.json", "X-ARF v3: Report.ReportClass: 'Meh' is not one of Content, "
                              "Activity, Vulnerability"},
        {"invalid_date.json",
         "X-ARF v3: Report.Date: 'This is not a date' is not an RFC 3339 date-time"},
        {"invalid_reporter_info.json", "X-ARF v3: ReporterInfo.ShouldNotBeHere: is not an "
                                       "allowed member"},
    };
    char dir[512], path[1024];

    (void)state;
    datadir(dir, sizeof(dir), "negative/3");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct hk_errmsg em = {{0}};
        json_t *sub = NULL;
        int ver;
        size_t n;
        char *text;

        (void)snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
        text = slurp(path, &n);
        assert_int_equal(hk_xarf_parse(text, n, &sub, &ver, &em), HK_EINVAL);
        assert_string_equal(em.text, cases[i].msg);
        free(text);
    }
}

static const char v4doc[] =
    "{\"xarf_version\":\"4.0.0\",\"report_id\":\"9ac39cd1-85f3-4c31-ae87-a0a95f3ebc83\","
    "\"timestamp\":\"2025-01-11T09:21:23Z\",\"reporter\":{\"org\":\"DDoS Watch\","
    "\"contact\":\"ddos@watch.example\",\"domain\":\"watch.example\"},\"sender\":{\"org\":"
    "\"DDoS Watch\",\"contact\":\"ddos@watch.example\",\"domain\":\"watch.example\"},"
    "\"source_identifier\":\"192.0.2.155\",\"source_port\":1,\"category\":\"connection\","
    "\"type\":\"ddos\",\"destination_ip\":\"203.0.113.100\",\"evidence\":[{\"content_type\":"
    "\"text/plain\",\"payload\":\"U1lOIGZsb29kIGZyb20gMTkyLjAuMi4xNTU=\"}]}";

static void v4(void **state)
{
    struct hk_errmsg em = {{0}};
    json_t *sub = NULL;
    const char *content;
    int ver = 0;
    char bad[sizeof(v4doc) + 16];

    (void)state;
    assert_int_equal(hk_xarf_parse(v4doc, strlen(v4doc), &sub, &ver, &em), HK_OK);
    assert_int_equal(ver, 4);
    assert_string_equal(json_string_value(json_object_get(sub, "rsit_class")), "availability");
    assert_string_equal(json_string_value(json_object_get(sub, "rsit_type")), "ddos");
    assert_string_equal(json_string_value(json_object_get(sub, "reporter")),
                        "DDoS Watch <ddos@watch.example>");
    content = json_string_value(json_object_get(sub, "content"));
    assert_non_null(strstr(content, "SYN flood from 192.0.2.155")); /* evidence decoded */
    assert_non_null(strstr(content, "destination_ip: 203.0.113.100"));
    assert_null(strstr(content, "ddos@watch.example")); /* reporter data stays out */
    json_decref(sub);

    /* A bad report id and an unknown category are refused by name. */
    (void)snprintf(bad, sizeof(bad), "%s", v4doc);
    memcpy(strstr(bad, "9ac39cd1"), "9ac39cdX", 8);
    assert_int_equal(hk_xarf_parse(bad, strlen(bad), &sub, &ver, &em), HK_EINVAL);
    assert_string_equal(em.text, "X-ARF v4: report_id: '9ac39cdX-85f3-4c31-ae87-a0a95f3ebc83' "
                                 "is not a UUID");
    (void)snprintf(bad, sizeof(bad), "%s", v4doc);
    memcpy(strstr(bad, "\"connection\""), "\"connexion\" ", 12);
    assert_int_equal(hk_xarf_parse(bad, strlen(bad), &sub, &ver, &em), HK_EINVAL);
    assert_non_null(strstr(em.text, "category: 'connexion' is not one of"));
}

static void broken_json(void **state)
{
    static const char *const docs[] = {"{\"Version\": \"3\", \"Report\": {", "[1, 2]", "",
                                       "{\"Version\": \"3\", \"Version\": \"3\"}", "{}"};
    (void)state;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        struct hk_errmsg em = {{0}};
        json_t *sub = NULL;
        int ver = 0;
        assert_int_equal(hk_xarf_parse(docs[i], strlen(docs[i]), &sub, &ver, &em), HK_EPARSE);
        assert_null(sub);
        assert_true(strncmp(em.text, "X-ARF: ", 7) == 0);
    }
}

static void formats(void **state)
{
    (void)state;
    assert_true(hk_xfmt_datetime("2018-02-05T14:17:10Z"));
    assert_true(hk_xfmt_datetime("2018-02-05T14:17:10.123+09:00"));
    assert_false(hk_xfmt_datetime("2018-02-30T14:17:10Z"));
    assert_false(hk_xfmt_datetime("2018-02-05 14:17"));
    assert_true(hk_xfmt_email("reports@example.com"));
    assert_false(hk_xfmt_email("spamexample.com"));
    assert_false(hk_xfmt_email("a@b"));
    assert_true(hk_xfmt_hostname("mail.example.org"));
    assert_false(hk_xfmt_hostname("this is not a hostname"));
    assert_false(hk_xfmt_hostname("-a.example"));
    assert_true(hk_xfmt_uri("http://phish.example.org/index.html"));
    assert_false(hk_xfmt_uri("192.168.0.11"));
    assert_true(hk_xfmt_ipv6("2001:db8::1"));
    assert_false(hk_xfmt_ipv4("198"));
    assert_true(hk_xfmt_uuid("550e8400-e29b-41d4-a716-446655440000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positive_samples),  cmocka_unit_test(negative_samples),
        cmocka_unit_test(negative_messages), cmocka_unit_test(v4),
        cmocka_unit_test(broken_json),       cmocka_unit_test(formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
