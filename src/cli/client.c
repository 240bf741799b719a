/* SPDX-License-Identifier: MIT */
/*
 * How the CLI talks to hikeshi: in local mode every request goes through the same router
 * as the server (hk_api_handle) with the local operator as principal, so there is one
 * authorisation and validation path; in remote mode (--server URL or HIKESHI_URL) the
 * request goes over HTTP with libcurl and a bearer token. Answers are printed as JSON
 * (--json) or as readable text.
 */
#include <curl/curl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

const char *arg_get(const struct args *a, const char *k)
{
    for (int i = a->nkv - 1; i >= 0; i--)
        if (!strcmp(a->kv[i].k, k))
            return a->kv[i].v;
    return NULL;
}

bool arg_has(const struct args *a, const char *k)
{
    for (int i = 0; i < a->nkv; i++)
        if (!strcmp(a->kv[i].k, k))
            return true;
    return false;
}

int cli_fail(hk_err err, const char *fmt, ...)
{
    va_list ap;

    (void)fputs("hikeshi: ", stderr);
    va_start(ap, fmt);
    (void)vfprintf(stderr, fmt, ap);
    va_end(ap);
    (void)fputc('\n', stderr);
    return hk_err_exit_code(err) ? hk_err_exit_code(err) : 1;
}

int cli_store(struct cli *c, struct hk_store **st)
{
    struct hk_errmsg em = {{0}};
    struct passwd *pw;
    hk_err err;

    if (!c->st) {
        struct stat sb;
        if (!c->may_create && stat(c->data, &sb))
            return cli_fail(HK_ENOTFOUND,
                            "data directory '%s' does not exist (create it with 'hikeshi "
                            "--data %s init', or use --server)",
                            c->data, c->data);
        err = hk_store_open(c->data, &c->st, &em);
        if (err)
            return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
        pw = getpwuid(getuid());
        c->local.user_id = 0;
        c->local.role = HK_ROLE_ADMIN;
        (void)snprintf(c->local.name, sizeof(c->local.name), "local:%s",
                       pw ? pw->pw_name : "operator");
    }
    *st = c->st;
    return 0;
}

/* Maps an answer's error code string back to our exit code. */
static int exit_of(json_t *ans, int status)
{
    const char *code = json_string_value(json_object_get(json_object_get(ans, "error"), "code"));

    for (int e = 0; code && e < HK_ERR__COUNT; e++)
        if (!strcmp(hk_err_code((hk_err)e), code))
            return hk_err_exit_code((hk_err)e);
    return status >= 500 ? 74 : 1;
}

static int report_error(json_t *ans, int status)
{
    const char *msg = json_string_value(json_object_get(json_object_get(ans, "error"), "message"));

    (void)fprintf(stderr, "hikeshi: %s\n", msg ? msg : "request failed");
    return exit_of(ans, status);
}

static int local_call(struct cli *c, const char *method, const char *path, json_t *query,
                      const char *body, size_t len, json_t **out)
{
    struct hk_http_req req;
    struct hk_http_resp resp = {0, NULL, HK_BUF_INIT(HK_BUF_UNBOUNDED), HK_BUF_INIT(65536)};
    struct hk_store *st;
    const char *k;
    json_t *v;
    int rc = cli_store(c, &st);

    if (rc)
        return rc;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = len;
    req.local = &c->local;
    json_object_foreach(query, k, v)
    {
        if (req.nargs < HK_HTTP_MAX_ARGS && json_is_string(v)) {
            req.args[req.nargs].key = k;
            req.args[req.nargs++].value = json_string_value(v);
        }
    }
    hk_api_handle(&c->cfg, st, &req, &resp);
    *out = json_loadb(hk_buf_str(&resp.body), resp.body.len, 0, NULL);
    if (!*out)
        *out = json_pack("{s:s%}", "text", hk_buf_str(&resp.body), resp.body.len);
    rc = resp.status >= 400 ? report_error(*out, resp.status) : 0;
    hk_buf_release(&resp.body);
    hk_buf_release(&resp.headers);
    return rc;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    return hk_buf_append(arg, p, size * n) ? 0 : size * n;
}

