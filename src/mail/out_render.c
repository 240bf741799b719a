/* SPDX-License-Identifier: MIT */
/*
 * Rendering of outgoing notices: the template context of a notice (every name a template
 * may use is always defined, empty when not known, so templates test with {{#if}}), the
 * TLP 2.0 labels and their sharing sentences (FIRST TLP 2.0 definitions; the Japanese text
 * is ours), times in UTC and in the receiving team's zone (GLib's tz database reader, which
 * does not touch the process's TZ), and the split of a template file into subject and body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "hikeshi/mail.h"
#include "mail/out_int.h"

static const struct {
    const char *label, *en, *ja;
} tlps[] = {
    {"CLEAR", "Recipients can spread this to the world, there is no limit on disclosure.",
     "開示の制限はありません。受信者はこの情報を広く公開できます。"},
    {"GREEN", "Limited disclosure, recipients can spread this within their community.",
     "限定開示です。受信者は、所属するコミュニティの中で共有できます。"},
    {"AMBER",
     "Limited disclosure, recipients can only spread this on a need-to-know basis within their "
     "organization and its clients.",
     "限定開示です。受信者は、知る必要のある人に限り、自組織とその顧客の中で共有できます。"},
    {"AMBER+STRICT",
     "Limited disclosure, recipients can only spread this on a need-to-know basis within their "
     "organization only.",
     "限定開示です。受信者は、知る必要のある人に限り、自組織の中だけで共有できます。"},
    {"RED", "For the eyes and ears of individual recipients only, no further disclosure.",
     "受信者個人限りの情報です。これ以上の開示は認められません。"},
};

const char *hk_mail_tlp_norm(const char *tlp)
{
    if (!tlp)
        return NULL;
    if (!strncasecmp(tlp, "TLP:", 4))
        tlp += 4;
    if (!strcasecmp(tlp, "WHITE"))
        return "CLEAR";
    for (size_t i = 0; i < sizeof(tlps) / sizeof(tlps[0]); i++)
        if (!strcasecmp(tlp, tlps[i].label))
            return tlps[i].label;
    return NULL;
}

const char *hk_mail_tlp_sentence(const char *tlp, const char *lang)
{
    const char *l = hk_mail_tlp_norm(tlp);

    for (size_t i = 0; l && i < sizeof(tlps) / sizeof(tlps[0]); i++)
        if (tlps[i].label == l)
            return lang && !strcmp(lang, "ja") ? tlps[i].ja : tlps[i].en;
    return NULL;
}

const char *hk_mail_lang(const char *lang)
{
    return lang && !strcmp(lang, "ja") ? "ja" : "en";
}

void hk_mail_time_utc(int64_t t, char out[40])
{
    GDateTime *dt = t ? g_date_time_new_from_unix_utc(t) : NULL;
    gchar *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC") : NULL;

    (void)snprintf(out, 40, "%s", s ? s : "");
    g_free(s);
    if (dt)
        g_date_time_unref(dt);
}

GTimeZone *hk_mail_tz_new(const char *tz)
{
    if (!tz || !*tz || strlen(tz) > 64 || strstr(tz, ".."))
        return NULL;
    return g_time_zone_new_identifier(tz);
}

void hk_mail_time_local(int64_t t, GTimeZone *tz, char out[64])
{
    GDateTime *u = t && tz ? g_date_time_new_from_unix_utc(t) : NULL;
    GDateTime *l = u ? g_date_time_to_timezone(u, tz) : NULL;
    gchar *s = l ? g_date_time_format(l, "%Y-%m-%d %H:%M:%S %Z") : NULL;

    (void)snprintf(out, 64, "%s", s ? s : "");
    g_free(s);
    if (l)
        g_date_time_unref(l);
    if (u)
        g_date_time_unref(u);
}

/* A string member, "" for NULL, at most HK_MAIL_FIELD_MAX bytes and valid UTF-8. */
static hk_err set_str(json_t *o, const char *key, const char *v, struct hk_errmsg *m)
{
    size_t n = v ? strlen(v) : 0;
    json_t *s;

    if (n > HK_MAIL_FIELD_MAX)
        return hk_errf(m, HK_ETOOBIG, "'%s' is longer than %d bytes", key, HK_MAIL_FIELD_MAX);
    s = json_stringn(v ? v : "", n);
    if (!s)
        return hk_errf(m, HK_EINVAL, "'%s' is not valid UTF-8", key);
    json_object_set_new(o, key, s);
    return HK_OK;
}

