/* SPDX-License-Identifier: MIT */
/*
 * Server-side sorting of the incident and report lists (sort=, 011_list_sort.sql): the
 * SQL that src/store/sqlite_list.c builds for every sort, both directions, as the admin
 * and as a handler (the TLP visibility terms), must read the sort's index in order, not
 * sort the table: EXPLAIN QUERY PLAN names the index and has no temporary b-tree for the
 * ORDER BY, except the top-level merge of a cursor page's two parts (at most twice the
 * limit). Checked with the planner's defaults and again after ANALYZE. Without timing, a
 * page from a cursor deep inside a large tie group (most incidents share a severity, a
 * state and a team; most titles repeat) must cost about the same SQLite VM steps as the
 * first page: the rows of the tie group before the cursor are sought past, not walked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store_int.h"
#include "testutil.h"

hk_err hk_sqlite_list_build(const struct hk_list_query *lq, struct hk_buf *sql,
                            struct hk_sqlval *args, size_t *nargs);
const char *hk_sqlite_list_key_column(const struct hk_list_query *lq);

#define ROWS       6000
#define DEEP_PAGES 6 /* pages of 500 before the measured page: deep in every tie group */
#define PAGE       20
/* VM steps of one page of PAGE rows from a deep cursor. The first page takes about
 * 600-1,500 (the visibility terms add a few per row); walking the tie group before the
 * cursor took 3,000 rows x 5+ steps. */
#define STEP_BOUND 8000

struct sort_case {
    enum hk_list_kind kind;
    enum hk_list_sort sort;
    const char *index;
};

static const struct sort_case cases[] = {
    {HK_LIST_INCIDENTS, HK_SORT_CREATED, "incidents_created"},
    {HK_LIST_INCIDENTS, HK_SORT_UPDATED, "incidents_updated"},
    {HK_LIST_INCIDENTS, HK_SORT_SEVERITY, "incidents_severity_rank"},
    {HK_LIST_INCIDENTS, HK_SORT_STATE, "incidents_state_rank"},
    {HK_LIST_INCIDENTS, HK_SORT_TEAM, "incidents_team"},
    {HK_LIST_INCIDENTS, HK_SORT_TITLE, "incidents_title"},
    {HK_LIST_REPORTS, HK_SORT_CREATED, "reports_received"},
    {HK_LIST_REPORTS, HK_SORT_UPDATED, "reports_updated"},
    {HK_LIST_REPORTS, HK_SORT_STATE, "reports_state"},
    {HK_LIST_REPORTS, HK_SORT_TITLE, "reports_subject"},
};

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* Large tie groups: 5/6 of the incidents are high, in analysis, of team cert; titles and
 * subjects take 7 values in mixed case; times repeat every 1,000 rows. */
static void populate(sqlite3 *db)
{
    char sql[2048];

    (void)snprintf(
        sql, sizeof(sql),
        "BEGIN;"
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
        "INSERT INTO incidents(title, state, severity, tlp, team, created_at, updated_at) "
        "SELECT CASE i %% 7 WHEN 0 THEN 'alpha' WHEN 1 THEN 'Alpha' WHEN 2 THEN 'beta' WHEN 3 "
        "THEN 'Gamma' ELSE 'delta' END, CASE WHEN i %% 6 = 0 THEN 'new' ELSE 'analysis' END, "
        "CASE WHEN i %% 6 = 0 THEN 'low' ELSE 'high' END, CASE WHEN i %% 10 = 0 THEN 'RED' "
        "ELSE 'AMBER' END, CASE WHEN i %% 6 = 0 THEN 'soc' ELSE 'cert' END, "
        "1700000000 + i %% 1000, 1700000000 + (i * 7) %% 1000 FROM s;"
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
        "INSERT INTO reports(subject, content, content_hash, tlp, state, received_at, "
        "updated_at) SELECT CASE i %% 7 WHEN 0 THEN 'alpha' WHEN 1 THEN 'Alpha' ELSE 'beta' END, "
        "'text ' || i, randomblob(32), 'AMBER', CASE WHEN i %% 6 = 0 THEN 'open' ELSE 'new' END, "
        "1700000000 + i %% 1000, 1700000000 + (i * 7) %% 1000 FROM s;"
        "COMMIT;",
        ROWS, ROWS);
    exec(db, sql);
}

