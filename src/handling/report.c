/* SPDX-License-Identifier: MIT */
/*
 * Reports: what someone told us. Intake keeps the content verbatim, folds exact
 * duplicates (same reporter, same content: one SHA-256 over both, a unique index), extracts
 * observables and correlates: a report sharing an observable with an open incident seen
 * within the correlation window is linked to it, and the link records why.
 * This file is the bulk-import hot path: prepared statements only, no per-report JSON
 * beyond the input, and the caller batches many reports per transaction.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/directory.h"

static const char *const sources[] = {"api", "email",  "feed",  "sensor", "simulator", "cli",
                                      "web", "import", "phone", "other",  NULL};

const char *hk_jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

hk_err hk_require_staff(struct hk_ctx *ctx)
{
    if (hk_is_staff(ctx))
        return HK_OK;
    return hk_errf(ctx->em, HK_EPERM, "this action needs the handler or admin role");
}

hk_err hk_report_parse_in(struct hk_ctx *ctx, json_t *body, struct report_in *in)
{
    static const char *const allowed[] = {"content",   "source",      "reporter",
                                          "subject",   "tlp",         "rsit_class",
                                          "rsit_type", "received_at", NULL};
    const char *tlp = NULL;
    json_t *c;
    hk_err err;

    memset(in, 0, sizeof(*in));
    if ((err = hk_json_only(ctx, body, allowed)))
        return err;
    c = json_object_get(body, "content");
    if (!json_is_string(c) || !json_string_length(c))
        return hk_errf(ctx->em, HK_EINVAL, "'content' is required and must be a non-empty string");
    if (json_string_length(c) > ctx->cfg->max_content)
        return hk_errf(ctx->em, HK_ETOOBIG, "'content' is longer than %zu bytes",
                       ctx->cfg->max_content);
    in->content = json_string_value(c);
    in->content_len = json_string_length(c);
    if ((err = hk_json_str(ctx, body, "source", 32, &in->source)) ||
        (err = hk_json_str(ctx, body, "reporter", 256, &in->reporter)) ||
        (err = hk_json_str(ctx, body, "subject", 1000, &in->subject)) ||
        (err = hk_json_str(ctx, body, "tlp", 32, &tlp)) ||
        (err = hk_json_str(ctx, body, "rsit_class", 64, &in->rsit_class)) ||
        (err = hk_json_str(ctx, body, "rsit_type", 64, &in->rsit_type)) ||
        (err = hk_json_time(ctx, body, "received_at", &in->received_at)))
        return err;
    if (!in->source)
        in->source = "api";
    if (ctx->who.role == HK_ROLE_SENSOR)
        in->source = "sensor";
    {
        int ok = 0;
        for (int i = 0; sources[i] && !ok; i++)
            ok = !strcmp(sources[i], in->source);
        if (!ok)
            return hk_errf(ctx->em, HK_EINVAL, "unknown source '%s'", in->source);
    }
    if (!in->reporter)
        in->reporter = ctx->who.name;
    memcpy(in->tlp, "AMBER", 6);
    if (tlp && hk_tlp_parse(tlp, in->tlp))
        return hk_errf(ctx->em, HK_EINVAL, "unknown TLP label '%s'", tlp);
    if (in->rsit_class && hk_rsit_check(in->rsit_class, in->rsit_type))
        return hk_errf(ctx->em, HK_EINVAL, "unknown RSIT class/type '%s/%s'", in->rsit_class,
                       in->rsit_type ? in->rsit_type : "");
    if (!in->rsit_class && in->rsit_type)
        return hk_errf(ctx->em, HK_EINVAL, "'rsit_type' needs 'rsit_class'");
    if (!in->received_at)
        in->received_at = ctx->now;
    return HK_OK;
}

/* Dedup key: the authenticated user (0 for the local operator) and the stated reporter. */
static void content_hash(struct hk_ctx *ctx, const struct report_in *in, uint8_t out[32])
{
    crypto_hash_sha256_state h;
    char key[64];
    int n = snprintf(key, sizeof(key), "u:%lld", (long long)ctx->who.user_id);

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)key, (unsigned long long)n + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)"r:", 2);
    crypto_hash_sha256_update(&h, (const unsigned char *)in->reporter, strlen(in->reporter) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)in->content, in->content_len);
    crypto_hash_sha256_final(&h, out);
}

