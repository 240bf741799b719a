/* SPDX-License-Identifier: MIT */
/*
 * CVE JSON 5 and cases. Import (hk_vcase_import_cve) maps a checked record onto a new or an
 * existing case: title and English description, the CVE id, CWE ids of problemTypes, the
 * CVSS v3.x/v4.0 vectors of metrics (validated and scored again), the affected products
 * (vendor, product, versions, first CPE 2.3), vendors that name a directory team of type
 * vendor/psirt, workarounds and solutions as remediations. Everything is converted and
 * checked before the first write, so a bad record stores nothing. Export
 * (hk_vcase_export_cve) writes a CVE JSON 5.0 PUBLISHED record that hk_cve_check accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/directory.h"
#include "vuln/csaf_int.h"
#include "vuln/vcase_int.h"

static const char *english(json_t *descs, const char *member)
{
    json_t *d;
    size_t i;

    json_array_foreach(descs, i, d)
    {
        if (!strncasecmp(hk_jstr(d, "lang"), "en", 2))
            return hk_jstr(d, member);
    }
    return json_array_size(descs) ? hk_jstr(json_array_get(descs, 0), member) : "";
}

/* Drops an incomplete UTF-8 sequence at the end of s (left by a byte-bounded copy). */
static void utf8_trim(char *s)
{
    size_t n = strlen(s), k = n, need;
    unsigned char b;

    while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80 && n - k < 3)
        k--;
    if (k == 0)
        return;
    b = (unsigned char)s[k - 1];
    need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > 1 && n - (k - 1) < need)
        s[k - 1] = '\0';
}

/* What a record brings, converted and checked. */
struct import {
    const char *cve, *title, *description;
    char title_buf[256];
    json_t *cwes, *cvss, *products, *remeds, *vendors; /* owned */
};

static void import_release(struct import *im)
{
    json_decref(im->cwes);
    json_decref(im->cvss);
    json_decref(im->products);
    json_decref(im->remeds);
    json_decref(im->vendors);
}

