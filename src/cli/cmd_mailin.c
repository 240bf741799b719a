/* SPDX-License-Identifier: MIT */
/*
 * hikeshi mail-in (one message on standard input, for an MTA pipe transport, or a whole
 * Maildir), hikeshi report import-iodef FILE and hikeshi incident export-iodef ID.
 * mail-in works on the local data directory only (it is what an MTA runs on the host);
 * it exits 0 once the message is stored, even when it could not be parsed (the report says
 * why), and 75 (EX_TEMPFAIL) when it could not be stored, so the MTA keeps the message and
 * tries again: nothing is lost either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/exchange.h"
#include "hikeshi/mail.h"
#include "hikeshi/mailin.h"

#define EX_TEMPFAIL 75

static int check_opts(const struct args *a, const char *const *allowed, const char *cmd)
{
    for (int i = 0; i < a->nkv; i++) {
        bool ok = false;
        for (int k = 0; allowed[k] && !ok; k++)
            ok = !strcmp(allowed[k], a->kv[i].k);
        if (!ok)
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi %s --help'", a->kv[i].k,
                            cmd);
    }
    return 0;
}

static void opts_from(const struct args *a, struct hk_mailin_opts *o)
{
    const char *g = arg_get(a, "gnupghome");
    uint64_t max = 0;

    memset(o, 0, sizeof(*o));
    if (!g)
        g = getenv("HIKESHI_MAIL_GNUPGHOME");
    if (!g)
        g = getenv("GNUPGHOME");
    o->gnupghome = g;
    o->ack = arg_has(a, "ack") ||
             (getenv("HIKESHI_MAIL_ACK") && !strcmp(getenv("HIKESHI_MAIL_ACK"), "1"));
    if (arg_has(a, "no-ack"))
        o->ack = false;
    o->our_address =
        arg_get(a, "our-address") ? arg_get(a, "our-address") : getenv("HIKESHI_MAIL_FROM");
    if (arg_get(a, "max-size") && !hk_parse_u64(arg_get(a, "max-size"), &max))
        o->max_raw = (size_t)max;
    /* Replies to our notifications (outbox Message-IDs, ticket tags) go onto their
     * investigation (src/handling/notify.c). */
    o->thread_fn = hk_investigation_thread_reply;
}

/* Reads standard input, keeping at most max bytes; *size gets the size received. */
static char *read_stdin(size_t max, size_t *len, size_t *size)
{
    char *p = hk_xmalloc(65536), chunk[65536];
    size_t cap = 65536, n;

    *len = *size = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        size_t keep = *len + n <= max ? n : max - *len;
        *size += n;
        if (keep) {
            while (*len + keep + 1 > cap)
                p = hk_xrealloc(p, cap *= 2);
            memcpy(p + *len, chunk, keep);
            *len += keep;
        }
    }
    p[*len] = '\0';
    if (ferror(stdin)) {
        free(p);
        return NULL;
    }
    return p;
}

static int one_message(struct cli *c, struct hk_ctx *ctx, const struct hk_mailin_opts *o)
{
    size_t len, size;
    char *raw = read_stdin(o->max_raw ? o->max_raw : HK_MAILIN_MAX_RAW_DFLT, &len, &size);
    json_t *res = NULL;
    hk_err err;

    if (!raw) {
        cli_fail(HK_EIO, "cannot read the message from standard input");
        return EX_TEMPFAIL;
    }
    err = hk_ctx_begin(ctx, true);
    if (!err)
        err = hk_mailin_store(ctx, raw, len, size, o, &res);
    if (!err)
        err = hk_ctx_commit(ctx);
    else
        hk_ctx_rollback(ctx);
    free(raw);
    if (err) {
        cli_fail(err, "message not stored: %s",
                 ctx->em->text[0] ? ctx->em->text : hk_strerror(err));
        json_decref(res);
        return EX_TEMPFAIL;
    }
    cli_print(c, res);
    json_decref(res);
    return 0;
}

/* Sends one acknowledgement through the outgoing-mail library (HK_MAIL_ACK: marked
 * Auto-Submitted, tagged [hikeshi#R<report>], in reply to the report's message). */
static hk_err send_ack(void *arg, const struct hk_mailin_ack *ack)
{
    const struct hk_mail_config *mc = arg;
    struct hk_mail_notice n;
    struct hk_mail_recipient r;
    struct hk_mail_result res;
    struct hk_errmsg em = {{0}};

    memset(&n, 0, sizeof(n));
    memset(&r, 0, sizeof(r));
    n.kind = HK_MAIL_ACK;
    n.lang = "en";
    n.ticket = ack->report_id;
    n.title = ack->title && *ack->title ? ack->title : "(no subject)";
    n.tlp = ack->tlp && *ack->tlp ? ack->tlp : NULL;
    r.to = ack->to;
    r.in_reply_to = ack->in_reply_to && *ack->in_reply_to ? ack->in_reply_to : NULL;
    return hk_mail_notice_send(mc, NULL, &r, &n, &res, &em);
}

/* Sends the acknowledgements the stored messages earned (after their commit). A failure
 * leaves them marked failed in mail_in; the mail itself is safe either way. */
static void flush_acks(struct hk_ctx *ctx, const struct hk_mailin_opts *o)
{
    size_t n = 0;

    if (o->ack_fn && hk_mailin_ack_flush(ctx, o, 10000, &n))
        hk_log(HK_LOG_WARN, "mail-in: acknowledgements not sent: %s", ctx->em->text);
}