static sqlite3_stmt *prepare(sqlite3 *db, const struct hk_list_query *lq, bool explain)
{
    struct hk_buf sql = HK_BUF_INIT(65536);
    struct hk_sqlval args[32];
    size_t n = 0;
    sqlite3_stmt *st = NULL;

    if (explain)
        assert_int_equal(hk_buf_appends(&sql, "EXPLAIN QUERY PLAN "), HK_OK);
    assert_int_equal(hk_sqlite_list_build(lq, &sql, args, &n), HK_OK);
    if (sqlite3_prepare_v2(db, hk_buf_str(&sql), -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s\n%s", sqlite3_errmsg(db), hk_buf_str(&sql));
    for (size_t i = 0; i < n; i++) {
        int rc = args[i].t == HK_SQL_INT
                     ? sqlite3_bind_int64(st, (int)i + 1, args[i].i)
                     : sqlite3_bind_text(st, (int)i + 1, args[i].p, (int)args[i].n, SQLITE_STATIC);
        assert_int_equal(rc, SQLITE_OK);
    }
    hk_buf_release(&sql);
    return st;
}

/* The plan reads index and sorts nothing but (with a cursor) the top-level merge. */
static void check_plan(sqlite3 *db, const struct hk_list_query *lq, const char *index)
{
    sqlite3_stmt *st = prepare(db, lq, true);
    struct hk_buf all = HK_BUF_INIT(65536);
    bool uses = false, bad_sort = false;

    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        int parent = sqlite3_column_int(st, 1);
        (void)hk_buf_appendf(&all, "%d %s\n", parent, d ? d : "");
        if (d && strstr(d, index))
            uses = true;
        if (d && strstr(d, "TEMP B-TREE") && !(lq->cursor && parent == 0))
            bad_sort = true;
    }
    sqlite3_finalize(st);
    if (!uses || bad_sort)
        fail_msg("%s sort %d %s%s%s: plan does not walk %s:\n%s",
                 lq->kind == HK_LIST_INCIDENTS ? "incidents" : "reports", (int)lq->sort,
                 lq->ascending ? "asc" : "desc", lq->cursor ? " cursor" : "",
                 lq->restrict_user_id ? " restricted" : "", index, hk_buf_str(&all));
    hk_buf_release(&all);
}

/* Runs one page; returns its VM steps, the rows and the last row's id and sort value. */
static int run_page(sqlite3 *db, const struct hk_list_query *lq, int *rows, int64_t *last,
                    struct hk_buf *key)
{
    sqlite3_stmt *st = prepare(db, lq, false);
    const char *col = hk_sqlite_list_key_column(lq);
    int rc, steps, ki = -1;

    for (int i = 0; i < sqlite3_column_count(st); i++)
        if (!strcmp(sqlite3_column_name(st, i), col))
            ki = i;
    assert_true(ki >= 0);
    assert_int_equal(sqlite3_column_count(st), lq->kind == HK_LIST_INCIDENTS ? 16 : 13);
    *rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*rows)++;
        *last = sqlite3_column_int64(st, 0);
        hk_buf_reset(key);
        assert_int_equal(hk_buf_appends(key, (const char *)sqlite3_column_text(st, ki)), HK_OK);
    }
    assert_int_equal(rc, SQLITE_DONE);
    steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
    sqlite3_finalize(st);
    return steps;
}

static void check_all(sqlite3 *db, bool analyzed)
{
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
        for (int asc = 0; asc < 2; asc++)
            for (int restricted = 0; restricted < 2; restricted++) {
                struct hk_list_query lq = {0};
                struct hk_buf key = HK_BUF_INIT(4096);
                int rows = 0, first, deep;
                int64_t last = 0;

                lq.kind = cases[c].kind;
                lq.sort = cases[c].sort;
                lq.ascending = asc;
                lq.limit = 500;
                if (restricted) {
                    lq.restrict_user_id = 1;
                    lq.restrict_team = "cert";
                }
                check_plan(db, &lq, cases[c].index);
                /* DEEP_PAGES full pages, then a measured page of PAGE rows */
                for (int p = 0; p < DEEP_PAGES; p++) {
                    (void)run_page(db, &lq, &rows, &last, &key);
                    assert_int_equal(rows, 500);
                    lq.cursor = last;
                    lq.cursor_key = hk_buf_str(&key);
                }
                check_plan(db, &lq, cases[c].index);
                lq.limit = PAGE;
                deep = run_page(db, &lq, &rows, &last, &key);
                assert_int_equal(rows, PAGE);
                lq.cursor = 0;
                lq.cursor_key = NULL;
                first = run_page(db, &lq, &rows, &last, &key);
                assert_int_equal(rows, PAGE);
                if (getenv("HK_LIST_SORT_VERBOSE"))
                    fprintf(stderr, "%s sort %d %s%s%s: first page %d, deep page %d VM steps\n",
                            lq.kind == HK_LIST_INCIDENTS ? "incidents" : "reports", (int)lq.sort,
                            asc ? "asc" : "desc", restricted ? " restricted" : "",
                            analyzed ? " analyzed" : "", first, deep);
                if (deep > STEP_BOUND)
                    fail_msg("%s sort %d %s%s%s: a deep page took %d VM steps (first page %d)",
                             lq.kind == HK_LIST_INCIDENTS ? "incidents" : "reports", (int)lq.sort,
                             asc ? "asc" : "desc", restricted ? " restricted" : "",
                             analyzed ? " analyzed" : "", deep, first);
                hk_buf_release(&key);
            }
}

static void test_sort_plans(void **state)
{
    struct tenv *t = tenv_new();
    sqlite3 *db = tenv_db_open(t);

    (void)state;
    populate(db);
    check_all(db, false);
    exec(db, "ANALYZE");
    check_all(db, true);
    sqlite3_close(db);
    tenv_free(t);
}

/* Every sort of a kind names an output column; ids and unknown sorts name none. */
static void test_key_columns(void **state)
{
    struct hk_list_query lq = {0};

    (void)state;
    lq.kind = HK_LIST_INCIDENTS;
    assert_null(hk_sqlite_list_key_column(&lq));
    lq.sort = HK_SORT_SEVERITY;
    assert_string_equal(hk_sqlite_list_key_column(&lq), "severity");
    lq.kind = HK_LIST_REPORTS;
    assert_null(hk_sqlite_list_key_column(&lq)); /* no severity on reports */
    lq.sort = HK_SORT_TITLE;
    assert_string_equal(hk_sqlite_list_key_column(&lq), "subject");
    lq.sort = HK_SORT_CREATED;
    assert_string_equal(hk_sqlite_list_key_column(&lq), "received_at");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_plans),
        cmocka_unit_test(test_key_columns),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