static hk_err convert(struct hk_ctx *ctx, json_t *rec, struct import *im)
{
    json_t *cna = json_object_get(json_object_get(rec, "containers"), "cna");
    json_t *cwes = json_array(), *vecs = json_array(), *v, *x;
    size_t i, k;
    hk_err err;

    im->cve = hk_jstr(json_object_get(rec, "cveMetadata"), "cveId");
    im->description = english(json_object_get(cna, "descriptions"), "value");
    if (!*im->description)
        im->description = english(json_object_get(cna, "rejectedReasons"), "value");
    if (!*im->description)
        im->description = english(json_object_get(rec, "descriptions"), "value");
    if (*hk_jstr(cna, "title"))
        (void)snprintf(im->title_buf, sizeof(im->title_buf), "%s", hk_jstr(cna, "title"));
    else if (*im->description) {
        (void)snprintf(im->title_buf, sizeof(im->title_buf), "%s: %.160s", im->cve,
                       im->description);
        utf8_trim(im->title_buf);
    } else
        (void)snprintf(im->title_buf, sizeof(im->title_buf), "%s", im->cve);
    im->title = im->title_buf;
    json_array_foreach(json_object_get(cna, "problemTypes"), i, v)
    {
        json_array_foreach(json_object_get(v, "descriptions"), k, x)
        {
            if (*hk_jstr(x, "cweId"))
                json_array_append_new(cwes, json_string(hk_jstr(x, "cweId")));
        }
    }
    if ((err = vc_cwe_list(ctx, "/containers/cna/problemTypes", cwes, &im->cwes)))
        goto out;
    json_array_foreach(json_object_get(cna, "metrics"), i, v)
    {
        static const char *const kinds[] = {"cvssV3_0", "cvssV3_1", "cvssV4_0", NULL};
        for (int j = 0; kinds[j]; j++) {
            json_t *cv = json_object_get(v, kinds[j]), *one, *ok = NULL;
            char key[96];
            if (!cv)
                continue;
            (void)snprintf(key, sizeof(key), "/containers/cna/metrics/%zu/%s/vectorString", i,
                           kinds[j]);
            one = json_pack("[s]", hk_jstr(cv, "vectorString"));
            err = vc_cvss_list(ctx, key, one, &ok);
            json_decref(one);
            if (err)
                goto out;
            json_array_extend(vecs, ok);
            json_decref(ok);
        }
    }
    im->cvss = vecs;
    vecs = NULL;
    im->products = json_array();
    im->vendors = json_array();
    json_array_foreach(json_object_get(cna, "affected"), i, v)
    {
        json_t *vers = json_array(), *p = NULL, *in, *ver, *cpes = json_object_get(v, "cpes");
        const char *vendor = hk_jstr(v, "vendor"), *prod = hk_jstr(v, "product");
        char key[64];
        json_array_foreach(json_object_get(v, "versions"), k, ver)
        {
            json_t *o = json_pack("{s:s, s:s}", "version", hk_jstr(ver, "version"), "status",
                                  hk_jstr(ver, "status"));
            if (*hk_jstr(ver, "lessThan"))
                json_object_set_new(o, "less_than", json_string(hk_jstr(ver, "lessThan")));
            if (*hk_jstr(ver, "lessThanOrEqual"))
                json_object_set_new(o, "less_than_or_equal",
                                    json_string(hk_jstr(ver, "lessThanOrEqual")));
            json_array_append_new(vers, o);
        }
        in = json_pack("{s:s, s:s, s:o}", "vendor", *vendor ? vendor : hk_jstr(v, "collectionURL"),
                       "product", *prod ? prod : hk_jstr(v, "packageName"), "versions", vers);
        for (k = 0; k < json_array_size(cpes); k++) {
            const char *c = json_string_value(json_array_get(cpes, k));
            if (c && !strncmp(c, "cpe:2.3:", 8)) {
                json_object_set_new(in, "cpe", json_string(c));
                break;
            }
        }
        (void)snprintf(key, sizeof(key), "/containers/cna/affected/%zu", i);
        err = vc_product_check(ctx, key, in, &p);
        json_decref(in);
        if (err)
            goto out;
        json_array_append_new(im->products, p);
        if (*vendor)
            json_array_append_new(im->vendors, json_string(vendor));
    }
    im->remeds = json_array();
    json_array_foreach(json_object_get(cna, "workarounds"), i, v)
        json_array_append_new(im->remeds, json_pack("{s:s, s:s}", "category", "workaround",
                                                    "details", hk_jstr(v, "value")));
    json_array_foreach(json_object_get(cna, "solutions"), i, v)
        json_array_append_new(im->remeds, json_pack("{s:s, s:s}", "category", "vendor_fix",
                                                    "details", hk_jstr(v, "value")));
    err = HK_OK;
out:
    json_decref(cwes);
    json_decref(vecs);
    return err;
}

/* Appends to base (an array) the items of add not already in it (compared as JSON). */
static json_t *merged(json_t *base, json_t *add)
{
    json_t *a = json_is_array(base) ? json_deep_copy(base) : json_array(), *v;
    size_t i;

    if (!a)
        a = json_array();
    json_array_foreach(add, i, v)
    {
        bool dup = false;
        for (size_t k = 0; k < json_array_size(a) && !dup; k++)
            dup = json_equal(json_array_get(a, k), v);
        if (!dup)
            json_array_append(a, v);
    }
    return a;
}

static json_t *vectors(json_t *cvss)
{
    json_t *a = json_array(), *v;
    size_t i;

    json_array_foreach(cvss, i, v) json_array_append_new(a, json_string(hk_jstr(v, "vector")));
    return a;
}

