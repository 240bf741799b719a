/* SPDX-License-Identifier: MIT */
/*
 * Vulnerability cases: intake, reading (with the reporter/staff visibility rule), editing,
 * the lifecycle (received -> triage -> coordinating -> scheduled -> published | rejected),
 * vendors, products and remediations. Every input is validated completely before the first
 * write, so an error leaves nothing behind even outside a transaction; every change writes
 * one audit entry. The public ID "HKVU#YYYY-NNNN" takes max(seq) + 1 of the year inside the
 * creating (write) transaction, so the sequence has no gaps: a rolled-back case frees its
 * number again.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hikeshi/advisory.h"
#include "hikeshi/cpe.h"
#include "hikeshi/cvss.h"
#include "hikeshi/directory.h"
#include "vuln/vcase_int.h"

#define MAX_TITLE     500
#define MAX_TEXT      65536
#define MAX_NAME      256
#define MAX_LIST      100
#define MAX_VERSIONS  200
#define MAX_STATEMENT 16384

static const char *const states[] = {"received",  "triage",    "coordinating",
                                     "scheduled", "published", "rejected"};

hk_err vc_audit(struct hk_ctx *ctx, const char *action, int64_t id, json_t *before, json_t *after)
{
    hk_err err = after ? hk_audit(ctx, action, "vcase", id, before, after) : HK_ENOMEM;

    json_decref(after);
    return err;
}

void hk_vcase_public_id(int year, int64_t seq, char out[HK_VCASE_ID_MAX])
{
    (void)snprintf(out, HK_VCASE_ID_MAX, "HKVU#%04d-%04lld", year % 10000, (long long)seq);
}

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool hk_cve_id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n >= 13 && n <= 24 && !strncmp(s, "CVE-", 4) && all_digits(s + 4, 4) && s[8] == '-' &&
           all_digits(s + 9, n - 9);
}

bool hk_cwe_id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n > 4 && n <= 12 && !strncmp(s, "CWE-", 4) && all_digits(s + 4, n - 4) && s[4] != '0';
}

bool vc_remediation_category(const char *s)
{
    static const char *const cats[] = {"vendor_fix",     "workaround",     "mitigation",
                                       "no_fix_planned", "none_available", NULL};

    for (int i = 0; s && cats[i]; i++)
        if (!strcmp(s, cats[i]))
            return true;
    return false;
}

static bool vendor_status_valid(const char *s)
{
    return !strcmp(s, "affected") || !strcmp(s, "not_affected") ||
           !strcmp(s, "under_investigation") || !strcmp(s, "fixed");
}

/* ---- list members ---- */

static hk_err id_list(struct hk_ctx *ctx, const char *key, json_t *in, bool cve, json_t **out)
{
    json_t *a = json_array(), *v;
    size_t i;

    *out = NULL;
    if (!json_is_array(in)) {
        json_decref(a);
        return hk_errf(ctx->em, HK_EINVAL, "%s: must be an array of strings", key);
    }
    if (json_array_size(in) > MAX_LIST) {
        json_decref(a);
        return hk_errf(ctx->em, HK_EINVAL, "%s: more than %d entries", key, MAX_LIST);
    }
    json_array_foreach(in, i, v)
    {
        char buf[32];
        const char *s = json_string_value(v);
        size_t n = s ? strlen(s) : 0, k;
        bool dup = false;

        if (!s || n >= sizeof(buf)) {
            json_decref(a);
            return hk_errf(ctx->em, HK_EINVAL, "%s[%zu]: must be a %s id string", key, i,
                           cve ? "CVE" : "CWE");
        }
        for (k = 0; k <= n; k++)
            buf[k] = (char)toupper((unsigned char)s[k]);
        if (cve ? !hk_cve_id_valid(buf) : !hk_cwe_id_valid(buf)) {
            json_decref(a);
            return hk_errf(ctx->em, HK_EINVAL, "%s[%zu]: '%.40s' is not a %s id (%s)", key, i, s,
                           cve ? "CVE" : "CWE", cve ? "CVE-YYYY-NNNN" : "CWE-N");
        }
        for (k = 0; k < json_array_size(a) && !dup; k++)
            dup = !strcmp(json_string_value(json_array_get(a, k)), buf);
        if (!dup)
            json_array_append_new(a, json_string(buf));
    }
    *out = a;
    return HK_OK;
}

hk_err vc_cve_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out)
{
    return id_list(ctx, key, in, true, out);
}

hk_err vc_cwe_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out)
{
    return id_list(ctx, key, in, false, out);
}

hk_err vc_cvss_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out)
{
    json_t *a = json_array(), *v;
    size_t i;

    *out = NULL;
    if (!json_is_array(in) || json_array_size(in) > MAX_LIST) {
        json_decref(a);
        return hk_errf(ctx->em, HK_EINVAL, "%s: must be an array of at most %d vectors", key,
                       MAX_LIST);
    }
    json_array_foreach(in, i, v)
    {
        const char *vec = json_is_object(v) ? json_string_value(json_object_get(v, "vector"))
                                            : json_string_value(v);
        struct hk_errmsg em = {{0}};
        struct hk_cvss cv;
        struct hk_cvss_scores s;
        hk_err err;
        int sc;

        if (!vec) {
            json_decref(a);
            return hk_errf(ctx->em, HK_EINVAL, "%s[%zu]: must be a CVSS vector string", key, i);
        }
        if ((err = hk_cvss_parse(vec, strlen(vec), &cv, &em))) {
            json_decref(a);
            return hk_errf(ctx->em, HK_EINVAL, "%s[%zu]: %.120s: %s", key, i, vec, em.text);
        }
        if (cv.version == HK_CVSS_V20) {
            json_decref(a);
            return hk_errf(ctx->em, HK_EINVAL,
                           "%s[%zu]: CVSS v2 vectors are not accepted (v3.0, "
                           "v3.1 or v4.0)",
                           key, i);
        }
        hk_cvss_score(&cv, &s);
        sc = cv.version == HK_CVSS_V40 ? s.score : s.base;
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:f, s:s}", "version",
                                        hk_cvss_version_str(cv.version), "vector", vec, "score",
                                        sc / 10.0, "severity", hk_cvss_severity(cv.version, sc)));
    }
    *out = a;
    return HK_OK;
}

