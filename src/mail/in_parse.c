/* SPDX-License-Identifier: MIT */
/*
 * Parsing one received message with GMime 3 (RFC 5322 headers, RFC 2045-2049 MIME): the
 * identity headers (Message-ID, In-Reply-To, References, From, Reply-To, Subject, Date),
 * the ticket tag, whether it is automatic mail (RFC 3834: Auto-Submitted, Precedence
 * bulk/junk/list, list headers, an empty Return-Path, MAILER-DAEMON, RFC 3462
 * multipart/report), the PGP/MIME signature (in_pgp.c), and its documents: X-ARF JSON,
 * IODEF XML, else text. Every document becomes a report submission; a message that yields
 * none gets one submission that says why, so the intake never drops a message.
 */
#include <glib.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/exchange.h"
#include "mail/in_int.h"

#define TEXT_MAX (256u << 10) /* bytes of text parts kept for the report */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_setup(void)
{
    g_mime_init();
}

const char *hk_mailin_kind_name(enum hk_mailin_kind k)
{
    static const char *const n[] = {"xarf", "iodef", "text", "bounce", "unparsed"};
    return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "unparsed";
}

int64_t hk_mailin_ticket(const char *s)
{
    const char *p = s;

    while (p && (p = strstr(p, "[hikeshi#"))) {
        int64_t v = 0;
        const char *d = p + 9;
        int n = 0;
        while (*d >= '0' && *d <= '9' && n < 15) {
            v = v * 10 + (*d++ - '0');
            n++;
        }
        if (n && *d == ']' && v > 0)
            return v;
        p += 9;
    }
    return 0;
}

static char *dup0(const char *s)
{
    return hk_xstrdup(s ? s : "");
}

/* Appends a parse error ("; "-joined). */
static void add_error(struct hk_mailin_parsed *p, const char *msg)
{
    size_t a = strlen(p->error), b = strlen(msg);
    char *e = hk_xmalloc(a + b + 3);

    memcpy(e, p->error, a);
    if (a)
        memcpy(e + a, "; ", 2), a += 2;
    memcpy(e + a, msg, b + 1);
    free(p->error);
    p->error = e;
}

void hk_mailin_parsed_release(struct hk_mailin_parsed *p)
{
    if (!p)
        return;
    free(p->message_id);
    free(p->in_reply_to);
    for (size_t i = 0; i < p->nrefs; i++)
        free(p->refs[i]);
    free(p->from);
    free(p->from_full);
    free(p->reply_to);
    free(p->subject);
    free(p->error);
    free(p->text);
    json_decref(p->submissions);
    memset(p, 0, sizeof(*p));
}

/* ---- headers ---- */

static const char *hdr(GMimeObject *o, const char *name)
{
    return g_mime_object_get_header(o, name);
}

static char *first_addr(InternetAddressList *l)
{
    for (int i = 0; l && i < internet_address_list_length(l); i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a))
            return dup0(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
    }
    return dup0("");
}

static void identity(GMimeMessage *m, struct hk_mailin_parsed *p)
{
    GMimeObject *o = GMIME_OBJECT(m);
    InternetAddressList *from = g_mime_message_get_from(m);
    InternetAddressList *rt = g_mime_message_get_reply_to(m);
    const char *irt = hdr(o, "In-Reply-To"), *refs = hdr(o, "References");
    GDateTime *date = g_mime_message_get_date(m);
    char *full;

    p->message_id = dup0(g_mime_message_get_message_id(m));
    p->subject = dup0(g_mime_message_get_subject(m));
    p->from = first_addr(from);
    if (!*p->from) {
        free(p->from);
        p->from = first_addr(g_mime_message_get_sender(m));
    }
    full = from ? internet_address_list_to_string(from, NULL, FALSE) : NULL;
    p->from_full = dup0(full ? full : p->from);
    g_free(full);
    p->reply_to = first_addr(rt);
    if (!*p->reply_to) {
        free(p->reply_to);
        p->reply_to = dup0(p->from);
    }
    p->ticket = hk_mailin_ticket(p->subject);
    p->date = date ? g_date_time_to_unix(date) : 0;
    if (irt) {
        GMimeReferences *r = g_mime_references_parse(NULL, irt);
        p->in_reply_to =
            dup0(r && g_mime_references_length(r) ? g_mime_references_get_message_id(r, 0) : "");
        if (r)
            g_mime_references_free(r);
    } else {
        p->in_reply_to = dup0("");
    }
    if (refs) {
        GMimeReferences *r = g_mime_references_parse(NULL, refs);
        for (int i = 0; r && i < g_mime_references_length(r) && p->nrefs < HK_MAILIN_REFS_MAX; i++)
            p->refs[p->nrefs++] = dup0(g_mime_references_get_message_id(r, i));
        if (r)
            g_mime_references_free(r);
    }
}