hk_err hk_vcase_import_cve(struct hk_ctx *ctx, json_t *rec, int64_t case_id, json_t **out)
{
    struct import im;
    json_t *c = NULL, *body = NULL, *tmp = NULL, *v;
    int64_t id = case_id;
    size_t i;
    hk_err err;

    *out = NULL;
    memset(&im, 0, sizeof(im));
    if ((err = hk_require_staff(ctx)))
        return err;
    if ((err = hk_cve_check(rec, ctx->em)) || (err = convert(ctx, rec, &im)))
        goto out;
    if (id) {
        json_t *cves, *cw, *cv, *vec;
        if ((err = hk_vcase_get(ctx, id, &c)))
            goto out;
        vec = json_pack("[s]", im.cve);
        cves = merged(json_object_get(c, "cve_ids"), vec);
        json_decref(vec);
        cw = merged(json_object_get(c, "cwe_ids"), im.cwes);
        vec = vectors(json_object_get(c, "cvss"));
        cv = vectors(im.cvss);
        body =
            json_pack("{s:o, s:o, s:o}", "cve_ids", cves, "cwe_ids", cw, "cvss", merged(vec, cv));
        json_decref(vec);
        json_decref(cv);
        if (!*hk_jstr(c, "description") && *im.description)
            json_object_set_new(body, "description", json_string(im.description));
        if ((err = hk_vcase_update(ctx, id, body, &tmp)))
            goto out;
    } else {
        json_t *cves = json_pack("[s]", im.cve);
        body =
            json_pack("{s:s, s:s, s:o, s:O, s:o}", "title", im.title, "description", im.description,
                      "cve_ids", cves, "cwe_ids", im.cwes, "cvss", vectors(im.cvss));
        if ((err = hk_vcase_create(ctx, body, &tmp)))
            goto out;
        id = json_integer_value(json_object_get(tmp, "id"));
    }
    json_array_foreach(im.products, i, v)
    {
        int64_t pid;
        if ((err = vc_product_insert(ctx, id, v, &pid)))
            goto out;
    }
    json_array_foreach(im.vendors, i, v)
    {
        json_t *team = NULL, *ex = NULL;
        int64_t tid = 0;
        const char *type;
        struct hk_errmsg quiet = {{0}}, *saved = ctx->em;
        /* Only vendors that are directory teams of type vendor/psirt, once. */
        ctx->em = &quiet;
        err = hk_team_resolve(ctx, json_string_value(v), &tid);
        ctx->em = saved;
        if (err == HK_ENOTFOUND || err == HK_EINVAL) {
            err = HK_OK;
            continue;
        }
        if (err ||
            (err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(tid)), &team)))
            goto out;
        type = hk_jstr(team, "type");
        err = hk_store_row(ctx->st, HK_Q_VVENDOR_GET, HK_SQL_ARGS(hk_sql_int(id), hk_sql_int(tid)),
                           &ex);
        json_decref(ex);
        if (err == HK_ENOTFOUND && (!strcmp(type, "vendor") || !strcmp(type, "psirt")))
            err = vc_vendor_insert(ctx, id, hk_jstr(team, "name"), NULL, NULL, 0, 0, "vendor");
        else if (err == HK_ENOTFOUND)
            err = HK_OK;
        json_decref(team);
        if (err)
            goto out;
    }
    json_array_foreach(im.remeds, i, v)
    {
        if ((err = hk_store_exec(ctx->st, HK_Q_VREMED_INSERT,
                                 HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(hk_jstr(v, "category")),
                                             hk_sql_text(hk_jstr(v, "details")), hk_sql_text(""),
                                             hk_sql_int0(0), hk_sql_int(ctx->now)),
                                 NULL)))
            goto out;
    }
    if ((err = vc_audit(ctx, "vcase.import_cve", id, NULL,
                        json_pack("{s:s, s:s, s:I, s:I, s:I}", "cve", im.cve, "state",
                                  hk_jstr(json_object_get(rec, "cveMetadata"), "state"), "products",
                                  (json_int_t)json_array_size(im.products), "cvss",
                                  (json_int_t)json_array_size(im.cvss), "remediations",
                                  (json_int_t)json_array_size(im.remeds)))))
        goto out;
    err = hk_vcase_get(ctx, id, out);
out:
    json_decref(c);
    json_decref(body);
    json_decref(tmp);
    import_release(&im);
    return err;
}

/* ---- export ---- */

static const char *cwe_name(const char *id)
{
    for (size_t i = 0; i < hk_csaf_ncwes; i++)
        if (!strcmp(hk_csaf_cwes[i].id, id))
            return hk_csaf_cwes[i].name;
    return NULL;
}

/* A version 4 UUID for the assigner: HIKESHI_CVE_ORG_ID, else derived from the org name. */
static void org_uuid(char out[40])
{
    const char *env = getenv("HIKESHI_CVE_ORG_ID"), *org = getenv("HIKESHI_ORG");
    uint8_t h[32];
    char hex[65];

    if (env && strlen(env) == 36) {
        (void)snprintf(out, 40, "%s", env);
        return;
    }
    org = org && *org ? org : "hikeshi";
    hk_sha256(org, strlen(org), h);
    hk_hex(h, 16, hex);
    hex[12] = '4';
    hex[16] = "89ab"[h[8] & 3];
    (void)snprintf(out, 40, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                   hex + 20);
}

