/* SPDX-License-Identifier: MIT */
/*
 * hikeshi vuln: vulnerability handling commands. `vuln cvss VECTOR` parses, validates and
 * scores a CVSS v2.0, v3.0, v3.1 or v4.0 vector locally (no data directory needed) and
 * prints the headline score and severity, then one line per score kind; with --json, one
 * object. A malformed vector exits non-zero with the vector and what is wrong with it.
 * `vuln cvss -` scores one vector per line of standard input, one output line each: a
 * tab-separated "VECTOR base temporal|threat environmental score severity" (a dash for a
 * kind the vector does not define), or with --json one compact object per line.
 * The case commands (add, list, show, edit, state, vendor, product, remediation, remind,
 * import-cve, export-cve, csaf, audit) are API calls through cli_call, so they work on the
 * data directory and against a server alike; a case is named by its number or its public
 * ID ("HKVU#2026-0001", also "2026-0001"), resolved with GET /api/v1/vulns?public_id=.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "hikeshi/cvss.h"
#include "hikeshi/vcase.h"

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

/* ======================= vulnerability cases ======================= */

/* Every value of a repeatable option, as a JSON array of strings. */
static json_t *all_of(const struct args *a, const char *k)
{
    json_t *arr = json_array();

    for (int i = 0; i < a->nkv; i++)
        if (!strcmp(a->kv[i].k, k) && a->kv[i].v)
            json_array_append_new(arr, json_string(a->kv[i].v));
    return arr;
}

static bool all_digits(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Resolves ID (a number, "HKVU#2026-0001" or "2026-0001") to the case's number. */
static int case_id(struct cli *c, const char *ref, char out[32])
{
    json_t *q, *ans = NULL, *items;
    char pub[64];
    int rc;

    if (all_digits(ref)) {
        (void)snprintf(out, 32, "%s", ref);
        return 0;
    }
    if (!strncasecmp(ref, "HKVU#", 5))
        ref += 5;
    (void)snprintf(pub, sizeof(pub), "HKVU#%.40s", ref);
    q = json_pack("{s:s}", "public_id", pub);
    rc = cli_call(c, "GET", "/api/v1/vulns", q, NULL, &ans);
    json_decref(q);
    if (rc) {
        json_decref(ans);
        return rc;
    }
    items = json_object_get(ans, "items");
    if (!json_array_size(items)) {
        json_decref(ans);
        return cli_fail(HK_ENOTFOUND, "no vulnerability case %s", pub);
    }
    (void)snprintf(out, 32, "%lld",
                   (long long)json_integer_value(json_object_get(json_array_get(items, 0), "id")));
    json_decref(ans);
    return 0;
}

static const char *js(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));

    return s ? s : "";
}