/* Folds one stored or folded report into the batch's audit digest. */
static void batch_note(struct hk_ctx *ctx, int64_t id, const uint8_t hash[32], bool dup)
{
    crypto_hash_sha256_state h;
    char num[32];
    int n = snprintf(num, sizeof(num), "%s%lld", dup ? "d" : "r", (long long)id);

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, ctx->batch.digest, 32);
    crypto_hash_sha256_update(&h, (const unsigned char *)num, (unsigned long long)n);
    crypto_hash_sha256_update(&h, hash, 32);
    crypto_hash_sha256_final(&h, ctx->batch.digest);
    if (!ctx->batch.first || id < ctx->batch.first)
        ctx->batch.first = id;
    if (id > ctx->batch.last)
        ctx->batch.last = id;
    if (dup)
        ctx->batch.folded++;
    else
        ctx->batch.stored++;
}

/* Writes the batch's single audit entry (bulk import) and resets the batch. */
hk_err hk_report_bulk_flush(struct hk_ctx *ctx)
{
    char hex[65];
    json_t *after;
    hk_err err = HK_OK;

    if (ctx->batch.stored + ctx->batch.folded) {
        hk_hex(ctx->batch.digest, 32, hex);
        after = json_pack("{s:I, s:I, s:I, s:I, s:s}", "stored", (json_int_t)ctx->batch.stored,
                          "folded_duplicates", (json_int_t)ctx->batch.folded, "first_id",
                          (json_int_t)ctx->batch.first, "last_id", (json_int_t)ctx->batch.last,
                          "digest", hex);
        err = hk_audit(ctx, "report.import", "report", ctx->batch.first, NULL, after);
        json_decref(after);
    }
    ctx->batch.stored = ctx->batch.folded = 0;
    ctx->batch.first = ctx->batch.last = 0;
    memset(ctx->batch.digest, 0, 32);
    return err;
}

static hk_err obs_id(struct hk_ctx *ctx, const struct hk_observable *o, int64_t *id)
{
    hk_err err;

    if (ctx->import && (*id = hk_import_cache_obs_get(ctx->import, o->type, o->value, o->len)))
        return HK_OK;
    err = hk_observable_id(ctx, o->type, o->value, o->len, true, id);
    if (!err && ctx->import)
        hk_import_cache_obs_put(ctx->import, o->type, o->value, o->len, *id);
    return err;
}

struct cand {
    int64_t incident;
    int hits;
};

/* What correlation found: the best incident and which observables it shares. */
struct corr {
    struct cand best;
    bool recurrence;   /* the incident is resolved: the report needs triage */
    size_t shared[64]; /* indexes into the observable list */
    size_t nshared;
};

/* Picks, among incidents of one kind (q: open, or resolved), the one sharing the most
 * observables (ties: the highest id, i.e. the newest) and remembers which observables it
 * shares, for the recorded reason. */
