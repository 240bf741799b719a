/* SPDX-License-Identifier: MIT */
/*
 * SMTP submission through a configured relay with libcurl (RFC 5321: MAIL FROM, RCPT TO,
 * DATA; curl does the dot-stuffing of §4.5.2). A session keeps one easy handle, so
 * consecutive messages to the same relay reuse its connection: a batch of notices costs
 * one TCP (and TLS) handshake, not one per team. The relay's last reply line is captured
 * from curl's header callback (curl hands SMTP server responses to it) and returned with
 * the code, so the caller can record "250 2.0.0 Ok: queued as 4F2..." on the investigation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "hikeshi/mail.h"
#include "mail/out_int.h"

struct hk_mail_smtp {
    CURL *h;
    char *url, *user, *pass;
    bool starttls, insecure;
    long timeout_s;
    char errbuf[CURL_ERROR_SIZE];
    char last[256]; /* the last reply line the relay sent */
};

struct reader {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t nmemb, void *data)
{
    struct reader *r = data;
    size_t n = size * nmemb < r->left ? size * nmemb : r->left;

    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

static size_t on_reply(char *p, size_t size, size_t nmemb, void *data)
{
    struct hk_mail_smtp *s = data;
    size_t n = size * nmemb, k = n;

    while (k > 0 && (p[k - 1] == '\r' || p[k - 1] == '\n'))
        k--;
    if (k > 0) {
        if (k >= sizeof(s->last))
            k = sizeof(s->last) - 1;
        memcpy(s->last, p, k);
        s->last[k] = '\0';
    }
    return n;
}

static char *dup_or_null(const char *s)
{
    return s ? hk_xstrdup(s) : NULL;
}

hk_err hk_mail_smtp_new(const struct hk_mail_config *cfg, struct hk_mail_smtp **out)
{
    struct hk_mail_smtp *s;

    *out = NULL;
    if (!cfg->smtp_url ||
        (strncmp(cfg->smtp_url, "smtp://", 7) && strncmp(cfg->smtp_url, "smtps://", 8)))
        return HK_EINVAL;
    s = hk_xcalloc(1, sizeof(*s));
    if (!(s->h = curl_easy_init())) {
        free(s);
        return HK_ENOMEM;
    }
    s->url = hk_xstrdup(cfg->smtp_url);
    s->user = dup_or_null(cfg->smtp_user);
    s->pass = dup_or_null(cfg->smtp_pass);
    s->starttls = cfg->smtp_starttls;
    s->insecure = cfg->smtp_insecure;
    s->timeout_s = cfg->smtp_timeout_s > 0 ? cfg->smtp_timeout_s : 60;
    *out = s;
    return HK_OK;
}

void hk_mail_smtp_free(struct hk_mail_smtp *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->h);
    free(s->url);
    free(s->user);
    free(s->pass);
    free(s);
}

static void options(struct hk_mail_smtp *s, struct reader *rd, const struct hk_mail_msg *msg,
                    struct curl_slist *rcpt, const char *from)
{
    CURL *h = s->h;

    curl_easy_setopt(h, CURLOPT_URL, s->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, s->timeout_s < 15 ? s->timeout_s : 15L);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, rd);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_reply);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    if (s->starttls)
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (s->insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (s->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, s->pass ? s->pass : "");
    }
}

/* "<addr>" for MAIL FROM / RCPT TO; NULL if the address could smuggle a command. */
static char *angle(const char *a)
{
    size_t n = strlen(a);
    char *o;

    if (n == 0 || n > 320 || strpbrk(a, "<>\r\n "))
        return NULL;
    o = hk_xmalloc(n + 3);
    o[0] = '<';
    memcpy(o + 1, a, n);
    o[n + 1] = '>';
    o[n + 2] = '\0';
    return o;
}

hk_err hk_mail_smtp_send(struct hk_mail_smtp *s, const struct hk_mail_msg *msg,
                         struct hk_mail_result *res, struct hk_errmsg *m)
{
    struct reader rd = {msg->raw, msg->len};
    struct curl_slist *rcpt = NULL;
    char *from = NULL;
    CURLcode rc;
    long code = 0;
    hk_err err = HK_OK;

    memset(res, 0, sizeof(*res));
    (void)snprintf(res->message_id, sizeof(res->message_id), "%s", msg->message_id);
    if (!msg->raw || !msg->env_from || !msg->env_rcpt || !msg->env_rcpt[0])
        return hk_errf(m, HK_EINVAL, "message has no envelope");
    if (!(from = angle(msg->env_from))) {
        err = hk_errf(m, HK_EINVAL, "bad sender address '%.80s'", msg->env_from);
        goto out;
    }
    for (size_t i = 0; msg->env_rcpt[i]; i++) {
        char *a = angle(msg->env_rcpt[i]);

        if (!a) {
            err = hk_errf(m, HK_EINVAL, "bad recipient address '%.80s'", msg->env_rcpt[i]);
            goto out;
        }
        rcpt = curl_slist_append(rcpt, a);
        free(a);
    }
    s->errbuf[0] = s->last[0] = '\0';
    options(s, &rd, msg, rcpt, from);
    rc = curl_easy_perform(s->h);
    (void)curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    res->smtp_code = code;
    (void)snprintf(res->smtp_text, sizeof(res->smtp_text), "%s",
                   rc == CURLE_OK || s->last[0] ? s->last
                   : s->errbuf[0]               ? s->errbuf
                                                : curl_easy_strerror(rc));
    if (rc != CURLE_OK) {
        err = hk_errf(m, HK_ENET, "smtp %s: %s%s%s%s", s->url,
                      s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc), s->last[0] ? " (" : "",
                      s->last, s->last[0] ? ")" : "");
        goto out;
    }
    res->sent_at = hk_now();
out:
    curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    free(from);
    return err;
}

hk_err hk_mail_notice_send(const struct hk_mail_config *cfg, struct hk_mail_smtp *s,
                           const struct hk_mail_recipient *r, const struct hk_mail_notice *n,
                           struct hk_mail_result *res, struct hk_errmsg *m)
{
    struct hk_mail_smtp *own = NULL;
    struct hk_mail_msg msg;
    hk_err err;

    memset(res, 0, sizeof(*res));
    if ((err = hk_mail_notice_build(cfg, r, n, &msg, m)))
        return err;
    if (!s && (err = hk_mail_smtp_new(cfg, &own))) {
        err = hk_errf(m, err, "no usable smtp url '%.80s'", cfg->smtp_url ? cfg->smtp_url : "");
        goto out;
    }
    err = hk_mail_smtp_send(s ? s : own, &msg, res, m);
out:
    hk_mail_msg_release(&msg);
    hk_mail_smtp_free(own);
    return err;
}
