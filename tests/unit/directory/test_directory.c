/* SPDX-License-Identifier: MIT */
/*
 * The team directory over a real store: validation, the coordination tree (no cycles),
 * one owner per constituency value, routing after each change (the snapshot is rebuilt
 * when the generation moves), domain-suffix edge cases, the pfx2as table (stored, survives
 * reopening, a bad file loads nothing), import/export round trips that are all or
 * nothing, and the auto-routing of reports and incidents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hikeshi/directory.h"
#include "testutil.h"

static json_t *J(const char *txt)
{
    json_t *v = json_loads(txt, 0, NULL);

    if (!v)
        fail_msg("bad test JSON: %s", txt);
    return v;
}

static hk_err add(struct tenv *t, const char *body)
{
    json_t *b = J(body), *out = NULL;
    hk_err err = TX(t, hk_team_create(&t->ctx, b, &out));

    json_decref(b);
    json_decref(out);
    return err;
}

/* Routes value and returns the team name ("" for none). */
static const char *route(struct tenv *t, const char *value)
{
    static char name[64];
    json_t *out = NULL;
    hk_err err = TX(t, hk_route_value(&t->ctx, value, &out));

    assert_int_equal(err, HK_OK);
    (void)snprintf(name, sizeof(name), "%s",
                   json_string_value(json_object_get(json_object_get(out, "team"), "name"))
                       ? json_string_value(json_object_get(json_object_get(out, "team"), "name"))
                       : "");
    json_decref(out);
    return name;
}

static void directory(struct tenv *t)
{
    assert_int_equal(add(t, "{\"name\":\"coord\",\"type\":\"coordinating\","
                            "\"email\":\"coord@example.net\"}"),
                     HK_OK);
    assert_int_equal(add(t, "{\"name\":\"cert-a\",\"parent\":\"coord\",\"email\":\"a@example.net\","
                            "\"networks\":[\"198.51.100.0/24\"],\"contacts\":[{\"name\":\"desk\","
                            "\"email\":\"abuse@a.example.net\",\"role\":\"abuse\"}]}"),
                     HK_OK);
    assert_int_equal(add(t, "{\"name\":\"cert-b\",\"parent\":\"coord\",\"email\":\"b@example.net\","
                            "\"networks\":[\"2001:db8::/32\"]}"),
                     HK_OK);
    assert_int_equal(add(t, "{\"name\":\"cert-c\",\"parent\":\"coord\",\"email\":\"c@example.net\","
                            "\"domains\":[\"example.org\"],\"asns\":[64500]}"),
                     HK_OK);
}

static void test_validation(void **state)
{
    struct tenv *t = tenv_new();

    (void)state;
    directory(t);
    assert_int_equal(add(t, "{\"name\":\"Cert-A\"}"), HK_ECONFLICT);
    assert_int_equal(add(t, "{\"name\":\"123\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"export\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"type\":\"club\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"parent\":\"nobody\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"email\":\"not-an-address\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"notify_format\":\"pdf\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"languages\":[\"j\"]}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"pgp_fingerprint\":\"12AB\"}"), HK_EINVAL);
    assert_int_equal(add(t, "{\"name\":\"x\",\"networks\":[\"198.51.100.7/24\"]}"), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "the network is 198.51.100.0/24"));
    /* One owner per value: the message names the owner; nothing of x was stored. */
    assert_int_equal(add(t, "{\"name\":\"x\",\"networks\":[\"2001:db8::/32\"]}"), HK_ECONFLICT);
    assert_non_null(strstr(t->em.text, "already belongs to team 'cert-b'"));
    assert_int_equal(add(t, "{\"name\":\"x\",\"asns\":[\"AS64500\"]}"), HK_ECONFLICT);
    assert_string_equal(route(t, "198.51.100.9"), "cert-a");
    assert_int_equal(add(t, "{\"name\":\"x\",\"languages\":\"ja, EN\",\"pgp_fingerprint\":"
                            "\"0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567\"}"),
                     HK_OK);
    {
        json_t *x = NULL;
        assert_int_equal(TX(t, hk_team_get(&t->ctx, "X", &x)), HK_OK);
        assert_string_equal(json_string_value(json_array_get(json_object_get(x, "languages"), 1)),
                            "en");
        assert_string_equal(json_string_value(json_object_get(x, "pgp_fingerprint")),
                            "0123456789ABCDEF0123456789ABCDEF01234567");
        json_decref(x);
    }
    tenv_free(t);
}

