/* SPDX-License-Identifier: MIT */
/*
 * The CSAF 2.0 validator (src/vuln/csaf*.c): minimal hand-made documents that must pass
 * (csaf_base and csaf_security_advisory), the JSON schema keywords as the CSAF schema uses
 * them (required, type, enum, pattern, minLength, minItems, uniqueItems, minProperties,
 * format date-time and uri, oneOf for cvss_v3) with the JSON pointer of each error, a
 * selection of mandatory tests (6.1.1, 6.1.2, 6.1.3, 6.1.6, 6.1.8, 6.1.9, 6.1.12, 6.1.16,
 * 6.1.26, 6.1.27.x) each failing on a one-change variant of a valid document, the input bounds,
 * concurrent use from several threads, and the helper checks (language tags, package URLs,
 * RFC 3339 date-times).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/csaf.h"
#include "vuln/csaf_int.h"

static const char base_doc[] =
    "{\"document\": {\"category\": \"csaf_base\", \"csaf_version\": \"2.0\","
    " \"publisher\": {\"category\": \"other\", \"name\": \"OASIS CSAF TC\","
    "  \"namespace\": \"https://csaf.io\"},"
    " \"title\": \"Minimal\","
    " \"tracking\": {\"current_release_date\": \"2021-07-21T10:00:00.000Z\","
    "  \"id\": \"HK-TEST-1\", \"initial_release_date\": \"2021-07-21T10:00:00.000Z\","
    "  \"revision_history\": [{\"date\": \"2021-07-21T10:00:00.000Z\", \"number\": \"1\","
    "   \"summary\": \"Initial version.\"}],"
    "  \"status\": \"final\", \"version\": \"1\"}}}";

/* A security advisory with one product, one vulnerability and one CVSS v3.1 score. */
static const char advisory_doc[] =
    "{\"document\": {\"category\": \"csaf_security_advisory\", \"csaf_version\": \"2.0\","
    " \"lang\": \"en\","
    " \"publisher\": {\"category\": \"coordinator\", \"name\": \"hikeshi\","
    "  \"namespace\": \"https://cert.example\"},"
    " \"title\": \"Example advisory\","
    " \"tracking\": {\"current_release_date\": \"2026-01-02T00:00:00Z\","
    "  \"id\": \"HKVU-2026-0001\", \"initial_release_date\": \"2026-01-01T00:00:00Z\","
    "  \"revision_history\": ["
    "   {\"date\": \"2026-01-01T00:00:00Z\", \"number\": \"1\", \"summary\": \"Initial.\"},"
    "   {\"date\": \"2026-01-02T00:00:00Z\", \"number\": \"2\", \"summary\": \"Fix.\"}],"
    "  \"status\": \"final\", \"version\": \"2\"}},"
    " \"product_tree\": {\"full_product_names\": ["
    "  {\"name\": \"Widget 1.0\", \"product_id\": \"P1\"},"
    "  {\"name\": \"Widget 1.1\", \"product_id\": \"P2\"}]},"
    " \"vulnerabilities\": [{\"cve\": \"CVE-2026-0001\","
    "  \"notes\": [{\"category\": \"description\", \"text\": \"Overflow.\"}],"
    "  \"product_status\": {\"known_affected\": [\"P1\"], \"fixed\": [\"P2\"]},"
    "  \"scores\": [{\"products\": [\"P1\"], \"cvss_v3\": {\"version\": \"3.1\","
    "   \"vectorString\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\","
    "   \"baseScore\": 9.8, \"baseSeverity\": \"CRITICAL\"}}]}]}";

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *d = json_loads(text, 0, &je);

    if (!d)
        fail_msg("test document does not parse: %s", je.text);
    return d;
}

/* Validates doc (consumed) and returns the report. */
static json_t *run(json_t *doc, hk_err *err)
{
    json_t *rep = NULL;

    *err = hk_csaf_validate(doc, &rep);
    json_decref(doc);
    assert_non_null(rep);
    return rep;
}

