/* SPDX-License-Identifier: MIT */
/*
 * The router: matches a request against the route table (routes.def), authenticates the
 * bearer token (or takes the CLI's local principal), checks the route's scope, parses the
 * JSON body strictly, runs the handler inside one transaction (write transaction for
 * anything but GET) and renders the answer or the error object. Also generates the
 * OpenAPI document and counts requests for /metrics from the same table.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_int.h"
#include "hikeshi/webui.h"

struct route {
    const char *method;
    const char *path;
    hk_err (*fn)(struct call *c);
    const char *name;
    enum hk_scope scope;
    enum hk_body body;
    const char *query;
    const char *summary;
};

static const struct route routes[] = {
#define ROUTE(m, p, h, s, b, q, d) {#m, p, api_##h, #h, S_##s, B_##b, q, d},
#include "api/routes.def"
#undef ROUTE
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static atomic_ullong hits[NROUTES];
static atomic_ullong status_class[6];
static atomic_ullong latency_us_total;

/* Matches one path against a pattern; fills {id}, {action} and {*} (the rest of the path,
 * any number of segments; only at the end of a pattern; ".." segments never match). */
static bool match(const char *pat, const char *path, struct call *c)
{
    while (*pat) {
        if (!strcmp(pat, "{*}")) {
            size_t n = strlen(path);
            if (n >= sizeof(c->rest) || strstr(path, "..") || strstr(path, "//"))
                return false;
            memcpy(c->rest, path, n + 1);
            return true;
        }
        if (!*path)
            break;
        if (*pat == '{') {
            const char *pe = strchr(pat, '}');
            size_t n = strcspn(path, "/");
            if (!pe || !n)
                return false;
            if (!strncmp(pat, "{id}", 4)) {
                int64_t v = 0;
                for (size_t i = 0; i < n; i++) {
                    if (path[i] < '0' || path[i] > '9' || v > (INT64_MAX - 9) / 10)
                        return false;
                    v = v * 10 + (path[i] - '0');
                }
                c->id = v;
            } else {
                if (n >= sizeof(c->action))
                    return false;
                memcpy(c->action, path, n);
                c->action[n] = '\0';
            }
            pat = pe + 1;
            path += n;
            continue;
        }
        if (*pat++ != *path++)
            return false;
    }
    return !*pat && !*path;
}

static const struct route *find(const struct hk_http_req *req, struct call *c, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < NROUTES; i++) {
        if (!match(routes[i].path, req->path, c))
            continue;
        /* The web UI's catch-all (last row) does not turn a known path's wrong method (405)
         * into a file lookup. */
        if (*path_known && !strcmp(routes[i].path, "/{*}"))
            break;
        *path_known = true;
        if (!strcmp(routes[i].method, req->method))
            return &routes[i];
    }
    return NULL;
}

static hk_err authenticate(const struct hk_config *cfg, struct hk_store *st,
                           const struct hk_http_req *req, struct hk_principal *who,
                           struct hk_errmsg *em)
{
    const char *a = req->authorization;
    struct hk_session sess;

    if (req->local) {
        *who = *req->local;
        return HK_OK;
    }
    /* The web UI's session cookie (with its CSRF check) when there is no bearer token. */
    if ((!a || strncasecmp(a, "Bearer ", 7)) && req->cookie)
        return hk_session_auth(st, cfg, req, who, &sess, em);
    if (!a || strncasecmp(a, "Bearer ", 7))
        return hk_errf(em, HK_EAUTH, "missing bearer token (Authorization: Bearer hk_...)");
    a += 7;
    while (*a == ' ')
        a++;
    if (hk_auth_token_cached(st, a, hk_now(), who))
        return hk_errf(em, HK_EAUTH, "invalid, expired or revoked token");
    return HK_OK;
}

static hk_err authorize(const struct route *r, const struct hk_principal *who, struct hk_errmsg *em)
{
    switch (r->scope) {
    case S_PUBLIC:
    case S_OPTIONAL:
    case S_ANY:
        return HK_OK;
    case S_READ:
        if (who->role != HK_ROLE_SENSOR)
            return HK_OK;
        break;
    case S_STAFF:
        if (who->role == HK_ROLE_ADMIN || who->role == HK_ROLE_HANDLER)
            return HK_OK;
        break;
    case S_ADMIN:
        if (who->role == HK_ROLE_ADMIN)
            return HK_OK;
        break;
    }
    return hk_errf(em, HK_EPERM, "role '%s' may not %s %s", hk_role_name(who->role), r->method,
                   r->path);
}