/* One version entry: "1.2.3" or {"version", "less_than"?, "less_than_or_equal"?, "status"?}. */
static hk_err version_entry(struct hk_ctx *ctx, const char *key, size_t i, json_t *v, json_t **out)
{
    static const char *const allowed[] = {"version", "less_than", "less_than_or_equal", "status",
                                          NULL};
    const char *ver, *lt = NULL, *le = NULL, *st = NULL;
    json_t *o;
    hk_err err;

    *out = NULL;
    if (json_is_string(v)) {
        ver = json_string_value(v);
    } else if (json_is_object(v)) {
        {
            const char *k;
            json_t *x;
            json_object_foreach(v, k, x)
            {
                bool ok = false;
                for (int j = 0; allowed[j]; j++)
                    ok = ok || !strcmp(k, allowed[j]);
                if (!ok)
                    return hk_errf(ctx->em, HK_EINVAL, "%s.versions[%zu]: unknown member '%.40s'",
                                   key, i, k);
                if (!json_is_string(x))
                    return hk_errf(ctx->em, HK_EINVAL, "%s.versions[%zu].%s: must be a string", key,
                                   i, k);
            }
        }
        ver = json_string_value(json_object_get(v, "version"));
        lt = json_string_value(json_object_get(v, "less_than"));
        le = json_string_value(json_object_get(v, "less_than_or_equal"));
        st = json_string_value(json_object_get(v, "status"));
    } else {
        return hk_errf(ctx->em, HK_EINVAL, "%s.versions[%zu]: must be a string or an object", key,
                       i);
    }
    if (!ver || !*ver || strlen(ver) > 128)
        return hk_errf(ctx->em, HK_EINVAL, "%s.versions[%zu].version: required, 1-128 bytes", key,
                       i);
    if ((lt && (!*lt || strlen(lt) > 128)) || (le && (!*le || strlen(le) > 128)) || (lt && le))
        return hk_errf(ctx->em, HK_EINVAL,
                       "%s.versions[%zu]: one of less_than / less_than_or_equal, 1-128 bytes", key,
                       i);
    if (st && strcmp(st, "affected") && strcmp(st, "unaffected") && strcmp(st, "unknown"))
        return hk_errf(ctx->em, HK_EINVAL,
                       "%s.versions[%zu].status: '%.40s' is not affected, unaffected or unknown",
                       key, i, st);
    o = json_pack("{s:s}", "version", ver);
    if (lt)
        json_object_set_new(o, "less_than", json_string(lt));
    if (le)
        json_object_set_new(o, "less_than_or_equal", json_string(le));
    if (st)
        json_object_set_new(o, "status", json_string(st));
    *out = o;
    (void)err;
    return HK_OK;
}

hk_err vc_product_check(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out)
{
    static const char *const allowed[] = {"vendor", "product", "versions", "cpe", "purl", NULL};
    const char *vendor, *product, *cpe, *purl, *k;
    json_t *vers, *v, *o, *a;
    size_t i;
    hk_err err;

    *out = NULL;
    if (!json_is_object(in))
        return hk_errf(ctx->em, HK_EINVAL, "%s: must be an object", key);
    json_object_foreach(in, k, v)
    {
        bool ok = false;
        for (int j = 0; allowed[j]; j++)
            ok = ok || !strcmp(k, allowed[j]);
        if (!ok)
            return hk_errf(ctx->em, HK_EINVAL, "%s: unknown member '%.40s'", key, k);
        if (strcmp(k, "versions") && !json_is_string(v) && !json_is_null(v))
            return hk_errf(ctx->em, HK_EINVAL, "%s.%s: must be a string", key, k);
    }
    vendor = json_string_value(json_object_get(in, "vendor"));
    product = json_string_value(json_object_get(in, "product"));
    cpe = json_string_value(json_object_get(in, "cpe"));
    purl = json_string_value(json_object_get(in, "purl"));
    if (!vendor || !*vendor || strlen(vendor) > MAX_NAME)
        return hk_errf(ctx->em, HK_EINVAL, "%s.vendor: required, 1-%d bytes", key, MAX_NAME);
    if (!product || !*product || strlen(product) > MAX_NAME)
        return hk_errf(ctx->em, HK_EINVAL, "%s.product: required, 1-%d bytes", key, MAX_NAME);
    if (cpe && *cpe) {
        struct hk_cpe c;
        struct hk_errmsg em = {{0}};
        if (strncmp(cpe, "cpe:2.3:", 8))
            return hk_errf(ctx->em, HK_EINVAL, "%s.cpe: '%.80s' is not a CPE 2.3 formatted string",
                           key, cpe);
        if ((err = hk_cpe_parse(cpe, strlen(cpe), &c, &em)))
            return hk_errf(ctx->em, HK_EINVAL, "%s.cpe: %.100s: %s", key, cpe, em.text);
    }
    if (purl && *purl) {
        struct hk_purl pu;
        struct hk_errmsg em = {{0}};
        if (hk_purl_parse(purl, strlen(purl), &pu, &em))
            return hk_errf(ctx->em, HK_EINVAL, "%s.purl: %.100s: %s", key, purl, em.text);
    }
    vers = json_object_get(in, "versions");
    if (vers && !json_is_null(vers) &&
        (!json_is_array(vers) || json_array_size(vers) > MAX_VERSIONS))
        return hk_errf(ctx->em, HK_EINVAL, "%s.versions: must be an array of at most %d versions",
                       key, MAX_VERSIONS);
    a = json_array();
    json_array_foreach(vers, i, v)
    {
        json_t *e;
        if ((err = version_entry(ctx, key, i, v, &e))) {
            json_decref(a);
            return err;
        }
        json_array_append_new(a, e);
    }
    o = json_pack("{s:s, s:s, s:o, s:s, s:s}", "vendor", vendor, "product", product, "versions", a,
                  "cpe", cpe ? cpe : "", "purl", purl ? purl : "");
    *out = o;
    return o ? HK_OK : HK_ENOMEM;
}

hk_err vc_product_insert(struct hk_ctx *ctx, int64_t case_id, json_t *p, int64_t *pid)
{
    char *vers = json_dumps(json_object_get(p, "versions"), JSON_COMPACT | JSON_REAL_PRECISION(10));
    hk_err err;

    if (!vers)
        return HK_ENOMEM;
    err = hk_store_exec(ctx->st, HK_Q_VPRODUCT_INSERT,
                        HK_SQL_ARGS(hk_sql_int(case_id), hk_sql_text(hk_jstr(p, "vendor")),
                                    hk_sql_text(hk_jstr(p, "product")), hk_sql_text(vers),
                                    hk_sql_text(hk_jstr(p, "cpe")), hk_sql_text(hk_jstr(p, "purl")),
                                    hk_sql_int(ctx->now)),
                        pid);
    free(vers);
    return err;
}

