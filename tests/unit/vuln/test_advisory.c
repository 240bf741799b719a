/* SPDX-License-Identifier: MIT */
/*
 * Advisories and early warning: purl parsing, normalisation and comparison (and refusals),
 * "vers" ranges, the matcher (CPE with ranges from product_version_range, first_affected up
 * to the fixed version, last_affected, exact versions, purl), assets over a real store
 * (normalisation, duplicates, all-or-nothing import), and publication: an invalid document
 * stores nothing, a valid one is stored once, queues one warning per affected team with only
 * its assets, and the provider directory written from committed data holds index.txt,
 * changes.csv, the .sha256 of the served bytes and provider-metadata.json; a rolled-back
 * publication leaves no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hikeshi/advisory.h"
#include "hikeshi/directory.h"
#include "testutil.h"

static json_t *J(const char *txt)
{
    json_error_t je;
    json_t *v = json_loads(txt, 0, &je);

    if (!v)
        fail_msg("bad test JSON: %s: %s", je.text, txt);
    return v;
}

#define PP(s, out) hk_purl_parse((s), strlen(s), (out), NULL)

static void test_purl(void **state)
{
    struct hk_purl a, b;
    char buf[512];

    (void)state;
    assert_int_equal(PP("pkg:npm/%40angular/core@12.3.1?b=2&a=1#lib/x", &a), HK_OK);
    assert_string_equal(a.type, "npm");
    assert_string_equal(a.ns, "@angular");
    assert_string_equal(a.name, "core");
    assert_string_equal(a.version, "12.3.1");
    assert_string_equal(a.qualifiers, "a=1&b=2");
    assert_string_equal(a.subpath, "lib/x");
    assert_int_equal(hk_purl_format(&a, true, buf, sizeof(buf)), HK_OK);
    assert_string_equal(buf, "pkg:npm/%40angular/core@12.3.1?a=1&b=2#lib/x");
    assert_int_equal(hk_purl_parse(buf, strlen(buf), &b, NULL), HK_OK);
    assert_true(hk_purl_same_package(&a, &b));
    assert_string_equal(b.version, a.version);
    /* type-specific normalisation: PyPI names, GitHub case */
    assert_int_equal(PP("pkg:PyPI/Django_Rest@1.0", &a), HK_OK);
    assert_int_equal(PP("pkg:pypi/django-rest", &b), HK_OK);
    assert_true(hk_purl_same_package(&a, &b));
    assert_int_equal(PP("pkg:github/Package-URL/purl-spec@244fd47e", &a), HK_OK);
    assert_string_equal(a.ns, "package-url");
    assert_int_equal(PP("pkg:maven/org.apache/Commons@1", &b), HK_OK);
    assert_string_equal(b.name, "Commons"); /* maven stays case-sensitive */
    assert_false(hk_purl_same_package(&a, &b));
    /* refusals */
    assert_int_equal(PP("npm/x@1", &a), HK_EPARSE);
    assert_int_equal(PP("pkg:npm", &a), HK_EPARSE);
    assert_int_equal(PP("pkg:1np/x", &a), HK_EPARSE);
    assert_int_equal(PP("pkg:npm/x@", &a), HK_EPARSE);
    assert_int_equal(PP("pkg:npm/x%2", &a), HK_EPARSE);
    assert_int_equal(PP("pkg:npm/x?a=1&a=2", &a), HK_EPARSE);
    {
        char big[2000];
        memset(big, 'a', sizeof(big));
        memcpy(big, "pkg:npm/", 8);
        assert_int_equal(hk_purl_parse(big, sizeof(big), &a, NULL), HK_ETOOBIG);
    }
}

static void test_vers(void **state)
{
    struct hk_vers v;

    (void)state;
    assert_int_equal(hk_vers_parse("vers:generic/>=2.0|<2.4.2", &v, NULL), HK_OK);
    assert_true(hk_vers_contains(&v, "2.0", 3));
    assert_true(hk_vers_contains(&v, "2.4.1", 5));
    assert_false(hk_vers_contains(&v, "2.4.2", 5));
    assert_false(hk_vers_contains(&v, "1.9", 3));
    assert_int_equal(hk_vers_parse("vers:npm/<1.0|>=2.0|<3.0|!=2.5", &v, NULL), HK_OK);
    assert_true(hk_vers_contains(&v, "0.9", 3));
    assert_false(hk_vers_contains(&v, "1.5", 3));
    assert_true(hk_vers_contains(&v, "2.1", 3));
    assert_false(hk_vers_contains(&v, "2.5", 3));
    assert_int_equal(hk_vers_parse("=1.0", &v, NULL), HK_OK);
    assert_true(hk_vers_contains(&v, "1.0.0", 5));
    assert_int_equal(hk_vers_parse("vers:x/*", &v, NULL), HK_OK);
    assert_true(hk_vers_contains(&v, "9", 1));
    assert_int_equal(hk_vers_parse("vers:x", &v, NULL), HK_EPARSE);
    assert_int_equal(hk_vers_parse(">=", &v, NULL), HK_EPARSE);
}

