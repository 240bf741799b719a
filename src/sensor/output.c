/* SPDX-License-Identifier: MIT */
/*
 * The sensor's output: JSON lines (one object per profile, per port interval, per alert,
 * told apart by "type"), written with stdio directly because millions of profiles may be
 * written and every field is a number or a fixed string (addresses, RFC 3339 times, names);
 * the human summary; and address and prefix parsing and formatting.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hikeshi/core.h"
#include "sensor/sensor_int.h"

void hk_emit_profile(struct hk_sensor *s, struct srctab *t, uint32_t i);
void hk_emit_alert(struct hk_sensor *s, const struct hk_alert *a);
void hk_emit_port_iv(struct hk_sensor *s, const struct hk_port_iv *iv);
const char *hk_port_proto_name(uint8_t proto);

void hk_addr_fmt(const struct hk_addr *a, char *out, size_t n)
{
    if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->a, out, (socklen_t)n) && n)
        out[0] = '\0';
}

hk_err hk_addr_parse(const char *s, struct hk_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, s, out->a) == 1)
        return HK_OK;
    if (inet_pton(AF_INET6, s, out->a) == 1) {
        out->v6 = 1;
        return HK_OK;
    }
    return HK_EINVAL;
}

hk_err hk_sensor_prefix_parse(const char *s, struct hk_sensor_prefix *out, struct hk_errmsg *em)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    int64_t len;

    if (n == 0 || n >= sizeof(buf))
        return hk_errf(em, HK_EINVAL, "bad prefix '%s'", s);
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (hk_addr_parse(buf, &out->addr) != HK_OK)
        return hk_errf(em, HK_EINVAL, "bad prefix '%s'", s);
    len = out->addr.v6 ? 128 : 32;
    if (slash &&
        (hk_parse_i64(slash + 1, &len) != HK_OK || len < 0 || len > (out->addr.v6 ? 128 : 32)))
        return hk_errf(em, HK_EINVAL, "bad prefix length in '%s'", s);
    out->len = (uint8_t)len;
    /* Clear the host bits. */
    for (int b = (int)len; b < (out->addr.v6 ? 128 : 32); b++)
        out->addr.a[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
    return HK_OK;
}

static void put_dec(char *o, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* RFC 3339 UTC with milliseconds. Years 0-9999 are formatted directly (the civil date from
 * the day number, Hinnant's days-to-civil algorithm: this runs for every profile and alert,
 * and snprintf + gmtime_r cost thousands of instructions); others go through gmtime_r. */
void hk_fmt_time_ms(int64_t ms, char out[40])
{
    time_t sec = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)sec * 1000);
    int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    int64_t sod = sec - days * 86400;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    struct tm tm;

    if (y >= 0 && y <= 9999) {
        put_dec(out, (unsigned)y, 4);
        out[4] = '-';
        put_dec(out + 5, (unsigned)m, 2);
        out[7] = '-';
        put_dec(out + 8, (unsigned)d, 2);
        out[10] = 'T';
        put_dec(out + 11, (unsigned)(sod / 3600), 2);
        out[13] = ':';
        put_dec(out + 14, (unsigned)(sod / 60 % 60), 2);
        out[16] = ':';
        put_dec(out + 17, (unsigned)(sod % 60), 2);
        out[19] = '.';
        put_dec(out + 20, (unsigned)frac, 3);
        out[23] = 'Z';
        out[24] = '\0';
        return;
    }
    if (!gmtime_r(&sec, &tm)) {
        (void)snprintf(out, 40, "1970-01-01T00:00:00.000Z");
        return;
    }
    (void)snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
                   (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
                   tm.tm_sec % 100, frac % 1000);
}

/* ---- a profile line without stdio formatting (millions may be written) ---- */

struct line {
    char b[2048]; /* an alert names up to 20 sources, IPv6 ones up to 41 bytes each */
    size_t n;
};

/* Inlined, so that the length of a literal is a constant. */
static inline __attribute__((always_inline)) void app(struct line *l, const char *s)
{
    size_t k = strlen(s);

    if (l->n + k < sizeof(l->b)) {
        memcpy(l->b + l->n, s, k);
        l->n += k;
    }
}

/* The two digits of 0-99. */
static const char pairs[201] = "00010203040506070809101112131415161718192021222324252627282930"
                               "31323334353637383940414243444546474849505152535455565758596061"
                               "62636465666768697071727374757677787980818283848586878889909192"
                               "93949596979899";