hk_err vc_vendor_insert(struct hk_ctx *ctx, int64_t case_id, const char *ref, const char *status,
                        const char *statement, int64_t contacted, int64_t replied, const char *key)
{
    json_t *team = NULL, *ex = NULL;
    int64_t tid = 0;
    const char *type;
    hk_err err;

    if (!ref || !*ref)
        return hk_errf(ctx->em, HK_EINVAL, "%s: a directory team (name or id) is required", key);
    if (status && *status && !vendor_status_valid(status))
        return hk_errf(ctx->em, HK_EINVAL,
                       "%s.status: '%.40s' is not affected, not_affected, under_investigation or "
                       "fixed",
                       key, status);
    if (statement && strlen(statement) > MAX_STATEMENT)
        return hk_errf(ctx->em, HK_EINVAL, "%s.statement: longer than %d bytes", key,
                       MAX_STATEMENT);
    if ((err = hk_team_resolve(ctx, ref, &tid)))
        return hk_errf(ctx->em, err, "%s: no team '%.60s' in the directory", key, ref);
    if ((err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(tid)), &team)))
        return err;
    type = hk_jstr(team, "type");
    if (strcmp(type, "vendor") && strcmp(type, "psirt")) {
        err = hk_errf(ctx->em, HK_EINVAL, "%s: team '%.60s' is of type %s, not vendor or psirt",
                      key, ref, type);
        goto out;
    }
    err = hk_store_row(ctx->st, HK_Q_VVENDOR_GET, HK_SQL_ARGS(hk_sql_int(case_id), hk_sql_int(tid)),
                       &ex);
    if (!err) {
        err = hk_errf(ctx->em, HK_EDUP, "%s: team '%.60s' is already a vendor of this case", key,
                      ref);
        goto out;
    }
    if (err != HK_ENOTFOUND)
        goto out;
    err = hk_store_exec(ctx->st, HK_Q_VVENDOR_INSERT,
                        HK_SQL_ARGS(hk_sql_int(case_id), hk_sql_int(tid),
                                    hk_sql_text(status ? status : ""),
                                    hk_sql_text(statement ? statement : ""), hk_sql_int0(contacted),
                                    hk_sql_int0(replied), hk_sql_int(ctx->now)),
                        NULL);
    if (!err)
        err = vc_audit(ctx, "vcase.vendor", case_id, NULL,
                       json_pack("{s:s, s:I, s:s, s:s}", "team", hk_jstr(team, "name"), "team_id",
                                 (json_int_t)tid, "status", status ? status : "", "op", "add"));
out:
    json_decref(ex);
    json_decref(team);
    return err;
}

/* ---- reading ---- */

hk_err vc_load(struct hk_ctx *ctx, int64_t id, json_t **row)
{
    hk_err err = hk_store_row(ctx->st, HK_Q_VCASE_GET, HK_SQL_ARGS(hk_sql_int(id)), row);

    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, HK_ENOTFOUND, "no vulnerability case %lld", (long long)id);
    return err;
}

bool vc_can_read(struct hk_ctx *ctx, json_t *row)
{
    if (hk_is_staff(ctx))
        return true;
    if (ctx->who.role != HK_ROLE_REPORTER || !ctx->who.user_id)
        return false;
    return json_integer_value(json_object_get(row, "reporter_user_id")) == ctx->who.user_id;
}

static json_t *next_states(const char *st)
{
    json_t *a = json_array();

    if (!strcmp(st, "received"))
        json_array_append_new(a, json_string("triage"));
    else if (!strcmp(st, "triage"))
        json_array_append_new(a, json_string("coordinating"));
    else if (!strcmp(st, "coordinating"))
        json_array_append_new(a, json_string("scheduled"));
    else if (!strcmp(st, "scheduled")) {
        json_array_append_new(a, json_string("coordinating"));
        json_array_append_new(a, json_string("published"));
    }
    if (strcmp(st, "published") && strcmp(st, "rejected"))
        json_array_append_new(a, json_string("rejected"));
    return a;
}

/* Moves the flat reporter columns into "reporter". */
static void shape(json_t *row)
{
    json_t *r =
        json_pack("{s:s, s:s, s:s, s:O}", "name", hk_jstr(row, "reporter_name"), "email",
                  hk_jstr(row, "reporter_email"), "organisation", hk_jstr(row, "reporter_org"),
                  "user_id", json_object_get(row, "reporter_user_id"));

    json_object_set_new(row, "reporter", r);
    json_object_del(row, "reporter_name");
    json_object_del(row, "reporter_email");
    json_object_del(row, "reporter_org");
    json_object_del(row, "reporter_user_id");
}

static hk_err attach(struct hk_ctx *ctx, int64_t id, json_t *row)
{
    json_t *p = NULL, *v = NULL, *r = NULL;
    hk_err err;

    if ((err = hk_store_rows(ctx->st, HK_Q_VPRODUCTS_OF_CASE, HK_SQL_ARGS(hk_sql_int(id)), &p)) ||
        (err = hk_store_rows(ctx->st, HK_Q_VVENDORS_OF_CASE, HK_SQL_ARGS(hk_sql_int(id)), &v)) ||
        (err = hk_store_rows(ctx->st, HK_Q_VREMEDS_OF_CASE, HK_SQL_ARGS(hk_sql_int(id)), &r))) {
        json_decref(p);
        json_decref(v);
        json_decref(r);
        return err;
    }
    json_object_set_new(row, "products", p);
    json_object_set_new(row, "vendors", v);
    json_object_set_new(row, "remediations", r);
    json_object_set_new(row, "next", next_states(hk_jstr(row, "state")));
    return HK_OK;
}

hk_err hk_vcase_get(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *row = NULL;
    hk_err err;

    *out = NULL;
    if ((err = vc_load(ctx, id, &row)))
        return err;
    if (!vc_can_read(ctx, row)) {
        json_decref(row);
        return hk_errf(ctx->em, HK_ENOTFOUND, "no vulnerability case %lld", (long long)id);
    }
    if ((err = attach(ctx, id, row))) {
        json_decref(row);
        return err;
    }
    shape(row);
    *out = row;
    return HK_OK;
}