/* A CSAF document's parts that the matcher reads (not a full document). */
static const char *doc_text =
    "{\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"acme\",\"branches\":["
    "{\"category\":\"product_name\",\"name\":\"server\",\"branches\":["
    " {\"category\":\"product_version_range\",\"name\":\"vers:generic/>=2.0|<2.4.2\","
    "  \"product\":{\"product_id\":\"P1\",\"name\":\"acme server 2.x\","
    "  \"product_identification_helper\":{\"cpe\":\"cpe:2.3:a:acme:server:*:*:*:*:*:*:*:*\"}}},"
    " {\"category\":\"product_version\",\"name\":\"3.0\",\"product\":{\"product_id\":\"P2\","
    "  \"name\":\"acme server 3.0\",\"product_identification_helper\":{\"cpe\":"
    "  \"cpe:2.3:a:acme:server:3.0:*:*:*:*:*:*:*\"}}},"
    " {\"category\":\"product_version\",\"name\":\"3.2\",\"product\":{\"product_id\":\"P3\","
    "  \"name\":\"acme server 3.2\",\"product_identification_helper\":{\"cpe\":"
    "  \"cpe:/a:acme:server:3.2\"}}}]}]}],"
    "\"full_product_names\":[{\"product_id\":\"L1\",\"name\":\"lib 1.4\","
    " \"product_identification_helper\":{\"purl\":\"pkg:npm/acme-lib@1.4.0\"}},"
    " {\"product_id\":\"L2\",\"name\":\"old tool\","
    " \"product_identification_helper\":{\"cpe\":\"cpe:2.3:a:acme:tool:1.9:*:*:*:*:*:*:*\"}}]},"
    "\"vulnerabilities\":[{\"cve\":\"CVE-2026-0001\",\"product_status\":{"
    " \"known_affected\":[\"P1\",\"L1\"],\"first_affected\":[\"P2\"],\"fixed\":[\"P3\"],"
    " \"last_affected\":[\"L2\"]}}]}";

static bool hit(const struct hk_asset_index *ix, const struct hk_adv_hit *h, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++) {
        int64_t aid, team;
        const char *k, *nm, *v;
        hk_asset_index_get(ix, h[i].asset, &aid, &team, &k, &nm, &v);
        if (aid == id)
            return true;
    }
    return false;
}

