/* SPDX-License-Identifier: MIT */
/*
 * TLP on the statistics (handling/stats_hidden.c and its callers in stats.c): for a
 * handler, every aggregate of the summary (totals, by team and class, mean and median time
 * to first response and to resolution, SLA met and breached, over everything and over a
 * date range), of the series (by month and team, by ISO week and class) and of the
 * dashboard (open by state, severity and team, SLA breaches, incidents per day) equals the
 * same figure computed by brute force over the incidents hk_can_read_incident lets that
 * handler open. The incidents are a fixed pseudo-random mix of TLP (RED, AMBER+STRICT,
 * AMBER, GREEN), teams, severities, states and times, with the handler on some of them;
 * the admin's figures count them all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hikeshi/webui.h"
#include "testutil.h"

#define N 90

struct inc {
    int64_t id, created, fr, res; /* fr, res: 0 = none */
    int sev, team, cls, state;    /* state: 0 new, 1 triage, 2 resolved */
    bool visible;
};

static const char *const sevs[] = {"low", "medium", "high", "critical"};
static const char *const teams[] = {"team-1", "team-2", ""};
static const char *const classes[] = {"fraud", "availability", "intrusions"};
static const char *const tlps[] = {"RED", "AMBER+STRICT", "AMBER", "GREEN", "RED"};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void step(struct tenv *t, int64_t id, const char *action, int64_t at)
{
    json_t *b = json_object();

    assert_int_equal(TXAT(t, at, hk_incident_transition(&t->ctx, id, action, b, NULL)), HK_OK);
    json_decref(b);
}

static json_t *call_summary(struct tenv *t, int64_t now, int64_t from, int64_t to)
{
    json_t *s = NULL;

    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    t->ctx.now = now;
    assert_int_equal(hk_stats_summary(&t->ctx, from, to, &s), HK_OK);
    hk_ctx_rollback(&t->ctx);
    return s;
}

static const char *team_label(int k)
{
    return *teams[k] ? teams[k] : "(none)";
}

/* The summary's figures against the visible incidents created in [from, to) (0: open). */
static void check_summary(struct tenv *t, const struct inc *v, int64_t now, int64_t from,
                          int64_t to, bool all)
{
    json_t *s = call_summary(t, now, from, to), *x;
    int64_t f[N], r[N], nf = 0, nr = 0, sf = 0, sr = 0, met = 0, waiting = 0, ninc = 0;
    int64_t by_team[3] = {0, 0, 0};

    for (int i = 0; i < N; i++) {
        const struct inc *e = &v[i];
        int64_t target = t->cfg.sla_first_response[e->sev];
        if (!(all || e->visible) || (from && e->created < from) || (to && e->created >= to))
            continue;
        ninc++;
        by_team[e->team]++;
        if (e->fr) {
            f[nf++] = e->fr - e->created;
            sf += e->fr - e->created;
            met += e->fr - e->created <= target;
        } else if (e->state != 2 && e->created < now - target) {
            waiting++;
        }
        if (e->res) {
            r[nr++] = e->res - e->created;
            sr += e->res - e->created;
        }
    }
    assert_int_equal(json_integer_value(json_object_get(s, "incidents")), ninc);
    x = json_object_get(s, "time_to_first_response");
    assert_int_equal(json_integer_value(json_object_get(x, "n")), nf);
    assert_true(json_real_value(json_object_get(x, "mean_s")) ==
                (nf ? (double)sf / (double)nf : 0.0));
    assert_true(json_real_value(json_object_get(x, "median_s")) == hk_stats_median(f, (size_t)nf));
    x = json_object_get(s, "time_to_resolution");
    assert_int_equal(json_integer_value(json_object_get(x, "n")), nr);
    assert_true(json_real_value(json_object_get(x, "mean_s")) ==
                (nr ? (double)sr / (double)nr : 0.0));
    assert_true(json_real_value(json_object_get(x, "median_s")) == hk_stats_median(r, (size_t)nr));
    x = json_object_get(s, "sla");
    assert_int_equal(json_integer_value(json_object_get(x, "met")), met);
    assert_int_equal(json_integer_value(json_object_get(x, "breached")), nf - met + waiting);
    x = json_object_get(s, "by_team");
    for (int k = 0; k < 3; k++) {
        int64_t got = 0;
        for (size_t j = 0; j < json_array_size(x); j++) {
            json_t *e = json_array_get(x, j);
            if (!strcmp(json_string_value(json_object_get(e, "team")), team_label(k)))
                got = json_integer_value(json_object_get(e, "incidents"));
        }
        assert_int_equal(got, by_team[k]);
    }
    json_decref(s);
}

