/* SPDX-License-Identifier: MIT */
/*
 * "Notify the responsible parties": an incident's observables are routed through the team
 * directory and grouped by team; each team gets one investigation (the cooperation request)
 * and one queued outbox row carrying everything its message needs (that team's rows only,
 * its language and attachment format, its key, the TLP). The outbox is delivered after the
 * commit (hk_outbox_deliver): SMTP never runs inside the writer's transaction, and each
 * result (Message-ID, time, SMTP reply) is recorded in its own short transaction, so a
 * crash between send and record can at worst send a message twice, never lose one.
 * Reminders are queued for waiting investigations past their due time, in reply to the
 * first message. Replies are threaded back by Message-ID or ticket tag
 * (hk_investigation_thread_reply).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handling/handling_int.h"
#include "hikeshi/directory.h"
#include "hikeshi/exchange.h"
#include "hikeshi/mail.h"
#include "hikeshi/observables.h"

#define MAX_TEAMS         4096
#define MAX_ROWS_PER_TEAM 100000
#define DELIVERY_ATTEMPTS 5

/* hk_audit borrows its JSON; these entries are built for it, so release them here. */
static hk_err audit_owned(struct hk_ctx *ctx, const char *action, const char *otype, int64_t oid,
                          json_t *before, json_t *after)
{
    hk_err err = after ? hk_audit(ctx, action, otype, oid, before, after) : HK_ENOMEM;

    json_decref(after);
    return err;
}

struct group {
    int team; /* snapshot index */
    json_t *rows;
};

static const char *first_language(json_t *team)
{
    json_t *langs = json_object_get(team, "languages");
    const char *l = hk_jstr(team, "language");

    if (l && *l)
        return l;
    if (json_is_array(langs) && json_array_size(langs))
        return json_string_value(json_array_get(langs, 0));
    return "en";
}

/* The notice JSON of one team: what hk_outbox_deliver renders. */
static json_t *notice_json(json_t *inc, json_t *team, const struct hk_route_team *rt,
                           int64_t inv_id, json_t *rows, const char *request, int64_t due)
{
    const char *fmt = rt->notify_format && *rt->notify_format ? rt->notify_format : "csv";
    const char *lang = first_language(team);

    return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:O, s:[s], s:s, "
                     "s:s, s:I}",
                     "lang", !strcmp(lang, "ja") ? "ja" : "en", "ticket", (json_int_t)inv_id,
                     "team_name", rt->name, "team_tz", hk_jstr(team, "timezone"), "title",
                     hk_jstr(inc, "title"), "summary", hk_jstr(inc, "description"), "rsit_class",
                     hk_jstr(inc, "rsit_class"), "rsit_type", hk_jstr(inc, "rsit_type"), "tlp",
                     hk_jstr(inc, "tlp"), "request", request, "reply_by", (json_int_t)due, "rows",
                     rows, "formats", fmt, "pgp_key", hk_jstr(team, "pgp_key"), "pgp_fpr",
                     hk_jstr(team, "pgp_fingerprint"), "incident_id",
                     json_integer_value(json_object_get(inc, "id")));
}

static int64_t iso_time(json_t *o, const char *k)
{
    int64_t t = 0;
    const char *s = hk_jstr(o, k);

    if (s && *s && hk_time_parse(s, &t))
        t = 0;
    return t;
}

