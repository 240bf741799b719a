/* SPDX-License-Identifier: MIT */
/*
 * Routing answers: `hikeshi route VALUE` (the responsible team, the match, the chain up
 * the coordination tree, the contact), the pfx2as load, and auto-routing of reports and
 * incidents. Report routing uses the in-memory snapshot only: one generation check per
 * report, then one insert per observable that found a team, no query per lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory_int.h"

static json_t *team_brief(const struct hk_route_snap *s, int t)
{
    const struct hk_route_team *tm = hk_route_team(s, t);

    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)tm->id, "name", tm->name, "type",
                     tm->type);
}

static json_t *contact_json(const struct hk_route_team *tm)
{
    if (!tm->contact_email)
        return json_null();
    return json_pack("{s:s, s:s, s:s}", "name", tm->contact_name ? tm->contact_name : "", "email",
                     tm->contact_email, "role", tm->contact_role ? tm->contact_role : "");
}

/* What VALUE is: an address, a network, an ASN, a URL or e-mail (their host), a domain. */
static hk_err classify(struct hk_ctx *ctx, const char *value, enum hk_obs_type *type, char *norm,
                       size_t normsz)
{
    struct hk_prefix p;
    uint32_t asn;

    if (!value || !*value || strlen(value) > HK_OBS_VALUE_MAX)
        return hk_errf(ctx->em, HK_EINVAL,
                       "give an IP address, a domain, a URL, an e-mail "
                       "address or an AS number");
    if (!hk_prefix_parse(value, true, &p, NULL)) {
        *type = strchr(value, '/') ? HK_OBS_CIDR : p.family == 4 ? HK_OBS_IPV4 : HK_OBS_IPV6;
        hk_prefix_fmt(&p, norm);
        if (*type != HK_OBS_CIDR)
            *strchr(norm, '/') = '\0';
        return HK_OK;
    }
    if (!hk_asn_parse(value, &asn, NULL)) {
        *type = HK_OBS_ASN;
        (void)snprintf(norm, normsz, "AS%u", asn);
        return HK_OK;
    }
    if (hk_obs_classify(value, type, norm, normsz) == HK_OK &&
        (*type == HK_OBS_URL || *type == HK_OBS_EMAIL || *type == HK_OBS_DOMAIN))
        return HK_OK;
    /* A domain whose TLD the extractor does not know ("corp.internal") is still routable. */
    if (!hk_domain_norm(value, norm, normsz, NULL) && !strchr(value, '/') && !strchr(value, '@')) {
        *type = HK_OBS_DOMAIN;
        return HK_OK;
    }
    return hk_errf(ctx->em, HK_EINVAL,
                   "'%.100s' is not an IP address, domain, URL, e-mail "
                   "address or AS number",
                   value);
}

hk_err hk_route_value(struct hk_ctx *ctx, const char *value, json_t **out)
{
    struct hk_route_snap s;
    struct hk_route_result r;
    enum hk_obs_type type;
    char norm[HK_OBS_VALUE_MAX + 1];
    json_t *o, *chain;
    hk_err err;

    if ((err = classify(ctx, value, &type, norm, sizeof(norm))) ||
        (err = hk_route_acquire(ctx, &s)))
        return err;
    hk_route_lookup(&s, type, norm, &r);
    o = json_pack("{s:s, s:s, s:s}", "value", value, "type", hk_obs_type_name(type), "lookup",
                  norm);
    if (r.team < 0) {
        json_object_set_new(o, "team", json_null());
        json_object_set_new(o, "match", json_null());
        json_object_set_new(o, "chain", json_array());
        json_object_set_new(o, "contact", json_null());
    } else {
        const struct hk_route_team *tm = hk_route_team(&s, r.team);
        json_t *team = team_brief(&s, r.team);
        json_object_set_new(team, "email", json_string(tm->email));
        json_object_set_new(team, "language", json_string(tm->language));
        json_object_set_new(team, "notify_format", json_string(tm->notify_format));
        json_object_set_new(o, "team", team);
        json_object_set_new(o, "match", hk_route_match_json(&r));
        chain = json_array();
        for (int t = r.team, d = 0; t >= 0 && d <= HK_DIR_MAX_DEPTH; d++) {
            json_array_append_new(chain, team_brief(&s, t));
            t = hk_route_team(&s, t)->parent;
        }
        json_object_set_new(o, "chain", chain);
        json_object_set_new(o, "contact", contact_json(tm));
    }
    hk_route_release(&s);
    *out = o;
    return HK_OK;
}