/* Series by month and team, and by ISO week and class, against the visible incidents. */
static void check_series(struct tenv *t, const struct inc *v, enum hk_stats_by by,
                         const char *group, bool all)
{
    struct hk_stats_query q;
    json_t *s = NULL, *bk, *ser;
    int64_t total = 0, seen = 0;

    assert_int_equal(hk_stats_query_parse(&q, "incidents", by == HK_BY_MONTH ? "month" : "week",
                                          group, NULL, NULL, &t->em),
                     HK_OK);
    assert_int_equal(hk_stats_series(&t->ctx, &q, &s), HK_OK);
    bk = json_object_get(s, "buckets");
    ser = json_object_get(s, "series");
    for (size_t k = 0; k < json_array_size(ser); k++) {
        json_t *e = json_array_get(ser, k), *vals = json_object_get(e, "values");
        const char *name = json_string_value(json_object_get(e, "name"));
        int64_t sum = 0;
        for (size_t b = 0; b < json_array_size(bk); b++) {
            const char *label = json_string_value(json_array_get(bk, b));
            int64_t want = 0;
            for (int i = 0; i < N; i++) {
                char l[16];
                const char *key =
                    !strcmp(group, "team") ? team_label(v[i].team) : classes[v[i].cls];
                hk_stats_bucket(by, v[i].created, l);
                want += (all || v[i].visible) && !strcmp(l, label) && !strcmp(key, name);
            }
            assert_int_equal(json_integer_value(json_array_get(vals, b)), want);
            sum += want;
        }
        assert_true(sum > 0); /* no key the caller cannot see, not even with zeros */
        seen += sum;
    }
    for (int i = 0; i < N; i++)
        total += all || v[i].visible;
    assert_int_equal(seen, total);
    json_decref(s);
}

static void check_dashboard(struct tenv *t, const struct inc *v, int64_t now, bool all)
{
    json_t *d = NULL, *x;
    int64_t st[2] = {0, 0}, sv[4] = {0, 0, 0, 0}, tm[3] = {0, 0, 0}, waiting = 0, today = 0;

    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    t->ctx.now = now;
    assert_int_equal(hk_dashboard(&t->ctx, &d), HK_OK);
    hk_ctx_rollback(&t->ctx);
    for (int i = 0; i < N; i++) {
        if (!(all || v[i].visible))
            continue;
        today += v[i].created / 86400 == now / 86400;
        if (v[i].state == 2)
            continue;
        st[v[i].state]++;
        sv[v[i].sev]++;
        tm[v[i].team]++;
        waiting += !v[i].fr && v[i].created < now - t->cfg.sla_first_response[v[i].sev];
    }
    x = json_object_get(d, "open_by_state");
    assert_int_equal(json_integer_value(json_object_get(x, "new")), st[0]);
    assert_int_equal(json_integer_value(json_object_get(x, "triage")), st[1]);
    x = json_object_get(d, "open_by_severity");
    for (int k = 0; k < 4; k++)
        assert_int_equal(json_integer_value(json_object_get(x, sevs[k])), sv[k]);
    x = json_object_get(d, "open_by_team");
    for (int k = 0; k < 3; k++) {
        int64_t got = 0;
        for (size_t j = 0; j < json_array_size(x); j++) {
            json_t *e = json_array_get(x, j);
            assert_true(json_integer_value(json_object_get(e, "count")) > 0);
            if (!strcmp(json_string_value(json_object_get(e, "team")), teams[k]))
                got = json_integer_value(json_object_get(e, "count"));
        }
        assert_int_equal(got, tm[k]);
    }
    assert_int_equal(json_integer_value(json_object_get(d, "sla_breach_count")), waiting);
    x = json_object_get(d, "incidents_per_day");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(x, 29), "count")), today);
    json_decref(d);
}