static hk_err correlate_q(struct hk_ctx *ctx, enum hk_query q, const int64_t *ids, size_t n,
                          int64_t at, struct corr *out)
{
    struct cand c[32];
    struct {
        size_t obs;
        int64_t inc;
    } pairs[256];
    size_t nc = 0, np = 0;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        int64_t inc[16];
        size_t k = 0;
        hk_err err;
        if (ctx->import && !hk_import_cache_set_has(ctx->import, ids[i]))
            continue; /* linked to no open incident: cannot correlate */
        err = hk_store_ids(ctx->st, q,
                           HK_SQL_ARGS(hk_sql_int(ids[i]),
                                       hk_sql_int(at - ctx->cfg->correlation_window),
                                       hk_sql_int(at + ctx->cfg->correlation_window)),
                           inc, 16, &k);
        if (err)
            return err;
        for (size_t j = 0; j < k; j++) {
            size_t x = 0;
            if (np < 256) {
                pairs[np].obs = i;
                pairs[np++].inc = inc[j];
            }
            while (x < nc && c[x].incident != inc[j])
                x++;
            if (x == nc) {
                if (nc == 32)
                    continue;
                c[nc].incident = inc[j];
                c[nc++].hits = 0;
            }
            c[x].hits++;
        }
    }
    for (size_t x = 0; x < nc; x++)
        if (c[x].hits > out->best.hits ||
            (c[x].hits == out->best.hits && c[x].incident > out->best.incident))
            out->best = c[x];
    for (size_t p = 0; p < np && out->nshared < 64; p++)
        if (pairs[p].inc == out->best.incident)
            out->shared[out->nshared++] = pairs[p].obs;
    return HK_OK;
}

/*
 * Open incidents first. Failing that, a report that shares observables with an incident
 * resolved within the window is a recurrence: it is linked to that incident so the
 * handler sees the history, but stays new (to be triaged) and the incident stays resolved.
 * Abandoned and merged-away incidents attract nothing.
 */
static hk_err correlate(struct hk_ctx *ctx, const int64_t *ids, size_t n, int64_t at,
                        struct corr *out)
{
    hk_err err = correlate_q(ctx, HK_Q_OBS_CORRELATE, ids, n, at, out);

    if (err || out->best.incident)
        return err;
    err = correlate_q(ctx, HK_Q_OBS_CORRELATE_RESOLVED, ids, n, at, out);
    out->recurrence = out->best.incident != 0;
    return err;
}

static json_t *correlation_reason(struct hk_ctx *ctx, const struct hk_obs_list *obs,
                                  const struct corr *cr)
{
    json_t *shared = json_array();

    for (size_t i = 0; i < cr->nshared; i++) {
        const struct hk_observable *o = &obs->items[cr->shared[i]];
        json_array_append_new(shared, json_pack("{s:s, s:s%}", "type", hk_obs_type_name(o->type),
                                                "value", o->value, o->len));
    }
    return json_pack("{s:s, s:I, s:s, s:o, s:I}", "reason",
                     cr->recurrence ? "recurrence: shared observables with a resolved incident"
                                    : "shared observables",
                     "incident_id", (json_int_t)cr->best.incident, "incident_state",
                     cr->recurrence ? "resolved" : "open", "observables", shared, "window_s",
                     (json_int_t)ctx->cfg->correlation_window);
}

static hk_err link_incident_obs(struct hk_ctx *ctx, int64_t incident, const int64_t *ids, size_t n,
                                int64_t seen)
{
    for (size_t i = 0; i < n; i++) {
        hk_err err;
        if (ctx->import)
            hk_import_cache_set_add(ctx->import, ids[i]);
        err = hk_store_exec(ctx->st, HK_Q_OBS_LINK_INCIDENT,
                            HK_SQL_ARGS(hk_sql_int(ids[i]), hk_sql_int(incident), hk_sql_int(seen)),
                            NULL);
        if (err)
            return err;
    }
    return HK_OK;
}

static hk_err audit_new(struct hk_ctx *ctx, const struct report_in *in, const uint8_t hash[32],
                        size_t nobs, const struct report_out *out)
{
    char hex[65];
    json_t *after;
    hk_err err;

    hk_hex(hash, 32, hex);
    after =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)out->id, "source",
                  in->source, "reporter", in->reporter, "subject", in->subject ? in->subject : "",
                  "tlp", in->tlp, "content_sha256", hex, "observables", (json_int_t)nobs);
    if (out->incident_id)
        json_object_set_new(after, "incident_id", json_integer(out->incident_id));
    err = hk_audit(ctx, "report.create", "report", out->id, NULL, after);
    json_decref(after);
    return err;
}