hk_err hk_incident_notify(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"due_at", "request", NULL};
    struct hk_route_snap snap = {0};
    struct group *groups = NULL;
    int *group_of = NULL; /* snapshot team index -> groups[] index + 1 (0: none yet) */
    size_t ngroups = 0;
    json_t *inc = NULL, *obs, *v, *result = NULL, *unrouted = json_array(), *done = json_array();
    const char *request = NULL;
    int64_t due = 0;
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_time(ctx, body, "due_at", &due)) ||
        (err = hk_json_str(ctx, body, "request", 4000, &request)))
        goto out;
    if (!due)
        due = ctx->now + 3 * 86400; /* three days to answer, unless the handler says */
    if ((err = hk_incident_get(ctx, incident_id, true, &inc)) ||
        (err = hk_route_acquire(ctx, &snap)))
        goto out;
    if (!(groups = calloc(MAX_TEAMS, sizeof(*groups))) ||
        !(group_of = calloc(hk_route_team_count(&snap) + 1, sizeof(*group_of)))) {
        err = HK_ENOMEM;
        goto out;
    }
    obs = json_object_get(inc, "observables");
    json_array_foreach(obs, i, v)
    {
        struct hk_route_result r;
        enum hk_obs_type type;
        struct group *g;
        if (hk_obs_type_parse(hk_jstr(v, "type"), &type))
            continue;
        hk_route_lookup(&snap, type, hk_jstr(v, "value"), &r);
        if (r.team < 0) {
            json_array_append_new(unrouted, json_string(hk_jstr(v, "value")));
            continue;
        }
        if (group_of[r.team])
            g = &groups[group_of[r.team] - 1];
        else {
            if (ngroups == MAX_TEAMS) {
                err = hk_errf(ctx->em, HK_ETOOBIG, "more than %d teams to notify", MAX_TEAMS);
                goto out;
            }
            g = &groups[ngroups++];
            g->team = r.team;
            g->rows = json_array();
            group_of[r.team] = (int)ngroups;
        }
        if (json_array_size(g->rows) < MAX_ROWS_PER_TEAM)
            json_array_append_new(g->rows,
                                  json_pack("{s:s, s:I, s:s}", "observable", hk_jstr(v, "value"),
                                            "time", (json_int_t)iso_time(v, "last_seen"),
                                            "description", hk_jstr(v, "type")));
    }
    for (size_t k = 0; k < ngroups && !err; k++) {
        const struct hk_route_team *rt = hk_route_team(&snap, groups[k].team);
        const char *to = rt->contact_email && *rt->contact_email ? rt->contact_email : rt->email;
        json_t *team = NULL, *inv = NULL, *notice = NULL, *ib;
        char subject[300], idbuf[32];
        int64_t inv_id, ob_id = 0;
        char *text;
        if (!to || !*to) {
            json_array_append_new(done, json_pack("{s:s, s:s}", "team", rt->name, "skipped",
                                                  "the team has no e-mail address"));
            continue;
        }
        (void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)rt->id);
        if ((err = hk_team_get(ctx, idbuf, &team)))
            break;
        (void)snprintf(subject, sizeof(subject), "Cooperation request: %s", hk_jstr(inc, "title"));
        ib = json_pack("{s:s, s:s, s:I}", "party", rt->name, "subject", subject, "due_at",
                       (json_int_t)due);
        err = hk_investigation_create(ctx, incident_id, ib, &inv);
        json_decref(ib);
        if (err) {
            json_decref(team);
            break;
        }
        inv_id = json_integer_value(json_object_get(inv, "id"));
        notice = notice_json(inc, team, rt, inv_id, groups[k].rows, request, due);
        text = notice ? json_dumps(notice, JSON_COMPACT) : NULL;
        if (!text)
            err = HK_ENOMEM;
        if (!err)
            err = hk_store_exec(ctx->st, HK_Q_OUTBOX_INSERT,
                                HK_SQL_ARGS(hk_sql_int(inv_id), hk_sql_int0(rt->id),
                                            hk_sql_text("notify"), hk_sql_text(to),
                                            hk_sql_text(text), hk_sql_int(ctx->now)),
                                &ob_id);
        if (!err)
            err = audit_owned(ctx, "outbox.queue", "investigation", inv_id, NULL,
                              json_pack("{s:I, s:s, s:s, s:I}", "outbox_id", (json_int_t)ob_id,
                                        "team", rt->name, "to", to, "rows",
                                        (json_int_t)json_array_size(groups[k].rows)));
        if (!err)
            json_array_append_new(done, json_pack("{s:s, s:I, s:I, s:s, s:I, s:s}", "team",
                                                  rt->name, "investigation_id", (json_int_t)inv_id,
                                                  "outbox_id", (json_int_t)ob_id, "to", to, "rows",
                                                  (json_int_t)json_array_size(groups[k].rows),
                                                  "language", hk_jstr(notice, "lang")));
        free(text);
        json_decref(notice);
        json_decref(inv);
        json_decref(team);
    }
    if (!err) {
        result = json_pack("{s:I, s:O, s:O}", "incident_id", (json_int_t)incident_id, "notified",
                           done, "unrouted", unrouted);
        *out = result;
    }
out:
    if (groups)
        for (size_t k = 0; k < ngroups; k++)
            json_decref(groups[k].rows);
    free(groups);
    free(group_of);
    hk_route_release(&snap);
    json_decref(inc);
    json_decref(unrouted);
    json_decref(done);
    return err;
}

