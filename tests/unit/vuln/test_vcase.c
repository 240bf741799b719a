/* SPDX-License-Identifier: MIT */
/*
 * Vulnerability cases (src/vuln/vcase*.c, cve.c): the public ID sequence (per year, no gap
 * after a rolled-back intake), lookup by public ID, validation errors that name the member
 * and leave nothing stored, the lifecycle (refused transitions, schedule needs a date,
 * reject needs a reason, published is final, the embargo change audited), visibility for
 * reporters, the generated CSAF document (accepted by hk_csaf_validate, TLP mapping,
 * product status per vendor), the CVE JSON 5 reader on the test records (accepted ones,
 * refused ones with their JSON path), import into new and existing cases, the export round
 * trip, embargo reminders (queued once per day, rendered from the EN/JA templates), and the
 * embargo at publication (refused before the agreed date naming it, an early lift needs a
 * bounded reason and is audited, nothing is published by a refusal, at the date no lift).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <time.h>

#include "../testutil.h"
#include "hikeshi/advisory.h"
#include "hikeshi/csaf.h"
#include "hikeshi/directory.h"
#include "hikeshi/mail.h"
#include "hikeshi/vcase.h"

static void add_team(struct tenv *t, const char *name, const char *type, const char *email,
                     const char *lang)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "name", name, "type", type, "email", email,
                          "language", lang),
           *out = NULL;

    assert_int_equal(TX(t, hk_team_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
}

static int64_t create(struct tenv *t, const char *json, hk_err want, json_t **out)
{
    json_error_t je;
    json_t *b = json_loads(json, 0, &je), *o = NULL;
    int64_t id = 0;
    hk_err err;

    assert_non_null(b);
    err = TX(t, hk_vcase_create(&t->ctx, b, &o));
    json_decref(b);
    assert_int_equal(err, want);
    if (!err)
        id = json_integer_value(json_object_get(o, "id"));
    if (out)
        *out = o;
    else
        json_decref(o);
    return id;
}

static size_t count_cases(struct tenv *t)
{
    json_t *out = NULL;
    size_t n;

    assert_int_equal(TX(t, hk_vcase_list(&t->ctx, NULL, &out)), HK_OK);
    n = json_array_size(json_object_get(out, "items"));
    json_decref(out);
    return n;
}

static int year_now(void)
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

static void test_public_id(void **state)
{
    struct tenv *t = tenv_new();
    char want[64], got[HK_VCASE_ID_MAX];
    json_t *o = NULL;
    int64_t id;

    (void)state;
    hk_vcase_public_id(2026, 7, got);
    assert_string_equal(got, "HKVU#2026-0007");
    hk_vcase_public_id(2026, 12345, got);
    assert_string_equal(got, "HKVU#2026-12345");
    create(t, "{\"title\": \"one\"}", HK_OK, &o);
    (void)snprintf(want, sizeof(want), "HKVU#%d-0001", year_now());
    assert_string_equal(json_string_value(json_object_get(o, "public_id")), want);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "received");
    json_decref(o);
    /* a refused intake consumes no number */
    create(t, "{\"title\": \"bad\", \"cve_ids\": [\"CVE-1\"]}", HK_EINVAL, NULL);
    id = create(t, "{\"title\": \"two\"}", HK_OK, &o);
    (void)snprintf(want, sizeof(want), "HKVU#%d-0002", year_now());
    assert_string_equal(json_string_value(json_object_get(o, "public_id")), want);
    json_decref(o);
    /* find by public ID in its forms, and by number */
    {
        int64_t f = 0;
        char shortid[32];
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, want, &f)), HK_OK);
        assert_int_equal(f, id);
        (void)snprintf(shortid, sizeof(shortid), "hkvu#%d-2", year_now());
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, shortid, &f)), HK_OK);
        assert_int_equal(f, id);
        (void)snprintf(shortid, sizeof(shortid), "%d-0002", year_now());
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, shortid, &f)), HK_OK);
        assert_int_equal(f, id);
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, "2", &f)), HK_OK);
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, "HKVU#1999-0001", &f)), HK_ENOTFOUND);
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, "HKVU#nope", &f)), HK_EINVAL);
        assert_int_equal(TX(t, hk_vcase_find(&t->ctx, "99", &f)), HK_ENOTFOUND);
    }
    tenv_free(t);
}

static void expect_field(struct tenv *t, const char *json, hk_err want, const char *field)
{
    size_t before = count_cases(t);

    create(t, json, want, NULL);
    if (!strstr(t->em.text, field))
        fail_msg("error '%s' does not name '%s'", t->em.text, field);
    assert_int_equal(count_cases(t), before); /* nothing stored */
}