static hk_err parse_body(const struct route *r, const struct hk_http_req *req, struct call *c,
                         struct hk_errmsg *em)
{
    json_error_t je;

    if (r->body != B_JSON)
        return HK_OK;
    if (!req->body_len) {
        c->body = json_object();
        return HK_OK;
    }
    c->body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!c->body)
        return hk_errf(em, HK_EPARSE, "malformed JSON body at line %d column %d: %s", je.line,
                       je.column, je.text);
    if (!json_is_object(c->body))
        return hk_errf(em, HK_EINVAL, "request body must be a JSON object");
    return HK_OK;
}

static void error_body(struct hk_http_resp *resp, hk_err err, const char *msg)
{
    char fixed[sizeof(((struct hk_errmsg *)0)->text)];
    json_t *e;
    char *txt;

    /* Messages may echo what the client sent (a parameter name or value, cut at a length
     * that can split a character): JSON text must be UTF-8, so anything else is replaced. */
    (void)snprintf(fixed, sizeof(fixed), "%s", msg && *msg ? msg : hk_strerror(err));
    (void)hk_utf8_fix(fixed);
    e = json_pack("{s:{s:s, s:s}}", "error", "code", hk_err_code(err), "message", fixed);
    txt = e ? json_dumps(e, JSON_COMPACT) : NULL;

    resp->status = hk_err_http_status(err);
    resp->content_type = "application/json";
    hk_buf_reset(&resp->body);
    if (txt)
        (void)hk_buf_appends(&resp->body, txt);
    else
        (void)hk_buf_appendf(&resp->body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                             hk_err_code(err), hk_strerror(err));
    (void)hk_buf_appendc(&resp->body, '\n');
    free(txt);
    json_decref(e);
}

/* A query parameter the route does not take is an error, not silently ignored (a typo
 * such as ?stat=open must not return the unfiltered list). */
static hk_err check_params(const struct route *r, const struct hk_http_req *req,
                           struct hk_errmsg *em)
{
    for (size_t i = 0; i < req->nargs; i++) {
        const char *q = r->query, *k = req->args[i].key;
        size_t kn = strlen(k);
        bool ok = false;
        while (q && *q && !ok) {
            size_t n = strcspn(q, ",");
            ok = n == kn && !strncmp(q, k, n);
            q += n + (q[n] == ',');
        }
        if (!ok)
            return hk_errf(em, HK_EINVAL, "unknown query parameter '%.64s'%s%s", k,
                           *r->query ? "; this endpoint takes: " : "", r->query);
        /* A value that is not UTF-8 cannot be a JSON string: refused, not dropped (dropped,
         * ?cursor=%FF answered the first page). */
        if (req->args[i].value && !hk_utf8_valid(req->args[i].value))
            return hk_errf(em, HK_EINVAL, "query parameter '%.64s' is not valid UTF-8", k);
    }
    return HK_OK;
}

static void params_of(const struct hk_http_req *req, struct call *c)
{
    c->params = json_object();
    for (size_t i = 0; i < req->nargs; i++) {
        json_t *v = json_string(req->args[i].value);
        if (v)
            json_object_set_new(c->params, req->args[i].key, v);
    }
}

/* Runs the handler in one transaction; a failed commit is reported like any error. */
static hk_err run(const struct route *r, struct call *c)
{
    bool write = strcmp(r->method, "GET") != 0;
    hk_err err;

    /* Liveness, metrics and the OpenAPI document touch no data. */
    if (r->scope == S_PUBLIC || r->scope == S_OPTIONAL)
        return r->fn(c);
    if ((err = hk_ctx_begin(c->ctx, write)))
        return err;
    err = r->fn(c);
    if (err)
        hk_ctx_rollback(c->ctx);
    else
        err = hk_ctx_commit(c->ctx);
    return err;
}

static void answer(struct call *c, struct hk_http_resp *resp)
{
    char *txt;

    resp->status = c->status ? c->status : 200;
    if (c->raw_ct) {
        resp->content_type = c->raw_ct;
        return;
    }
    resp->content_type = "application/json";
    txt = json_dumps(c->out ? c->out : json_object(), JSON_COMPACT | JSON_REAL_PRECISION(15));
    (void)hk_buf_appends(&resp->body, txt ? txt : "{}");
    (void)hk_buf_appendc(&resp->body, '\n');
    free(txt);
}

