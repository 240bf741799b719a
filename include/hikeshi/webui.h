/* SPDX-License-Identifier: MIT */
/*
 * The server side of the web UI (issue 3): the files of web/ embedded in the binary,
 * browser sessions (cookie + CSRF token, idle and absolute expiry, sign-in rate limits),
 * and the statistics behind the dashboard, the stats API and `hikeshi stats` (series,
 * summary, CSV, and the server-side SVG chart renderer shared by the API and the CLI).
 */
#ifndef HIKESHI_WEBUI_H
#define HIKESHI_WEBUI_H

#include <stddef.h>
#include <stdint.h>

#include "hikeshi/core.h"
#include "hikeshi/handling.h"
#include "hikeshi/http.h"

/* ---- embedded static files (scripts/embed_web.cmake) ---- */

struct hk_web_file {
    const char *path; /* "/index.html", "/css/app.css" */
    const char *data;
    size_t size;
    const char *etag; /* quoted: "\"0123456789abcdef\"" */
};
extern const struct hk_web_file hk_web_files[]; /* ends with a {0} row */

/* The embedded file for a request path ("/" is "/index.html"), or NULL. */
const struct hk_web_file *hk_web_find(const char *path);
/* Content type by extension (.html .js .mjs .css .svg .png .ico .json .woff2 .txt). */
const char *hk_web_content_type(const char *path);

/* ---- sessions (handling/session.c) ---- */

#define HK_SESSION_COOKIE "hk_session"

struct hk_session {
    int64_t id;
    char csrf[65];      /* 64 hex digits */
    int64_t expires_at; /* absolute end (unix s) */
};

/* Finds name's value in a Cookie header into out; false if absent or too long. */
bool hk_cookie_get(const char *header, const char *name, char *out, size_t n);

/*
 * Authenticates a request by its session cookie: the principal and the session (id,
 * csrf, expiry). HK_EAUTH when the cookie is missing, unknown, idle for longer than
 * cfg->session_idle or older than cfg->session_lifetime; HK_EPERM when the method is not
 * GET/HEAD and X-CSRF-Token does not match. Touches last_seen at most once a minute.
 */
hk_err hk_session_auth(struct hk_store *st, const struct hk_config *cfg,
                       const struct hk_http_req *req, struct hk_principal *who,
                       struct hk_session *s, struct hk_errmsg *em);

/*
 * Sign-in inside ctx's open write transaction. On success the session is stored (only
 * the digest of secret_out), ctx->who becomes the user and *out is the session body of
 * the contract. HK_EAUTH on a wrong name or password (audited as session.failed: the
 * caller must commit even then), HK_EAGAIN with *retry_after when rate-limited.
 */
hk_err hk_session_signin(struct hk_ctx *ctx, const char *user, const char *password,
                         const char *remote_addr, char secret_out[64], json_t **out,
                         int64_t *retry_after);
/* Deletes the session (audited). */
hk_err hk_session_signout(struct hk_ctx *ctx, const struct hk_session *s);
/* The contract's session body for a principal and session. */
json_t *hk_session_json(const struct hk_principal *who, const struct hk_session *s,
                        const struct hk_config *cfg);

/* Sign-in rate limiting (process-wide, thread-safe, bounded table). Keys are "u:NAME"
 * and "a:ADDR". blocked: seconds to wait (0 = may try); failed/succeeded record. */
int64_t hk_signin_blocked(const char *user, const char *addr, int64_t now);
void hk_signin_failed(const char *user, const char *addr, int64_t now);
void hk_signin_succeeded(const char *user);
void hk_signin_reset(void); /* tests */

/* ---- statistics (handling/stats.c) ---- */

enum hk_stats_by { HK_BY_YEAR, HK_BY_MONTH, HK_BY_WEEK, HK_BY_DAY };

struct hk_stats_query {
    const char *object; /* "reports" | "incidents" */
    enum hk_stats_by by;
    const char *group; /* "none" | "class" | "team" | "source" */
    int64_t from, to;  /* unix seconds; 0 = open */
};

/* Parses the query parameters shared by the API and the CLI (object, by, group, from,
 * to); absent ones keep their defaults (reports, year, none, open range). */
hk_err hk_stats_query_parse(struct hk_stats_query *q, const char *object, const char *by,
                            const char *group, const char *from, const char *to,
                            struct hk_errmsg *em);
/* The bucket label of a time ("1996", "1996-03", "1996-W09", "1996-03-01"). */
void hk_stats_bucket(enum hk_stats_by by, int64_t t, char out[16]);
/* {"object","by","group","buckets":[...],"series":[{"name","values":[...]}]} */
hk_err hk_stats_series(struct hk_ctx *ctx, const struct hk_stats_query *q, json_t **out);
/* The contract's summary object. */
hk_err hk_stats_summary(struct hk_ctx *ctx, int64_t from, int64_t to, json_t **out);
/* Makes the SLA counters follow cfg's first-response targets (stored in meta): when they
 * differ, stores them and recounts in one transaction (*recounted true). Run at start. */
hk_err hk_stats_sla_sync(struct hk_store *st, const struct hk_config *cfg, bool *recounted,
                         struct hk_errmsg *em);
/* The dashboard object. */
hk_err hk_dashboard(struct hk_ctx *ctx, json_t **out);
/* Median of n values (sorts v in place); 0 when n is 0. */
double hk_stats_median(int64_t *v, size_t n);

/* CSV (RFC 4180 quoting) of a series object: bucket,<series names>... */
void hk_stats_series_csv(json_t *series, struct hk_buf *out);
/* CSV of a summary object: section,name,value rows. */
void hk_stats_summary_csv(json_t *summary, struct hk_buf *out);
/* Appends one CSV field, quoted when it holds a comma, quote, CR or LF. */
void hk_csv_field(struct hk_buf *out, const char *s);

/* Chart options: type "bar" | "line", lang "en" | "ja", title (NULL = a default). */
struct hk_chart_opts {
    const char *type;
    const char *lang;
    const char *title;
};
/* Renders a series object as a self-contained, deterministic SVG (no script, no external
 * reference; every text escaped). */
hk_err hk_stats_svg(json_t *series, const struct hk_chart_opts *o, struct hk_buf *out,
                    struct hk_errmsg *em);

/* ---- demo data and benchmark loader (handling/demo.c) ---- */

/* Loads the demo set once (idempotent: a meta key marks it). Fills the passwords of the
 * demo users handler and reporter (printed by the CLI); *loaded false if already there. */
hk_err hk_demo_load(struct hk_store *st, const struct hk_config *cfg, char handler_pw[32],
                    char reporter_pw[32], bool *loaded, struct hk_errmsg *em);
/* Inserts n synthetic incidents fast (one SQL statement per batch; one audit entry per
 * batch), spread over the last years, for benchmarks. */
hk_err hk_demo_bench_incidents(struct hk_store *st, const struct hk_config *cfg, int64_t n,
                               struct hk_errmsg *em);

#endif