int cmd_mailin(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const allowed[] = {"maildir",     "processed", "delete",    "batch",
                                          "ack",         "no-ack",    "gnupghome", "max-size",
                                          "our-address", "smtp",      "mail-from", "sign-key",
                                          "org",         "templates", NULL};
    static struct hk_mail_config mc;
    bool mail_on = false;
    struct hk_mailin_opts o;
    struct hk_mailin_stats st;
    struct hk_errmsg em = {{0}};
    struct hk_store *s;
    struct hk_ctx ctx;
    const char *md = arg_get(a, "maildir");
    char processed[4096];
    uint64_t batch = 100;
    int rc;
    hk_err err;

    (void)cmd;
    if ((rc = check_opts(a, allowed, "mail-in")))
        return rc;
    if (c->server)
        return cli_fail(HK_EINVAL,
                        "mail-in works on a local data directory (--data), not --server");
    if (arg_get(a, "batch") &&
        (hk_parse_u64(arg_get(a, "batch"), &batch) || batch < 1 || batch > 100000))
        return cli_fail(HK_EINVAL, "--batch must be 1 to 100000");
    opts_from(a, &o);
    if ((rc = cli_mail_config(a, &mc, &mail_on)))
        return rc;
    if (o.ack && mail_on) { /* acknowledgements go out after each commit */
        hk_mail_init();
        o.ack_fn = send_ack;
        o.ack_arg = &mc;
    }
    if ((rc = cli_store(c, &s)))
        return md ? rc : EX_TEMPFAIL;
    hk_ctx_init(&ctx, s, &c->local, &c->cfg, &em);
    if (!md) {
        rc = one_message(c, &ctx, &o);
        flush_acks(&ctx, &o);
        hk_ctx_release(&ctx);
        return rc;
    }
    (void)snprintf(processed, sizeof(processed), "%s",
                   arg_get(a, "processed") ? arg_get(a, "processed") : "");
    if (!*processed)
        (void)snprintf(processed, sizeof(processed), "%s/.Processed", md);
    err = hk_mailin_maildir(&ctx, md, arg_has(a, "delete") ? NULL : processed, (size_t)batch, &o,
                            &st);
    if (!err)
        flush_acks(&ctx, &o);
    hk_ctx_release(&ctx);
    if (err)
        return cli_fail(err, "mail-in stopped: %s (%llu messages stored before)",
                        em.text[0] ? em.text : hk_strerror(err), (unsigned long long)st.stored);
    {
        json_t *out =
            json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "messages", (json_int_t)st.messages,
                      "stored", (json_int_t)st.stored, "duplicates", (json_int_t)st.duplicates,
                      "reports", (json_int_t)st.reports, "unparsed", (json_int_t)st.unparsed,
                      "threaded", (json_int_t)st.threaded);
        cli_print(c, out);
        json_decref(out);
    }
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    struct hk_buf b = HK_BUF_INIT(HK_EXCHANGE_MAX_DOC);
    char chunk[65536];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(&b, chunk, n)) {
            hk_buf_release(&b);
            b.buf = NULL;
            break;
        }
    if (f != stdin)
        (void)fclose(f);
    return b.buf ? hk_buf_detach(&b, len) : NULL;
}

int cmd_report_import_iodef(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_errmsg em = {{0}};
    json_t *sub = NULL, *out = NULL;
    size_t len = 0;
    char *text;
    int rc;

    (void)cmd;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi report import-iodef FILE|-");
    if (!(text = read_file(a->pos[0], &len)))
        return cli_fail(HK_EIO, "cannot read '%s' (or larger than %u bytes)", a->pos[0],
                        HK_EXCHANGE_MAX_DOC);
    if (hk_iodef_import(text, len, &sub, &em)) {
        free(text);
        return cli_fail(HK_EPARSE, "%s", em.text);
    }
    free(text);
    if (arg_get(a, "tlp"))
        json_object_set_new(sub, "tlp", json_string(arg_get(a, "tlp")));
    rc = cli_call(c, "POST", "/api/v1/reports", NULL, sub, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(out);
    json_decref(sub);
    return rc;
}

int cmd_incident_export_iodef(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_errmsg em = {{0}};
    json_t *inc = NULL;
    char path[64];
    int64_t id, created = 0;
    const char *team = arg_get(a, "team") ? arg_get(a, "team") : getenv("HIKESHI_TEAM");
    int rc;

    (void)cmd;
    if (a->npos != 1 || hk_parse_i64(a->pos[0], &id) || id < 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi incident export-iodef ID [--team NAME]");
    (void)snprintf(path, sizeof(path), "/api/v1/incidents/%lld", (long long)id);
    if ((rc = cli_call(c, "GET", path, NULL, NULL, &inc)))
        return rc;
    (void)hk_time_parse(json_string_value(json_object_get(inc, "created_at")), &created);
    {
        struct hk_iodef_doc d = {
            .team = team && *team ? team : "hikeshi",
            .incident_id = a->pos[0],
            .title = json_string_value(json_object_get(inc, "title")),
            .description = json_string_value(json_object_get(inc, "description")),
            .tlp = json_string_value(json_object_get(inc, "tlp")),
            .rsit_class = json_string_value(json_object_get(inc, "rsit_class")),
            .rsit_type = json_string_value(json_object_get(inc, "rsit_type")),
            .severity = json_string_value(json_object_get(inc, "severity")),
            .contact_email = arg_get(a, "contact"),
            .status = json_string_value(json_object_get(inc, "state")),
            .report_time = created,
            .observables = json_object_get(inc, "observables"),
        };
        if (hk_iodef_write(&d, &b, &em))
            rc = cli_fail(HK_EINVAL, "%s", em.text);
    }
    if (!rc && fwrite(b.buf, 1, b.len, stdout) != b.len)
        rc = cli_fail(HK_EIO, "cannot write the document");
    hk_buf_release(&b);
    json_decref(inc);
    return rc;
}