static int remote_call(struct cli *c, const char *method, const char *path, json_t *query,
                       const char *body, size_t len, json_t **out)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    struct hk_buf url = HK_BUF_INIT(1 << 16), got = HK_BUF_INIT(256u << 20),
                  auth = HK_BUF_INIT(512);
    const char *k;
    json_t *v;
    char sep = '?';
    long status = 0;
    CURLcode cc;
    int rc = 0;

    (void)hk_buf_appendf(&url, "%s%s", c->server, path);
    json_object_foreach(query, k, v)
    {
        char *ek = curl_easy_escape(h, k, 0), *ev = curl_easy_escape(h, json_string_value(v), 0);
        (void)hk_buf_appendf(&url, "%c%s=%s", sep, ek, ev);
        curl_free(ek);
        curl_free(ev);
        sep = '&';
    }
    if (c->token) {
        (void)hk_buf_appendf(&auth, "Authorization: Bearer %s", c->token);
        hdr = curl_slist_append(hdr, auth.buf);
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url.buf);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 600L);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        rc = cli_fail(HK_ENET, "cannot reach '%s': %s", c->server, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    *out = json_loadb(hk_buf_str(&got), got.len, 0, NULL);
    if (!*out)
        *out = json_pack("{s:s%}", "text", hk_buf_str(&got), got.len);
    if (status >= 400)
        rc = report_error(*out, (int)status);
out:
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    hk_buf_release(&url);
    hk_buf_release(&got);
    hk_buf_release(&auth);
    return rc;
}

int cli_call_raw(struct cli *c, const char *method, const char *path, const char *body, size_t len,
                 json_t **out)
{
    *out = NULL;
    return c->server ? remote_call(c, method, path, NULL, body, len, out)
                     : local_call(c, method, path, NULL, body, len, out);
}

int cli_call(struct cli *c, const char *method, const char *path, json_t *query, json_t *body,
             json_t **out)
{
    char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
    int rc;

    *out = NULL;
    rc = c->server ? remote_call(c, method, path, query, txt, txt ? strlen(txt) : 0, out)
                   : local_call(c, method, path, query, txt, txt ? strlen(txt) : 0, out);
    free(txt);
    return rc;
}

/* ---- human-readable output ---- */

static void scalar(json_t *v, FILE *f)
{
    if (json_is_string(v))
        (void)fputs(json_string_value(v), f);
    else if (json_is_integer(v))
        (void)fprintf(f, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        (void)fprintf(f, "%g", json_real_value(v));
    else if (json_is_true(v))
        (void)fputs("yes", f);
    else if (json_is_false(v))
        (void)fputs("no", f);
    else if (json_is_null(v))
        (void)fputs("-", f);
    else {
        char *t = json_dumps(v, JSON_COMPACT);
        (void)fputs(t ? t : "", f);
        free(t);
    }
}

/* The columns shown for a row in a table: the first of these present, in order. */
static const char *const row_cols[] = {
    "id",   "type", "state",       "severity",    "tlp",        "direction", "party",
    "kind", "role", "team",        "title",       "subject",    "value",     "name",
    "user", "body", "description", "received_at", "created_at", NULL};

static void print_row(json_t *r, FILE *f)
{
    int first = 1;

    if (!json_is_object(r)) {
        (void)fputs("  ", f);
        scalar(r, f);
        (void)fputc('\n', f);
        return;
    }
    for (int i = 0; row_cols[i]; i++) {
        json_t *v = json_object_get(r, row_cols[i]);
        if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
            continue;
        (void)fputs(first ? "  " : "  ", f);
        if (!strcmp(row_cols[i], "id"))
            (void)fputc('#', f);
        if (json_is_string(v) && json_string_length(v) > 60)
            (void)fprintf(f, "%.57s...", json_string_value(v));
        else
            scalar(v, f);
        first = 0;
    }
    (void)fputc('\n', f);
}

static void print_value(json_t *v, FILE *f)
{
    const char *k;
    json_t *x;

    if (json_is_array(v)) {
        size_t i;
        json_array_foreach(v, i, x) print_row(x, f);
        if (!json_array_size(v))
            (void)fputs("  (none)\n", f);
        return;
    }
    if (!json_is_object(v)) {
        scalar(v, f);
        (void)fputc('\n', f);
        return;
    }
    json_object_foreach(v, k, x)
    {
        if (json_is_array(x) && (json_array_size(x) == 0 || json_is_object(json_array_get(x, 0)))) {
            continue;
        }
        if (json_is_object(x) || (json_is_string(x) && strchr(json_string_value(x), '\n')))
            continue;
        (void)fprintf(f, "%-18s ", k);
        scalar(x, f);
        (void)fputc('\n', f);
    }
    json_object_foreach(v, k, x)
    {
        if (json_is_string(x) && strchr(json_string_value(x), '\n'))
            (void)fprintf(f, "%s:\n%s\n", k, json_string_value(x));
        else if (json_is_object(x)) {
            (void)fprintf(f, "%s:\n", k);
            print_value(x, f);
        }
    }
    json_object_foreach(v, k, x)
    {
        if (json_is_array(x) && (json_array_size(x) == 0 || json_is_object(json_array_get(x, 0)))) {
            (void)fprintf(f, "%s (%zu):\n", k, json_array_size(x));
            print_value(x, f);
        }
    }
}

void cli_print(struct cli *c, json_t *v)
{
    if (!v)
        return;
    if (c->json) {
        char *t = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        (void)puts(t ? t : "null");
        free(t);
        return;
    }
    print_value(v, stdout);
}
