/* SPDX-License-Identifier: MIT */
/*
 * The SQLite back end through the storage interface: migrations, the query catalogue,
 * the row-to-JSON mapping rules, transactions (rollback leaves nothing), lists with
 * filters and cursors, and the integrity check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/store_int.h"
#include "testutil.h"

static void test_catalogue_complete(void **state)
{
    (void)state;
    for (int q = 0; q < HK_Q__COUNT; q++) {
        assert_non_null(hk_sqlite_sql[q]);
        assert_true(strlen(hk_query_name((enum hk_query)q)) > 0);
    }
    assert_true(hk_migrations[0].version == 1);
}

static void test_every_query_prepares(void **state)
{
    struct tenv *t = tenv_new();
    int64_t v = 0;

    (void)state;
    /* Exercise every statement once with NULL arguments: none may fail to prepare. */
    for (int q = 0; q < HK_Q__COUNT; q++) {
        struct hk_sqlval a[16];
        json_t *rows = NULL;
        hk_err err;
        for (int i = 0; i < 16; i++)
            a[i] = hk_sql_int0(0);
        assert_int_equal(hk_store_begin(t->st, true), HK_OK);
        err = hk_store_rows(t->st, (enum hk_query)q, a, 0, &rows);
        /* Constraint failures (NOT NULL) are fine; preparation errors are not. */
        assert_true(err == HK_OK || err == HK_ECONFLICT);
        json_decref(rows);
        hk_store_rollback(t->st);
    }
    assert_int_equal(hk_store_scalar(t->st, HK_Q_USER_COUNT, NULL, 0, &v), HK_OK);
    assert_int_equal(v, 0);
    tenv_free(t);
}

static void test_migrate_idempotent(void **state)
{
    struct tenv *t = tenv_new();
    int from = -1, to = -1;

    (void)state;
    assert_int_equal(t->st->ops->migrate(t->st, &from, &to, &t->em), HK_OK);
    assert_int_equal(from, to);
    assert_true(to >= 1);
    assert_int_equal(t->st->ops->integrity(t->st, &t->em), HK_OK);
    tenv_free(t);
}

static void test_mapping_and_rollback(void **state)
{
    struct tenv *t = tenv_new();
    json_t *row = NULL;
    int64_t id = 0, n = -1;
    uint8_t h[32] = {0xab, 0x01};

    (void)state;
    assert_int_equal(hk_store_begin(t->st, true), HK_OK);
    assert_int_equal(
        hk_store_exec(t->st, HK_Q_REPORT_INSERT,
                      HK_SQL_ARGS(hk_sql_text("api"), hk_sql_int0(0), hk_sql_text("r"),
                                  hk_sql_text("s"), hk_sql_textn("bad \xff utf8", 10),
                                  hk_sql_blob(h, 32), hk_sql_text("AMBER"), hk_sql_text(""),
                                  hk_sql_text(""), hk_sql_int(1795321607), hk_sql_text("[]"),
                                  hk_sql_int0(0), hk_sql_text(""), hk_sql_text("new")),
                      &id),
        HK_OK);
    assert_true(id > 0);
    assert_int_equal(hk_store_row(t->st, HK_Q_REPORT_GET, HK_SQL_ARGS(hk_sql_int(id)), &row),
                     HK_OK);
    /* *_at integers become ISO times, blobs hex, invalid UTF-8 is replaced, *_json parsed. */
    assert_string_equal(json_string_value(json_object_get(row, "received_at")),
                        "2026-11-22T04:26:47Z");
    assert_memory_equal(json_string_value(json_object_get(row, "content_sha256")), "ab01", 4);
    assert_string_equal(json_string_value(json_object_get(row, "content")),
                        "bad \xef\xbf\xbd utf8");
    assert_true(json_is_null(json_object_get(row, "correlation")));
    assert_true(json_is_null(json_object_get(row, "incident_id")));
    json_decref(row);
    /* The same hash again is folded by the unique index: no new row. */
    assert_int_equal(
        hk_store_exec(t->st, HK_Q_REPORT_INSERT,
                      HK_SQL_ARGS(hk_sql_text("api"), hk_sql_int0(0), hk_sql_text("r"),
                                  hk_sql_text("s"), hk_sql_text("x"), hk_sql_blob(h, 32),
                                  hk_sql_text("AMBER"), hk_sql_text(""), hk_sql_text(""),
                                  hk_sql_int(1), hk_sql_text("[]"), hk_sql_int0(0), hk_sql_text(""),
                                  hk_sql_text("new")),
                      &id),
        HK_OK);
    assert_int_equal(id, 0);
    hk_store_rollback(t->st);
    assert_int_equal(hk_store_scalar(t->st, HK_Q_REPORT_COUNT, NULL, 0, &n), HK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(hk_store_row(t->st, HK_Q_REPORT_GET, HK_SQL_ARGS(hk_sql_int(1)), &row),
                     HK_ENOTFOUND);
    tenv_free(t);
}

static void add_incident(struct tenv *t, const char *title, const char *state, const char *severity,
                         const char *tlp)
{
    int64_t id = 0;

    assert_int_equal(
        hk_store_exec(t->st, HK_Q_INCIDENT_INSERT,
                      HK_SQL_ARGS(hk_sql_text(title), hk_sql_text(""), hk_sql_text(severity),
                                  hk_sql_text(tlp), hk_sql_text("AMBER"), hk_sql_text(""),
                                  hk_sql_text(""), hk_sql_text(""), hk_sql_text(""),
                                  hk_sql_text("cert"), hk_sql_int0(0), hk_sql_int0(0),
                                  hk_sql_int(1000 + (int64_t)strlen(title))),
                      &id),
        HK_OK);
    if (strcmp(state, "new"))
        assert_int_equal(
            hk_store_exec(t->st, HK_Q_INCIDENT_SET_STATE,
                          HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(state), hk_sql_int(2000),
                                      hk_sql_int(0), hk_sql_text(NULL), hk_sql_text("new")),
                          NULL),
            HK_OK);
}