static void test_tree_and_routing(void **state)
{
    struct tenv *t = tenv_new();
    json_t *b, *out = NULL;

    (void)state;
    directory(t);
    assert_string_equal(route(t, "198.51.100.7"), "cert-a");
    assert_string_equal(route(t, "2001:db8:ffff::1"), "cert-b");
    assert_string_equal(route(t, "mail.example.org"), "cert-c");
    assert_string_equal(route(t, "EXAMPLE.ORG."), "cert-c");
    assert_string_equal(route(t, "badexample.org"), "");
    assert_string_equal(route(t, "example.org.evil.test"), "");
    assert_string_equal(route(t, "https://user@www.example.org:8443/x?y"), "cert-c");
    assert_string_equal(route(t, "someone@example.org"), "cert-c");
    assert_string_equal(route(t, "AS64500"), "cert-c");
    assert_string_equal(route(t, "198.51.101.1"), "");
    /* A more specific team inside cert-a's network and under cert-a in the tree. */
    assert_int_equal(add(t, "{\"name\":\"lab\",\"parent\":\"cert-a\",\"networks\":"
                            "[\"198.51.100.128/25\"],\"domains\":[\"lab.example.org\"]}"),
                     HK_OK);
    assert_string_equal(route(t, "198.51.100.200"), "lab");
    assert_string_equal(route(t, "198.51.100.127"), "cert-a");
    assert_string_equal(route(t, "x.lab.example.org"), "lab");
    assert_string_equal(route(t, "xlab.example.org"), "cert-c");
    assert_int_equal(TX(t, hk_route_value(&t->ctx, "198.51.100.200", &out)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(out, "chain")), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(out, "chain"), 2), "name")),
                        "coord");
    json_decref(out);
    /* Cycles are refused: coord cannot become a member of lab (lab is under coord). */
    b = J("{\"parent\":\"lab\"}");
    assert_int_equal(TX(t, hk_team_update(&t->ctx, "coord", b, &out)), HK_EINVAL);
    assert_non_null(strstr(t->em.text, "cycle"));
    json_decref(b);
    b = J("{\"parent\":\"cert-a\"}");
    assert_int_equal(TX(t, hk_team_update(&t->ctx, "cert-a", b, &out)), HK_EINVAL);
    json_decref(b);
    /* A team with members cannot go; removing a leaf re-routes to its parent's prefix. */
    assert_int_equal(TX(t, hk_team_delete(&t->ctx, "cert-a")), HK_ECONFLICT);
    assert_int_equal(TX(t, hk_team_delete(&t->ctx, "lab")), HK_OK);
    assert_string_equal(route(t, "198.51.100.200"), "cert-a");
    /* Constituency add and remove through an edit. */
    b = J("{\"add\":{\"networks\":[\"192.0.2.0/24\"]},\"remove\":{\"networks\":"
          "[\"198.51.100.0/24\"]}}");
    assert_int_equal(TX(t, hk_team_update(&t->ctx, "cert-a", b, &out)), HK_OK);
    json_decref(b);
    json_decref(out);
    assert_string_equal(route(t, "192.0.2.1"), "cert-a");
    assert_string_equal(route(t, "198.51.100.7"), "");
    b = J("{\"networks\":[\"198.51.100.0/24\"]}");
    assert_int_equal(TX(t, hk_team_constituency(&t->ctx, "cert-b", b, false, &out)), HK_ENOTFOUND);
    json_decref(b);
    /* Readers may not write. */
    tenv_as(t, 5, HK_ROLE_REPORTER, "rita", "");
    assert_int_equal(add(t, "{\"name\":\"y\"}"), HK_EPERM);
    tenv_free(t);
}

static void test_pfx2as_store(void **state)
{
    struct tenv *t = tenv_new();
    static const char good[] = "203.0.113.0\t24\t64500\n2001:db9::\t32\t64999_64500\n";
    static const char bad[] = "192.0.2.0\t24\t64500\n192.0.2.0\t24\n";
    json_t *out = NULL;
    struct hk_principal admin = {0, HK_ROLE_ADMIN, "local:test", "", 0};

    (void)state;
    directory(t);
    assert_string_equal(route(t, "203.0.113.9"), "");
    assert_int_equal(TX(t, hk_pfx2as_load(&t->ctx, "test", good, strlen(good), &out)), HK_OK);
    json_decref(out);
    assert_string_equal(route(t, "203.0.113.9"), "cert-c");
    assert_string_equal(route(t, "2001:db9::5"), "cert-c");
    /* A team prefix wins over the origin AS. */
    assert_string_equal(route(t, "198.51.100.1"), "cert-a");
    /* A bad file changes nothing. */
    assert_int_equal(TX(t, hk_pfx2as_load(&t->ctx, "bad", bad, strlen(bad), &out)), HK_EPARSE);
    assert_non_null(strstr(t->em.text, "line 2"));
    assert_string_equal(route(t, "203.0.113.9"), "cert-c");
    assert_string_equal(route(t, "192.0.2.1"), "");
    /* Survives reopening the store. */
    hk_ctx_release(&t->ctx);
    hk_store_close(t->st);
    assert_int_equal(hk_store_open(t->dir, &t->st, &t->em), HK_OK);
    hk_ctx_init(&t->ctx, t->st, &admin, &t->cfg, &t->em);
    assert_string_equal(route(t, "203.0.113.9"), "cert-c");
    tenv_free(t);
}

