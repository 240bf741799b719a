/* SPDX-License-Identifier: MIT */
/*
 * Storing received mail: raw first (mail_in, migration 004), then the reports its
 * documents become (hk_report_submit: extraction, folding, correlation, routing), or the
 * investigation a reply is threaded onto, all in the caller's transaction, with one
 * "mail.receive" audit entry. Acknowledgements are queued in the row and handed to the ack
 * hook after commit (hk_mailin_ack_flush).
 */
#include <string.h>

#include "hikeshi/mailin.h"

hk_err hk_mailin_thread_none(struct hk_ctx *ctx, const char *const *message_ids, size_t nids,
                             int64_t ticket, const char *body, int64_t *investigation_id)
{
    (void)ctx;
    (void)message_ids;
    (void)nids;
    (void)ticket;
    (void)body;
    *investigation_id = 0;
    return HK_ENOTFOUND;
}

/* In-Reply-To first, then References newest first (RFC 5322 section 3.6.4). */
static size_t reply_ids(const struct hk_mailin_parsed *p, const char **ids, size_t max)
{
    size_t n = 0;

    if (*p->in_reply_to && n < max)
        ids[n++] = p->in_reply_to;
    for (size_t i = p->nrefs; i > 0 && n < max; i--)
        ids[n++] = p->refs[i - 1];
    return n;
}

static json_t *refs_json(const struct hk_mailin_parsed *p)
{
    json_t *a = json_array();

    for (size_t i = 0; i < p->nrefs; i++)
        json_array_append_new(a, json_string(p->refs[i]));
    return a;
}

/* Submits every document; ids of the reports (new or folded) go into ids. */
static hk_err submit_all(struct hk_ctx *ctx, const struct hk_mailin_parsed *p, json_t *ids,
                         int64_t *first_new)
{
    json_t *sub, *rep = NULL;
    size_t i;
    bool dup;
    hk_err err;

    *first_new = 0;
    json_array_foreach(p->submissions, i, sub)
    {
        if ((err = hk_report_submit(ctx, sub, &rep, &dup)))
            return err;
        json_array_append_new(ids, json_integer(json_integer_value(json_object_get(rep, "id"))));
        if (!dup && !*first_new)
            *first_new = json_integer_value(json_object_get(rep, "id"));
        json_decref(rep);
        rep = NULL;
    }
    return HK_OK;
}

static const char *ack_state(const struct hk_mailin_parsed *p, const struct hk_mailin_opts *o,
                             int64_t first_new, int64_t inv, const char **note)
{
    *note = "";
    if (!o || !o->ack)
        return "none";
    if (inv || !first_new)
        return (*note = inv ? "threaded reply" : "no new report"), "none";
    if (p->auto_reason)
        return (*note = p->auto_reason), "suppressed";
    if (!*p->reply_to)
        return (*note = "no address to answer"), "suppressed";
    return "pending";
}

hk_err hk_mailin_store(struct hk_ctx *ctx, const char *raw, size_t len, size_t raw_size,
                       const struct hk_mailin_opts *o, json_t **out)
{
    struct hk_mailin_parsed p;
    uint8_t sha[32];
    const char *ids[HK_MAILIN_REFS_MAX + 1], *ack, *note;
    int64_t mail_id = 0, inv = 0, first_new = 0;
    json_t *reports = json_array(), *refs = NULL, *after = NULL;
    char *refs_text = NULL, *rids_text = NULL;
    hk_mailin_thread_fn thread = o && o->thread_fn ? o->thread_fn : hk_mailin_thread_none;
    hk_err err;

    *out = NULL;
    hk_sha256(raw, len, sha);
    err =
        hk_store_scalar(ctx->st, HK_Q_MAIL_IN_BY_SHA, HK_SQL_ARGS(hk_sql_blob(sha, 32)), &mail_id);
    if (!err) {
        *out = json_pack("{s:I, s:b, s:[]}", "mail_id", (json_int_t)mail_id, "duplicate", 1,
                         "reports");
        json_decref(reports);
        return HK_OK;
    }
    if (err != HK_ENOTFOUND) {
        json_decref(reports);
        return err;
    }
    hk_mailin_parse(raw, len, raw_size > len, o, &p);
    if (p.kind != HK_MAILIN_UNPARSED && (p.ticket || *p.in_reply_to || p.nrefs)) {
        err = thread(ctx, ids, reply_ids(&p, ids, HK_MAILIN_REFS_MAX + 1), p.ticket, p.text, &inv);
        if (err && err != HK_ENOTFOUND)
            goto out;
        err = HK_OK;
    }
    if (!inv && (err = submit_all(ctx, &p, reports, &first_new)))
        goto out;
    ack = ack_state(&p, o, first_new, inv, &note);
    refs = refs_json(&p);
    refs_text = json_dumps(refs, JSON_COMPACT);
    rids_text = json_dumps(reports, JSON_COMPACT);
    err = hk_store_exec(
        ctx->st, HK_Q_MAIL_IN_INSERT,
        HK_SQL_ARGS(hk_sql_blob(raw, len), hk_sql_int((int64_t)raw_size),
                    hk_sql_int(raw_size > len), hk_sql_blob(sha, 32), hk_sql_text(p.message_id),
                    hk_sql_text(p.in_reply_to), hk_sql_text(refs_text), hk_sql_text(p.from),
                    hk_sql_text(p.reply_to), hk_sql_text(p.subject), hk_sql_int0(p.ticket),
                    hk_sql_text(hk_mailin_kind_name(p.kind)),
                    hk_sql_text(p.auto_reason ? p.auto_reason : ""), hk_sql_text(p.error),
                    hk_sql_text(hk_mailin_pgp_name(p.pgp)), hk_sql_text(p.pgp_fpr),
                    hk_sql_int0(json_integer_value(json_array_get(reports, 0))),
                    hk_sql_text(rids_text), hk_sql_int0(inv), hk_sql_text(ack), hk_sql_text(note),
                    hk_sql_int(ctx->now ? ctx->now : hk_now())),
        &mail_id);
    if (err)
        goto out;
    {
        char hex[65];
        hk_hex(sha, 32, hex);
        after = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "message_id", p.message_id, "from",
                          p.from, "kind", hk_mailin_kind_name(p.kind), "sha256", hex, "pgp",
                          hk_mailin_pgp_name(p.pgp), "reports", reports);
    }
    if ((err = hk_audit(ctx, "mail.receive", "mail", mail_id, NULL, after)))
        goto out;
    *out = json_pack("{s:I, s:s, s:b, s:O, s:s, s:s, s:s}", "mail_id", (json_int_t)mail_id, "kind",
                     hk_mailin_kind_name(p.kind), "duplicate", 0, "reports", reports, "pgp",
                     hk_mailin_pgp_name(p.pgp), "ack", ack, "subject", p.subject);
    if (*p.error)
        json_object_set_new(*out, "error", json_string(p.error));
    if (inv)
        json_object_set_new(*out, "investigation_id", json_integer(inv));
    if (*p.pgp_fpr)
        json_object_set_new(*out, "pgp_fpr", json_string(p.pgp_fpr));