/* True when the report has an error of test at path (NULL: any path), printing it if not. */
static bool has_error(json_t *rep, const char *test, const char *path)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(rep, "errors"), i, e)
    {
        const char *t = json_string_value(json_object_get(e, "test"));
        const char *p = json_string_value(json_object_get(e, "path"));

        assert_non_null(json_string_value(json_object_get(e, "message")));
        if (!strcmp(t, test) && (!path || !strcmp(p, path)))
            return true;
    }
    {
        char *dump = json_dumps(rep, JSON_COMPACT);

        fprintf(stderr, "expected %s at %s in %s\n", test, path ? path : "*", dump);
        free(dump);
    }
    return false;
}

/* Applies a JSON merge-patch-like change: sets member k of the object at pointer p. */
static void set_at(json_t *doc, const char *ptr, const char *k, json_t *v)
{
    json_t *cur = doc;
    char buf[256], *save = NULL, *seg;

    (void)snprintf(buf, sizeof(buf), "%s", ptr);
    for (seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(seg, NULL, 10))
                                 : json_object_get(cur, seg);
    assert_non_null(cur);
    if (v)
        assert_int_equal(json_object_set_new(cur, k, v), 0);
    else
        assert_int_equal(json_object_del(cur, k), 0);
}

static void expect_valid(json_t *doc)
{
    hk_err err;
    json_t *rep = run(doc, &err);

    if (err != HK_OK) {
        char *dump = json_dumps(rep, JSON_COMPACT);

        fail_msg("expected valid: %s", dump);
    }
    assert_true(json_is_true(json_object_get(rep, "valid")));
    assert_int_equal(json_array_size(json_object_get(rep, "errors")), 0);
    json_decref(rep);
}

/* The document fails with test at path. */
static void expect_error(json_t *doc, const char *test, const char *path)
{
    hk_err err;
    json_t *rep = run(doc, &err);

    assert_int_equal(err, HK_EINVAL);
    assert_true(json_is_false(json_object_get(rep, "valid")));
    assert_true(has_error(rep, test, path));
    json_decref(rep);
}

static void test_valid_documents(void **state)
{
    (void)state;
    expect_valid(load(base_doc));
    expect_valid(load(advisory_doc));
    {
        json_t *d = load(base_doc);

        assert_int_equal(hk_csaf_validate(d, NULL), HK_OK); /* no report wanted */
        json_decref(d);
    }
}

static void test_schema_keywords(void **state)
{
    json_t *d;

    (void)state;
    d = load(base_doc); /* required */
    set_at(d, "/document", "title", NULL);
    expect_error(d, "schema", "/document");
    d = load(base_doc); /* type */
    set_at(d, "/document", "title", json_integer(1));
    expect_error(d, "schema", "/document/title");
    d = load(base_doc); /* enum */
    set_at(d, "/document/tracking", "status", json_string("published"));
    expect_error(d, "schema", "/document/tracking/status");
    d = load(base_doc); /* pattern: no leading white space in the tracking id */
    set_at(d, "/document/tracking", "id", json_string(" HK-1"));
    expect_error(d, "schema", "/document/tracking/id");
    d = load(base_doc); /* ECMA-262 \s: a no-break space is white space */
    set_at(d, "/document/tracking", "id", json_string("\xc2\xa0HK-1"));
    expect_error(d, "schema", "/document/tracking/id");
    d = load(base_doc); /* ECMA-262 ".": no carriage return */
    set_at(d, "/document/tracking", "id", json_string("H\rK"));
    expect_error(d, "schema", "/document/tracking/id");
    d = load(base_doc); /* minLength */
    set_at(d, "/document/publisher", "name", json_string(""));
    expect_error(d, "schema", "/document/publisher/name");
    d = load(base_doc); /* minItems */
    set_at(d, "/document/tracking", "revision_history", json_array());
    expect_error(d, "schema", "/document/tracking/revision_history");
    d = load(base_doc); /* format date-time: no 30 February */
    set_at(d, "/document/tracking", "current_release_date", json_string("2021-02-30T10:00:00Z"));
    expect_error(d, "schema", "/document/tracking/current_release_date");
    d = load(base_doc); /* format uri */
    set_at(d, "/document/publisher", "namespace", json_string("csaf.io"));
    expect_error(d, "schema", "/document/publisher/namespace");
    d = load(advisory_doc); /* uniqueItems */
    set_at(d, "/vulnerabilities/0/product_status", "fixed", json_pack("[s,s]", "P2", "P2"));
    expect_error(d, "schema", "/vulnerabilities/0/product_status/fixed");
    d = load(advisory_doc); /* minProperties */
    set_at(d, "/vulnerabilities/0", "product_status", json_object());
    expect_error(d, "schema", "/vulnerabilities/0/product_status");
    d = load(advisory_doc); /* oneOf (cvss 3.0 or 3.1) and the 6.1.8 re-check */
    set_at(d, "/vulnerabilities/0/scores/0/cvss_v3", "version", json_string("3.2"));
    {
        hk_err err;
        json_t *rep = run(d, &err);

        assert_true(has_error(rep, "schema", "/vulnerabilities/0/scores/0/cvss_v3"));
        assert_true(has_error(rep, "6.1.8", "/vulnerabilities/0/scores/0/cvss_v3"));
        json_decref(rep);
    }
    expect_error(json_array(), "schema", ""); /* not an object at all */
}