static void set_times(json_t *o, const char *key, int64_t t, GTimeZone *tz)
{
    char k[48], u[40], l[64];

    hk_mail_time_utc(t, u);
    hk_mail_time_local(t, tz, l);
    (void)snprintf(k, sizeof(k), "%s_utc", key);
    json_object_set_new(o, k, json_string(u));
    (void)snprintf(k, sizeof(k), "%s_local", key);
    json_object_set_new(o, k, json_string(l));
}

/* The rows listed in the body. */
static hk_err inline_rows(const struct hk_mail_notice *n, GTimeZone *tz, json_t *ctx,
                          struct hk_errmsg *m)
{
    size_t max = n->inline_max ? n->inline_max : HK_MAIL_INLINE_DFLT;
    size_t k = n->nrows < max ? n->nrows : max;
    json_t *a = json_array();
    hk_err err = HK_OK;

    json_object_set_new(ctx, "inline", a);
    for (size_t i = 0; i < k && !err; i++) {
        const struct hk_mail_row *r = &n->rows[i];
        json_t *o = json_object();

        json_array_append_new(a, o);
        if ((err = set_str(o, "observable", r->observable, m)) ||
            (err = set_str(o, "proto", r->proto, m)) ||
            (err = set_str(o, "description", r->description, m)))
            break;
        json_object_set_new(o, "port", json_integer(r->port > 0 ? r->port : 0));
        set_times(o, "time", r->time, tz);
    }
    json_object_set_new(ctx, "inline_count", json_integer((json_int_t)k));
    json_object_set_new(ctx, "more", json_integer((json_int_t)(n->nrows - k)));
    return err;
}

/* The attachment file names, in the order hk_mail_notice_build attaches them. */
void hk_mail_attach_names(const struct hk_mail_notice *n, char csv[64], char xarf[64])
{
    (void)snprintf(csv, 64, "hikeshi-%lld.csv", (long long)n->ticket);
    (void)snprintf(xarf, 64, "hikeshi-%lld-xarf.json", (long long)n->ticket);
}

unsigned hk_mail_formats(const struct hk_mail_notice *n)
{
    size_t max = n->inline_max ? n->inline_max : HK_MAIL_INLINE_DFLT;
    unsigned f = n->formats & (HK_MAIL_ATTACH_CSV | HK_MAIL_ATTACH_XARF);

    /* Rows that the body does not list must travel in an attachment. */
    if (n->nrows > max && !f && !n->nextra)
        f = HK_MAIL_ATTACH_CSV;
    return n->nrows ? f : 0;
}

static hk_err attachments(const struct hk_mail_notice *n, json_t *ctx, struct hk_errmsg *m)
{
    char csv[64], xarf[64];
    unsigned f = hk_mail_formats(n);
    json_t *a = json_array();
    struct hk_buf list = HK_BUF_INIT(HK_MAIL_FIELD_MAX);
    hk_err err = HK_OK;

    hk_mail_attach_names(n, csv, xarf);
    if (f & HK_MAIL_ATTACH_CSV)
        json_array_append_new(a, json_string(csv));
    if (f & HK_MAIL_ATTACH_XARF)
        json_array_append_new(a, json_string(xarf));
    if (n->nextra > HK_MAIL_ATTACH_MAX)
        err = hk_errf(m, HK_ETOOBIG, "more than %d attachments", HK_MAIL_ATTACH_MAX);
    for (size_t i = 0; i < n->nextra && !err; i++) {
        json_t *s = json_string(n->extra[i].filename ? n->extra[i].filename : "attachment");

        if (!s)
            err = hk_errf(m, HK_EINVAL, "attachment %zu: file name is not valid UTF-8", i + 1);
        else
            json_array_append_new(a, s);
    }
    for (size_t i = 0; i < json_array_size(a) && !err; i++)
        err = hk_buf_appendf(&list, "%s%s", i ? ", " : "", json_string_value(json_array_get(a, i)));
    json_object_set_new(ctx, "attachments", a);
    json_object_set_new(ctx, "attachment_list", json_string(hk_buf_str(&list)));
    hk_buf_release(&list);
    return err;
}