/* n raw bytes (no terminator). */
static inline void app_n(struct line *l, const char *s, size_t n)
{
    if (l->n + n < sizeof(l->b)) {
        memcpy(l->b + l->n, s, n);
        l->n += n;
    }
}

/* A decimal integer, two digits per division. */
static void app_u(struct line *l, uint64_t v)
{
    char t[24];
    int k = 24;

    while (v >= 100) {
        uint32_t r = (uint32_t)(v % 100);
        v /= 100;
        t[--k] = pairs[2 * r + 1];
        t[--k] = pairs[2 * r];
    }
    if (v >= 10) {
        t[--k] = pairs[2 * v + 1];
        t[--k] = pairs[2 * v];
    } else {
        t[--k] = (char)('0' + v);
    }
    app_n(l, t + k, (size_t)(24 - k));
}

/* The names of the bits set in m, joined by sep; none when no bit is set. */
static void app_bits(struct line *l, unsigned m, const char *const *names, int n, const char *sep,
                     const char *none)
{
    bool any = false;

    for (int i = 0; i < n; i++) {
        if (!(m & (1u << i)))
            continue;
        if (any)
            app(l, sep);
        app(l, names[i]);
        any = true;
    }
    if (!any)
        app(l, none);
}

/* The protocols seen ("tcp+udp"; "other" when none is known). */
static void app_protos(struct line *l, uint8_t pr)
{
    static const char *const names[] = {"tcp", "udp", "icmp", "other"};

    app_bits(l, pr, names, 4, "+", "other");
}

/* The TCP flag combinations seen ("S,SA"); nothing when none. */
static void app_tcpmix(struct line *l, uint8_t m)
{
    static const char *const names[] = {"S", "SA", "R", "A", "F"};

    app_bits(l, m, names, 5, ",", "");
}

/* A non-negative number with prec decimals, or null when negative (unknown). */
static void app_fix(struct line *l, double v, int prec)
{
    static const uint64_t scale[] = {1,      10,      100,      1000,      10000,
                                     100000, 1000000, 10000000, 100000000, 1000000000};
    uint64_t x, sc = scale[prec];

    if (v < 0 || v != v) {
        app(l, "null");
        return;
    }
    if (v > 1e12) {
        char t[40];
        (void)snprintf(t, sizeof(t), "%.*f", prec, v);
        app(l, t);
        return;
    }
    x = (uint64_t)(v * (double)sc + 0.5);
    app_u(l, x / sc);
    if (prec) {
        char t[12];
        uint64_t fr = x % sc;
        for (int i = prec - 1; i >= 0; i--) {
            t[i] = (char)('0' + fr % 10);
            fr /= 10;
        }
        t[prec] = '\0';
        app(l, ".");
        app(l, t);
    }
}

static void app_addr(struct line *l, const struct hk_addr *a)
{
    char t[64];

    if (a->v6) {
        hk_addr_fmt(a, t, sizeof(t));
        app(l, t);
        return;
    }
    /* Dotted quad in one piece: 1 to 3 digits per byte. */
    {
        char q[16];
        size_t k = 0;
        for (int i = 0; i < 4; i++) {
            unsigned v = a->a[i];
            if (i)
                q[k++] = '.';
            if (v >= 100) {
                q[k++] = (char)('0' + v / 100);
                v %= 100;
                q[k++] = pairs[2 * v];
            } else if (v >= 10) {
                q[k++] = pairs[2 * v];
            }
            q[k++] = pairs[2 * (v % 100) + 1];
        }
        app_n(l, q, k);
    }
}

/* RFC 3339 with milliseconds. The date of the last day is cached (a profile's first and
 * last times alternate, so a cached second would rarely serve); the time of day is written
 * directly. */
static void app_time(struct line *l, int64_t ms)
{
    static _Thread_local int64_t last_day = INT64_MIN;
    static _Thread_local char date[12];
    int64_t day = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
    uint32_t r = (uint32_t)(ms - day * 86400000), sec = r / 1000, h = sec / 3600, m = sec / 60 % 60,
             sc = sec % 60, f = r % 1000;
    char t[24];

    if (day != last_day) {
        char full[40];
        hk_fmt_time_ms(day * 86400000, full);
        if (strlen(full) != 24 || full[10] != 'T') { /* a year outside 0-9999 */
            hk_fmt_time_ms(ms, full);
            app(l, full);
            return;
        }
        memcpy(date, full, 11);
        date[11] = '\0';
        last_day = day;
    }
    /* The date (11 bytes) and hh:mm:ss.fffZ (13), written in one piece. */
    memcpy(t, date, 11);
    memcpy(t + 11, pairs + 2 * h, 2);
    t[13] = ':';
    memcpy(t + 14, pairs + 2 * m, 2);
    t[16] = ':';
    memcpy(t + 17, pairs + 2 * sc, 2);
    t[19] = '.';
    t[20] = (char)('0' + f / 100);
    memcpy(t + 21, pairs + 2 * (f % 100), 2);
    t[23] = 'Z';
    app_n(l, t, 24);
}