static void t_stats_tlp(void **state)
{
    struct tenv *t = tenv_new();
    struct inc v[N];
    int64_t base = 1735689600 /* 2025-01-01 */, now = base + 400 * 86400 + 43200, hid = 0;
    int64_t nvis = 0;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    json_t *out = NULL;

    (void)state;
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "hana", "handler", "team-1", NULL, &out)), HK_OK);
    hid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    for (int i = 0; i < N; i++) {
        struct inc *e = &v[i];
        const char *tlp = tlps[rnd(&s) % 5];
        bool member = rnd(&s) % 3 == 0;
        json_t *b;
        memset(e, 0, sizeof(*e));
        /* Over 400 days; every fifth today (the dashboard's last day). */
        e->created = i % 5 ? base + (int64_t)(rnd(&s) % (399 * 86400)) : now - 3600 - i;
        e->sev = (int)(rnd(&s) % 4);
        e->team = (int)(rnd(&s) % 3);
        e->cls = (int)(rnd(&s) % 3);
        b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", "t", "severity", sevs[e->sev], "tlp",
                      tlp, "team", teams[e->team], "rsit_class", classes[e->cls]);
        assert_int_equal(TXAT(t, e->created, hk_incident_create(&t->ctx, b, &out)), HK_OK);
        json_decref(b);
        e->id = json_integer_value(json_object_get(out, "id"));
        json_decref(out);
        if (member)
            assert_int_equal(TXAT(t, e->created, hk_incident_add_member(&t->ctx, e->id, hid)),
                             HK_OK);
        if (rnd(&s) % 3) { /* answered: mostly after 1 to 2 days (four 6-hour buckets of
                            * the median histogram, so hidden rows share the middle's) */
            e->fr = e->created + (rnd(&s) % 4 ? 86400 + (int64_t)(rnd(&s) % 86400)
                                              : 60 + (int64_t)(rnd(&s) % (3 * 86400)));
            if (e->fr >= now)
                e->fr = now - 1;
            step(t, e->id, "triage", e->fr);
            e->state = 1;
            if (e->fr + 7200 < now && rnd(&s) % 2) {
                e->res = e->fr + 600 + (int64_t)(rnd(&s) % 7200);
                if (e->res >= now)
                    e->res = now - 1;
                step(t, e->id, "analyse", e->fr + 1);
                step(t, e->id, "mitigate", e->fr + 2);
                step(t, e->id, "resolve", e->res);
                e->state = 2;
            }
        }
    }
    /* Who may open what, by the single-incident rule. */
    tenv_as(t, hid, HK_ROLE_HANDLER, "hana", "team-1");
    assert_int_equal(hk_ctx_begin(&t->ctx, false), HK_OK);
    for (int i = 0; i < N; i++) {
        json_t *row = NULL;
        assert_int_equal(
            hk_store_row(t->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(v[i].id)), &row), HK_OK);
        v[i].visible = hk_can_read_incident(&t->ctx, row);
        nvis += v[i].visible;
        json_decref(row);
    }
    hk_ctx_rollback(&t->ctx);
    assert_true(nvis > N / 3 && nvis < N); /* a real mix */
    /* The handler's figures, then the admin's (everything). */
    for (int as_admin = 0; as_admin < 2; as_admin++) {
        if (as_admin)
            tenv_as(t, 0, HK_ROLE_ADMIN, "local:test", "");
        check_summary(t, v, now, 0, 0, as_admin);
        check_summary(t, v, now, base + 100 * 86400, base + 300 * 86400, as_admin);
        check_series(t, v, HK_BY_MONTH, "team", as_admin);
        check_series(t, v, HK_BY_WEEK, "class", as_admin);
        check_dashboard(t, v, now, as_admin);
    }
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_stats_tlp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