static void test_match(void **state)
{
    json_t *doc = J(doc_text);
    struct hk_adv_criteria *cr = NULL;
    struct hk_asset_index *ix = hk_asset_index_new(4);
    struct hk_adv_hit *h = NULL;
    size_t n = 0;
    static const struct {
        int64_t id;
        const char *kind, *name;
        bool affected;
    } assets[] = {
        {1, "cpe", "cpe:2.3:a:acme:server:2.3.0:*:*:*:*:*:*:*", true},  /* in range */
        {2, "cpe", "cpe:2.3:a:acme:server:2.4.2:*:*:*:*:*:*:*", false}, /* range end */
        {3, "cpe", "cpe:2.3:a:acme:server:1.9:*:*:*:*:*:*:*", false},   /* before */
        {4, "cpe", "cpe:2.3:a:acme:server:3.1:*:*:*:*:*:*:*", true},    /* first_affected */
        {5, "cpe", "cpe:2.3:a:acme:server:3.2:*:*:*:*:*:*:*", false},   /* fixed */
        {6, "cpe", "cpe:2.3:a:acme:server:*:*:*:*:*:*:*:*", false},     /* unknown version */
        {7, "purl", "pkg:npm/acme-lib@1.4", true},                      /* 1.4 == 1.4.0 */
        {8, "purl", "pkg:npm/acme-lib@1.5.0", false},
        {9, "purl", "pkg:pypi/acme-lib@1.4.0", false},              /* another ecosystem */
        {10, "cpe", "cpe:2.3:a:acme:tool:1.2:*:*:*:*:*:*:*", true}, /* last_affected */
        {11, "cpe", "cpe:2.3:a:acme:tool:2.0:*:*:*:*:*:*:*", false},
        {12, "cpe", "cpe:2.3:a:other:server:2.3.0:*:*:*:*:*:*:*", false},
    };

    (void)state;
    assert_int_equal(hk_adv_criteria_build(doc, &cr, NULL), HK_OK);
    assert_int_equal(hk_adv_criteria_count(cr), 4);
    for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
        assert_int_equal(hk_asset_index_add(ix, assets[i].id, 100 + (int64_t)i, assets[i].kind,
                                            assets[i].name, ""),
                         HK_OK);
    assert_int_equal(hk_asset_index_add(ix, 99, 1, "cpe", "cpe:2.3:bogus", ""), HK_EPARSE);
    assert_int_equal(hk_adv_match(ix, cr, &h, &n), HK_OK);
    for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
        if (hit(ix, h, n, assets[i].id) != assets[i].affected)
            fail_msg("asset %lld (%s): expected %s", (long long)assets[i].id, assets[i].name,
                     assets[i].affected ? "affected" : "not affected");
    assert_int_equal(n, 4);
    {
        json_t *c = hk_adv_criterion_json(cr, h[0].criterion);
        assert_string_equal(json_string_value(json_object_get(c, "range")),
                            "vers:generic/>=2.0|<2.4.2");
        assert_string_equal(json_string_value(json_object_get(c, "cve")), "CVE-2026-0001");
        json_decref(c);
    }
    free(h);
    hk_adv_criteria_free(cr);
    hk_asset_index_free(ix);
    json_decref(doc);
}

static void test_assets(void **state)
{
    struct tenv *t = tenv_new();
    json_t *b, *out = NULL;
    const char *csv_bad = "team,kind,name,version\nteam-a,cpe,cpe:2.3:a:x:y:*:*:*:*:*:*:*:*,1.0\n"
                          "team-a,purl,pkg:npm/ok@1\nteam-a,cpe,cpe:2.3:nonsense,1\n";
    const char *csv_ok = "kind,name,version,label\ncpe,cpe:2.3:a:x:y:*:*:*:*:*:*:*:*,1.0,db\n"
                         "purl,pkg:npm/ok,1,\n";

    (void)state;
    b = J("{\"name\":\"team-a\",\"email\":\"a@example.net\"}");
    assert_int_equal(TX(t, hk_team_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
    b = J("{\"team\":\"team-a\",\"cpe\":\"cpe:2.3:a:Acme:Server:*:*:*:*:*:*:*:*\",\"version\":"
          "\"2.3+b1\"}");
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "name")),
                        "cpe:2.3:a:acme:server:2.3\\+b1:*:*:*:*:*:*:*");
    assert_string_equal(json_string_value(json_object_get(out, "version")), "2.3+b1");
    {
        int64_t id = json_integer_value(json_object_get(out, "id"));
        json_t *u = J("{\"version\":\"2.4\",\"label\":\"edge\"}"), *o2 = NULL;
        assert_int_equal(TX(t, hk_asset_update(&t->ctx, id, u, &o2)), HK_OK);
        assert_string_equal(json_string_value(json_object_get(o2, "name")),
                            "cpe:2.3:a:acme:server:2.4:*:*:*:*:*:*:*");
        assert_string_equal(json_string_value(json_object_get(o2, "label")), "edge");
        json_decref(o2);
        json_decref(u);
        u = J("{\"version\":\"2.3+b1\"}");
        assert_int_equal(TX(t, hk_asset_update(&t->ctx, id, u, &o2)), HK_OK);
        json_decref(o2);
        json_decref(u);
    }
    json_decref(out);
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_ECONFLICT);
    json_decref(b);
    b = J("{\"team\":\"team-a\",\"cpe\":\"cpe:2.3:a:acme:server:1.0:*:*:*:*:*:*:*\",\"version\":"
          "\"2.0\"}");
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_EINVAL);
    json_decref(b);
    b = J("{\"team\":\"nobody\",\"purl\":\"pkg:npm/x@1\"}");
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_ENOTFOUND);
    json_decref(b);
    assert_int_equal(TX(t, hk_asset_import(&t->ctx, csv_bad, strlen(csv_bad), NULL, &out)),
                     HK_EPARSE);
    assert_non_null(strstr(t->em.text, "line 4"));
    assert_int_equal(TX(t, hk_asset_import(&t->ctx, csv_ok, strlen(csv_ok), "team-a", &out)),
                     HK_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "imported")), 2);
    json_decref(out);
    {
        json_t *p = J("{}");
        assert_int_equal(TX(t, hk_asset_list(&t->ctx, p, &out)), HK_OK);
        assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
        json_decref(out);
        json_decref(p);
    }
    tenv_free(t);
}