void hk_sensor_json_profile(FILE *f, const struct hk_profile *p)
{
    struct line l;

    l.n = 0;
    app(&l, "{\"type\":\"profile\",\"src\":\"");
    app_addr(&l, &p->src);
    app(&l, "\",\"first\":\"");
    app_time(&l, p->first_ms);
    app(&l, "\",\"last\":\"");
    app_time(&l, p->last_ms);
    app(&l, "\",\"probes\":");
    app_u(&l, p->probes);
    app(&l, ",\"targets\":");
    app_u(&l, p->targets);
    app(&l, ",\"ports\":[");
    for (int i = 0; i < p->nports_listed; i++) {
        if (i)
            app(&l, ",");
        app_u(&l, p->ports[i]);
    }
    app(&l, "],\"nports\":");
    app_u(&l, p->nports);
    app(&l, ",\"proto\":\"");
    app_protos(&l, p->protos);
    app(&l, "\"");
    if (p->tcpmix & 31) {
        app(&l, ",\"tcp_flags\":\"");
        app_tcpmix(&l, p->tcpmix);
        app(&l, "\"");
    }
    app(&l, ",\"replies\":");
    app_u(&l, p->replies);
    app(&l, ",\"rate_pps\":");
    app_fix(&l, p->rate_pps, 3);
    app(&l, ",\"kind\":\"");
    app(&l, hk_kind_name(p->kind));
    app(&l, "\"");
    if (p->kind == HK_KIND_SCAN) {
        app(&l, ",\"strategy\":\"");
        app(&l, hk_strat_name(p->strategy));
        app(&l, "\"");
        if (p->strategy == HK_STRAT_UNDETERMINED) {
            app(&l, ",\"needs\":");
            app_u(&l, p->needs);
        }
    }
    app(&l, ",\"confidence\":");
    app_fix(&l, p->confidence, 2);
    app(&l, ",\"sweep24_s\":");
    app_fix(&l, p->sweep24_s, 1);
    if (p->tool != HK_TOOL_NONE) {
        app(&l, ",\"tool\":\"");
        app(&l, hk_tool_name(p->tool));
        app(&l, "\"");
    }
    if (p->trw != HK_TRW_NONE) {
        app(&l, ",\"trw\":\"");
        app(&l, p->trw == HK_TRW_SCANNER  ? "scanner"
                : p->trw == HK_TRW_BENIGN ? "benign"
                                          : "pending");
        app(&l, "\"");
    }
    if (p->coverage >= 0) {
        app(&l, ",\"coverage\":");
        app_fix(&l, p->coverage, 9);
    }
    if (p->kind == HK_KIND_FLOOD || p->kind == HK_KIND_PORTSCAN) {
        app(&l, ",\"target\":\"");
        app_addr(&l, &p->target0);
        app(&l, "\"");
    }
    app(&l, "}\n");
    (void)fwrite(l.b, 1, l.n, f);
}

/* A number with two decimals the way printf's "%.2f" writes it (alerts' magnitudes, baselines
 * and confidences are never negative, but a NaN or a negative value still prints as such). */
static void app_f2(struct line *l, double v)
{
    char t[48];

    if (v >= 0 && v < 1e12) {
        double x = v * 100;
        uint64_t q = (uint64_t)x;
        double fr = x - (double)q;
        /* Near a half the product's own rounding could decide: printf settles those. */
        if (fabs(fr - 0.5) > 1e-6) {
            q += fr > 0.5;
            app_u(l, q / 100);
            t[0] = '.';
            t[1] = (char)('0' + q / 10 % 10);
            t[2] = (char)('0' + q % 10);
            t[3] = '\0';
            app(l, t);
            return;
        }
    }
    (void)snprintf(t, sizeof(t), "%.2f", v);
    app(l, t);
}

