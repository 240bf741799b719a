/* SPDX-License-Identifier: MIT */
/*
 * TLP on the statistics: what the caller may not read, so that every aggregate (the
 * dashboard, the series, the summary, hence the SVG chart, CSV and `hikeshi stats`) counts
 * exactly the incidents and reports the caller could open. The rule is access.c's: admin
 * (and the local operator) reads everything, so nothing is hidden and nothing is queried;
 * for a handler, TLP:RED incidents are hidden unless the handler is on the incident
 * (incident_members), TLP:AMBER+STRICT ones unless on it or of the handler's team; a report
 * is hidden unless the handler submitted it or both its own TLP and its incident allow it.
 * The counters (008_webui.sql) count everything; the hidden rows are few (only restricted
 * TLP can hide anything) and are read through the partial indexes of 010_stats_tlp.sql,
 * then taken out of the counted figures by the callers in stats.c.
 */
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"

static void copy_str(char *dst, size_t n, const char *s)
{
    size_t k = strlen(s);

    if (k >= n)
        k = n - 1;
    memcpy(dst, s, k);
    dst[k] = '\0';
}

static hk_err add_incident(json_t *row, void *arg)
{
    struct hk_hidden *h = arg;
    struct hk_hidden_inc *e;
    json_t *fr = json_object_get(row, "first_response_s");
    json_t *res = json_object_get(row, "resolved_s");

    if (h->ninc == h->cinc) {
        h->cinc = h->cinc ? h->cinc * 2 : 64;
        h->inc = hk_xrealloc(h->inc, h->cinc * sizeof(*h->inc));
    }
    e = &h->inc[h->ninc++];
    memset(e, 0, sizeof(*e));
    e->id = json_integer_value(json_object_get(row, "id"));
    e->created_at = json_integer_value(json_object_get(row, "created_s"));
    e->has_fr = json_is_integer(fr);
    e->first_response_at = json_integer_value(fr);
    e->has_res = json_is_integer(res);
    e->resolved_at = json_integer_value(res);
    e->merged = json_is_integer(json_object_get(row, "merged_into"));
    copy_str(e->state, sizeof(e->state), hk_jstr(row, "state"));
    copy_str(e->severity, sizeof(e->severity), hk_jstr(row, "severity"));
    e->team = hk_xstrdup(hk_jstr(row, "team"));
    e->cls = hk_xstrdup(hk_jstr(row, "rsit_class"));
    return HK_OK;
}

static hk_err add_report(json_t *row, void *arg)
{
    struct hk_hidden *h = arg;
    struct hk_hidden_rep *e;

    if (h->nrep == h->crep) {
        h->crep = h->crep ? h->crep * 2 : 64;
        h->rep = hk_xrealloc(h->rep, h->crep * sizeof(*h->rep));
    }
    e = &h->rep[h->nrep++];
    e->received_at = json_integer_value(json_object_get(row, "received_s"));
    e->is_new = !strcmp(hk_jstr(row, "state"), "new");
    e->cls = hk_xstrdup(hk_jstr(row, "rsit_class"));
    e->source = hk_xstrdup(hk_jstr(row, "source"));
    return HK_OK;
}

hk_err hk_hidden_load(struct hk_ctx *ctx, int64_t from, int64_t to, int64_t open_or_since,
                      unsigned what, struct hk_hidden *h)
{
    struct hk_sqlval a[5];
    hk_err err = HK_OK;

    memset(h, 0, sizeof(*h));
    if (ctx->who.role == HK_ROLE_ADMIN)
        return HK_OK;
    a[0] = hk_sql_int(ctx->who.user_id);
    a[1] = hk_sql_text(ctx->who.team);
    a[2] = from ? hk_sql_int(from) : hk_sql_int0(0);
    a[3] = to ? hk_sql_int(to) : hk_sql_int0(0);
    a[4] = open_or_since ? hk_sql_int(open_or_since) : hk_sql_int0(0);
    if (what & HK_HIDDEN_INCIDENTS)
        err = hk_store_each(ctx->st, HK_Q_STAT_HIDDEN_INCIDENTS, a, 5, add_incident, h);
    if (!err && (what & HK_HIDDEN_REPORTS))
        err = hk_store_each(ctx->st, HK_Q_STAT_HIDDEN_REPORTS, a, 4, add_report, h);
    if (err)
        hk_hidden_free(h);
    return err;
}

hk_err hk_hidden_packed(struct hk_ctx *ctx, int64_t from, int64_t to, const char *dim,
                        json_t **rows)
{
    *rows = NULL;
    if (ctx->who.role == HK_ROLE_ADMIN)
        return HK_OK;
    return hk_store_rows(ctx->st, HK_Q_STAT_HIDDEN_PACKED,
                         HK_SQL_ARGS(hk_sql_int(ctx->who.user_id), hk_sql_text(ctx->who.team),
                                     from ? hk_sql_int(from) : hk_sql_int0(0),
                                     to ? hk_sql_int(to) : hk_sql_int0(0), hk_sql_text(dim)),
                         rows);
}

void hk_hidden_free(struct hk_hidden *h)
{
    for (size_t i = 0; i < h->ninc; i++) {
        free(h->inc[i].team);
        free(h->inc[i].cls);
    }
    for (size_t i = 0; i < h->nrep; i++) {
        free(h->rep[i].cls);
        free(h->rep[i].source);
    }
    free(h->inc);
    free(h->rep);
    memset(h, 0, sizeof(*h));
}

const char *hk_hidden_inc_key(const struct hk_hidden_inc *e, const char *dim)
{
    if (!strcmp(dim, "class"))
        return e->cls;
    if (!strcmp(dim, "team"))
        return e->team;
    return "";
}

const char *hk_hidden_rep_key(const struct hk_hidden_rep *e, const char *dim)
{
    if (!strcmp(dim, "class"))
        return e->cls;
    if (!strcmp(dim, "source"))
        return e->source;
    return "";
}

bool hk_hidden_counts_f(const struct hk_hidden_inc *e)
{
    return e->has_fr;
}

bool hk_hidden_counts_r(const struct hk_hidden_inc *e)
{
    return !strcmp(e->state, "resolved") && e->has_res && !e->merged;
}
