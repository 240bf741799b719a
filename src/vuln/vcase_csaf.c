/* SPDX-License-Identifier: MIT */
/*
 * The CSAF 2.0 csaf_security_advisory built from a vulnerability case (hk_vcase_csaf):
 * document (publisher, tracking with the case's public ID, TLP mapped to the CSAF 2.0
 * labels), product_tree (vendor -> product_name -> product_version or
 * product_version_range, with the CPE and purl as identification helpers), and one
 * vulnerability per CVE id (or one without a CVE) carrying the CWE, notes (description and
 * the vendors' statements), product_status from each vendor's status, remediations and the
 * CVSS v3 scores (CSAF 2.0 has no v4.0 score object: v4.0 vectors go into a note).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/cpe.h"
#include "vuln/csaf_int.h"
#include "vuln/vcase_int.h"

#define GENERATOR_VERSION "0.7"

static const char *cwe_name(const char *id)
{
    size_t lo = 0, hi = hk_csaf_ncwes;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(hk_csaf_cwes[mid].id, id);
        if (!c)
            return hk_csaf_cwes[mid].name;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* CSAF 2.0 knows the TLP 1.0 labels. */
static const char *csaf_tlp(const char *tlp)
{
    if (!strcmp(tlp, "CLEAR"))
        return "WHITE";
    if (!strcmp(tlp, "GREEN"))
        return "GREEN";
    if (!strcmp(tlp, "RED"))
        return "RED";
    return "AMBER"; /* AMBER and AMBER+STRICT (said in distribution.text) */
}

/* The vendor status that applies to a product: the case vendor whose team name or full
 * name equals the product's vendor (ignoring case), else "" (unknown). */
static const char *product_status(json_t *c, json_t *prod)
{
    json_t *vendors = json_object_get(c, "vendors"), *v;
    const char *pv = hk_jstr(prod, "vendor");
    size_t i;

    json_array_foreach(vendors, i, v)
    {
        if (!strcasecmp(pv, hk_jstr(v, "team")) ||
            (*hk_jstr(v, "full_name") && !strcasecmp(pv, hk_jstr(v, "full_name"))))
            return hk_jstr(v, "status");
    }
    return "";
}

static const char *status_group(const char *vendor_status, const char *version_status)
{
    if (version_status && !strcmp(version_status, "unaffected"))
        return "known_not_affected";
    if (!strcmp(vendor_status, "affected"))
        return "known_affected";
    if (!strcmp(vendor_status, "not_affected"))
        return "known_not_affected";
    if (!strcmp(vendor_status, "fixed"))
        return "fixed";
    return "under_investigation";
}

/* The product's CPE with its version ANY replaced by version (quoted as CPE 2.3 wants), or
 * the CPE as it is when it names a version already, the version does not fit, or the result
 * would not parse. */
static void cpe_for_version(const char *cpe, const char *version, char *out, size_t cap)
{
    struct hk_buf b = HK_BUF_INIT(HK_CPE_MAX_LEN);
    struct hk_cpe c;
    const char *p = cpe;
    int field = 0;
    bool ok = version && *version;

    (void)snprintf(out, cap, "%s", cpe);
    if (!ok || hk_cpe_parse(cpe, strlen(cpe), &c, NULL) || c.kind[HK_CPE_VERSION] != HK_CPE_ANY)
        return;
    /* copy up to the version field (the 6th ':'-separated field, no quoting before it
     * matters here because vendor and product may hold "\:" which we copy verbatim) */
    while (*p && ok) {
        if (*p == '\\' && p[1]) {
            ok = !hk_buf_append(&b, p, 2);
            p += 2;
            continue;
        }
        if (*p == ':' && ++field == 5) {
            ok = !hk_buf_appendc(&b, ':');
            for (const char *v = version; *v && ok; v++) {
                unsigned char ch = (unsigned char)*v;
                if (ch <= ' ' || ch > '~')
                    ok = false;
                else if (!(isalnum(ch) || ch == '_' || ch == '-' || ch == '.'))
                    ok = !hk_buf_appendc(&b, '\\') && !hk_buf_appendc(&b, (char)ch);
                else
                    ok = !hk_buf_appendc(&b, (char)tolower(ch));
            }
            p += 2; /* ":*" */
            continue;
        }
        ok = !hk_buf_appendc(&b, *p++);
    }
    if (ok && field >= 5 && !hk_cpe_parse(hk_buf_str(&b), b.len, &c, NULL))
        (void)snprintf(out, cap, "%s", hk_buf_str(&b));
    hk_buf_release(&b);
}