static void test_list_filters_and_cursor(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_list_query lq;
    json_t *out = NULL;
    int64_t seen[16];
    size_t nseen = 0;

    (void)state;
    assert_int_equal(hk_store_begin(t->st, true), HK_OK);
    add_incident(t, "alpha phish", "analysis", "high", "AMBER");
    add_incident(t, "beta scan", "analysis", "low", "GREEN");
    add_incident(t, "gamma phish", "new", "high", "RED");
    add_incident(t, "delta", "analysis", "high", "AMBER+STRICT");
    add_incident(t, "epsilon", "analysis", "critical", "CLEAR");
    assert_int_equal(hk_store_commit(t->st), HK_OK);

    memset(&lq, 0, sizeof(lq));
    lq.kind = HK_LIST_INCIDENTS;
    lq.state = "analysis";
    lq.limit = 2;
    /* Pages of 2 over the 4 incidents in analysis: no gap, no duplicate, newest first. */
    for (int page = 0; page < 3; page++) {
        size_t i;
        json_t *r;
        assert_int_equal(hk_store_list(t->st, &lq, &out), HK_OK);
        json_array_foreach(out, i, r)
        {
            int64_t id = json_integer_value(json_object_get(r, "id"));
            assert_string_equal(json_string_value(json_object_get(r, "state")), "analysis");
            if (nseen)
                assert_true(id < seen[nseen - 1]);
            seen[nseen++] = id;
            lq.cursor = id;
        }
        json_decref(out);
    }
    assert_int_equal(nseen, 4);

    memset(&lq, 0, sizeof(lq));
    lq.kind = HK_LIST_INCIDENTS;
    lq.q = "PHISH";
    lq.severity = "high";
    assert_int_equal(hk_store_list(t->st, &lq, &out), HK_OK);
    assert_int_equal(json_array_size(out), 2);
    json_decref(out);

    /* Visibility: a user on nothing, of another team, sees neither RED nor AMBER+STRICT. */
    lq.q = NULL;
    lq.severity = NULL;
    lq.restrict_user_id = 99;
    lq.restrict_team = "other";
    assert_int_equal(hk_store_list(t->st, &lq, &out), HK_OK);
    assert_int_equal(json_array_size(out), 3);
    json_decref(out);
    lq.restrict_team = "cert"; /* the owning team sees AMBER+STRICT, still not RED */
    assert_int_equal(hk_store_list(t->st, &lq, &out), HK_OK);
    assert_int_equal(json_array_size(out), 4);
    json_decref(out);
    tenv_free(t);
}

/* The text serialiser of lists must say exactly what the JSON-value path says, including
 * escapes, control characters and invalid UTF-8. */
static void test_list_text_matches_list(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_list_query lq;
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_t *a = NULL, *parsed;
    size_t n = 0;
    int64_t last = 0;

    (void)state;
    assert_int_equal(hk_store_begin(t->st, true), HK_OK);
    add_incident(t, "quote \" back\\slash \x01 tab\t nl\n", "analysis", "high", "AMBER");
    add_incident(t, "bad utf8 \xff\xfe end", "new", "low", "GREEN");
    add_incident(t, "日本語 火消し", "triage", "critical", "CLEAR");
    assert_int_equal(hk_store_commit(t->st), HK_OK);
    memset(&lq, 0, sizeof(lq));
    lq.kind = HK_LIST_INCIDENTS;
    assert_int_equal(hk_store_list(t->st, &lq, &a), HK_OK);
    assert_int_equal(t->st->ops->list_text(t->st, &lq, &b, &n, &last), HK_OK);
    parsed = json_loadb(b.buf, b.len, 0, NULL);
    assert_non_null(parsed);
    assert_int_equal(n, 3);
    assert_int_equal(last, 1);
    assert_true(json_equal(parsed, a));
    json_decref(parsed);
    json_decref(a);
    hk_buf_release(&b);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_complete),
        cmocka_unit_test(test_every_query_prepares),
        cmocka_unit_test(test_migrate_idempotent),
        cmocka_unit_test(test_mapping_and_rollback),
        cmocka_unit_test(test_list_filters_and_cursor),
        cmocka_unit_test(test_list_text_matches_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
