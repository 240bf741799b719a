/* SPDX-License-Identifier: MIT */
/*
 * Bulk import into a store where one incident has collected many reports: the work done
 * for each correlated report must not grow with the incident's size. The incident-team
 * rule (HK_Q_INCIDENT_ROUTE_TEAM) runs for every report linked to an incident and once
 * walked all the incident's reports looking for one with routes; it now reads the partial
 * index reports_incident_routed (009_routed_reports.sql). Checked without timing: the
 * query plan names the index and the statement's SQLite VM steps stay bounded against an
 * incident with 1,500 unrouted reports (the old walk took 6,017 there). Also checked:
 * the rule still finds a routed report that arrives as the 1,502nd of its incident, the
 * reports.routed flag follows report_routes, migrating an existing version-8 data
 * directory marks the reports that already had routes, and the observable lookup reads
 * the newest 200 reports of a hot observable without reading and sorting all of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "hikeshi/directory.h"
#include "store/store_int.h"
#include "testutil.h"

#define MANY 1500
/* The statement's VM steps for one incident: about 20 with the index; the old walk over
 * the incident's reports took about 4 per report (6,017 here). */
#define STEP_BOUND 200
/* The observable lookup's newest 200 reports: 2,610 steps; reading all 1,501 and sorting
 * them took 28,230. */
#define LOOKUP_STEP_BOUND 5000

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* True when EXPLAIN QUERY PLAN of query q mentions index. */
static bool plan_uses(sqlite3 *db, enum hk_query q, const char *index)
{
    char sql[4096];
    sqlite3_stmt *st = NULL;
    bool found = false;

    (void)snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", hk_sqlite_sql[q]);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (d && strstr(d, index))
            found = true;
    }
    sqlite3_finalize(st);
    return found;
}

/* Runs query q for incident id to the end; returns its VM steps and the rows it gave. */
static int run_steps(sqlite3 *db, enum hk_query q, int64_t id, int *rows)
{
    sqlite3_stmt *st = NULL;
    int rc, steps;

    assert_int_equal(sqlite3_prepare_v2(db, hk_sqlite_sql[q], -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_bind_int64(st, 1, id), SQLITE_OK);
    *rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        (*rows)++;
    assert_int_equal(rc, SQLITE_DONE);
    steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
    sqlite3_finalize(st);
    return steps;
}

/* Runs query q for id: it gives want_rows rows in 1..bound VM steps. */
static void expect_run(sqlite3 *db, enum hk_query q, int64_t id, int want_rows, int bound)
{
    int rows, steps = run_steps(db, q, id, &rows);

    assert_int_equal(rows, want_rows);
    assert_in_range(steps, 1, bound);
}

static void import_text(struct tenv *t, const char *text, struct hk_import_stats *st)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");

    assert_non_null(f);
    assert_int_equal(hk_report_import(&t->ctx, f, 500, st), HK_OK);
    (void)fclose(f);
}

