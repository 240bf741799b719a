/* SPDX-License-Identifier: MIT */
/*
 * Web UI endpoints: the embedded static files (GET /{*}, with ETag and 304), browser
 * sessions (POST/GET/DELETE /api/v1/session), the dashboard and statistics (series,
 * summary, SVG chart; JSON or CSV).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "hikeshi/webui.h"

/* ---- static files ---- */

const struct hk_web_file *hk_web_find(const char *path)
{
    if (!path || !strcmp(path, "/") || !*path)
        path = "/index.html";
    for (const struct hk_web_file *f = hk_web_files; f->path; f++)
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}

const char *hk_web_content_type(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(dot, map[i][0]))
            return map[i][1];
    return "application/octet-stream";
}

/* True when an If-None-Match header names etag (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
    size_t n = strlen(etag);

    if (!inm)
        return false;
    if (!strcmp(inm, "*"))
        return true;
    for (const char *p = inm; (p = strstr(p, etag)); p += n)
        if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return true;
    return false;
}

hk_err api_static_file(struct call *c)
{
    char path[520];
    const struct hk_web_file *f;

    (void)snprintf(path, sizeof(path), "/%s", c->rest);
    f = hk_web_find(path);
    if (!f)
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no such endpoint");
    c->raw_ct = hk_web_content_type(f->path);
    (void)hk_buf_appendf(c->headers, "ETag: %s\nCache-Control: no-cache\n", f->etag);
    if (etag_matches(c->req->if_none_match, f->etag)) {
        c->status = 304;
        return HK_OK;
    }
    return hk_buf_append(c->body_buf, f->data, f->size);
}

/* ---- sessions ---- */

static void set_cookie(struct call *c, const char *secret, int64_t max_age)
{
    /* Secure only on request (serve --secure-cookies): the listener itself is plain HTTP on
     * loopback, and a browser would drop a Secure cookie sent over plain HTTP to another
     * host; behind a TLS proxy the flag keeps the cookie off any plain-HTTP request. */
    (void)hk_buf_appendf(c->headers,
                         "Set-Cookie: " HK_SESSION_COOKIE
                         "=%s; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=%lld\n",
                         secret, c->ctx->cfg->cookie_secure ? "; Secure" : "", (long long)max_age);
}

/* A handler-written error (for statuses the error table has no code for, e.g. 429). */
static void raw_error(struct call *c, int status, const char *code, const char *msg)
{
    json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
    char *txt = json_dumps(e, JSON_COMPACT);

    c->status = status;
    c->raw_ct = "application/json";
    (void)hk_buf_appends(c->body_buf, txt ? txt : "{}");
    (void)hk_buf_appendc(c->body_buf, '\n');
    free(txt);
    json_decref(e);
}

hk_err api_session_create(struct call *c)
{
    static const char *const allowed[] = {"user", "password", NULL};
    const char *user = NULL, *pw = NULL;
    char secret[64];
    int64_t wait = 0;
    json_t *out = NULL;
    hk_err err;

    /* A public route: the router opened no transaction, so this handler brackets its
     * own, and commits a failed attempt too (its audit entry must stay). */
    if ((err = hk_json_only(c->ctx, c->body, allowed)) ||
        (err = hk_json_str(c->ctx, c->body, "user", 64, &user)) ||
        (err = hk_json_str(c->ctx, c->body, "password", 1024, &pw)))
        return err;
    if ((err = hk_ctx_begin(c->ctx, true)))
        return err;
    err = hk_session_signin(c->ctx, user, pw, c->req->remote_addr, secret, &out, &wait);
    if (err == HK_EAGAIN) {
        hk_ctx_rollback(c->ctx);
        (void)hk_buf_appendf(c->headers, "Retry-After: %lld\n", (long long)wait);
        raw_error(c, 429, "HK_ERATELIMIT", c->ctx->em->text);
        return HK_OK;
    }
    if (err && err != HK_EAUTH) {
        hk_ctx_rollback(c->ctx);
        return err;
    }
    {
        hk_err cerr = hk_ctx_commit(c->ctx);
        if (cerr) {
            json_decref(out);
            return cerr;
        }
    }
    if (err)
        return err;
    set_cookie(c, secret, c->ctx->cfg->session_lifetime);
    c->out = out;
    c->status = 201;
    return HK_OK;
}

hk_err api_session_get(struct call *c)
{
    struct hk_principal who;
    struct hk_session s;
    hk_err err;

    if (!c->req->cookie || c->req->local)
        return hk_errf(c->ctx->em, HK_EAUTH, "no session cookie (this call uses a token)");
    if ((err = hk_session_auth(c->ctx->st, c->ctx->cfg, c->req, &who, &s, c->ctx->em)))
        return err;
    c->out = hk_session_json(&who, &s, c->ctx->cfg);
    return HK_OK;
}

hk_err api_session_delete(struct call *c)
{
    struct hk_principal who;
    struct hk_session s;
    hk_err err;

    if (!c->req->cookie || c->req->local)
        return hk_errf(c->ctx->em, HK_EAUTH, "no session cookie (this call uses a token)");
    if ((err = hk_session_auth(c->ctx->st, c->ctx->cfg, c->req, &who, &s, c->ctx->em)) ||
        (err = hk_session_signout(c->ctx, &s)))
        return err;
    set_cookie(c, "", 0);
    c->status = 204;
    c->raw_ct = "application/json";
    return HK_OK;
}

/* ---- dashboard and statistics ---- */

static const char *param(struct call *c, const char *k)
{
    return json_string_value(json_object_get(c->params, k));
}

