/* SPDX-License-Identifier: MIT */
/*
 * The handling module in-process over a real SQLite store: intake with duplicate folding
 * and correlation (inside and outside the window, open and closed incidents), merge and
 * split, the audit chain (and its detection of edits, deletions and truncation done
 * behind its back with raw SQL), visibility rules, tokens and passwords, bulk import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

static int64_t submit(struct tenv *t, const char *content, const char *extra_json, bool *dup)
{
    json_t *body = json_loads(extra_json ? extra_json : "{}", 0, NULL), *out = NULL;
    int64_t id;

    assert_non_null(body);
    json_object_set_new(body, "content", json_string(content));
    assert_int_equal(TX(t, hk_report_submit(&t->ctx, body, &out, dup)), HK_OK);
    id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(body);
    return id;
}

static json_t *report(struct tenv *t, int64_t id)
{
    json_t *out = NULL;

    assert_int_equal(hk_report_get(&t->ctx, id, &out), HK_OK);
    return out;
}

static int64_t triage_new(struct tenv *t, int64_t rid, const char *title)
{
    json_t *body = json_pack("{s:s}", "title", title), *inc = NULL;
    int64_t id;

    assert_int_equal(TX(t, hk_report_triage(&t->ctx, rid, body, &inc)), HK_OK);
    id = json_integer_value(json_object_get(inc, "id"));
    assert_string_equal(json_string_value(json_object_get(inc, "state")), "triage");
    json_decref(inc);
    json_decref(body);
    return id;
}

static void test_dedup_and_extraction(void **state)
{
    struct tenv *t = tenv_new();
    bool dup = true;
    int64_t a, b, c;
    json_t *r;

    (void)state;
    a = submit(t, "scan from 198.51.100.7 via hxxp://bad[.]example.com/x", NULL, &dup);
    assert_false(dup);
    b = submit(t, "scan from 198.51.100.7 via hxxp://bad[.]example.com/x", NULL, &dup);
    assert_true(dup);
    assert_int_equal(a, b);
    /* Same content, another stated reporter: a different report. */
    c = submit(t, "scan from 198.51.100.7 via hxxp://bad[.]example.com/x",
               "{\"reporter\":\"other@example.net\"}", &dup);
    assert_false(dup);
    assert_int_not_equal(a, c);
    r = report(t, a);
    assert_int_equal(json_integer_value(json_object_get(r, "duplicates")), 1);
    assert_int_equal(json_array_size(json_object_get(r, "observables")), 3);
    json_decref(r);
    tenv_free(t);
}

