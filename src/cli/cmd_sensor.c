/* SPDX-License-Identifier: MIT */
/*
 * hikeshi sensor: the observation sensor's command line. Reads capture files (in the order
 * of their first packet) or a live interface, runs the analysis of src/sensor/, writes JSON
 * lines, a summary and SVG plots, and pushes alerts and interval summaries to a server.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "hikeshi/core.h"
#include "hikeshi/sensor.h"

#define BATCH 256

extern const char hk_cli_sensor_help[];
const char hk_cli_sensor_help[] =
    "    Reads capture files (pcap in microseconds or nanoseconds, pcapng, gzip-compressed;\n"
    "    several files are read in the order of their first packet) or a live interface, and\n"
    "    profiles every source: kind (scan, port-scan, backscatter, flood, misc), scan strategy\n"
    "    (sequential, random, local-preference, hybrid, slow-sequential, targeted), confidence,\n"
    "    time to sweep a /24 and scanning tool. Counts packets, sources and destinations per\n"
    "    port per minute and hour and raises early-warning alerts. See docs/internals/sensor.md.\n"
    "\n"
    "    --interface IF [--filter BPF] [--snaplen N] [--duration S]   live capture\n"
    "    --monitor PREFIX            the watched space (repeatable or comma-separated)\n"
    "    --lan | --darknet           LAN tap (threshold random walk on replies) or darknet\n"
    "    --out FILE                  JSON lines: profiles, port intervals, alerts ('-': stdout)\n"
    "    --svg-dir DIR [--plot-src IP]...   ports.svg, scan-pattern.svg, cumulative.svg\n"
    "    --max-sources N             source table cap, 64 bytes each (default 1048576)\n"
    "    --max-samples N             strategy samples (default 65536)\n"
    "    --min-probes N              write profiles with at least N probes (default 3)\n"
    "    --alert-lambda L --alert-sigma K --alert-floor F --warmup MINUTES\n"
    "                                early warning (defaults 0.25, 3, 10, 10)\n"
    "    --worm-strategies LIST      strategies raising worm-source alerts (default\n"
    "                                local-preference,hybrid,slow-sequential; 'none')\n"
    "    --trw-timeout MS            LAN: an unanswered first contact fails after MS (3000)\n"
    "    --push URL --token T [--spool DIR] [--sensor-name NAME] [--push-intervals 3600|60|none]\n"
    "                                send alerts and interval summaries to a hikeshi server;\n"
    "                                unsent items wait in the spool for the next run\n"
    "    --progress | --no-progress | --quiet\n";

struct input {
    const char *path;
    int64_t first_ns;
    uint64_t size;
};

struct run {
    struct cli *c;
    struct args *a;
    struct hk_sensor_opts o;
    const char *iface, *filter, *out_path, *svg_dir;
    int snaplen;
    int64_t duration_s;
    struct input *in;
    int nin;
    bool progress, quiet;
    struct hk_push *push;
    uint32_t push_iv;
    uint64_t frames, bytes;
};

static volatile sig_atomic_t g_stop;
static struct hk_pcap *g_live;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    hk_pcap_breakloop(g_live);
}

static int bad_opt(const char *k, const char *v)
{
    return cli_fail(HK_EINVAL, "bad value '%s' for --%s", v ? v : "", k);
}

static int opt_u32(const struct args *a, const char *k, uint32_t lo, uint32_t hi, uint32_t *out)
{
    const char *v = arg_get(a, k);
    int64_t n;

    if (!v)
        return arg_has(a, k) ? bad_opt(k, v) : 0;
    if (hk_parse_i64(v, &n) != HK_OK || n < lo || n > hi)
        return bad_opt(k, v);
    *out = (uint32_t)n;
    return 0;
}

static int opt_double(const struct args *a, const char *k, double lo, double hi, double *out)
{
    const char *v = arg_get(a, k);
    char *end;
    double d;

    if (!v)
        return arg_has(a, k) ? bad_opt(k, v) : 0;
    errno = 0;
    d = strtod(v, &end);
    if (errno || *end || end == v || d < lo || d > hi)
        return bad_opt(k, v);
    *out = d;
    return 0;
}

/* Every value of a repeatable option, split on commas, passed to fn. */
static int each_value(const struct args *a, const char *k, int (*fn)(struct run *, const char *),
                      struct run *r)
{
    for (int i = 0; i < a->nkv; i++) {
        char buf[512];
        char *save = NULL, *tok;
        if (strcmp(a->kv[i].k, k))
            continue;
        if (!a->kv[i].v || strlen(a->kv[i].v) >= sizeof(buf))
            return bad_opt(k, a->kv[i].v);
        (void)snprintf(buf, sizeof(buf), "%s", a->kv[i].v);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int rc = fn(r, tok);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int add_monitor(struct run *r, const char *s)
{
    struct hk_errmsg em;

    if (r->o.nmonitor >= HK_SENSOR_MAX_MONITOR)
        return cli_fail(HK_EINVAL, "at most %d --monitor prefixes", HK_SENSOR_MAX_MONITOR);
    if (hk_sensor_prefix_parse(s, &r->o.monitor[r->o.nmonitor], &em) != HK_OK)
        return cli_fail(HK_EINVAL, "%s", em.text);
    r->o.nmonitor++;
    return 0;
}

static int add_plot(struct run *r, const char *s)
{
    if (r->o.nplot >= HK_SENSOR_MAX_PLOT)
        return cli_fail(HK_EINVAL, "at most %d --plot-src sources", HK_SENSOR_MAX_PLOT);
    if (hk_addr_parse(s, &r->o.plot[r->o.nplot]) != HK_OK)
        return bad_opt("plot-src", s);
    r->o.nplot++;
    return 0;
}

static int add_worm(struct run *r, const char *s)
{
    enum hk_strat st;

    if (!strcmp(s, "none"))
        return 0;
    if (hk_strat_parse(s, &st) != HK_OK)
        return bad_opt("worm-strategies", s);
    r->o.worm_mask |= 1u << st;
    return 0;
}

static int parse_opts(struct run *r)
{
    struct args *a = r->a;
    const char *v;
    int rc;

    hk_sensor_opts_defaults(&r->o);
    r->iface = arg_get(a, "interface");
    r->filter = arg_get(a, "filter");
    r->out_path = arg_get(a, "out");
    r->svg_dir = arg_get(a, "svg-dir");
    r->snaplen = 128;
    r->o.lan = arg_has(a, "lan");
    if (r->o.lan && arg_has(a, "darknet"))
        return cli_fail(HK_EINVAL, "--lan and --darknet exclude each other");
    r->quiet = arg_has(a, "quiet");
    r->progress = !arg_has(a, "no-progress") && (arg_has(a, "progress") || isatty(2));
    if ((rc = opt_u32(a, "snaplen", 64, 262144, (uint32_t *)&r->snaplen)) ||
        (rc = opt_u32(a, "max-sources", 16, 1u << 30, &r->o.max_sources)) ||
        (rc = opt_u32(a, "max-samples", 1, 1u << 24, &r->o.max_samples)) ||
        (rc = opt_u32(a, "min-probes", 1, UINT32_MAX, &r->o.min_probes)) ||
        (rc = opt_u32(a, "warmup", 0, 1000000, &r->o.ew_warmup)) ||
        (rc = opt_u32(a, "trw-timeout", 1, 3600000, &r->o.trw_timeout_ms)) ||
        (rc = opt_double(a, "alert-lambda", 0.01, 1, &r->o.ew_lambda)) ||
        (rc = opt_double(a, "alert-sigma", 0, 100, &r->o.ew_k)) ||
        (rc = opt_double(a, "alert-floor", 0, 1e9, &r->o.ew_floor)))
        return rc;
    if ((v = arg_get(a, "duration"))) {
        if (hk_parse_i64(v, &r->duration_s) != HK_OK || r->duration_s <= 0)
            return bad_opt("duration", v);
    }
    if ((rc = each_value(a, "monitor", add_monitor, r)) ||
        (rc = each_value(a, "plot-src", add_plot, r)))
        return rc;
    if (arg_has(a, "worm-strategies")) {
        r->o.worm_mask = 0;
        if ((rc = each_value(a, "worm-strategies", add_worm, r)))
            return rc;
    }
    r->push_iv = 3600;
    if ((v = arg_get(a, "push-intervals"))) {
        if (!strcmp(v, "60"))
            r->push_iv = 60;
        else if (!strcmp(v, "none"))
            r->push_iv = 0;
        else if (strcmp(v, "3600"))
            return bad_opt("push-intervals", v);
    }
    if (!r->iface && a->npos < 1)
        return cli_fail(HK_EINVAL,
                        "give capture files or --interface IF (see 'hikeshi sensor --help')");
    if (r->iface && a->npos > 0)
        return cli_fail(HK_EINVAL, "give either capture files or --interface, not both");
    return 0;
}

/* ---- push ---- */

static void cb_alert(void *u, const struct hk_alert *al)
{
    struct run *r = u;

    if (r->push)
        hk_push_alert(r->push, al);
}

static void cb_interval(void *u, const struct hk_port_iv *iv)
{
    struct run *r = u;

    if (r->push && r->push_iv && iv->interval_s == r->push_iv)
        hk_push_interval(r->push, iv);
}

static int setup_push(struct run *r)
{
    const char *url = arg_get(r->a, "push");
    const char *spool = arg_get(r->a, "spool");
    const char *name = arg_get(r->a, "sensor-name");
    char host[256] = "sensor", dflt[4200];
    struct hk_errmsg em;

    if (!url)
        return arg_has(r->a, "push") ? bad_opt("push", NULL) : 0;
    if (!r->c->token)
        return cli_fail(HK_EAUTH, "--push needs --token T (or HIKESHI_TOKEN)");
    if (!name) {
        if (gethostname(host, sizeof(host) - 1))
            (void)snprintf(host, sizeof(host), "sensor");
        host[sizeof(host) - 1] = '\0';
        name = host;
    }
    if (!spool) {
        const char *slash = r->out_path ? strrchr(r->out_path, '/') : NULL;
        if (slash)
            (void)snprintf(dflt, sizeof(dflt), "%.*s/hikeshi-sensor-spool",
                           (int)(slash - r->out_path), r->out_path);
        else
            (void)snprintf(dflt, sizeof(dflt), "hikeshi-sensor-spool");
        spool = dflt;
    }
    if (hk_push_new(url, r->c->token, spool, name, &r->push, &em) != HK_OK)
        return cli_fail(HK_EINVAL, "%s", em.text);
    r->o.on_alert = cb_alert;
    r->o.on_interval = cb_interval;
    r->o.user = r;
    return 0;
}

static int finish_push(struct run *r)
{
    struct hk_errmsg em;
    uint64_t sent, dups, rej, spooled;
    hk_err err;

    if (!r->push)
        return 0;
    err = hk_push_flush(r->push, &em);
    hk_push_counts(r->push, &sent, &dups, &rej, &spooled);
    (void)fprintf(stderr,
                  "hikeshi: push: %llu items accepted, %llu duplicates, %llu refused, %llu "
                  "spooled for later\n",
                  (unsigned long long)sent, (unsigned long long)dups, (unsigned long long)rej,
                  (unsigned long long)spooled);
    if (err) {
        (void)fprintf(stderr, "hikeshi: push: %s\n", em.text);
        return hk_err_exit_code(err);
    }
    return rej ? hk_err_exit_code(HK_EINVAL) : 0;
}

/* ---- input ---- */

static int cmp_input(const void *x, const void *y)
{
    const struct input *a = x, *b = y;

    return a->first_ns < b->first_ns ? -1 : a->first_ns > b->first_ns;
}

static int order_inputs(struct run *r)
{
    r->nin = r->a->npos;
    r->in = hk_xcalloc((size_t)r->nin + 1, sizeof(*r->in));
    for (int i = 0; i < r->nin; i++) {
        struct hk_pcap *p;
        struct hk_errmsg em;
        struct hk_rec rec;
        struct stat st;
        r->in[i].path = r->a->pos[i];
        if (hk_pcap_open(r->in[i].path, &p, &em) != HK_OK)
            return cli_fail(HK_EIO, "%s", em.text);
        r->in[i].first_ns = hk_pcap_next(p, &rec) == 1 ? rec.ts_ns : INT64_MAX;
        hk_pcap_close(p);
        if (stat(r->in[i].path, &st) == 0)
            r->in[i].size = (uint64_t)st.st_size;
    }
    /* Files in the time order of their first packet (stable for equal times). */
    for (int i = 1; i < r->nin; i++)
        for (int j = i; j > 0 && cmp_input(&r->in[j - 1], &r->in[j]) > 0; j--) {
            struct input t = r->in[j];
            r->in[j] = r->in[j - 1];
            r->in[j - 1] = t;
        }
    return 0;
}

static void show_progress(struct run *r, uint64_t done, uint64_t total, bool end)
{
    int w = 40, fill;

    if (!r->progress)
        return;
    if (total) {
        fill = (int)((double)done / (double)total * w);
        if (fill > w)
            fill = w;
        (void)fprintf(stderr, "\r[%.*s%*s] %3d%% %llu packets", fill,
                      "########################################", w - fill, "",
                      (int)(100.0 * (double)done / (double)total), (unsigned long long)r->frames);
    } else {
        (void)fprintf(stderr, "\r%llu packets", (unsigned long long)r->frames);
    }
    if (end)
        (void)fputc('\n', stderr);
}

/* Reads one capture into the sensor. */
static int feed(struct run *r, struct hk_sensor *s, struct hk_pcap *p, uint64_t done_before,
                uint64_t total)
{
    struct hk_pkt *b = hk_xmalloc(BATCH * sizeof(*b));
    struct hk_read_counts rc;
    int lt = hk_pcap_linktype(p), k;
    uint64_t tick = 0;
    int64_t t_end = r->duration_s ? hk_now() + r->duration_s : 0;
    size_t n;

    if (!hk_sensor_linktype_ok(lt)) {
        free(b);
        return cli_fail(HK_EPARSE, "unsupported link type %d", lt);
    }
    memset(&rc, 0, sizeof(rc));
    do {
        k = hk_pcap_read_batch(p, b, BATCH, &n, &rc);
        if (n)
            hk_sensor_batch(s, b, n);
        if ((++tick & 1023) == 0 || k < 0) {
            uint64_t dn, tt;
            hk_pcap_progress(p, &dn, &tt);
            r->frames += rc.frames;
            rc.frames = 0;
            show_progress(r, done_before + dn, total, false);
            if (t_end && hk_now() >= t_end)
                break;
            if (r->push && r->iface && (tick & 65535) == 0)
                (void)hk_push_flush(r->push, NULL);
        }
    } while (k != 0 && !g_stop);
    r->frames += rc.frames;
    r->bytes += rc.bytes;
    for (int i = 1; i < 6; i++)
        hk_sensor_count_dec(s, (enum hk_dec)i, rc.dec[i]);
    free(b);
    return 0;
}

static int run_pass(struct run *r, struct hk_sensor *s)
{
    uint64_t total = 0, done = 0;
    int rc = 0;

    for (int i = 0; i < r->nin; i++)
        total += r->in[i].size;
    for (int i = 0; i < r->nin && !rc && !g_stop; i++) {
        struct hk_pcap *p;
        struct hk_errmsg em;
        const char *w;
        if (hk_pcap_open(r->in[i].path, &p, &em) != HK_OK)
            return cli_fail(HK_EIO, "%s", em.text);
        if (r->filter && hk_pcap_set_filter(p, r->filter, &em) != HK_OK) {
            hk_pcap_close(p);
            return cli_fail(HK_EINVAL, "%s", em.text);
        }
        rc = feed(r, s, p, done, total);
        if ((w = hk_pcap_warning(p)))
            (void)fprintf(stderr, "hikeshi: %s: %s\n", r->in[i].path, w);
        hk_pcap_close(p);
        done += r->in[i].size;
    }
    show_progress(r, done, total, true);
    return rc;
}

static int run_live(struct run *r, struct hk_sensor *s)
{
    struct hk_errmsg em;
    int rc;

    if (hk_pcap_open_live(r->iface, r->snaplen, &g_live, &em) != HK_OK)
        return cli_fail(HK_EIO, "%s", em.text);
    if (r->filter && hk_pcap_set_filter(g_live, r->filter, &em) != HK_OK) {
        hk_pcap_close(g_live);
        g_live = NULL;
        return cli_fail(HK_EINVAL, "%s", em.text);
    }
    (void)signal(SIGINT, on_signal);
    (void)signal(SIGTERM, on_signal);
    rc = feed(r, s, g_live, 0, 0);
    if (hk_pcap_warning(g_live))
        (void)fprintf(stderr, "hikeshi: %s: %s\n", r->iface, hk_pcap_warning(g_live));
    hk_pcap_close(g_live);
    g_live = NULL;
    (void)signal(SIGINT, SIG_DFL);
    (void)signal(SIGTERM, SIG_DFL);
    return rc;
}

/* ---- plots ---- */

struct top_scan {
    struct hk_addr a[4];
    uint32_t probes[4];
    int n;
};

static void pick_scanner(void *u, const struct hk_profile *p)
{
    struct top_scan *t = u;
    int pos;

    if (p->kind != HK_KIND_SCAN)
        return;
    pos = t->n < 4 ? t->n : 3;
    if (t->n == 4 && t->probes[3] >= p->probes)
        return;
    while (pos > 0 && t->probes[pos - 1] < p->probes) {
        t->a[pos] = t->a[pos - 1];
        t->probes[pos] = t->probes[pos - 1];
        pos--;
    }
    t->a[pos] = p->src;
    t->probes[pos] = p->probes;
    if (t->n < 4)
        t->n++;
}

static int plots(struct run *r, struct hk_sensor *s)
{
    struct hk_sensor *s2 = NULL;
    struct hk_errmsg em;
    hk_err err;
    int rc = 0;

    if (mkdir(r->svg_dir, 0755) && errno != EEXIST)
        return cli_fail(HK_EIO, "cannot create '%s': %s", r->svg_dir, strerror(errno));
    if (r->o.nplot == 0 && !r->iface) {
        /* Default: the busiest scanners, traced in a second pass over the files. */
        struct top_scan t = {.n = 0};
        struct hk_sensor_opts o2 = r->o;
        hk_sensor_each(s, pick_scanner, &t);
        o2.nplot = t.n;
        memcpy(o2.plot, t.a, sizeof(t.a));
        o2.out = NULL;
        o2.on_alert = NULL;
        o2.on_interval = NULL;
        if (t.n && hk_sensor_new(&o2, &s2, &em) == HK_OK) {
            bool prog = r->progress;
            r->progress = false;
            rc = run_pass(r, s2);
            r->progress = prog;
            s = s2;
        }
    }
    if (!rc && (err = hk_sensor_svg(s, r->svg_dir, &em)) != HK_OK)
        rc = cli_fail(err, "%s", em.text);
    hk_sensor_free(s2);
    return rc;
}

int cmd_sensor(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct run r;
    struct hk_sensor *s = NULL;
    struct hk_errmsg em;
    FILE *out = NULL;
    char *obuf = NULL;
    int rc;

    (void)cmd;
    memset(&r, 0, sizeof(r));
    r.c = c;
    r.a = a;
    g_stop = 0;
    if ((rc = parse_opts(&r)) || (rc = setup_push(&r)))
        goto out;
    if (!r.iface && (rc = order_inputs(&r)))
        goto out;
    if (r.out_path) {
        out = strcmp(r.out_path, "-") ? fopen(r.out_path, "w") : stdout;
        if (!out) {
            rc = cli_fail(HK_EIO, "cannot write '%s': %s", r.out_path, strerror(errno));
            goto out;
        }
        /* glibc ignores the size when setvbuf is given no buffer (it takes st_blksize,
         * 4 KiB): a day's 600 MB of profiles took 150,000 writes. */
        if (out != stdout) {
            obuf = malloc(1u << 20);
            (void)setvbuf(out, obuf, _IOFBF, 1u << 20);
        } else {
            /* stdout is flushed at exit, after obuf would be freed: a static buffer (in
             * .bss, touched only when used), set before anything is written to stdout. */
            static char stdout_buf[1u << 20];
            (void)setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
        }
        r.o.out = out;
    }
    if (hk_sensor_new(&r.o, &s, &em) != HK_OK) {
        rc = cli_fail(HK_ENOMEM, "%s", em.text);
        goto out;
    }
    rc = r.iface ? run_live(&r, s) : run_pass(&r, s);
    if (rc)
        goto out;
    hk_sensor_finish(s);
    if (!r.quiet)
        hk_sensor_summary(s, out == stdout ? stderr : stdout, 20);
    if (r.svg_dir && (rc = plots(&r, s)))
        goto out;
    rc = finish_push(&r);
out:
    if (out && out != stdout && fclose(out) && !rc)
        rc = cli_fail(HK_EIO, "cannot write '%s'", r.out_path);
    else if (out == stdout)
        (void)fflush(stdout);
    free(obuf); /* after fclose */
    hk_sensor_free(s);
    hk_push_free(r.push);
    free(r.in);
    return rc;
}
