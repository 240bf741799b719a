/* SPDX-License-Identifier: MIT */
/*
 * Incidents: what the team handles. Creation with classification, the workflow (new,
 * triage, analysis, mitigation, resolved | abandoned, reopen) with a timestamp per phase,
 * edits, merging two incidents, splitting a report out, members (who is "on" it, which is
 * what TLP:RED visibility follows), SLA overdue lists, and filtered lists.
 */
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/directory.h"

struct inc_fields {
    const char *title, *description, *severity, *tlp, *pap, *rsit_class, *rsit_type;
    const char *malware_class, *infection_route, *team, *assignee;
    char tlpn[16], papn[16];
    int64_t assignee_id; /* 0: unchanged; -1: clear */
};

static hk_err user_id_by_name(struct hk_ctx *ctx, const char *name, int64_t *id)
{
    json_t *u = NULL;
    hk_err err = hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(name)), &u);

    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, HK_EINVAL, "unknown user '%s'", name);
    if (!err)
        *id = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    return err;
}

static hk_err parse_fields(struct hk_ctx *ctx, json_t *body, struct inc_fields *f)
{
    static const char *const allowed[] = {
        "title",     "description",   "severity",        "tlp",  "pap",      "rsit_class",
        "rsit_type", "malware_class", "infection_route", "team", "assignee", NULL};
    hk_err err;

    memset(f, 0, sizeof(*f));
    if ((err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "title", 500, &f->title)) ||
        (err = hk_json_str(ctx, body, "description", 100000, &f->description)) ||
        (err = hk_json_str(ctx, body, "severity", 16, &f->severity)) ||
        (err = hk_json_str(ctx, body, "tlp", 32, &f->tlp)) ||
        (err = hk_json_str(ctx, body, "pap", 32, &f->pap)) ||
        (err = hk_json_str(ctx, body, "rsit_class", 64, &f->rsit_class)) ||
        (err = hk_json_str(ctx, body, "rsit_type", 64, &f->rsit_type)) ||
        (err = hk_json_str(ctx, body, "malware_class", 32, &f->malware_class)) ||
        (err = hk_json_str(ctx, body, "infection_route", 32, &f->infection_route)) ||
        (err = hk_json_str(ctx, body, "team", 128, &f->team)) ||
        (err = hk_json_str(ctx, body, "assignee", 64, &f->assignee)))
        return err;
    if (f->title && !*f->title)
        return hk_errf(ctx->em, HK_EINVAL, "'title' must not be empty");
    if (f->severity && hk_severity_check(f->severity))
        return hk_errf(ctx->em, HK_EINVAL, "unknown severity '%s' (low, medium, high, critical)",
                       f->severity);
    if (f->tlp && hk_tlp_parse(f->tlp, f->tlpn))
        return hk_errf(ctx->em, HK_EINVAL, "unknown TLP label '%s'", f->tlp);
    if (f->pap && hk_pap_parse(f->pap, f->papn))
        return hk_errf(ctx->em, HK_EINVAL, "unknown PAP label '%s'", f->pap);
    if (f->rsit_class && *f->rsit_class && hk_rsit_check(f->rsit_class, f->rsit_type))
        return hk_errf(ctx->em, HK_EINVAL, "unknown RSIT class/type '%s/%s'", f->rsit_class,
                       f->rsit_type ? f->rsit_type : "");
    if (f->malware_class && *f->malware_class && hk_malware_class_check(f->malware_class))
        return hk_errf(ctx->em, HK_EINVAL,
                       "unknown malware class '%s' (virus, worm, trojan, ransomware, bot, other)",
                       f->malware_class);
    if (f->infection_route && *f->infection_route && hk_infection_route_check(f->infection_route))
        return hk_errf(ctx->em, HK_EINVAL,
                       "unknown infection route '%s' (contact, droplet, airborne)",
                       f->infection_route);
    if (f->assignee && !*f->assignee)
        f->assignee_id = -1;
    else if (f->assignee && (err = user_id_by_name(ctx, f->assignee, &f->assignee_id)))
        return err;
    return HK_OK;
}