static void test_validation(void **state)
{
    struct tenv *t = tenv_new();

    (void)state;
    add_team(t, "acme", "vendor", "psirt@acme.example", "en");
    add_team(t, "cert-x", "security-team", "cert@x.example", "en");
    expect_field(t, "{}", HK_EINVAL, "title");
    expect_field(t, "{\"title\": \"\"}", HK_EINVAL, "title");
    expect_field(t, "{\"title\": \"x\", \"cve_ids\": [\"CVE-2026-1\"]}", HK_EINVAL, "cve_ids[0]");
    expect_field(t, "{\"title\": \"x\", \"cve_ids\": [\"CVE-2026-1234\", 5]}", HK_EINVAL,
                 "cve_ids[1]");
    expect_field(t, "{\"title\": \"x\", \"cwe_ids\": [\"CWE-0\"]}", HK_EINVAL, "cwe_ids[0]");
    expect_field(t, "{\"title\": \"x\", \"cvss\": [\"CVSS:3.1/AV:X\"]}", HK_EINVAL, "cvss[0]");
    expect_field(t, "{\"title\": \"x\", \"cvss\": [\"AV:N/AC:L/Au:N/C:P/I:P/A:P\"]}", HK_EINVAL,
                 "CVSS v2");
    expect_field(t, "{\"title\": \"x\", \"tlp\": \"purple\"}", HK_EINVAL, "tlp");
    expect_field(t, "{\"title\": \"x\", \"colour\": \"red\"}", HK_EINVAL, "colour");
    expect_field(t, "{\"title\": \"x\", \"reporter\": {\"email\": \"nobody\"}}", HK_EINVAL,
                 "reporter.email");
    expect_field(t,
                 "{\"title\": \"x\", \"products\": [{\"vendor\": \"a\", \"product\": \"b\","
                 " \"cpe\": \"cpe:2.3:a:acme\"}]}",
                 HK_EINVAL, "products[0].cpe");
    expect_field(t, "{\"title\": \"x\", \"products\": [{\"vendor\": \"a\"}]}", HK_EINVAL,
                 "products[0].product");
    expect_field(t,
                 "{\"title\": \"x\", \"products\": [{\"vendor\": \"a\", \"product\": \"b\","
                 " \"purl\": \"npm/x\"}]}",
                 HK_EINVAL, "products[0].purl");
    expect_field(t,
                 "{\"title\": \"x\", \"products\": [{\"vendor\": \"a\", \"product\": \"b\","
                 " \"versions\": [{\"version\": \"1\", \"status\": \"broken\"}]}]}",
                 HK_EINVAL, "products[0].versions[0].status");
    /* a vendor must be a directory team of type vendor or psirt; the whole intake fails */
    expect_field(t, "{\"title\": \"x\", \"vendors\": [\"acme\", \"cert-x\"]}", HK_EINVAL,
                 "vendors[1]");
    expect_field(t, "{\"title\": \"x\", \"vendors\": [\"nosuch\"]}", HK_ENOTFOUND, "vendors[0]");
    expect_field(t, "{\"title\": \"x\", \"vendors\": [\"acme\", \"acme\"]}", HK_EDUP, "vendors[1]");
    assert_int_equal(count_cases(t), 0);
    /* and a valid one with everything */
    {
        json_t *o = NULL, *cv;
        create(t,
               "{\"title\": \"ok\", \"cve_ids\": [\"cve-2026-12345\", \"CVE-2026-12345\"],"
               " \"cwe_ids\": [\"CWE-79\"], \"cvss\": [\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/"
               "I:H/A:H\", \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"],"
               " \"products\": [{\"vendor\": \"acme\", \"product\": \"w\", \"versions\": [\"1.0\","
               " {\"version\": \"2.0\", \"less_than\": \"2.4\"}], \"cpe\": "
               "\"cpe:2.3:a:acme:w:*:*:*:*:*:*:*:*\", \"purl\": \"pkg:npm/w\"}],"
               " \"vendors\": [\"acme\"], \"reporter\": {\"name\": \"A\", \"email\": "
               "\"a@example.org\", \"organisation\": \"Org\"}}",
               HK_OK, &o);
        assert_int_equal(json_array_size(json_object_get(o, "cve_ids")), 1); /* normalised */
        assert_string_equal(json_string_value(json_array_get(json_object_get(o, "cve_ids"), 0)),
                            "CVE-2026-12345");
        cv = json_array_get(json_object_get(o, "cvss"), 0);
        assert_string_equal(json_string_value(json_object_get(cv, "severity")), "Critical");
        assert_true(json_number_value(json_object_get(cv, "score")) == 9.8);
        cv = json_array_get(json_object_get(o, "cvss"), 1);
        assert_string_equal(json_string_value(json_object_get(cv, "version")), "4.0");
        assert_true(json_number_value(json_object_get(cv, "score")) == 9.3);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(o, "reporter"), "organisation")),
            "Org");
        assert_int_equal(json_array_size(json_object_get(o, "vendors")), 1);
        json_decref(o);
    }
    tenv_free(t);
}

