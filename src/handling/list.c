/* SPDX-License-Identifier: MIT */
/*
 * Filtered lists of incidents and reports with keyset (cursor) pagination. Parameters
 * come as a JSON object of strings (query-string values); visibility is pushed down into
 * the store's SQL so a page is always full. The order is by id unless 'sort' names a
 * column; the cursor of the id order is the last id (an integer, as it always was), the
 * cursor of another sort an opaque string: base64url of "KIND:SORT:ID:VALUE", the last
 * row's id and sort value, so a cursor used with another list or sort is refused.
 */
#include <sodium.h>
#include <stdlib.h>
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

static const char *const sort_names[] = {
    [HK_SORT_ID] = "id",           [HK_SORT_CREATED] = "created",
    [HK_SORT_UPDATED] = "updated", [HK_SORT_SEVERITY] = "severity",
    [HK_SORT_STATE] = "state",     [HK_SORT_TEAM] = "team",
    [HK_SORT_TITLE] = "title",
};

/* The sort column named s, with the aliases of the report list (received, subject). */
static hk_err sort_param(struct hk_ctx *ctx, enum hk_list_kind kind, const char *s,
                         enum hk_list_sort *out)
{
    bool inc = kind == HK_LIST_INCIDENTS;

    *out = HK_SORT_ID;
    if (!s)
        return HK_OK;
    for (int i = HK_SORT_ID; i <= HK_SORT_TITLE; i++)
        if (!strcmp(s, sort_names[i]) &&
            (inc || (i != HK_SORT_SEVERITY && i != HK_SORT_TEAM && i != HK_SORT_TITLE))) {
            *out = (enum hk_list_sort)i;
            return HK_OK;
        }
    if (!inc && !strcmp(s, "received"))
        *out = HK_SORT_CREATED;
    else if (!inc && !strcmp(s, "subject"))
        *out = HK_SORT_TITLE;
    else
        return hk_errf(ctx->em, HK_EINVAL, "unknown sort column '%.64s' (%s)", s,
                       inc ? "id, created, updated, severity, state, team, title"
                           : "id, received, updated, state, subject");
    return HK_OK;
}

static const char *kind_name(enum hk_list_kind kind)
{
    return kind == HK_LIST_INCIDENTS ? "incidents" : "reports";
}

/* The canonical name of a sort in a cursor (reports: received, subject). */
static const char *cursor_sort_name(enum hk_list_kind kind, enum hk_list_sort sort)
{
    if (kind == HK_LIST_REPORTS && sort == HK_SORT_CREATED)
        return "received";
    if (kind == HK_LIST_REPORTS && sort == HK_SORT_TITLE)
        return "subject";
    return sort_names[sort];
}

#define CURSOR_MAX 4096 /* the decoded text; a title or subject is at most 2,000 bytes */

/*
 * Parses the cursor c for lq's kind and sort into lq->cursor and lq->cursor_key (which
 * points into key, kept by the caller). Integers are the id order's; anything else must
 * be the opaque cursor of the same list and sort.
 */
static hk_err cursor_param(struct hk_ctx *ctx, const char *c, struct hk_list_query *lq,
                           struct hk_buf *key)
{
    unsigned char raw[CURSOR_MAX + 1];
    size_t n = 0, klen;
    const char *kind = kind_name(lq->kind), *sort = cursor_sort_name(lq->kind, lq->sort);
    char *p, *id, *val;
    int64_t v;