hk_err hk_incident_load(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *i = NULL;
    hk_err err = hk_store_row(ctx->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(id)), &i);

    if (err == HK_ENOTFOUND || (!err && !hk_can_read_incident(ctx, i))) {
        json_decref(i);
        return hk_errf(ctx->em, HK_ENOTFOUND, "incident %lld not found", (long long)id);
    }
    if (err)
        return err;
    *out = i;
    return HK_OK;
}

hk_err hk_incident_touch(struct hk_ctx *ctx, int64_t id, bool response)
{
    return hk_store_exec(ctx->st, response ? HK_Q_INCIDENT_FIRST_RESPONSE : HK_Q_INCIDENT_TOUCH,
                         HK_SQL_ARGS(hk_sql_int(id), hk_sql_int(ctx->now)), NULL);
}

hk_err hk_incident_relink_observables(struct hk_ctx *ctx, int64_t id)
{
    hk_err err =
        hk_store_exec(ctx->st, HK_Q_OBS_UNLINK_INCIDENT, HK_SQL_ARGS(hk_sql_int(id)), NULL);

    return err ? err
               : hk_store_exec(ctx->st, HK_Q_OBS_RELINK_INCIDENT, HK_SQL_ARGS(hk_sql_int(id)),
                               NULL);
}

hk_err hk_incident_add_member(struct hk_ctx *ctx, int64_t id, int64_t user_id)
{
    json_t *a;
    hk_err err;

    if (!user_id)
        return HK_OK;
    err = hk_store_exec(ctx->st, HK_Q_MEMBER_ADD, HK_SQL_ARGS(hk_sql_int(id), hk_sql_int(user_id)),
                        NULL);
    if (err || !hk_store_changes(ctx->st))
        return err;
    a = json_pack("{s:I}", "user_id", (json_int_t)user_id);
    err = hk_audit(ctx, "incident.member", "incident", id, NULL, a);
    json_decref(a);
    return err;
}

hk_err hk_incident_create(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    struct inc_fields f;
    int64_t id = 0;
    json_t *after = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = parse_fields(ctx, body, &f)))
        return err;
    if (!f.title)
        return hk_errf(ctx->em, HK_EINVAL, "'title' is required");
    err = hk_store_exec(
        ctx->st, HK_Q_INCIDENT_INSERT,
        HK_SQL_ARGS(hk_sql_text(f.title), hk_sql_text(f.description ? f.description : ""),
                    hk_sql_text(f.severity ? f.severity : "medium"),
                    hk_sql_text(f.tlp ? f.tlpn : "AMBER"), hk_sql_text(f.pap ? f.papn : "AMBER"),
                    hk_sql_text(f.rsit_class ? f.rsit_class : ""),
                    hk_sql_text(f.rsit_type ? f.rsit_type : ""),
                    hk_sql_text(f.malware_class ? f.malware_class : ""),
                    hk_sql_text(f.infection_route ? f.infection_route : ""),
                    hk_sql_text(f.team ? f.team : ctx->who.team),
                    hk_sql_int0(f.assignee_id > 0 ? f.assignee_id : 0),
                    hk_sql_int0(ctx->who.user_id), hk_sql_int(ctx->now)),
        &id);
    if (err)
        return err;
    /* The creator and the assignee are "on" the incident (TLP:RED visibility). */
    if ((err = hk_incident_add_member(ctx, id, ctx->who.user_id)) ||
        (err = hk_incident_add_member(ctx, id, f.assignee_id > 0 ? f.assignee_id : 0)))
        return err;
    err = hk_store_row(ctx->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(id)), &after);
    if (!err)
        err = hk_audit(ctx, "incident.create", "incident", id, NULL, after);
    if (!err && out)
        err = hk_incident_get(ctx, id, true, out);
    json_decref(after);
    return err;
}

static hk_err attach(struct hk_ctx *ctx, json_t *o, const char *key, enum hk_query q, int64_t id)
{
    json_t *rows = NULL;
    hk_err err = hk_store_rows(ctx->st, q, HK_SQL_ARGS(hk_sql_int(id)), &rows);

    if (!err)
        json_object_set_new(o, key, rows);
    return err;
}

/* Linked reports are filtered one by one: a handler may see an incident but not a
 * TLP:RED report inside it. */
