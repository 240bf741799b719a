/* SPDX-License-Identifier: MIT */
/*
 * Embargo reminders: for each vendor of a scheduled case whose agreed publication date is
 * within N days and that has not given its status or statement, one message is queued in
 * the outbox (kind 'reminder', no investigation; rendered from templates/vuln-reminder-
 * {en,ja}.txt by the outbox deliverer) in the vendor's language, encrypted to its key when
 * the directory has one. A row of vcase_reminders (case, team, UTC day) makes the run
 * idempotent per day: the second run of a day queues nothing for the same pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vcase_int.h"

#define DEFAULT_DAYS 7
#define MAX_DAYS     365

static const char *language_of(json_t *row)
{
    json_t *langs = json_object_get(row, "languages");
    const char *l = hk_jstr(row, "language");

    if (!*l && json_is_array(langs) && json_array_size(langs))
        l = json_string_value(json_array_get(langs, 0));
    return l && !strcmp(l, "ja") ? "ja" : "en";
}

/* The products of the case as text lines for the message body. */
static hk_err summary_of(struct hk_ctx *ctx, json_t *row, struct hk_buf *b)
{
    json_t *prods = NULL, *p;
    size_t i;
    hk_err err = hk_store_rows(
        ctx->st, HK_Q_VPRODUCTS_OF_CASE,
        HK_SQL_ARGS(hk_sql_int(json_integer_value(json_object_get(row, "case_id")))), &prods);

    if (err)
        return err;
    json_array_foreach(prods, i, p)
    {
        json_t *v;
        size_t k;
        if (i == 20) {
            err = hk_buf_appendf(b, "  ... and %zu more\n", json_array_size(prods) - 20);
            break;
        }
        err = hk_buf_appendf(b, "  - %s %s", hk_jstr(p, "vendor"), hk_jstr(p, "product"));
        json_array_foreach(json_object_get(p, "versions"), k, v)
        {
            if (!err)
                err =
                    hk_buf_appendf(b, "%s%s%s%s", k ? ", " : " ", hk_jstr(v, "version"),
                                   *hk_jstr(v, "less_than") ? " < " : "", hk_jstr(v, "less_than"));
        }
        if (!err)
            err = hk_buf_appendc(b, '\n');
        if (err)
            break;
    }
    json_decref(prods);
    return err == HK_ETOOBIG ? HK_OK : err;
}

static hk_err queue_one(struct hk_ctx *ctx, json_t *row, const char *day, int64_t *outbox_id)
{
    struct hk_buf sum = HK_BUF_INIT(4000);
    json_t *notice = NULL;
    char title[700], *text = NULL;
    int64_t pub = 0, case_id = json_integer_value(json_object_get(row, "case_id"));
    int64_t team_id = json_integer_value(json_object_get(row, "team_id"));
    hk_err err;

    *outbox_id = 0;
    if (*hk_jstr(row, "publish_at"))
        (void)hk_time_parse(hk_jstr(row, "publish_at"), &pub);
    if ((err = summary_of(ctx, row, &sum)))
        goto out;
    while (sum.len && sum.buf[sum.len - 1] == '\n') /* the template ends the line */
        sum.buf[--sum.len] = '\0';
    (void)snprintf(title, sizeof(title), "%s %s", hk_jstr(row, "public_id"), hk_jstr(row, "title"));
    notice = json_pack(
        "{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:[], s:[], s:s, s:s, s:I, s:s, "
        "s:s, s:s}",
        "kind", "vuln-reminder", "lang", language_of(row), "ticket", (json_int_t)case_id,
        "team_name", hk_jstr(row, "team"), "team_tz", hk_jstr(row, "timezone"), "title", title,
        "summary", hk_buf_str(&sum), "tlp", hk_jstr(row, "tlp"), "request", "", "reply_by",
        (json_int_t)pub, "rows", "formats", "pgp_key", hk_jstr(row, "pgp_key"), "pgp_fpr",
        hk_jstr(row, "pgp_fingerprint"), "case_id", (json_int_t)case_id, "public_id",
        hk_jstr(row, "public_id"), "day", day, "in_reply_to", "");
    if (!notice || !(text = json_dumps(notice, JSON_COMPACT))) {
        err = HK_ENOMEM;
        goto out;
    }
    if ((err = hk_store_exec(ctx->st, HK_Q_OUTBOX_INSERT_VCASE,
                             HK_SQL_ARGS(hk_sql_int(team_id), hk_sql_text(hk_jstr(row, "email")),
                                         hk_sql_text(text), hk_sql_int(ctx->now)),
                             outbox_id)) ||
        (err = hk_store_exec(ctx->st, HK_Q_VREMIND_SET_OUTBOX,
                             HK_SQL_ARGS(hk_sql_int(case_id), hk_sql_int(team_id), hk_sql_text(day),
                                         hk_sql_int(*outbox_id)),
                             NULL)))
        goto out;
    err =
        vc_audit(ctx, "vcase.remind", case_id, NULL,
                 json_pack("{s:s, s:s, s:I, s:s}", "team", hk_jstr(row, "team"), "to",
                           hk_jstr(row, "email"), "outbox_id", (json_int_t)*outbox_id, "day", day));
out:
    free(text);
    json_decref(notice);
    hk_buf_release(&sum);
    return err;
}