static hk_err want_csv(struct call *c, bool *csv)
{
    const char *f = param(c, "format");

    *csv = f && !strcmp(f, "csv");
    if (f && !*csv && strcmp(f, "json"))
        return hk_errf(c->ctx->em, HK_EINVAL, "format must be json or csv");
    return HK_OK;
}

hk_err api_dashboard(struct call *c)
{
    return hk_dashboard(c->ctx, &c->out);
}

static hk_err series_of(struct call *c, json_t **out)
{
    struct hk_stats_query q;
    hk_err err = hk_stats_query_parse(&q, param(c, "object"), param(c, "by"), param(c, "group"),
                                      param(c, "from"), param(c, "to"), c->ctx->em);

    return err ? err : hk_stats_series(c->ctx, &q, out);
}

hk_err api_stats_series(struct call *c)
{
    json_t *s = NULL;
    bool csv;
    hk_err err;

    if ((err = want_csv(c, &csv)) || (err = series_of(c, &s)))
        return err;
    if (!csv) {
        c->out = s;
        return HK_OK;
    }
    hk_stats_series_csv(s, c->body_buf);
    json_decref(s);
    c->raw_ct = "text/csv; charset=utf-8";
    return HK_OK;
}

/*
 * The summary reads every incident of the range (mean, median, SLA), which is the one
 * figure the counters cannot give. The server keeps the last answer per thread while
 * nothing was committed since (SQLite data_version) and for at most 5 s (the SLA's
 * "breached" count moves with time), so a dashboard refreshed by many browsers costs one
 * scan per change, not one per request. The answer depends on who asks (TLP hides
 * incidents and reports from handlers, stats_hidden.c), so each answer is kept for one
 * viewer: the admin role (everything) or one user (a user's team changes only with a
 * commit). A few slots per thread, the oldest reused, so handlers refreshing in turn do not
 * evict each other's answers.
 */
#define SCACHE_SLOTS 4
struct summary_slot {
    uint64_t data_version;
    uint64_t filled_ns;
    int64_t from, to;
    int64_t viewer; /* whose answer: -1 admin (everything), else the user's id (TLP) */
    json_t *value;
};
struct summary_cache {
    struct summary_slot s[SCACHE_SLOTS];
};
static pthread_key_t scache_key;
static pthread_once_t scache_once = PTHREAD_ONCE_INIT;

/* Runs when a server thread ends: the cached answer goes with it. */
static void scache_free(void *p)
{
    struct summary_cache *c = p;

    for (int i = 0; i < SCACHE_SLOTS; i++)
        json_decref(c->s[i].value);
    free(c);
}

static void scache_init(void)
{
    (void)pthread_key_create(&scache_key, scache_free);
}

/* This thread's cache (created on first use). */
static struct summary_cache *scache_get(void)
{
    struct summary_cache *c;

    (void)pthread_once(&scache_once, scache_init);
    c = pthread_getspecific(scache_key);
    if (!c) {
        c = hk_xcalloc(1, sizeof(*c));
        (void)pthread_setspecific(scache_key, c);
    }
    return c;
}

hk_err api_stats_summary(struct call *c)
{
    int64_t from = 0, to = 0;
    const char *f = param(c, "from"), *t = param(c, "to");
    uint64_t dv, now_ns = hk_mono_ns();
    int64_t viewer = c->ctx->who.role == HK_ROLE_ADMIN ? -1 : c->ctx->who.user_id;
    struct summary_cache *sc;
    struct summary_slot *hit = NULL, *old = NULL;
    json_t *s = NULL;
    bool csv;
    hk_err err;

    if ((err = want_csv(c, &csv)))
        return err;
    if (f && *f && hk_time_parse(f, &from))
        return hk_errf(c->ctx->em, HK_EINVAL, "from: not a date or time");
    if (t && *t && hk_time_parse(t, &to))
        return hk_errf(c->ctx->em, HK_EINVAL, "to: not a date or time");
    dv = c->ctx->st->ops->data_version(c->ctx->st);
    sc = c->req->local ? NULL : scache_get();
    for (int i = 0; sc && i < SCACHE_SLOTS; i++) {
        struct summary_slot *x = &sc->s[i];
        if (x->value && dv && x->data_version == dv && x->from == from && x->to == to &&
            x->viewer == viewer && now_ns - x->filled_ns < 5000000000ull)
            hit = x;
        if (!old || !x->value || (old->value && x->filled_ns < old->filled_ns))
            old = x;
    }
    if (hit) {
        s = json_incref(hit->value);
    } else {
        if ((err = hk_stats_summary(c->ctx, from, to, &s)))
            return err;
        if (old) {
            json_decref(old->value);
            old->value = json_incref(s);
            old->data_version = dv;
            old->filled_ns = now_ns;
            old->from = from;
            old->to = to;
            old->viewer = viewer;
        }
    }
    if (!csv) {
        c->out = s;
        return HK_OK;
    }
    hk_stats_summary_csv(s, c->body_buf);
    json_decref(s);
    c->raw_ct = "text/csv; charset=utf-8";
    return HK_OK;
}

hk_err api_stats_chart(struct call *c)
{
    struct hk_chart_opts o = {param(c, "type"), param(c, "lang"), param(c, "title")};
    json_t *s = NULL;
    hk_err err;

    if ((err = series_of(c, &s)))
        return err;
    err = hk_stats_svg(s, &o, c->body_buf, c->ctx->em);
    json_decref(s);
    if (!err)
        c->raw_ct = "image/svg+xml";
    return err;
}