hk_err hk_outbox_remind(struct hk_ctx *ctx, json_t **out)
{
    json_t *rows = NULL, *v, *queued = json_array();
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)) ||
        (err = hk_store_rows(ctx->st, HK_Q_INVESTIGATIONS_OVERDUE,
                             HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(1000)), &rows)))
        goto out;
    json_array_foreach(rows, i, v)
    {
        json_error_t je;
        json_t *notice = json_loads(hk_jstr(v, "notice"), 0, &je);
        int64_t inv = json_integer_value(json_object_get(v, "id")), id = 0;
        char *text;
        if (!notice)
            continue;
        json_object_set_new(notice, "kind", json_string("reminder"));
        { /* stored bare (as GMime gives it); the header wants <id> */
            char irt[300];
            const char *mid = hk_jstr(v, "message_id");
            (void)snprintf(irt, sizeof(irt), "%s%s%s", *mid == '<' ? "" : "<", mid,
                           *mid == '<' ? "" : ">");
            json_object_set_new(notice, "in_reply_to", json_string(*mid ? irt : ""));
        }
        text = json_dumps(notice, JSON_COMPACT);
        json_decref(notice);
        if (!text) {
            err = HK_ENOMEM;
            break;
        }
        err = hk_store_exec(
            ctx->st, HK_Q_OUTBOX_INSERT,
            HK_SQL_ARGS(hk_sql_int(inv),
                        hk_sql_int0(json_integer_value(json_object_get(v, "team_id"))),
                        hk_sql_text("reminder"), hk_sql_text(hk_jstr(v, "recipient")),
                        hk_sql_text(text), hk_sql_int(ctx->now)),
            &id);
        free(text);
        if (!err)
            err = audit_owned(ctx, "outbox.remind", "investigation", inv, NULL,
                              json_pack("{s:I}", "outbox_id", (json_int_t)id));
        if (err)
            break;
        json_array_append_new(queued, json_pack("{s:I, s:I}", "investigation_id", (json_int_t)inv,
                                                "outbox_id", (json_int_t)id));
    }
    if (!err)
        *out = json_pack("{s:O}", "reminders", queued);
out:
    json_decref(rows);
    json_decref(queued);
    return err;
}

/* Builds one outbox row's message: render, MIME, sign or encrypt (no transaction held). */
static hk_err build_one(const struct hk_mail_config *mc, json_t *row, struct hk_mail_msg *msg,
                        struct hk_errmsg *em)
{
    json_error_t je;
    json_t *n = json_loads(hk_jstr(row, "notice"), 0, &je), *rows, *v;
    struct hk_mail_notice notice;
    struct hk_mail_recipient rcpt;
    struct hk_mail_row *r = NULL;
    struct hk_mail_attachment att;
    struct hk_buf iodef_buf = HK_BUF_INIT(8u << 20);
    bool iodef = false;
    json_t *fmts;
    size_t i;
    hk_err err;