static void test_correlation(void **state)
{
    struct tenv *t = tenv_new();
    int64_t r1, inc, r2, r3, r4;
    json_t *r, *why;

    (void)state;
    r1 = submit(t, "brute force from 198.51.100.7", NULL, NULL);
    inc = triage_new(t, r1, "Brute force");
    r2 = submit(t, "again: 198.51.100.7 hits ssh", NULL, NULL);
    r = report(t, r2);
    assert_int_equal(json_integer_value(json_object_get(r, "incident_id")), inc);
    why = json_object_get(r, "correlation");
    assert_string_equal(json_string_value(json_object_get(why, "reason")), "shared observables");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(why, "observables"), 0), "value")),
                        "198.51.100.7");
    assert_string_equal(json_string_value(json_object_get(r, "state")), "open");
    json_decref(r);
    /* Outside the window (received 40 days before the incident was last seen): not linked. */
    r3 = submit(t, "old log line 198.51.100.7", "{\"received_at\":\"2000-01-01T00:00:00Z\"}", NULL);
    r = report(t, r3);
    assert_true(json_is_null(json_object_get(r, "incident_id")));
    json_decref(r);
    /* A resolved incident takes a recurrence: linked, but the report stays new (to be
     * triaged) and the incident stays resolved. */
    assert_int_equal(TX(t, hk_incident_transition(&t->ctx, inc, "resolve", NULL, NULL)), HK_OK);
    r4 = submit(t, "198.51.100.7 once more", NULL, NULL);
    r = report(t, r4);
    assert_int_equal(json_integer_value(json_object_get(r, "incident_id")), inc);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "new");
    why = json_object_get(r, "correlation");
    assert_string_equal(json_string_value(json_object_get(why, "incident_state")), "resolved");
    json_decref(r);
    {
        json_t *i = NULL;
        assert_int_equal(hk_incident_get(&t->ctx, inc, false, &i), HK_OK);
        assert_string_equal(json_string_value(json_object_get(i, "state")), "resolved");
        json_decref(i);
    }
    /* An abandoned incident attracts nothing. */
    {
        json_t *body = json_pack("{s:s}", "title", "noise"), *i = NULL;
        int64_t r5, inc2;
        assert_int_equal(TX(t, hk_incident_create(&t->ctx, body, &i)), HK_OK);
        inc2 = json_integer_value(json_object_get(i, "id"));
        json_decref(i);
        json_decref(body);
        r5 = submit(t, "first 203.0.113.77", NULL, NULL);
        assert_int_equal(TX(t, hk_report_link(&t->ctx, r5, inc2)), HK_OK);
        assert_int_equal(TX(t, hk_incident_transition(&t->ctx, inc2, "abandon", NULL, NULL)),
                         HK_OK);
        r5 = submit(t, "second 203.0.113.77", NULL, NULL);
        r = report(t, r5);
        assert_true(json_is_null(json_object_get(r, "incident_id")));
        json_decref(r);
    }
    tenv_free(t);
}

static void test_merge_split(void **state)
{
    struct tenv *t = tenv_new();
    int64_t r1, r2, i1, i2, i3;
    json_t *inc = NULL, *src = NULL, *body;

    (void)state;
    r1 = submit(t, "phishing at login.example.org", NULL, NULL);
    r2 = submit(t, "malware hash d41d8cd98f00b204e9800998ecf8427e", NULL, NULL);
    i1 = triage_new(t, r1, "Phishing");
    i2 = triage_new(t, r2, "Malware");
    body = json_pack("{s:s}", "title", "x");
    assert_int_equal(TX(t, hk_incident_create(&t->ctx, body, NULL)), HK_OK);
    json_decref(body);
    assert_int_equal(TX(t, hk_incident_merge(&t->ctx, i1, i1, NULL)), HK_EINVAL);
    assert_int_equal(TX(t, hk_incident_merge(&t->ctx, i1, i2, &inc)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(inc, "reports")), 2);
    assert_int_equal(json_array_size(json_object_get(inc, "observables")), 2);
    json_decref(inc);
    assert_int_equal(hk_incident_get(&t->ctx, i2, true, &src), HK_OK);
    assert_string_equal(json_string_value(json_object_get(src, "state")), "resolved");
    assert_int_equal(json_integer_value(json_object_get(src, "merged_into")), i1);
    assert_int_equal(json_array_size(json_object_get(src, "reports")), 0);
    json_decref(src);
    /* Merging an already merged incident again is refused, and nothing changes. */
    assert_int_equal(TX(t, hk_incident_merge(&t->ctx, i1, i2, NULL)), HK_ESTATE);
    /* Split r2 back out. */
    inc = NULL;
    assert_int_equal(TX(t, hk_incident_split(&t->ctx, i1, r2, &inc)), HK_OK);
    i3 = json_integer_value(json_object_get(inc, "id"));
    assert_true(i3 > i2);
    assert_int_equal(json_array_size(json_object_get(inc, "reports")), 1);
    json_decref(inc);
    assert_int_equal(TX(t, hk_incident_split(&t->ctx, i1, r2, NULL)), HK_EINVAL);
    tenv_free(t);
}