static hk_err act(struct tenv *t, int64_t id, const char *action, const char *json)
{
    json_t *b = json ? json_loads(json, 0, NULL) : NULL, *o = NULL;
    hk_err err = TX(t, hk_vcase_transition(&t->ctx, id, action, b, &o));

    json_decref(b);
    json_decref(o);
    return err;
}

static bool audited(struct tenv *t, int64_t id, const char *action)
{
    json_t *rows = NULL, *r;
    size_t i;
    bool found = false;

    assert_int_equal(TX(t, hk_audit_of(&t->ctx, "vcase", id, &rows)), HK_OK);
    json_array_foreach(rows, i, r)
    {
        const char *a = json_string_value(json_object_get(r, "action"));
        found = found || (a && !strcmp(a, action));
    }
    json_decref(rows);
    return found;
}

static void test_lifecycle(void **state)
{
    struct tenv *t = tenv_new();
    int64_t id = create(t, "{\"title\": \"flow\"}", HK_OK, NULL), id2;
    json_t *o = NULL, *b;

    (void)state;
    assert_int_equal(act(t, id, "schedule", "{\"publish_at\": \"2030-01-01T00:00:00Z\"}"),
                     HK_ESTATE);
    assert_non_null(strstr(t->em.text, "cannot go from received to scheduled"));
    assert_int_equal(act(t, id, "coordinate", NULL), HK_ESTATE);
    assert_int_equal(act(t, id, "fly", NULL), HK_EINVAL);
    assert_int_equal(act(t, id, "state", "{\"state\": \"nowhere\"}"), HK_EINVAL);
    assert_int_equal(act(t, id, "triage", NULL), HK_OK);
    assert_int_equal(act(t, id, "state", "{\"state\": \"coordinating\"}"), HK_OK);
    assert_int_equal(act(t, id, "schedule", NULL), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "publish_at"));
    assert_int_equal(act(t, id, "schedule", "{\"publish_at\": \"2030-01-01T00:00:00Z\"}"), HK_OK);
    assert_true(audited(t, id, "vcase.embargo"));
    /* moving the embargo is audited with before and after */
    b = json_pack("{s:s}", "publish_at", "2030-02-01T00:00:00Z");
    assert_int_equal(TX(t, hk_vcase_update(&t->ctx, id, b, &o)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(o, "publish_at")),
                        "2030-02-01T00:00:00Z");
    json_decref(o);
    json_decref(b);
    /* a scheduled case cannot lose its date */
    b = json_pack("{s:n}", "publish_at");
    assert_int_equal(TX(t, hk_vcase_update(&t->ctx, id, b, &o)), HK_EINVAL);
    json_decref(b);
    assert_int_equal(act(t, id, "publish", NULL), HK_EINVAL);
    assert_int_equal(TX(t, hk_vcase_mark_published(&t->ctx, id, "")), HK_EINVAL);
    assert_int_equal(TX(t, hk_vcase_mark_published(&t->ctx, id, "HKVU#2030-0001")), HK_OK);
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, id, &o)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "published");
    assert_string_equal(json_string_value(json_object_get(o, "advisory_id")), "HKVU#2030-0001");
    assert_false(json_is_null(json_object_get(o, "published_at")));
    json_decref(o);
    /* published is final */
    assert_int_equal(act(t, id, "reject", "{\"reason\": \"late\"}"), HK_ESTATE);
    b = json_pack("{s:s}", "title", "changed");
    assert_int_equal(TX(t, hk_vcase_update(&t->ctx, id, b, &o)), HK_ESTATE);
    json_decref(b);
    assert_int_equal(TX(t, hk_vcase_mark_published(&t->ctx, id, "again")), HK_ESTATE);
    /* reject needs a reason, from any open state */
    id2 = create(t, "{\"title\": \"dup\"}", HK_OK, NULL);
    assert_int_equal(act(t, id2, "reject", NULL), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "reason"));
    assert_int_equal(act(t, id2, "reject", "{\"reason\": \"duplicate of another case\"}"), HK_OK);
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, id2, &o)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(o, "reject_reason")),
                        "duplicate of another case");
    json_decref(o);
    assert_int_equal(act(t, id2, "triage", NULL), HK_ESTATE);
    assert_true(audited(t, id2, "vcase.state"));
    assert_true(audited(t, id, "vcase.create"));
    tenv_free(t);
}