static json_t *helper(json_t *prod, const char *version)
{
    json_t *h = json_object();

    if (*hk_jstr(prod, "cpe")) {
        char cpe[HK_CPE_MAX_LEN + 1];
        cpe_for_version(hk_jstr(prod, "cpe"), version, cpe, sizeof(cpe));
        json_object_set_new(h, "cpe", json_string(cpe));
    }
    if (*hk_jstr(prod, "purl"))
        json_object_set_new(h, "purl", json_string(hk_jstr(prod, "purl")));
    if (!json_object_size(h)) {
        json_decref(h);
        return NULL;
    }
    return h;
}

static json_t *leaf(const char *category, const char *name, const char *pid, const char *full,
                    json_t *prod)
{
    json_t *p = json_pack("{s:s, s:s}", "product_id", pid, "name", full);
    json_t *h = helper(prod, !strcmp(category, "product_version") ? name : NULL);

    if (h)
        json_object_set_new(p, "product_identification_helper", h);
    return json_pack("{s:s, s:s, s:o}", "category", category, "name", name, "product", p);
}

/* Adds pid to the product_status group. */
static void add_status(json_t *ps, const char *group, const char *pid)
{
    json_t *a = json_object_get(ps, group);

    if (!a) {
        a = json_array();
        json_object_set_new(ps, group, a);
    }
    json_array_append_new(a, json_string(pid));
}

/* Builds the product tree; fills status (group -> [ids]) and, per case product id, the
 * array of its CSAF product ids (byprod: object keyed by the decimal id). */
static json_t *product_tree(json_t *c, json_t *status, json_t *byprod)
{
    json_t *vendors = json_object(), *prods = json_object_get(c, "products"), *p;
    json_t *branches = json_array();
    const char *vn;
    json_t *vb;
    size_t i, k;
    int n = 0;

    json_array_foreach(prods, i, p)
    {
        const char *vendor = hk_jstr(p, "vendor"), *pname = hk_jstr(p, "product");
        const char *vst = product_status(c, p);
        json_t *vers = json_object_get(p, "versions"), *ver, *vendor_br, *pbranches, *ids;
        json_t *name_br;
        char key[32];

        vendor_br = json_object_get(vendors, vendor);
        if (!vendor_br) {
            vendor_br =
                json_pack("{s:s, s:s, s:[]}", "category", "vendor", "name", vendor, "branches");
            json_object_set_new(vendors, vendor, vendor_br);
        }
        pbranches = json_array();
        ids = json_array();
        if (!json_array_size(vers)) {
            char pid[32], full[600];
            (void)snprintf(pid, sizeof(pid), "CSAFPID-%04d", ++n);
            (void)snprintf(full, sizeof(full), "%s %s", vendor, pname);
            name_br = leaf("product_name", pname, pid, full, p);
            add_status(status, status_group(vst, NULL), pid);
            json_array_append_new(ids, json_string(pid));
        } else {
            json_array_foreach(vers, k, ver)
            {
                const char *v = hk_jstr(ver, "version");
                const char *lt = hk_jstr(ver, "less_than"),
                           *le = hk_jstr(ver, "less_than_or_equal");
                char pid[32], full[900], name[400];
                (void)snprintf(pid, sizeof(pid), "CSAFPID-%04d", ++n);
                if (*lt || *le) {
                    /* vers: a range from "version" (unless it is "0" or "*") to the bound */
                    bool open = !strcmp(v, "0") || !strcmp(v, "*");
                    (void)snprintf(name, sizeof(name), "vers:generic/%s%s%s%s",
                                   open ? "" : ">=", open ? "" : v, open ? "" : "|",
                                   *lt ? "<" : "<=");
                    (void)snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s",
                                   *lt ? lt : le);
                    (void)snprintf(full, sizeof(full), "%s %s %s", vendor, pname, name);
                    json_array_append_new(pbranches,
                                          leaf("product_version_range", name, pid, full, p));
                } else {
                    (void)snprintf(full, sizeof(full), "%s %s %s", vendor, pname, v);
                    json_array_append_new(pbranches, leaf("product_version", v, pid, full, p));
                }
                add_status(status,
                           status_group(vst, json_string_value(json_object_get(ver, "status"))),
                           pid);
                json_array_append_new(ids, json_string(pid));
            }
            name_br = json_pack("{s:s, s:s, s:O}", "category", "product_name", "name", pname,
                                "branches", pbranches);
        }
        json_decref(pbranches);
        json_array_append_new(json_object_get(vendor_br, "branches"), name_br);
        (void)snprintf(key, sizeof(key), "%lld",
                       (long long)json_integer_value(json_object_get(p, "id")));
        json_object_set_new(byprod, key, ids);
    }
    json_object_foreach(vendors, vn, vb) json_array_append(branches, vb);
    json_decref(vendors);
    return json_pack("{s:o}", "branches", branches);
}

