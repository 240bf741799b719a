/* SPDX-License-Identifier: MIT */
/*
 * Team directory and routing endpoints: /api/v1/teams (CRUD, constituency, import and
 * export, security.txt) and /api/v1/route (answer for one value; the pfx2as table).
 * Thin: the path names a team by id or name ({action}), the directory module does the rest.
 */
#include <string.h>

#include "api/api_int.h"
#include "hikeshi/directory.h"

hk_err api_team_list(struct call *c)
{
    return hk_team_list(c->ctx, &c->out);
}

hk_err api_team_create(struct call *c)
{
    hk_err err = hk_team_create(c->ctx, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_team_get(struct call *c)
{
    return hk_team_get(c->ctx, c->action, &c->out);
}

hk_err api_team_update(struct call *c)
{
    return hk_team_update(c->ctx, c->action, c->body, &c->out);
}

hk_err api_team_delete(struct call *c)
{
    hk_err err = hk_team_delete(c->ctx, c->action);

    if (!err)
        c->out = json_pack("{s:s, s:b}", "team", c->action, "deleted", 1);
    return err;
}

hk_err api_team_constituency_add(struct call *c)
{
    return hk_team_constituency(c->ctx, c->action, c->body, true, &c->out);
}

hk_err api_team_constituency_remove(struct call *c)
{
    return hk_team_constituency(c->ctx, c->action, c->body, false, &c->out);
}

hk_err api_team_securitytxt(struct call *c)
{
    return hk_team_import_securitytxt(c->ctx, c->action, c->req->body, c->req->body_len, &c->out);
}

hk_err api_team_export(struct call *c)
{
    const char *fmt = json_string_value(json_object_get(c->params, "format"));
    hk_err err = hk_directory_export(c->ctx, fmt ? fmt : "json", c->body_buf);

    if (!err)
        c->raw_ct = fmt && !strcmp(fmt, "csv") ? "text/csv; charset=utf-8" : "application/json";
    return err;
}

hk_err api_team_import(struct call *c)
{
    return hk_directory_import(c->ctx, c->req->body ? c->req->body : "", c->req->body_len, &c->out);
}

hk_err api_route_get(struct call *c)
{
    const char *v = json_string_value(json_object_get(c->params, "value"));

    if (!v)
        return hk_errf(c->ctx->em, HK_EINVAL, "query parameter 'value' is required");
    return hk_route_value(c->ctx, v, &c->out);
}

hk_err api_pfx2as_load(struct call *c)
{
    const char *src = json_string_value(json_object_get(c->params, "source"));

    return hk_pfx2as_load(c->ctx, src, c->req->body ? c->req->body : "", c->req->body_len, &c->out);
}

hk_err api_pfx2as_info(struct call *c)
{
    return hk_pfx2as_info(c->ctx, &c->out);
}