static void test_visibility(void **state)
{
    struct tenv *t = tenv_new();
    json_t *o = NULL, *b;
    int64_t mine, staff, f = 0, uid[2];

    (void)state;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(TX(t, hk_user_add(&t->ctx, i ? "rep8" : "rep7", "reporter", "", NULL, &o)),
                         HK_OK);
        uid[i] = json_integer_value(json_object_get(o, "id"));
        json_decref(o);
    }
    staff = create(t, "{\"title\": \"staff case\"}", HK_OK, NULL);
    tenv_as(t, uid[0], HK_ROLE_REPORTER, "rep7", "");
    mine = create(t, "{\"title\": \"reported\", \"reporter\": {\"name\": \"R\"}}", HK_OK, NULL);
    create(t, "{\"title\": \"x\", \"publish_at\": \"2030-01-01T00:00:00Z\"}", HK_EPERM, NULL);
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, mine, &o)), HK_OK);
    json_decref(o);
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, staff, &o)), HK_ENOTFOUND);
    assert_int_equal(TX(t, hk_vcase_csaf(&t->ctx, staff, &o)), HK_ENOTFOUND);
    assert_int_equal(TX(t, hk_vcase_find(&t->ctx, "1", &f)), HK_ENOTFOUND);
    assert_int_equal(count_cases(t), 1);
    assert_int_equal(act(t, mine, "triage", NULL), HK_EPERM);
    b = json_pack("{s:s}", "title", "mine now");
    assert_int_equal(TX(t, hk_vcase_update(&t->ctx, mine, b, &o)), HK_EPERM);
    json_decref(b);
    tenv_as(t, uid[1], HK_ROLE_REPORTER, "rep8", "");
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, mine, &o)), HK_ENOTFOUND);
    assert_int_equal(count_cases(t), 0);
    tenv_as(t, 9, HK_ROLE_SENSOR, "sensor", "");
    create(t, "{\"title\": \"s\"}", HK_EPERM, NULL);
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, mine, &o)), HK_ENOTFOUND);
    tenv_as(t, 2, HK_ROLE_HANDLER, "h", "");
    assert_int_equal(count_cases(t), 2);
    tenv_free(t);
}

/* A case with two vendors, products and remediations, ready to publish. */
static int64_t two_vendor_case(struct tenv *t, const char *tlp)
{
    char body[2048];
    json_t *o = NULL, *b;
    int64_t id, pid;

    add_team(t, "acme", "vendor", "psirt@acme.example", "en");
    add_team(t, "globex", "psirt", "sec@globex.example", "ja");
    (void)snprintf(
        body, sizeof(body),
        "{\"title\": \"Overflow in widget\", \"description\": \"A long packet.\","
        " \"tlp\": \"%s\", \"cve_ids\": [\"CVE-2026-10001\", \"CVE-2026-10002\"],"
        " \"cwe_ids\": [\"CWE-787\"], \"cvss\": [\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/"
        "C:H/I:H/A:H\"], \"vendors\": [\"acme\", \"globex\"], \"products\": ["
        "{\"vendor\": \"acme\", \"product\": \"widget\", \"versions\": [{\"version\":"
        " \"2.0\", \"less_than\": \"2.4.2\"}, \"2.5\"], \"cpe\": "
        "\"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\"},"
        "{\"vendor\": \"globex\", \"product\": \"gizmo\", \"purl\": \"pkg:npm/gizmo\"}]}",
        tlp);
    id = create(t, body, HK_OK, &o);
    pid = json_integer_value(
        json_object_get(json_array_get(json_object_get(o, "products"), 0), "id"));
    json_decref(o);
    b = json_pack("{s:s, s:s}", "status", "affected", "statement", "Fixed in 2.4.2.");
    assert_int_equal(TX(t, hk_vcase_vendor_update(&t->ctx, id, "acme", b, &o)), HK_OK);
    json_decref(b);
    json_decref(o);
    b = json_pack("{s:s}", "status", "not_affected");
    assert_int_equal(TX(t, hk_vcase_vendor_update(&t->ctx, id, "globex", b, &o)), HK_OK);
    json_decref(b);
    json_decref(o);
    b = json_pack("{s:s}", "status", "sort-of");
    assert_int_equal(TX(t, hk_vcase_vendor_update(&t->ctx, id, "globex", b, &o)), HK_EINVAL);
    json_decref(b);
    b = json_pack("{s:s, s:s, s:s, s:I}", "category", "vendor_fix", "details", "Upgrade.", "url",
                  "https://acme.example/fix", "product_id", (json_int_t)pid);
    assert_int_equal(TX(t, hk_vcase_remediation_add(&t->ctx, id, b, &o)), HK_OK);
    json_decref(b);
    json_decref(o);
    b = json_pack("{s:s, s:s, s:I}", "category", "vendor_fix", "details", "x", "product_id",
                  (json_int_t)99);
    assert_int_equal(TX(t, hk_vcase_remediation_add(&t->ctx, id, b, &o)), HK_EINVAL);
    json_decref(b);
    return id;
}

static json_t *status_of(json_t *doc, const char *group)
{
    return json_object_get(
        json_object_get(json_array_get(json_object_get(doc, "vulnerabilities"), 0),
                        "product_status"),
        group);
}