static json_t *notes_of(json_t *c)
{
    json_t *notes = json_array(), *v, *cvss = json_object_get(c, "cvss");
    const char *desc = hk_jstr(c, "description");
    size_t i;

    json_array_append_new(notes, json_pack("{s:s, s:s, s:s}", "category", "description", "title",
                                           "Vulnerability description", "text",
                                           *desc ? desc : hk_jstr(c, "title")));
    json_array_foreach(json_object_get(c, "vendors"), i, v)
    {
        char title[300];
        if (!*hk_jstr(v, "statement"))
            continue;
        (void)snprintf(title, sizeof(title), "Statement of %s",
                       *hk_jstr(v, "full_name") ? hk_jstr(v, "full_name") : hk_jstr(v, "team"));
        json_array_append_new(notes, json_pack("{s:s, s:s, s:s}", "category", "other", "title",
                                               title, "text", hk_jstr(v, "statement")));
    }
    json_array_foreach(cvss, i, v)
    {
        char text[700];
        if (strcmp(hk_jstr(v, "version"), "4.0"))
            continue;
        (void)snprintf(text, sizeof(text), "%s (score %.1f, %s)", hk_jstr(v, "vector"),
                       json_number_value(json_object_get(v, "score")), hk_jstr(v, "severity"));
        json_array_append_new(notes, json_pack("{s:s, s:s, s:s}", "category", "other", "title",
                                               "CVSS v4.0", "text", text));
    }
    return notes;
}

static json_t *all_ids(json_t *status)
{
    json_t *a = json_array(), *g;
    const char *k;

    json_object_foreach(status, k, g) json_array_extend(a, g);
    return a;
}

static json_t *affected_ids(json_t *status)
{
    json_t *a = json_array(), *g;

    if ((g = json_object_get(status, "known_affected")))
        json_array_extend(a, g);
    if ((g = json_object_get(status, "under_investigation")))
        json_array_extend(a, g);
    if ((g = json_object_get(status, "fixed")))
        json_array_extend(a, g);
    if (!json_array_size(a)) {
        json_decref(a);
        return all_ids(status);
    }
    return a;
}