static void test_import_export(void **state)
{
    struct tenv *t = tenv_new(), *u = tenv_new();
    struct hk_buf js = HK_BUF_INIT(HK_BUF_UNBOUNDED), csv = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_buf again = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_t *out = NULL;
    static const char badcsv[] = "name,parent,networks\r\n"
                                 "n1,,192.0.2.0/25\r\n"
                                 "n2,n1,192.0.2.0/24;bogus\r\n";
    static const char cyc[] = "{\"teams\":[{\"name\":\"p\",\"parent\":\"q\"},"
                              "{\"name\":\"q\",\"parent\":\"p\"}]}";

    (void)state;
    directory(t);
    assert_int_equal(TX(t, hk_directory_export(&t->ctx, "json", &js)), HK_OK);
    assert_int_equal(TX(t, hk_directory_export(&t->ctx, "csv", &csv)), HK_OK);
    /* JSON into an empty store, parents later in the file than their members. */
    assert_int_equal(TX(u, hk_directory_import(&u->ctx, js.buf, js.len, &out)), HK_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "created")), 4);
    json_decref(out);
    assert_string_equal(route(u, "2001:db8::1"), "cert-b");
    assert_int_equal(TX(u, hk_directory_export(&u->ctx, "json", &again)), HK_OK);
    assert_string_equal(again.buf, js.buf);
    /* CSV re-import replaces by name: same export. */
    assert_int_equal(TX(u, hk_directory_import(&u->ctx, csv.buf, csv.len, &out)), HK_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "updated")), 4);
    json_decref(out);
    hk_buf_reset(&again);
    assert_int_equal(TX(u, hk_directory_export(&u->ctx, "json", &again)), HK_OK);
    assert_string_equal(again.buf, js.buf);
    /* All or nothing: line 3 is bad, so n1 (line 2) is not stored either. */
    assert_int_equal(TX(u, hk_directory_import(&u->ctx, badcsv, strlen(badcsv), &out)), HK_EINVAL);
    assert_non_null(strstr(u->em.text, "line 3 'n2'"));
    assert_int_equal(TX(u, hk_team_get(&u->ctx, "n1", &out)), HK_ENOTFOUND);
    assert_int_equal(TX(u, hk_directory_import(&u->ctx, cyc, strlen(cyc), &out)), HK_EINVAL);
    assert_non_null(strstr(u->em.text, "cycle"));
    assert_int_equal(TX(u, hk_team_get(&u->ctx, "p", &out)), HK_ENOTFOUND);
    hk_buf_release(&js);
    hk_buf_release(&csv);
    hk_buf_release(&again);
    tenv_free(t);
    tenv_free(u);
}

static void test_auto_routing(void **state)
{
    struct tenv *t = tenv_new();
    json_t *b, *rep = NULL, *inc = NULL;
    int64_t rid;

    (void)state;
    directory(t);
    b = J("{\"content\":\"probes from 198.51.100.7, 2001:db8::1 and mail.example.org\"}");
    assert_int_equal(TX(t, hk_report_submit(&t->ctx, b, &rep, NULL)), HK_OK);
    json_decref(b);
    assert_int_equal(json_array_size(json_object_get(rep, "routes")), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(rep, "routes"), 2), "team")),
                        "cert-c");
    rid = json_integer_value(json_object_get(rep, "id"));
    json_decref(rep);
    b = J("{\"title\":\"scan\"}");
    assert_int_equal(TX(t, hk_report_triage(&t->ctx, rid, b, &inc)), HK_OK);
    json_decref(b);
    assert_string_equal(json_string_value(json_object_get(inc, "team")), "cert-a");
    assert_int_equal(json_array_size(json_object_get(inc, "teams")), 3);
    json_decref(inc);
    /* A team given by hand is kept. */
    b = J("{\"content\":\"other host 2001:db8::99\"}");
    assert_int_equal(TX(t, hk_report_submit(&t->ctx, b, &rep, NULL)), HK_OK);
    json_decref(b);
    rid = json_integer_value(json_object_get(rep, "id"));
    json_decref(rep);
    b = J("{\"title\":\"by hand\",\"team\":\"handlers\"}");
    assert_int_equal(TX(t, hk_report_triage(&t->ctx, rid, b, &inc)), HK_OK);
    json_decref(b);
    assert_string_equal(json_string_value(json_object_get(inc, "team")), "handlers");
    json_decref(inc);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),   cmocka_unit_test(test_tree_and_routing),
        cmocka_unit_test(test_pfx2as_store), cmocka_unit_test(test_import_export),
        cmocka_unit_test(test_auto_routing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