hk_err hk_vcase_find(struct hk_ctx *ctx, const char *ref, int64_t *id)
{
    char pub[HK_VCASE_ID_MAX];
    const char *p = ref;
    json_t *row = NULL;
    int64_t n = 0;
    hk_err err;

    *id = 0;
    if (!p)
        return hk_errf(ctx->em, HK_EINVAL, "a case id is required");
    if (all_digits(p, strlen(p)) && strlen(p) <= 18) {
        if (hk_parse_i64(p, &n) || n <= 0)
            return hk_errf(ctx->em, HK_ENOTFOUND, "no vulnerability case '%.40s'", p);
    } else {
        int year;
        long long seq;
        char tail;
        if (!strncasecmp(p, "HKVU#", 5))
            p += 5;
        if (strlen(p) > 15 || sscanf(p, "%4d-%lld%c", &year, &seq, &tail) != 2 || year < 1000 ||
            seq <= 0)
            return hk_errf(ctx->em, HK_EINVAL,
                           "'%.40s' is not a case id (HKVU#YYYY-NNNN or a number)", ref);
        hk_vcase_public_id(year, seq, pub);
        err = hk_store_scalar(ctx->st, HK_Q_VCASE_BY_PUBLIC_ID, HK_SQL_ARGS(hk_sql_text(pub)), &n);
        if (err == HK_ENOTFOUND)
            return hk_errf(ctx->em, HK_ENOTFOUND, "no vulnerability case %s", pub);
        if (err)
            return err;
    }
    if ((err = vc_load(ctx, n, &row)))
        return err;
    if (!vc_can_read(ctx, row)) {
        json_decref(row);
        return hk_errf(ctx->em, HK_ENOTFOUND, "no vulnerability case '%.40s'", ref);
    }
    json_decref(row);
    *id = n;
    return HK_OK;
}

hk_err hk_vcase_list(struct hk_ctx *ctx, json_t *params, json_t **out)
{
    static const char *const allowed[] = {"state", "public_id", "cursor", "limit", NULL};
    const char *state = NULL, *pub = NULL, *cur = NULL, *lim = NULL;
    int64_t cursor = 0, limit = 50, me = 0;
    json_t *rows = NULL, *v;
    size_t i;
    hk_err err;

    *out = NULL;
    if (params && (err = hk_json_only(ctx, params, allowed)))
        return err;
    if ((err = hk_json_str(ctx, params, "state", 32, &state)) ||
        (err = hk_json_str(ctx, params, "public_id", 40, &pub)) ||
        (err = hk_json_str(ctx, params, "cursor", 20, &cur)) ||
        (err = hk_json_str(ctx, params, "limit", 20, &lim)))
        return err;
    if (state) {
        bool ok = false;
        for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
            ok = ok || !strcmp(states[k], state);
        if (!ok)
            return hk_errf(ctx->em, HK_EINVAL, "state: '%.32s' is not a case state", state);
    }
    if (cur && (hk_parse_i64(cur, &cursor) || cursor <= 0))
        return hk_errf(ctx->em, HK_EINVAL, "cursor: must be a positive integer");
    if (lim && (hk_parse_i64(lim, &limit) || limit < 1 || limit > 500))
        return hk_errf(ctx->em, HK_EINVAL, "limit: must be an integer from 1 to 500");
    if (!hk_is_staff(ctx)) {
        if (ctx->who.role != HK_ROLE_REPORTER || !ctx->who.user_id)
            return hk_errf(ctx->em, HK_EPERM, "only staff and reporters may list cases");
        me = ctx->who.user_id;
    }
    if ((err = hk_store_rows(ctx->st, HK_Q_VCASE_LIST,
                             HK_SQL_ARGS(hk_sql_text(state), hk_sql_int0(me), hk_sql_text(pub),
                                         hk_sql_int0(cursor), hk_sql_int(limit)),
                             &rows)))
        return err;
    json_array_foreach(rows, i, v) shape(v);
    v = json_array_size(rows) == (size_t)limit
            ? json_object_get(json_array_get(rows, json_array_size(rows) - 1), "id")
            : NULL;
    *out = json_pack("{s:o, s:O}", "items", rows, "next_cursor", v ? v : json_null());
    return *out ? HK_OK : HK_ENOMEM;
}

/* ---- intake and editing ---- */

struct fields {
    const char *title, *description, *rname, *remail, *rorg;
    char tlp[16];
    int64_t publish_at;
    bool has_publish;
    json_t *cves, *cwes, *cvss; /* owned; NULL when not given */
};

static void fields_release(struct fields *f)
{
    json_decref(f->cves);
    json_decref(f->cwes);
    json_decref(f->cvss);
}

static hk_err str_member(struct hk_ctx *ctx, json_t *o, const char *key, size_t max,
                         const char **out, const char *label)
{
    json_t *v = json_object_get(o, key);

    if (v && !json_is_null(v) && !json_is_string(v))
        return hk_errf(ctx->em, HK_EINVAL, "%s: must be a string", label);
    if (v && json_is_string(v) && strlen(json_string_value(v)) > max)
        return hk_errf(ctx->em, HK_EINVAL, "%s: longer than %zu bytes", label, max);
    if (v && json_is_string(v))
        *out = json_string_value(v);
    return HK_OK;
}