/* A case for people: the header fields, then one line per product, vendor, remediation. */
static void print_case(json_t *v)
{
    json_t *r = json_object_get(v, "reporter"), *x, *y;
    size_t i, k;

    (void)printf("%s  %s  [%s, TLP:%s]\n", js(v, "public_id"), js(v, "title"), js(v, "state"),
                 js(v, "tlp"));
    if (*js(v, "description"))
        (void)printf("  %s\n", js(v, "description"));
    if (*js(r, "name") || *js(r, "email") || *js(r, "organisation"))
        (void)printf("reporter       %s%s%s%s%s%s\n", js(r, "name"), *js(r, "email") ? " <" : "",
                     js(r, "email"), *js(r, "email") ? ">" : "", *js(r, "organisation") ? ", " : "",
                     js(r, "organisation"));
    if (*js(v, "publish_at"))
        (void)printf("publication    %s\n", js(v, "publish_at"));
    if (*js(v, "reject_reason"))
        (void)printf("rejected       %s\n", js(v, "reject_reason"));
    if (*js(v, "advisory_id"))
        (void)printf("advisory       %s\n", js(v, "advisory_id"));
    (void)printf("cve            ");
    json_array_foreach(json_object_get(v, "cve_ids"), i, x)(void)
        printf("%s%s", i ? ", " : "", json_string_value(x));
    (void)printf("\ncwe            ");
    json_array_foreach(json_object_get(v, "cwe_ids"), i, x)(void)
        printf("%s%s", i ? ", " : "", json_string_value(x));
    (void)printf("\n");
    json_array_foreach(json_object_get(v, "cvss"), i, x)(void)
        printf("cvss           %.1f %s  %s\n", json_number_value(json_object_get(x, "score")),
               js(x, "severity"), js(x, "vector"));
    json_array_foreach(json_object_get(v, "products"), i, x)
    {
        (void)printf("product #%-5lld %s %s",
                     (long long)json_integer_value(json_object_get(x, "id")), js(x, "vendor"),
                     js(x, "product"));
        json_array_foreach(json_object_get(x, "versions"), k, y)(void)
            printf("%s%s%s%s%s%s", k ? ", " : " ", js(y, "version"),
                   *js(y, "less_than")            ? " <"
                   : *js(y, "less_than_or_equal") ? " <="
                                                  : "",
                   js(y, "less_than"), js(y, "less_than_or_equal"),
                   *js(y, "status") && strcmp(js(y, "status"), "affected") ? " (unaffected)" : "");
        (void)printf("%s%s%s%s\n", *js(x, "cpe") ? "  " : "", js(x, "cpe"),
                     *js(x, "purl") ? "  " : "", js(x, "purl"));
    }
    json_array_foreach(json_object_get(v, "vendors"), i, x)(void)
        printf("vendor         %s (%s): %s%s%s\n", js(x, "team"), js(x, "type"),
               *js(x, "status") ? js(x, "status") : "no status yet",
               *js(x, "statement") ? " - " : "", js(x, "statement"));
    json_array_foreach(json_object_get(v, "remediations"), i, x)(void)
        printf("remediation    %s: %s%s%s\n", js(x, "category"), js(x, "details"),
               *js(x, "url") ? "  " : "", js(x, "url"));
    (void)printf("next           ");
    json_array_foreach(json_object_get(v, "next"), i, x)(void)
        printf("%s%s", i ? ", " : "", json_string_value(x));
    (void)printf("\n");
}

static int call_print(struct cli *c, const char *method, const char *path, json_t *q, json_t *body)
{
    json_t *out = NULL;
    int rc = cli_call(c, method, path, q, body, &out);

    if (!rc && !c->json && json_object_get(out, "public_id") && json_object_get(out, "next"))
        print_case(out);
    else if (!rc)
        cli_print(c, out);
    json_decref(out);
    return rc;
}

/* Prints a document (CSAF, CVE record) as indented JSON whatever --json says. */
static int call_doc(struct cli *c, const char *path, json_t *q)
{
    json_t *out = NULL;
    int rc = cli_call(c, "GET", path, q, NULL, &out);

    if (!rc) {
        char *t = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        (void)puts(t ? t : "null");
        free(t);
    }
    json_decref(out);
    return rc;
}

static int read_all(const char *path, struct hk_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;
    int bad;

    if (!f)
        return cli_fail(HK_EIO, "cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(b, chunk, n)) {
            if (f != stdin)
                (void)fclose(f);
            return cli_fail(HK_ETOOBIG, "'%s' is too large", path);
        }
    bad = ferror(f);
    if (f != stdin)
        (void)fclose(f);
    return bad ? cli_fail(HK_EIO, "cannot read '%s'", path) : 0;
}

/* Options that set case members, for add and edit. */
static int case_body(const struct args *a, json_t *body)
{
    static const struct {
        const char *opt, *field;
    } one[] = {{"title", "title"},
               {"description", "description"},
               {"reporter-name", "reporter_name"},
               {"reporter-email", "reporter_email"},
               {"reporter-org", "reporter_org"},
               {"tlp", "tlp"},
               {"publish-at", "publish_at"},
               {NULL, NULL}};
    static const struct {
        const char *opt, *field;
    } many[] = {{"cve", "cve_ids"}, {"cwe", "cwe_ids"}, {"cvss", "cvss"}, {NULL, NULL}};
    static const char *const known[] = {
        "title",      "description", "reporter-name", "reporter-email", "reporter-org", "tlp",
        "publish-at", "cve",         "cwe",           "cvss",           "vendor",       "file",
        NULL};

    for (int i = 0; i < a->nkv; i++) {
        bool ok = false;
        for (int k = 0; known[k] && !ok; k++)
            ok = !strcmp(known[k], a->kv[i].k);
        if (!ok)
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi vuln --help'",
                            a->kv[i].k);
        if (!a->kv[i].v)
            return cli_fail(HK_EINVAL, "option '--%s' needs a value", a->kv[i].k);
    }
    for (int i = 0; one[i].opt; i++)
        if (arg_has(a, one[i].opt))
            json_object_set_new(body, one[i].field, json_string(arg_get(a, one[i].opt)));
    for (int i = 0; many[i].opt; i++)
        if (arg_has(a, many[i].opt))
            json_object_set_new(body, many[i].field, all_of(a, many[i].opt));
    if (arg_has(a, "file")) {
        struct hk_buf b = HK_BUF_INIT(1 << 20);
        int rc = read_all(arg_get(a, "file"), &b);
        if (!rc)
            json_object_set_new(body, "description", json_string(hk_buf_str(&b)));
        hk_buf_release(&b);
        if (rc)
            return rc;
    }
    return 0;
}