    memset(msg, 0, sizeof(*msg));
    if (!n)
        return hk_errf(em, HK_EPARSE, "outbox notice is not JSON: %s", je.text);
    rows = json_object_get(n, "rows");
    if (!(r = calloc(json_array_size(rows) + 1, sizeof(*r)))) {
        json_decref(n);
        return HK_ENOMEM;
    }
    json_array_foreach(rows, i, v)
    {
        r[i].observable = hk_jstr(v, "observable");
        r[i].time = json_integer_value(json_object_get(v, "time"));
        r[i].description = hk_jstr(v, "description");
    }
    memset(&notice, 0, sizeof(notice));
    notice.kind = !strcmp(hk_jstr(n, "kind"), "reminder")        ? HK_MAIL_REMINDER
                  : !strcmp(hk_jstr(n, "kind"), "warning")       ? HK_MAIL_WARNING
                  : !strcmp(hk_jstr(n, "kind"), "vuln-reminder") ? HK_MAIL_VULN_REMINDER
                                                                 : HK_MAIL_NOTIFY;
    notice.lang = hk_jstr(n, "lang");
    notice.ticket = json_integer_value(json_object_get(n, "ticket"));
    notice.team_name = hk_jstr(n, "team_name");
    notice.team_tz = *hk_jstr(n, "team_tz") ? hk_jstr(n, "team_tz") : NULL;
    notice.title = hk_jstr(n, "title");
    notice.summary = *hk_jstr(n, "summary") ? hk_jstr(n, "summary") : NULL;
    notice.rsit_class = *hk_jstr(n, "rsit_class") ? hk_jstr(n, "rsit_class") : NULL;
    notice.rsit_type = *hk_jstr(n, "rsit_type") ? hk_jstr(n, "rsit_type") : NULL;
    notice.tlp = hk_jstr(n, "tlp");
    notice.request = *hk_jstr(n, "request") ? hk_jstr(n, "request") : NULL;
    notice.reply_by = json_integer_value(json_object_get(n, "reply_by"));
    notice.rows = r;
    notice.nrows = json_array_size(rows);
    fmts = json_object_get(n, "formats");
    json_array_foreach(fmts, i, v)
    {
        const char *f = json_string_value(v) ? json_string_value(v) : "";
        if (!strcmp(f, "xarf"))
            notice.formats |= HK_MAIL_ATTACH_XARF;
        else if (!strcmp(f, "iodef"))
            iodef = true;
        else
            notice.formats |= HK_MAIL_ATTACH_CSV;
    }
    if (iodef) { /* the team prefers IODEF v2: one document with only its rows */
        struct hk_iodef_doc doc;
        json_t *ob = json_array();
        char idtext[32];
        json_array_foreach(rows, i, v)
            json_array_append_new(ob, json_pack("{s:s, s:s}", "type", hk_jstr(v, "description"),
                                                "value", hk_jstr(v, "observable")));
        memset(&doc, 0, sizeof(doc));
        (void)snprintf(idtext, sizeof(idtext), "%lld",
                       (long long)json_integer_value(json_object_get(n, "incident_id")));
        doc.team = mc->org ? mc->org : "hikeshi";
        doc.incident_id = idtext;
        doc.title = notice.title;
        doc.tlp = notice.tlp;
        doc.rsit_class = notice.rsit_class;
        doc.rsit_type = notice.rsit_type;
        doc.observables = ob;
        err = hk_iodef_write(&doc, &iodef_buf, em);
        json_decref(ob);
        if (err)
            goto done;
        att.filename = "iodef.xml";
        att.content_type = "application/xml";
        att.data = iodef_buf.buf;
        att.len = iodef_buf.len;
        notice.extra = &att;
        notice.nextra = 1;
    }
    memset(&rcpt, 0, sizeof(rcpt));
    rcpt.to = hk_jstr(row, "recipient");
    rcpt.pgp_key = *hk_jstr(n, "pgp_key") ? hk_jstr(n, "pgp_key") : NULL;
    rcpt.pgp_fpr = !rcpt.pgp_key && *hk_jstr(n, "pgp_fpr") ? hk_jstr(n, "pgp_fpr") : NULL;
    rcpt.in_reply_to = *hk_jstr(n, "in_reply_to") ? hk_jstr(n, "in_reply_to") : NULL;
    err = hk_mail_notice_build(mc, &rcpt, &notice, msg, em);
done:
    hk_buf_release(&iodef_buf);
    free(r);
    json_decref(n);
    return err;
}

/* The context the outbox works in: the system acting as "outbox", with admin rights. */
static void outbox_ctx(struct hk_ctx *ctx, struct hk_store *st, const struct hk_config *cfg,
                       struct hk_errmsg *em)
{
    struct hk_principal who;

    memset(&who, 0, sizeof(who));
    who.role = HK_ROLE_ADMIN;
    (void)snprintf(who.name, sizeof(who.name), "outbox");
    hk_ctx_init(ctx, st, &who, cfg, em);
}

hk_err hk_outbox_remind_run(struct hk_store *st, const struct hk_config *cfg, struct hk_errmsg *em)
{
    struct hk_ctx ctx;
    json_t *out = NULL;
    hk_err err;

    outbox_ctx(&ctx, st, cfg, em);
    if (!(err = hk_ctx_begin(&ctx, true))) {
        if ((err = hk_outbox_remind(&ctx, &out)) || (err = hk_ctx_commit(&ctx)))
            hk_ctx_rollback(&ctx);
    }
    json_decref(out);
    hk_ctx_release(&ctx);
    return err;
}