/* Reads the editable members present in body into f (absent ones stay as they are). */
static hk_err read_fields(struct hk_ctx *ctx, json_t *body, struct fields *f)
{
    json_t *rep = json_object_get(body, "reporter"), *v;
    hk_err err;

    if ((err = str_member(ctx, body, "title", MAX_TITLE, &f->title, "title")) ||
        (err = str_member(ctx, body, "description", MAX_TEXT, &f->description, "description")) ||
        (err = str_member(ctx, body, "reporter_name", MAX_NAME, &f->rname, "reporter_name")) ||
        (err = str_member(ctx, body, "reporter_email", MAX_NAME, &f->remail, "reporter_email")) ||
        (err = str_member(ctx, body, "reporter_org", MAX_NAME, &f->rorg, "reporter_org")))
        return err;
    if (rep && !json_is_null(rep)) {
        static const char *const allowed[] = {"name", "email", "organisation", "organization",
                                              NULL};
        const char *k;
        if (!json_is_object(rep))
            return hk_errf(ctx->em, HK_EINVAL, "reporter: must be an object");
        json_object_foreach(rep, k, v)
        {
            bool ok = false;
            for (int j = 0; allowed[j]; j++)
                ok = ok || !strcmp(k, allowed[j]);
            if (!ok)
                return hk_errf(ctx->em, HK_EINVAL, "reporter: unknown member '%.40s'", k);
        }
        if ((err = str_member(ctx, rep, "name", MAX_NAME, &f->rname, "reporter.name")) ||
            (err = str_member(ctx, rep, "email", MAX_NAME, &f->remail, "reporter.email")) ||
            (err = str_member(ctx, rep, "organisation", MAX_NAME, &f->rorg,
                              "reporter.organisation")) ||
            (err =
                 str_member(ctx, rep, "organization", MAX_NAME, &f->rorg, "reporter.organization")))
            return err;
    }
    if (f->remail && *f->remail && (!strchr(f->remail, '@') || strchr(f->remail, ' ')))
        return hk_errf(ctx->em, HK_EINVAL, "reporter.email: '%.60s' is not an e-mail address",
                       f->remail);
    if (f->title && !*f->title)
        return hk_errf(ctx->em, HK_EINVAL, "title: must not be empty");
    if ((v = json_object_get(body, "tlp")) && !json_is_null(v)) {
        if (!json_is_string(v) || hk_tlp_parse(json_string_value(v), f->tlp))
            return hk_errf(ctx->em, HK_EINVAL,
                           "tlp: must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED");
    }
    if ((v = json_object_get(body, "publish_at"))) {
        f->has_publish = true;
        f->publish_at = 0;
        if (!json_is_null(v) && (err = hk_json_time(ctx, body, "publish_at", &f->publish_at)))
            return err;
    }
    if ((v = json_object_get(body, "cve_ids")) && (err = vc_cve_list(ctx, "cve_ids", v, &f->cves)))
        return err;
    if ((v = json_object_get(body, "cwe_ids")) && (err = vc_cwe_list(ctx, "cwe_ids", v, &f->cwes)))
        return err;
    if ((v = json_object_get(body, "cvss")) && (err = vc_cvss_list(ctx, "cvss", v, &f->cvss)))
        return err;
    return HK_OK;
}

/* Checks the "products" and "vendors" lists of an intake body (no store access for
 * products; vendors are resolved at insert time, which happens before anything else). */
static hk_err check_products(struct hk_ctx *ctx, json_t *body, json_t **prods)
{
    json_t *in = json_object_get(body, "products"), *v;
    size_t i;

    *prods = json_array();
    if (!in || json_is_null(in))
        return HK_OK;
    if (!json_is_array(in) || json_array_size(in) > MAX_LIST)
        return hk_errf(ctx->em, HK_EINVAL, "products: must be an array of at most %d products",
                       MAX_LIST);
    json_array_foreach(in, i, v)
    {
        char key[32];
        json_t *p;
        hk_err err;
        (void)snprintf(key, sizeof(key), "products[%zu]", i);
        if ((err = vc_product_check(ctx, key, v, &p)))
            return err;
        json_array_append_new(*prods, p);
    }
    return HK_OK;
}

static char *dump_or(json_t *v, const char *dflt)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10)) : hk_xstrdup(dflt);
}

hk_err hk_vcase_create(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    static const char *const allowed[] = {
        "title",   "description", "reporter", "reporter_name", "reporter_email", "reporter_org",
        "tlp",     "publish_at",  "cve_ids",  "cwe_ids",       "cvss",           "products",
        "vendors", NULL};
    struct fields f;
    json_t *prods = NULL, *vendors, *v;
    char pub[HK_VCASE_ID_MAX], *cves = NULL, *cwes = NULL, *cvss = NULL;
    struct tm tm;
    time_t now = (time_t)ctx->now;
    int64_t seq = 0, id = 0;
    size_t i;
    hk_err err;

    *out = NULL;
    memset(&f, 0, sizeof(f));
    (void)snprintf(f.tlp, sizeof(f.tlp), "AMBER");
    if (!hk_is_staff(ctx) && ctx->who.role != HK_ROLE_REPORTER)
        return hk_errf(ctx->em, HK_EPERM, "only staff and reporters may open a case");
    if (!json_is_object(body))
        return hk_errf(ctx->em, HK_EINVAL, "the body must be a JSON object");
    if ((err = hk_json_only(ctx, body, allowed)) || (err = read_fields(ctx, body, &f)))
        goto out;
    if (!f.title) {
        err = hk_errf(ctx->em, HK_EINVAL, "title: required");
        goto out;
    }
    if ((err = check_products(ctx, body, &prods)))
        goto out;
    vendors = json_object_get(body, "vendors");
    if (vendors && !json_is_null(vendors) &&
        (!json_is_array(vendors) || json_array_size(vendors) > MAX_LIST)) {
        err = hk_errf(ctx->em, HK_EINVAL, "vendors: must be an array of team names");
        goto out;
    }
    if (!hk_is_staff(ctx) && ((vendors && json_array_size(vendors)) || f.has_publish)) {
        err = hk_errf(ctx->em, HK_EPERM, "vendors and publish_at are set by the team's staff");
        goto out;
    }
    json_array_foreach(vendors, i, v)
    {
        if (!json_is_string(v) && !json_is_object(v)) {
            err = hk_errf(ctx->em, HK_EINVAL, "vendors[%zu]: must be a team name or an object", i);
            goto out;
        }
    }
    gmtime_r(&now, &tm);
    if ((err = hk_store_scalar(ctx->st, HK_Q_VCASE_NEXT_SEQ,
                               HK_SQL_ARGS(hk_sql_int(tm.tm_year + 1900)), &seq)))
        goto out;
    hk_vcase_public_id(tm.tm_year + 1900, seq, pub);
    cves = dump_or(f.cves, "[]");
    cwes = dump_or(f.cwes, "[]");
    cvss = dump_or(f.cvss, "[]");
    if ((err = hk_store_exec(
             ctx->st, HK_Q_VCASE_INSERT,
             HK_SQL_ARGS(hk_sql_int(tm.tm_year + 1900), hk_sql_int(seq), hk_sql_text(pub),
                         hk_sql_text(f.title), hk_sql_text(f.description ? f.description : ""),
                         hk_sql_text(f.rname ? f.rname : ""), hk_sql_text(f.remail ? f.remail : ""),
                         hk_sql_text(f.rorg ? f.rorg : ""),
                         hk_sql_int0(ctx->who.role == HK_ROLE_REPORTER ? ctx->who.user_id : 0),
                         hk_sql_text(f.tlp), hk_sql_int0(f.publish_at), hk_sql_text(cves),
                         hk_sql_text(cwes), hk_sql_text(cvss), hk_sql_text(ctx->who.name),
                         hk_sql_int(ctx->now)),
             &id)))
        goto out;
    json_array_foreach(prods, i, v)
    {
        int64_t pid;
        if ((err = vc_product_insert(ctx, id, v, &pid)))
            goto out;
    }
    json_array_foreach(vendors, i, v)
    {
        char key[32];
        const char *ref = json_is_string(v) ? json_string_value(v) : hk_jstr(v, "team");
        const char *status = json_is_object(v) ? hk_jstr(v, "status") : NULL;
        const char *stmt = json_is_object(v) ? hk_jstr(v, "statement") : NULL;
        (void)snprintf(key, sizeof(key), "vendors[%zu]", i);
        if ((err = vc_vendor_insert(ctx, id, ref, status, stmt, 0, 0, key)))
            goto out;
    }
    if ((err = vc_audit(ctx, "vcase.create", id, NULL,
                        json_pack("{s:s, s:s, s:s, s:I, s:I}", "public_id", pub, "title", f.title,
                                  "tlp", f.tlp, "products", (json_int_t)json_array_size(prods),
                                  "vendors", (json_int_t)json_array_size(vendors)))))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    free(cves);
    free(cwes);
    free(cvss);
    json_decref(prods);
    fields_release(&f);
    return err;
}

