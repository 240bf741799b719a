/* SPDX-License-Identifier: MIT */
/*
 * Vulnerability-case endpoints: /api/v1/vulns (intake and list, embargo reminders, CVE JSON 5
 * import), /api/v1/vulns/{id} (read, edit, lifecycle actions, vendors, products,
 * remediations, the generated CSAF document, CVE JSON 5 export, audit). Thin: the vuln
 * module (include/hikeshi/vcase.h) does the work; the router has opened the transaction.
 */
#include <string.h>

#include "api/api_int.h"
#include "hikeshi/cvss.h"
#include "hikeshi/vcase.h"

hk_err api_vuln_create(struct call *c)
{
    hk_err err = hk_vcase_create(c->ctx, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

/* GET /api/v1/cvss?vector=: the score of one vector, or the parser's precise error. */
hk_err api_cvss_check(struct call *c)
{
    const char *vec = json_string_value(json_object_get(c->params, "vector"));
    struct hk_cvss cv;
    struct hk_cvss_scores sc;
    hk_err err;

    if (!vec || !*vec)
        return hk_errf(c->ctx->em, HK_EINVAL, "'vector' is required");
    if ((err = hk_cvss_parse(vec, strlen(vec), &cv, c->ctx->em)))
        return err;
    hk_cvss_score(&cv, &sc);
    c->out = json_pack("{s:s, s:s, s:f, s:s, s:f}", "vector", vec, "version",
                       hk_cvss_version_str(sc.version), "score", sc.score / 10.0, "severity",
                       hk_cvss_severity(sc.version, sc.score), "base", sc.base / 10.0);
    if (sc.nomenclature)
        json_object_set_new(c->out, "nomenclature", json_string(sc.nomenclature));
    return c->out ? HK_OK : HK_ENOMEM;
}

hk_err api_vuln_list(struct call *c)
{
    return hk_vcase_list(c->ctx, c->params, &c->out);
}

hk_err api_vuln_get(struct call *c)
{
    return hk_vcase_get(c->ctx, c->id, &c->out);
}

hk_err api_vuln_update(struct call *c)
{
    return hk_vcase_update(c->ctx, c->id, c->body, &c->out);
}

hk_err api_vuln_action(struct call *c)
{
    return hk_vcase_transition(c->ctx, c->id, c->action, c->body, &c->out);
}

hk_err api_vuln_vendor_add(struct call *c)
{
    hk_err err = hk_vcase_vendor_add(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_vuln_vendor_update(struct call *c)
{
    return hk_vcase_vendor_update(c->ctx, c->id, c->action, c->body, &c->out);
}

hk_err api_vuln_product_add(struct call *c)
{
    hk_err err = hk_vcase_product_add(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_vuln_product_remove(struct call *c)
{
    int64_t pid = 0;

    if (hk_parse_i64(c->action, &pid) || pid <= 0)
        return hk_errf(c->ctx->em, HK_EINVAL, "'%.32s' is not a product id", c->action);
    return hk_vcase_product_remove(c->ctx, c->id, pid, &c->out);
}

hk_err api_vuln_remediation_add(struct call *c)
{
    hk_err err = hk_vcase_remediation_add(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_vuln_csaf(struct call *c)
{
    return hk_vcase_csaf(c->ctx, c->id, &c->out);
}

hk_err api_vuln_export_cve(struct call *c)
{
    const char *cve = json_string_value(json_object_get(c->params, "cve"));

    return hk_vcase_export_cve(c->ctx, c->id, cve, &c->out);
}

hk_err api_vuln_import_cve(struct call *c)
{
    const char *cs = json_string_value(json_object_get(c->params, "case"));
    json_t *rec = NULL;
    int64_t id = 0;
    hk_err err;

    if (cs && (err = hk_vcase_find(c->ctx, cs, &id)))
        return err;
    if ((err = hk_cve_parse(c->req->body ? c->req->body : "", c->req->body_len, &rec, c->ctx->em)))
        return err;
    err = hk_vcase_import_cve(c->ctx, rec, id, &c->out);
    json_decref(rec);
    if (!err && !id)
        c->status = 201;
    return err;
}

hk_err api_vuln_import_cve_into(struct call *c)
{
    json_t *rec = NULL;
    hk_err err = hk_cve_parse(c->req->body ? c->req->body : "", c->req->body_len, &rec, c->ctx->em);

    if (!err)
        err = hk_vcase_import_cve(c->ctx, rec, c->id, &c->out);
    json_decref(rec);
    return err;
}

hk_err api_vuln_remind(struct call *c)
{
    return hk_vcase_remind(c->ctx, c->body, &c->out);
}

hk_err api_vuln_audit(struct call *c)
{
    json_t *v = NULL, *rows = NULL;
    hk_err err = hk_vcase_get(c->ctx, c->id, &v);

    json_decref(v);
    if (!err)
        err = hk_audit_of(c->ctx, "vcase", c->id, &rows);
    if (!err)
        c->out = json_pack("{s:o}", "items", rows);
    return err;
}
