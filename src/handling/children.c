/* SPDX-License-Identifier: MIT */
/*
 * The parts of an incident with lives of their own: investigations (one outgoing thread
 * to one party, with its messages both ways: open, waiting, answered, resolved),
 * countermeasures (pending, active, pending-removal, removed) and tasks (assignee, due
 * time, done). Each change is checked against its lifecycle and audited; any action on
 * one counts as the incident's first response for the SLA.
 */
#include <string.h>

#include "handling/handling_int.h"

static hk_err audited(struct hk_ctx *ctx, const char *action, const char *otype, int64_t id,
                      json_t *before, json_t *after)
{
    hk_err err = hk_audit(ctx, action, otype, id, before, after);

    json_decref(before);
    json_decref(after);
    return err;
}

/* Loads a child row and checks that its incident is visible to the caller. */
static hk_err load_child(struct hk_ctx *ctx, enum hk_query q, const char *what, int64_t id,
                         json_t **out)
{
    json_t *row = NULL, *inc = NULL;
    hk_err err = hk_store_row(ctx->st, q, HK_SQL_ARGS(hk_sql_int(id)), &row);

    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, err, "%s %lld not found", what, (long long)id);
    if (err)
        return err;
    err = hk_incident_load(ctx, json_integer_value(json_object_get(row, "incident_id")), &inc);
    json_decref(inc);
    if (err) {
        json_decref(row);
        return hk_errf(ctx->em, HK_ENOTFOUND, "%s %lld not found", what, (long long)id);
    }
    *out = row;
    return HK_OK;
}

hk_err hk_investigation_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"party", "subject", "message", "due_at", NULL};
    const char *party = NULL, *subject = NULL, *message = NULL;
    int64_t due = 0, id = 0;
    json_t *inc = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "party", 500, &party)) ||
        (err = hk_json_str(ctx, body, "subject", 1000, &subject)) ||
        (err = hk_json_str(ctx, body, "message", 1 << 20, &message)) ||
        (err = hk_json_time(ctx, body, "due_at", &due)))
        return err;
    if (!party || !*party)
        return hk_errf(ctx->em, HK_EINVAL, "'party' is required (whom we ask)");
    if ((err = hk_incident_load(ctx, incident_id, &inc)))
        return err;
    json_decref(inc);
    err = hk_store_exec(ctx->st, HK_Q_INVESTIGATION_INSERT,
                        HK_SQL_ARGS(hk_sql_int(incident_id), hk_sql_text(party),
                                    hk_sql_text(subject ? subject : ""), hk_sql_int0(due),
                                    hk_sql_int(ctx->now)),
                        &id);
    if (!err && message && *message)
        err = hk_store_exec(ctx->st, HK_Q_MESSAGE_INSERT,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text("out"), hk_sql_text(message),
                                        hk_sql_int0(ctx->who.user_id), hk_sql_int(ctx->now)),
                            NULL);
    /* The request went out with the first message: we now wait for the answer. */
    if (!err && message && *message)
        err = hk_store_exec(ctx->st, HK_Q_INVESTIGATION_SET_STATE,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text("waiting"),
                                        hk_sql_int(ctx->now), hk_sql_text("open")),
                            NULL);
    if (!err)
        err = hk_incident_touch(ctx, incident_id, true);
    if (!err)
        err = audited(ctx, "investigation.create", "investigation", id, NULL,
                      json_pack("{s:I, s:s, s:s}", "incident_id", (json_int_t)incident_id, "party",
                                party, "subject", subject ? subject : ""));
    if (!err && out)
        err = hk_investigation_get(ctx, id, out);
    return err;
}

hk_err hk_investigation_get(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *row = NULL, *msgs = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) ||
        (err = load_child(ctx, HK_Q_INVESTIGATION_GET, "investigation", id, &row)))
        return err;
    err =
        hk_store_rows(ctx->st, HK_Q_MESSAGES_OF_INVESTIGATION, HK_SQL_ARGS(hk_sql_int(id)), &msgs);
    if (err) {
        json_decref(row);
        return err;
    }
    json_object_set_new(row, "messages", msgs);
    json_object_set_new(row, "next_states",
                        hk_lifecycle_next(HK_OBJ_INVESTIGATION, hk_jstr(row, "state")));
    *out = row;
    return HK_OK;
}