/* RFC 3834 section 2 and common practice: mail no one should answer automatically. */
static const char *automatic(GMimeMessage *m, const struct hk_mailin_parsed *p,
                             const struct hk_mailin_opts *o)
{
    GMimeObject *ob = GMIME_OBJECT(m), *body = g_mime_message_get_mime_part(m);
    const char *v;
    char local[64];
    const char *at = strchr(p->from, '@');

    if ((v = hdr(ob, "Auto-Submitted"))) {
        char b[64];
        (void)snprintf(b, sizeof(b), "%s", v);
        g_strstrip(b);
        if (g_ascii_strcasecmp(b, "no"))
            return "Auto-Submitted";
    }
    if ((v = hdr(ob, "Precedence")) &&
        (strcasestr(v, "bulk") || strcasestr(v, "junk") || strcasestr(v, "list")))
        return "Precedence";
    if (hdr(ob, "List-Id") || hdr(ob, "List-Unsubscribe") || hdr(ob, "List-Post"))
        return "mailing list";
    if (hdr(ob, "X-Autoreply") || hdr(ob, "X-Autorespond") ||
        ((v = hdr(ob, "X-Auto-Response-Suppress")) && strcasestr(v, "all")))
        return "auto-reply header";
    if ((v = hdr(ob, "Return-Path")) && strstr(v, "<>"))
        return "empty Return-Path";
    (void)snprintf(local, sizeof(local), "%.*s", at ? (int)(at - p->from) : 0, p->from);
    if (!strcasecmp(local, "mailer-daemon") || !strcasecmp(local, "postmaster") ||
        !strncasecmp(local, "noreply", 7) || !strncasecmp(local, "no-reply", 8))
        return "sender is a mailer or no-reply address";
    if (body &&
        g_mime_content_type_is_type(g_mime_object_get_content_type(body), "multipart", "report"))
        return "multipart/report";
    if (!*p->from)
        return "no sender address";
    if (o && o->our_address && *o->our_address && !strcasecmp(o->our_address, p->from))
        return "sent by us";
    return NULL;
}

/* ---- parts ---- */

struct walk {
    struct hk_mailin_parsed *p;
    const struct hk_mailin_opts *o;
    struct hk_buf text;
    int xarf, iodef, docs_failed, bounce;
    GMimeMultipartSigned *signed_part;
};

static GByteArray *decoded(GMimePart *part)
{
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    GMimeStream *s;
    GByteArray *ba;

    if (!w)
        return NULL;
    ba = g_byte_array_new();
    s = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
    (void)g_mime_data_wrapper_write_to_stream(w, s);
    g_object_unref(s);
    return ba;
}

/* Text as UTF-8 (converted from the part's charset, invalid bytes replaced). */
static char *utf8(GMimePart *part, const guint8 *d, size_t n)
{
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
    char *out = NULL;

    if (!d || !n) /* an empty part has no data at all: GLib refuses NULL even with length 0 */
        return g_strdup("");
    if (cs && g_ascii_strcasecmp(cs, "utf-8") && g_ascii_strcasecmp(cs, "us-ascii"))
        out =
            g_convert_with_fallback((const char *)d, (gssize)n, "UTF-8", cs, "?", NULL, NULL, NULL);
    if (!out)
        out = g_utf8_make_valid((const char *)d, (gssize)n);
    return out;
}

static void document(struct walk *w, const char *what, const guint8 *d, size_t n, bool xarf)
{
    struct hk_errmsg em = {{0}};
    json_t *sub = NULL;
    int ver = 0;
    hk_err err = xarf ? hk_xarf_parse((const char *)d, n, &sub, &ver, &em)
                      : hk_iodef_import((const char *)d, n, &sub, &em);

    if (!err) {
        json_array_append_new(w->p->submissions, sub);
        if (xarf)
            w->xarf++;
        else
            w->iodef++;
        return;
    }
    {
        char m[400];
        (void)snprintf(m, sizeof(m), "%s: %s", what, em.text);
        add_error(w->p, m);
    }
    w->docs_failed++;
    if (xarf)
        w->xarf++;
    else
        w->iodef++;
}

