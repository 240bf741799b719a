/* SPDX-License-Identifier: MIT */
/*
 * API handlers for assets (/api/v1/assets), advisories (/api/v1/advisories), publishing a
 * vulnerability case (/api/v1/vulns/{id}/publish) and the public files: the CSAF provider
 * directory under /.well-known/csaf/ and the HTML pages and Atom feeds under /advisories/.
 * Those two are PUBLIC routes (no token needed for TLP:WHITE) that enforce TLP themselves: a
 * path in a TLP folder other than white needs a bearer token of a staff member, and a caller
 * without one is told "not found". Before answering a file, the provider directory is brought
 * up to date with committed data (hk_advisory_sync; a no-op when nothing changed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_int.h"
#include "hikeshi/advisory.h"

#define FILE_MAX (64u << 20)

hk_err api_asset_list(struct call *c)
{
    return hk_asset_list(c->ctx, c->params, &c->out);
}

hk_err api_asset_create(struct call *c)
{
    hk_err err = hk_asset_create(c->ctx, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_asset_import(struct call *c)
{
    const char *team = json_string_value(json_object_get(c->params, "team"));

    return hk_asset_import(c->ctx, c->req->body ? c->req->body : "", c->req->body_len, team,
                           &c->out);
}

hk_err api_asset_get(struct call *c)
{
    return hk_asset_get(c->ctx, c->id, &c->out);
}

hk_err api_asset_update(struct call *c)
{
    return hk_asset_update(c->ctx, c->id, c->body, &c->out);
}

hk_err api_asset_delete(struct call *c)
{
    hk_err err = hk_asset_delete(c->ctx, c->id);

    if (!err)
        c->out = json_pack("{s:I, s:b}", "id", (json_int_t)c->id, "deleted", 1);
    return err;
}

hk_err api_advisory_list(struct call *c)
{
    return hk_advisory_list(c->ctx, c->params, &c->out);
}

hk_err api_advisory_publish(struct call *c)
{
    hk_err err = hk_advisory_publish(c->ctx, c->body, 0, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

static int hexv(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

hk_err api_advisory_get(struct call *c)
{
    char ref[sizeof(c->action)];
    size_t k = 0;

    /* "HKVU%232026-0001": the '#' of a tracking id travels percent-encoded */
    for (size_t i = 0; c->action[i] && k + 1 < sizeof(ref); i++) {
        if (c->action[i] == '%' && hexv(c->action[i + 1]) >= 0 && hexv(c->action[i + 2]) >= 0) {
            ref[k++] = (char)(hexv(c->action[i + 1]) * 16 + hexv(c->action[i + 2]));
            i += 2;
        } else {
            ref[k++] = c->action[i];
        }
    }
    ref[k] = '\0';
    return hk_advisory_get(c->ctx, ref, &c->out);
}

/* Optional body {"early": true, "reason": "..."}: lifts the embargo before the agreed date. */
hk_err api_vuln_publish(struct call *c)
{
    static const char *const allowed[] = {"early", "reason", NULL};
    json_t *early, *reason;
    hk_err err;

    if ((err = hk_json_only(c->ctx, c->body, allowed)))
        return err;
    early = json_object_get(c->body, "early");
    reason = json_object_get(c->body, "reason");
    if (early && !json_is_boolean(early))
        return hk_errf(c->ctx->em, HK_EINVAL, "early: must be true or false");
    if (reason && !json_is_string(reason))
        return hk_errf(c->ctx->em, HK_EINVAL, "reason: must be a string");
    err = hk_vuln_publish(c->ctx, c->id, json_is_true(early), json_string_value(reason), &c->out);
    if (!err)
        c->status = 201;
    return err;
}

/* Staff check for the files of a non-white TLP folder: these routes are OPTIONAL-scope, so
 * the router has identified the caller when a valid bearer token, session cookie or the CLI's
 * local principal came with the request (anonymous otherwise). */
static bool staff_caller(struct call *c)
{
    return hk_is_staff(c->ctx);
}

static const char *ctype(const char *p)
{
    const char *dot = strrchr(p, '.');

    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".json"))
        return "application/json";
    if (!strcmp(dot, ".txt") || !strcmp(dot, ".sha256") || !strcmp(dot, ".sha512"))
        return "text/plain; charset=utf-8";
    if (!strcmp(dot, ".csv"))
        return "text/csv; charset=utf-8";
    if (!strcmp(dot, ".asc"))
        return "application/pgp-signature";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".atom"))
        return "application/atom+xml";
    return "application/octet-stream";
}

/* Serves <root>/<sub>/<c->rest>; public decides whether the caller may read it. */
static hk_err serve(struct call *c, const char *sub, bool public)
{
    const char *root = hk_advisory_root(), *rest = c->rest;
    char path[5000];
    struct stat sb;
    struct hk_errmsg em = {{0}};
    int fd;
    hk_err err;

    if (!root)
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no advisories are published here");
    /* no hidden files (temporaries, the generation stamp), no directory listings */
    if (!*rest || rest[strlen(rest) - 1] == '/' || rest[0] == '.' || strstr(rest, "/."))
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no such file");
    if (!public && !staff_caller(c))
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no such file");
    if ((err = hk_advisory_sync(c->ctx->st, false, &em)))
        hk_log(HK_LOG_WARN, "advisories: provider directory not updated: %s", em.text);
    (void)snprintf(path, sizeof(path), "%s/%s/%s", root, sub, rest);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no such file");
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > FILE_MAX) {
        (void)close(fd);
        return hk_errf(c->ctx->em, HK_ENOTFOUND, "no such file");
    }
    hk_buf_reset(c->body_buf);
    for (;;) {
        char b[65536];
        ssize_t n = read(fd, b, sizeof(b));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if ((err = hk_buf_append(c->body_buf, b, (size_t)n))) {
            (void)close(fd);
            return err;
        }
    }
    (void)close(fd);
    c->raw_ct = ctype(path);
    if (c->headers)
        (void)hk_buf_appends(c->headers, "Cache-Control: no-cache\n");
    return HK_OK;
}

/* The first path segment decides: the white folder and the files at the top are public. */
static bool public_path(const char *rest, bool top_public)
{
    const char *sl = strchr(rest, '/');

    if (!sl)
        return top_public;
    return (size_t)(sl - rest) == 5 && !strncmp(rest, "white", 5);
}

hk_err api_csaf_file(struct call *c)
{
    bool pub = public_path(c->rest, true) || !strncmp(c->rest, "openpgp/", 8);

    return serve(c, ".well-known/csaf", pub);
}

hk_err api_advisory_page(struct call *c)
{
    /* the top-level feed.atom is the TLP:WHITE feed */
    return serve(c, "advisories", public_path(c->rest, !strcmp(c->rest, "feed.atom")));
}