static hk_err set_state(struct hk_ctx *ctx, enum hk_object o, enum hk_query get, enum hk_query set,
                        const char *what, int64_t id, const char *state)
{
    json_t *row = NULL;
    const char *from;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = load_child(ctx, get, what, id, &row)))
        return err;
    from = hk_jstr(row, "state");
    err = hk_lifecycle_check(o, from, state);
    if (err == HK_EINVAL)
        err = hk_errf(ctx->em, err, "unknown %s state '%s'", what, state);
    else if (err)
        err = hk_errf(ctx->em, err, "%s %lld cannot go from '%s' to '%s'", what, (long long)id,
                      from, state);
    if (!err)
        err = hk_store_exec(ctx->st, set,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(state), hk_sql_int(ctx->now),
                                        hk_sql_text(from)),
                            NULL);
    if (!err)
        err = hk_incident_touch(ctx, json_integer_value(json_object_get(row, "incident_id")), true);
    if (!err) {
        char action[64];
        (void)snprintf(action, sizeof(action), "%s.state", what);
        err = audited(ctx, action, what, id, json_pack("{s:s}", "state", from),
                      json_pack("{s:s}", "state", state));
    }
    json_decref(row);
    return err;
}

hk_err hk_investigation_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out)
{
    hk_err err = set_state(ctx, HK_OBJ_INVESTIGATION, HK_Q_INVESTIGATION_GET,
                           HK_Q_INVESTIGATION_SET_STATE, "investigation", id, state);

    return !err && out ? hk_investigation_get(ctx, id, out) : err;
}

hk_err hk_investigation_message(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"direction", "body", NULL};
    const char *dir = NULL, *text = NULL;
    json_t *row = NULL;
    int64_t mid = 0;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "direction", 8, &dir)) ||
        (err = hk_json_str(ctx, body, "body", 1 << 20, &text)))
        return err;
    if (!text || !*text)
        return hk_errf(ctx->em, HK_EINVAL, "'body' is required");
    if (!dir)
        dir = "out";
    if (strcmp(dir, "out") && strcmp(dir, "in"))
        return hk_errf(ctx->em, HK_EINVAL, "'direction' must be 'out' or 'in'");
    if ((err = load_child(ctx, HK_Q_INVESTIGATION_GET, "investigation", id, &row)))
        return err;
    err = hk_store_exec(ctx->st, HK_Q_MESSAGE_INSERT,
                        HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(dir), hk_sql_text(text),
                                    hk_sql_int0(ctx->who.user_id), hk_sql_int(ctx->now)),
                        &mid);
    /* An outgoing message means we now wait; an incoming one is an answer. */
    if (!err) {
        const char *from = hk_jstr(row, "state");
        const char *to = !strcmp(dir, "out") ? "waiting" : "answered";
        if (strcmp(from, to) && !hk_lifecycle_check(HK_OBJ_INVESTIGATION, from, to))
            err = set_state(ctx, HK_OBJ_INVESTIGATION, HK_Q_INVESTIGATION_GET,
                            HK_Q_INVESTIGATION_SET_STATE, "investigation", id, to);
    }
    if (!err)
        err = audited(ctx, "investigation.message", "investigation", id, NULL,
                      json_pack("{s:I, s:s}", "message_id", (json_int_t)mid, "direction", dir));
    json_decref(row);
    if (!err && out)
        err = hk_investigation_get(ctx, id, out);
    return err;
}

hk_err hk_countermeasure_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"kind", "description", NULL};
    const char *kind = NULL, *desc = NULL;
    json_t *inc = NULL;
    int64_t id = 0;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "kind", 64, &kind)) ||
        (err = hk_json_str(ctx, body, "description", 10000, &desc)))
        return err;
    if ((err = hk_incident_load(ctx, incident_id, &inc)))
        return err;
    json_decref(inc);
    err = hk_store_exec(ctx->st, HK_Q_CM_INSERT,
                        HK_SQL_ARGS(hk_sql_int(incident_id), hk_sql_text(kind ? kind : "block"),
                                    hk_sql_text(desc ? desc : ""), hk_sql_int(ctx->now)),
                        &id);
    if (!err)
        err = hk_incident_touch(ctx, incident_id, true);
    if (!err)
        err = audited(ctx, "countermeasure.create", "countermeasure", id, NULL,
                      json_pack("{s:I, s:s, s:s}", "incident_id", (json_int_t)incident_id, "kind",
                                kind ? kind : "block", "description", desc ? desc : ""));
    if (!err && out)
        err = hk_store_row(ctx->st, HK_Q_CM_GET, HK_SQL_ARGS(hk_sql_int(id)), out);
    return err;
}