static void test_csaf(void **state)
{
    struct tenv *t = tenv_new();
    int64_t id = two_vendor_case(t, "CLEAR");
    json_t *doc = NULL, *report = NULL, *d;

    (void)state;
    assert_int_equal(TX(t, hk_vcase_csaf(&t->ctx, id, &doc)), HK_OK);
    if (hk_csaf_validate(doc, &report) != HK_OK) {
        char *s = json_dumps(report, JSON_INDENT(1));
        fail_msg("generated CSAF is invalid: %s", s);
    }
    json_decref(report);
    d = json_object_get(doc, "document");
    assert_string_equal(json_string_value(json_object_get(d, "category")),
                        "csaf_security_advisory");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "tracking"), "id")),
                        json_string_value(json_object_get(
                            json_object_get(json_object_get(doc, "document"), "tracking"), "id")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(d, "distribution"), "tlp"), "label")),
                        "WHITE");
    assert_int_equal(json_array_size(json_object_get(doc, "vulnerabilities")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(doc, "vulnerabilities"), 1), "cve")),
                        "CVE-2026-10002");
    assert_int_equal(json_array_size(status_of(doc, "known_affected")), 2);
    { /* the exact version's leaf names that version in its CPE; the range keeps ANY */
        char *txt = json_dumps(json_object_get(doc, "product_tree"), JSON_COMPACT);
        assert_non_null(strstr(txt, "\"cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*\""));
        assert_non_null(strstr(txt, "\"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\""));
        assert_non_null(strstr(txt, "\"vers:generic/>=2.0|<2.4.2\""));
        free(txt);
    }
    assert_int_equal(json_array_size(status_of(doc, "known_not_affected")), 1);
    assert_null(status_of(doc, "under_investigation"));
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(doc, "vulnerabilities"), 0), "cwe"),
            "name")),
        "Out-of-bounds Write");
    json_decref(doc);
    tenv_free(t);
}

static void test_product_remove(void **state)
{
    struct tenv *t = tenv_new();
    int64_t id = two_vendor_case(t, "GREEN"), pid;
    json_t *o = NULL, *r;

    (void)state;
    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, id, &o)), HK_OK);
    pid = json_integer_value(
        json_object_get(json_array_get(json_object_get(o, "products"), 0), "id"));
    json_decref(o);
    assert_int_equal(TX(t, hk_vcase_product_remove(&t->ctx, id, pid + 100, &o)), HK_ENOTFOUND);
    assert_int_equal(TX(t, hk_vcase_product_remove(&t->ctx, id, pid, &o)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(o, "products")), 1);
    r = json_array_get(json_object_get(o, "remediations"), 0);
    assert_true(json_is_null(json_object_get(r, "product_id"))); /* now for the whole case */
    json_decref(o);
    assert_int_equal(TX(t, hk_vcase_csaf(&t->ctx, id, &o)), HK_OK);
    assert_int_equal(hk_csaf_validate(o, NULL), HK_OK);
    json_decref(o);
    tenv_as(t, 3, HK_ROLE_HANDLER, "h", "");
    assert_int_equal(TX(t, hk_vcase_product_remove(&t->ctx, id, pid, &o)), HK_ENOTFOUND);
    tenv_free(t);
}

