/* SPDX-License-Identifier: MIT */
/*
 * The MIME message of a notice, built with GMime 3: multipart/mixed holding the rendered
 * text (text/plain; charset=utf-8, quoted-printable or base64, whichever is shorter, so
 * the entity is 7-bit as RFC 3156 §3 requires of signed content) and the attachments
 * (base64). With a signing key the entity is wrapped as multipart/signed (RFC 3156 §5):
 * it is written once in canonical form (CRLF), the signature is made over exactly those
 * bytes, and the entity is parsed back from them so that the final message carries the
 * very bytes that were signed. With a recipient key it becomes multipart/encrypted
 * (RFC 3156 §4, signed inside per §6.2). Headers: From, To, Cc, Reply-To, Subject
 * (RFC 2047-encoded by GMime when not ASCII), Date, Message-ID, In-Reply-To and
 * References when given, X-Hikeshi-Ticket, and Auto-Submitted: auto-generated only on
 * automatic acknowledgements (RFC 3834 §5; reminders are sent on a handler's behalf).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <gpgme.h>

#include "hikeshi/mail.h"
#include "mail/out_int.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libs(void)
{
    g_mime_init();
    (void)gpgme_check_version(NULL);
}

void hk_mail_init(void)
{
    (void)pthread_once(&init_once, init_libs);
}

void hk_mail_msg_release(struct hk_mail_msg *msg)
{
    if (!msg)
        return;
    free(msg->raw);
    free(msg->env_from);
    for (size_t i = 0; msg->env_rcpt && msg->env_rcpt[i]; i++)
        free(msg->env_rcpt[i]);
    free(msg->env_rcpt);
    memset(msg, 0, sizeof(*msg));
}

/* Writes o with CRLF line ends into out (bounded by out->max). */
static hk_err to_bytes(GMimeObject *o, struct hk_buf *out, struct hk_errmsg *m)
{
    GMimeStream *s = g_mime_stream_mem_new();
    GMimeFormatOptions *fo = g_mime_format_options_new();
    GByteArray *ba;
    hk_err err = HK_OK;

    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    if (g_mime_object_write_to_stream(o, fo, s) < 0)
        err = hk_errf(m, HK_EIO, "cannot serialise the message");
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
    if (!err && hk_buf_append(out, ba->data, ba->len))
        err = hk_errf(m, HK_ETOOBIG, "message of %u bytes exceeds the limit of %zu bytes", ba->len,
                      out->max);
    g_mime_format_options_free(fo);
    g_object_unref(s);
    return err;
}

static GMimeObject *from_bytes(const char *p, size_t n)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, n);
    GMimeParser *ps = g_mime_parser_new_with_stream(s);
    GMimeObject *o = g_mime_parser_construct_part(ps, NULL);

    g_object_unref(ps);
    g_object_unref(s);
    return o;
}

/* A leaf part holding a copy of data, 7-bit encoded. */
static GMimeObject *leaf(const char *ctype, const char *filename, const void *data, size_t n,
                         GMimeContentEncoding enc)
{
    GMimeContentType *ct = g_mime_content_type_parse(NULL, ctype);
    GMimePart *p = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
                                             g_mime_content_type_get_media_subtype(ct));
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, n);
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
    const GMimeParamList *pl = g_mime_content_type_get_parameters(ct);

    for (int i = 0; pl && i < g_mime_param_list_length((GMimeParamList *)pl); i++) {
        GMimeParam *pa = g_mime_param_list_get_parameter_at((GMimeParamList *)pl, i);

        g_mime_object_set_content_type_parameter(GMIME_OBJECT(p), g_mime_param_get_name(pa),
                                                 g_mime_param_get_value(pa));
    }
    g_mime_part_set_content(p, w);
    if (filename)
        g_mime_part_set_filename(p, filename); /* also Content-Disposition: attachment */
    g_mime_part_set_content_encoding(p, enc);
    g_object_unref(w);
    g_object_unref(s);
    g_object_unref(ct);
    return GMIME_OBJECT(p);
}

static void add_leaf(GMimeMultipart *mp, GMimeObject *o)
{
    g_mime_multipart_add(mp, o);
    g_object_unref(o);
}

