/* SPDX-License-Identifier: MIT */
/*
 * Visibility rules (TLP 2.0) and the request context. The same rules are pushed into
 * SQL for lists (store/sqlite_list.c); keep the two in step.
 *  - admin and the local operator: everything;
 *  - TLP:RED: only users explicitly on the incident (incident_members);
 *  - TLP:AMBER+STRICT: those users and the incident's owning team;
 *  - reporters and peers: only reports they submitted, and incidents they are on;
 *  - sensors: nothing (they only submit).
 */
#include <string.h>

#include "handling/handling_int.h"

void hk_config_defaults(struct hk_config *c)
{
    c->correlation_window = 30 * 86400;
    c->sla_first_response[0] = 72 * 3600; /* low */
    c->sla_first_response[1] = 24 * 3600; /* medium */
    c->sla_first_response[2] = 4 * 3600;  /* high */
    c->sla_first_response[3] = 1 * 3600;  /* critical */
    c->max_body = 1 << 20;
    c->max_content = 1 << 20;
    c->session_idle = 2 * 3600;
    c->session_lifetime = 12 * 3600;
}

static hk_err duration(const char *p, size_t n, int64_t *out)
{
    int64_t v = 0, unit;

    if (n < 2)
        return HK_EINVAL;
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] < '0' || p[i] > '9' || v > 100000000)
            return HK_EINVAL;
        v = v * 10 + (p[i] - '0');
    }
    switch (p[n - 1]) {
    case 'd':
        unit = 86400;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'm':
        unit = 60;
        break;
    case 's':
        unit = 1;
        break;
    default:
        return HK_EINVAL;
    }
    *out = v * unit;
    return v ? HK_OK : HK_EINVAL;
}

hk_err hk_config_sla_parse(struct hk_config *c, const char *s, struct hk_errmsg *em)
{
    static const char *const sev[] = {"low", "medium", "high", "critical"};
    int64_t t[4];

    memcpy(t, c->sla_first_response, sizeof(t));
    while (*s) {
        size_t n = strcspn(s, ","), k;
        const char *eq = memchr(s, '=', n);
        int i;
        if (!eq)
            return hk_errf(em, HK_EINVAL, "SLA entry '%.*s' is not SEVERITY=DURATION", (int)n, s);
        k = (size_t)(eq - s);
        for (i = 0; i < 4 && (strlen(sev[i]) != k || strncmp(sev[i], s, k)); i++)
            ;
        if (i == 4 || duration(eq + 1, n - k - 1, &t[i]))
            return hk_errf(em, HK_EINVAL,
                           "bad SLA entry '%.*s' (low|medium|high|critical = N followed by d, h, "
                           "m or s)",
                           (int)n, s);
        s += n + (s[n] == ',');
    }
    memcpy(c->sla_first_response, t, sizeof(t));
    return HK_OK;
}

void hk_ctx_init(struct hk_ctx *ctx, struct hk_store *st, const struct hk_principal *who,
                 const struct hk_config *cfg, struct hk_errmsg *em)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->st = st;
    ctx->who = *who;
    ctx->cfg = cfg;
    ctx->now = hk_now();
    ctx->em = em;
    hk_obs_list_init(&ctx->obs, HK_OBS_DEFAULT_MAX);
}

void hk_ctx_release(struct hk_ctx *ctx)
{
    hk_obs_list_release(&ctx->obs);
}

bool hk_is_staff(const struct hk_ctx *ctx)
{
    return ctx->who.role == HK_ROLE_ADMIN || ctx->who.role == HK_ROLE_HANDLER;
}

static bool is_member(struct hk_ctx *ctx, int64_t incident_id)
{
    int64_t n = 0;

    if (!incident_id || !ctx->who.user_id)
        return false;
    if (hk_store_scalar(ctx->st, HK_Q_MEMBER_CHECK,
                        HK_SQL_ARGS(hk_sql_int(incident_id), hk_sql_int(ctx->who.user_id)), &n))
        return false;
    return n > 0;
}

/* The TLP rule shared by incidents and reports (team: the owning team, may be ""). */
static bool tlp_allows(struct hk_ctx *ctx, const char *tlp, const char *team, int64_t incident_id)
{
    if (strcmp(tlp, "RED") && strcmp(tlp, "AMBER+STRICT"))
        return true;
    if (is_member(ctx, incident_id))
        return true;
    return !strcmp(tlp, "AMBER+STRICT") && *team && !strcmp(team, ctx->who.team);
}

bool hk_can_read_incident(struct hk_ctx *ctx, json_t *inc)
{
    int64_t id = json_integer_value(json_object_get(inc, "id"));

    if (ctx->who.role == HK_ROLE_ADMIN)
        return true;
    if (ctx->who.role == HK_ROLE_SENSOR)
        return false;
    if (!hk_is_staff(ctx) && !is_member(ctx, id))
        return false;
    return tlp_allows(ctx, hk_jstr(inc, "tlp"), hk_jstr(inc, "team"), id);
}

/*
 * A report is readable by its submitter; otherwise by staff when both its own TLP allows
 * it and, once it is part of an incident, the incident is readable too (a TLP:AMBER
 * report inside a TLP:RED incident is as restricted as the incident).
 */
bool hk_can_read_report(struct hk_ctx *ctx, json_t *rep)
{
    int64_t reporter = json_integer_value(json_object_get(rep, "reporter_id"));
    int64_t inc = json_integer_value(json_object_get(rep, "incident_id"));
    const char *team = "";
    json_t *i = NULL;
    bool ok;

    if (ctx->who.role == HK_ROLE_ADMIN)
        return true;
    if (ctx->who.user_id && reporter == ctx->who.user_id)
        return true;
    if (!hk_is_staff(ctx))
        return false;
    if (inc && !hk_store_row(ctx->st, HK_Q_INCIDENT_GET, HK_SQL_ARGS(hk_sql_int(inc)), &i)) {
        team = hk_jstr(i, "team");
        if (!hk_can_read_incident(ctx, i)) {
            json_decref(i);
            return false;
        }
    }
    ok = tlp_allows(ctx, hk_jstr(rep, "tlp"), team, inc);
    json_decref(i);
    return ok;
}