void hk_api_handle(const struct hk_config *cfg, struct hk_store *st, const struct hk_http_req *req,
                   struct hk_http_resp *resp)
{
    struct call c;
    struct hk_ctx ctx;
    struct hk_principal who = {0, HK_ROLE_SENSOR, "anonymous", "", 0};
    struct hk_errmsg em = {{0}};
    const struct route *r;
    bool known;
    uint64_t t0 = hk_mono_ns();
    hk_err err;

    memset(&c, 0, sizeof(c));
    c.req = req;
    r = find(req, &c, &known);
    if (!r) {
        error_body(resp, known ? HK_EMETHOD : HK_ENOTFOUND,
                   known ? "method not allowed on this path" : "no such endpoint");
        atomic_fetch_add(&status_class[4], 1);
        return;
    }
    if (r->scope == S_OPTIONAL) {
        struct hk_principal caller;
        struct hk_errmsg ignored = {{0}};
        if ((req->local || req->authorization || req->cookie) &&
            !authenticate(cfg, st, req, &caller, &ignored))
            who = caller;
    } else if (r->scope != S_PUBLIC && (err = authenticate(cfg, st, req, &who, &em)))
        goto fail;
    if ((err = authorize(r, &who, &em)) || (err = check_params(r, req, &em)) ||
        (err = parse_body(r, req, &c, &em)))
        goto fail;
    params_of(req, &c);
    hk_ctx_init(&ctx, st, &who, cfg, &em);
    ctx.nested = req->in_group;
    c.ctx = &ctx;
    c.body_buf = &resp->body;
    c.headers = &resp->headers;
    c.raw_ct = NULL;
    err = run(r, &c);
    hk_ctx_release(&ctx);
    if (err)
        goto fail;
    if (r->name && !strcmp(r->name, "metrics")) {
        c.raw_ct = "text/plain; version=0.0.4";
        hk_api_metrics_text(&resp->body);
    }
    answer(&c, resp);
    goto done;
fail:
    error_body(resp, err, em.text);
done:
    atomic_fetch_add(&hits[r - routes], 1);
    atomic_fetch_add(&status_class[resp->status / 100 > 5 ? 5 : resp->status / 100], 1);
    atomic_fetch_add(&latency_us_total, (hk_mono_ns() - t0) / 1000);
    json_decref(c.body);
    json_decref(c.params);
    json_decref(c.out);
}

hk_err api_need_str(struct call *c, const char *key, const char **out)
{
    hk_err err = hk_json_str(c->ctx, c->body, key, 4096, out);

    if (!err && !*out)
        err = hk_errf(c->ctx->em, HK_EINVAL, "'%s' is required", key);
    return err;
}

void hk_api_metrics_text(struct hk_buf *out)
{
    (void)hk_buf_appends(out, "# HELP hikeshi_http_requests_total Requests answered, by route.\n"
                              "# TYPE hikeshi_http_requests_total counter\n");
    for (size_t i = 0; i < NROUTES; i++)
        (void)hk_buf_appendf(out, "hikeshi_http_requests_total{route=\"%s\"} %llu\n",
                             routes[i].name, (unsigned long long)atomic_load(&hits[i]));
    (void)hk_buf_appends(out, "# HELP hikeshi_http_responses_total Responses by status class.\n"
                              "# TYPE hikeshi_http_responses_total counter\n");
    for (int k = 1; k <= 5; k++)
        (void)hk_buf_appendf(out, "hikeshi_http_responses_total{class=\"%dxx\"} %llu\n", k,
                             (unsigned long long)atomic_load(&status_class[k]));
    (void)hk_buf_appendf(out,
                         "# HELP hikeshi_http_request_seconds_total Time spent answering.\n"
                         "# TYPE hikeshi_http_request_seconds_total counter\n"
                         "hikeshi_http_request_seconds_total %.6f\n",
                         (double)atomic_load(&latency_us_total) / 1e6);
}

