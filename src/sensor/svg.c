/* SPDX-License-Identifier: MIT */
/*
 * SVG plots of an observation run, written by hand (no plotting library): the busiest
 * destination ports over time (packets per minute, like the ISDAS public graphs), the
 * destination address against time for the traced sources (the scan-pattern plot that tells
 * a sequential sweep from random scanning at a glance) and their cumulative probes against
 * time (the WannaCry-versus-NotPetya pace chart).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/core.h"
#include "sensor/sensor_int.h"

#define W  900
#define H  480
#define ML 80
#define MR 180
#define MT 40
#define MB 50

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                     "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                     "#7f7f7f", "#bcbd22", "#393b79", "#637939"};

static FILE *svg_open(const char *dir, const char *name, const char *title, struct hk_errmsg *em,
                      hk_err *err)
{
    char path[4096];
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        *err = hk_errf(em, HK_EIO, "cannot write '%s': %s", path, strerror(errno));
        return NULL;
    }
    (void)fprintf(f,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                  "font-family=\"sans-serif\" font-size=\"12\">\n"
                  "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                  "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>\n",
                  W, H, ML, title);
    return f;
}

static void axes(FILE *f, const char *xl, const char *yl, double xmax, double ymax,
                 const char *ylab_lo, const char *ylab_hi)
{
    (void)fprintf(f,
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
                  "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                  "text-anchor=\"middle\">%s</text>\n",
                  ML, H - MB, W - MR, H - MB, ML, MT, ML, H - MB, (ML + W - MR) / 2, H - 12, xl,
                  (MT + H - MB) / 2, (MT + H - MB) / 2, yl);
    (void)fprintf(f,
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
                  "<text x=\"%d\" y=\"%d\">0</text>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.6g</text>\n",
                  ML - 4, H - MB, ylab_lo, ML - 4, MT + 10, ylab_hi, ML, H - MB + 16, W - MR,
                  H - MB + 16, xmax);
    (void)ymax;
}

static double px(double x, double xmax)
{
    return ML + (xmax > 0 ? x / xmax : 0) * (W - ML - MR);
}

static double py(double y, double ymin, double ymax)
{
    return (H - MB) - (ymax > ymin ? (y - ymin) / (ymax - ymin) : 0) * (H - MT - MB);
}

struct portsum {
    uint16_t port;
    uint8_t proto;
    uint64_t total;
};

static hk_err plot_ports(struct hk_sensor *s, const char *dir, struct hk_errmsg *em)
{
    struct portsum top[8];
    int ntop = 0;
    uint32_t maxmin = 0, bin;
    double ymax = 1;
    hk_err err = HK_OK;
    FILE *f;
    const char *pn;
    char lo[16], hi[32];

    for (size_t i = 0; i < s->nseries; i++) {
        const struct series_pt *p = &s->series[i];
        int k;
        if (p->minute > maxmin)
            maxmin = p->minute;
        for (k = 0; k < ntop; k++)
            if (top[k].port == p->port && top[k].proto == p->proto)
                break;
        if (k < ntop) {
            top[k].total += p->packets;
            continue;
        }
        if (ntop < 8) {
            top[ntop].port = p->port;
            top[ntop].proto = p->proto;
            top[ntop++].total = p->packets;
        }
    }
    bin = maxmin / 600 + 1; /* at most about 600 points per line */
    {
        /* y range: the largest binned value among the chosen ports */
        size_t nb = maxmin / bin + 1;
        double *acc = hk_xcalloc(nb * (size_t)(ntop ? ntop : 1), sizeof(double));
        for (size_t i = 0; i < s->nseries; i++) {
            const struct series_pt *p = &s->series[i];
            for (int k = 0; k < ntop; k++)
                if (top[k].port == p->port && top[k].proto == p->proto)
                    acc[(size_t)k * nb + p->minute / bin] += p->packets;
        }
        for (size_t i = 0; i < nb * (size_t)ntop; i++)
            if (acc[i] > ymax)
                ymax = acc[i];
        f = svg_open(dir, "ports.svg", "Top destination ports over time (packets per interval)", em,
                     &err);
        if (!f) {
            free(acc);
            return err;
        }
        (void)snprintf(lo, sizeof(lo), "0");
        (void)snprintf(hi, sizeof(hi), "%.0f", ymax);
        axes(f, bin > 1 ? "minutes since start (binned)" : "minutes since start",
             "packets per interval", (double)maxmin, ymax, lo, hi);
        for (int k = 0; k < ntop; k++) {
            pn = top[k].proto == 6 ? "tcp" : top[k].proto == 17 ? "udp" : "icmp";
            (void)fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                          colors[k]);
            for (size_t b = 0; b < nb; b++)
                (void)fprintf(f, "%.1f,%.1f ", px((double)(b * bin), maxmin),
                              py(acc[(size_t)k * nb + b], 0, ymax));
            (void)fprintf(f, "\"/>\n<text x=\"%d\" y=\"%d\" fill=\"%s\">%u/%s</text>\n",
                          W - MR + 10, MT + 16 * (k + 1), colors[k], top[k].port, pn);
        }
        free(acc);
    }
    (void)fputs("</svg>\n", f);
    if (fclose(f))
        return hk_errf(em, HK_EIO, "cannot write ports.svg");
    return HK_OK;
}