/* One message of a delivery round, built by a worker thread. */
struct slot {
    json_t *row;
    struct hk_mail_msg msg;
    struct hk_errmsg em;
    hk_err err;
};

struct builders {
    const struct hk_mail_config *mc;
    struct slot *slots;
    size_t n;
    atomic_size_t next;
};

static void *build_worker(void *arg)
{
    struct builders *b = arg;
    size_t k;

    while ((k = atomic_fetch_add(&b->next, 1)) < b->n)
        b->slots[k].err = build_one(b->mc, b->slots[k].row, &b->slots[k].msg, &b->slots[k].em);
    return NULL;
}

/* Builds every slot, on as many threads as there are cores (signing runs one gpg process per
 * signature: it pays to sign on every core). */
static void build_all(const struct hk_mail_config *mc, struct slot *slots, size_t n)
{
    struct builders b = {mc, slots, n, 0};
    pthread_t tid[8];
    long nt = sysconf(_SC_NPROCESSORS_ONLN);
    int started = 0;

    if (nt > 8)
        nt = 8;
    if (nt > (long)n)
        nt = (long)n;
    for (long i = 1; i < nt; i++)
        if (!pthread_create(&tid[started], NULL, build_worker, &b))
            started++;
    build_worker(&b);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}

hk_err hk_outbox_deliver(struct hk_store *st, const struct hk_config *cfg,
                         const struct hk_mail_config *mc, size_t max, size_t *sent, size_t *failed,
                         struct hk_errmsg *em)
{
    struct hk_ctx ctx;
    struct hk_mail_smtp *smtp = NULL;
    struct slot *slots = NULL;
    json_t *rows = NULL, *v;
    size_t i, n;
    hk_err err;

    *sent = *failed = 0;
    outbox_ctx(&ctx, st, cfg, em);
    if ((err = hk_ctx_begin(&ctx, false))) {
        hk_ctx_release(&ctx);
        return err;
    }
    err = hk_store_rows(st, HK_Q_OUTBOX_DUE,
                        HK_SQL_ARGS(hk_sql_int(ctx.now), hk_sql_int((int64_t)max)), &rows);
    hk_ctx_rollback(&ctx);
    if (err || !(n = json_array_size(rows)))
        goto out;
    if ((err = hk_mail_smtp_new(mc, &smtp)))
        goto out;
    slots = hk_xcalloc(n, sizeof(*slots));
    json_array_foreach(rows, i, v) slots[i].row = v;
    build_all(mc, slots, n);
    for (i = 0; i < n; i++) {
        struct slot *sl = &slots[i];
        struct hk_mail_result res;
        struct hk_errmsg sem = sl->em;
        json_t *row = sl->row;
        int64_t id = json_integer_value(json_object_get(row, "id"));
        int64_t inv = json_integer_value(json_object_get(row, "investigation_id"));
        int64_t attempts = json_integer_value(json_object_get(row, "attempts")) + 1;
        hk_err serr = sl->err;

        memset(&res, 0, sizeof(res));
        if (!serr)
            serr = hk_mail_smtp_send(smtp, &sl->msg, &res, &sem);
        ctx.now = hk_now();
        if ((err = hk_ctx_begin(&ctx, true)))
            break;
        if (!serr) {
            char line[512];
            err = hk_store_exec(st, HK_Q_OUTBOX_SENT,
                                HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(res.message_id),
                                            hk_sql_int(res.sent_at ? res.sent_at : ctx.now),
                                            hk_sql_int(res.smtp_code), hk_sql_text(res.smtp_text)),
                                NULL);
            (void)snprintf(line, sizeof(line), "%s sent to %s, Message-ID %s (SMTP %ld)",
                           hk_jstr(row, "kind"), hk_jstr(row, "recipient"), res.message_id,
                           res.smtp_code);
            if (!err && inv) /* early warnings and vendor reminders have no investigation */
                err = hk_store_exec(st, HK_Q_MESSAGE_INSERT,
                                    HK_SQL_ARGS(hk_sql_int(inv), hk_sql_text("out"),
                                                hk_sql_text(line), hk_sql_int0(0),
                                                hk_sql_int(ctx.now)),
                                    NULL);
            if (!err && inv) /* the request is out: we now wait for the answer */
                err = hk_store_exec(st, HK_Q_INVESTIGATION_SET_STATE,
                                    HK_SQL_ARGS(hk_sql_int(inv), hk_sql_text("waiting"),
                                                hk_sql_int(ctx.now), hk_sql_text("open")),
                                    NULL);
            if (!err)
                err = audit_owned(
                    &ctx, "outbox.sent", inv ? "investigation" : "outbox", inv ? inv : id, NULL,
                    json_pack("{s:I, s:s, s:I, s:s}", "outbox_id", (json_int_t)id, "message_id",
                              res.message_id, "smtp_code", (json_int_t)res.smtp_code, "to",
                              hk_jstr(row, "recipient")));
        } else {
            bool give_up = attempts >= DELIVERY_ATTEMPTS || serr == HK_EPARSE || serr == HK_EINVAL;
            const char *why = sem.text[0] ? sem.text : hk_strerror(serr);
            err = hk_store_exec(
                st, HK_Q_OUTBOX_RETRY,
                HK_SQL_ARGS(
                    hk_sql_int(id), hk_sql_text(give_up ? "failed" : "queued"),
                    hk_sql_int(ctx.now + 60 * (int64_t)(1 << (attempts < 6 ? attempts : 6))),
                    hk_sql_int(res.smtp_code), hk_sql_text(why), hk_sql_int(ctx.now)),
                NULL);
            if (!err)
                err =
                    audit_owned(&ctx, give_up ? "outbox.failed" : "outbox.retry",
                                inv ? "investigation" : "outbox", inv ? inv : id, NULL,
                                json_pack("{s:I, s:s}", "outbox_id", (json_int_t)id, "error", why));
        }
        if (err || (err = hk_ctx_commit(&ctx))) {
            hk_ctx_rollback(&ctx);
            break;
        }
        if (serr)
            (*failed)++;
        else
            (*sent)++;
    }