void hk_sensor_json_alert(FILE *f, const struct hk_alert *a)
{
    struct line l;

    l.n = 0;
    app(&l, "{\"type\":\"alert\",\"alert\":\"");
    app(&l, a->type == HK_ALERT_PORT_SURGE ? "port-surge" : "worm-source");
    app(&l, "\",\"time\":\"");
    app_time(&l, a->ts_ms);
    app(&l, "\",\"port\":");
    app_u(&l, a->port);
    app(&l, ",\"proto\":\"");
    app(&l, hk_port_proto_name(a->proto));
    app(&l, "\",\"magnitude\":");
    app_f2(&l, a->magnitude);
    if (a->type == HK_ALERT_PORT_SURGE) {
        app(&l, ",\"interval_start\":\"");
        app_time(&l, a->interval_start_ms);
        app(&l, "\",\"count\":");
        app_u(&l, a->count);
        app(&l, ",\"baseline\":");
        app_f2(&l, a->baseline);
        app(&l, ",\"threshold\":");
        app_f2(&l, a->threshold);
    }
    app(&l, ",\"sources\":[");
    for (int i = 0; i < a->nsrc; i++) {
        app(&l, i ? ",\"" : "\"");
        app_addr(&l, &a->srcs[i]);
        app(&l, "\"");
    }
    app(&l, "]");
    if (a->type == HK_ALERT_WORM_SOURCE) {
        app(&l, ",\"src\":\"");
        app_addr(&l, &a->prof.src);
        app(&l, "\",\"strategy\":\"");
        app(&l, hk_strat_name(a->prof.strategy));
        app(&l, "\",\"kind\":\"");
        app(&l, hk_kind_name(a->prof.kind));
        app(&l, "\",\"probes\":");
        app_u(&l, a->prof.probes);
        app(&l, ",\"confidence\":");
        app_f2(&l, a->prof.confidence);
        app(&l, ",\"ports\":[");
        for (int i = 0; i < a->prof.nports_listed; i++) {
            if (i)
                app(&l, ",");
            app_u(&l, a->prof.ports[i]);
        }
        app(&l, "]");
    }
    app(&l, "}\n");
    (void)fwrite(l.b, 1, l.n, f);
}

void hk_sensor_json_port_iv(FILE *f, const struct hk_port_iv *iv)
{
    char t[40];

    hk_fmt_time_ms(iv->start_ms, t);
    (void)fprintf(f,
                  "{\"type\":\"port-interval\",\"start\":\"%s\",\"interval_s\":%u,\"port\":%u,"
                  "\"proto\":\"%s\",\"packets\":%llu,\"sources\":%u,\"targets\":%u}\n",
                  t, iv->interval_s, iv->port, hk_port_proto_name(iv->proto),
                  (unsigned long long)iv->packets, iv->sources, iv->targets);
}

/* Counts and writes the profile of a source that hk_count_only did not take (the callers,
 * eviction and the end of the run, ask it first). */
void hk_emit_profile(struct hk_sensor *s, struct srctab *t, uint32_t i)
{
    struct hk_profile p;

    hk_sensor_profile_of(s, t, i, &p);
    s->st.by_kind[p.kind]++;
    if (p.kind == HK_KIND_SCAN)
        s->st.by_strat[p.strategy]++;
    if (!s->o.out || t->e[i].probes < s->o.min_probes)
        return;
    hk_sensor_json_profile(s->o.out, &p);
    s->st.profiles_written++;
}

void hk_emit_alert(struct hk_sensor *s, const struct hk_alert *a)
{
    s->st.alerts++;
    if (s->o.out)
        hk_sensor_json_alert(s->o.out, a);
    if (s->o.on_alert)
        s->o.on_alert(s->o.user, a);
}

void hk_emit_port_iv(struct hk_sensor *s, const struct hk_port_iv *iv)
{
    if (s->o.out) {
        hk_sensor_json_port_iv(s->o.out, iv);
        s->st.intervals_written++;
    }
    if (s->o.on_interval)
        s->o.on_interval(s->o.user, iv);
}

/* ---- summary ---- */

struct topn {
    struct hk_profile *p;
    int n, cap;
};

static void collect(void *u, const struct hk_profile *p)
{
    struct topn *t = u;
    int pos;

    if (p->kind == HK_KIND_MISC)
        return;
    pos = t->n < t->cap ? t->n : t->cap - 1;
    if (t->n == t->cap && t->p[pos].probes >= p->probes)
        return;
    while (pos > 0 && t->p[pos - 1].probes < p->probes) {
        t->p[pos] = t->p[pos - 1];
        pos--;
    }
    t->p[pos] = *p;
    if (t->n < t->cap)
        t->n++;
}