static bool is_final(const char *st)
{
    return !strcmp(st, "published") || !strcmp(st, "rejected");
}

static hk_err load_for_change(struct hk_ctx *ctx, int64_t id, json_t **row)
{
    hk_err err;

    *row = NULL;
    if ((err = hk_require_staff(ctx)) || (err = vc_load(ctx, id, row)))
        return err;
    if (is_final(hk_jstr(*row, "state"))) {
        err = hk_errf(ctx->em, HK_ESTATE, "case %s is %s: it can no longer be changed",
                      hk_jstr(*row, "public_id"), hk_jstr(*row, "state"));
        json_decref(*row);
        *row = NULL;
    }
    return err;
}

static int64_t row_time(json_t *row, const char *key)
{
    int64_t t = 0;
    const char *s = hk_jstr(row, key);

    if (*s && hk_time_parse(s, &t))
        t = 0;
    return t;
}

hk_err hk_vcase_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {
        "title", "description", "reporter", "reporter_name", "reporter_email", "reporter_org",
        "tlp",   "publish_at",  "cve_ids",  "cwe_ids",       "cvss",           NULL};
    struct fields f;
    json_t *row = NULL, *before = NULL, *after = NULL;
    char *cves = NULL, *cwes = NULL, *cvss = NULL;
    int64_t old_pub;
    hk_err err;

    *out = NULL;
    memset(&f, 0, sizeof(f));
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    if (!json_is_object(body)) {
        err = hk_errf(ctx->em, HK_EINVAL, "the body must be a JSON object");
        goto out;
    }
    (void)snprintf(f.tlp, sizeof(f.tlp), "%s", hk_jstr(row, "tlp"));
    if ((err = hk_json_only(ctx, body, allowed)) || (err = read_fields(ctx, body, &f)))
        goto out;
    old_pub = row_time(row, "publish_at");
    if (!f.has_publish)
        f.publish_at = old_pub;
    if (!strcmp(hk_jstr(row, "state"), "scheduled") && !f.publish_at) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "publish_at: a scheduled case needs a publication date (move it back to "
                      "coordinating first)");
        goto out;
    }
    cves = f.cves ? json_dumps(f.cves, JSON_COMPACT | JSON_REAL_PRECISION(10))
                  : json_dumps(json_object_get(row, "cve_ids"),
                               JSON_COMPACT | JSON_REAL_PRECISION(10));
    cwes = f.cwes ? json_dumps(f.cwes, JSON_COMPACT | JSON_REAL_PRECISION(10))
                  : json_dumps(json_object_get(row, "cwe_ids"),
                               JSON_COMPACT | JSON_REAL_PRECISION(10));
    cvss = f.cvss
               ? json_dumps(f.cvss, JSON_COMPACT | JSON_REAL_PRECISION(10))
               : json_dumps(json_object_get(row, "cvss"), JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!cves || !cwes || !cvss) {
        err = HK_ENOMEM;
        goto out;
    }
    if ((err = hk_store_exec(
             ctx->st, HK_Q_VCASE_UPDATE,
             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(f.title ? f.title : hk_jstr(row, "title")),
                         hk_sql_text(f.description ? f.description : hk_jstr(row, "description")),
                         hk_sql_text(f.rname ? f.rname : hk_jstr(row, "reporter_name")),
                         hk_sql_text(f.remail ? f.remail : hk_jstr(row, "reporter_email")),
                         hk_sql_text(f.rorg ? f.rorg : hk_jstr(row, "reporter_org")),
                         hk_sql_text(f.tlp), hk_sql_int0(f.publish_at), hk_sql_text(cves),
                         hk_sql_text(cwes), hk_sql_text(cvss), hk_sql_int(ctx->now)),
             NULL)))
        goto out;
    if ((err = vc_load(ctx, id, &after)))
        goto out;
    before = json_deep_copy(row);
    if ((err = hk_audit(ctx, "vcase.update", "vcase", id, before, after)))
        goto out;
    if (f.publish_at != old_pub) {
        char a[32] = "", b[32] = "";
        json_t *was;
        if (old_pub)
            hk_time_fmt(old_pub, a);
        if (f.publish_at)
            hk_time_fmt(f.publish_at, b);
        was = json_pack("{s:s}", "publish_at", a);
        err = vc_audit(ctx, "vcase.embargo", id, was, json_pack("{s:s}", "publish_at", b));
        json_decref(was);
        if (err)
            goto out;
    }
    err = hk_vcase_get(ctx, id, out);
out:
    free(cves);
    free(cwes);
    free(cvss);
    json_decref(before);
    json_decref(after);
    json_decref(row);
    fields_release(&f);
    return err;
}

/* ---- lifecycle ---- */

static hk_err check_transition(struct hk_ctx *ctx, json_t *row, const char *to)
{
    const char *from = hk_jstr(row, "state");
    json_t *next = next_states(from), *v;
    bool ok = false, known = false;
    size_t i;

    for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
        known = known || !strcmp(states[k], to);
    if (!known) {
        json_decref(next);
        return hk_errf(ctx->em, HK_EINVAL,
                       "state: '%.32s' is not a case state (received, triage, coordinating, "
                       "scheduled, published, rejected)",
                       to);
    }
    json_array_foreach(next, i, v) ok = ok || !strcmp(json_string_value(v), to);
    json_decref(next);
    if (!ok)
        return hk_errf(ctx->em, HK_ESTATE, "case %s: cannot go from %s to %s",
                       hk_jstr(row, "public_id"), from, to);
    return HK_OK;
}

