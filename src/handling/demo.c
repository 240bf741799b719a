/* SPDX-License-Identifier: MIT */
/*
 * `hikeshi demo`: a clearly labelled demo data set ("[DEMO]" titles) loaded through the
 * library's own functions, so every row, counter and audit entry is what real use would
 * have made: a coordinating CSIRT with three member teams, the users handler and
 * reporter, reports per year 1996-2004 exactly as the seed counts them (13 ... 5,196)
 * plus 2022 to today, and incidents moved through the workflow into every state, some
 * past their SLA. Times are backdated by setting the context's clock (ctx->now) before
 * each call, which is the clock every handling function and the audit log use. All of
 * it is one transaction and a meta key marks it, so a second run changes nothing.
 *
 * Also the benchmark loader: n synthetic incidents in batches of one SQL statement each.
 */
#include <stdio.h>
#include <string.h>

#include "directory/directory_int.h"
#include "handling/handling_int.h"
#include "hikeshi/directory.h"
#include "hikeshi/webui.h"

struct year_count {
    int year;
    int n;
};

/* The seed's yearly report counts (domain digest), then recent years. */
static const struct year_count years[] = {
    {1996, 13},   {1997, 492},  {1998, 923},  {1999, 788},  {2000, 2226},
    {2001, 2853}, {2002, 1435}, {2003, 3457}, {2004, 5196}, {2022, 1200},
    {2023, 1350}, {2024, 1500}, {2025, 1650}, {2026, 1400},
};

struct demo_kind {
    const char *cls, *type, *what, *severity;
};

