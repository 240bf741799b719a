/* SPDX-License-Identifier: MIT */
/*
 * Incident endpoints and their children: investigations, countermeasures, tasks.
 */
#include <string.h>

#include "api/api_int.h"

hk_err api_incident_list(struct call *c)
{
    c->raw_ct = "application/json";
    return hk_list_text(c->ctx, HK_LIST_INCIDENTS, c->params, c->body_buf);
}

hk_err api_incident_create(struct call *c)
{
    hk_err err = hk_incident_create(c->ctx, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_incident_overdue(struct call *c)
{
    return hk_incident_overdue(c->ctx, &c->out);
}

hk_err api_incident_get(struct call *c)
{
    return hk_incident_get(c->ctx, c->id, true, &c->out);
}

hk_err api_incident_update(struct call *c)
{
    return hk_incident_update(c->ctx, c->id, c->body, &c->out);
}

hk_err api_incident_audit(struct call *c)
{
    json_t *inc = NULL, *rows = NULL;
    hk_err err = hk_incident_get(c->ctx, c->id, false, &inc);

    json_decref(inc);
    if (!err)
        err = hk_audit_of(c->ctx, "incident", c->id, &rows);
    if (!err)
        c->out = json_pack("{s:o}", "items", rows);
    return err;
}

hk_err api_incident_action(struct call *c)
{
    return hk_incident_transition(c->ctx, c->id, c->action, c->body, &c->out);
}

hk_err api_incident_merge(struct call *c)
{
    int64_t src = 0;
    bool has = false;
    hk_err err = hk_json_int(c->ctx, c->body, "source", &src, &has);

    if (!err && !has)
        err = hk_errf(c->ctx->em, HK_EINVAL, "'source' (the incident to merge in) is required");
    return err ? err : hk_incident_merge(c->ctx, c->id, src, &c->out);
}

hk_err api_incident_split(struct call *c)
{
    int64_t rep = 0;
    bool has = false;
    hk_err err = hk_json_int(c->ctx, c->body, "report_id", &rep, &has);

    if (!err && !has)
        err = hk_errf(c->ctx->em, HK_EINVAL, "'report_id' is required");
    if (!err)
        err = hk_incident_split(c->ctx, c->id, rep, &c->out);
    if (!err)
        c->status = 201;
    return err;
}

hk_err api_incident_member(struct call *c)
{
    const char *user;
    json_t *u = NULL, *inc = NULL;
    hk_err err = api_need_str(c, "user", &user);

    if (err || (err = hk_incident_get(c->ctx, c->id, false, &inc)))
        return err;
    json_decref(inc);
    err = hk_store_row(c->ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(user)), &u);
    if (err == HK_ENOTFOUND)
        return hk_errf(c->ctx->em, HK_EINVAL, "unknown user '%s'", user);
    if (!err)
        err = hk_incident_add_member(c->ctx, c->id, json_integer_value(json_object_get(u, "id")));
    json_decref(u);
    return err ? err : hk_incident_get(c->ctx, c->id, true, &c->out);
}

hk_err api_investigation_create(struct call *c)
{
    hk_err err = hk_investigation_create(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_investigation_get(struct call *c)
{
    return hk_investigation_get(c->ctx, c->id, &c->out);
}

hk_err api_investigation_message(struct call *c)
{
    hk_err err = hk_investigation_message(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_investigation_state(struct call *c)
{
    const char *state;
    hk_err err = api_need_str(c, "state", &state);

    return err ? err : hk_investigation_set_state(c->ctx, c->id, state, &c->out);
}

hk_err api_countermeasure_create(struct call *c)
{
    hk_err err = hk_countermeasure_create(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_countermeasure_state(struct call *c)
{
    const char *state;
    hk_err err = api_need_str(c, "state", &state);

    return err ? err : hk_countermeasure_set_state(c->ctx, c->id, state, &c->out);
}

hk_err api_task_create(struct call *c)
{
    hk_err err = hk_task_create(c->ctx, c->id, c->body, &c->out);

    if (!err)
        c->status = 201;
    return err;
}

hk_err api_task_update(struct call *c)
{
    return hk_task_update(c->ctx, c->id, c->body, &c->out);
}