static hk_err attach_reports(struct hk_ctx *ctx, json_t *o, int64_t id, bool *hidden)
{
    json_t *rows = NULL, *vis = json_array(), *r;
    size_t i;
    hk_err err =
        hk_store_rows(ctx->st, HK_Q_REPORTS_OF_INCIDENT, HK_SQL_ARGS(hk_sql_int(id)), &rows);

    if (err) {
        json_decref(vis);
        return err;
    }
    json_array_foreach(rows, i, r)
    {
        json_object_set_new(r, "incident_id", json_integer(id));
        if (hk_can_read_report(ctx, r))
            json_array_append(vis, r);
    }
    *hidden = json_array_size(rows) != json_array_size(vis);
    json_decref(rows);
    json_object_set_new(o, "reports", vis);
    return HK_OK;
}

/* When some reports are hidden from the caller, so are the observables that only they
 * carry: keep the observables of the visible reports. */
static void filter_observables(json_t *o)
{
    json_t *obs = json_object_get(o, "observables"), *keep = json_array(), *ob, *r, *x;
    size_t i, j, k;

    json_array_foreach(obs, i, ob)
    {
        int64_t oid = json_integer_value(json_object_get(ob, "id"));
        bool found = false;
        json_array_foreach(json_object_get(o, "reports"), j, r)
        {
            json_array_foreach(json_object_get(r, "observable_ids"), k, x)
            {
                if (json_integer_value(x) == oid)
                    found = true;
            }
        }
        if (found)
            json_array_append(keep, ob);
    }
    json_object_set_new(o, "observables", keep);
}

hk_err hk_incident_get(struct hk_ctx *ctx, int64_t id, bool full, json_t **out)
{
    json_t *i = NULL, *invs, *inv;
    size_t k;
    bool hidden = false;
    hk_err err = hk_incident_load(ctx, id, &i);

    if (err)
        return err;
    json_object_set_new(i, "next_states", hk_lifecycle_next(HK_OBJ_INCIDENT, hk_jstr(i, "state")));
    if (full) {
        if ((err = attach_reports(ctx, i, id, &hidden)) ||
            (err = attach(ctx, i, "observables", HK_Q_OBS_OF_INCIDENT, id)) ||
            (err = attach(ctx, i, "investigations", HK_Q_INVESTIGATIONS_OF_INCIDENT, id)) ||
            (err = attach(ctx, i, "countermeasures", HK_Q_CMS_OF_INCIDENT, id)) ||
            (err = attach(ctx, i, "tasks", HK_Q_TASKS_OF_INCIDENT, id)) ||
            (err = attach(ctx, i, "members", HK_Q_MEMBER_LIST, id))) {
            json_decref(i);
            return err;
        }
        if (hidden)
            filter_observables(i);
        /* Auto-routing: the responsible teams of the visible reports' observables. */
        if ((err = hk_route_attach_incident(ctx, i))) {
            json_decref(i);
            return err;
        }
        invs = json_object_get(i, "investigations");
        json_array_foreach(invs, k, inv) json_object_set_new(
            inv, "next_states", hk_lifecycle_next(HK_OBJ_INVESTIGATION, hk_jstr(inv, "state")));
    }
    *out = i;
    return HK_OK;
}

hk_err hk_incident_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    struct inc_fields f;
    json_t *before = NULL, *after = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = parse_fields(ctx, body, &f)) ||
        (err = hk_incident_load(ctx, id, &before)))
        return err;
    err = hk_store_exec(
        ctx->st, HK_Q_INCIDENT_UPDATE,
        HK_SQL_ARGS(
            hk_sql_int(id), hk_sql_text(f.title), hk_sql_text(f.description),
            hk_sql_text(f.severity), hk_sql_text(f.tlp ? f.tlpn : NULL),
            hk_sql_text(f.pap ? f.papn : NULL), hk_sql_text(f.rsit_class), hk_sql_text(f.rsit_type),
            hk_sql_text(f.malware_class), hk_sql_text(f.infection_route), hk_sql_text(f.team),
            f.assignee_id ? hk_sql_int(f.assignee_id < 0 ? 0 : f.assignee_id) : hk_sql_int0(0),
            hk_sql_int(ctx->now)),
        NULL);
    if (!err && f.assignee_id > 0)
        err = hk_incident_add_member(ctx, id, f.assignee_id);
    if (!err)
        err = hk_incident_touch(ctx, id, true);
    if (!err)
        err = hk_store_row(ctx->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(id)), &after);
    if (!err)
        err = hk_audit(ctx, "incident.update", "incident", id, before, after);
    if (!err && out)
        err = hk_incident_get(ctx, id, true, out);
    json_decref(before);
    json_decref(after);
    return err;
}