static const char *vendor_status(json_t *c, const char *vendor)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(c, "vendors"), i, v)
    {
        if (!strcasecmp(vendor, hk_jstr(v, "team")) || !strcasecmp(vendor, hk_jstr(v, "full_name")))
            return hk_jstr(v, "status");
    }
    return "";
}

static json_t *affected_of(json_t *c)
{
    json_t *a = json_array(), *p;
    size_t i;

    json_array_foreach(json_object_get(c, "products"), i, p)
    {
        const char *vs = vendor_status(c, hk_jstr(p, "vendor"));
        const char *dflt = !strcmp(vs, "affected")       ? "affected"
                           : !strcmp(vs, "not_affected") ? "unaffected"
                                                         : "unknown";
        json_t *o = json_pack("{s:s, s:s}", "vendor", hk_jstr(p, "vendor"), "product",
                              hk_jstr(p, "product")),
               *vers = json_array(), *v;
        size_t k;
        json_array_foreach(json_object_get(p, "versions"), k, v)
        {
            const char *st = hk_jstr(v, "status");
            json_t *e = json_pack("{s:s, s:s}", "version", hk_jstr(v, "version"), "status",
                                  *st                        ? st
                                  : !strcmp(dflt, "unknown") ? "affected"
                                                             : dflt);
            if (*hk_jstr(v, "less_than"))
                json_object_set_new(e, "lessThan", json_string(hk_jstr(v, "less_than")));
            if (*hk_jstr(v, "less_than_or_equal"))
                json_object_set_new(e, "lessThanOrEqual",
                                    json_string(hk_jstr(v, "less_than_or_equal")));
            if (json_object_get(e, "lessThan") || json_object_get(e, "lessThanOrEqual"))
                json_object_set_new(e, "versionType", json_string("custom"));
            json_array_append_new(vers, e);
        }
        if (json_array_size(vers))
            json_object_set_new(o, "versions", vers);
        else
            json_decref(vers);
        json_object_set_new(o, "defaultStatus", json_string(dflt));
        if (*hk_jstr(p, "cpe"))
            json_object_set_new(o, "cpes", json_pack("[s]", hk_jstr(p, "cpe")));
        json_array_append_new(a, o);
    }
    if (!json_array_size(a))
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "vendor", "n/a", "product",
                                        "n/a", "versions", "version", "n/a", "status", "unknown"));
    return a;
}