static hk_err fold_duplicate(struct hk_ctx *ctx, const uint8_t hash[32], struct report_out *out)
{
    json_t *after;
    hk_err err =
        hk_store_scalar(ctx->st, HK_Q_REPORT_BY_HASH, HK_SQL_ARGS(hk_sql_blob(hash, 32)), &out->id);

    if (err)
        return err;
    err = hk_store_exec(ctx->st, HK_Q_REPORT_DUP_BUMP, HK_SQL_ARGS(hk_sql_int(out->id)), NULL);
    if (err)
        return err;
    out->dup = true;
    if (ctx->batch.active) {
        batch_note(ctx, out->id, hash, true);
        return HK_OK;
    }
    after = json_pack("{s:s}", "folded", "exact duplicate (same reporter, same content)");
    err = hk_audit(ctx, "report.duplicate", "report", out->id, NULL, after);
    json_decref(after);
    return err;
}

/* Stores one validated report: dedup, observables, correlation, audit. */
hk_err hk_report_prepare(struct hk_ctx *ctx, const struct report_in *in, uint8_t hash[32],
                         struct hk_obs_list *obs)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    hk_err err;

    content_hash(ctx, in, hash);
    if (!in->subject || !*in->subject)
        return hk_obs_extract(in->content, in->content_len, obs);
    (void)hk_buf_appends(&b, in->subject);
    (void)hk_buf_appendc(&b, '\n');
    (void)hk_buf_append(&b, in->content, in->content_len);
    err = hk_obs_extract(b.buf, b.len, obs);
    hk_buf_release(&b);
    return err;
}

/* The observable ids as a JSON array, the forward side of report_observables. */
static void ids_json(const int64_t *ids, size_t n, struct hk_buf *b)
{
    (void)hk_buf_appendc(b, '[');
    for (size_t i = 0; i < n; i++)
        (void)hk_buf_appendf(b, i ? ",%lld" : "%lld", (long long)ids[i]);
    (void)hk_buf_appendc(b, ']');
}

/*
 * Observables and correlation are settled before the report row is written, so the row
 * is inserted once, complete (no update after insert). For an exact duplicate that work is
 * wasted, but its observables already exist, so it costs lookups only.
 */