/* An X-ARF candidate: declared JSON, or a JSON object naming an X-ARF version. */
static bool looks_xarf(GMimeContentType *ct, const char *fname, const guint8 *d, size_t n)
{
    size_t i = 0;

    if (g_mime_content_type_is_type(ct, "application", "json") ||
        g_mime_content_type_is_type(ct, "text", "json") ||
        g_mime_content_type_is_type(ct, "application", "xarf+json") ||
        (fname && g_str_has_suffix(fname, ".json")))
        return true;
    while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t'))
        i++;
    return i < n && d[i] == '{' &&
           (memmem(d, n < 4096 ? n : 4096, "\"xarf_version\"", 14) ||
            (memmem(d, n < 4096 ? n : 4096, "\"Version\"", 9) && memmem(d, n, "\"Report", 7)));
}

static void leaf(struct walk *w, GMimePart *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    const char *fname = g_mime_part_get_filename(part);
    char what[160];
    GByteArray *ba;

    if (g_mime_content_type_is_type(ct, "application", "pgp-signature"))
        return;
    if (g_mime_content_type_is_type(ct, "message", "delivery-status"))
        w->bounce = 1;
    ba = decoded(part);
    if (!ba)
        return;
    (void)snprintf(what, sizeof(what), "attachment '%.80s' (%s/%s)", fname ? fname : "",
                   g_mime_content_type_get_media_type(ct),
                   g_mime_content_type_get_media_subtype(ct));
    if (ba->len > HK_MAILIN_MAX_PART) {
        char m[300];
        (void)snprintf(m, sizeof(m), "%s: %u bytes, larger than the %u-byte limit: not parsed",
                       what, ba->len, HK_MAILIN_MAX_PART);
        add_error(w->p, m);
        w->docs_failed++;
    } else if (looks_xarf(ct, fname, ba->data, ba->len)) {
        document(w, what, ba->data, ba->len, true);
    } else if (g_mime_content_type_is_type(ct, "application", "iodef+xml") ||
               hk_iodef_detect((const char *)ba->data, ba->len)) {
        document(w, what, ba->data, ba->len, false);
    } else if (g_mime_content_type_is_type(ct, "text", "*") ||
               g_mime_content_type_is_type(ct, "message", "delivery-status")) {
        char *t = utf8(part, ba->data, ba->len);
        if (t && w->text.len < TEXT_MAX) {
            size_t k = strlen(t);
            if (w->text.len)
                (void)hk_buf_appends(&w->text, "\n");
            (void)hk_buf_append(&w->text, t,
                                k < TEXT_MAX - w->text.len ? k : TEXT_MAX - w->text.len);
        }
        g_free(t);
    }
    g_byte_array_unref(ba);
}

static void visit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    struct walk *w = data;

    (void)parent;
    if (GMIME_IS_MULTIPART_SIGNED(part) && !w->signed_part)
        w->signed_part = GMIME_MULTIPART_SIGNED(part);
    else if (GMIME_IS_PART(part))
        leaf(w, GMIME_PART(part));
}

/* ---- the result ---- */

static void failure_report(struct hk_mailin_parsed *p, const char *why)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char subject[600];

    (void)hk_buf_appendf(&b, "This message could not be taken in as a report: %s\n\n", why);
    (void)hk_buf_appendf(&b, "From: %s\nSubject: %s\nMessage-ID: %s\n", p->from_full, p->subject,
                         p->message_id);
    (void)hk_buf_appends(&b, "(The raw message is stored with the mail record.)\n");
    if (p->text && *p->text) {
        (void)hk_buf_appends(&b, "\n--- text of the message ---\n");
        (void)hk_buf_appends(&b, p->text);
    }
    (void)snprintf(subject, sizeof(subject), "Unparsed mail: %.500s",
                   *p->subject ? p->subject : "(no subject)");
    {
        char *text = g_utf8_make_valid(hk_buf_str(&b), (gssize)b.len);
        char *subj = g_utf8_make_valid(subject, -1);
        char *from = g_utf8_make_valid(*p->from ? p->from : "unknown sender", -1);
        json_t *sub = json_pack("{s:s, s:s, s:s, s:s, s:s}", "subject", subj, "content", text,
                                "source", "email", "tlp", "AMBER", "reporter", from);
        json_array_append_new(p->submissions,
                              sub ? sub : json_pack("{s:s}", "content", "(unreadable)"));
        g_free(text);
        g_free(subj);
        g_free(from);
    }
    hk_buf_release(&b);
}

