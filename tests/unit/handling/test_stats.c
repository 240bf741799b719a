/* SPDX-License-Identifier: MIT */
/*
 * Statistics (handling/stats.c, handling/chart.c): bucket labels by year, month, ISO week
 * and day; series from the trigger-maintained counters (including reclassification);
 * medians and means of time to first response and to resolution; SLA compliance; CSV
 * quoting; the SVG chart is deterministic, escapes every text (a <script> title comes out
 * as text) and carries no script.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hikeshi/webui.h"
#include "testutil.h"

static const char *jstr(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));

    return v ? v : "";
}

static int64_t T(const char *s)
{
    int64_t t = 0;

    assert_int_equal(hk_time_parse(s, &t), HK_OK);
    return t;
}

static void t_buckets(void **state)
{
    char b[16];

    (void)state;
    hk_stats_bucket(HK_BY_YEAR, T("1996-12-31T23:59:59Z"), b);
    assert_string_equal(b, "1996");
    hk_stats_bucket(HK_BY_MONTH, T("2004-02-29T12:00:00Z"), b);
    assert_string_equal(b, "2004-02");
    hk_stats_bucket(HK_BY_DAY, T("2000-03-01T00:00:00Z"), b);
    assert_string_equal(b, "2000-03-01");
    /* ISO weeks: 2021-01-03 (Sunday) is in 2020-W53; 2021-01-04 is 2021-W01;
     * 2008-12-29 (Monday) is 2009-W01; 2026-11-22 (Sunday) is 2026-W47. */
    hk_stats_bucket(HK_BY_WEEK, T("2021-01-03T10:00:00Z"), b);
    assert_string_equal(b, "2020-W53");
    hk_stats_bucket(HK_BY_WEEK, T("2021-01-04T00:00:00Z"), b);
    assert_string_equal(b, "2021-W01");
    hk_stats_bucket(HK_BY_WEEK, T("2008-12-29T00:00:00Z"), b);
    assert_string_equal(b, "2009-W01");
    hk_stats_bucket(HK_BY_WEEK, T("2026-11-22T00:00:00Z"), b);
    assert_string_equal(b, "2026-W47");
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void t_median(void **state)
{
    int64_t odd[] = {9, 1, 5}, even[] = {4, 1, 3, 2}, one[] = {7};

    (void)state;
    assert_true(hk_stats_median(odd, 3) == 5.0);
    assert_true(hk_stats_median(even, 4) == 2.5);
    assert_true(hk_stats_median(one, 1) == 7.0);
    assert_true(hk_stats_median(NULL, 0) == 0.0);
    /* Against a full sort, odd and even sizes, with duplicates. */
    for (size_t n = 1000; n <= 1001; n++) {
        int64_t *v = calloc(n, sizeof(*v)), *w = calloc(n, sizeof(*w));
        uint64_t x = 88172645463325252ull;
        double want;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v[i] = w[i] = (int64_t)(x % 500);
        }
        qsort(w, n, sizeof(*w), cmp_i64);
        want = n % 2 ? (double)w[n / 2] : ((double)w[n / 2 - 1] + (double)w[n / 2]) / 2.0;
        assert_true(hk_stats_median(v, n) == want);
        free(v);
        free(w);
    }
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
    assert_int_equal(TX(t, hk_report_submit(&t->ctx, b, &out, &dup)), HK_OK);
    id = json_integer_value(json_object_get(out, "id"));
    json_decref(b);
    json_decref(out);
    return id;
}

static json_int_t val(json_t *s, size_t series, size_t bucket)
{
    return json_integer_value(json_array_get(
        json_object_get(json_array_get(json_object_get(s, "series"), series), "values"), bucket));
}

