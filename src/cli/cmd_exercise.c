/* SPDX-License-Identifier: MIT */
/*
 * hikeshi exercise: plays a simulated outbreak against a hikeshi server in accelerated
 * time, then scores the team from the server's own records.
 *
 * The scenario is simulated first (hk_sim_run, no files); its infection timeline becomes a
 * script of what a CSIRT would receive: sensor alerts (worm-like scanners as they start, a
 * port surge as their number grows) through /api/v1/observations, users' reports ("my files
 * are encrypted", the ransom note) a few minutes after their machine falls, and the ISP's
 * abuse notification once the outbreak is visible from outside. Every text says it is an
 * exercise. The ids of the reports created go to a state file, so the score can be taken
 * again later (--score FILE) after the team has worked on them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "hikeshi/core.h"
#include "hikeshi/sim.h"
#include "sim/sim_int.h"

#define MAX_EVENTS 4096

enum ev_kind { EX_ALERT_SOURCE, EX_ALERT_SURGE, EX_USER, EX_ISP };

struct ex_event {
    double t; /* outbreak seconds */
    enum ev_kind kind;
    uint32_t src; /* source index */
    uint32_t n;   /* surge: scanning hosts so far */
};

static const char *const ransom_wallets[] = {"13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
                                             "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw",
                                             "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn"};

static void ip_str(uint32_t a, char out[16])
{
    (void)snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

static int cmp_ev(const void *a, const void *b)
{
    const struct ex_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

static void fmt_dur(char *b, size_t n, double s)
{
    if (s < 0)
        (void)snprintf(b, n, "-");
    else if (s >= 3600)
        (void)snprintf(b, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
    else if (s >= 60)
        (void)snprintf(b, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        (void)snprintf(b, n, "%.0fs", s);
}

/* Builds the script: what arrives, when, in outbreak seconds. */
static size_t script(const struct hk_sim_scenario *sc, const struct hk_sim_result *res,
                     uint64_t seed, struct ex_event *ev)
{
    struct hk_rng rng;
    size_t n = 0;
    uint32_t thresholds[] = {3, 10, 30, 100, 300, 1000};
    size_t th = 0;
    bool isp = false;

    hk_rng_seed(&rng, seed ^ 0x65786572u);
    for (size_t i = 0; i < res->nsources && n + 4 < MAX_EVENTS; i++) {
        double active = res->sources[i].infected_at + sc->startup;
        if (active >= sc->duration)
            continue;
        /* The sensor flags a worm-like scanner a few seconds after its first probes. */
        if (i < 20)
            ev[n++] = (struct ex_event){active + 5 + 10 * hk_rng_unit(&rng), EX_ALERT_SOURCE,
                                        (uint32_t)i, 0};
        /* The port surges as the number of scanners crosses each threshold. */
        if (th < sizeof(thresholds) / sizeof(thresholds[0]) && i + 1 == thresholds[th])
            ev[n++] = (struct ex_event){active + 60, EX_ALERT_SURGE, (uint32_t)i, thresholds[th++]};
        /* Users notice the ransom note: the first always, then about one in three. */
        if (i == 0 || hk_rng_unit(&rng) < 0.33)
            ev[n++] = (struct ex_event){res->sources[i].infected_at + sc->startup + 120 +
                                            360 * hk_rng_unit(&rng),
                                        EX_USER, (uint32_t)i, 0};
        /* The ISP's abuse desk writes once twenty hosts scan outward. */
        if (!isp && i + 1 == (res->nsources < 20 ? res->nsources : 20)) {
            ev[n++] = (struct ex_event){active + 900, EX_ISP, (uint32_t)i, (uint32_t)(i + 1)};
            isp = true;
        }
    }
    qsort(ev, n, sizeof(*ev), cmp_ev);
    return n;
}

static json_t *alert_item(const char *run, const struct hk_sim_scenario *sc,
                          const struct hk_sim_result *res, const struct ex_event *e, int64_t now)
{
    char ts[32], id[160], src[16];
    json_t *it, *srcs = json_array();

    hk_time_fmt(now, ts);
    if (e->kind == EX_ALERT_SOURCE) {
        ip_str(res->sources[e->src].addr, src);
        (void)snprintf(id, sizeof(id), "%s-worm-%s", run, src);
        json_array_append_new(srcs, json_string(src));
        it = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:o, s:s, s:s, s:s, s:i, s:f, s:[i]}",
                       "id", id, "type", "alert", "time", ts, "alert", "worm-source", "port",
                       sc->port, "proto", sc->proto == 6 ? "tcp" : "udp", "magnitude", 1.0,
                       "sources", srcs, "src", src, "strategy", hk_sim_strategy_name(sc->strategy),
                       "kind", "scan", "probes", 250, "confidence", 0.9, "ports", sc->port);
    } else {
        (void)snprintf(id, sizeof(id), "%s-surge-%u", run, e->n);
        for (uint32_t i = 0; i <= e->src && i < 20; i++) {
            ip_str(res->sources[e->src - i].addr, src);
            json_array_append_new(srcs, json_string(src));
        }
        it = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:o}", "id", id, "type", "alert",
                       "time", ts, "alert", "port-surge", "port", sc->port, "proto",
                       sc->proto == 6 ? "tcp" : "udp", "magnitude", (double)e->n, "sources", srcs);
    }
    return it;
}