out:
    if (slots)
        for (i = 0; i < n; i++)
            hk_mail_msg_release(&slots[i].msg);
    free(slots);
    hk_mail_smtp_free(smtp);
    json_decref(rows);
    hk_ctx_release(&ctx);
    return err;
}

hk_err hk_investigation_thread_reply(struct hk_ctx *ctx, const char *const *message_ids,
                                     size_t nids, int64_t ticket, const char *body,
                                     int64_t *investigation_id)
{
    json_t *row = NULL, *inv = NULL;
    int64_t id = 0;
    hk_err err = HK_ENOTFOUND;

    *investigation_id = 0;
    for (size_t i = 0; i < nids && !id; i++) {
        if (!message_ids[i] || !*message_ids[i])
            continue;
        err = hk_store_row(ctx->st, HK_Q_OUTBOX_BY_MESSAGE_ID,
                           HK_SQL_ARGS(hk_sql_text(message_ids[i])), &row);
        if (!err)
            id = json_integer_value(json_object_get(row, "investigation_id"));
        json_decref(row);
        row = NULL;
        if (err && err != HK_ENOTFOUND)
            return err;
    }
    if (!id && ticket > 0) {
        err = hk_store_row(ctx->st, HK_Q_INVESTIGATION_GET, HK_SQL_ARGS(hk_sql_int(ticket)), &inv);
        if (!err)
            id = ticket;
        json_decref(inv);
        inv = NULL;
        if (err && err != HK_ENOTFOUND)
            return err;
    }
    if (!id)
        return HK_ENOTFOUND;
    if ((err = hk_store_exec(ctx->st, HK_Q_MESSAGE_INSERT,
                             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text("in"),
                                         hk_sql_text(body ? body : ""), hk_sql_int0(0),
                                         hk_sql_int(ctx->now)),
                             NULL)))
        return err;
    /* An answer moves a request that was open or waiting to "answered". */
    if ((err = hk_store_exec(ctx->st, HK_Q_INVESTIGATION_SET_STATE,
                             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text("answered"),
                                         hk_sql_int(ctx->now), hk_sql_text("waiting")),
                             NULL)) ||
        (err = hk_store_exec(ctx->st, HK_Q_INVESTIGATION_SET_STATE,
                             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text("answered"),
                                         hk_sql_int(ctx->now), hk_sql_text("open")),
                             NULL)))
        return err;
    err = audit_owned(ctx, "investigation.reply", "investigation", id, NULL,
                      json_pack("{s:I}", "bytes", (json_int_t)(body ? strlen(body) : 0)));
    if (!err)
        *investigation_id = id;
    return err;
}