static void t_series(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_stats_query q;
    json_t *s = NULL, *tb;
    int64_t r3;

    (void)state;
    submit(t, "first 1996", "1996-05-01T00:00:00Z", "fraud");
    submit(t, "second 1996", "1996-12-31T23:00:00Z", NULL);
    r3 = submit(t, "one of 1998", "1998-01-10T00:00:00Z", NULL);
    /* Per year, the empty year in between is a zero bucket. */
    assert_int_equal(hk_stats_query_parse(&q, "reports", "year", "none", NULL, NULL, &t->em),
                     HK_OK);
    assert_int_equal(hk_stats_series(&t->ctx, &q, &s), HK_OK);
    assert_int_equal(json_array_size(json_object_get(s, "buckets")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(s, "buckets"), 1)),
                        "1997");
    assert_int_equal(val(s, 0, 0), 2);
    assert_int_equal(val(s, 0, 1), 0);
    assert_int_equal(val(s, 0, 2), 1);
    json_decref(s);
    /* By class; triage reclassifies the 1998 report and the counters follow. */
    tb = json_pack("{s:s, s:s, s:s}", "title", "x", "rsit_class", "fraud", "rsit_type", "phishing");
    assert_int_equal(TX(t, hk_report_triage(&t->ctx, r3, tb, NULL)), HK_OK);
    json_decref(tb);
    assert_int_equal(hk_stats_query_parse(&q, "reports", "year", "class", NULL, NULL, &t->em),
                     HK_OK);
    assert_int_equal(hk_stats_series(&t->ctx, &q, &s), HK_OK);
    assert_int_equal(json_array_size(json_object_get(s, "series")), 2);
    assert_string_equal(jstr(json_array_get(json_object_get(s, "series"), 0), "name"),
                        "(unclassified)");
    assert_int_equal(val(s, 0, 0), 1); /* 1996 unclassified */
    assert_int_equal(val(s, 1, 0), 1); /* 1996 fraud */
    assert_int_equal(val(s, 0, 2), 0); /* 1998 no longer unclassified */
    assert_int_equal(val(s, 1, 2), 1);
    json_decref(s);
    /* Monthly buckets within a range; the range fixes the bucket span. */
    assert_int_equal(
        hk_stats_query_parse(&q, "reports", "month", NULL, "1996-04-01", "1996-07-01", &t->em),
        HK_OK);
    assert_int_equal(hk_stats_series(&t->ctx, &q, &s), HK_OK);
    assert_int_equal(json_array_size(json_object_get(s, "buckets")), 3);
    assert_int_equal(val(s, 0, 1), 1);
    json_decref(s);
    /* Monthly counters (aligned range) and daily ones (unaligned) agree; weeks too. */
    {
        json_t *a = NULL, *b = NULL;
        assert_int_equal(hk_stats_query_parse(&q, "reports", "month", "class", "1996-01-01",
                                              "1997-01-01", &t->em),
                         HK_OK);
        assert_int_equal(hk_stats_series(&t->ctx, &q, &a), HK_OK);
        assert_int_equal(hk_stats_query_parse(&q, "reports", "month", "class",
                                              "1996-01-01T00:00:01Z", "1997-01-01", &t->em),
                         HK_OK);
        assert_int_equal(hk_stats_series(&t->ctx, &q, &b), HK_OK);
        assert_int_equal(json_array_size(json_object_get(a, "buckets")), 12);
        assert_true(json_equal(a, b));
        assert_int_equal(val(a, 1, 4), 1);  /* fraud in 1996-05 */
        assert_int_equal(val(a, 0, 11), 1); /* unclassified in 1996-12 */
        json_decref(a);
        json_decref(b);
        assert_int_equal(hk_stats_query_parse(&q, "reports", "week", NULL, NULL, NULL, &t->em),
                         HK_OK);
        assert_int_equal(hk_stats_series(&t->ctx, &q, &a), HK_OK);
        assert_string_equal(json_string_value(json_array_get(json_object_get(a, "buckets"), 0)),
                            "1996-W18");
        assert_int_equal(val(a, 0, 0), 1);
        json_decref(a);
    }
    /* Bad parameters are refused. */
    assert_int_equal(hk_stats_query_parse(&q, "reports", "team", NULL, NULL, NULL, &t->em),
                     HK_EINVAL);
    assert_int_equal(hk_stats_query_parse(&q, "reports", "year", "team", NULL, NULL, &t->em),
                     HK_EINVAL);
    assert_int_equal(hk_stats_query_parse(&q, "incidents", "year", "source", NULL, NULL, &t->em),
                     HK_EINVAL);
    tenv_free(t);
}

