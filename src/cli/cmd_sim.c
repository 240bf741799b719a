/* SPDX-License-Identifier: MIT */
/*
 * hikeshi simulate: runs a scenario and writes its outputs (curve.csv, curve.svg,
 * summary.json, ground-truth.json and one sensor-NAME.pcap per sensor) into --out DIR.
 * hikeshi exercise lives in cmd_exercise.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "hikeshi/core.h"
#include "hikeshi/sim.h"

static void print_time(const char *label, double s)
{
    if (s < 0)
        printf("  %-22s not reached\n", label);
    else if (s >= 3600)
        printf("  %-22s %.2f h (%.0f s)\n", label, s / 3600, s);
    else if (s >= 120)
        printf("  %-22s %.1f min (%.0f s)\n", label, s / 60, s);
    else
        printf("  %-22s %.1f s\n", label, s);
}

static int write_file(const char *dir, const char *name, const struct hk_sim_scenario *sc,
                      const struct hk_sim_result *res, int what, const char *text)
{
    char path[4096];
    FILE *f;
    hk_err err = HK_OK;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(f = fopen(path, "w")))
        return cli_fail(HK_EIO, "cannot write %s: %s", path, strerror(errno));
    if (what == 0)
        err = hk_sim_write_curve_csv(res, f);
    else if (what == 1)
        err = hk_sim_write_curve_svg(sc, res, f);
    else if (fputs(text, f) < 0 || fputc('\n', f) < 0)
        err = HK_EIO;
    if (fclose(f) || err)
        return cli_fail(HK_EIO, "cannot write %s", path);
    return 0;
}

/* mkdir -p: creates dir and its missing parents. */
static int mkdir_p(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);

    if (n >= sizeof(path))
        return -1;
    memcpy(path, dir, n + 1);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

int cmd_simulate(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_sim_scenario sc;
    struct hk_sim_options opt = {0};
    struct hk_sim_result res;
    struct hk_errmsg em = {{0}};
    const char *out = arg_get(a, "out"), *seed = arg_get(a, "seed");
    const char *maxp = arg_get(a, "max-packets");
    char *summary;
    hk_err err;
    int rc = 0;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "out") && strcmp(a->kv[i].k, "seed") && strcmp(a->kv[i].k, "list") &&
            strcmp(a->kv[i].k, "no-pcap") && strcmp(a->kv[i].k, "max-packets"))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi simulate --help'",
                            a->kv[i].k);
    if (arg_has(a, "list")) {
        for (const struct hk_embedded *e = hk_sim_scenarios; e->name; e++) {
            if ((err = hk_sim_scenario_parse(e->text, &sc, &em)))
                return cli_fail(err, "shipped scenario %s: %s", e->name, em.text);
            printf("%-22s %s\n", e->name, sc.description);
        }
        return 0;
    }
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi simulate SCENARIO [--out DIR] [--seed N]");
    if ((err = hk_sim_scenario_load(a->pos[0], &sc, &em)))
        return cli_fail(err, "%s", em.text);
    if (seed && (hk_parse_u64(seed, &opt.seed) || opt.seed == 0))
        return cli_fail(HK_EINVAL, "--seed must be a positive integer");
    if (maxp && (hk_parse_u64(maxp, &opt.max_packets) || opt.max_packets == 0))
        return cli_fail(HK_EINVAL, "--max-packets must be a positive integer");
    opt.pcap = !arg_has(a, "no-pcap");
    if (out) {
        if (mkdir_p(out))
            return cli_fail(HK_EIO, "cannot create %s: %s", out, strerror(errno));
        opt.out_dir = out;
    }
    if ((err = hk_sim_run(&sc, &opt, &res, &em)))
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    if (!(summary = hk_sim_summary_json(&sc, &res))) {
        hk_sim_result_free(&res);
        return cli_fail(HK_ENOMEM, "cannot format the summary");
    }
    if (out && ((rc = write_file(out, "curve.csv", &sc, &res, 0, NULL)) ||
                (rc = write_file(out, "curve.svg", &sc, &res, 1, NULL)) ||
                (rc = write_file(out, "summary.json", &sc, &res, 2, summary))))
        goto done;
    if (c->json) {
        printf("%s\n", summary);
        goto done;
    }
    printf("%s: %s\n", sc.name, sc.description);
    printf("  %-22s %u of %u vulnerable hosts (%s scanning, %u/%s)\n", "infected",
           res.ncurve ? res.curve[res.ncurve - 1].infected : 0, res.vulnerable,
           hk_sim_strategy_name(sc.strategy), sc.port, sc.proto == 6 ? "tcp" : "udp");
    print_time("50% infected", res.t50);
    print_time("90% infected", res.t90);
    print_time("100% infected", res.t100);
    print_time("doubling time (early)", res.doubling);
    printf("  %-22s %.3g probes/s at %.0f s\n", "peak probe rate", res.peak_pps, res.peak_pps_t);
    printf("  %-22s %.0f per minute\n", "peak new infections", res.peak_new_per_min);
    printf("  %-22s %.4g\n", "probes sent", res.probes);
    for (int si = 0; si < sc.nsensors; si++)
        printf("  sensor %-15s %llu packets%s\n", sc.sensors[si].name,
               (unsigned long long)res.sensor_packets[si],
               out && opt.pcap ? " (sensor-*.pcap)" : "");
    printf("  %-22s %.3f s engine, %.3f s writing captures\n", "wall clock", res.sim_seconds,
           res.write_seconds);
    if (out)
        printf("  outputs in %s: curve.csv curve.svg summary.json ground-truth.json%s\n", out,
               sc.nsensors && opt.pcap ? " sensor-*.pcap" : "");
done:
    free(summary);
    hk_sim_result_free(&res);
    return rc;
}