    if (!c)
        return HK_OK;
    if (!hk_parse_i64(c, &lq->cursor)) {
        if (lq->cursor < 0)
            return hk_errf(ctx->em, HK_EINVAL, "'cursor' must not be negative");
        if (lq->sort != HK_SORT_ID && lq->cursor) /* 0 is the start, in any order */
            return hk_errf(ctx->em, HK_EINVAL,
                           "this cursor is for the id order, not sort=%s: start again "
                           "without a cursor",
                           sort);
        return HK_OK;
    }
    if (sodium_base642bin(raw, CURSOR_MAX, c, strlen(c), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        memchr(raw, 0, n))
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of this list");
    raw[n] = 0;
    p = (char *)raw;
    klen = strlen(kind);
    if (strncmp(p, kind, klen) || p[klen] != ':')
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of the %s list", kind);
    p += klen + 1;
    id = strchr(p, ':');
    val = id ? strchr(id + 1, ':') : NULL;
    if (!val)
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of this list");
    *id++ = 0;
    *val++ = 0;
    if (strcmp(p, sort)) {
        /* Name the cursor's sort only when it is one: the rest is the client's bytes. */
        bool known = false;
        for (int i = HK_SORT_ID; i <= HK_SORT_TITLE && !known; i++)
            known = !strcmp(p, cursor_sort_name(lq->kind, (enum hk_list_sort)i));
        return hk_errf(ctx->em, HK_EINVAL,
                       "this cursor is for %s%s, not sort=%s: use the same sort or start "
                       "again without a cursor",
                       known ? "sort=" : "another sort", known ? p : "", sort);
    }
    if (hk_parse_i64(id, &lq->cursor) || lq->cursor < 1)
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of this list");
    if ((lq->sort == HK_SORT_CREATED || lq->sort == HK_SORT_UPDATED) && hk_parse_i64(val, &v))
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of this list");
    if ((lq->sort == HK_SORT_SEVERITY && hk_severity_check(val)) ||
        (lq->sort == HK_SORT_STATE &&
         (!valid_state(lq->kind, val) ||
          (lq->kind == HK_LIST_INCIDENTS && (!strcmp(val, "open") || !strcmp(val, "closed"))))))
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is not a cursor of this list");
    hk_buf_reset(key);
    if (hk_buf_appends(key, val))
        return hk_errf(ctx->em, HK_EINVAL, "'cursor' is too long");
    lq->cursor_key = hk_buf_str(key);
    return HK_OK;
}

/* The next page's cursor (the opaque form) from the last row's id and sort value. */
static hk_err next_cursor(const struct hk_list_query *lq, int64_t last, const struct hk_buf *key,
                          struct hk_buf *out)
{
    struct hk_buf raw = HK_BUF_INIT(CURSOR_MAX);
    char *b64 = NULL;
    size_t b64len;
    hk_err err = hk_buf_appendf(&raw, "%s:%s:%lld:", kind_name(lq->kind),
                                cursor_sort_name(lq->kind, lq->sort), (long long)last);

    if (!err)
        err = hk_buf_append(&raw, hk_buf_str(key), key->len);
    if (!err) {
        b64len = sodium_base64_encoded_len(raw.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        b64 = hk_xmalloc(b64len);
        sodium_bin2base64(b64, b64len, (const unsigned char *)hk_buf_str(&raw), raw.len,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        err = hk_buf_appendf(out, ",\"next_cursor\":\"%s\"}\n", b64);
    }
    free(b64);
    hk_buf_release(&raw);
    return err;
}

static hk_err fill_query(struct hk_ctx *ctx, json_t *p, struct hk_list_query *lq,
                         struct hk_buf *key)
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
    if ((err = sort_param(ctx, lq->kind, param(p, "sort"), &lq->sort)) ||
        (err = cursor_param(ctx, param(p, "cursor"), lq, key)))
        return err;
    if ((err = int_param(ctx, p, "limit", 1, 500, &limit)) ||
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
                      struct hk_list_query *lq, struct hk_buf *key)
{
    hk_err err;

    memset(lq, 0, sizeof(*lq));
    lq->kind = kind;
    if (ctx->who.role == HK_ROLE_SENSOR)
        return hk_errf(ctx->em, HK_EPERM, "sensors may only submit");
    if (kind == HK_LIST_INCIDENTS && !hk_is_staff(ctx))
        return hk_errf(ctx->em, HK_EPERM, "listing incidents needs the handler or admin role");
    if ((err = fill_query(ctx, params, lq, key)))
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
    struct hk_buf key = HK_BUF_INIT(CURSOR_MAX), last_key = HK_BUF_INIT(CURSOR_MAX);
    size_t n = 0;
    int64_t last = 0;
    hk_err err = prepare(ctx, kind, params, &lq, &key);

    if (err)
        goto out;
    lq.last_key = lq.sort != HK_SORT_ID ? &last_key : NULL;
    err = hk_buf_appends(out, "{\"items\":");
    if (!err && lq.observable_id == -1)
        err = hk_buf_appends(out, "[]");
    else if (!err)
        err = ctx->st->ops->list_text(ctx->st, &lq, out, &n, &last);
    if (!err && n && (int)n == lq.limit && lq.sort != HK_SORT_ID)
        err = next_cursor(&lq, last, &last_key, out);
    else if (!err && n && (int)n == lq.limit)
        err = hk_buf_appendf(out, ",\"next_cursor\":%lld}\n", (long long)last);
    else if (!err)
        err = hk_buf_appends(out, ",\"next_cursor\":null}\n");
out:
    hk_buf_release(&key);
    hk_buf_release(&last_key);
    return err;
}