static void test_mandatory(void **state)
{
    json_t *d;

    (void)state;
    d = load(advisory_doc); /* 6.1.1 */
    set_at(d, "/vulnerabilities/0/product_status", "known_affected", json_pack("[s]", "P9"));
    expect_error(d, "6.1.1", "/vulnerabilities/0/product_status/known_affected/0");
    d = load(advisory_doc); /* 6.1.2 */
    set_at(d, "/product_tree/full_product_names/1", "product_id", json_string("P1"));
    expect_error(d, "6.1.2", "/product_tree/full_product_names/1/product_id");
    d = load(advisory_doc); /* 6.1.3 */
    set_at(d, "/product_tree", "relationships",
           json_pack("[{s:s, s:{s:s, s:s}, s:s, s:s}]", "category", "installed_on",
                     "full_product_name", "name", "W on W", "product_id", "P3", "product_reference",
                     "P3", "relates_to_product_reference", "P1"));
    expect_error(d, "6.1.3", "/product_tree/relationships/0/product_reference");
    d = load(advisory_doc); /* 6.1.6 */
    set_at(d, "/vulnerabilities/0/product_status", "fixed", json_pack("[s]", "P1"));
    expect_error(d, "6.1.6", NULL);
    d = load(advisory_doc); /* 6.1.9 */
    set_at(d, "/vulnerabilities/0/scores/0/cvss_v3", "baseScore", json_real(9.7));
    expect_error(d, "6.1.9", "/vulnerabilities/0/scores/0/cvss_v3/baseScore");
    d = load(advisory_doc); /* 6.1.12 */
    set_at(d, "/document", "lang", json_string("EZ"));
    expect_error(d, "6.1.12", "/document/lang");
    d = load(advisory_doc); /* 6.1.16 */
    set_at(d, "/document/tracking", "version", json_string("1"));
    expect_error(d, "6.1.16", "/document/tracking/version");
    d = load(base_doc); /* 6.1.26 */
    set_at(d, "/document", "category", json_string("Security Advisory"));
    expect_error(d, "6.1.26", "/document/category");
    d = load(advisory_doc); /* 6.1.27.11 and 6.1.27.4 */
    set_at(d, "", "vulnerabilities", NULL);
    set_at(d, "", "product_tree", NULL);
    {
        hk_err err;
        json_t *rep = run(d, &err);

        assert_true(has_error(rep, "6.1.27.11", ""));
        assert_true(has_error(rep, "6.1.27.4", ""));
        json_decref(rep);
    }
    d = load(advisory_doc); /* equal dates: the revisions are ordered by number (6.1.21) */
    set_at(d, "/document/tracking/revision_history/0", "date", json_string("2026-01-02T00:00:00Z"));
    set_at(d, "/document/tracking/revision_history/0", "number", json_string("2"));
    set_at(d, "/document/tracking/revision_history/1", "number", json_string("1"));
    expect_valid(d);
    d = load(advisory_doc); /* 6.1.21: major version 2 missing */
    set_at(d, "/document/tracking/revision_history/1", "number", json_string("3"));
    set_at(d, "/document/tracking", "version", json_string("3"));
    expect_error(d, "6.1.21", "/document/tracking/revision_history");
    d = load(advisory_doc); /* 6.1.27.5 */
    set_at(d, "/vulnerabilities/0", "notes", NULL);
    expect_error(d, "6.1.27.5", "/vulnerabilities/0");
}