static hk_err plot_sources(struct hk_sensor *s, const char *dir, bool cumulative,
                           struct hk_errmsg *em)
{
    double tmax = 1, ymin = 4294967295.0, ymax = 0;
    hk_err err = HK_OK;
    FILE *f;
    char lo[32], hi[32], src[64];

    for (int i = 0; i < s->o.nplot; i++) {
        const struct trace *tr = &s->tr[i];
        for (size_t k = 0; k < tr->n; k++) {
            double t = tr->pt[k].t_ms / 1000.0;
            if (t > tmax)
                tmax = t;
            if (!cumulative) {
                if (tr->pt[k].dst < ymin)
                    ymin = tr->pt[k].dst;
                if (tr->pt[k].dst > ymax)
                    ymax = tr->pt[k].dst;
            }
        }
        if (cumulative && (double)tr->probes > ymax)
            ymax = (double)tr->probes;
    }
    if (cumulative || ymin > ymax)
        ymin = 0;
    f = svg_open(dir, cumulative ? "cumulative.svg" : "scan-pattern.svg",
                 cumulative ? "Cumulative probes over time" : "Destination address over time", em,
                 &err);
    if (!f)
        return err;
    if (cumulative) {
        (void)snprintf(lo, sizeof(lo), "0");
        (void)snprintf(hi, sizeof(hi), "%.0f", ymax);
    } else {
        uint32_t a = (uint32_t)ymin, b = (uint32_t)ymax;
        (void)snprintf(lo, sizeof(lo), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
                       a & 255);
        (void)snprintf(hi, sizeof(hi), "%u.%u.%u.%u", b >> 24, (b >> 16) & 255, (b >> 8) & 255,
                       b & 255);
    }
    axes(f, "seconds since start", cumulative ? "probes" : "destination address", tmax, ymax, lo,
         hi);
    for (int i = 0; i < s->o.nplot; i++) {
        const struct trace *tr = &s->tr[i];
        size_t step = tr->n / 20000 + 1;
        const char *c = colors[i % 12];
        hk_addr_fmt(&tr->src, src, sizeof(src));
        (void)fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", W - MR + 10,
                      MT + 16 * (i + 1), c, src);
        if (cumulative) {
            (void)fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                          c);
            for (size_t k = 0; k < tr->n; k += step)
                (void)fprintf(f, "%.1f,%.1f ", px(tr->pt[k].t_ms / 1000.0, tmax),
                              py((double)(k + 1) * (double)tr->probes / (double)tr->n, 0, ymax));
            (void)fputs("\"/>\n", f);
        } else {
            (void)fprintf(f, "<g fill=\"%s\">\n", c);
            for (size_t k = 0; k < tr->n; k += step)
                (void)fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\"/>\n",
                              px(tr->pt[k].t_ms / 1000.0, tmax), py(tr->pt[k].dst, ymin, ymax));
            (void)fputs("</g>\n", f);
        }
    }
    (void)fputs("</svg>\n", f);
    if (fclose(f))
        return hk_errf(em, HK_EIO, "cannot write the source plots");
    return HK_OK;
}

hk_err hk_sensor_svg(struct hk_sensor *s, const char *dir, struct hk_errmsg *em)
{
    hk_err err = plot_ports(s, dir, em);

    if (err == HK_OK)
        err = plot_sources(s, dir, false, em);
    if (err == HK_OK)
        err = plot_sources(s, dir, true, em);
    return err;
}