static void test_team_rule_bounded(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_import_stats st;
    json_t *body, *out = NULL;
    int64_t rid, inc, obs;
    sqlite3 *db;

    (void)state;
    /* One incident from one report about a busy scanner. */
    body = json_pack("{s:s}", "content", "SSH brute force from 45.33.12.7, first report");
    assert_int_equal(TX(t, hk_report_submit(&t->ctx, body, &out, NULL)), HK_OK);
    json_decref(body);
    rid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    body = json_pack("{s:s}", "title", "busy scanner");
    assert_int_equal(TX(t, hk_report_triage(&t->ctx, rid, body, &out)), HK_OK);
    json_decref(body);
    inc = json_integer_value(json_object_get(out, "id"));
    json_decref(out);

    /* MANY more reports of it through the bulk importer: all correlate, none routed. */
    for (int i = 0; i < MANY; i++)
        (void)hk_buf_appendf(&b,
                             "{\"reporter\":\"honeypot\",\"content\":\"SSH brute force from "
                             "45.33.12.7 against sensor %d\"}\n",
                             i);
    import_text(t, hk_buf_str(&b), &st);
    assert_int_equal(st.stored, MANY);
    assert_int_equal(st.correlated, MANY);

    db = tenv_db_open(t);
    assert_int_equal(scalar(db, "SELECT count(*) FROM reports WHERE incident_id IS NOT NULL"),
                     MANY + 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM reports WHERE routed <> 0"), 0);
    /* The plans read the partial index of routed reports, not all reports of the incident. */
    assert_true(plan_uses(db, HK_Q_INCIDENT_ROUTE_TEAM, "reports_incident_routed"));
    assert_true(plan_uses(db, HK_Q_ROUTES_OF_INCIDENT, "reports_incident_routed"));
    expect_run(db, HK_Q_INCIDENT_ROUTE_TEAM, inc, 0, STEP_BOUND);
    expect_run(db, HK_Q_ROUTES_OF_INCIDENT, inc, 0, STEP_BOUND);

    /* Looking the scanner up reads its newest 200 reports, not all 1,501 and a sort. */
    obs = scalar(db, "SELECT id FROM observables WHERE value = '45.33.12.7'");
    assert_false(plan_uses(db, HK_Q_OBS_REPORTS, "TEMP B-TREE"));
    assert_false(plan_uses(db, HK_Q_OBS_INCIDENTS, "TEMP B-TREE"));
    expect_run(db, HK_Q_OBS_REPORTS, obs, 200, LOOKUP_STEP_BOUND);
    assert_int_equal(TX(t, hk_observable_lookup(&t->ctx, "45.33.12[.]7", &out)), HK_OK);
    assert_int_equal(json_array_size(json_object_get(out, "reports")), 200);
    assert_int_equal(json_integer_value(
                         json_object_get(json_array_get(json_object_get(out, "reports"), 0), "id")),
                     scalar(db, "SELECT max(id) FROM reports"));
    assert_int_equal(json_integer_value(json_object_get(
                         json_array_get(json_object_get(out, "reports"), 199), "id")),
                     scalar(db, "SELECT max(id) - 199 FROM reports"));
    assert_int_equal(json_array_size(json_object_get(out, "incidents")), 1);
    json_decref(out);

    /* A team appears; the next report of the incident is routed to it, so the incident
     * (which had no team) takes it, although that report is its 1,502nd. */
    body = json_pack("{s:s, s:s, s:[s]}", "name", "cert-x", "email", "x@example.net", "networks",
                     "81.2.0.0/16");
    assert_int_equal(TX(t, hk_team_create(&t->ctx, body, &out)), HK_OK);
    json_decref(body);
    json_decref(out);
    import_text(t,
                "{\"reporter\":\"honeypot\",\"content\":\"SSH brute force from 45.33.12.7 "
                "and from 81.2.3.4\"}\n",
                &st);
    assert_int_equal(st.correlated, 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM reports WHERE routed = 1"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM reports WHERE routed = 1 AND id IN "
                                "(SELECT report_id FROM report_routes)"),
                     1);
    assert_int_equal(TX(t, hk_incident_get(&t->ctx, inc, true, &out)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "team")), "cert-x");
    json_decref(out);
    expect_run(db, HK_Q_ROUTES_OF_INCIDENT, inc, 1, STEP_BOUND);
    /* With its team set, the rule has nothing to do. */
    expect_run(db, HK_Q_INCIDENT_ROUTE_TEAM, inc, 0, STEP_BOUND);
    /* Cleared by hand, the team is found again from the routed report. */
    assert_int_equal(sqlite3_exec(db, "UPDATE incidents SET team = ''", NULL, NULL, NULL),
                     SQLITE_OK);
    expect_run(db, HK_Q_INCIDENT_ROUTE_TEAM, inc, 1, STEP_BOUND);
    sqlite3_close(db);
    hk_buf_release(&b);
    tenv_free(t);
}

/* A version-8 data directory with a routed and an unrouted report, then opened: the
 * migration marks the routed one. */
static void test_migration_marks_routed(void **state)
{
    char dir[64], path[128], bump[64];
    struct hk_store *st = NULL;
    struct hk_errmsg em = {{0}};
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    const char *ins = "INSERT INTO reports(id, content, content_hash, received_at, updated_at) "
                      "VALUES (1, 'a', x'01', 1, 1), (2, 'b', x'02', 1, 1); INSERT INTO "
                      "report_routes(report_id, pos, type, observable, team, match, rank) VALUES "
                      "(2, 0, 'ipv4', '81.2.3.4', 'cert-x', '{}', 1000), (2, 1, 'ipv4', "
                      "'81.2.3.5', 'cert-x', '{}', 1000);";

    (void)state;
    assert_int_equal(hk_core_init(), HK_OK);
    strcpy(dir, "/tmp/hk-unit-XXXXXX");
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/hikeshi.db", dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
    for (const struct hk_migration *m = hk_migrations; m->sql && m->version <= 8; m++) {
        assert_int_equal(sqlite3_exec(db, m->sql, NULL, NULL, NULL), SQLITE_OK);
        (void)snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", m->version);
        assert_int_equal(sqlite3_exec(db, bump, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_int_equal(sqlite3_exec(db, ins, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(hk_store_open(dir, &st, &em), HK_OK);
    hk_store_close(st);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT id, routed FROM reports ORDER BY id", -1, &q, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 1), 0);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 1), 1);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                "'reports_incident_routed'"),
                     1);
    /* The trigger marks a report when its first route is written. */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO report_routes(report_id, pos, type, observable, "
                                  "team, match, rank) VALUES (1, 0, 'ipv4', '81.2.9.9', 'cert-x', "
                                  "'{}', 1000)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(scalar(db, "SELECT routed FROM reports WHERE id = 1"), 1);
    sqlite3_close(db);
    tenv_rmrf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_team_rule_bounded),
        cmocka_unit_test(test_migration_marks_routed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