static void sql(struct tenv *t, const char *q)
{
    sqlite3 *db;
    char path[128];

    snprintf(path, sizeof(path), "%s/hikeshi.db", t->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_audit_chain(void **state)
{
    static const char *const tampers[] = {
        "UPDATE audit SET actor = 'mallory' WHERE seq = 2",
        "UPDATE audit SET after = '{}' WHERE seq = 3",
        "UPDATE audit SET at = at + 1 WHERE seq = 1",
        "DELETE FROM audit WHERE seq = 2",
        "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)",
        "INSERT INTO audit SELECT seq + 1000, at, actor, action, object_type, object_id, before, "
        "after, prev_hash, hash FROM audit WHERE seq = 1",
    };

    (void)state;
    for (size_t k = 0; k < sizeof(tampers) / sizeof(tampers[0]); k++) {
        struct tenv *t = tenv_new();
        uint64_t n = 0;
        int64_t r = submit(t, "audit me 203.0.113.9", NULL, NULL);
        triage_new(t, r, "Audit");
        assert_int_equal(hk_audit_verify(t->st, &n, &t->em), HK_OK);
        assert_true(n >= 4);
        sql(t, tampers[k]);
        assert_int_equal(hk_audit_verify(t->st, &n, &t->em), HK_EINTEGRITY);
        assert_true(strlen(t->em.text) > 0);
        tenv_free(t);
    }
}

static void test_visibility(void **state)
{
    struct tenv *t = tenv_new();
    json_t *out = NULL, *body;
    int64_t red, r_alice;

    (void)state;
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "alice", "reporter", "", NULL, NULL)), HK_OK);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "bob", "reporter", "", NULL, NULL)), HK_OK);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "hana", "handler", "cert", NULL, NULL)), HK_OK);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "kenji", "handler", "soc", NULL, NULL)), HK_OK);
    body = json_pack("{s:s, s:s, s:s}", "title", "secret", "tlp", "RED", "team", "cert");
    assert_int_equal(TX(t, hk_incident_create(&t->ctx, body, &out)), HK_OK);
    red = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(body);

    tenv_as(t, 1, HK_ROLE_REPORTER, "alice", "");
    r_alice = submit(t, "alice saw 192.0.2.1", NULL, NULL);
    assert_int_equal(hk_report_get(&t->ctx, r_alice, &out), HK_OK);
    json_decref(out);
    assert_int_equal(hk_incident_get(&t->ctx, red, true, &out), HK_ENOTFOUND);
    tenv_as(t, 2, HK_ROLE_REPORTER, "bob", "");
    assert_int_equal(hk_report_get(&t->ctx, r_alice, &out), HK_ENOTFOUND);
    /* A handler not on the RED incident does not see it; once on it, does. */
    tenv_as(t, 3, HK_ROLE_HANDLER, "hana", "cert");
    assert_int_equal(hk_incident_get(&t->ctx, red, false, &out), HK_ENOTFOUND);
    tenv_as(t, 0, HK_ROLE_ADMIN, "local:test", "");
    assert_int_equal(TX(t, hk_incident_add_member(&t->ctx, red, 3)), HK_OK);
    tenv_as(t, 3, HK_ROLE_HANDLER, "hana", "cert");
    assert_int_equal(hk_incident_get(&t->ctx, red, false, &out), HK_OK);
    json_decref(out);
    /* AMBER+STRICT: the owning team (cert) sees it, another team's handler does not. */
    tenv_as(t, 0, HK_ROLE_ADMIN, "local:test", "");
    body = json_pack("{s:s, s:s, s:s}", "title", "strict", "tlp", "amber+strict", "team", "cert");
    assert_int_equal(TX(t, hk_incident_create(&t->ctx, body, &out)), HK_OK);
    red = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(body);
    tenv_as(t, 3, HK_ROLE_HANDLER, "hana", "cert");
    assert_int_equal(hk_incident_get(&t->ctx, red, false, &out), HK_OK);
    json_decref(out);
    tenv_as(t, 4, HK_ROLE_HANDLER, "kenji", "soc");
    assert_int_equal(hk_incident_get(&t->ctx, red, false, &out), HK_ENOTFOUND);
    tenv_free(t);
}