/* multipart/mixed: the text, then CSV, X-ARF and the caller's attachments. */
static hk_err content(const struct hk_mail_config *cfg, const struct hk_mail_notice *n,
                      const char *body, size_t max, GMimeObject **out, struct hk_errmsg *m)
{
    GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
    GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");
    struct hk_buf b = HK_BUF_INIT(max);
    unsigned f = hk_mail_formats(n);
    char csv[64], xarf[64];
    hk_err err = HK_OK;

    g_mime_text_part_set_text(tp, body);
    g_mime_text_part_set_charset(tp, "utf-8");
    g_mime_part_set_content_encoding(
        GMIME_PART(tp),
        g_mime_part_get_best_content_encoding(GMIME_PART(tp), GMIME_ENCODING_CONSTRAINT_7BIT));
    add_leaf(mp, GMIME_OBJECT(tp));
    hk_mail_attach_names(n, csv, xarf);
    if ((f & HK_MAIL_ATTACH_CSV) && !(err = hk_mail_csv_fmt(n->rows, n->nrows, &b))) {
        add_leaf(mp, leaf("text/csv; charset=utf-8; header=present", csv, b.buf, b.len,
                          GMIME_CONTENT_ENCODING_BASE64));
        hk_buf_reset(&b);
    } else if (err) {
        err = hk_errf(m, err, "CSV attachment exceeds %zu bytes", max);
    }
    if (!err && (f & HK_MAIL_ATTACH_XARF) && !(err = hk_mail_xarf_fmt(n, cfg, &b, m)))
        add_leaf(mp, leaf("application/json", xarf, b.buf, b.len, GMIME_CONTENT_ENCODING_BASE64));
    for (size_t i = 0; !err && i < n->nextra; i++) {
        const struct hk_mail_attachment *a = &n->extra[i];
        const char *ct = a->content_type ? a->content_type : "application/octet-stream";

        if (a->len > max)
            err = hk_errf(m, HK_ETOOBIG, "attachment '%.80s' exceeds %zu bytes",
                          a->filename ? a->filename : "?", max);
        else if (strpbrk(ct, "\r\n") || !strchr(ct, '/'))
            err = hk_errf(m, HK_EINVAL, "attachment content type '%.80s' is not valid", ct);
        else
            add_leaf(mp, leaf(ct, a->filename ? a->filename : "attachment", a->data, a->len,
                              GMIME_CONTENT_ENCODING_BASE64));
    }
    hk_buf_release(&b);
    if (err) {
        g_object_unref(mp);
        return err;
    }
    *out = GMIME_OBJECT(mp);
    return HK_OK;
}

/* RFC 3156 §5: multipart/signed over the canonical bytes of *entity (replaced). */
static hk_err sign(const struct hk_mail_config *cfg, GMimeObject **entity, size_t max,
                   struct hk_errmsg *m)
{
    struct hk_buf raw = HK_BUF_INIT(max), sig = HK_BUF_INIT(64 * 1024);
    GMimeMultipart *mp;
    GMimeObject *parsed;
    const char *micalg;
    hk_err err;

    if ((err = to_bytes(*entity, &raw, m)) ||
        (err = hk_mail_pgp_sign(cfg->gnupghome, cfg->sign_key, raw.buf, raw.len, &sig, &micalg, m)))
        goto out;
    if (!(parsed = from_bytes(raw.buf, raw.len))) {
        err = hk_errf(m, HK_EIO, "cannot re-read the signed entity");
        goto out;
    }
    mp = g_mime_multipart_new_with_subtype("signed");
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(mp), "protocol",
                                             "application/pgp-signature");
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(mp), "micalg", micalg);
    add_leaf(mp, parsed);
    add_leaf(
        mp, leaf("application/pgp-signature", NULL, sig.buf, sig.len, GMIME_CONTENT_ENCODING_7BIT));
    g_object_unref(*entity);
    *entity = GMIME_OBJECT(mp);
out:
    hk_buf_release(&sig);
    hk_buf_release(&raw);
    return err;
}