static int only_opts(const struct args *a, const char *const *known)
{
    for (int i = 0; i < a->nkv; i++) {
        bool ok = false;
        for (int k = 0; known[k] && !ok; k++)
            ok = !strcmp(known[k], a->kv[i].k);
        if (!ok)
            return cli_fail(HK_EINVAL, "unknown option '--%s'", a->kv[i].k);
        if (!a->kv[i].v)
            return cli_fail(HK_EINVAL, "option '--%s' needs a value", a->kv[i].k);
    }
    return 0;
}

static int vuln_add(struct cli *c, struct args *a)
{
    json_t *body = json_object();
    int rc = case_body(a, body);

    if (!rc && arg_has(a, "vendor"))
        json_object_set_new(body, "vendors", all_of(a, "vendor"));
    if (!rc)
        rc = call_print(c, "POST", "/api/v1/vulns", NULL, body);
    json_decref(body);
    return rc;
}

static int vuln_state(struct cli *c, const char *id, struct args *a)
{
    static const char *const known[] = {"reason", "publish-at", NULL};
    static const char *const actions[] = {"triage", "coordinate", "schedule", "reject", NULL};
    const char *what = a->pos[1];
    json_t *body = json_object();
    char path[128];
    bool action = false;
    int rc = only_opts(a, known);

    for (int i = 0; actions[i]; i++)
        action = action || !strcmp(actions[i], what);
    if (!action) {
        /* a state name: "coordinating", "scheduled", ... */
        json_object_set_new(body, "state", json_string(what));
        what = "state";
    }
    if (arg_has(a, "reason"))
        json_object_set_new(body, "reason", json_string(arg_get(a, "reason")));
    if (arg_has(a, "publish-at"))
        json_object_set_new(body, "publish_at", json_string(arg_get(a, "publish-at")));
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/%s", id, what);
    if (!rc)
        rc = call_print(c, "POST", path, NULL, body);
    json_decref(body);
    return rc;
}

static int vuln_vendor(struct cli *c, const char *id, struct args *a)
{
    static const char *const known[] = {"status", "statement", "contacted-at", "replied-at", NULL};
    const char *team = a->pos[1];
    json_t *body = json_object(), *cs = NULL, *v;
    char path[256];
    bool on_case = false;
    size_t i;
    int rc = only_opts(a, known);

    if (rc)
        goto out;
    if (arg_has(a, "status"))
        json_object_set_new(body, "status", json_string(arg_get(a, "status")));
    if (arg_has(a, "statement"))
        json_object_set_new(body, "statement", json_string(arg_get(a, "statement")));
    if (arg_has(a, "contacted-at"))
        json_object_set_new(body, "contacted_at", json_string(arg_get(a, "contacted-at")));
    if (arg_has(a, "replied-at"))
        json_object_set_new(body, "replied_at", json_string(arg_get(a, "replied-at")));
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s", id);
    if ((rc = cli_call(c, "GET", path, NULL, NULL, &cs)))
        goto out;
    json_array_foreach(json_object_get(cs, "vendors"), i, v)
    {
        const char *n = json_string_value(json_object_get(v, "team"));
        char tid[32];
        (void)snprintf(tid, sizeof(tid), "%lld",
                       (long long)json_integer_value(json_object_get(v, "team_id")));
        on_case = on_case || (n && !strcasecmp(n, team)) || !strcmp(tid, team);
    }
    if (on_case) {
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/vendors/%.64s", id, team);
        rc = call_print(c, "PATCH", path, NULL, body);
    } else {
        json_object_set_new(body, "team", json_string(team));
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/vendors", id);
        rc = call_print(c, "POST", path, NULL, body);
    }
out:
    json_decref(cs);
    json_decref(body);
    return rc;
}