static void test_tokens_and_passwords(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_principal p;
    char secret[80], secret2[80];
    json_t *out = NULL;
    int64_t tid;

    (void)state;
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "hana", "handler", "cert", "correct horse", NULL)),
                     HK_OK);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "hana", "handler", "", NULL, NULL)), HK_ECONFLICT);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "x y", "handler", "", NULL, NULL)), HK_EINVAL);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "z", "root", "", NULL, NULL)), HK_EINVAL);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "short", "handler", "", "1234", NULL)), HK_EINVAL);
    assert_int_equal(hk_auth_password(t->st, "hana", "correct horse", &p), HK_OK);
    assert_int_equal(p.role, HK_ROLE_HANDLER);
    assert_string_equal(p.team, "cert");
    assert_int_equal(hk_auth_password(t->st, "hana", "wrong horse", &p), HK_EAUTH);
    assert_int_equal(hk_auth_password(t->st, "nobody", "correct horse", &p), HK_EAUTH);

    assert_int_equal(TX(t, hk_token_create(&t->ctx, "hana", "ci", 0, secret, &out)), HK_OK);
    tid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    assert_int_equal(strncmp(secret, "hk_", 3), 0);
    assert_int_equal(hk_auth_token(t->st, secret, hk_now(), &p), HK_OK);
    assert_string_equal(p.name, "hana");
    secret[10] ^= 1;
    assert_int_equal(hk_auth_token(t->st, secret, hk_now(), &p), HK_EAUTH);
    secret[10] ^= 1;
    /* Expiry and revocation. */
    assert_int_equal(TX(t, hk_token_create(&t->ctx, "hana", "short", 60, secret2, NULL)), HK_OK);
    assert_int_equal(hk_auth_token(t->st, secret2, hk_now(), &p), HK_OK);
    assert_int_equal(hk_auth_token(t->st, secret2, hk_now() + 61, &p), HK_EAUTH);
    assert_int_equal(TX(t, hk_token_revoke(&t->ctx, tid)), HK_OK);
    assert_int_equal(hk_auth_token(t->st, secret, hk_now(), &p), HK_EAUTH);
    /* The secret is nowhere in the database: only its digest. */
    assert_int_equal(TX(t, hk_token_list(&t->ctx, &out)), HK_OK);
    {
        char *dump = json_dumps(out, 0);
        assert_non_null(dump);
        assert_null(strstr(dump, secret));
        assert_null(strstr(dump, secret2));
        free(dump);
    }
    json_decref(out);
    tenv_free(t);
}

static void test_import(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_import_stats st;
    const char *lines = "{\"content\":\"a 198.51.100.1\"}\n"
                        "not json\n"
                        "\n"
                        "{\"content\":\"a 198.51.100.1\"}\n"
                        "{\"content\":42}\n"
                        "{\"content\":\"b 198.51.100.2\",\"tlp\":\"red\"}\n";
    FILE *f = fmemopen((void *)lines, strlen(lines), "r");
    uint64_t n = 0;
    int64_t count = 0;

    (void)state;
    assert_non_null(f);
    assert_int_equal(hk_report_import(&t->ctx, f, 2, &st), HK_OK);
    fclose(f);
    assert_int_equal(st.lines, 6);
    assert_int_equal(st.stored, 2);
    assert_int_equal(st.duplicates, 1);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(hk_store_scalar(t->st, HK_Q_REPORT_COUNT, NULL, 0, &count), HK_OK);
    assert_int_equal(count, 2);
    assert_int_equal(hk_audit_verify(t->st, &n, &t->em), HK_OK);
    assert_true(n >= 1);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_and_extraction),
        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_merge_split),
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_visibility),
        cmocka_unit_test(test_tokens_and_passwords),
        cmocka_unit_test(test_import),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