hk_err hk_report_store(struct hk_ctx *ctx, const struct report_in *in, const uint8_t hash[32],
                       const struct hk_obs_list *obs, struct report_out *out)
{
    int64_t ids[HK_OBS_DEFAULT_MAX];
    struct corr cr;
    struct hk_buf idj = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char *why_txt = NULL;
    size_t n = 0;
    hk_err err = HK_OK;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; !err && i < obs->n && n < HK_OBS_DEFAULT_MAX; i++)
        if (!(err = obs_id(ctx, &obs->items[i], &ids[n])))
            n++;
    if (!err)
        err = correlate(ctx, ids, n, in->received_at, &cr);
    if (err)
        goto out;
    if (cr.best.incident) {
        json_t *why = correlation_reason(ctx, obs, &cr);
        why_txt = json_dumps(why, JSON_COMPACT);
        json_decref(why);
    }
    ids_json(ids, n, &idj);
    err = hk_store_exec(
        ctx->st, HK_Q_REPORT_INSERT,
        HK_SQL_ARGS(hk_sql_text(in->source), hk_sql_int0(ctx->who.user_id),
                    hk_sql_text(in->reporter), hk_sql_text(in->subject ? in->subject : ""),
                    hk_sql_textn(in->content, in->content_len), hk_sql_blob(hash, 32),
                    hk_sql_text(in->tlp), hk_sql_text(in->rsit_class ? in->rsit_class : ""),
                    hk_sql_text(in->rsit_type ? in->rsit_type : ""), hk_sql_int(in->received_at),
                    hk_sql_text(hk_buf_str(&idj)), hk_sql_int0(cr.best.incident),
                    hk_sql_text(why_txt ? why_txt : ""),
                    hk_sql_text(cr.best.incident && !cr.recurrence ? "open" : "new")),
        &out->id);
    if (err)
        goto out;
    if (!out->id) {
        err = fold_duplicate(ctx, hash, out);
        goto out;
    }
    for (size_t i = 0; !err && i < n; i++)
        err = hk_store_exec(ctx->st, HK_Q_OBS_LINK_REPORT,
                            HK_SQL_ARGS(hk_sql_int(ids[i]), hk_sql_int(out->id)), NULL);
    /* Auto-routing: the responsible team of each observable (directory/route.c). */
    if (!err)
        err = hk_route_report(ctx, out->id, obs);
    if (!err && cr.best.incident) {
        err = link_incident_obs(ctx, cr.best.incident, ids, n, in->received_at);
        if (!err)
            err = hk_incident_touch(ctx, cr.best.incident, false);
        if (!err)
            err = hk_route_incident_team(ctx, cr.best.incident);
        out->incident_id = cr.best.incident;
    }
    if (!err && ctx->batch.active)
        batch_note(ctx, out->id, hash, false);
    else if (!err)
        err = audit_new(ctx, in, hash, obs->n, out);
out:
    free(why_txt);
    hk_buf_release(&idj);
    return err;
}

static hk_err store_report(struct hk_ctx *ctx, const struct report_in *in, struct report_out *out)
{
    uint8_t hash[32];
    hk_err err = hk_report_prepare(ctx, in, hash, &ctx->obs);

    return err ? err : hk_report_store(ctx, in, hash, &ctx->obs, out);
}

hk_err hk_report_load(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *r = NULL;
    hk_err err = hk_store_row(ctx->st, HK_Q_REPORT_GET, HK_SQL_ARGS(hk_sql_int(id)), &r);

    if (err == HK_ENOTFOUND || (!err && !hk_can_read_report(ctx, r))) {
        json_decref(r);
        return hk_errf(ctx->em, HK_ENOTFOUND, "report %lld not found", (long long)id);
    }
    if (err)
        return err;
    *out = r;
    return HK_OK;
}

hk_err hk_report_get(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *r = NULL, *obs = NULL;
    hk_err err = hk_report_load(ctx, id, &r);

    if (err)
        return err;
    err = hk_store_rows(ctx->st, HK_Q_OBS_OF_REPORT, HK_SQL_ARGS(hk_sql_int(id)), &obs);
    if (err) {
        json_decref(r);
        return err;
    }
    json_object_set_new(r, "observables", obs);
    json_object_set_new(r, "next_states", hk_lifecycle_next(HK_OBJ_REPORT, hk_jstr(r, "state")));
    if ((err = hk_route_attach_report(ctx, r))) {
        json_decref(r);
        return err;
    }
    /* A submitter is told which incident their report joined (a ticket reference), except
     * when that incident is TLP:RED or AMBER+STRICT and closed to them: then not even
     * its existence is disclosed. */
    if (json_integer_value(json_object_get(r, "incident_id")) && !hk_is_staff(ctx)) {
        json_t *inc = NULL;
        hk_err e = hk_store_row(
            ctx->st, HK_Q_INCIDENT_GET,
            HK_SQL_ARGS(hk_sql_int(json_integer_value(json_object_get(r, "incident_id")))), &inc);
        const char *tlp = e ? "RED" : hk_jstr(inc, "tlp");
        if ((!strcmp(tlp, "RED") || !strcmp(tlp, "AMBER+STRICT")) &&
            (e || !hk_can_read_incident(ctx, inc))) {
            json_object_set_new(r, "incident_id", json_null());
            json_object_set_new(r, "correlation", json_null());
        }
        json_decref(inc);
    }
    *out = r;
    return HK_OK;
}