hk_err hk_pfx2as_load(struct hk_ctx *ctx, const char *source, const char *p, size_t n, json_t **out)
{
    struct hk_pfx2as t;
    struct hk_buf canon = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_t *after = NULL;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)))
        return err;
    if ((err = hk_pfx2as_parse(p, n, &t, ctx->em)))
        return err;
    /* Stored canonically: one "prefix<TAB>length<TAB>origins" line per entry. */
    for (size_t i = 0; i < t.n; i++) {
        char txt[64], *slash;
        hk_prefix_fmt(&t.e[i].p, txt);
        slash = strchr(txt, '/');
        *slash = '\t';
        (void)hk_buf_appends(&canon, txt);
        for (uint32_t k = 0; k < t.e[i].nasn; k++)
            (void)hk_buf_appendf(&canon, "%c%u", k ? '_' : '\t', t.asns[t.e[i].asn_off + k]);
        (void)hk_buf_appendc(&canon, '\n');
    }
    err = hk_store_exec(ctx->st, HK_Q_PFX2AS_SET,
                        HK_SQL_ARGS(hk_sql_text(source ? source : ""), hk_sql_int((int64_t)t.n4),
                                    hk_sql_int((int64_t)t.n6),
                                    hk_sql_textn(hk_buf_str(&canon), canon.len),
                                    hk_sql_int(ctx->now)),
                        NULL);
    after = json_pack("{s:s, s:I, s:I, s:I}", "source", source ? source : "", "prefixes",
                      (json_int_t)t.n, "ipv4", (json_int_t)t.n4, "ipv6", (json_int_t)t.n6);
    if (!err)
        err = hk_audit(ctx, "pfx2as.load", "pfx2as", 1, NULL, after);
    if (!err)
        err = hk_dir_bump_gen(ctx, "pfx2as_gen");
    if (!err) {
        json_object_set_new(after, "origins", json_integer((json_int_t)t.nasns));
        *out = after;
        after = NULL;
    }
    json_decref(after);
    hk_buf_release(&canon);
    hk_pfx2as_release(&t);
    return err;
}

hk_err hk_pfx2as_info(struct hk_ctx *ctx, json_t **out)
{
    json_t *row = NULL;
    hk_err err = hk_store_row(ctx->st, HK_Q_PFX2AS_INFO, NULL, 0, &row);

    if (err == HK_ENOTFOUND) {
        *out = json_pack("{s:b}", "loaded", 0);
        return HK_OK;
    }
    if (!err) {
        json_object_set_new(row, "loaded", json_true());
        *out = row;
    }
    return err;
}

static bool routable(enum hk_obs_type t)
{
    return t == HK_OBS_IPV4 || t == HK_OBS_IPV6 || t == HK_OBS_CIDR || t == HK_OBS_DOMAIN ||
           t == HK_OBS_URL || t == HK_OBS_EMAIL || t == HK_OBS_ASN;
}

hk_err hk_route_report(struct hk_ctx *ctx, int64_t report_id, const struct hk_obs_list *obs)
{
    struct hk_route_snap s;
    hk_err err = HK_OK;
    int64_t pos = 0;
    bool any = false;

    for (size_t i = 0; i < obs->n && !any; i++)
        any = routable(obs->items[i].type);
    if (!any)
        return HK_OK;
    if ((err = hk_route_acquire(ctx, &s)))
        return err;
    if (!s.dir->nteams) {
        hk_route_release(&s);
        return HK_OK;
    }
    for (size_t i = 0; !err && i < obs->n; i++) {
        const struct hk_observable *o = &obs->items[i];
        struct hk_route_result r;
        json_t *m;
        char *mt;
        if (!routable(o->type))
            continue;
        hk_route_lookup(&s, o->type, o->value, &r);
        if (r.team < 0)
            continue;
        m = hk_route_match_json(&r);
        mt = json_dumps(m, JSON_COMPACT);
        err = hk_store_exec(
            ctx->st, HK_Q_ROUTE_INSERT,
            HK_SQL_ARGS(hk_sql_int(report_id), hk_sql_int(pos++),
                        hk_sql_text(hk_obs_type_name(o->type)), hk_sql_textn(o->value, o->len),
                        hk_sql_int(r.team_id), hk_sql_text(r.team_name), hk_sql_text(mt),
                        hk_sql_int((r.kind == HK_MATCH_PFX2AS ? 0 : 1000) + r.depth)),
            NULL);
        free(mt);
        json_decref(m);
    }
    hk_route_release(&s);
    return err;
}