static void text_report(struct hk_mailin_parsed *p)
{
    char subject[1000];
    /* Headers may carry any bytes: JSON strings must be UTF-8, so repair them here or the
     * report (and with it the message's only trace in the queue) would be lost. */
    char *subj, *content, *from;
    json_t *sub;

    (void)snprintf(subject, sizeof(subject), "%.990s", *p->subject ? p->subject : "(no subject)");
    subj = g_utf8_make_valid(subject, -1);
    content = g_utf8_make_valid(*p->text ? p->text : "(empty message)", -1);
    from = g_utf8_make_valid(*p->from ? p->from : "unknown sender", -1);
    sub = json_pack("{s:s, s:s, s:s, s:s, s:s}", "subject", subj, "content", content, "source",
                    "email", "tlp", "AMBER", "reporter", from);
    json_array_append_new(p->submissions,
                          sub ? sub : json_pack("{s:s}", "content", "(unreadable)"));
    g_free(subj);
    g_free(content);
    g_free(from);
}

void hk_mailin_parse(const char *raw, size_t len, bool truncated, const struct hk_mailin_opts *o,
                     struct hk_mailin_parsed *out)
{
    struct walk w = {out, o, HK_BUF_INIT(HK_BUF_UNBOUNDED), 0, 0, 0, 0, NULL};
    GMimeStream *s = NULL;
    GMimeParser *parser = NULL;
    GMimeMessage *m = NULL;

    (void)pthread_once(&gmime_once, gmime_setup);
    memset(out, 0, sizeof(*out));
    out->submissions = json_array();
    out->error = dup0("");
    s = g_mime_stream_mem_new_with_buffer(raw, len);
    parser = g_mime_parser_new_with_stream(s);
    m = truncated ? NULL : g_mime_parser_construct_message(parser, NULL);
    if (!m) {
        /* Keep what can be said about it; identity fields stay empty. */
        out->message_id = dup0("");
        out->in_reply_to = dup0("");
        out->from = dup0("");
        out->from_full = dup0("");
        out->reply_to = dup0("");
        out->subject = dup0("");
        out->text = hk_xstrndup(raw, len < 4096 ? len : 4096);
        {
            char *t = g_utf8_make_valid(out->text, -1);
            free(out->text);
            out->text = dup0(t);
            g_free(t);
        }
        add_error(out, truncated ? "message larger than the size limit: stored truncated, not "
                                   "parsed"
                                 : "malformed message: no RFC 5322 header could be parsed");
        out->kind = HK_MAILIN_UNPARSED;
        out->auto_reason = "unparsed";
        failure_report(out, out->error);
        goto done;
    }
    identity(m, out);
    out->auto_reason = automatic(m, out, o);
    g_mime_message_foreach(m, visit, &w);
    out->text = dup0(hk_buf_str(&w.text));
    out->pgp = w.signed_part ? hk_mailin_pgp_verify(w.signed_part, o ? o->gnupghome : NULL,
                                                    out->pgp_fpr, sizeof(out->pgp_fpr))
                             : HK_PGP_UNSIGNED;
    if (json_array_size(out->submissions))
        out->kind = w.xarf ? HK_MAILIN_XARF : HK_MAILIN_IODEF;
    else if (w.docs_failed)
        out->kind = HK_MAILIN_UNPARSED;
    else if (w.bounce || (out->auto_reason && (strstr(out->auto_reason, "mailer") ||
                                               !strcmp(out->auto_reason, "multipart/report"))))
        out->kind = HK_MAILIN_BOUNCE;
    else
        out->kind = HK_MAILIN_TEXT;
    if (w.docs_failed)
        failure_report(out, out->error);
    else if (!json_array_size(out->submissions))
        text_report(out);
done:
    hk_buf_release(&w.text);
    if (m)
        g_object_unref(m);
    g_object_unref(parser);
    g_object_unref(s);
}