static json_t *remediations_of(json_t *c, json_t *status, json_t *byprod)
{
    json_t *out = json_array(), *r;
    size_t i;

    json_array_foreach(json_object_get(c, "remediations"), i, r)
    {
        json_t *ids = NULL, *o;
        json_t *pid = json_object_get(r, "product_id");
        if (json_is_integer(pid)) {
            char key[32];
            (void)snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(pid));
            ids = json_deep_copy(json_object_get(byprod, key));
        }
        if (!ids || !json_array_size(ids)) {
            json_decref(ids);
            ids = affected_ids(status);
        }
        if (!json_array_size(ids)) {
            json_decref(ids);
            continue;
        }
        o = json_pack("{s:s, s:s, s:o}", "category", hk_jstr(r, "category"), "details",
                      hk_jstr(r, "details"), "product_ids", ids);
        if (*hk_jstr(r, "url"))
            json_object_set_new(o, "url", json_string(hk_jstr(r, "url")));
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *scores_of(json_t *c, json_t *status)
{
    json_t *out = json_array(), *v;
    size_t i;

    json_array_foreach(json_object_get(c, "cvss"), i, v)
    {
        const char *ver = hk_jstr(v, "version");
        json_t *ids;
        if (strcmp(ver, "3.0") && strcmp(ver, "3.1"))
            continue;
        ids = affected_ids(status);
        if (!json_array_size(ids)) {
            json_decref(ids);
            continue;
        }
        json_array_append_new(
            out, json_pack("{s:o, s:{s:s, s:s, s:O, s:s}}", "products", ids, "cvss_v3", "version",
                           ver, "vectorString", hk_jstr(v, "vector"), "baseScore",
                           json_object_get(v, "score"), "baseSeverity", hk_jstr(v, "severity")));
        /* CSAF uses upper-case severities (CVSS v3 JSON schema). */
        {
            json_t *cv = json_object_get(json_array_get(out, json_array_size(out) - 1), "cvss_v3");
            char sev[16];
            size_t k;
            (void)snprintf(sev, sizeof(sev), "%s", hk_jstr(v, "severity"));
            for (k = 0; sev[k]; k++)
                sev[k] = (char)(sev[k] >= 'a' && sev[k] <= 'z' ? sev[k] - 32 : sev[k]);
            json_object_set_new(cv, "baseSeverity", json_string(sev));
        }
    }
    return out;
}

hk_err hk_vcase_csaf(struct hk_ctx *ctx, int64_t id, json_t **doc)
{
    json_t *c = NULL, *status = json_object(), *byprod = json_object(), *tree = NULL;
    json_t *vulns = json_array(), *cves, *cwes, *d = NULL, *dist;
    const char *org = getenv("HIKESHI_ORG"), *ns = getenv("HIKESHI_ORG_URL");
    const char *tlp, *pubstr;
    char now[32], initial[32];
    size_t i, nv;
    hk_err err;

    *doc = NULL;
    if ((err = hk_vcase_get(ctx, id, &c)))
        goto out;
    if (!json_array_size(json_object_get(c, "products"))) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "case %s has no affected products: a CSAF advisory needs a product tree",
                      hk_jstr(c, "public_id"));
        goto out;
    }
    tree = product_tree(c, status, byprod);
    hk_time_fmt(ctx->now, now);
    pubstr = hk_jstr(c, "published_at");
    (void)snprintf(initial, sizeof(initial), "%s", *pubstr ? pubstr : now);
    cves = json_object_get(c, "cve_ids");
    cwes = json_object_get(c, "cwe_ids");
    nv = json_array_size(cves) ? json_array_size(cves) : 1;
    for (i = 0; i < nv; i++) {
        json_t *v = json_pack("{s:s, s:o, s:O, s:o, s:o}", "title", hk_jstr(c, "title"), "notes",
                              notes_of(c), "product_status", status, "remediations",
                              remediations_of(c, status, byprod), "scores", scores_of(c, status));
        json_t *cw;
        size_t k;
        if (json_array_size(cves))
            json_object_set_new(v, "cve", json_incref(json_array_get(cves, i)));
        json_array_foreach(cwes, k, cw)
        {
            const char *name = cwe_name(json_string_value(cw));
            if (name) { /* CSAF 2.0 holds one CWE per vulnerability: the first known one */
                json_object_set_new(v, "cwe", json_pack("{s:O, s:s}", "id", cw, "name", name));
                break;
            }
        }
        if (!json_array_size(json_object_get(v, "remediations")))
            json_object_del(v, "remediations");
        if (!json_array_size(json_object_get(v, "scores")))
            json_object_del(v, "scores");
        json_array_append_new(vulns, v);
    }
    tlp = hk_jstr(c, "tlp");
    dist = json_pack("{s:{s:s, s:s}}", "tlp", "label", csaf_tlp(tlp), "url",
                     "https://www.first.org/tlp/");
    if (!strcmp(tlp, "AMBER+STRICT"))
        json_object_set_new(dist, "text",
                            json_string("TLP:AMBER+STRICT (TLP 2.0): share only inside the "
                                        "recipient's own organisation."));
    d = json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:o, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:[{s:s, s:s, s:s}], "
        "s:s, s:s, s:{s:s, s:{s:s, s:s}}}, s:[{s:s, s:s, s:s}]}, s:o, s:o}",
        "document", "category", "csaf_security_advisory", "csaf_version", "2.0", "lang", "en",
        "title", hk_jstr(c, "title"), "distribution", dist, "publisher", "category", "coordinator",
        "name", org && *org ? org : "hikeshi", "namespace",
        ns && *ns ? ns : "https://hikeshi.invalid", "tracking", "id", hk_jstr(c, "public_id"),
        "initial_release_date", initial, "current_release_date", now, "revision_history", "date",
        initial, "number", "1", "summary", "Initial public release.", "status", "final", "version",
        "1", "generator", "date", now, "engine", "name", "hikeshi", "version", GENERATOR_VERSION,
        "notes", "category", "summary", "title", "Summary", "text", hk_jstr(c, "title"),
        "product_tree", tree, "vulnerabilities", vulns);
    tree = NULL;
    vulns = NULL;
    if (!d) {
        err = HK_ENOMEM;
        goto out;
    }
    if (*hk_jstr(c, "description"))
        json_object_set_new(
            json_array_get(json_object_get(json_object_get(d, "document"), "notes"), 0), "text",
            json_string(hk_jstr(c, "description")));
    *doc = d;
out:
    json_decref(tree);
    json_decref(vulns);
    json_decref(status);
    json_decref(byprod);
    json_decref(c);
    return err;
}