hk_err hk_report_submit(struct hk_ctx *ctx, json_t *body, json_t **out, bool *is_dup)
{
    struct report_in in;
    struct report_out ro;
    hk_err err;

    err = hk_report_parse_in(ctx, body, &in);
    if (err)
        return err;
    err = store_report(ctx, &in, &ro);
    if (err)
        return err;
    if (is_dup)
        *is_dup = ro.dup;
    return out ? hk_report_get(ctx, ro.id, out) : HK_OK;
}

hk_err hk_report_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out)
{
    json_t *r = NULL;
    const char *from;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_report_load(ctx, id, &r)))
        return err;
    from = hk_jstr(r, "state");
    err = hk_lifecycle_check(HK_OBJ_REPORT, from, state);
    if (err == HK_EINVAL)
        err = hk_errf(ctx->em, err, "unknown report state '%s'", state);
    else if (err)
        err = hk_errf(ctx->em, err, "report %lld cannot go from '%s' to '%s'", (long long)id, from,
                      state);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_REPORT_SET_STATE,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(state), hk_sql_int(ctx->now),
                                        hk_sql_text(from)),
                            NULL);
    if (!err) {
        json_t *b = json_pack("{s:s}", "state", from), *a = json_pack("{s:s}", "state", state);
        err = hk_audit(ctx, "report.state", "report", id, b, a);
        json_decref(b);
        json_decref(a);
    }
    json_decref(r);
    if (!err && out)
        err = hk_report_get(ctx, id, out);
    return err;
}

hk_err hk_report_link(struct hk_ctx *ctx, int64_t report_id, int64_t incident_id)
{
    json_t *r = NULL, *inc = NULL, *b = NULL, *a = NULL;
    int64_t prev;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_report_load(ctx, report_id, &r)) ||
        (err = hk_incident_load(ctx, incident_id, &inc)))
        goto out;
    if (!json_is_null(json_object_get(inc, "merged_into"))) {
        err = hk_errf(ctx->em, HK_ESTATE, "incident %lld was merged into incident %lld",
                      (long long)incident_id,
                      (long long)json_integer_value(json_object_get(inc, "merged_into")));
        goto out;
    }
    prev = json_integer_value(json_object_get(r, "incident_id"));
    err = hk_store_exec(ctx->st, HK_Q_REPORT_SET_INCIDENT,
                        HK_SQL_ARGS(hk_sql_int(report_id), hk_sql_int(incident_id), hk_sql_text(""),
                                    hk_sql_int(ctx->now)),
                        NULL);
    if (!err && prev && prev != incident_id)
        err = hk_incident_relink_observables(ctx, prev);
    if (!err)
        err = hk_incident_relink_observables(ctx, incident_id);
    if (!err)
        err = hk_incident_touch(ctx, incident_id, true);
    if (!err)
        err = hk_route_incident_team(ctx, incident_id);
    b = json_pack("{s:I}", "incident_id", (json_int_t)prev);
    a = json_pack("{s:I}", "incident_id", (json_int_t)incident_id);
    if (!err)
        err = hk_audit(ctx, "report.link", "report", report_id, b, a);
out:
    json_decref(r);
    json_decref(inc);
    json_decref(b);
    json_decref(a);
    return err;
}

