/* SPDX-License-Identifier: MIT */
/*
 * Filtered lists of incidents and reports with keyset (cursor) pagination. Parameters
 * come as a JSON object of strings (query-string values); visibility is pushed down into
 * the store's SQL so a page is always full.
 */
#include <string.h>

#include "handling/handling_int.h"

static const char *param(json_t *p, const char *k)
{
    const char *s = json_string_value(json_object_get(p, k));

    return s && *s ? s : NULL;
}

static hk_err time_param(struct hk_ctx *ctx, json_t *p, const char *k, int64_t *out)
{
    const char *s = param(p, k);

    *out = 0;
    if (!s)
        return HK_OK;
    if (!hk_time_parse(s, out) || !hk_parse_i64(s, out))
        return HK_OK;
    return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an ISO 8601 time or Unix seconds", k);
}

static hk_err int_param(struct hk_ctx *ctx, json_t *p, const char *k, int64_t lo, int64_t hi,
                        int64_t *out)
{
    const char *s = param(p, k);

    if (!s)
        return HK_OK;
    if (hk_parse_i64(s, out) || *out < lo || *out > hi)
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an integer from %lld to %lld", k,
                       (long long)lo, (long long)hi);
    return HK_OK;
}

static hk_err observable_filter(struct hk_ctx *ctx, const char *v, int64_t *id)
{
    enum hk_obs_type t;
    char norm[HK_OBS_VALUE_MAX + 1];
    hk_err err;

    if (hk_obs_classify(v, &t, norm, sizeof(norm)))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' is not an observable", v);
    err = hk_observable_id(ctx, t, norm, strlen(norm), false, id);
    if (!err && !*id) {
        *id = -1; /* known to match nothing */
        return HK_OK;
    }
    return err;
}

static bool valid_state(enum hk_list_kind kind, const char *s)
{
    static const char *const inc[] = {"new",       "triage", "analysis", "mitigation", "resolved",
                                      "abandoned", "open",   "closed",   NULL};
    static const char *const rep[] = {"new", "open", "resolved", "rejected", NULL};
    const char *const *set = kind == HK_LIST_INCIDENTS ? inc : rep;

    for (int i = 0; set[i]; i++)
        if (!strcmp(set[i], s))
            return true;
    return false;
}

static hk_err fill_query(struct hk_ctx *ctx, json_t *p, struct hk_list_query *lq)
{
    char tlp[16];
    const char *t = param(p, "tlp"), *obs = param(p, "observable"), *order = param(p, "order");
    int64_t limit = 50;
    hk_err err;

    lq->state = param(p, "state");
    if (lq->state && !valid_state(lq->kind, lq->state))
        return hk_errf(ctx->em, HK_EINVAL,
                       lq->kind == HK_LIST_INCIDENTS
                           ? "unknown state '%s' (new, triage, analysis, mitigation, resolved, "
                             "abandoned, or open / closed)"
                           : "unknown state '%s' (new, open, resolved, rejected)",
                       lq->state);
    lq->severity = param(p, "severity");
    lq->team = param(p, "team");
    lq->rsit_class = param(p, "class") ? param(p, "class") : param(p, "rsit_class");
    lq->q = param(p, "q");
    if (lq->severity && hk_severity_check(lq->severity))
        return hk_errf(ctx->em, HK_EINVAL, "unknown severity '%s'", lq->severity);
    if (t) {
        if (hk_tlp_parse(t, tlp))
            return hk_errf(ctx->em, HK_EINVAL, "unknown TLP label '%s'", t);
        /* Normalised in place: the value belongs to p, which outlives the query. */
        json_object_set_new(p, "tlp", json_string(tlp));
        lq->tlp = json_string_value(json_object_get(p, "tlp"));
    }
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return hk_errf(ctx->em, HK_EINVAL, "'order' must be 'asc' or 'desc'");
    lq->ascending = order && !strcmp(order, "asc");
    if ((err = int_param(ctx, p, "limit", 1, 500, &limit)) ||
        (err = int_param(ctx, p, "cursor", 0, INT64_MAX, &lq->cursor)) ||
        (err = time_param(ctx, p, "updated_since", &lq->updated_since)) ||
        (err = time_param(ctx, p, "from", &lq->created_from)) ||
        (err = time_param(ctx, p, "to", &lq->created_to)) ||
        (err = int_param(ctx, p, "incident", 1, INT64_MAX, &lq->incident_id)))
        return err;
    lq->limit = (int)limit;
    if (obs && (err = observable_filter(ctx, obs, &lq->observable_id)))
        return err;
    return HK_OK;
}

/* Checks the caller and turns params into a list query with visibility applied. */
static hk_err prepare(struct hk_ctx *ctx, enum hk_list_kind kind, json_t *params,
                      struct hk_list_query *lq)
{
    hk_err err;

    memset(lq, 0, sizeof(*lq));
    lq->kind = kind;
    if (ctx->who.role == HK_ROLE_SENSOR)
        return hk_errf(ctx->em, HK_EPERM, "sensors may only submit");
    if (kind == HK_LIST_INCIDENTS && !hk_is_staff(ctx))
        return hk_errf(ctx->em, HK_EPERM, "listing incidents needs the handler or admin role");
    if ((err = fill_query(ctx, params, lq)))
        return err;
    if (!lq->limit)
        lq->limit = 50;
    if (!hk_is_staff(ctx))
        lq->reporter_id = ctx->who.user_id ? ctx->who.user_id : -1; /* own reports only */
    if (ctx->who.role != HK_ROLE_ADMIN && ctx->who.user_id) {
        lq->restrict_user_id = ctx->who.user_id;
        lq->restrict_team = ctx->who.team;
    }
    return HK_OK;
}

hk_err hk_list_text(struct hk_ctx *ctx, enum hk_list_kind kind, json_t *params, struct hk_buf *out)
{
    struct hk_list_query lq;
    size_t n = 0;
    int64_t last = 0;
    hk_err err = prepare(ctx, kind, params, &lq);

    if (err)
        return err;
    err = hk_buf_appends(out, "{\"items\":");
    if (!err && lq.observable_id == -1)
        err = hk_buf_appends(out, "[]");
    else if (!err)
        err = ctx->st->ops->list_text(ctx->st, &lq, out, &n, &last);
    if (!err && n && (int)n == lq.limit)
        err = hk_buf_appendf(out, ",\"next_cursor\":%lld}\n", (long long)last);
    else if (!err)
        err = hk_buf_appends(out, ",\"next_cursor\":null}\n");
    return err;
}