static void test_bounds(void **state)
{
    json_t *d = json_array(), *cur = d, *rep = NULL;

    (void)state;
    for (int i = 0; i < HK_CSAF_MAX_DEPTH + 5; i++) {
        json_t *n = json_array();

        (void)json_array_append_new(cur, n);
        cur = n;
    }
    assert_int_equal(hk_csaf_validate(d, &rep), HK_ETOOBIG);
    assert_true(has_error(rep, "limit", ""));
    json_decref(rep);
    json_decref(d);
    rep = NULL;
    assert_int_equal(hk_csaf_validate(NULL, &rep), HK_EINVAL);
    json_decref(rep);
}

static void *worker(void *arg)
{
    json_t *doc = arg;

    for (int i = 0; i < 20; i++) {
        json_t *rep = NULL;

        if (hk_csaf_validate(doc, &rep) != HK_EINVAL ||
            !json_is_false(json_object_get(rep, "valid")))
            return (void *)1;
        json_decref(rep);
    }
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t t[4];
    json_t *docs[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        docs[i] = load(advisory_doc);
        set_at(docs[i], "/document", "lang", json_string("xx-INVALID!"));
        assert_int_equal(pthread_create(&t[i], NULL, worker, docs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *rv;

        assert_int_equal(pthread_join(t[i], &rv), 0);
        assert_null(rv);
        json_decref(docs[i]);
    }
}

static void test_helpers(void **state)
{
    const char *why;

    (void)state;
    assert_true(csaf_lang_valid("en"));
    assert_true(csaf_lang_valid("en-US"));
    assert_true(csaf_lang_valid("de-Latn-CH"));
    assert_true(csaf_lang_valid("zh-Hant-TW"));
    assert_true(csaf_lang_valid("i-default"));
    assert_true(csaf_lang_valid("x-private"));
    assert_false(csaf_lang_valid("EZ"));
    assert_false(csaf_lang_valid("en-US-"));
    assert_false(csaf_lang_valid("en-QQQQ"));
    assert_false(csaf_lang_valid("abcdefghi"));
    assert_true(csaf_purl_valid("pkg:npm/%40angular/animation@12.3.1", &why));
    assert_true(
        csaf_purl_valid("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=jar", &why));
    assert_false(csaf_purl_valid("pkg:maven/@1.3.4", &why));
    assert_non_null(why);
    assert_false(csaf_purl_valid("pkg:1abc/name", &why));
    assert_false(csaf_purl_valid("http://example.com", &why));
    assert_false(csaf_purl_valid("pkg:npm/a%zz", &why));
    assert_true(csaf_is_date_time("2024-02-29T23:59:59.123+09:00"));
    assert_true(csaf_is_date_time("2016-12-31T23:59:60Z")); /* leap second */
    assert_false(csaf_is_date_time("2023-02-29T00:00:00Z"));
    assert_false(csaf_is_date_time("2023-01-01T00:00:00")); /* no time zone */
    assert_false(csaf_is_date_time("2023-01-01T24:00:00Z"));
    assert_true(csaf_is_uri("https://csaf.io/a?b=c#d"));
    assert_false(csaf_is_uri("csaf.io"));
    assert_false(csaf_is_uri("https://exa mple.com"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents), cmocka_unit_test(test_schema_keywords),
        cmocka_unit_test(test_mandatory),       cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_threads),         cmocka_unit_test(test_helpers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