void hk_sensor_summary(struct hk_sensor *s, FILE *f, int top)
{
    struct hk_sensor_stats st;
    struct topn tn = {NULL, 0, top > 0 ? top : 1};
    char a[40], b[40];

    hk_sensor_get_stats(s, &st);
    tn.p = hk_xcalloc((size_t)tn.cap, sizeof(*tn.p));
    hk_sensor_each(s, collect, &tn);
    hk_fmt_time_ms(st.first_ms, a);
    hk_fmt_time_ms(st.last_ms, b);
    (void)fprintf(f, "hikeshi sensor: %llu packets analysed, %s to %s\n",
                  (unsigned long long)(st.packets - st.outside), st.packets ? a : "-",
                  st.packets ? b : "-");
    if (st.trunc + st.notip + st.bad + st.frag + st.outside)
        (void)fprintf(f,
                      "  not analysed: %llu truncated, %llu not IP, %llu malformed, %llu "
                      "fragments, %llu outside the monitored space\n",
                      (unsigned long long)st.trunc, (unsigned long long)st.notip,
                      (unsigned long long)st.bad, (unsigned long long)st.frag,
                      (unsigned long long)st.outside);
    (void)fprintf(f, "  sources: %llu seen, %llu tracked at the end, %llu evicted\n",
                  (unsigned long long)st.sources_seen, (unsigned long long)st.sources_now,
                  (unsigned long long)st.evicted);
    (void)fprintf(f,
                  "  kinds: scan %llu, port-scan %llu, backscatter %llu, flood %llu, misc %llu\n",
                  (unsigned long long)st.by_kind[HK_KIND_SCAN],
                  (unsigned long long)st.by_kind[HK_KIND_PORTSCAN],
                  (unsigned long long)st.by_kind[HK_KIND_BACKSCATTER],
                  (unsigned long long)st.by_kind[HK_KIND_FLOOD],
                  (unsigned long long)st.by_kind[HK_KIND_MISC]);
    (void)fprintf(f, "  scan strategies:");
    for (int i = HK_STRAT_UNDETERMINED; i <= HK_STRAT_TARGETED; i++)
        (void)fprintf(f, " %s %llu%s", hk_strat_name((enum hk_strat)i),
                      (unsigned long long)st.by_strat[i], i < HK_STRAT_TARGETED ? "," : "\n");
    (void)fprintf(f, "  alerts: %llu\n", (unsigned long long)st.alerts);
    (void)fprintf(f,
                  "  memory: source table %.1f MiB (%llu entries of 64 bytes, %llu in use); %llu "
                  "strategy samples of %llu bytes\n",
                  (double)st.table_bytes / 1048576.0, (unsigned long long)st.table_entries,
                  (unsigned long long)st.sources_now, (unsigned long long)st.samples_used,
                  (unsigned long long)st.sample_bytes);
    if (st.samples_exhausted)
        (void)fprintf(f, "  note: %llu scanners found the sample pool full (--max-samples)\n",
                      (unsigned long long)st.samples_exhausted);
    if (tn.n)
        (void)fprintf(f, "\n  %-39s %10s %8s %-12s %-16s %5s %10s %s\n", "source", "probes",
                      "targets", "kind", "strategy", "conf", "sweep24_s", "ports");
    for (int i = 0; i < tn.n; i++) {
        const struct hk_profile *p = &tn.p[i];
        char src[64], sw[32], ports[48] = "";
        size_t len = 0;
        hk_addr_fmt(&p->src, src, sizeof(src));
        if (p->sweep24_s >= 0)
            (void)snprintf(sw, sizeof(sw), "%.1f", p->sweep24_s);
        else
            (void)snprintf(sw, sizeof(sw), "-");
        for (int k = 0; k < p->nports_listed; k++) {
            int w = snprintf(ports + len, sizeof(ports) - len, "%s%u", k ? "," : "", p->ports[k]);
            if (w < 0 || (size_t)w >= sizeof(ports) - len)
                break;
            len += (size_t)w;
        }
        (void)fprintf(f, "  %-39s %10u %8u %-12s %-16s %5.2f %10s %s%s%s\n", src, p->probes,
                      p->targets, hk_kind_name(p->kind),
                      p->kind == HK_KIND_SCAN ? hk_strat_name(p->strategy) : "-", p->confidence, sw,
                      ports, p->tool ? " tool=" : "", p->tool ? hk_tool_name(p->tool) : "");
    }
    free(tn.p);
}