hk_err hk_route_incident_team(struct hk_ctx *ctx, int64_t incident_id)
{
    json_t *row = NULL, *a = NULL, *b = NULL;
    hk_err err =
        hk_store_row(ctx->st, HK_Q_INCIDENT_ROUTE_TEAM, HK_SQL_ARGS(hk_sql_int(incident_id)), &row);

    if (err == HK_ENOTFOUND)
        return HK_OK;
    if (!err)
        err =
            hk_store_exec(ctx->st, HK_Q_INCIDENT_SET_TEAM,
                          HK_SQL_ARGS(hk_sql_int(incident_id),
                                      hk_sql_text(hk_dir_jstr(row, "team")), hk_sql_int(ctx->now)),
                          NULL);
    if (!err && hk_store_changes(ctx->st) > 0) {
        b = json_pack("{s:s}", "team", "");
        a = json_pack("{s:s, s:s}", "team", hk_dir_jstr(row, "team"), "reason",
                      "auto-routing: the most specific route of the incident's first routed "
                      "report");
        err = hk_audit(ctx, "incident.team", "incident", incident_id, b, a);
    }
    json_decref(row);
    json_decref(a);
    json_decref(b);
    return err;
}

static void route_row(json_t *r)
{
    json_t *tid = json_object_get(r, "team_id");

    if (json_is_null(tid))
        json_object_del(r, "team_id");
}

hk_err hk_route_attach_report(struct hk_ctx *ctx, json_t *report)
{
    json_t *rows = NULL, *r;
    size_t i;
    hk_err err = hk_store_rows(
        ctx->st, HK_Q_ROUTES_OF_REPORT,
        HK_SQL_ARGS(hk_sql_int(json_integer_value(json_object_get(report, "id")))), &rows);

    if (err)
        return err;
    json_array_foreach(rows, i, r) route_row(r);
    json_object_set_new(report, "routes", rows);
    return HK_OK;
}

hk_err hk_route_attach_incident(struct hk_ctx *ctx, json_t *incident)
{
    json_t *rows = NULL, *keep = json_array(), *teams = json_array(), *r, *rep, *t;
    size_t i, j, k;
    hk_err err = hk_store_rows(
        ctx->st, HK_Q_ROUTES_OF_INCIDENT,
        HK_SQL_ARGS(hk_sql_int(json_integer_value(json_object_get(incident, "id")))), &rows);

    if (err) {
        json_decref(keep);
        json_decref(teams);
        return err;
    }
    /* Only routes of reports the caller can see (the incident's "reports" is filtered). */
    json_array_foreach(rows, i, r)
    {
        bool vis = false, seen = false;
        json_array_foreach(json_object_get(incident, "reports"), j,
                           rep) if (json_integer_value(json_object_get(rep, "id")) ==
                                    json_integer_value(json_object_get(r, "report_id"))) vis = true;
        if (!vis)
            continue;
        route_row(r);
        json_array_append(keep, r);
        json_array_foreach(teams, k, t) if (!strcmp(json_string_value(t), hk_dir_jstr(r, "team")))
            seen = true;
        if (!seen)
            json_array_append_new(teams, json_string(hk_dir_jstr(r, "team")));
    }
    json_decref(rows);
    json_object_set_new(incident, "routes", keep);
    json_object_set_new(incident, "teams", teams);
    return HK_OK;
}
