/* SPDX-License-Identifier: MIT */
/*
 * hikeshi stats and hikeshi demo. `stats` asks GET /api/v1/stats/series (or /summary)
 * locally or on a server and prints a table, CSV (--csv) or the SVG chart (--svg FILE),
 * rendered by the same function the server uses for /api/v1/stats/chart.svg, so the file
 * is byte-identical to the API's chart for the same data. `demo` loads the demo data set
 * (idempotent) or, with --bench-incidents N, N synthetic incidents for benchmarks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/webui.h"

static const char *const stats_opts[] = {"object", "by",   "group", "from",  "to",      "svg",
                                         "csv",    "type", "lang",  "title", "summary", NULL};

static void print_table(json_t *s)
{
    json_t *b = json_object_get(s, "buckets"), *ss = json_object_get(s, "series");
    size_t ns = json_array_size(ss);

    printf("%-12s", "bucket");
    for (size_t k = 0; k < ns; k++)
        printf(" %14.14s", json_string_value(json_object_get(json_array_get(ss, k), "name")));
    printf("\n");
    for (size_t i = 0; i < json_array_size(b); i++) {
        printf("%-12s", json_string_value(json_array_get(b, i)));
        for (size_t k = 0; k < ns; k++)
            printf(" %14lld", (long long)json_integer_value(json_array_get(
                                  json_object_get(json_array_get(ss, k), "values"), i)));
        printf("\n");
    }
}

static void print_summary(json_t *s)
{
    static const char *const durs[] = {"time_to_first_response", "time_to_resolution"};
    json_t *sla = json_object_get(s, "sla");

    printf("reports    %lld\nincidents  %lld\n",
           (long long)json_integer_value(json_object_get(s, "reports")),
           (long long)json_integer_value(json_object_get(s, "incidents")));
    for (int d = 0; d < 2; d++) {
        json_t *o = json_object_get(s, durs[d]);
        printf("%-24s n=%lld  mean=%.1f h  median=%.1f h\n", durs[d],
               (long long)json_integer_value(json_object_get(o, "n")),
               json_number_value(json_object_get(o, "mean_s")) / 3600.0,
               json_number_value(json_object_get(o, "median_s")) / 3600.0);
    }
    printf("SLA first response       met=%lld  breached=%lld  compliance=%.1f %%\n",
           (long long)json_integer_value(json_object_get(sla, "met")),
           (long long)json_integer_value(json_object_get(sla, "breached")),
           100.0 * json_number_value(json_object_get(sla, "compliance")));
}

int cmd_stats(struct cli *c, const struct cmd *cmd, struct args *a)
{
    json_t *q = json_object(), *out = NULL;
    const char *svg = arg_get(a, "svg");
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_errmsg em = {{0}};
    int rc = 0;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++) {
        bool ok = false;
        for (int k = 0; stats_opts[k] && !ok; k++)
            ok = !strcmp(stats_opts[k], a->kv[i].k);
        if (!ok) {
            rc = cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi stats --help'",
                          a->kv[i].k);
            goto done;
        }
    }
    if (arg_has(a, "summary")) {
        if (arg_get(a, "from"))
            json_object_set_new(q, "from", json_string(arg_get(a, "from")));
        if (arg_get(a, "to"))
            json_object_set_new(q, "to", json_string(arg_get(a, "to")));
        if ((rc = cli_call(c, "GET", "/api/v1/stats/summary", q, NULL, &out)))
            goto done;
        if (arg_has(a, "csv")) {
            hk_stats_summary_csv(out, &b);
            (void)fwrite(b.buf, 1, b.len, stdout);
        } else if (c->json) {
            cli_print(c, out);
        } else {
            print_summary(out);
        }
        goto done;
    }
    for (int k = 0; k < 5; k++)
        if (arg_get(a, stats_opts[k]))
            json_object_set_new(q, stats_opts[k], json_string(arg_get(a, stats_opts[k])));
    if ((rc = cli_call(c, "GET", "/api/v1/stats/series", q, NULL, &out)))
        goto done;
    if (svg) {
        struct hk_chart_opts o = {arg_get(a, "type"), arg_get(a, "lang"), arg_get(a, "title")};
        FILE *f;
        hk_err err = hk_stats_svg(out, &o, &b, &em);
        if (err) {
            rc = cli_fail(err, "%s", em.text);
            goto done;
        }
        f = !strcmp(svg, "-") ? stdout : fopen(svg, "wb");
        if (!f || fwrite(b.buf, 1, b.len, f) != b.len || (f != stdout && fclose(f))) {
            rc = cli_fail(HK_EIO, "cannot write '%s'", svg);
            goto done;
        }
    } else if (arg_has(a, "csv")) {
        hk_stats_series_csv(out, &b);
        (void)fwrite(b.buf, 1, b.len, stdout);
    } else if (c->json) {
        cli_print(c, out);
    } else {
        print_table(out);
    }
done:
    hk_buf_release(&b);
    json_decref(q);
    json_decref(out);
    return rc;
}

int cmd_demo(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    char hpw[32] = "", rpw[32] = "";
    const char *bench = arg_get(a, "bench-incidents");
    bool loaded = false;
    int rc;
    hk_err err;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "bench-incidents"))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi demo --help'",
                            a->kv[i].k);
    if (c->server)
        return cli_fail(HK_EINVAL, "demo works on a local data directory (--data DIR)");
    c->may_create = true;
    if ((rc = cli_store(c, &st)))
        return rc;
    {
        /* A fresh directory gets its admin first (as `serve` would): with the demo users
         * in place, a later first `serve` would not create it. */
        char secret[80], pw[32];
        bool created = false;
        if ((err = hk_bootstrap_pw(st, secret, pw, &created)))
            return cli_fail(err, "cannot initialise '%s': %s", c->data, hk_strerror(err));
        if (created) {
            printf("hikeshi: initialised data directory '%s'\n", c->data);
            printf("hikeshi: created user 'admin'; its API token (shown only this once):\n\n");
            printf("    %s\n\n", secret);
            printf("hikeshi: web UI sign-in (shown only this once):\n");
            printf("    admin user: admin\n    admin password: %s\n", pw);
        }
    }
    if (bench) {
        int64_t n;
        uint64_t t0 = hk_mono_ns();
        if (hk_parse_i64(bench, &n) || n < 1 || n > 100000000)
            return cli_fail(HK_EINVAL, "--bench-incidents must be 1 to 100000000");
        if ((err = hk_demo_bench_incidents(st, &c->cfg, n, &em)))
            return cli_fail(err, "bench incidents: %s", em.text[0] ? em.text : hk_strerror(err));
        printf("hikeshi: inserted %lld [BENCH] incidents in %.1f s\n", (long long)n,
               (double)(hk_mono_ns() - t0) / 1e9);
        return 0;
    }
    if ((err = hk_demo_load(st, &c->cfg, hpw, rpw, &loaded, &em)))
        return cli_fail(err, "demo: %s", em.text[0] ? em.text : hk_strerror(err));
    if (!loaded) {
        printf("hikeshi: the demo data set is already loaded in '%s'; nothing changed\n", c->data);
        return 0;
    }
    printf("hikeshi: loaded the [DEMO] data set into '%s'\n", c->data);
    printf("hikeshi: demo users (passwords shown only this once):\n");
    printf("    handler  password: %s   (role handler, team demo-coord)\n", hpw);
    printf("    reporter password: %s   (role reporter)\n", rpw);
    return 0;
}