hk_err hk_incident_transition(struct hk_ctx *ctx, int64_t id, const char *action, json_t *body,
                              json_t **out)
{
    json_t *i = NULL, *b = NULL, *a = NULL;
    const char *to = NULL, *from, *resolution = NULL;
    int reopen;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_incident_load(ctx, id, &i)))
        return err;
    if (hk_incident_action_state(action, &to)) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "unknown action '%s' (triage, analyse, mitigate, resolve, abandon, reopen)",
                      action);
        goto out;
    }
    if (body && (err = hk_json_str(ctx, body, "resolution", 10000, &resolution)))
        goto out;
    from = hk_jstr(i, "state");
    reopen = !strcmp(from, "resolved") || !strcmp(from, "abandoned");
    /* A merged incident is a tombstone: its reports live in merged_into now. */
    if (!json_is_null(json_object_get(i, "merged_into"))) {
        err = hk_errf(ctx->em, HK_ESTATE, "incident %lld was merged into #%lld", (long long)id,
                      (long long)json_integer_value(json_object_get(i, "merged_into")));
        goto out;
    }
    if (!strcmp(action, "reopen") && !reopen) {
        err = hk_errf(ctx->em, HK_ESTATE, "incident %lld is '%s', not closed: cannot reopen",
                      (long long)id, from);
        goto out;
    }
    err = hk_lifecycle_check(HK_OBJ_INCIDENT, from, to);
    if (err) {
        err = hk_errf(ctx->em, HK_ESTATE, "incident %lld cannot go from '%s' to '%s'",
                      (long long)id, from, to);
        goto out;
    }
    err = hk_store_exec(ctx->st, HK_Q_INCIDENT_SET_STATE,
                        HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(to), hk_sql_int(ctx->now),
                                    hk_sql_int(reopen), hk_sql_text(resolution), hk_sql_text(from)),
                        NULL);
    if (!err && hk_store_changes(ctx->st) != 1)
        err =
            hk_errf(ctx->em, HK_ECONFLICT, "incident %lld changed meanwhile; retry", (long long)id);
    b = json_pack("{s:s}", "state", from);
    a = json_pack("{s:s}", "state", to);
    if (resolution)
        json_object_set_new(a, "resolution", json_string(resolution));
    if (!err)
        err = hk_audit(ctx, reopen ? "incident.reopen" : "incident.state", "incident", id, b, a);
    if (!err && out)
        err = hk_incident_get(ctx, id, true, out);
out:
    json_decref(i);
    json_decref(b);
    json_decref(a);
    return err;
}

hk_err hk_incident_merge(struct hk_ctx *ctx, int64_t dst, int64_t src, json_t **out)
{
    static const enum hk_query moves[] = {HK_Q_INVESTIGATIONS_MOVE, HK_Q_CMS_MOVE, HK_Q_TASKS_MOVE,
                                          HK_Q_MEMBERS_MOVE, HK_Q_OBS_MOVE_INCIDENT};
    json_t *d = NULL, *s = NULL, *a = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)))
        return err;
    if (dst == src)
        return hk_errf(ctx->em, HK_EINVAL, "cannot merge incident %lld into itself",
                       (long long)dst);
    if ((err = hk_incident_load(ctx, dst, &d)) || (err = hk_incident_load(ctx, src, &s)))
        goto out;
    if (!json_is_null(json_object_get(s, "merged_into"))) {
        err = hk_errf(ctx->em, HK_ESTATE, "incident %lld was already merged", (long long)src);
        goto out;
    }
    err = hk_store_exec(ctx->st, HK_Q_REPORTS_MOVE_INCIDENT,
                        HK_SQL_ARGS(hk_sql_int(src), hk_sql_int(dst), hk_sql_int(ctx->now)), NULL);
    for (size_t k = 0; !err && k < sizeof(moves) / sizeof(moves[0]); k++)
        err = hk_store_exec(ctx->st, moves[k], HK_SQL_ARGS(hk_sql_int(src), hk_sql_int(dst)), NULL);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_OBS_UNLINK_INCIDENT, HK_SQL_ARGS(hk_sql_int(src)), NULL);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_INCIDENT_MERGED,
                            HK_SQL_ARGS(hk_sql_int(src), hk_sql_int(dst), hk_sql_int(ctx->now)),
                            NULL);
    if (!err)
        err = hk_incident_touch(ctx, dst, true);
    a = json_pack("{s:I, s:I}", "merged_into", (json_int_t)dst, "from", (json_int_t)src);
    if (!err)
        err = hk_audit(ctx, "incident.merge", "incident", src, s, a);
    if (!err)
        err = hk_audit(ctx, "incident.merge", "incident", dst, NULL, a);
    if (!err && out)
        err = hk_incident_get(ctx, dst, true, out);
