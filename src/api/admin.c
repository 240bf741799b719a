/* SPDX-License-Identifier: MIT */
/*
 * Service endpoints: health, metrics, the OpenAPI document, whoami, taxonomy, users,
 * tokens and audit verification.
 */
#include <string.h>

#include "api/api_int.h"
#include "hikeshi/webui.h"

hk_err api_healthz(struct call *c)
{
    c->out = json_pack("{s:s}", "status", "ok");
    return HK_OK;
}

hk_err api_metrics(struct call *c)
{
    (void)c; /* rendered by the router, which owns the text buffer */
    return HK_OK;
}

hk_err api_openapi(struct call *c)
{
    c->out = hk_api_openapi();
    return HK_OK;
}

hk_err api_whoami(struct call *c)
{
    const struct hk_principal *p = &c->ctx->who;

    c->out = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)p->user_id, "name", p->name,
                       "role", hk_role_name(p->role), "team", p->team);
    return HK_OK;
}

hk_err api_taxonomy(struct call *c)
{
    c->out = hk_taxonomy_json();
    return HK_OK;
}

hk_err api_user_list(struct call *c)
{
    json_t *rows = NULL;
    hk_err err = hk_user_list(c->ctx, &rows);

    if (!err)
        c->out = json_pack("{s:o}", "items", rows);
    return err;
}

hk_err api_user_create(struct call *c)
{
    static const char *const allowed[] = {"name", "role", "team", "password", NULL};
    const char *name, *role, *team = NULL, *pw = NULL;
    hk_err err;

    if ((err = hk_json_only(c->ctx, c->body, allowed)) || (err = api_need_str(c, "name", &name)) ||
        (err = api_need_str(c, "role", &role)) ||
        (err = hk_json_str(c->ctx, c->body, "team", 64, &team)) ||
        (err = hk_json_str(c->ctx, c->body, "password", 1024, &pw)))
        return err;
    err = hk_user_add(c->ctx, name, role, team, pw, &c->out);
    if (!err)
        c->status = 201;
    return err;
}

static hk_err user_toggle(struct call *c, bool disabled)
{
    static const char *const allowed[] = {"user", NULL};
    const char *user = NULL;
    hk_err err;

    if ((err = hk_json_only(c->ctx, c->body, allowed)) || (err = api_need_str(c, "user", &user)))
        return err;
    return hk_user_set_disabled(c->ctx, user, disabled, &c->out);
}

hk_err api_user_disable(struct call *c)
{
    return user_toggle(c, true);
}

hk_err api_user_enable(struct call *c)
{
    return user_toggle(c, false);
}

hk_err api_account_password(struct call *c)
{
    static const char *const allowed[] = {"user", "current", "password", NULL};
    const char *user = NULL, *cur = NULL, *pw = NULL;
    struct hk_principal who;
    struct hk_session s;
    struct hk_errmsg ignored = {{0}};
    int64_t keep = 0, wait = 0;
    hk_err err, berr;

    if ((err = hk_json_only(c->ctx, c->body, allowed)) ||
        (err = hk_json_str(c->ctx, c->body, "user", 64, &user)) ||
        (err = hk_json_str(c->ctx, c->body, "current", 1024, &cur)) ||
        (err = api_need_str(c, "password", &pw)))
        return err;
    /* A browser session making the change stays signed in; the user's others end. */
    if (c->req->cookie && !c->req->authorization && !c->req->local &&
        !hk_session_auth(c->ctx->st, c->ctx->cfg, c->req, &who, &s, &ignored))
        keep = s.id;
    /* The Argon2id work (checking the current password, hashing the new one) must not hold
     * a write transaction: the server runs this route outside the group writer, and the
     * handler gives up the router's transaction and brackets its own writes. */
    hk_ctx_rollback(c->ctx);
    err = hk_user_set_password(c->ctx, user, cur, pw, c->req->remote_addr, keep, &wait, &c->out);
    if (err == HK_EAGAIN && wait > 0)
        (void)hk_buf_appendf(c->headers, "Retry-After: %lld\n", (long long)wait);
    /* An empty, deferred one for the router to close: it takes no lock, so it cannot fail
     * on a busy database after the change was committed. */
    berr = hk_ctx_begin(c->ctx, false);
    return err ? err : berr;
}

hk_err api_token_list(struct call *c)
{
    json_t *rows = NULL;
    hk_err err = hk_token_list(c->ctx, &rows);

    if (!err)
        c->out = json_pack("{s:o}", "items", rows);
    return err;
}

hk_err api_token_create(struct call *c)
{
    static const char *const allowed[] = {"user", "name", "ttl", NULL};
    const char *user = NULL, *name = NULL;
    int64_t ttl = 0;
    char secret[80];
    hk_err err;

    if ((err = hk_json_only(c->ctx, c->body, allowed)) ||
        (err = hk_json_str(c->ctx, c->body, "user", 64, &user)) ||
        (err = hk_json_str(c->ctx, c->body, "name", 200, &name)) ||
        (err = hk_json_int(c->ctx, c->body, "ttl", &ttl, NULL)))
        return err;
    err = hk_token_create(c->ctx, user, name, ttl, secret, &c->out);
    if (!err)
        c->status = 201;
    return err;
}

hk_err api_token_revoke(struct call *c)
{
    hk_err err = hk_token_revoke(c->ctx, c->id);

    if (!err)
        c->out = json_pack("{s:I, s:b}", "id", (json_int_t)c->id, "revoked", 1);
    return err;
}

hk_err api_audit_verify(struct call *c)
{
    uint64_t n = 0;
    struct hk_errmsg em = {{0}};
    hk_err err;

    /* Verification reads the whole log in its own read transaction. */
    hk_store_rollback(c->ctx->st);
    err = hk_audit_verify(c->ctx->st, &n, &em);
    (void)hk_store_begin(c->ctx->st, false);
    c->out = json_pack("{s:b, s:I, s:s}", "ok", !err, "entries", (json_int_t)n, "message",
                       err ? em.text : "audit chain intact");
    if (err == HK_EINTEGRITY)
        c->status = 409;
    return err == HK_EINTEGRITY ? HK_OK : err;
}