static hk_err set_state(struct hk_ctx *ctx, int64_t id, json_t *row, const char *to,
                        const char *reason, const char *advisory)
{
    hk_err err =
        hk_store_exec(ctx->st, HK_Q_VCASE_SET_STATE,
                      HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(to),
                                  hk_sql_text(reason ? reason : ""), hk_sql_text(advisory),
                                  !strcmp(to, "published") ? hk_sql_int(ctx->now) : hk_sql_int0(0),
                                  hk_sql_int(ctx->now), hk_sql_text(hk_jstr(row, "state"))),
                      NULL);

    if (!err && hk_store_changes(ctx->st) != 1)
        err =
            hk_errf(ctx->em, HK_ECONFLICT, "case %s changed meanwhile", hk_jstr(row, "public_id"));
    if (!err) {
        json_t *a = json_pack("{s:s}", "state", to);
        if (a && reason && *reason)
            json_object_set_new(a, "reason", json_string(reason));
        if (a && advisory)
            json_object_set_new(a, "advisory_id", json_string(advisory));
        err = vc_audit(ctx, "vcase.state", id, json_object_get(row, "state") ? row : NULL, a);
    }
    return err;
}

hk_err hk_vcase_transition(struct hk_ctx *ctx, int64_t id, const char *action, json_t *body,
                           json_t **out)
{
    static const char *const allowed[] = {"state", "reason", "publish_at", NULL};
    const char *to = NULL, *reason = NULL;
    json_t *row = NULL, *v;
    int64_t pub = 0;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)))
        return err;
    if (body && !json_is_object(body))
        return hk_errf(ctx->em, HK_EINVAL, "the body must be a JSON object");
    if (body && ((err = hk_json_only(ctx, body, allowed)) ||
                 (err = hk_json_str(ctx, body, "reason", 4000, &reason)) ||
                 (err = hk_json_str(ctx, body, "state", 32, &to))))
        return err;
    if (!strcmp(action, "triage"))
        to = "triage";
    else if (!strcmp(action, "coordinate"))
        to = "coordinating";
    else if (!strcmp(action, "schedule"))
        to = "scheduled";
    else if (!strcmp(action, "reject"))
        to = "rejected";
    else if (!strcmp(action, "publish"))
        return hk_errf(ctx->em, HK_EINVAL,
                       "a case is published through its advisory ('hikeshi vuln publish')");
    else if (strcmp(action, "state"))
        return hk_errf(ctx->em, HK_EINVAL,
                       "unknown action '%.32s' (triage, coordinate, schedule, reject, state)",
                       action);
    if (!to)
        return hk_errf(ctx->em, HK_EINVAL, "state: required");
    if (!strcmp(to, "published"))
        return hk_errf(ctx->em, HK_EINVAL,
                       "a case is published through its advisory ('hikeshi vuln publish')");
    if ((err = vc_load(ctx, id, &row)) || (err = check_transition(ctx, row, to)))
        goto out;
    if (!strcmp(to, "rejected") && (!reason || !*reason)) {
        err = hk_errf(ctx->em, HK_EINVAL, "reason: rejecting a case needs a reason");
        goto out;
    }
    if (!strcmp(to, "scheduled")) {
        int64_t old = row_time(row, "publish_at");
        if ((v = json_object_get(body, "publish_at")) &&
            (err = hk_json_time(ctx, body, "publish_at", &pub)))
            goto out;
        if (!pub && !old) {
            err = hk_errf(ctx->em, HK_EINVAL,
                          "publish_at: scheduling a case needs an agreed publication date");
            goto out;
        }
        if (pub && pub != old) {
            json_t *upd = json_pack("{s:I}", "publish_at", (json_int_t)pub), *tmp = NULL;
            err = hk_vcase_update(ctx, id, upd, &tmp);
            json_decref(upd);
            json_decref(tmp);
            if (err)
                goto out;
        }
    } else if (body && json_object_get(body, "publish_at")) {
        err = hk_errf(ctx->em, HK_EINVAL, "publish_at: only with schedule (or edit the case)");
        goto out;
    }
    if ((err = set_state(ctx, id, row, to, !strcmp(to, "rejected") ? reason : NULL, NULL)))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(row);
    return err;
}

hk_err hk_vcase_mark_published(struct hk_ctx *ctx, int64_t id, const char *advisory_id)
{
    json_t *row = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)))
        return err;
    if (!advisory_id || !*advisory_id || strlen(advisory_id) > 200)
        return hk_errf(ctx->em, HK_EINVAL, "advisory_id: required, 1-200 bytes");
    if ((err = vc_load(ctx, id, &row)) || (err = check_transition(ctx, row, "published")))
        goto out;
    err = set_state(ctx, id, row, "published", NULL, advisory_id);
out:
    json_decref(row);
    return err;
}

/* ---- vendors, products, remediations ---- */

hk_err hk_vcase_vendor_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"team",         "status",     "statement",
                                          "contacted_at", "replied_at", NULL};
    const char *team = NULL, *status = NULL, *stmt = NULL;
    int64_t contacted = 0, replied = 0;
    json_t *row = NULL;
    hk_err err;

    *out = NULL;
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    json_decref(row);
    if ((err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "team", 64, &team)) ||
        (err = hk_json_str(ctx, body, "status", 32, &status)) ||
        (err = hk_json_str(ctx, body, "statement", MAX_STATEMENT, &stmt)) ||
        (err = hk_json_time(ctx, body, "contacted_at", &contacted)) ||
        (err = hk_json_time(ctx, body, "replied_at", &replied)))
        return err;
    if (!team)
        return hk_errf(ctx->em, HK_EINVAL,
                       "team: required (a directory team of type vendor or "
                       "psirt)");
    if ((err = vc_vendor_insert(ctx, id, team, status, stmt, contacted, replied, "team")))
        return err;
    return hk_vcase_get(ctx, id, out);
}