static json_t *report_body(const char *run, const struct hk_sim_scenario *sc,
                           const struct hk_sim_result *res, const struct ex_event *e, uint64_t k)
{
    char subject[256], reporter[128], src[16];
    struct hk_buf b = HK_BUF_INIT(16384);
    json_t *body;

    ip_str(res->sources[e->src].addr, src);
    (void)hk_buf_appendf(&b,
                         "EXERCISE - this is a training exercise (hikeshi exercise %s, run %s). "
                         "Nothing here is real.\n\n",
                         sc->name, run);
    if (e->kind == EX_USER) {
        (void)snprintf(subject, sizeof(subject), "[EXERCISE] My files are encrypted - PC %s", src);
        (void)snprintf(reporter, sizeof(reporter), "user%u@corp.example", e->src + 1);
        (void)hk_buf_appendf(
            &b,
            "Hello helpdesk,\n\nmy PC (%s) shows a red window: \"Ooops, your important files "
            "are encrypted.\" It asks for $300 worth of bitcoin sent to %s within 3 days. My "
            "documents now end in .WNCRY and will not open. Colleagues nearby see the same.\n",
            src, ransom_wallets[k % 3]);
        body = json_pack("{s:s, s:s, s:s, s:s}", "source", "email", "reporter", reporter, "subject",
                         subject, "content", hk_buf_str(&b));
    } else {
        (void)snprintf(subject, sizeof(subject),
                       "[EXERCISE] Abuse notification: %u hosts scanning %u/%s from your network",
                       e->n, sc->port, sc->proto == 6 ? "tcp" : "udp");
        (void)hk_buf_appendf(&b,
                             "Dear abuse contact,\n\nour network sensors see hosts in your "
                             "address space scanning port %u/%s across the Internet at a worm's "
                             "pace since the last hour. Affected sources:\n",
                             sc->port, sc->proto == 6 ? "tcp" : "udp");
        for (uint32_t i = 0; i < e->n && i < res->nsources; i++) {
            ip_str(res->sources[i].addr, src);
            (void)hk_buf_appendf(&b, "  %s\n", src);
        }
        (void)hk_buf_appends(&b, "\nPlease investigate and stop this activity.\n-- ISP abuse "
                                 "desk (AS64500)\n");
        body = json_pack("{s:s, s:s, s:s, s:s}", "source", "email", "reporter", "abuse@isp.example",
                         "subject", subject, "content", hk_buf_str(&b));
    }
    hk_buf_release(&b);
    return body;
}

/* A string member, or def when absent. */
static const char *jstr(json_t *o, const char *k, const char *def)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : def;
}

/* Reads an ISO time member; -1 when absent. */
static int64_t jtime(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    int64_t t;

    if (!json_is_string(v) || hk_time_parse(json_string_value(v), &t))
        return -1;
    return t;
}

static void earliest(int64_t *best, int64_t t)
{
    if (t >= 0 && (*best < 0 || t < *best))
        *best = t;
}