/* A minimal valid CSAF security advisory naming product cpe acme:server < 2.4.2. */
static json_t *advisory(const char *id, const char *tlp)
{
    char txt[4096];

    (void)snprintf(
        txt, sizeof(txt),
        "{\"document\":{\"category\":\"csaf_security_advisory\",\"csaf_version\":\"2.0\","
        "\"distribution\":{\"tlp\":{\"label\":\"%s\"}},\"lang\":\"en\","
        "\"notes\":[{\"category\":\"summary\",\"text\":\"A <b>bad</b> bug.\"}],"
        "\"publisher\":{\"category\":\"coordinator\",\"name\":\"Test CSIRT\",\"namespace\":"
        "\"https://csirt.example\"},\"references\":[{\"category\":\"self\",\"summary\":\"here\","
        "\"url\":\"https://csirt.example/a\"}],"
        "\"title\":\"Acme server overflow\",\"tracking\":{\"current_release_date\":"
        "\"2026-11-20T10:00:00.000Z\",\"id\":\"%s\",\"initial_release_date\":"
        "\"2026-11-20T10:00:00.000Z\",\"revision_history\":[{\"date\":"
        "\"2026-11-20T10:00:00.000Z\",\"number\":\"1\",\"summary\":\"Initial\"}],\"status\":"
        "\"final\",\"version\":\"1\"}},"
        "\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"acme\",\"branches\":"
        "[{\"category\":\"product_name\",\"name\":\"server\",\"branches\":[{\"category\":"
        "\"product_version_range\",\"name\":\"vers:generic/<2.4.2\",\"product\":{\"product_id\":"
        "\"CSAFPID-0001\",\"name\":\"acme server <2.4.2\",\"product_identification_helper\":{"
        "\"cpe\":\"cpe:2.3:a:acme:server:*:*:*:*:*:*:*:*\"}}}]}]}]},"
        "\"vulnerabilities\":[{\"cve\":\"CVE-2026-0002\",\"notes\":[{\"category\":\"description\","
        "\"text\":\"x\"}],\"product_status\":{\"known_affected\":[\"CSAFPID-0001\"]},"
        "\"remediations\":[{\"category\":\"vendor_fix\",\"details\":\"Upgrade.\",\"product_ids\":"
        "[\"CSAFPID-0001\"]}]}]}",
        tlp, id);
    return J(txt);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    fclose(f);
    return buf;
}