hk_err hk_vcase_vendor_update(struct hk_ctx *ctx, int64_t id, const char *team, json_t *body,
                              json_t **out)
{
    static const char *const allowed[] = {"status", "statement", "contacted_at", "replied_at",
                                          NULL};
    const char *status = NULL, *stmt = NULL;
    int64_t tid = 0, contacted = 0, replied = 0;
    json_t *row = NULL, *v = NULL;
    hk_err err;

    *out = NULL;
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    if ((err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "status", 32, &status)) ||
        (err = hk_json_str(ctx, body, "statement", MAX_STATEMENT, &stmt)) ||
        (err = hk_json_time(ctx, body, "contacted_at", &contacted)) ||
        (err = hk_json_time(ctx, body, "replied_at", &replied)))
        goto out;
    if (status && *status && !vendor_status_valid(status)) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "status: '%.40s' is not affected, not_affected, under_investigation or fixed",
                      status);
        goto out;
    }
    if ((err = hk_team_resolve(ctx, team, &tid))) {
        err = hk_errf(ctx->em, HK_ENOTFOUND, "no team '%.60s' in the directory", team);
        goto out;
    }
    err = hk_store_row(ctx->st, HK_Q_VVENDOR_GET, HK_SQL_ARGS(hk_sql_int(id), hk_sql_int(tid)), &v);
    if (err == HK_ENOTFOUND) {
        err = hk_errf(ctx->em, HK_ENOTFOUND, "team '%.60s' is not a vendor of case %s", team,
                      hk_jstr(row, "public_id"));
        goto out;
    }
    if (err)
        goto out;
    /* A status or statement from the vendor is its reply, unless the handler dates it. */
    if (!replied && (status || stmt))
        replied = row_time(v, "replied_at") ? row_time(v, "replied_at") : ctx->now;
    if ((err = hk_store_exec(
             ctx->st, HK_Q_VVENDOR_UPDATE,
             HK_SQL_ARGS(hk_sql_int(id), hk_sql_int(tid),
                         hk_sql_text(status ? status : hk_jstr(v, "status")),
                         hk_sql_text(stmt ? stmt : hk_jstr(v, "statement")),
                         hk_sql_int0(contacted ? contacted : row_time(v, "contacted_at")),
                         hk_sql_int0(replied ? replied : row_time(v, "replied_at")),
                         hk_sql_int(ctx->now)),
             NULL)))
        goto out;
    {
        json_t *a = json_pack("{s:s, s:s}", "team", hk_jstr(v, "team"), "op", "update");
        if (a && status)
            json_object_set_new(a, "status", json_string(status));
        if (a && stmt)
            json_object_set_new(a, "statement", json_string(stmt));
        if ((err = vc_audit(ctx, "vcase.vendor", id, v, a)))
            goto out;
    }
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(v);
    json_decref(row);
    return err;
}

hk_err hk_vcase_product_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    json_t *row = NULL, *p = NULL;
    int64_t pid = 0;
    hk_err err;

    *out = NULL;
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    if ((err = vc_product_check(ctx, "product", body, &p)) ||
        (err = vc_product_insert(ctx, id, p, &pid)))
        goto out;
    json_object_set_new(p, "id", json_integer(pid));
    json_object_set_new(p, "op", json_string("add"));
    if ((err = hk_audit(ctx, "vcase.product", "vcase", id, NULL, p)))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(p);
    json_decref(row);
    return err;
}

hk_err hk_vcase_product_remove(struct hk_ctx *ctx, int64_t id, int64_t product_id, json_t **out)
{
    json_t *row = NULL, *p = NULL;
    hk_err err;

    *out = NULL;
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    err = hk_store_row(ctx->st, HK_Q_VPRODUCT_GET,
                       HK_SQL_ARGS(hk_sql_int(product_id), hk_sql_int(id)), &p);
    if (err == HK_ENOTFOUND)
        err = hk_errf(ctx->em, HK_ENOTFOUND, "case %s has no product %lld",
                      hk_jstr(row, "public_id"), (long long)product_id);
    if (err ||
        (err = hk_store_exec(ctx->st, HK_Q_VREMED_UNLINK_PRODUCT,
                             HK_SQL_ARGS(hk_sql_int(product_id), hk_sql_int(id)), NULL)) ||
        (err = hk_store_exec(ctx->st, HK_Q_VPRODUCT_DELETE,
                             HK_SQL_ARGS(hk_sql_int(product_id), hk_sql_int(id)), NULL)))
        goto out;
    json_object_set_new(p, "op", json_string("remove"));
    if ((err = hk_audit(ctx, "vcase.product", "vcase", id, p, NULL)))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(p);
    json_decref(row);
    return err;
}

hk_err hk_vcase_remediation_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"category", "details", "url", "product_id", NULL};
    const char *cat = NULL, *details = NULL, *url = NULL;
    int64_t pid = 0, rid = 0;
    bool has_pid = false;
    json_t *row = NULL, *prod = NULL;
    hk_err err;

    *out = NULL;
    if ((err = load_for_change(ctx, id, &row)))
        return err;
    if ((err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "category", 32, &cat)) ||
        (err = hk_json_str(ctx, body, "details", MAX_TEXT, &details)) ||
        (err = hk_json_str(ctx, body, "url", 2048, &url)) ||
        (err = hk_json_int(ctx, body, "product_id", &pid, &has_pid)))
        goto out;
    if (!vc_remediation_category(cat)) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "category: required, one of vendor_fix, workaround, mitigation, "
                      "no_fix_planned, none_available");
        goto out;
    }
    if (!details || !*details) {
        err = hk_errf(ctx->em, HK_EINVAL, "details: required");
        goto out;
    }
    if (url && *url && strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
        err = hk_errf(ctx->em, HK_EINVAL, "url: '%.80s' is not an http(s) URL", url);
        goto out;
    }
    if (has_pid) {
        err = hk_store_row(ctx->st, HK_Q_VPRODUCT_GET, HK_SQL_ARGS(hk_sql_int(pid), hk_sql_int(id)),
                           &prod);
        if (err == HK_ENOTFOUND)
            err = hk_errf(ctx->em, HK_EINVAL, "product_id: no product %lld in this case",
                          (long long)pid);
        if (err)
            goto out;
    }
    if ((err = hk_store_exec(ctx->st, HK_Q_VREMED_INSERT,
                             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(cat), hk_sql_text(details),
                                         hk_sql_text(url ? url : ""), hk_sql_int0(pid),
                                         hk_sql_int(ctx->now)),
                             &rid)) ||
        (err = vc_audit(ctx, "vcase.remediation", id, NULL,
                        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)rid, "category", cat,
                                  "details", details))))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(prod);
    json_decref(row);
    return err;
}