/* The scorecard, from the server's records of the reports the run created. */
static int score(struct cli *c, json_t *state)
{
    json_t *ids = json_object_get(state, "reports"), *v, *seen = json_object();
    double speed = json_real_value(json_object_get(state, "speed"));
    int64_t first = -1, triage = -1, cm = -1, inv = -1;
    size_t i, untriaged = 0, total = 0, incidents = 0;
    int rc = 0;
    char a[32], b[32];

    json_array_foreach(ids, i, v)
    {
        char path[64];
        json_t *r = NULL, *inc = NULL;
        (void)snprintf(path, sizeof(path), "/api/v1/reports/%lld",
                       (long long)json_integer_value(v));
        if ((rc = cli_call(c, "GET", path, NULL, NULL, &r)))
            break;
        total++;
        earliest(&first, jtime(r, "received_at"));
        if (!strcmp(jstr(r, "state", ""), "new"))
            untriaged++;
        if (json_is_integer(json_object_get(r, "incident_id"))) {
            char key[32];
            json_int_t id = json_integer_value(json_object_get(r, "incident_id"));
            (void)snprintf(key, sizeof(key), "%lld", (long long)id);
            if (!json_object_get(seen, key)) {
                json_t *x;
                size_t j;
                json_object_set_new(seen, key, json_true());
                incidents++;
                (void)snprintf(path, sizeof(path), "/api/v1/incidents/%lld", (long long)id);
                if ((rc = cli_call(c, "GET", path, NULL, NULL, &inc))) {
                    json_decref(r);
                    break;
                }
                earliest(&triage, jtime(inc, "first_response_at"));
                earliest(&triage, jtime(inc, "triage_at"));
                json_array_foreach(json_object_get(inc, "countermeasures"), j, x)
                    earliest(&cm, jtime(x, "created_at"));
                json_array_foreach(json_object_get(inc, "investigations"), j, x)
                    earliest(&inv, jtime(x, "created_at"));
                json_decref(inc);
            }
        }
        json_decref(r);
    }
    json_decref(seen);
    if (rc)
        return rc;
    if (speed <= 0)
        speed = 1;
    if (c->json) {
        json_t *o = json_pack(
            "{s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:f}", "run", jstr(state, "run", ""), "reports",
            (json_int_t)total, "untriaged", (json_int_t)untriaged, "incidents",
            (json_int_t)incidents, "first_triage_s",
            triage >= 0 && first >= 0 ? json_integer(triage - first) : json_null(),
            "first_countermeasure_s",
            cm >= 0 && first >= 0 ? json_integer(cm - first) : json_null(), "first_notification_s",
            inv >= 0 && first >= 0 ? json_integer(inv - first) : json_null(), "speed", speed);
        char *t = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", t);
        free(t);
        json_decref(o);
        return 0;
    }
    printf("\nScorecard: exercise %s, run %s (times after the first report; real time, then "
           "outbreak time at x%g)\n",
           jstr(state, "scenario", "?"), jstr(state, "run", "?"), speed);
    printf("  reports received         %zu, in %zu incident(s)\n", total, incidents);
    {
        const char *labels[] = {"first triage", "first countermeasure",
                                "responsible teams notified"};
        int64_t ts[] = {triage, cm, inv};
        for (int k = 0; k < 3; k++) {
            if (ts[k] < 0 || first < 0) {
                printf("  %-26s not yet\n", labels[k]);
                continue;
            }
            fmt_dur(a, sizeof(a), (double)(ts[k] - first));
            fmt_dur(b, sizeof(b), (double)(ts[k] - first) * speed);
            printf("  %-26s %s (outbreak time %s)\n", labels[k], a, b);
        }
    }
    printf("  reports left untriaged   %zu of %zu\n", untriaged, total);
    return 0;
}

static int sleep_until(uint64_t deadline_ns)
{
    uint64_t now = hk_mono_ns();
    struct timespec ts;

    if (now >= deadline_ns)
        return 0;
    ts.tv_sec = (time_t)((deadline_ns - now) / 1000000000u);
    ts.tv_nsec = (long)((deadline_ns - now) % 1000000000u);
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
    return 0;
}