static int64_t incident(struct tenv *t, int64_t created, const char *sev)
{
    json_t *b = json_pack("{s:s, s:s}", "title", "inc", "severity", sev), *out = NULL;
    int64_t id;

    assert_int_equal(TXAT(t, created, hk_incident_create(&t->ctx, b, &out)), HK_OK);
    id = json_integer_value(json_object_get(out, "id"));
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

static void t_summary(void **state)
{
    struct tenv *t = tenv_new();
    int64_t base = T("2026-01-01T00:00:00Z"), a, b, c, d;
    json_t *s = NULL, *x;
    struct hk_buf csv = HK_BUF_INIT(HK_BUF_UNBOUNDED);

    (void)state;
    /* First responses after 1 h, 2 h and 6 h (median 2 h, mean 3 h); medium target 24 h,
     * high 4 h: the 6 h high one breached. The fourth (critical, 1 h) never answered. */
    a = incident(t, base, "medium");
    b = incident(t, base + 100, "medium");
    c = incident(t, base + 200, "high");
    d = incident(t, base + 300, "critical");
    (void)d;
    step(t, a, "triage", base + 3600);
    step(t, b, "triage", base + 100 + 7200);
    step(t, c, "triage", base + 200 + 6 * 3600);
    step(t, a, "analyse", base + 4000);
    step(t, a, "mitigate", base + 5000);
    step(t, a, "resolve", base + 86400);
    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    t->ctx.now = base + 30 * 86400;
    assert_int_equal(hk_stats_summary(&t->ctx, 0, 0, &s), HK_OK);
    hk_ctx_rollback(&t->ctx);
    assert_int_equal(json_integer_value(json_object_get(s, "incidents")), 4);
    x = json_object_get(s, "time_to_first_response");
    assert_int_equal(json_integer_value(json_object_get(x, "n")), 3);
    assert_true(json_real_value(json_object_get(x, "median_s")) == 7200.0);
    assert_true(json_real_value(json_object_get(x, "mean_s")) == (3600.0 + 7200 + 21600) / 3);
    x = json_object_get(s, "time_to_resolution");
    assert_int_equal(json_integer_value(json_object_get(x, "n")), 1);
    assert_true(json_real_value(json_object_get(x, "median_s")) == 86400.0);
    x = json_object_get(s, "sla");
    assert_int_equal(json_integer_value(json_object_get(x, "met")), 2);
    assert_int_equal(json_integer_value(json_object_get(x, "breached")), 2);
    assert_true(json_real_value(json_object_get(x, "compliance")) == 0.5);
    /* The same over a date range (read by creation time, not through the histogram). */
    {
        json_t *r = NULL;
        assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
        t->ctx.now = base + 30 * 86400;
        assert_int_equal(hk_stats_summary(&t->ctx, base - 86400, base + 86400, &r), HK_OK);
        hk_ctx_rollback(&t->ctx);
        x = json_object_get(r, "time_to_first_response");
        assert_int_equal(json_integer_value(json_object_get(x, "n")), 3);
        assert_true(json_real_value(json_object_get(x, "median_s")) == 7200.0);
        json_decref(r);
        assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
        assert_int_equal(hk_stats_summary(&t->ctx, base + 86400, base + 2 * 86400, &r), HK_OK);
        hk_ctx_rollback(&t->ctx);
        assert_int_equal(json_integer_value(json_object_get(r, "incidents")), 0);
        json_decref(r);
    }
    hk_stats_summary_csv(s, &csv);
    assert_non_null(strstr(hk_buf_str(&csv), "sla,compliance,0.500\r\n"));
    assert_non_null(strstr(hk_buf_str(&csv), "time_to_first_response,median_s,7200.000\r\n"));
    hk_buf_release(&csv);
    json_decref(s);
    tenv_free(t);
}

static json_int_t sla_met(struct tenv *t, int64_t now)
{
    json_t *s = NULL;
    json_int_t met;

    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    t->ctx.now = now;
    assert_int_equal(hk_stats_summary(&t->ctx, 0, 0, &s), HK_OK);
    hk_ctx_rollback(&t->ctx);
    met = json_integer_value(json_object_get(json_object_get(s, "sla"), "met"));
    json_decref(s);
    return met;
}

static void t_sla_targets(void **state)
{
    struct tenv *t = tenv_new();
    int64_t base = T("2026-03-01T00:00:00Z"), a;
    bool recounted = true;

    (void)state;
    a = incident(t, base, "high");
    step(t, a, "triage", base + 2 * 3600); /* 2 h: within the default 4 h */
    assert_int_equal(hk_stats_sla_sync(t->st, &t->cfg, &recounted, &t->em), HK_OK);
    assert_false(recounted);
    assert_int_equal(sla_met(t, base + 86400), 1);
    /* A 1 h target: the summary counts afresh at once, the sync recounts the counters. */
    t->cfg.sla_first_response[2] = 3600;
    assert_int_equal(sla_met(t, base + 86400), 0);
    assert_int_equal(hk_stats_sla_sync(t->st, &t->cfg, &recounted, &t->em), HK_OK);
    assert_true(recounted);
    assert_int_equal(sla_met(t, base + 86400), 0);
    assert_int_equal(hk_stats_sla_sync(t->st, &t->cfg, &recounted, &t->em), HK_OK);
    assert_false(recounted);
    /* Reopening and resolving again keeps one resolution, not two. */
    step(t, a, "analyse", base + 3 * 3600);
    step(t, a, "mitigate", base + 4 * 3600);
    step(t, a, "resolve", base + 5 * 3600);
    step(t, a, "reopen", base + 6 * 3600);
    {
        json_t *s = NULL;
        assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
        assert_int_equal(hk_stats_summary(&t->ctx, 0, 0, &s), HK_OK);
        hk_ctx_rollback(&t->ctx);
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(s, "time_to_resolution"), "n")), 0);
        json_decref(s);
    }
    tenv_free(t);
}