/* --version "1.2.3", "1.0<1.4" (from 1.0, before 1.4) or "1.0<=1.3". */
static json_t *version_of(const char *s)
{
    const char *lt = strchr(s, '<');
    json_t *o;

    if (!lt)
        return json_string(s);
    o = json_pack("{s:s%}", "version", s, (size_t)(lt - s));
    if (lt[1] == '=')
        json_object_set_new(o, "less_than_or_equal", json_string(lt + 2));
    else
        json_object_set_new(o, "less_than", json_string(lt + 1));
    return o;
}

static int vuln_product(struct cli *c, const char *id, struct args *a)
{
    static const char *const known[] = {"vendor", "product", "version", "cpe",
                                        "purl",   "remove",  NULL};
    json_t *body = json_object(), *vers = json_array();
    char path[128];
    int rc = only_opts(a, known);

    if (!rc && arg_has(a, "remove")) {
        json_decref(body);
        json_decref(vers);
        if (a->nkv != 1)
            return cli_fail(HK_EINVAL, "--remove PRODUCT_ID takes no other option");
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/products/%.20s", id,
                       arg_get(a, "remove"));
        return call_print(c, "DELETE", path, NULL, NULL);
    }

    for (int i = 0; i < a->nkv && !rc; i++)
        if (!strcmp(a->kv[i].k, "version"))
            json_array_append_new(vers, version_of(a->kv[i].v));
    json_object_set_new(body, "versions", vers);
    for (int i = 0; known[i]; i++)
        if (strcmp(known[i], "version") && arg_has(a, known[i]))
            json_object_set_new(body, known[i], json_string(arg_get(a, known[i])));
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/products", id);
    if (!rc)
        rc = call_print(c, "POST", path, NULL, body);
    json_decref(body);
    return rc;
}

static int vuln_remediation(struct cli *c, const char *id, struct args *a)
{
    static const char *const known[] = {"category", "details", "url", "product", NULL};
    json_t *body = json_object();
    char path[128];
    int rc = only_opts(a, known);

    if (arg_has(a, "category"))
        json_object_set_new(body, "category", json_string(arg_get(a, "category")));
    if (arg_has(a, "details"))
        json_object_set_new(body, "details", json_string(arg_get(a, "details")));
    if (arg_has(a, "url"))
        json_object_set_new(body, "url", json_string(arg_get(a, "url")));
    if (arg_has(a, "product")) {
        int64_t n;
        if (hk_parse_i64(arg_get(a, "product"), &n))
            rc = cli_fail(HK_EINVAL, "--product must be a product id (a number)");
        json_object_set_new(body, "product_id", json_integer(n));
    }
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/remediations", id);
    if (!rc)
        rc = call_print(c, "POST", path, NULL, body);
    json_decref(body);
    return rc;
}

static int vuln_import(struct cli *c, struct args *a)
{
    static const char *const known[] = {"case", NULL};
    struct hk_buf b = HK_BUF_INIT(HK_CVE_MAX_BYTES + 1);
    char path[128], id[32];
    json_t *out = NULL;
    int rc = only_opts(a, known);

    if (!rc)
        rc = read_all(a->pos[0], &b);
    if (!rc && arg_has(a, "case") && !(rc = case_id(c, arg_get(a, "case"), id)))
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/import-cve", id);
    else
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/import-cve");
    if (!rc)
        rc = cli_call_raw(c, "POST", path, b.buf ? b.buf : "", b.len, &out);
    if (!rc && !c->json)
        print_case(out);
    else if (!rc)
        cli_print(c, out);
    json_decref(out);
    hk_buf_release(&b);
    return rc;
}

