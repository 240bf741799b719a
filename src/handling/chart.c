/* SPDX-License-Identifier: MIT */
/*
 * Server-side SVG charts of a statistics series (bar: stacked per bucket; line: one
 * polyline per series), used by GET /api/v1/stats/chart.svg and `hikeshi stats --svg`,
 * so both give byte-identical files for the same data. Deterministic: fixed size, fixed
 * fonts and palette, coordinates printed with one decimal; every text is escaped; no
 * script, no external reference. The y axis uses "nice" numbers (1, 2, 5 x 10^k steps).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/webui.h"

#define W       800
#define H       420
#define ML      72  /* left margin: y tick labels */
#define MR      24  /* right margin (+ legend width when grouped) */
#define MT      56  /* top: title */
#define MB      64  /* bottom: x labels and axis title */
#define LEGEND  168 /* legend column width */
#define MAX_XLB 12  /* at most this many x labels */

static const char *const palette[] = {"#2b6cb0", "#dd6b20", "#38a169", "#e53e3e", "#805ad5",
                                      "#d69e2e", "#319795", "#b83280", "#718096", "#2c5282"};

static void esc(struct hk_buf *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            (void)hk_buf_appends(o, "&amp;");
            break;
        case '<':
            (void)hk_buf_appends(o, "&lt;");
            break;
        case '>':
            (void)hk_buf_appends(o, "&gt;");
            break;
        case '"':
            (void)hk_buf_appends(o, "&quot;");
            break;
        case '\'':
            (void)hk_buf_appends(o, "&#39;");
            break;
        default:
            /* Control characters are not allowed in XML 1.0 text. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                (void)hk_buf_appendc(o, ' ');
            else
                (void)hk_buf_appendc(o, *s);
        }
    }
}

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten near x. */
static double nice(double x, bool round_it)
{
    double e = floor(log10(x)), f = x / pow(10, e), nf;

    if (round_it)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * pow(10, e);
}

static void default_title(json_t *s, bool ja, char *out, size_t n)
{
    const char *obj = hk_jstr(s, "object"), *by = hk_jstr(s, "by"), *g = hk_jstr(s, "group");
    bool rep = !strcmp(obj, "reports");

    if (ja) {
        const char *b = !strcmp(by, "year")    ? "年別"
                        : !strcmp(by, "month") ? "月別"
                        : !strcmp(by, "week")  ? "週別"
                                               : "日別";
        const char *gg = !strcmp(g, "class")    ? "（RSIT分類別）"
                         : !strcmp(g, "team")   ? "（チーム別）"
                         : !strcmp(g, "source") ? "（受付経路別）"
                                                : "";
        (void)snprintf(out, n, "%s%s件数%s", b, rep ? "報告" : "インシデント", gg);
        return;
    }
    (void)snprintf(out, n, "%s per %s%s%s", rep ? "Reports" : "Incidents", by,
                   strcmp(g, "none") ? " by " : "",
                   !strcmp(g, "class") ? "RSIT class"
                   : strcmp(g, "none") ? g
                                       : "");
}

hk_err hk_stats_svg(json_t *s, const struct hk_chart_opts *o, struct hk_buf *out,
                    struct hk_errmsg *em)
{
    json_t *buckets = json_object_get(s, "buckets"), *series = json_object_get(s, "series");
    size_t nb = json_array_size(buckets), ns = json_array_size(series);
    bool line = o && o->type && !strcmp(o->type, "line");
    bool ja = o && o->lang && !strcmp(o->lang, "ja");
    bool legend = ns > 1;
    double pw, ph, max = 0, top, step, x0 = ML, y0;
    char title[256];
    size_t every;

    if (o && o->type && strcmp(o->type, "bar") && strcmp(o->type, "line"))
        return hk_errf(em, HK_EINVAL, "type must be bar or line");
    if (o && o->lang && strcmp(o->lang, "en") && strcmp(o->lang, "ja"))
        return hk_errf(em, HK_EINVAL, "lang must be en or ja");
    if (o && o->title && strlen(o->title) > 200)
        return hk_errf(em, HK_EINVAL, "title longer than 200 bytes");
    if (o && o->title && *o->title)
        (void)snprintf(title, sizeof(title), "%s", o->title);
    else
        default_title(s, ja, title, sizeof(title));
    pw = W - ML - MR - (legend ? LEGEND : 0);
    ph = H - MT - MB;
    y0 = MT + ph;
    /* The y range: stacked totals for bars, the largest value for lines. */
    for (size_t b = 0; b < nb; b++) {
        double sum = 0;
        for (size_t k = 0; k < ns; k++) {
            double v = (double)json_integer_value(
                json_array_get(json_object_get(json_array_get(series, k), "values"), b));
            sum += v;
            if (line && v > max)
                max = v;
        }
        if (!line && sum > max)
            max = sum;
    }
    step = max > 0 ? nice(nice(max, false) / 5, true) : 1;
    if (step < 1)
        step = 1;
    top = ceil(max / step) * step;
    if (top <= 0)
        top = step * 5;

    (void)hk_buf_appendf(out,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                         "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Noto Sans CJK JP, "
                         "sans-serif\" font-size=\"12\">\n",
                         W, H, W, H);
    (void)hk_buf_appends(out, "<title>");
    esc(out, title);
    (void)hk_buf_appends(out, "</title>\n");
    (void)hk_buf_appendf(
        out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
    (void)hk_buf_appendf(out,
                         "<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\" "
                         "fill=\"#1a202c\">",
                         ML);
    esc(out, title);
    (void)hk_buf_appends(out, "</text>\n");
    /* Grid lines and y ticks. */
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = y0 - v / top * ph;
        (void)hk_buf_appendf(out,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"#e2e8f0\"/>\n",
                             x0, y, x0 + pw, y);
        (void)hk_buf_appendf(out,
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                             "fill=\"#4a5568\">%.0f</text>\n",
                             x0 - 8, y + 4, v);
    }
    (void)hk_buf_appendf(out,
                         "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#4a5568\" "
                         "transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
                         MT + ph / 2, MT + ph / 2, ja ? "件数" : "Count");
    /* Axes. */
    (void)hk_buf_appendf(
        out,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#2d3748\"/>\n"
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#2d3748\"/>\n",
        x0, (double)MT, x0, y0, x0, y0, x0 + pw, y0);
    if (!nb) {
        (void)hk_buf_appendf(out,
                             "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                             "fill=\"#718096\">%s</text>\n",
                             x0 + pw / 2, MT + ph / 2, ja ? "データなし" : "No data");
    }
    every = nb > MAX_XLB ? (nb + MAX_XLB - 1) / MAX_XLB : 1;
    for (size_t b = 0; b < nb; b++) {
        double slot = pw / (double)nb, cx = x0 + slot * ((double)b + 0.5);
        if (b % every == 0) {
            (void)hk_buf_appendf(out,
                                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                 "stroke=\"#2d3748\"/>\n",
                                 cx, y0, cx, y0 + 4);
            (void)hk_buf_appendf(out,
                                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                                 "fill=\"#4a5568\">",
                                 cx, y0 + 18);
            esc(out, json_string_value(json_array_get(buckets, b)));
            (void)hk_buf_appends(out, "</text>\n");
        }
    }
    if (line) {
        for (size_t k = 0; k < ns; k++) {
            json_t *vals = json_object_get(json_array_get(series, k), "values");
            (void)hk_buf_appendf(out,
                                 "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                                 "points=\"",
                                 palette[k % 10]);
            for (size_t b = 0; b < nb; b++) {
                double slot = pw / (double)nb, cx = x0 + slot * ((double)b + 0.5);
                double v = (double)json_integer_value(json_array_get(vals, b));
                (void)hk_buf_appendf(out, "%s%.1f,%.1f", b ? " " : "", cx, y0 - v / top * ph);
            }
            (void)hk_buf_appends(out, "\"/>\n");
        }
    } else {
        for (size_t b = 0; b < nb; b++) {
            double slot = pw / (double)nb, bw = slot * 0.7,
                   bx = x0 + slot * (double)b + slot * 0.15;
            double base = 0;
            for (size_t k = 0; k < ns; k++) {
                json_t *e = json_array_get(series, k);
                double v =
                    (double)json_integer_value(json_array_get(json_object_get(e, "values"), b));
                double h = v / top * ph;
                if (v <= 0)
                    continue;
                (void)hk_buf_appendf(out,
                                     "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                     "fill=\"%s\"><title>",
                                     bx, y0 - base - h, bw, h, palette[k % 10]);
                esc(out, json_string_value(json_array_get(buckets, b)));
                if (ns > 1) {
                    (void)hk_buf_appends(out, " ");
                    esc(out, hk_jstr(e, "name"));
                }
                (void)hk_buf_appendf(out, ": %.0f</title></rect>\n", v);
                base += h;
            }
        }
    }
    if (legend) {
        double lx = W - MR - LEGEND + 16;
        for (size_t k = 0; k < ns && k < 16; k++) {
            double ly = MT + 8 + 20 * (double)k;
            (void)hk_buf_appendf(out,
                                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
                                 "fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" fill=\"#2d3748\">",
                                 lx, ly, palette[k % 10], lx + 18, ly + 10);
            esc(out, hk_jstr(json_array_get(series, k), "name"));
            (void)hk_buf_appends(out, "</text>\n");
        }
    }
    (void)hk_buf_appends(out, "</svg>\n");
    return HK_OK;
}
