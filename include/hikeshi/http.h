/* SPDX-License-Identifier: MIT */
/*
 * The HTTP request and response types shared by the API router (src/api), the server
 * (libmicrohttpd glue, src/server) and the CLI, which calls the router in-process when it
 * works on a local data directory: one authorisation path for every front end.
 */
#ifndef HIKESHI_HTTP_H
#define HIKESHI_HTTP_H

#include <stddef.h>

#include "hikeshi/core.h"
#include "hikeshi/handling.h"
#include "hikeshi/store.h"

#define HK_HTTP_MAX_ARGS 32

struct hk_http_arg {
    const char *key;
    const char *value;
};

/* All pointers are borrowed for the duration of hk_api_handle. */
struct hk_http_req {
    const char *method;                        /* "GET", "POST", ... */
    const char *path;                          /* "/api/v1/incidents/7", without the query string */
    struct hk_http_arg args[HK_HTTP_MAX_ARGS]; /* decoded query parameters */
    size_t nargs;
    const char *authorization;   /* the Authorization header, or NULL */
    const char *cookie;          /* the Cookie header, or NULL */
    const char *csrf;            /* the X-CSRF-Token header, or NULL */
    const char *accept_language; /* the Accept-Language header, or NULL */
    const char *if_none_match;   /* the If-None-Match header, or NULL */
    const char *remote_addr;     /* the client's address as text ("127.0.0.1"), or NULL */
    const char *body;
    size_t body_len;
    /* Non-NULL for in-process calls (CLI on a local data directory): act as this
     * principal without a token. The server never sets it. */
    const struct hk_principal *local;
    /* Set by the server's group commit: a write transaction is already open on st; the
     * call runs in a savepoint of it and the caller commits. */
    bool in_group;
};

struct hk_http_resp {
    int status;
    const char *content_type; /* static string */
    struct hk_buf body;       /* caller releases */
    /* Extra response headers, "Name: value\n" lines (Set-Cookie, ETag, Retry-After, ...);
     * the server adds them as they are. Zero-initialised means none. */
    struct hk_buf headers;
};

/*
 * Routes and answers one request against store st (one connection, owned by the calling
 * thread). Always fills resp (errors as {"error":{"code","message"}} with the right
 * status); never fails. Thread-safe given distinct st.
 */
void hk_api_handle(const struct hk_config *cfg, struct hk_store *st, const struct hk_http_req *req,
                   struct hk_http_resp *resp);

/*
 * Parses an application/x-www-form-urlencoded query string (without '?') into req->args,
 * decoding %XX and '+'. Decoded text is written to scratch (which must outlive req).
 * HK_ETOOBIG if more than HK_HTTP_MAX_ARGS parameters or scratch is too small;
 * HK_EPARSE on a bad escape.
 */
hk_err hk_http_query_parse(const char *qs, size_t len, struct hk_http_req *req, char *scratch,
                           size_t scratch_len);

/* The OpenAPI 3.0 document generated from the route table (caller owns it). */
json_t *hk_api_openapi(void);

/* One line per route, "METHOD PATH  summary", for the CLI's help. */
void hk_api_routes_text(struct hk_buf *out);

/* Server-side counters for /metrics (process-wide, atomic). */
void hk_api_metrics_text(struct hk_buf *out);

#endif