/* RFC 3156 §4 and §6.2: multipart/encrypted for fpr, signed inside when we have a key. */
static hk_err encrypt(const struct hk_mail_config *cfg, const char *fpr, GMimeObject **entity,
                      size_t max, struct hk_errmsg *m)
{
    static const char version[] = "Version: 1\r\n";
    struct hk_buf raw = HK_BUF_INIT(max), ct = HK_BUF_INIT(2 * max);
    GMimeMultipart *mp;
    hk_err err;

    if ((err = to_bytes(*entity, &raw, m)) ||
        (err = hk_mail_pgp_encrypt(cfg->gnupghome, cfg->sign_key, fpr, raw.buf, raw.len, &ct, m)))
        goto out;
    mp = g_mime_multipart_new_with_subtype("encrypted");
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(mp), "protocol",
                                             "application/pgp-encrypted");
    add_leaf(mp, leaf("application/pgp-encrypted", NULL, version, sizeof(version) - 1,
                      GMIME_CONTENT_ENCODING_7BIT));
    add_leaf(mp,
             leaf("application/octet-stream", NULL, ct.buf, ct.len, GMIME_CONTENT_ENCODING_7BIT));
    g_object_unref(*entity);
    *entity = GMIME_OBJECT(mp);
out:
    hk_buf_release(&ct);
    hk_buf_release(&raw);
    return err;
}

/* A header value from the caller: one line, no control characters. */
static bool header_ok(const char *v)
{
    for (const char *p = v; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return !v || strlen(v) < 2048;
}

static hk_err addresses(GMimeMessage *msg, GMimeAddressType type, const char *list,
                        struct hk_errmsg *m)
{
    InternetAddressList *l;

    if (!list || !*list)
        return HK_OK;
    if (!header_ok(list) || !(l = internet_address_list_parse(NULL, list)) ||
        internet_address_list_length(l) == 0)
        return hk_errf(m, HK_EINVAL, "bad address list '%.80s'", list);
    internet_address_list_append(g_mime_message_get_addresses(msg, type), l);
    g_object_unref(l);
    return HK_OK;
}

/* Adds every mailbox of l (groups flattened) to the envelope recipients. */
static void envelope(InternetAddressList *l, struct hk_mail_msg *out, size_t *n)
{
    for (int i = 0; i < internet_address_list_length(l); i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);

        if (INTERNET_ADDRESS_IS_GROUP(a)) {
            envelope(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), out, n);
            continue;
        }
        out->env_rcpt = hk_xrealloc(out->env_rcpt, (*n + 2) * sizeof(char *));
        out->env_rcpt[(*n)++] =
            hk_xstrdup(internet_address_mailbox_get_idn_addr(INTERNET_ADDRESS_MAILBOX(a)));
        out->env_rcpt[*n] = NULL;
    }
}

static hk_err headers(const struct hk_mail_config *cfg, const struct hk_mail_recipient *r,
                      const struct hk_mail_notice *n, const char *subject, GMimeMessage *msg,
                      struct hk_mail_msg *out, struct hk_errmsg *m)
{
    char id[HK_MAIL_MSGID_MAX], hex[33], buf[4200];
    uint8_t rnd[16];
    GDateTime *now;
    size_t nr = 0;
    hk_err err;