static char *slurp(const char *name, size_t *n)
{
    char path[512];
    FILE *f;
    char *buf;
    long len;

    (void)snprintf(path, sizeof(path), "%s/tests/data/cve/%s",
                   getenv("HK_SRC") ? getenv("HK_SRC") : ".", name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    (void)fseek(f, 0, SEEK_END);
    len = ftell(f);
    (void)fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    (void)fclose(f);
    *n = (size_t)len;
    return buf;
}

static void test_cve_reader(void **state)
{
    static const struct {
        const char *file;
        hk_err want;
        const char *path;
    } cases[] = {
        {"CVE-2017-4024_published.json", HK_OK, NULL},
        {"CVE-2017-5833_reserved.json", HK_OK, NULL},
        {"CVE-2017-5835_rejected.json", HK_OK, NULL},
        {"CVE-2017-4024_fail.json", HK_EINVAL, "/dataType:"},
        {"CVE-2017-4024_fail_cveMetadata.json", HK_EINVAL, "'cveMetadata'"},
        {"CVE-2017-4024_published_fail.json", HK_EINVAL, "/containers/cna/providerMetadata/orgId:"},
        {"CVE-2017-4024_published_bad_datePublic.json", HK_EINVAL, "/containers/cna/datePublic:"},
        {"CVE-2017-4024_rejected_fail.json", HK_EINVAL, "/containers/cna:"},
        {"CVE-2017-4024_reserved_fail.json", HK_EINVAL, "/descriptions/0:"},
        {"CVE-2017-4024_version_fail.json", HK_EINVAL, "/dataVersion:"},
    };
    struct hk_errmsg em;
    json_t *rec;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n;
        char *p = slurp(cases[i].file, &n);
        hk_err err;
        memset(&em, 0, sizeof(em));
        rec = NULL;
        err = hk_cve_parse(p, n, &rec, &em);
        if (err != cases[i].want)
            fail_msg("%s: got %s (%s)", cases[i].file, hk_err_code(err), em.text);
        if (cases[i].path && strncmp(em.text, cases[i].path, strlen(cases[i].path)) &&
            !strstr(em.text, cases[i].path))
            fail_msg("%s: '%s' does not name %s", cases[i].file, em.text, cases[i].path);
        json_decref(rec);
        free(p);
    }
    /* hand-made problems */
    {
        static const struct {
            const char *json, *path;
        } bad[] = {
            {"[]", "/:"},
            {"{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
             "{\"cveId\": \"CVE-2026-1\", \"state\": \"RESERVED\"}}",
             "/cveMetadata/cveId:"},
            {"{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
             "{\"cveId\": \"CVE-2026-1234\", \"state\": \"PUBLISHED\", \"assignerOrgId\": "
             "\"88c02595-c8f7-4864-a0e7-e09b3e1da691\"}}",
             "'containers'"},
            {"{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
             "{\"cveId\": \"CVE-2026-1234\", \"state\": \"PUBLISHED\", \"assignerOrgId\": "
             "\"88c02595-c8f7-4864-a0e7-e09b3e1da691\", \"dateUpdated\": \"2026-02-30T00:00:00Z\"}}",
             "/cveMetadata/dateUpdated:"},
            {"{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
             "{\"cveId\": \"CVE-2026-1234\", \"state\": \"PUBLISHED\", \"assignerOrgId\": "
             "\"88c02595-c8f7-4864-a0e7-e09b3e1da691\"}, \"containers\": {\"cna\": "
             "{\"providerMetadata\": {\"orgId\": \"88c02595-c8f7-4864-a0e7-e09b3e1da691\"}, "
             "\"descriptions\": [{\"lang\": \"en\", \"value\": \"d\"}], \"affected\": [], "
             "\"references\": [{\"url\": \"https://x\"}]}}}",
             "/containers/cna/affected:"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            memset(&em, 0, sizeof(em));
            rec = NULL;
            assert_int_equal(hk_cve_parse(bad[i].json, strlen(bad[i].json), &rec, &em), HK_EINVAL);
            if (!strstr(em.text, bad[i].path))
                fail_msg("bad[%zu]: '%s' does not name %s", i, em.text, bad[i].path);
        }
        memset(&em, 0, sizeof(em));
        assert_int_equal(hk_cve_parse("{\"a\": 1, \"a\": 2}", 16, &rec, &em), HK_EPARSE);
    }
    (void)em;
}

static void test_cve_import_export(void **state)
{
    struct tenv *t = tenv_new();
    json_t *rec = NULL, *o = NULL, *exp = NULL, *back = NULL;
    struct hk_errmsg em = {{0}};
    size_t n;
    char *p;
    int64_t id, id2;

    (void)state;
    /* import into a new case */
    p = slurp("CVE-2017-4024_published.json", &n);
    assert_int_equal(hk_cve_parse(p, n, &rec, &em), HK_OK);
    free(p);
    assert_int_equal(TX(t, hk_vcase_import_cve(&t->ctx, rec, 0, &o)), HK_OK);
    json_decref(rec);
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "cve_ids"), 0)),
                        "CVE-2017-4024");
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "cwe_ids"), 0)),
                        "CWE-91");
    assert_int_equal(json_array_size(json_object_get(o, "products")), 1);
    assert_true(audited(t, json_integer_value(json_object_get(o, "id")), "vcase.import_cve"));
    json_decref(o);
    /* an invalid record stores nothing */
    assert_int_equal(count_cases(t), 1);
    p = slurp("CVE-2017-4024_published_fail.json", &n);
    rec = json_loadb(p, n, 0, NULL);
    free(p);
    assert_int_equal(TX(t, hk_vcase_import_cve(&t->ctx, rec, 0, &o)), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "/containers/cna/providerMetadata/orgId"));
    json_decref(rec);
    assert_int_equal(count_cases(t), 1);

    /* export a two-vendor case and import it again: same CVE, CWE, CVSS, products, vendors */
    id = two_vendor_case(t, "AMBER");
    assert_int_equal(TX(t, hk_vcase_export_cve(&t->ctx, id, "CVE-2026-99999", &exp)), HK_EINVAL);
    assert_int_equal(TX(t, hk_vcase_export_cve(&t->ctx, id, "CVE-2026-10002", &exp)), HK_OK);
    assert_int_equal(hk_cve_check(exp, &em), HK_OK);
    assert_int_equal(TX(t, hk_vcase_import_cve(&t->ctx, exp, 0, &back)), HK_OK);
    id2 = json_integer_value(json_object_get(back, "id"));
    assert_true(id2 != id);
    assert_string_equal(json_string_value(json_array_get(json_object_get(back, "cve_ids"), 0)),
                        "CVE-2026-10002");
    assert_string_equal(json_string_value(json_array_get(json_object_get(back, "cwe_ids"), 0)),
                        "CWE-787");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(back, "cvss"), 0), "vector")),
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_int_equal(json_array_size(json_object_get(back, "products")), 2);
    assert_int_equal(json_array_size(json_object_get(back, "vendors")), 2);
    {
        json_t *p0 = json_array_get(json_object_get(back, "products"), 0);
        json_t *v0 = json_array_get(json_object_get(p0, "versions"), 0);
        assert_string_equal(json_string_value(json_object_get(p0, "cpe")),
                            "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*");
        assert_string_equal(json_string_value(json_object_get(v0, "less_than")), "2.4.2");
    }
    json_decref(back);
    /* import into the existing case: the CVE id is added once */
    assert_int_equal(TX(t, hk_vcase_import_cve(&t->ctx, exp, id2, &back)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(back, "cve_ids")), 1);
    assert_int_equal(json_array_size(json_object_get(back, "cvss")), 1);
    json_decref(back);
    json_decref(exp);
    tenv_free(t);
}