hk_err hk_report_unlink(struct hk_ctx *ctx, int64_t report_id)
{
    json_t *r = NULL, *b = NULL;
    int64_t prev;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_report_load(ctx, report_id, &r)))
        return err;
    prev = json_integer_value(json_object_get(r, "incident_id"));
    if (!prev) {
        json_decref(r);
        return hk_errf(ctx->em, HK_ESTATE, "report %lld is not linked to an incident",
                       (long long)report_id);
    }
    err = hk_store_exec(
        ctx->st, HK_Q_REPORT_SET_INCIDENT,
        HK_SQL_ARGS(hk_sql_int(report_id), hk_sql_int0(0), hk_sql_text(""), hk_sql_int(ctx->now)),
        NULL);
    if (!err)
        err = hk_incident_relink_observables(ctx, prev);
    if (!err)
        err = hk_incident_touch(ctx, prev, true);
    b = json_pack("{s:I}", "incident_id", (json_int_t)prev);
    if (!err)
        err = hk_audit(ctx, "report.unlink", "report", report_id, b, NULL);
    json_decref(b);
    json_decref(r);
    return err;
}

hk_err hk_report_triage(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    json_t *r = NULL, *inc_body = NULL, *inc = NULL;
    const char *cls = NULL, *type = NULL, *tlp = NULL;
    char tlpn[16];
    int64_t incident_id = 0;
    bool has_inc = false;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_report_load(ctx, id, &r)))
        return err;
    if (!json_is_object(body)) {
        err = hk_errf(ctx->em, HK_EINVAL, "request body must be a JSON object");
        goto out;
    }
    if ((err = hk_json_int(ctx, body, "incident_id", &incident_id, &has_inc)) ||
        (err = hk_json_str(ctx, body, "rsit_class", 64, &cls)) ||
        (err = hk_json_str(ctx, body, "rsit_type", 64, &type)) ||
        (err = hk_json_str(ctx, body, "tlp", 32, &tlp)))
        goto out;
    if (cls && hk_rsit_check(cls, type)) {
        err = hk_errf(ctx->em, HK_EINVAL, "unknown RSIT class/type '%s/%s'", cls, type ? type : "");
        goto out;
    }
    if (tlp && hk_tlp_parse(tlp, tlpn)) {
        err = hk_errf(ctx->em, HK_EINVAL, "unknown TLP label '%s'", tlp);
        goto out;
    }
    if (!has_inc) {
        /* Open a new incident from the report, inheriting its classification. */
        inc_body = json_deep_copy(body);
        json_object_del(inc_body, "incident_id");
        if (!json_object_get(inc_body, "title"))
            json_object_set_new(inc_body, "title",
                                json_string(*hk_jstr(r, "subject") ? hk_jstr(r, "subject")
                                                                   : "Incident from report"));
        if (!cls && *hk_jstr(r, "rsit_class")) {
            json_object_set_new(inc_body, "rsit_class", json_string(hk_jstr(r, "rsit_class")));
            json_object_set_new(inc_body, "rsit_type", json_string(hk_jstr(r, "rsit_type")));
        }
        if (!tlp)
            json_object_set_new(inc_body, "tlp", json_string(hk_jstr(r, "tlp")));
        err = hk_incident_create(ctx, inc_body, &inc);
        if (err)
            goto out;
        incident_id = json_integer_value(json_object_get(inc, "id"));
    }
    err = hk_store_exec(ctx->st, HK_Q_REPORT_SET_CLASS,
                        HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(cls), hk_sql_text(type),
                                    hk_sql_text(tlp ? tlpn : NULL), hk_sql_int(ctx->now)),
                        NULL);
    if (!err && (cls || type || tlp)) {
        json_t *b = json_pack("{s:s, s:s, s:s}", "rsit_class", hk_jstr(r, "rsit_class"),
                              "rsit_type", hk_jstr(r, "rsit_type"), "tlp", hk_jstr(r, "tlp"));
        json_t *a = json_pack("{s:s, s:s, s:s}", "rsit_class", cls ? cls : hk_jstr(r, "rsit_class"),
                              "rsit_type", type ? type : hk_jstr(r, "rsit_type"), "tlp",
                              tlp ? tlpn : hk_jstr(r, "tlp"));
        err = hk_audit(ctx, "report.classify", "report", id, b, a);
        json_decref(b);
        json_decref(a);
    }
    if (!err)
        err = hk_report_link(ctx, id, incident_id);
    /* Linking moved a new report to open (REPORT_SET_INCIDENT); record that too. */
    if (!err && !strcmp(hk_jstr(r, "state"), "new")) {
        json_t *b = json_pack("{s:s}", "state", "new"), *a = json_pack("{s:s}", "state", "open");
        err = hk_audit(ctx, "report.state", "report", id, b, a);
        json_decref(b);
        json_decref(a);
    }
    if (!err) {
        /* The incident moves from new to triage when its first report is triaged. */
        json_t *cur = NULL;
        err = hk_store_row(ctx->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(incident_id)), &cur);
        if (!err && !strcmp(hk_jstr(cur, "state"), "new"))
            err = hk_incident_transition(ctx, incident_id, "triage", NULL, NULL);
        json_decref(cur);
    }
    if (!err && out)
        err = hk_incident_get(ctx, incident_id, true, out);
