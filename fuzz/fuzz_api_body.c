/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the API's request-body validation: the first byte picks a write
 * route (report submit, incident create and update, triage, investigations, users,
 * tokens, tasks, ...), the rest is the request body, and the request goes through
 * hk_api_handle in-process as the local admin, as the CLI does in local mode. Checks the
 * router's contract: the status is one a validation path may give (never 5xx), the
 * answer is one JSON object, an error answer carries {"error":{"code":"HK_...",
 * "message":"..."}} and a success answer carries no "error".
 * One SQLite store is opened once in a directory made with mkdtemp and seeded with a
 * report, two incidents, an investigation, a task and a countermeasure so routes that
 * take an id reach their validation; every RESET_EVERY inputs it is deleted and made
 * again so it cannot grow without bound. The directory is removed at exit.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hikeshi/http.h"

#define RESET_EVERY 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct route {
    const char *method;
    const char *path;
};

static const struct route routes[] = {
    {"POST", "/api/v1/reports"},
    {"POST", "/api/v1/incidents"},
    {"PATCH", "/api/v1/incidents/1"},
    {"POST", "/api/v1/reports/1/triage"},
    {"POST", "/api/v1/incidents/1/investigations"},
    {"POST", "/api/v1/users"},
    {"POST", "/api/v1/tokens"},
    {"POST", "/api/v1/incidents/1/tasks"},
    {"POST", "/api/v1/incidents/1/countermeasures"},
    {"PATCH", "/api/v1/tasks/1"},
    {"POST", "/api/v1/investigations/1/messages"},
    {"POST", "/api/v1/investigations/1/state"},
    {"POST", "/api/v1/reports/1/state"},
    {"POST", "/api/v1/reports/1/link"},
    {"POST", "/api/v1/incidents/1/merge"},
    {"POST", "/api/v1/incidents/1/split"},
    {"POST", "/api/v1/incidents/1/members"},
    {"POST", "/api/v1/incidents/1/resolve"},
    {"POST", "/api/v1/incidents/2/reopen"},
    {"POST", "/api/v1/countermeasures/1/state"},
    {"POST", "/api/v1/reports/import"},
    {"POST", "/api/v1/incidents/2/bogus-action"},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static char dir[64];
static struct hk_store *st;
static struct hk_config cfg;
static const struct hk_principal admin = {0, HK_ROLE_ADMIN, "local:fuzz", ""};
static unsigned long runs;
static int verbose;

static void die(const char *what, const char *detail)
{
    (void)fprintf(stderr, "fuzz_api_body: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* Sends one request; resp.body is left for the caller to check and release. */
static void call(const char *method, const char *path, const char *body, size_t len,
                 struct hk_http_resp *resp)
{
    struct hk_http_req req;

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = len;
    req.local = &admin;
    resp->status = 0;
    resp->content_type = NULL;
    hk_buf_init(&resp->body, HK_BUF_UNBOUNDED);
    hk_api_handle(&cfg, st, &req, resp);
}

static void seed_one(const char *method, const char *path, const char *body)
{
    struct hk_http_resp resp;

    call(method, path, body, strlen(body), &resp);
    if (resp.status != 200 && resp.status != 201)
        die(path, hk_buf_str(&resp.body));
    hk_buf_release(&resp.body);
}

static void remove_dir(void)
{
    DIR *d;
    struct dirent *e;
    char path[512];

    if (!dir[0] || !(d = opendir(dir)))
        return;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        (void)unlink(path);
    }
    closedir(d);
    (void)rmdir(dir);
    dir[0] = '\0';
}

static void close_all(void)
{
    hk_store_close(st);
    st = NULL;
    remove_dir();
}

static void open_store(void)
{
    struct hk_errmsg em = {{0}};
    char secret[80];
    bool created = false;

    (void)snprintf(dir, sizeof(dir), "/tmp/hk_fuzz_api.XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp", dir);
    if (hk_store_open(dir, &st, &em) != HK_OK)
        die("hk_store_open", em.text);
    if (hk_bootstrap(st, secret, &created) != HK_OK || !created)
        die("hk_bootstrap", dir);
    seed_one("POST", "/api/v1/reports", "{\"content\":\"phish at 198.51.100.7 evil.example\"}");
    seed_one("POST", "/api/v1/reports/1/triage", "{\"title\":\"seed\",\"severity\":\"high\"}");
    seed_one("POST", "/api/v1/incidents", "{\"title\":\"second\",\"severity\":\"low\"}");
    seed_one("POST", "/api/v1/incidents/2/abandon", "{}");
    seed_one("POST", "/api/v1/reports", "{\"content\":\"again 198.51.100.7\"}");
    seed_one("POST", "/api/v1/incidents/1/investigations", "{\"party\":\"abuse@example.net\"}");
    seed_one("POST", "/api/v1/incidents/1/tasks", "{\"title\":\"block\"}");
    seed_one("POST", "/api/v1/incidents/1/countermeasures", "{\"kind\":\"block\"}");
    seed_one("POST", "/api/v1/users", "{\"name\":\"alice\",\"role\":\"handler\"}");
}

static void setup(void)
{
    static int once;

    if (!once) {
        once = 1;
        if (hk_core_init() != HK_OK)
            die("hk_core_init", NULL);
        hk_log_set_level(HK_LOG_ERROR);
        hk_config_defaults(&cfg);
        verbose = getenv("HK_FUZZ_VERBOSE") != NULL;
        (void)atexit(close_all);
    }
    if (st && runs % RESET_EVERY == 0)
        close_all();
    if (!st)
        open_store();
    runs++;
}

/* The answer's contract: a JSON object; an error object exactly when status >= 400. */
static void check_answer(const struct route *r, const struct hk_http_resp *resp)
{
    json_error_t je;
    json_t *o = json_loadb(hk_buf_str(&resp->body), resp->body.len, 0, &je);
    json_t *e;
    const char *code, *msg;
    int s = resp->status;

    if (s != 200 && s != 201 && s != 400 && s != 404 && s != 409 && s != 413)
        die(r->path, hk_buf_str(&resp->body));
    if (!o || !json_is_object(o))
        die("answer is not a JSON object", hk_buf_str(&resp->body));
    e = json_object_get(o, "error");
    if (s >= 400) {
        code = json_string_value(json_object_get(e, "code"));
        msg = json_string_value(json_object_get(e, "message"));
        if (!json_is_object(e) || !code || strncmp(code, "HK_", 3) || !msg || !*msg)
            die("malformed error answer", hk_buf_str(&resp->body));
    } else if (e) {
        die("success answer with an error member", hk_buf_str(&resp->body));
    }
    json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct route *r;
    struct hk_http_resp resp;

    if (size < 1)
        return 0;
    setup();
    r = &routes[data[0] % NROUTES];
    call(r->method, r->path, (const char *)data + 1, size - 1, &resp);
    if (verbose) /* HK_FUZZ_VERBOSE=1: show each answer, for corpus work */
        (void)fprintf(stderr, "%s %s -> %d %.200s\n", r->method, r->path, resp.status,
                      hk_buf_str(&resp.body));
    check_answer(r, &resp);
    hk_buf_release(&resp.body);
    return 0;
}
