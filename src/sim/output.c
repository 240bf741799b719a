/* SPDX-License-Identifier: MIT */
/*
 * The simulator's outputs: the infection curve as CSV and as an SVG line chart (infected
 * hosts against time, with the 50 % and 90 % marks), and the summary as JSON.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hikeshi/sim.h"

hk_err hk_sim_write_curve_csv(const struct hk_sim_result *res, FILE *f)
{
    fputs("t_s,infected,infected_share,probes,probes_per_s\n", f);
    for (size_t i = 0; i < res->ncurve; i++) {
        const struct hk_sim_point *p = &res->curve[i];
        fprintf(f, "%.3f,%u,%.6f,%.0f,%.1f\n", p->t, p->infected,
                res->vulnerable ? (double)p->infected / res->vulnerable : 0.0, p->probes,
                p->probe_pps);
    }
    return ferror(f) ? HK_EIO : HK_OK;
}

/* A "nice" axis step: 1, 2 or 5 times a power of ten, giving about n ticks over span. */
static double nice_step(double span, int n)
{
    double raw = span / n, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static void fmt_time(char *b, size_t n, double s)
{
    if (s >= 7200)
        (void)snprintf(b, n, "%gh", s / 3600);
    else if (s >= 120)
        (void)snprintf(b, n, "%gmin", s / 60);
    else
        (void)snprintf(b, n, "%gs", s);
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

hk_err hk_sim_write_curve_svg(const struct hk_sim_scenario *sc, const struct hk_sim_result *res,
                              FILE *f)
{
    const double W = 800, H = 420, L = 70, R = 20, T = 40, B = 50;
    double tmax = res->ncurve ? res->curve[res->ncurve - 1].t : 1, ymax = res->vulnerable;
    double xs, ys;
    char lab[32];

    if (tmax <= 0)
        tmax = 1;
    if (ymax <= 0)
        ymax = 1;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
            "viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" font-size=\"12\">\n",
            W, H, W, H);
    fprintf(f, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n", W, H);
    fputs("<text x=\"70\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", f);
    xml_text(f, sc->name);
    fputs(": infected hosts over time</text>\n", f);
    xs = nice_step(tmax, 8);
    ys = nice_step(ymax, 5);
    for (double x = 0; x <= tmax + 1e-9; x += xs) {
        double px = L + x / tmax * (W - L - R);
        fmt_time(lab, sizeof(lab), x);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#ddd\"/>"
                "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%s</text>\n",
                px, T, px, H - B, px, H - B + 18, lab);
    }
    for (double y = 0; y <= ymax + 1e-9; y += ys) {
        double py = H - B - y / ymax * (H - T - B);
        fprintf(f,
                "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                L, py, W - R, py, L - 6, py + 4, y);
    }
    fprintf(f,
            "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>"
            "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"black\"/>\n",
            L, H - B, W - R, H - B, L, T, L, H - B);
    fprintf(
        f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">time since the first infection</text>\n",
        (L + W - R) / 2, H - 10);
    fprintf(f,
            "<text x=\"16\" y=\"%g\" transform=\"rotate(-90 16 %g)\" "
            "text-anchor=\"middle\">infected hosts (of %u)</text>\n",
            (T + H - B) / 2, (T + H - B) / 2, res->vulnerable);
    fputs("<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"", f);
    for (size_t i = 0; i < res->ncurve; i++)
        fprintf(f, "%.1f,%.1f ", L + res->curve[i].t / tmax * (W - L - R),
                H - B - res->curve[i].infected / ymax * (H - T - B));
    fputs("\"/>\n", f);
    for (int k = 0; k < 2; k++) {
        double t = k ? res->t90 : res->t50;
        if (t < 0)
            continue;
        fmt_time(lab, sizeof(lab), round(t));
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#2c3e50\" "
                "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%g\" fill=\"#2c3e50\">%d%% at "
                "%s</text>\n",
                L + t / tmax * (W - L - R), T, L + t / tmax * (W - L - R), H - B,
                L + t / tmax * (W - L - R) + 4, T + 14 + 14 * k, k ? 90 : 50, lab);
    }
    fputs("</svg>\n", f);
    return ferror(f) ? HK_EIO : HK_OK;
}

static json_t *num_or_null(double v)
{
    return v < 0 ? json_null() : json_real(round(v * 1000) / 1000);
}

char *hk_sim_summary_json(const struct hk_sim_scenario *sc, const struct hk_sim_result *res)
{
    json_t *o = json_object(), *sens = json_array();
    double sweep_sum = 0, p5_sum = 0;
    size_t nsweep = 0, np5 = 0;
    char *text;

    for (size_t i = 0; i < res->nsources; i++) {
        if (res->sources[i].sweep24_s >= 0)
            sweep_sum += res->sources[i].sweep24_s, nsweep++;
        if (res->sources[i].infected_at + sc->startup + 300 <= sc->duration)
            p5_sum += (double)res->sources[i].probes_5min, np5++;
    }
    json_object_set_new(o, "scenario", json_string(sc->name));
    json_object_set_new(o, "worm", json_string(sc->worm));
    json_object_set_new(o, "strategy", json_string(hk_sim_strategy_name(sc->strategy)));
    json_object_set_new(o, "vulnerable", json_integer(res->vulnerable));
    json_object_set_new(o, "infected",
                        json_integer(res->ncurve ? res->curve[res->ncurve - 1].infected : 0));
    json_object_set_new(o, "duration_s", json_real(sc->duration));
    json_object_set_new(o, "t50_s", num_or_null(res->t50));
    json_object_set_new(o, "t90_s", num_or_null(res->t90));
    json_object_set_new(o, "t100_s", num_or_null(res->t100));
    json_object_set_new(o, "doubling_s", num_or_null(res->doubling));
    json_object_set_new(o, "peak_probes_per_s", json_real(round(res->peak_pps)));
    json_object_set_new(o, "peak_probes_at_s", json_real(res->peak_pps_t));
    json_object_set_new(o, "peak_new_infections_per_min", json_real(res->peak_new_per_min));
    json_object_set_new(o, "probes", json_real(round(res->probes)));
    json_object_set_new(o, "mean_sweep24_s",
                        nsweep ? json_real(round(sweep_sum / nsweep * 10) / 10) : json_null());
    json_object_set_new(o, "mean_probes_first_5min",
                        np5 ? json_real(round(p5_sum / np5)) : json_null());
    for (int si = 0; si < sc->nsensors; si++) {
        json_t *s = json_object();
        json_object_set_new(s, "name", json_string(sc->sensors[si].name));
        json_object_set_new(s, "packets", json_integer((json_int_t)res->sensor_packets[si]));
        json_array_append_new(sens, s);
    }
    json_object_set_new(o, "sensors", sens);
    json_object_set_new(o, "engine_s", json_real(round(res->sim_seconds * 1000) / 1000));
    json_object_set_new(o, "pcap_write_s", json_real(round(res->write_seconds * 1000) / 1000));
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(o);
    return text;
}
