/* SPDX-License-Identifier: MIT */
/*
 * Observable lookup: given one value in any form a person might paste (defanged, mixed
 * case), which incidents and reports carry it. Every row is filtered by visibility.
 */
#include <string.h>

#include "handling/handling_int.h"

/* FNV-1a over "type NUL value": the lookup key of the observables table. Stable forever
 * (stored in every row), so never change it. */
static int64_t obs_hash(const char *type, const char *v, size_t n)
{
    uint64_t h = 14695981039346656037ull;

    for (const char *t = type;; t++) {
        h ^= (unsigned char)*t;
        h *= 1099511628211ull;
        if (!*t)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)v[i];
        h *= 1099511628211ull;
    }
    return (int64_t)h;
}

hk_err hk_observable_id(struct hk_ctx *ctx, enum hk_obs_type type, const char *value, size_t len,
                        bool create, int64_t *id)
{
    const char *tn = hk_obs_type_name(type);
    int64_t h = obs_hash(tn, value, len);
    hk_err err;

    *id = 0;
    err =
        hk_store_scalar(ctx->st, HK_Q_OBS_GET_ID,
                        HK_SQL_ARGS(hk_sql_text(tn), hk_sql_textn(value, len), hk_sql_int(h)), id);
    if (err != HK_ENOTFOUND)
        return err;
    *id = 0;
    if (!create)
        return HK_OK;
    return hk_store_exec(
        ctx->st, HK_Q_OBS_INSERT,
        HK_SQL_ARGS(hk_sql_text(tn), hk_sql_textn(value, len), hk_sql_int(ctx->now), hk_sql_int(h)),
        id);
}

static json_t *visible(struct hk_ctx *ctx, json_t *rows, bool incidents)
{
    json_t *out = json_array(), *r;
    size_t i;

    json_array_foreach(rows, i, r)
    {
        if (incidents ? hk_can_read_incident(ctx, r) : hk_can_read_report(ctx, r))
            json_array_append(out, r);
    }
    return out;
}

/* Keeps the incidents that some report in reps belongs to; consumes incs. */
static json_t *through_reports(json_t *incs, json_t *reps)
{
    json_t *keep = json_array(), *inc, *r;
    size_t i, j;

    json_array_foreach(incs, i, inc)
    {
        json_int_t id = json_integer_value(json_object_get(inc, "id"));
        json_array_foreach(reps, j, r)
        {
            if (json_integer_value(json_object_get(r, "incident_id")) == id) {
                json_array_append(keep, inc);
                break;
            }
        }
    }
    json_decref(incs);
    return keep;
}

hk_err hk_observable_lookup(struct hk_ctx *ctx, const char *value, json_t **out)
{
    enum hk_obs_type t;
    char norm[HK_OBS_VALUE_MAX + 1];
    int64_t id = 0;
    json_t *incs = NULL, *reps = NULL;
    hk_err err;

    if (ctx->who.role == HK_ROLE_SENSOR)
        return hk_errf(ctx->em, HK_EPERM, "sensors may only submit");
    if (!value || hk_obs_classify(value, &t, norm, sizeof(norm)))
        return hk_errf(ctx->em, HK_EINVAL,
                       "'%s' is not an observable (IP, CIDR, domain, URL, "
                       "e-mail, hash, CVE or ASN)",
                       value ? value : "");
    err = hk_observable_id(ctx, t, norm, strlen(norm), false, &id);
    if (!err && !id) {
        *out = json_pack("{s:s, s:s, s:n, s:[], s:[]}", "type", hk_obs_type_name(t), "value", norm,
                         "id", "incidents", "reports");
        return HK_OK;
    }
    if (err)
        return err;
    if ((err = hk_store_rows(ctx->st, HK_Q_OBS_INCIDENTS, HK_SQL_ARGS(hk_sql_int(id)), &incs)) ||
        (err = hk_store_rows(ctx->st, HK_Q_OBS_REPORTS, HK_SQL_ARGS(hk_sql_int(id)), &reps)))
        goto out;
    {
        json_t *vreps = visible(ctx, reps, false), *vincs = visible(ctx, incs, true);
        /* Beyond admins, an incident is shown only through a visible report of it that
         * carries the observable: a hidden (e.g. TLP:RED) report must not reveal, through
         * its incident, that the incident involves this observable. */
        if (ctx->who.role != HK_ROLE_ADMIN)
            vincs = through_reports(vincs, vreps);
        *out = json_pack("{s:s, s:s, s:I, s:o, s:o}", "type", hk_obs_type_name(t), "value", norm,
                         "id", (json_int_t)id, "incidents", vincs, "reports", vreps);
    }
out:
    json_decref(incs);
    json_decref(reps);
    return err;
}