static const struct demo_kind kinds[] = {
    {"malicious-code", "infected-system", "Worm-infected host scanning 445/tcp", "high"},
    {"information-gathering", "scanner", "Port scan against the constituency", "low"},
    {"intrusion-attempts", "brute-force", "SSH brute-force attempts", "medium"},
    {"intrusions", "system-compromise", "Web server defaced", "high"},
    {"availability", "ddos", "DDoS against a member's web site", "critical"},
    {"fraud", "phishing", "Phishing site imitating a bank", "medium"},
    {"abusive-content", "spam", "Spam relayed through an open mail server", "low"},
    {"vulnerable", "ddos-amplifier", "Open DNS resolver usable for amplification", "low"},
    {"malicious-code", "c2-server", "Botnet command-and-control server", "critical"},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const sources[] = {"email", "email",  "email", "web",   "email",
                                      "phone", "sensor", "feed",  "email", "api"};
static const char *const teams[] = {"demo-univ-csirt", "demo-isp-csirt", "demo-gov-csirt"};
static const char *const reporters[] = {"abuse@isp-a.example", "soc@university.example",
                                        "noc@hosting.example", "user@home.example",
                                        "cert@partner.example"};

/* xorshift64*: a fixed sequence, so the demo set is the same on every machine. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static int64_t year_start(int y)
{
    char buf[32];
    int64_t t = 0;

    (void)snprintf(buf, sizeof(buf), "%04d-01-01T00:00:00Z", y);
    (void)hk_time_parse(buf, &t);
    return t;
}

static hk_err add_teams(struct hk_ctx *ctx)
{
    static const char *const full[] = {"Demo University CSIRT", "Demo ISP CSIRT",
                                       "Demo Government CSIRT"};
    static const char *const nets[] = {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"};
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "name", "demo-coord", "full_name",
                          "[DEMO] Coordination Center", "type", "coordinating", "email",
                          "cert@coord.example");
    json_t *o = NULL;
    hk_err err = hk_team_create(ctx, b, &o);

    json_decref(b);
    json_decref(o);
    for (size_t i = 0; !err && i < 3; i++) {
        char fn[64];
        (void)snprintf(fn, sizeof(fn), "[DEMO] %s", full[i]);
        b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "name", teams[i], "full_name", fn, "type",
                      "security-team", "parent", "demo-coord", "email",
                      i == 0   ? "csirt@university.example"
                      : i == 1 ? "abuse@isp-a.example"
                               : "csirt@gov.example",
                      "networks", nets[i]);
        o = NULL;
        err = hk_team_create(ctx, b, &o);
        json_decref(b);
        json_decref(o);
    }
    return err;
}

static hk_err act(struct hk_ctx *ctx, int64_t id, const char *action, int64_t at,
                  const char *resolution)
{
    json_t *b = resolution ? json_pack("{s:s}", "resolution", resolution) : json_object();
    json_t *o = NULL;
    hk_err err;

    ctx->now = at;
    err = hk_incident_transition(ctx, id, action, b, &o);
    json_decref(b);
    json_decref(o);
    return err;
}

/* Moves a fresh incident (opened at t0 for report rid) through the workflow by its age:
 * the report is triaged into it after a delay (the first response), then analysis,
 * mitigation and resolution. Recent ones stop somewhere along the way; a few of the
 * newest stay unanswered (the oldest of those are past their SLA). */
static hk_err work_incident(struct hk_ctx *ctx, int64_t id, int64_t rid, int64_t t0, int64_t now,
                            uint64_t *s)
{
    int64_t age = now - t0, t = t0;
    uint64_t r = rnd(s) % 100;
    json_t *b, *o = NULL;
    hk_err err;

    if (age < 2 * 86400 && r < 40)
        return HK_OK;
    if (age < 10 * 86400 && r < 10)
        return HK_OK;
    t += 300 + (int64_t)(rnd(s) % (r < 70 ? 3 * 3600 : 30 * 3600));
    if (t > now - 60)
        t = now - 60;
    ctx->now = t;
    b = json_pack("{s:I}", "incident_id", (json_int_t)id);
    err = hk_report_triage(ctx, rid, b, &o);
    json_decref(b);
    json_decref(o);
    o = NULL;
    if (err || (age < 20 * 86400 && r < 55))
        return err;
    if (r % 10 == 9 && age > 20 * 86400)
        return act(ctx, id, "abandon", t + 3600, "[DEMO] duplicate of an earlier case");
    t += 3600 + (int64_t)(rnd(s) % 86400);
    if ((err = act(ctx, id, "analyse", t, NULL)))
        return err;
    ctx->now = t + 600;
    b = json_pack("{s:s, s:s, s:s}", "party", reporters[rnd(s) % 5], "subject",
                  "[DEMO] Request for logs", "message",
                  "[DEMO] Please send the logs of the affected host for the time in question.");
    err = hk_investigation_create(ctx, id, b, &o);
    json_decref(b);
    json_decref(o);
    if (err)
        return err;
    if (age < 30 * 86400 && r < 75)
        return HK_OK;
    t += 3600 + (int64_t)(rnd(s) % (3 * 86400));
    if ((err = act(ctx, id, "mitigate", t, NULL)))
        return err;
    ctx->now = t + 300;
    b = json_pack("{s:s, s:s}", "kind", "block", "description",
                  "[DEMO] Block the source address at the border routers");
    o = NULL;
    err = hk_countermeasure_create(ctx, id, b, &o);
    json_decref(b);
    json_decref(o);
    if (!err) {
        b = json_pack("{s:s}", "title", "[DEMO] Confirm the host is cleaned");
        o = NULL;
        err = hk_task_create(ctx, id, b, &o);
        json_decref(b);
        json_decref(o);
    }
    if (err || (age < 40 * 86400 && r < 90))
        return err;
    t += 86400 + (int64_t)(rnd(s) % (20 * 86400));
    if (t > now - 3600)
        t = now - 3600;
    return act(ctx, id, "resolve", t, "[DEMO] Host cleaned and confirmed by the owner");
}

static hk_err add_reports(struct hk_ctx *ctx, int64_t now)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    char content[512], subject[160];
    hk_err err = HK_OK;

    for (size_t y = 0; !err && y < sizeof(years) / sizeof(years[0]); y++) {
        int64_t t0 = year_start(years[y].year), t1 = year_start(years[y].year + 1);
        if (t1 > now - 3600)
            t1 = now - 3600;
        if (t0 >= t1)
            continue;
        for (int i = 0; !err && i < years[y].n; i++) {
            const struct demo_kind *k = &kinds[rnd(&s) % NKINDS];
            int64_t at = t0 + (int64_t)((double)(t1 - t0) * ((double)i + 0.5) / years[y].n);
            unsigned ipn = (unsigned)(rnd(&s) % 3), host = 1 + (unsigned)(rnd(&s) % 254);
            const char *net = ipn == 0 ? "192.0.2" : ipn == 1 ? "198.51.100" : "203.0.113";
            bool recent = now - at < 400 * 86400;
            json_t *body, *rep = NULL;
            bool dup = false;
            char received[32];

            hk_time_fmt(at, received);
            (void)snprintf(subject, sizeof(subject), "[DEMO] %s", k->what);
            (void)snprintf(content, sizeof(content),
                           "[DEMO] %s (demo report %d-%05d).\nSource address: %s.%u\n"
                           "Observed at %s by our monitoring.\n",
                           k->what, years[y].year, i + 1, net, host, received);
            body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "content", content, "subject", subject,
                             "source", sources[rnd(&s) % 10], "reporter", reporters[rnd(&s) % 5],
                             "received_at", received);
            /* Old reports were classified at triage; recent ones partly still wait. */
            if (!recent || rnd(&s) % 3) {
                json_object_set_new(body, "rsit_class", json_string(k->cls));
                json_object_set_new(body, "rsit_type", json_string(k->type));
            }
            ctx->now = at;
            err = hk_report_submit(ctx, body, &rep, &dup);
            json_decref(body);
            if (!err && recent && !dup && json_is_null(json_object_get(rep, "incident_id")) &&
                rnd(&s) % 4 == 0) {
                int64_t rid = json_integer_value(json_object_get(rep, "id"));
                json_t *ib = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", subject, "severity",
                                       k->severity, "rsit_class", k->cls, "rsit_type", k->type,
                                       "team", teams[rnd(&s) % 3]),
                       *inc = NULL;
                ctx->now = at + 60;
                err = hk_incident_create(ctx, ib, &inc);
                json_decref(ib);
                if (!err)
                    err = work_incident(ctx, json_integer_value(json_object_get(inc, "id")), rid,
                                        at + 60, now, &s);
                json_decref(inc);
            } else if (!err && !dup && now - at > 30 * 86400 &&
                       !strcmp(hk_jstr(rep, "state"), "new")) {
                /* Handled long ago without an incident: closed, a few rejected. */
                int64_t rid = json_integer_value(json_object_get(rep, "id"));
                json_t *o = NULL;
                ctx->now = at + 3600 + (int64_t)(rnd(&s) % 86400);
                if (rnd(&s) % 20 == 0) {
                    err = hk_report_set_state(ctx, rid, "rejected", &o);
                } else {
                    err = hk_report_set_state(ctx, rid, "open", &o);
                    json_decref(o);
                    o = NULL;
                    if (!err)
                        err = hk_report_set_state(ctx, rid, "resolved", &o);
                }
                json_decref(o);
            }
            json_decref(rep);
        }
    }
    return err;
}