hk_err hk_vcase_export_cve(struct hk_ctx *ctx, int64_t id, const char *cve, json_t **out)
{
    json_t *c = NULL, *rec = NULL, *cna, *v, *refs, *pts, *mets, *wk, *sol;
    const char *ns = getenv("HIKESHI_ORG_URL"), *org = getenv("HIKESHI_ORG");
    char uuid[40], now[32], url[600], sname[40];
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = hk_vcase_get(ctx, id, &c)))
        return err;
    if (!json_array_size(json_object_get(c, "cve_ids"))) {
        err =
            hk_errf(ctx->em, HK_EINVAL, "case %s has no CVE id to export", hk_jstr(c, "public_id"));
        goto out;
    }
    if (cve) {
        bool found = false;
        json_array_foreach(json_object_get(c, "cve_ids"), i, v) found =
            found || !strcasecmp(json_string_value(v), cve);
        if (!found) {
            err = hk_errf(ctx->em, HK_EINVAL, "cve: case %s has no %.40s", hk_jstr(c, "public_id"),
                          cve);
            goto out;
        }
    } else {
        cve = json_string_value(json_array_get(json_object_get(c, "cve_ids"), 0));
    }
    org_uuid(uuid);
    hk_time_fmt(ctx->now, now);
    (void)snprintf(sname, sizeof(sname), "%.32s", org && strlen(org) >= 2 ? org : "hikeshi");
    refs = json_array();
    json_array_foreach(json_object_get(c, "remediations"), i, v)
    {
        if (*hk_jstr(v, "url"))
            json_array_append_new(
                refs,
                json_pack("{s:s, s:[s]}", "url", hk_jstr(v, "url"), "tags",
                          !strcmp(hk_jstr(v, "category"), "vendor_fix") ? "patch" : "mitigation"));
    }
    (void)snprintf(url, sizeof(url), "%s/vulns/%s", ns && *ns ? ns : "https://hikeshi.invalid",
                   hk_jstr(c, "public_id"));
    for (char *h = url; *h; h++)
        if (*h == '#')
            *h = '-';
    json_array_append_new(refs, json_pack("{s:s, s:s, s:[s]}", "url", url, "name",
                                          hk_jstr(c, "public_id"), "tags", "vendor-advisory"));
    pts = json_array();
    json_array_foreach(json_object_get(c, "cwe_ids"), i, v)
    {
        const char *name = cwe_name(json_string_value(v));
        json_array_append_new(pts,
                              json_pack("{s:[{s:s, s:s, s:O, s:s}]}", "descriptions", "lang", "en",
                                        "description", name ? name : json_string_value(v), "cweId",
                                        v, "type", "CWE"));
    }
    mets = json_array();
    json_array_foreach(json_object_get(c, "cvss"), i, v)
    {
        const char *ver = hk_jstr(v, "version");
        const char *key = !strcmp(ver, "4.0")   ? "cvssV4_0"
                          : !strcmp(ver, "3.0") ? "cvssV3_0"
                                                : "cvssV3_1";
        char sev[16];
        size_t k;
        (void)snprintf(sev, sizeof(sev), "%s", hk_jstr(v, "severity"));
        for (k = 0; sev[k]; k++)
            sev[k] = (char)(sev[k] >= 'a' && sev[k] <= 'z' ? sev[k] - 32 : sev[k]);
        json_array_append_new(mets, json_pack("{s:s, s:[{s:s, s:s}], s:{s:s, s:s, s:O, s:s}}",
                                              "format", "CVSS", "scenarios", "lang", "en", "value",
                                              "GENERAL", key, "version", ver, "vectorString",
                                              hk_jstr(v, "vector"), "baseScore",
                                              json_object_get(v, "score"), "baseSeverity", sev));
    }
    wk = json_array();
    sol = json_array();
    json_array_foreach(json_object_get(c, "remediations"), i, v)
    {
        const char *cat = hk_jstr(v, "category");
        json_array_append_new(
            !strcmp(cat, "workaround") || !strcmp(cat, "mitigation") ? wk : sol,
            json_pack("{s:s, s:s}", "lang", "en", "value", hk_jstr(v, "details")));
    }
    cna = json_pack("{s:{s:s, s:s, s:s}, s:s, s:[{s:s, s:s}], s:o, s:o, s:s}", "providerMetadata",
                    "orgId", uuid, "shortName", sname, "dateUpdated", now, "title",
                    hk_jstr(c, "title"), "descriptions", "lang", "en", "value",
                    *hk_jstr(c, "description") ? hk_jstr(c, "description") : hk_jstr(c, "title"),
                    "affected", affected_of(c), "references", refs, "x_hikeshiCase",
                    hk_jstr(c, "public_id"));
    if (json_array_size(pts))
        json_object_set_new(cna, "problemTypes", pts);
    else
        json_decref(pts);
    if (json_array_size(mets))
        json_object_set_new(cna, "metrics", mets);
    else
        json_decref(mets);
    if (json_array_size(wk))
        json_object_set_new(cna, "workarounds", wk);
    else
        json_decref(wk);
    if (json_array_size(sol))
        json_object_set_new(cna, "solutions", sol);
    else
        json_decref(sol);
    if (*hk_jstr(c, "publish_at"))
        json_object_set_new(cna, "datePublic", json_string(hk_jstr(c, "publish_at")));
    rec = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:{s:o}}", "dataType", "CVE_RECORD",
                    "dataVersion", "5.0", "cveMetadata", "cveId", cve, "assignerOrgId", uuid,
                    "assignerShortName", sname, "state", "PUBLISHED", "dateUpdated", now,
                    "containers", "cna", cna);
    if (!rec) {
        err = HK_ENOMEM;
        goto out;
    }
    if ((err = hk_cve_check(rec, ctx->em))) { /* our own output must pass our own reader */
        json_decref(rec);
        goto out;
    }
    *out = rec;
out:
    json_decref(c);
    return err;
}