out:
    free(refs_text);
    free(rids_text);
    json_decref(refs);
    json_decref(after);
    json_decref(reports);
    hk_mailin_parsed_release(&p);
    return err;
}

/* ---- acknowledgements ---- */

static hk_err ack_one(struct hk_ctx *ctx, const struct hk_mailin_opts *o, json_t *row)
{
    struct hk_buf subj = HK_BUF_INIT(HK_BUF_UNBOUNDED), body = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    const char *title = json_string_value(json_object_get(row, "subject"));
    const char *mid = json_string_value(json_object_get(row, "message_id"));
    int64_t rid = json_integer_value(json_object_get(row, "report_id"));
    char irt[300];
    struct hk_mailin_ack a;
    hk_err serr, err;

    (void)snprintf(irt, sizeof(irt), "%s%s%s", mid && *mid ? "<" : "", mid ? mid : "",
                   mid && *mid ? ">" : "");
    (void)hk_buf_appendf(&subj, "[hikeshi#R%lld] Received: %s", (long long)rid,
                         title && *title ? title : "your report");
    (void)hk_buf_appendf(&body,
                         "Hello,\n\nThank you for your report. We have received it and filed it "
                         "under the ticket number R%lld.\n\nIf you write to us about this "
                         "report again, please reply to this message or keep [hikeshi#R%lld] "
                         "in the subject line.\n\nThis acknowledgement was sent automatically.\n",
                         (long long)rid, (long long)rid);
    a = (struct hk_mailin_ack){json_integer_value(json_object_get(row, "id")),
                               rid,
                               json_string_value(json_object_get(row, "reply_to")),
                               irt,
                               title ? title : "",
                               json_string_value(json_object_get(row, "tlp")),
                               hk_buf_str(&subj),
                               hk_buf_str(&body)};
    serr = o->ack_fn(o->ack_arg, &a);
    if (!(err = hk_ctx_begin(ctx, true))) {
        err =
            hk_store_exec(ctx->st, HK_Q_MAIL_IN_SET_ACK,
                          HK_SQL_ARGS(hk_sql_int(a.mail_id), hk_sql_text(serr ? "failed" : "sent"),
                                      hk_sql_text(serr ? hk_strerror(serr) : "")),
                          NULL);
        if (err)
            hk_ctx_rollback(ctx);
        else
            err = hk_ctx_commit(ctx);
    }
    hk_buf_release(&subj);
    hk_buf_release(&body);
    return err;
}

hk_err hk_mailin_ack_flush(struct hk_ctx *ctx, const struct hk_mailin_opts *o, size_t max,
                           size_t *count)
{
    json_t *rows = NULL, *row;
    size_t i;
    hk_err err;

    *count = 0;
    if (!o || !o->ack_fn)
        return HK_OK;
    if ((err = hk_ctx_begin(ctx, false)))
        return err;
    err = hk_store_rows(ctx->st, HK_Q_MAIL_IN_ACK_PENDING, HK_SQL_ARGS(hk_sql_int((int64_t)max)),
                        &rows);
    hk_ctx_rollback(ctx);
    json_array_foreach(err ? NULL : rows, i, row)
    {
        if ((err = ack_one(ctx, o, row)))
            break;
        (*count)++;
    }
    json_decref(rows);
    return err;
}