hk_err hk_vcase_remind(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"days", NULL};
    json_t *rows = NULL, *row, *queued = json_array(), *skipped = json_array();
    int64_t days = DEFAULT_DAYS;
    bool has_days = false;
    char day[32];
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)))
        goto out;
    if (body && ((err = hk_json_only(ctx, body, allowed)) ||
                 (err = hk_json_int(ctx, body, "days", &days, &has_days))))
        goto out;
    if (days < 0 || days > MAX_DAYS) {
        err = hk_errf(ctx->em, HK_EINVAL, "days: must be from 0 to %d", MAX_DAYS);
        goto out;
    }
    hk_time_fmt(ctx->now, day);
    day[10] = '\0';
    if ((err = hk_store_rows(ctx->st, HK_Q_VREMIND_DUE,
                             HK_SQL_ARGS(hk_sql_int(ctx->now + days * 86400), hk_sql_int(1000)),
                             &rows)))
        goto out;
    json_array_foreach(rows, i, row)
    {
        int64_t case_id = json_integer_value(json_object_get(row, "case_id"));
        int64_t team_id = json_integer_value(json_object_get(row, "team_id"));
        int64_t ob = 0;
        if (!*hk_jstr(row, "email")) {
            json_array_append_new(skipped,
                                  json_pack("{s:s, s:s, s:s}", "public_id",
                                            hk_jstr(row, "public_id"), "team", hk_jstr(row, "team"),
                                            "reason", "the team has no e-mail address"));
            continue;
        }
        if ((err = hk_store_exec(ctx->st, HK_Q_VREMIND_INSERT,
                                 HK_SQL_ARGS(hk_sql_int(case_id), hk_sql_int(team_id),
                                             hk_sql_text(day), hk_sql_int(ctx->now)),
                                 NULL)))
            goto out;
        if (hk_store_changes(ctx->st) == 0)
            continue; /* already reminded today */
        if ((err = queue_one(ctx, row, day, &ob)))
            goto out;
        json_array_append_new(
            queued, json_pack("{s:I, s:s, s:s, s:s, s:I}", "case_id", (json_int_t)case_id,
                              "public_id", hk_jstr(row, "public_id"), "team", hk_jstr(row, "team"),
                              "to", hk_jstr(row, "email"), "outbox_id", (json_int_t)ob));
    }
    *out = json_pack("{s:O, s:O, s:I}", "reminders", queued, "skipped", skipped, "days",
                     (json_int_t)days);
    if (!*out)
        err = HK_ENOMEM;
out:
    json_decref(rows);
    json_decref(queued);
    json_decref(skipped);
    return err;
}

hk_err hk_vcase_remind_run(struct hk_store *st, const struct hk_config *cfg, struct hk_errmsg *em)
{
    struct hk_principal who;
    struct hk_ctx ctx;
    json_t *out = NULL;
    hk_err err;

    memset(&who, 0, sizeof(who));
    who.role = HK_ROLE_ADMIN;
    (void)snprintf(who.name, sizeof(who.name), "outbox");
    hk_ctx_init(&ctx, st, &who, cfg, em);
    if (!(err = hk_ctx_begin(&ctx, true))) {
        if ((err = hk_vcase_remind(&ctx, NULL, &out)) || (err = hk_ctx_commit(&ctx)))
            hk_ctx_rollback(&ctx);
    }
    json_decref(out);
    hk_ctx_release(&ctx);
    return err;
}
