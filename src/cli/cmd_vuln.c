/* SPDX-License-Identifier: MIT */
/*
 * hikeshi vuln: vulnerability handling commands. `vuln cvss VECTOR` parses, validates and
 * scores a CVSS v2.0, v3.0, v3.1 or v4.0 vector locally (no data directory needed) and
 * prints the headline score and severity, then one line per score kind; with --json, one
 * object. A malformed vector exits non-zero with the vector and what is wrong with it.
 * `vuln cvss -` scores one vector per line of standard input, one output line each: a
 * tab-separated "VECTOR base temporal|threat environmental score severity" (a dash for a
 * kind the vector does not define), or with --json one compact object per line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/cvss.h"

/* "9.8" from 98. */
static void fmt_tenths(char *buf, size_t size, int t)
{
    (void)snprintf(buf, size, "%s%d.%d", t < 0 ? "-" : "", abs(t) / 10, abs(t) % 10);
}

/* The kinds a vector defines: v3 all three; v2 and v4 those whose metrics it gives. */
static bool defines_temporal(const struct hk_cvss_scores *s)
{
    return (s->version == HK_CVSS_V30 || s->version == HK_CVSS_V31) || s->has_temporal;
}

static bool defines_environmental(const struct hk_cvss_scores *s)
{
    return (s->version == HK_CVSS_V30 || s->version == HK_CVSS_V31) || s->has_environmental;
}

static void add_score(json_t *o, const char *key, const char *sevkey, int version, int t)
{
    (void)json_object_set_new(o, key, json_real(t / 10.0));
    (void)json_object_set_new(o, sevkey, json_string(hk_cvss_severity(version, t)));
}

static json_t *to_json(const char *vec, const struct hk_cvss_scores *s)
{
    json_t *o = json_object();
    int v = s->version;

    (void)json_object_set_new(o, "version", json_string(hk_cvss_version_str(v)));
    (void)json_object_set_new(o, "vector", json_string(vec));
    add_score(o, "base_score", "base_severity", v, s->base);
    if (v == HK_CVSS_V40) {
        if (s->has_temporal)
            add_score(o, "threat_score", "threat_severity", v, s->threat);
        if (s->has_environmental)
            add_score(o, "environmental_score", "environmental_severity", v, s->environmental);
        add_score(o, "score", "severity", v, s->score);
        (void)json_object_set_new(o, "nomenclature", json_string(s->nomenclature));
        (void)json_object_set_new(o, "macrovector", json_string(s->macrovector));
    } else {
        /* v3 defines all three scores for every vector; v2 only those whose metrics are
         * given. */
        if (v != HK_CVSS_V20 || s->has_temporal)
            add_score(o, "temporal_score", "temporal_severity", v, s->temporal);
        if (v != HK_CVSS_V20 || s->has_environmental)
            add_score(o, "environmental_score", "environmental_severity", v, s->environmental);
    }
    return o;
}

static void print_json(const char *vec, const struct hk_cvss_scores *s, size_t flags)
{
    json_t *o = to_json(vec, s);
    char *txt = json_dumps(o, flags | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3));

    (void)puts(txt ? txt : "null");
    free(txt);
    json_decref(o);
}

static void print_row(const char *vec, const struct hk_cvss_scores *s)
{
    char b[16], t[16] = "-", e[16] = "-", o[16];

    fmt_tenths(b, sizeof(b), s->base);
    if (defines_temporal(s))
        fmt_tenths(t, sizeof(t), s->version == HK_CVSS_V40 ? s->threat : s->temporal);
    if (defines_environmental(s))
        fmt_tenths(e, sizeof(e), s->environmental);
    fmt_tenths(o, sizeof(o), s->score);
    (void)printf("%s\t%s\t%s\t%s\t%s\t%s\n", vec, b, t, e, o,
                 hk_cvss_severity(s->version, s->score));
}

/* `vuln cvss -`: every line of standard input. Bad lines are reported on stderr with their
 * number and skipped; the exit code is that of the first. */
static int bulk(struct cli *c)
{
    char line[HK_CVSS_MAX_LEN + 2];
    long n = 0;
    int rc = 0;

    while (fgets(line, sizeof(line), stdin)) {
        size_t len = strcspn(line, "\r\n");
        struct hk_cvss cv;
        struct hk_cvss_scores s;
        struct hk_errmsg em = {{0}};
        hk_err err;

        n++;
        if (line[len] == '\0' && !feof(stdin)) {
            int ch;

            while ((ch = getchar()) != EOF && ch != '\n')
                ;
            err = hk_errf(&em, HK_ETOOBIG, "vector too long (at most %d bytes)", HK_CVSS_MAX_LEN);
        } else {
            line[len] = '\0';
            if (len == 0)
                continue;
            err = hk_cvss_parse(line, len, &cv, &em);
        }
        if (err != HK_OK) {
            int e = cli_fail(err, "line %ld: %.200s: %s", n, line, em.text);

            rc = rc ? rc : e;
            continue;
        }
        hk_cvss_score(&cv, &s);
        if (c->json)
            print_json(line, &s, JSON_COMPACT);
        else
            print_row(line, &s);
    }
    return rc;
}

static void line(const char *kind, int version, int t, const char *label)
{
    char n[16];

    fmt_tenths(n, sizeof(n), t);
    (void)printf("%-14s %s %s%s%s%s\n", kind, n, hk_cvss_severity(version, t), label ? " (" : "",
                 label ? label : "", label ? ")" : "");
}

static void print_text(const struct hk_cvss_scores *s)
{
    char n[16];
    int v = s->version;

    if (v == HK_CVSS_V40) {
        fmt_tenths(n, sizeof(n), s->score);
        (void)printf("%s %s (%s)\n", n, hk_cvss_severity(v, s->score), s->nomenclature);
        line("base", v, s->base, "CVSS-B");
        if (s->has_temporal)
            line("threat", v, s->threat, "CVSS-BT");
        if (s->has_environmental)
            line("environmental", v, s->environmental, s->nomenclature);
        (void)printf("%-14s %s\n", "macrovector", s->macrovector);
        return;
    }
    fmt_tenths(n, sizeof(n), s->base);
    (void)printf("%s %s\n", n, hk_cvss_severity(v, s->base));
    line("base", v, s->base, NULL);
    if (defines_temporal(s))
        line("temporal", v, s->temporal, NULL);
    if (defines_environmental(s))
        line("environmental", v, s->environmental, NULL);
}

int cmd_vuln_cvss(struct cli *c, const struct cmd *cmd, struct args *a)
{
    const char *vec;
    struct hk_cvss cv;
    struct hk_cvss_scores s;
    struct hk_errmsg em = {{0}};
    hk_err err;

    (void)cmd;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi vuln cvss VECTOR (one vector, quoted)");
    vec = a->pos[0];
    if (strcmp(vec, "-") == 0)
        return bulk(c);
    err = hk_cvss_parse(vec, strlen(vec), &cv, &em);
    if (err != HK_OK)
        return cli_fail(err, "%.*s%s: %s", 200, vec, strlen(vec) > 200 ? "..." : "", em.text);
    hk_cvss_score(&cv, &s);
    if (c->json)
        print_json(vec, &s, JSON_INDENT(2));
    else
        print_text(&s);
    return 0;
}