static void t_csv(void **state)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_t *s =
        json_pack("{s:[s,s], s:[{s:s, s:[i,i]}, {s:s, s:[i,i]}]}", "buckets", "2001", "2002",
                  "series", "name", "a,b", "values", 1, 2, "name", "say \"hi\"\n", "values", 3, 4);

    (void)state;
    hk_stats_series_csv(s, &b);
    assert_string_equal(hk_buf_str(&b),
                        "bucket,\"a,b\",\"say \"\"hi\"\"\n\"\r\n2001,1,3\r\n2002,2,4\r\n");
    hk_buf_reset(&b);
    hk_csv_field(&b, "=cmd|' /C calc'!A0");
    assert_string_equal(hk_buf_str(&b), "\"'=cmd|' /C calc'!A0\"");
    hk_buf_reset(&b);
    hk_csv_field(&b, "plain");
    assert_string_equal(hk_buf_str(&b), "plain");
    hk_buf_release(&b);
    json_decref(s);
}

static void t_svg(void **state)
{
    struct hk_buf a = HK_BUF_INIT(HK_BUF_UNBOUNDED), b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_errmsg em = {{0}};
    json_t *s = json_pack("{s:s, s:s, s:s, s:[s,s,s], s:[{s:s, s:[i,i,i]}, {s:s, s:[i,i,i]}]}",
                          "object", "reports", "by", "year", "group", "class", "buckets", "1996",
                          "1997", "1998", "series", "name", "<b>x</b>", "values", 13, 492, 923,
                          "name", "fraud", "values", 0, 5, 7);
    struct hk_chart_opts o = {"bar", "en", "<script>alert(1)</script> & \"q\""};
    struct hk_chart_opts ja = {"line", "ja", NULL};

    (void)state;
    assert_int_equal(hk_stats_svg(s, &o, &a, &em), HK_OK);
    assert_int_equal(hk_stats_svg(s, &o, &b, &em), HK_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    assert_null(strstr(hk_buf_str(&a), "<script"));
    assert_non_null(
        strstr(hk_buf_str(&a), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert_non_null(strstr(hk_buf_str(&a), "&lt;b&gt;x&lt;/b&gt;")); /* legend escaped */
    assert_null(strstr(hk_buf_str(&a), "href"));
    assert_non_null(strstr(hk_buf_str(&a), ">1000</text>")); /* nice top tick over 928 */
    assert_int_equal(strncmp(hk_buf_str(&a), "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
    hk_buf_reset(&b);
    assert_int_equal(hk_stats_svg(s, &ja, &b, &em), HK_OK);
    assert_non_null(strstr(hk_buf_str(&b), "年別報告件数"));
    assert_non_null(strstr(hk_buf_str(&b), "<polyline"));
    o.type = "pie";
    assert_int_equal(hk_stats_svg(s, &o, &b, &em), HK_EINVAL);
    hk_buf_release(&a);
    hk_buf_release(&b);
    json_decref(s);
}

static void t_dashboard(void **state)
{
    struct tenv *t = tenv_new();
    int64_t now = hk_now(), a;
    json_t *d = NULL;

    (void)state;
    a = incident(t, now - 10 * 3600, "high"); /* past its 4 h target, unanswered */
    (void)incident(t, now - 60, "low");
    step(t, incident(t, now - 100, "medium"), "triage", now - 50);
    (void)a;
    submit(t, "waiting for triage", "2026-01-02T00:00:00Z", NULL);
    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    t->ctx.now = now;
    assert_int_equal(hk_dashboard(&t->ctx, &d), HK_OK);
    hk_ctx_rollback(&t->ctx);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(d, "open_by_state"), "new")), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(d, "open_by_state"), "triage")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(d, "open_by_severity"), "high")), 1);
    assert_int_equal(json_integer_value(json_object_get(d, "sla_breach_count")), 1);
    assert_int_equal(json_array_size(json_object_get(d, "sla_breaches")), 1);
    assert_int_equal(json_integer_value(json_object_get(d, "triage_queue_count")), 1);
    assert_int_equal(json_array_size(json_object_get(d, "incidents_per_day")), 30);
    json_decref(d);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_buckets),   cmocka_unit_test(t_median),      cmocka_unit_test(t_series),
        cmocka_unit_test(t_summary),   cmocka_unit_test(t_csv),         cmocka_unit_test(t_svg),
        cmocka_unit_test(t_dashboard), cmocka_unit_test(t_sla_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