static void seen_range(const struct hk_mail_notice *n, int64_t *first, int64_t *last)
{
    *first = n->first_seen;
    *last = n->last_seen;
    for (size_t i = 0; i < n->nrows && (!n->first_seen || !n->last_seen); i++) {
        int64_t t = n->rows[i].time;

        if (t && !n->first_seen && (!*first || t < *first))
            *first = t;
        if (t && !n->last_seen && t > *last)
            *last = t;
    }
}

static hk_err scalars(const struct hk_mail_notice *n, const struct hk_mail_config *cfg, json_t *ctx,
                      struct hk_errmsg *m)
{
    const char *tlp = hk_mail_tlp_norm(n->tlp);
    char buf[HK_MAIL_FIELD_MAX];
    hk_err err;

    if (n->tlp && !tlp)
        return hk_errf(m, HK_EINVAL, "unknown TLP label '%.40s'", n->tlp);
    /* Acknowledgements carry the report's number as "R<id>": replies to them must not be
     * threaded onto the investigation that happens to have the same number. */
    (void)snprintf(buf, sizeof(buf), "[hikeshi#%s%lld]",
                   n->kind == HK_MAIL_ACK             ? "R"
                   : n->kind == HK_MAIL_WARNING       ? "A"
                   : n->kind == HK_MAIL_VULN_REMINDER ? "V"
                                                      : "",
                   (long long)n->ticket);
    json_object_set_new(ctx, "tag", json_string(buf));
    json_object_set_new(ctx, "ticket", json_integer(n->ticket));
    (void)snprintf(buf, sizeof(buf), "%s%s", tlp ? "TLP:" : "", tlp ? tlp : "");
    json_object_set_new(ctx, "tlp", json_string(buf));
    json_object_set_new(ctx, "tlp_sentence",
                        json_string(tlp ? hk_mail_tlp_sentence(tlp, n->lang) : ""));
    (void)snprintf(buf, sizeof(buf), "%s%s%s", n->rsit_class ? n->rsit_class : "",
                   n->rsit_class && n->rsit_type ? "/" : "", n->rsit_type ? n->rsit_type : "");
    if ((err = set_str(ctx, "class", buf, m)) || (err = set_str(ctx, "team", n->team_name, m)) ||
        (err = set_str(ctx, "team_tz", n->team_tz, m)) ||
        (err = set_str(ctx, "title", n->title, m)) ||
        (err = set_str(ctx, "summary", n->summary, m)) ||
        (err = set_str(ctx, "request", n->request, m)) ||
        (err = set_str(ctx, "their_reference", n->their_reference, m)) ||
        (err = set_str(ctx, "org", cfg ? cfg->org : NULL, m)) ||
        (err = set_str(ctx, "from", cfg ? cfg->from : NULL, m)))
        return err;
    json_object_set_new(ctx, "count", json_integer((json_int_t)n->nrows));
    json_object_set_new(ctx, "one", json_boolean(n->nrows == 1));
    return HK_OK;
}

hk_err hk_mail_notice_context(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                              json_t **out, struct hk_errmsg *m)
{
    json_t *ctx = json_object();
    GTimeZone *tz = hk_mail_tz_new(n->team_tz);
    int64_t first, last;
    hk_err err;

    *out = NULL;
    if (n->nrows > HK_MAIL_ROWS_MAX) {
        err = hk_errf(m, HK_ETOOBIG, "%zu addresses in one message (at most %d)", n->nrows,
                      HK_MAIL_ROWS_MAX);
        goto out;
    }
    if (n->nrows && !n->rows) {
        err = hk_errf(m, HK_EINVAL, "rows missing");
        goto out;
    }
    if ((err = scalars(n, cfg, ctx, m)))
        goto out;
    json_object_set_new(ctx, "has_local_time", json_boolean(tz != NULL));
    seen_range(n, &first, &last);
    set_times(ctx, "first_seen", first, tz);
    set_times(ctx, "last_seen", last == first ? 0 : last, tz);
    set_times(ctx, "reply_by", n->reply_by, tz);
    if ((err = inline_rows(n, tz, ctx, m)) || (err = attachments(n, ctx, m)))
        goto out;
    *out = ctx;
    ctx = NULL;
out:
    if (tz)
        g_time_zone_unref(tz);
    json_decref(ctx);
    return err;
}