    if ((err = addresses(msg, GMIME_ADDRESS_TYPE_FROM, cfg->from, m)) ||
        (err = addresses(msg, GMIME_ADDRESS_TYPE_TO, r->to, m)) ||
        (err = addresses(msg, GMIME_ADDRESS_TYPE_CC, r->cc, m)) ||
        (err = addresses(msg, GMIME_ADDRESS_TYPE_REPLY_TO, cfg->reply_to, m)))
        return err;
    if (!header_ok(r->in_reply_to) || !header_ok(r->references))
        return hk_errf(m, HK_EINVAL, "In-Reply-To or References holds a control character");
    g_mime_message_set_subject(msg, subject, "utf-8");
    out->date = hk_now();
    now = g_date_time_new_from_unix_utc(out->date);
    g_mime_message_set_date(msg, now);
    g_date_time_unref(now);
    hk_random(rnd, sizeof(rnd));
    hk_hex(rnd, sizeof(rnd), hex);
    hk_mail_bare_addr(cfg->from, buf, sizeof(buf));
    (void)snprintf(id, sizeof(id), "hikeshi.%lld.%s@%s", (long long)n->ticket, hex,
                   cfg->org_domain    ? cfg->org_domain
                   : strchr(buf, '@') ? strchr(buf, '@') + 1
                                      : "localhost");
    g_mime_message_set_message_id(msg, id);
    (void)snprintf(out->message_id, sizeof(out->message_id), "%s", id);
    if (r->in_reply_to && *r->in_reply_to) {
        g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", r->in_reply_to, NULL);
        (void)snprintf(buf, sizeof(buf), "%s%s%s", r->references ? r->references : "",
                       r->references ? " " : "", r->in_reply_to);
        g_mime_object_set_header(GMIME_OBJECT(msg), "References", buf, NULL);
    } else if (r->references && *r->references) {
        g_mime_object_set_header(GMIME_OBJECT(msg), "References", r->references, NULL);
    }
    (void)snprintf(buf, sizeof(buf), "%lld", (long long)n->ticket);
    g_mime_object_set_header(GMIME_OBJECT(msg), "X-Hikeshi-Ticket", buf, NULL);
    if (n->kind == HK_MAIL_ACK)
        g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated", NULL);
    hk_mail_bare_addr(cfg->from, buf, sizeof(buf));
    out->env_from = hk_xstrdup(buf);
    envelope(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), out, &nr);
    envelope(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), out, &nr);
    if (!nr)
        return hk_errf(m, HK_EINVAL, "no recipient address in '%.80s'", r->to);
    return HK_OK;
}

/* The recipient's key fingerprint: imported from the armored key, or given; "" = none. */
static hk_err recipient_key(const struct hk_mail_config *cfg, const struct hk_mail_recipient *r,
                            char fpr[72], struct hk_errmsg *m)
{
    fpr[0] = '\0';
    if (r->pgp_key && *r->pgp_key)
        return hk_mail_pgp_import(cfg->gnupghome, r->pgp_key, fpr, m);
    if (r->pgp_fpr && *r->pgp_fpr)
        (void)snprintf(fpr, 72, "%s", r->pgp_fpr);
    return HK_OK;
}

hk_err hk_mail_notice_build(const struct hk_mail_config *cfg, const struct hk_mail_recipient *r,
                            const struct hk_mail_notice *n, struct hk_mail_msg *out,
                            struct hk_errmsg *m)
{
    size_t max = cfg->max_message ? cfg->max_message : HK_MAIL_MSG_MAX_DFLT;
    struct hk_buf subj = HK_BUF_INIT(HK_MAIL_BODY_MAX), body = HK_BUF_INIT(HK_MAIL_BODY_MAX);
    struct hk_buf raw = HK_BUF_INIT(max);
    GMimeMessage *msg = NULL;
    GMimeObject *entity = NULL;
    char fpr[72];
    hk_err err;

    memset(out, 0, sizeof(*out));
    hk_mail_init();
    if (!cfg->from || !r->to)
        return hk_errf(m, HK_EINVAL, "a message needs a From and a To address");
    if ((err = hk_mail_notice_render(n, cfg, &subj, &body, m)) ||
        (err = recipient_key(cfg, r, fpr, m)) ||
        (err = content(cfg, n, hk_buf_str(&body), max, &entity, m)))
        goto out;
    if (fpr[0])
        err = encrypt(cfg, fpr, &entity, max, m);
    else if (cfg->sign_key && *cfg->sign_key)
        err = sign(cfg, &entity, max, m);
    if (err)
        goto out;
    msg = g_mime_message_new(TRUE);
    g_mime_message_set_mime_part(msg, entity);
    if ((err = headers(cfg, r, n, hk_buf_str(&subj), msg, out, m)) ||
        (err = to_bytes(GMIME_OBJECT(msg), &raw, m)))
        goto out;
    out->is_signed = cfg->sign_key && *cfg->sign_key;
    out->is_encrypted = fpr[0] != '\0';
    (void)snprintf(out->subject, sizeof(out->subject), "%s", hk_buf_str(&subj));
    out->raw = hk_buf_detach(&raw, &out->len);
out:
    if (err)
        hk_mail_msg_release(out);
    if (msg)
        g_object_unref(msg);
    if (entity)
        g_object_unref(entity);
    hk_buf_release(&raw);
    hk_buf_release(&body);
    hk_buf_release(&subj);
    return err;
}