int cmd_vuln(struct cli *c, const struct cmd *cmd, struct args *a)
{
    const char *verb = cmd->verb;
    char id[32], path[128];
    json_t *q = NULL;
    int rc;

    if (a->npos < cmd->npos)
        return cli_fail(HK_EINVAL, "usage: hikeshi vuln %s %s", verb, cmd->usage);
    if (!strcmp(verb, "add"))
        return vuln_add(c, a);
    if (!strcmp(verb, "list")) {
        static const char *const known[] = {"state", "cursor", "limit", NULL};
        if ((rc = only_opts(a, known)))
            return rc;
        q = json_object();
        for (int i = 0; known[i]; i++)
            if (arg_has(a, known[i]))
                json_object_set_new(q, known[i], json_string(arg_get(a, known[i])));
        if (c->json) {
            rc = call_print(c, "GET", "/api/v1/vulns", q, NULL);
        } else {
            json_t *out = NULL, *v;
            size_t i;
            if (!(rc = cli_call(c, "GET", "/api/v1/vulns", q, NULL, &out))) {
                json_array_foreach(json_object_get(out, "items"), i, v)(void) printf(
                    "%-16s %-12s %-12s %-20s %s\n", js(v, "public_id"), js(v, "state"),
                    js(v, "tlp"), *js(v, "publish_at") ? js(v, "publish_at") : "-", js(v, "title"));
                if (json_is_integer(json_object_get(out, "next_cursor")))
                    (void)printf(
                        "(more: --cursor %lld)\n",
                        (long long)json_integer_value(json_object_get(out, "next_cursor")));
            }
            json_decref(out);
        }
        json_decref(q);
        return rc;
    }
    if (!strcmp(verb, "remind")) {
        static const char *const known[] = {"days", NULL};
        json_t *body = json_object();
        int64_t n = 0;
        if ((rc = only_opts(a, known)))
            return rc;
        if (arg_has(a, "days")) {
            if (hk_parse_i64(arg_get(a, "days"), &n)) {
                json_decref(body);
                return cli_fail(HK_EINVAL, "--days must be a number");
            }
            json_object_set_new(body, "days", json_integer(n));
        }
        rc = call_print(c, "POST", "/api/v1/vulns/remind", NULL, body);
        json_decref(body);
        return rc;
    }
    if (!strcmp(verb, "import-cve"))
        return vuln_import(c, a);
    if ((rc = case_id(c, a->pos[0], id)))
        return rc;
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s", id);
    if (!strcmp(verb, "show")) {
        static const char *const none[] = {NULL};
        return (rc = only_opts(a, none)) ? rc : call_print(c, "GET", path, NULL, NULL);
    }
    if (!strcmp(verb, "edit")) {
        json_t *body = json_object();
        rc = case_body(a, body);
        if (!rc && arg_has(a, "vendor"))
            rc = cli_fail(HK_EINVAL, "use 'hikeshi vuln vendor ID TEAM' to add a vendor");
        if (!rc)
            rc = call_print(c, "PATCH", path, NULL, body);
        json_decref(body);
        return rc;
    }
    if (!strcmp(verb, "state"))
        return vuln_state(c, id, a);
    if (!strcmp(verb, "vendor"))
        return vuln_vendor(c, id, a);
    if (!strcmp(verb, "product"))
        return vuln_product(c, id, a);
    if (!strcmp(verb, "remediation"))
        return vuln_remediation(c, id, a);
    if (!strcmp(verb, "csaf")) {
        static const char *const none[] = {NULL};
        if ((rc = only_opts(a, none)))
            return rc;
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/csaf", id);
        return call_doc(c, path, NULL);
    }
    if (!strcmp(verb, "export-cve")) {
        static const char *const known[] = {"cve", NULL};
        if ((rc = only_opts(a, known)))
            return rc;
        if (arg_has(a, "cve"))
            q = json_pack("{s:s}", "cve", arg_get(a, "cve"));
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/cve", id);
        rc = call_doc(c, path, q);
        json_decref(q);
        return rc;
    }
    if (!strcmp(verb, "audit")) {
        (void)snprintf(path, sizeof(path), "/api/v1/vulns/%s/audit", id);
        return call_print(c, "GET", path, NULL, NULL);
    }
    return cli_fail(HK_EINVAL, "unknown command 'vuln %s'", verb);
}