hk_err hk_countermeasure_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out)
{
    hk_err err = set_state(ctx, HK_OBJ_COUNTERMEASURE, HK_Q_CM_GET, HK_Q_CM_SET_STATE,
                           "countermeasure", id, state);

    return !err && out ? hk_store_row(ctx->st, HK_Q_CM_GET, HK_SQL_ARGS(hk_sql_int(id)), out) : err;
}

static hk_err assignee(struct hk_ctx *ctx, const char *name, int64_t *id)
{
    json_t *u = NULL;
    hk_err err;

    *id = 0;
    if (!name)
        return HK_OK;
    if (!*name) {
        *id = -1;
        return HK_OK;
    }
    err = hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(name)), &u);
    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, HK_EINVAL, "unknown user '%s'", name);
    if (!err)
        *id = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    return err;
}

hk_err hk_task_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"title", "assignee", "due_at", NULL};
    const char *title = NULL, *who = NULL;
    int64_t due = 0, uid = 0, id = 0;
    json_t *inc = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "title", 1000, &title)) ||
        (err = hk_json_str(ctx, body, "assignee", 64, &who)) ||
        (err = hk_json_time(ctx, body, "due_at", &due)) || (err = assignee(ctx, who, &uid)))
        return err;
    if (!title || !*title)
        return hk_errf(ctx->em, HK_EINVAL, "'title' is required");
    if ((err = hk_incident_load(ctx, incident_id, &inc)))
        return err;
    json_decref(inc);
    err = hk_store_exec(ctx->st, HK_Q_TASK_INSERT,
                        HK_SQL_ARGS(hk_sql_int(incident_id), hk_sql_text(title),
                                    hk_sql_int0(uid > 0 ? uid : 0), hk_sql_int0(due),
                                    hk_sql_int(ctx->now)),
                        &id);
    if (!err && uid > 0)
        err = hk_incident_add_member(ctx, incident_id, uid);
    if (!err)
        err = audited(
            ctx, "task.create", "task", id, NULL,
            json_pack("{s:I, s:s}", "incident_id", (json_int_t)incident_id, "title", title));
    if (!err && out)
        err = hk_store_row(ctx->st, HK_Q_TASK_GET, HK_SQL_ARGS(hk_sql_int(id)), out);
    return err;
}

hk_err hk_task_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"title", "assignee", "due_at", "done", NULL};
    const char *title = NULL, *who = NULL;
    int64_t due = 0, uid = 0;
    json_t *before = NULL, *after = NULL, *done = json_object_get(body, "done");
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "title", 1000, &title)) ||
        (err = hk_json_str(ctx, body, "assignee", 64, &who)) ||
        (err = hk_json_time(ctx, body, "due_at", &due)) || (err = assignee(ctx, who, &uid)))
        return err;
    if (done && !json_is_boolean(done))
        return hk_errf(ctx->em, HK_EINVAL, "'done' must be true or false");
    if ((err = load_child(ctx, HK_Q_TASK_GET, "task", id, &before)))
        return err;
    err = hk_store_exec(ctx->st, HK_Q_TASK_UPDATE,
                        HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(title),
                                    uid ? hk_sql_int(uid < 0 ? 0 : uid) : hk_sql_int0(0),
                                    due ? hk_sql_int(due) : hk_sql_int0(0),
                                    done ? hk_sql_int(json_is_true(done)) : hk_sql_int0(0),
                                    hk_sql_int(ctx->now)),
                        NULL);
    if (!err)
        err = hk_store_row(ctx->st, HK_Q_TASK_GET, HK_SQL_ARGS(hk_sql_int(id)), &after);
    if (!err)
        err =
            hk_incident_touch(ctx, json_integer_value(json_object_get(after, "incident_id")), true);
    if (!err) {
        err = hk_audit(ctx, "task.update", "task", id, before, after);
        if (!err && out)
            *out = json_incref(after);
    }
    json_decref(before);
    json_decref(after);
    return err;
}
