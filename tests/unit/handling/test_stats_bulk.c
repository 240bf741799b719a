/* SPDX-License-Identifier: MIT */
/*
 * Statistics counters under bulk import (handling/import.c, store/sql/008_webui.sql):
 * inside a batch the per-row report counter trigger is off and the batch's reports are
 * counted by one set-based statement. The same reports (classes, sources, days across
 * day, ISO week, month and year boundaries, duplicates, a malformed line, reports that
 * correlate with open and resolved incidents) are imported through the bulk path into one
 * store and through the per-row path (hk_report_import_buf) into another; every counter
 * table must be identical, the report counters must equal a from-scratch GROUP BY over
 * the reports, and the bulk flag must be back at 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

static int64_t T(const char *s)
{
    int64_t t = 0;

    assert_int_equal(hk_time_parse(s, &t), HK_OK);
    return t;
}

static int64_t submit(struct tenv *t, const char *content, const char *at, const char *cls)
{
    json_t *b = json_pack("{s:s, s:s, s:s}", "content", content, "received_at", at, "source",
                          "email"),
           *out = NULL;
    bool dup = false;
    int64_t id;

    if (cls)
        json_object_set_new(b, "rsit_class", json_string(cls));
    assert_int_equal(TXAT(t, T(at), hk_report_submit(&t->ctx, b, &out, &dup)), HK_OK);
    id = json_integer_value(json_object_get(out, "id"));
    json_decref(b);
    json_decref(out);
    return id;
}

static int64_t triage(struct tenv *t, int64_t report, int64_t at)
{
    json_t *b = json_pack("{s:s, s:s}", "title", "seed", "severity", "high"), *out = NULL;
    int64_t id;

    assert_int_equal(TXAT(t, at, hk_report_triage(&t->ctx, report, b, &out)), HK_OK);
    id = json_integer_value(json_object_get(out, "id")); /* the incident */
    json_decref(b);
    json_decref(out);
    return id;
}

static void step(struct tenv *t, int64_t id, const char *action, int64_t at)
{
    json_t *b = json_object();

    assert_int_equal(TXAT(t, at, hk_incident_transition(&t->ctx, id, action, b, NULL)), HK_OK);
    json_decref(b);
}

/* Identical history in both stores: one open incident (first response given), one
 * resolved incident, both sharing observables with the imported reports. */
static void seed(struct tenv *t)
{
    int64_t base = T("2024-01-05T00:00:00Z"), r, i;

    r = submit(t, "scan from 198.51.100.7 at evil.example", "2024-01-05T00:00:00Z", "fraud");
    i = triage(t, r, base + 600);
    assert_true(i > 0);
    step(t, i, "analyse", base + 3600);
    r = submit(t, "c2 at 203.0.113.9 bad.example", "2024-01-05T01:00:00Z", NULL);
    i = triage(t, r, base + 7200);
    assert_true(i > 0);
    step(t, i, "analyse", base + 9000);
    step(t, i, "mitigate", base + 10000);
    step(t, i, "resolve", base + 12000);
}

/* The JSON-lines input: 61 reports, one exact duplicate, one malformed line. */
static char *input(size_t *len)
{
    static const char *const at[] = {
        "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z", "2024-01-07T23:59:59Z",
        "2024-01-08T00:00:00Z", "2024-01-10T05:00:00Z", "2024-01-31T23:59:59Z",
        "2024-02-01T00:00:00Z", "2024-02-29T12:00:00Z", "2024-03-01T00:00:00Z",
        "2024-01-06T08:30:00Z", "2020-12-31T23:00:00Z"};
    static const char *const cls[] = {NULL, "fraud", "malicious-code", "intrusion-attempts",
                                      "fraud"};
    static const char *const src[] = {"email", "feed", "import", "api", "cli", "phone"};
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char content[160];

    for (int i = 0; i < 61; i++) {
        json_t *o;
        char *line;
        (void)snprintf(content, sizeof(content), "report %d host-%d.example.net 192.0.2.%d%s%s", i,
                       i, i % 250, i % 5 == 0 ? " 198.51.100.7" : "",
                       i % 7 == 0 ? " 203.0.113.9" : "");
        o = json_pack("{s:s, s:s, s:s}", "content", content, "received_at",
                      at[(size_t)i % (sizeof(at) / sizeof(at[0]))], "source",
                      src[(size_t)i % (sizeof(src) / sizeof(src[0]))]);
        if (cls[i % 5])
            json_object_set_new(o, "rsit_class", json_string(cls[i % 5]));
        line = json_dumps(o, JSON_COMPACT);
        (void)hk_buf_appends(&b, line);
        (void)hk_buf_appendc(&b, '\n');
        if (i == 20) { /* an exact duplicate and a malformed line in the middle */
            (void)hk_buf_appends(&b, line);
            (void)hk_buf_appends(&b, "\n{\"content\": \n");
        }
        free(line);
        json_decref(o);
    }
    *len = b.len;
    return b.buf;
}