static void test_remind(void **state)
{
    struct tenv *t = tenv_new();
    json_t *o = NULL, *b, *r;
    char when[32];
    int64_t id;

    (void)state;
    id = two_vendor_case(t, "AMBER");
    assert_int_equal(act(t, id, "triage", NULL), HK_OK);
    assert_int_equal(act(t, id, "coordinate", NULL), HK_OK);
    hk_time_fmt(time(NULL) + 3 * 86400, when);
    b = json_pack("{s:s}", "publish_at", when);
    assert_int_equal(TX(t, hk_vcase_transition(&t->ctx, id, "schedule", b, &o)), HK_OK);
    json_decref(b);
    json_decref(o);
    /* a 1-day window does not reach the date */
    b = json_pack("{s:i}", "days", 1);
    assert_int_equal(TX(t, hk_vcase_remind(&t->ctx, b, &o)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(o, "reminders")), 0);
    json_decref(o);
    json_decref(b);
    /* default 7 days: globex gave a status but no statement; acme gave both */
    assert_int_equal(TX(t, hk_vcase_remind(&t->ctx, NULL, &o)), HK_OK);
    r = json_object_get(o, "reminders");
    assert_int_equal(json_array_size(r), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "team")), "globex");
    assert_true(json_integer_value(json_object_get(json_array_get(r, 0), "outbox_id")) > 0);
    json_decref(o);
    assert_true(audited(t, id, "vcase.remind"));
    /* idempotent the same day */
    assert_int_equal(TX(t, hk_vcase_remind(&t->ctx, NULL, &o)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(o, "reminders")), 0);
    json_decref(o);
    b = json_pack("{s:i}", "days", -1);
    assert_int_equal(TX(t, hk_vcase_remind(&t->ctx, b, &o)), HK_EINVAL);
    json_decref(b);
    tenv_as(t, 5, HK_ROLE_REPORTER, "r", "");
    assert_int_equal(TX(t, hk_vcase_remind(&t->ctx, NULL, &o)), HK_EPERM);
    tenv_free(t);
}

static void test_reminder_templates(void **state)
{
    static const char *const langs[] = {"en", "ja"};
    struct hk_mail_config mc;

    (void)state;
    memset(&mc, 0, sizeof(mc));
    mc.from = "CSIRT <csirt@example.net>";
    mc.org = "Example CSIRT";
    for (int i = 0; i < 2; i++) {
        struct hk_mail_notice n;
        struct hk_buf subj = HK_BUF_INIT(1 << 16), body = HK_BUF_INIT(1 << 20);
        struct hk_errmsg em = {{0}};
        memset(&n, 0, sizeof(n));
        n.kind = HK_MAIL_VULN_REMINDER;
        n.lang = langs[i];
        n.ticket = 3;
        n.team_name = "globex";
        n.title = "HKVU#2026-0003 Overflow in widget";
        n.summary = "  - acme widget 2.0 < 2.4.2\n";
        n.tlp = "AMBER";
        n.reply_by = 1800000000;
        if (hk_mail_notice_render(&n, &mc, &subj, &body, &em) != HK_OK)
            fail_msg("vuln-reminder-%s: %s", langs[i], em.text);
        assert_non_null(strstr(hk_buf_str(&subj), "[hikeshi#V3]"));
        assert_non_null(strstr(hk_buf_str(&subj), "HKVU#2026-0003"));
        assert_non_null(strstr(hk_buf_str(&body), "acme widget"));
        assert_non_null(strstr(hk_buf_str(&body), "2027-01-15"));
        hk_buf_release(&subj);
        hk_buf_release(&body);
    }
}

