/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the API module: the per-call state handed to each route
 * handler, and the handler prototypes generated from routes.def.
 */
#ifndef HIKESHI_API_INT_H
#define HIKESHI_API_INT_H

#include "hikeshi/http.h"

/* S_OPTIONAL: public, but a bearer token or session cookie, when given and valid, identifies
 * the caller (ctx->who); an invalid one is ignored (the caller is anonymous). */
enum hk_scope { S_PUBLIC, S_OPTIONAL, S_ANY, S_READ, S_STAFF, S_ADMIN };
enum hk_body { B_NONE, B_JSON, B_RAW };

struct call {
    struct hk_ctx *ctx;
    const struct hk_http_req *req;
    int64_t id;      /* {id} */
    char action[32]; /* {action} */
    char rest[512];  /* {*}: the rest of the path after the pattern's prefix (may be empty) */
    json_t *body;    /* parsed JSON body (an object) for B_JSON routes */
    json_t *params;  /* query parameters as an object of strings */
    json_t *out;     /* the answer (owned by the call) */
    int status;      /* 200 unless a handler says otherwise */
    /* A handler may write its answer text straight into body_buf (the response body) and
     * set raw_ct to its content type; out is then ignored. */
    const char *raw_ct;
    struct hk_buf *body_buf;
    struct hk_buf *headers; /* extra response headers, "Name: value\n" lines */
};

#define ROUTE(m, p, h, s, b, q, d) hk_err api_##h(struct call *c);
#include "api/routes.def"
#undef ROUTE

/* Reads a required string member of the body. */
hk_err api_need_str(struct call *c, const char *key, const char **out);

#endif