static sqlite3 *db_of(struct tenv *t)
{
    char path[128];
    sqlite3 *db = NULL;

    (void)snprintf(path, sizeof(path), "%s/hikeshi.db", t->dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

static int64_t q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Rows in one table and not in the other, both ways. */
static int64_t diff(sqlite3 *db, const char *table)
{
    char sql[512];

    (void)snprintf(sql, sizeof(sql),
                   "SELECT (SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * FROM "
                   "b.%s)) + (SELECT count(*) FROM (SELECT * FROM b.%s EXCEPT SELECT * FROM "
                   "main.%s))",
                   table, table, table, table);
    return q1(db, sql);
}

/* The report counters recounted from scratch (months with SQLite's own calendar). */
static const char recount[] =
    "WITH r(day, cls, src) AS (SELECT received_at / 86400, rsit_class, source FROM reports), "
    "p(period, day, pday) AS (SELECT DISTINCT 'd', day, day FROM r UNION SELECT DISTINCT 'w', "
    "day, day - (day + 3) % 7 FROM r UNION SELECT DISTINCT 'm', day, CAST(strftime('%s', "
    "day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400 FROM r), "
    "x(object, dim, period, day, key, n) AS ("
    "SELECT 'r', 'none', p.period, p.pday, '', count(*) FROM r JOIN p USING (day) GROUP BY 3, 4 "
    "UNION ALL SELECT 'r', 'class', p.period, p.pday, cls, count(*) FROM r JOIN p USING (day) "
    "GROUP BY 3, 4, 5 UNION ALL SELECT 'r', 'source', p.period, p.pday, src, count(*) FROM r "
    "JOIN p USING (day) GROUP BY 3, 4, 5) "
    "SELECT (SELECT count(*) FROM (SELECT * FROM x EXCEPT SELECT * FROM stat_daily WHERE "
    "object = 'r' AND n <> 0)) + (SELECT count(*) FROM (SELECT * FROM stat_daily WHERE object = "
    "'r' AND n <> 0 EXCEPT SELECT * FROM x))";

static void t_bulk_equals_per_row(void **state)
{
    static const char *const tables[] = {"stat_daily", "incident_counts", "stat_durations",
                                         "stat_dur_order", "stat_dur_hist"};
    struct tenv *a = tenv_new(), *b = tenv_new();
    struct hk_import_stats sa, sb;
    json_t *errors = NULL;
    size_t len = 0;
    char *buf = input(&len), sql[160];
    FILE *f;
    sqlite3 *db;

    (void)state;
    seed(a);
    seed(b);
    /* Bulk path, batches of 7 (the last one partial). */
    f = fmemopen(buf, len, "r");
    assert_non_null(f);
    a->ctx.now = T("2024-01-06T00:00:00Z");
    assert_int_equal(hk_report_import(&a->ctx, f, 7, &sa), HK_OK);
    fclose(f);
    /* Per-row path: the same lines in one transaction, the counter triggers on. */
    assert_int_equal(
        TXAT(b, T("2024-01-06T00:00:00Z"), hk_report_import_buf(&b->ctx, buf, len, &sb, &errors)),
        HK_OK);
    json_decref(errors);
    assert_int_equal(sa.stored, 61);
    assert_int_equal(sa.duplicates, 1);
    assert_int_equal(sa.rejected, 1);
    assert_true(sa.correlated > 0);
    assert_int_equal(sb.stored, sa.stored);
    assert_int_equal(sb.correlated, sa.correlated);

    db = db_of(a);
    (void)snprintf(sql, sizeof(sql), "ATTACH '%s/hikeshi.db' AS b", b->dir);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(q1(db, "SELECT count(*) FROM main.reports"), 63);
    assert_int_equal(q1(db, "SELECT count(*) FROM b.reports"), 63);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        (void)snprintf(sql, sizeof(sql), "SELECT count(*) FROM main.%s", tables[i]);
        assert_true(q1(db, sql) > 0);
        if (diff(db, tables[i]) != 0)
            fail_msg("counter table %s differs between bulk and per-row import", tables[i]);
    }
    /* Both equal a from-scratch count, with every day/week/month boundary of the input. */
    assert_int_equal(q1(db, recount), 0);
    assert_int_equal(q1(db, "SELECT count(DISTINCT day) FROM main.stat_daily WHERE object = 'r' "
                            "AND period = 'm'"),
                     5); /* 2020-12, 2023-12, 2024-01, 2024-02, 2024-03 */
    assert_int_equal(q1(db, "SELECT n FROM main.stat_daily WHERE object = 'r' AND dim = 'none' "
                            "AND period = 'm' AND day = 19723"), /* 2024-01-01 */
                     q1(db, "SELECT count(*) FROM main.reports WHERE received_at >= 1704067200 "
                            "AND received_at < 1706745600"));
    /* The flag is never left on. */
    assert_int_equal(q1(db, "SELECT active FROM main.stat_bulk"), 0);
    sqlite3_close(db);
    db = db_of(b);
    assert_int_equal(q1(db, recount), 0);
    sqlite3_close(db);

    /* After the import the per-row triggers count again (a single submission). */
    submit(a, "late one 192.0.2.77", "2024-03-01T10:00:00Z", "fraud");
    db = db_of(a);
    assert_int_equal(q1(db, recount), 0);
    sqlite3_close(db);
    free(buf);
    tenv_free(a);
    tenv_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_bulk_equals_per_row),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