out:
    json_decref(r);
    json_decref(inc_body);
    json_decref(inc);
    return err;
}

static hk_err import_line(struct hk_ctx *ctx, const char *line, size_t len,
                          struct hk_import_stats *st, struct hk_errmsg *lm)
{
    json_error_t je;
    json_t *o;
    struct report_in in;
    struct report_out ro;
    struct hk_errmsg *saved = ctx->em;
    hk_err err;

    o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        st->rejected++;
        hk_errf(lm, HK_EPARSE, "malformed JSON: %s", je.text);
        return HK_OK;
    }
    ctx->em = lm;
    err = hk_report_parse_in(ctx, o, &in);
    ctx->em = saved;
    if (err) {
        st->rejected++;
        json_decref(o);
        return HK_OK;
    }
    lm->text[0] = '\0';
    err = store_report(ctx, &in, &ro);
    json_decref(o);
    if (err)
        return err;
    if (ro.dup)
        st->duplicates++;
    else
        st->stored++;
    if (ro.incident_id && !ro.dup)
        st->correlated++;
    return HK_OK;
}

static hk_err load_open(json_t *row, void *arg)
{
    hk_import_cache_set_add(arg, json_integer_value(json_object_get(row, "observable_id")));
    return HK_OK;
}

/* Bulk mode: caches on, one audit entry per batch. */
hk_err hk_report_bulk_begin(struct hk_ctx *ctx)
{
    hk_err err;

    ctx->import = hk_import_cache_new();
    memset(&ctx->batch, 0, sizeof(ctx->batch));
    ctx->batch.active = 1;
    (void)ctx->st->ops->bulk(ctx->st, true);
    err = hk_store_begin(ctx->st, false);
    if (!err)
        err = hk_store_each(ctx->st, HK_Q_OBS_OPEN_IDS, NULL, 0, load_open, ctx->import);
    hk_store_rollback(ctx->st);
    return err;
}

void hk_report_bulk_end(struct hk_ctx *ctx)
{
    hk_import_cache_free(ctx->import);
    ctx->import = NULL;
    ctx->batch.active = 0;
    (void)ctx->st->ops->bulk(ctx->st, false);
}

hk_err hk_report_import_buf(struct hk_ctx *ctx, const char *p, size_t n, struct hk_import_stats *st,
                            json_t **errors)
{
    const char *end = p + n;
    json_t *errs = json_array();
    hk_err err = HK_OK;

    memset(st, 0, sizeof(*st));
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct hk_errmsg lm = {{0}};
        st->lines++;
        if (!hk_is_blank(p, len)) {
            err = import_line(ctx, p, len, st, &lm);
            if (err)
                break;
            if (lm.text[0] && json_array_size(errs) < 100)
                json_array_append_new(
                    errs, json_pack("{s:I, s:s}", "line", (json_int_t)st->lines, "error", lm.text));
        }
        p += len + (nl ? 1 : 0);
    }
    *errors = errs;
    return err;
}