/* A two-vendor case scheduled for 2030-01-01T00:00:00Z (1893456000). */
static int64_t scheduled_case(struct tenv *t)
{
    struct hk_advisory_opts o = {t->dir, "http://provider.test", NULL, NULL};
    int64_t id = two_vendor_case(t, "CLEAR");

    unsetenv("HIKESHI_SIGN_KEY");
    hk_advisory_setup(&o);
    assert_int_equal(act(t, id, "triage", NULL), HK_OK);
    assert_int_equal(act(t, id, "coordinate", NULL), HK_OK);
    assert_int_equal(act(t, id, "schedule", "{\"publish_at\": \"2030-01-01T00:00:00Z\"}"), HK_OK);
    return id;
}

/* hk_vuln_publish in its own transaction at the time `now` (hk_ctx_begin sets the clock). */
static hk_err publish_at(struct tenv *t, int64_t now, int64_t id, bool early, const char *reason,
                         json_t **out)
{
    hk_err err = hk_ctx_begin(&t->ctx, true);

    t->ctx.now = now;
    if (!err)
        err = hk_vuln_publish(&t->ctx, id, early, reason, out);
    if (err)
        hk_ctx_rollback(&t->ctx);
    else
        err = hk_ctx_commit(&t->ctx);
    return err;
}

static const char *case_state(struct tenv *t, int64_t id, char *buf, size_t cap)
{
    json_t *o = NULL;

    assert_int_equal(TX(t, hk_vcase_get(&t->ctx, id, &o)), HK_OK);
    (void)snprintf(buf, cap, "%s", json_string_value(json_object_get(o, "state")));
    json_decref(o);
    return buf;
}

#define DAY_BEFORE (1893456000 - 86400) /* one day before the agreed date */

static void test_embargo(void **state)
{
    struct tenv *t = tenv_new();
    int64_t id = scheduled_case(t);
    json_t *o = NULL, *rows = NULL, *r, *lift = NULL;
    char big[HK_EMBARGO_REASON_MAX + 2], st[32];
    size_t i;

    (void)state;
    assert_int_equal(publish_at(t, DAY_BEFORE, id, false, NULL, &o), HK_ECONFLICT);
    assert_null(o);
    assert_non_null(strstr(t->em.text, "2030-01-01T00:00:00Z"));
    assert_non_null(strstr(t->em.text, "--early"));
    /* an early lift needs a reason, non-empty and bounded */
    assert_int_equal(publish_at(t, DAY_BEFORE, id, true, NULL, &o), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "reason"));
    assert_int_equal(publish_at(t, DAY_BEFORE, id, true, "", &o), HK_EINVAL);
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(publish_at(t, DAY_BEFORE, id, true, big, &o), HK_EINVAL);
    /* a reason without early lifts nothing */
    assert_int_equal(publish_at(t, DAY_BEFORE, id, false, "why", &o), HK_ECONFLICT);
    /* nothing was published or audited by the refusals */
    assert_string_equal(case_state(t, id, st, sizeof(st)), "scheduled");
    assert_false(audited(t, id, "vcase.embargo_lifted"));
    assert_int_equal(TX(t, hk_advisory_list(&t->ctx, NULL, &o)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(o, "items")), 0);
    json_decref(o);
    o = NULL;

    /* lifted early with a reason: published, the lift audited with both dates and the reason */
    assert_int_equal(publish_at(t, DAY_BEFORE, id, true, "exploited in the wild", &o), HK_OK);
    assert_non_null(json_object_get(o, "tracking_id"));
    json_decref(o);
    assert_string_equal(case_state(t, id, st, sizeof(st)), "published");
    assert_int_equal(TX(t, hk_audit_of(&t->ctx, "vcase", id, &rows)), HK_OK);
    json_array_foreach(rows, i, r)
    {
        if (!strcmp(json_string_value(json_object_get(r, "action")), "vcase.embargo_lifted")) {
            assert_null(lift);
            lift = json_object_get(r, "after");
        }
    }
    assert_non_null(lift);
    assert_string_equal(json_string_value(json_object_get(lift, "publish_at")),
                        "2030-01-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(lift, "published_at")),
                        "2029-12-31T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(lift, "reason")),
                        "exploited in the wild");
    json_decref(rows);
    tenv_free(t);

    /* at the agreed date nothing needs lifting and no lift is audited */
    t = tenv_new();
    id = scheduled_case(t);
    assert_int_equal(publish_at(t, 1893456000, id, false, NULL, &o), HK_OK);
    json_decref(o);
    assert_string_equal(case_state(t, id, st, sizeof(st)), "published");
    assert_false(audited(t, id, "vcase.embargo_lifted"));
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_id),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_csaf),
        cmocka_unit_test(test_cve_reader),
        cmocka_unit_test(test_cve_import_export),
        cmocka_unit_test(test_remind),
        cmocka_unit_test(test_reminder_templates),
        cmocka_unit_test(test_product_remove),
        cmocka_unit_test(test_embargo),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