hk_err hk_mail_template_load(const char *dir, const char *name, char **text, size_t *len,
                             struct hk_errmsg *m)
{
    *text = NULL;
    *len = 0;
    if (dir && *dir) {
        char path[4096];
        gchar *c = NULL;
        gsize n = 0;

        (void)snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
        if (g_file_get_contents(path, &c, &n, NULL)) {
            if (n > HK_MAIL_TPL_MAX) {
                g_free(c);
                return hk_errf(m, HK_ETOOBIG, "template '%s' is larger than %d bytes", path,
                               HK_MAIL_TPL_MAX);
            }
            *text = hk_xstrndup(c, n);
            *len = n;
            g_free(c);
            return HK_OK;
        }
    }
    for (const struct hk_embedded *e = hk_mail_templates; e->name; e++)
        if (!strcmp(e->name, name)) {
            *len = strlen(e->text);
            *text = hk_xstrndup(e->text, *len);
            return HK_OK;
        }
    return hk_errf(m, HK_ENOTFOUND, "no template '%s'", name);
}

/* Truncates a one-line subject to max bytes without cutting a UTF-8 sequence. */
static void subject_cap(struct hk_buf *s, size_t max)
{
    size_t n = s->len;

    if (n <= max)
        return;
    n = max;
    while (n > 0 && ((unsigned char)s->buf[n] & 0xc0) == 0x80)
        n--;
    s->len = n;
    s->buf[n] = '\0';
}

static const char *kind_name(enum hk_mail_kind k)
{
    return k == HK_MAIL_REMINDER        ? "reminder"
           : k == HK_MAIL_ACK           ? "ack"
           : k == HK_MAIL_WARNING       ? "warning"
           : k == HK_MAIL_VULN_REMINDER ? "vuln-reminder"
                                        : "notify";
}

hk_err hk_mail_notice_render(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                             struct hk_buf *subject, struct hk_buf *body, struct hk_errmsg *m)
{
    char name[32], tag[40], *text = NULL;
    const char *nl, *bstart;
    size_t len;
    json_t *ctx = NULL;
    hk_err err;

    (void)snprintf(name, sizeof(name), "%s-%s", kind_name(n->kind), hk_mail_lang(n->lang));
    if ((err = hk_mail_template_load(cfg ? cfg->template_dir : NULL, name, &text, &len, m)))
        return err;
    if (strncmp(text, "Subject:", 8) || !(nl = memchr(text, '\n', len))) {
        err = hk_errf(m, HK_EPARSE, "template '%s' does not start with a Subject: line", name);
        goto out;
    }
    bstart = nl + 1;
    if (bstart < text + len && *bstart == '\n')
        bstart++;
    if ((err = hk_mail_notice_context(n, cfg, &ctx, m)))
        goto out;
    if ((err = hk_mail_tpl_render(text + 8, (size_t)(nl - text - 8), ctx, HK_MAIL_TPL_LINE, subject,
                                  m)) ||
        (err = hk_mail_tpl_render(bstart, len - (size_t)(bstart - text), ctx, 0, body, m)))
        goto out;
    if (subject->buf) {
        g_strstrip(subject->buf);
        subject->len = strlen(subject->buf);
    }
    (void)snprintf(tag, sizeof(tag), "[hikeshi#%s%lld]",
                   n->kind == HK_MAIL_ACK             ? "R"
                   : n->kind == HK_MAIL_WARNING       ? "A"
                   : n->kind == HK_MAIL_VULN_REMINDER ? "V"
                                                      : "",
                   (long long)n->ticket);
    if (!strstr(hk_buf_str(subject), tag)) {
        /* The tag threads the reply; a template that forgot it still gets it. */
        char *old = hk_xstrdup(hk_buf_str(subject));

        hk_buf_reset(subject);
        err = hk_buf_appendf(subject, "%s %s", tag, old);
        free(old);
    }
    subject_cap(subject, 400);
out:
    json_decref(ctx);
    free(text);
    return err;
}