static json_t *operation(const struct route *r)
{
    json_t *op =
        json_pack("{s:s, s:s, s:o}", "summary", r->summary, "operationId", r->name, "responses",
                  json_pack("{s:{s:s}, s:{s:s}}", "200", "description", "success", "default",
                            "description", "error: {\"error\":{\"code\",\"message\"}}"));
    json_t *params = json_array();
    const char *q = r->query;

    if (strstr(r->path, "{id}"))
        json_array_append_new(params,
                              json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "id", "in", "path",
                                        "required", 1, "schema", "type", "integer"));
    if (strstr(r->path, "{action}"))
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "action", "in",
                                                "path", "required", 1, "schema", "type", "string"));
    while (q && *q) {
        size_t n = strcspn(q, ",");
        json_array_append_new(params, json_pack("{s:s%, s:s, s:{s:s}}", "name", q, n, "in", "query",
                                                "schema", "type", "string"));
        q += n + (q[n] == ',');
    }
    json_object_set_new(op, "parameters", params);
    if (r->scope == S_PUBLIC)
        json_object_set_new(op, "security", json_array());
    else if (r->scope == S_OPTIONAL) /* anonymous, or a bearer token */
        json_object_set_new(op, "security", json_pack("[{}, {s:[]}]", "bearer"));
    if (r->body != B_NONE)
        json_object_set_new(
            op, "requestBody",
            json_pack("{s:{s:{s:{s:s}}}}", "content",
                      r->body == B_JSON ? "application/json" : "application/x-ndjson", "schema",
                      "type", r->body == B_JSON ? "object" : "string"));
    json_object_set_new(op, "x-hikeshi-scope",
                        json_string((const char *[]){"public", "optional", "any", "read", "staff",
                                                     "admin"}[r->scope]));
    return op;
}

json_t *hk_api_openapi(void)
{
    json_t *paths = json_object();

    for (size_t i = 0; i < NROUTES; i++) {
        char m[16];
        json_t *p = json_object_get(paths, routes[i].path);
        size_t k;
        if (!p) {
            p = json_object();
            json_object_set_new(paths, routes[i].path, p);
        }
        for (k = 0; routes[i].method[k] && k < sizeof(m) - 1; k++)
            m[k] = (char)(routes[i].method[k] | 0x20);
        m[k] = '\0';
        json_object_set_new(p, m, operation(&routes[i]));
    }
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s}}}, s:[{s:[]}]}", "openapi",
                     "3.0.3", "info", "title", "hikeshi API", "version", "1", "description",
                     "CSIRT incident handling: reports, incidents, investigations", "paths", paths,
                     "components", "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
                     "security", "bearer");
}

void hk_api_routes_text(struct hk_buf *out)
{
    for (size_t i = 0; i < NROUTES; i++)
        (void)hk_buf_appendf(out, "  %-6s %-44s %s\n", routes[i].method, routes[i].path,
                             routes[i].summary);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes p[0..n) into out; returns the decoded length or -1. */
static long decode(const char *p, size_t n, char *out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == '+') {
            out[k++] = ' ';
        } else if (p[i] == '%') {
            int h, l;
            if (i + 2 >= n || (h = hexval(p[i + 1])) < 0 || (l = hexval(p[i + 2])) < 0)
                return -1;
            out[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[k++] = p[i];
        }
    }
    return (long)k;
}

hk_err hk_http_query_parse(const char *qs, size_t len, struct hk_http_req *req, char *scratch,
                           size_t scratch_len)
{
    const char *p = qs, *end = qs + len;
    size_t used = 0;

    req->nargs = 0;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *seg_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(seg_end - p));
        const char *kend = eq ? eq : seg_end;
        const char *v = eq ? eq + 1 : seg_end;
        long kn, vn;
        if (seg_end > p) {
            if (req->nargs >= HK_HTTP_MAX_ARGS)
                return HK_ETOOBIG;
            if (used + (size_t)(seg_end - p) + 2 > scratch_len)
                return HK_ETOOBIG;
            kn = decode(p, (size_t)(kend - p), scratch + used);
            if (kn < 0)
                return HK_EPARSE;
            scratch[used + (size_t)kn] = '\0';
            req->args[req->nargs].key = scratch + used;
            used += (size_t)kn + 1;
            vn = decode(v, (size_t)(seg_end - v), scratch + used);
            if (vn < 0)
                return HK_EPARSE;
            scratch[used + (size_t)vn] = '\0';
            req->args[req->nargs].value = scratch + used;
            used += (size_t)vn + 1;
            req->nargs++;
        }
        p = seg_end + (amp ? 1 : 0);
    }
    return HK_OK;
}