out:
    json_decref(d);
    json_decref(s);
    json_decref(a);
    return err;
}

hk_err hk_incident_split(struct hk_ctx *ctx, int64_t incident_id, int64_t report_id, json_t **out)
{
    json_t *i = NULL, *r = NULL, *body = NULL, *n = NULL;
    int64_t nid;
    char title[600];
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_incident_load(ctx, incident_id, &i)) ||
        (err = hk_report_load(ctx, report_id, &r)))
        goto out;
    if (json_integer_value(json_object_get(r, "incident_id")) != incident_id) {
        err = hk_errf(ctx->em, HK_EINVAL, "report %lld is not part of incident %lld",
                      (long long)report_id, (long long)incident_id);
        goto out;
    }
    (void)snprintf(title, sizeof(title), "%s",
                   *hk_jstr(r, "subject") ? hk_jstr(r, "subject") : hk_jstr(i, "title"));
    body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", title, "severity",
                     hk_jstr(i, "severity"), "tlp", hk_jstr(i, "tlp"), "pap", hk_jstr(i, "pap"),
                     "rsit_class", hk_jstr(i, "rsit_class"), "rsit_type", hk_jstr(i, "rsit_type"),
                     "malware_class", hk_jstr(i, "malware_class"), "infection_route",
                     hk_jstr(i, "infection_route"), "team", hk_jstr(i, "team"));
    err = hk_incident_create(ctx, body, &n);
    if (err)
        goto out;
    nid = json_integer_value(json_object_get(n, "id"));
    err = hk_store_exec(ctx->st, HK_Q_MEMBERS_MOVE,
                        HK_SQL_ARGS(hk_sql_int(incident_id), hk_sql_int(nid)), NULL);
    if (!err)
        err = hk_report_link(ctx, report_id, nid);
    if (!err) {
        json_t *a = json_pack("{s:I, s:I}", "report_id", (json_int_t)report_id, "new_incident",
                              (json_int_t)nid);
        err = hk_audit(ctx, "incident.split", "incident", incident_id, NULL, a);
        json_decref(a);
    }
    if (!err && out)
        err = hk_incident_get(ctx, nid, true, out);
out:
    json_decref(i);
    json_decref(r);
    json_decref(body);
    json_decref(n);
    return err;
}

hk_err hk_incident_overdue(struct hk_ctx *ctx, json_t **out)
{
    json_t *rows = NULL, *vis, *r;
    const int64_t *s = ctx->cfg->sla_first_response;
    size_t i;
    hk_err err;

    if ((err = hk_require_staff(ctx)))
        return err;
    err = hk_store_rows(ctx->st, HK_Q_INCIDENT_OVERDUE,
                        HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(s[0]), hk_sql_int(s[1]),
                                    hk_sql_int(s[2]), hk_sql_int(s[3])),
                        &rows);
    if (err)
        return err;
    vis = json_array();
    json_array_foreach(rows, i, r)
    {
        int rank = hk_severity_rank(hk_jstr(r, "severity"));
        json_object_set_new(r, "target_s", json_integer(s[rank < 0 ? 1 : rank]));
        if (hk_can_read_incident(ctx, r))
            json_array_append(vis, r);
    }
    json_decref(rows);
    *out = json_pack("{s:o}", "items", vis);
    return HK_OK;
}