static void test_publish(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_advisory_opts o = {t->dir, "http://provider.test", NULL, NULL};
    json_t *b, *out = NULL, *doc;
    char path[512], *txt;
    struct stat sb;

    (void)state;
    unsetenv("HIKESHI_SIGN_KEY");
    hk_advisory_setup(&o);
    b = J("{\"name\":\"hit\",\"email\":\"hit@example.net\",\"language\":\"ja\"}");
    assert_int_equal(TX(t, hk_team_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
    b = J("{\"name\":\"miss\",\"email\":\"miss@example.net\"}");
    assert_int_equal(TX(t, hk_team_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
    b = J("{\"team\":\"hit\",\"cpe\":\"cpe:2.3:a:acme:server:2.0:*:*:*:*:*:*:*\"}");
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
    b = J("{\"team\":\"miss\",\"cpe\":\"cpe:2.3:a:acme:server:2.5:*:*:*:*:*:*:*\"}");
    assert_int_equal(TX(t, hk_asset_create(&t->ctx, b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);

    /* invalid: refused with the report, nothing stored */
    doc = advisory("TEST-1", "WHITE");
    json_array_set_new(
        json_object_get(json_object_get(json_array_get(json_object_get(doc, "vulnerabilities"), 0),
                                        "product_status"),
                        "known_affected"),
        0, json_string("CSAFPID-9999"));
    out = NULL;
    assert_int_equal(TX(t, hk_advisory_publish(&t->ctx, doc, 0, &out)), HK_EINVAL);
    assert_non_null(json_object_get(out, "errors"));
    json_decref(out);
    json_decref(doc);

    /* a publication that rolls back leaves no file */
    doc = advisory("TEST-1", "WHITE");
    assert_int_equal(hk_ctx_begin(&t->ctx, true), HK_OK);
    assert_int_equal(hk_advisory_publish(&t->ctx, doc, 0, &out), HK_OK);
    json_decref(out);
    hk_ctx_rollback(&t->ctx);
    assert_int_equal(hk_advisory_sync(t->st, false, &t->em), HK_OK);
    (void)snprintf(path, sizeof(path), "%s/csaf/.well-known/csaf/white/2026/test-1.json", t->dir);
    assert_int_not_equal(stat(path, &sb), 0);

    /* committed: one warning, to the matching team, with its asset only */
    assert_int_equal(TX(t, hk_advisory_publish(&t->ctx, doc, 0, &out)), HK_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "matches")), 1);
    assert_int_equal(json_array_size(json_object_get(out, "warned")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(out, "warned"), 0), "team")),
                        "hit");
    assert_false(json_is_true(json_object_get(out, "signed")));
    json_decref(out);
    assert_int_equal(TX(t, hk_advisory_publish(&t->ctx, doc, 0, &out)), HK_EDUP);
    json_decref(doc);

    assert_int_equal(hk_advisory_sync(t->st, false, &t->em), HK_OK);
    assert_int_equal(stat(path, &sb), 0);
    txt = slurp(path);
    assert_non_null(txt);
    {
        uint8_t d[32];
        char hex[65], want[200], *sha;
        hk_sha256(txt, strlen(txt), d);
        hk_hex(d, 32, hex);
        (void)snprintf(want, sizeof(want), "%s  test-1.json\n", hex);
        (void)snprintf(path, sizeof(path), "%s/csaf/.well-known/csaf/white/2026/test-1.json.sha256",
                       t->dir);
        sha = slurp(path);
        assert_non_null(sha);
        assert_string_equal(sha, want);
        free(sha);
    }
    free(txt);
    (void)snprintf(path, sizeof(path), "%s/csaf/.well-known/csaf/white/index.txt", t->dir);
    txt = slurp(path);
    assert_string_equal(txt, "2026/test-1.json\n");
    free(txt);
    (void)snprintf(path, sizeof(path), "%s/csaf/.well-known/csaf/white/changes.csv", t->dir);
    txt = slurp(path);
    assert_string_equal(txt, "\"2026/test-1.json\",\"2026-11-20T10:00:00.000Z\"\n");
    free(txt);
    (void)snprintf(path, sizeof(path), "%s/csaf/.well-known/csaf/provider-metadata.json", t->dir);
    txt = slurp(path);
    {
        json_t *pm = J(txt);
        assert_string_equal(json_string_value(json_object_get(pm, "canonical_url")),
                            "http://provider.test/.well-known/csaf/provider-metadata.json");
        assert_string_equal(json_string_value(json_object_get(pm, "role")), "csaf_provider");
        assert_string_equal(
            json_string_value(json_object_get(
                json_array_get(json_object_get(pm, "distributions"), 0), "directory_url")),
            "http://provider.test/.well-known/csaf/white/");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(pm, "publisher"), "name")),
            "Test CSIRT");
        json_decref(pm);
    }
    free(txt);
    (void)snprintf(path, sizeof(path), "%s/csaf/advisories/white/2026/test-1.html", t->dir);
    txt = slurp(path);
    assert_non_null(strstr(txt, "A &lt;b&gt;bad&lt;/b&gt; bug."));
    assert_null(strstr(txt, "<script"));
    free(txt);

    /* TLP on reads: a reporter sees WHITE only */
    doc = advisory("TEST-2", "RED");
    assert_int_equal(TX(t, hk_advisory_publish(&t->ctx, doc, 0, &out)), HK_OK);
    json_decref(out);
    json_decref(doc);
    tenv_as(t, 5, HK_ROLE_REPORTER, "rep", "");
    assert_int_equal(TX(t, hk_advisory_get(&t->ctx, "TEST-2", &out)), HK_ENOTFOUND);
    assert_int_equal(TX(t, hk_advisory_get(&t->ctx, "TEST-1", &out)), HK_OK);
    json_decref(out);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_purl),   cmocka_unit_test(test_vers),    cmocka_unit_test(test_match),
        cmocka_unit_test(test_assets), cmocka_unit_test(test_publish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