static void gen_password(char out[32])
{
    uint8_t raw[12];

    hk_random(raw, sizeof(raw));
    hk_hex(raw, sizeof(raw), out); /* 24 hex digits */
}

hk_err hk_demo_load(struct hk_store *st, const struct hk_config *cfg, char handler_pw[32],
                    char reporter_pw[32], bool *loaded, struct hk_errmsg *em)
{
    struct hk_principal root = {0, HK_ROLE_ADMIN, "local:demo", "", 0};
    struct hk_ctx ctx;
    json_t *m = NULL;
    int64_t now;
    hk_err err;

    *loaded = false;
    hk_ctx_init(&ctx, st, &root, cfg, em);
    now = ctx.now;
    if ((err = hk_ctx_begin(&ctx, true)))
        goto out;
    err = hk_store_row(st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text("demo_loaded")), &m);
    json_decref(m);
    if (!err) { /* already there */
        hk_ctx_rollback(&ctx);
        goto out;
    }
    if (err != HK_ENOTFOUND)
        goto fail;
    gen_password(handler_pw);
    gen_password(reporter_pw);
    if ((err = hk_user_add(&ctx, "handler", "handler", "demo-coord", handler_pw, NULL)) ||
        (err = hk_user_add(&ctx, "reporter", "reporter", "", reporter_pw, NULL)) ||
        (err = add_teams(&ctx)) || (err = add_reports(&ctx, now)))
        goto fail;
    ctx.now = now;
    {
        char v[32];
        hk_time_fmt(now, v);
        if ((err = hk_store_exec(st, HK_Q_META_SET,
                                 HK_SQL_ARGS(hk_sql_text("demo_loaded"), hk_sql_text(v)), NULL)))
            goto fail;
    }
    err = hk_audit(&ctx, "demo.load", "meta", 0, NULL, NULL);
    if (err)
        goto fail;
    err = hk_ctx_commit(&ctx);
    *loaded = !err;
    goto out;
fail:
    hk_ctx_rollback(&ctx);
out:
    hk_ctx_release(&ctx);
    return err;
}

hk_err hk_demo_bench_incidents(struct hk_store *st, const struct hk_config *cfg, int64_t n,
                               struct hk_errmsg *em)
{
    struct hk_principal root = {0, HK_ROLE_ADMIN, "local:bench", "", 0};
    struct hk_ctx ctx;
    hk_err err = HK_OK;

    for (int64_t done = 0; !err && done < n;) {
        int64_t batch = n - done < 100000 ? n - done : 100000, first = 0;
        json_t *a;
        hk_ctx_init(&ctx, st, &root, cfg, em);
        if (!(err = hk_ctx_begin(&ctx, true)))
            err = hk_store_scalar(st, HK_Q_REPORT_COUNT, NULL, 0, &first); /* warm-up */
        /* Created over the ten years before now, with an offset per batch so batches do
         * not pile onto the same seconds. */
        if (!err)
            err = hk_store_exec(st, HK_Q_DEMO_BENCH_INCIDENTS,
                                HK_SQL_ARGS(hk_sql_int(batch), hk_sql_int(ctx.now - done % 86400),
                                            hk_sql_int(10 * 365 * 86400)),
                                NULL);
        if (!err) {
            a = json_pack("{s:I, s:s}", "count", (json_int_t)batch, "note",
                          "synthetic [BENCH] incidents for benchmarks");
            err = hk_audit(&ctx, "bench.incidents", "incident", 0, NULL, a);
            json_decref(a);
        }
        if (!err)
            err = hk_ctx_commit(&ctx);
        else
            hk_ctx_rollback(&ctx);
        hk_ctx_release(&ctx);
        done += batch;
    }
    /* The planner's statistics, as after any bulk load (bench/api.sh does the same). */
    if (!err)
        err = hk_store_exec(st, HK_Q_DEMO_ANALYZE, NULL, 0, NULL);
    return err;
}