static int play(struct cli *c, const char *name, double speed, uint64_t seed,
                const char *state_path)
{
    struct hk_sim_scenario sc;
    struct hk_sim_options opt = {0};
    struct hk_sim_result res;
    struct hk_errmsg em = {{0}};
    struct ex_event *ev = NULL;
    json_t *state = NULL, *ids = json_array();
    char run[64];
    size_t n, sent_alerts = 0, sent_reports = 0;
    uint64_t t0;
    hk_err err;
    int rc = 0;

    if ((err = hk_sim_scenario_load(name, &sc, &em)))
        return cli_fail(err, "%s", em.text);
    opt.seed = seed;
    if ((err = hk_sim_run(&sc, &opt, &res, &em)))
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    if (!(ev = calloc(MAX_EVENTS, sizeof(*ev)))) {
        hk_sim_result_free(&res);
        return cli_fail(HK_ENOMEM, "out of memory");
    }
    {
        uint8_t rnd[4];
        char day[32];
        hk_random(rnd, sizeof(rnd));
        hk_time_fmt(hk_now(), day);
        (void)snprintf(run, sizeof(run), "ex-%.10s-%02x%02x%02x%02x", day, rnd[0], rnd[1], rnd[2],
                       rnd[3]);
    }
    n = script(&sc, &res, seed ? seed : sc.seed, ev);
    printf("Exercise %s (run %s): %zu events over %.0f min of outbreak, played at x%g%s\n", sc.name,
           run, n, n ? ev[n - 1].t / 60 : 0.0, speed, speed > 0 ? "" : " (no waiting)");
    printf("Everything sent is marked EXERCISE. Handle it in hikeshi as you would a real "
           "outbreak.\n\n");
    (void)fflush(stdout);
    t0 = hk_mono_ns();
    for (size_t i = 0; i < n && !rc; i++) {
        const struct ex_event *e = &ev[i];
        json_t *out = NULL, *body;
        char when[32];
        if (speed > 0)
            sleep_until(t0 + (uint64_t)(e->t / speed * 1e9));
        fmt_dur(when, sizeof(when), e->t);
        if (e->kind == EX_ALERT_SOURCE || e->kind == EX_ALERT_SURGE) {
            char sname[64];
            (void)snprintf(sname, sizeof(sname), "exercise-sensor-%.40s", sc.name);
            body = json_pack("{s:s, s:[o]}", "sensor", sname, "items",
                             alert_item(run, &sc, &res, e, hk_now()));
            rc = cli_call(c, "POST", "/api/v1/observations", NULL, body, &out);
            if (!rc) {
                size_t j;
                json_t *x;
                json_array_foreach(json_object_get(out, "reports"), j, x) json_array_append(ids, x);
                sent_alerts++;
                if (!c->json)
                    printf("  +%-7s sensor alert: %s\n", when,
                           e->kind == EX_ALERT_SOURCE ? "worm-like scanner" : "port surge");
            }
        } else {
            body = report_body(run, &sc, &res, e, i);
            rc = cli_call(c, "POST", "/api/v1/reports", NULL, body, &out);
            if (!rc) {
                json_array_append(ids, json_object_get(out, "id"));
                sent_reports++;
                if (!c->json)
                    printf("  +%-7s report: %s\n", when,
                           json_string_value(json_object_get(body, "subject")));
            }
        }
        json_decref(body);
        json_decref(out);
        (void)fflush(stdout);
    }
    state = json_pack("{s:s, s:s, s:f, s:O}", "run", run, "scenario", sc.name, "speed",
                      speed > 0 ? speed : 1.0, "reports", ids);
    if (state_path) {
        if (json_dump_file(state, state_path, JSON_INDENT(2)))
            rc = rc ? rc : cli_fail(HK_EIO, "cannot write %s", state_path);
        else if (!c->json)
            printf("\nState saved to %s: score again later with 'hikeshi exercise --score %s'\n",
                   state_path, state_path);
    }
    if (!rc && !c->json)
        printf("\nSent %zu sensor alerts and %zu reports.\n", sent_alerts, sent_reports);
    if (!rc)
        rc = score(c, state);
    json_decref(state);
    json_decref(ids);
    free(ev);
    hk_sim_result_free(&res);
    return rc;
}

int cmd_exercise(struct cli *c, const struct cmd *cmd, struct args *a)
{
    const char *speed_s = arg_get(a, "speed"), *seed_s = arg_get(a, "seed");
    const char *scorefile = arg_get(a, "score"), *state_path = arg_get(a, "state");
    double speed = 60;
    uint64_t seed = 0;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "speed") && strcmp(a->kv[i].k, "seed") &&
            strcmp(a->kv[i].k, "score") && strcmp(a->kv[i].k, "state"))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi exercise --help'",
                            a->kv[i].k);
    if (scorefile) {
        json_error_t je;
        json_t *st = json_load_file(scorefile, 0, &je);
        int rc;
        if (!st || !json_is_array(json_object_get(st, "reports")))
            return cli_fail(HK_EPARSE, "%s: not an exercise state file (%s)", scorefile, je.text);
        rc = score(c, st);
        json_decref(st);
        return rc;
    }
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi exercise SCENARIO [--speed 60] [--seed N] "
                                   "[--state FILE] | --score FILE");
    if (speed_s) {
        char *end;
        errno = 0;
        speed = strtod(speed_s, &end);
        if (errno || *end || end == speed_s || !(speed >= 0) || speed > 1e6)
            return cli_fail(HK_EINVAL, "--speed must be 0 (no waiting) to 1000000");
    }
    if (seed_s && (hk_parse_u64(seed_s, &seed) || !seed))
        return cli_fail(HK_EINVAL, "--seed must be a positive integer");
    return play(c, a->pos[0], speed, seed, state_path ? state_path : "hikeshi-exercise.json");
}
