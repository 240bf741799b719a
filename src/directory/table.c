/* SPDX-License-Identifier: MIT */
/*
 * The compiled routing snapshot: the directory (teams, their chosen contact and depth in
 * the coordination tree, IPv4/IPv6 tries, a domain-suffix hash, an ASN hash) and, as a
 * separate snapshot, the pfx2as table (its tries and origin lists). Both are immutable once
 * built and reference-counted; the current pair is swapped under a mutex held only for a
 * pointer exchange and a counter increment, so lookups themselves never lock (the RCU
 * idea with reference counts instead of grace periods).
 *
 * Staleness is decided by the database: every directory change writes a new random
 * "directory_gen" in meta, a pfx2as load a new "pfx2as_gen". hk_route_acquire reads both
 * (one query) and rebuilds what differs, inside the caller's transaction, so the snapshot
 * it hands out matches what that transaction sees. A snapshot built inside a transaction
 * that later rolls back carries a generation never committed: the next acquire sees the
 * mismatch and rebuilds. Generations are random, so no two databases share one.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory_int.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hk_dir *g_dir;
static struct hk_pfxtab *g_pfx;

const char *hk_dir_jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

hk_err hk_dir_require_staff(struct hk_ctx *ctx)
{
    if (hk_is_staff(ctx))
        return HK_OK;
    return hk_errf(ctx->em, HK_EPERM, "this action needs the handler or admin role");
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 31);
}

static const char *keep(struct hk_dir *d, const char *s)
{
    if (d->nstrings == d->capstrings) {
        d->capstrings = d->capstrings ? d->capstrings * 2 : 64;
        d->strings = hk_xrealloc(d->strings, d->capstrings * sizeof(char *));
    }
    return d->strings[d->nstrings++] = hk_xstrdup(s ? s : "");
}

void hk_dir_unref(struct hk_dir *d)
{
    if (!d || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->teams);
    free(d->depth);
    free(d->entries);
    hk_lpm_free(d->v4);
    hk_lpm_free(d->v6);
    free(d->dom);
    free(d->asn);
    free(d);
}

void hk_pfxtab_unref(struct hk_pfxtab *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    hk_pfx2as_release(&p->data);
    hk_lpm_free(p->v4);
    hk_lpm_free(p->v6);
    free(p);
}

int hk_dir_domain_team(const struct hk_dir *d, const char *name)
{
    size_t h;

    if (!d->dom)
        return -1;
    for (h = (size_t)str_hash(name) & d->dmask; d->dom[h].name; h = (h + 1) & d->dmask)
        if (!strcmp(d->dom[h].name, name))
            return d->dom[h].team;
    return -1;
}

int hk_dir_asn_team(const struct hk_dir *d, uint32_t asn)
{
    size_t h;

    if (!d->asn)
        return -1;
    for (h = (size_t)(asn * 2654435761u) & d->amask; d->asn[h].asn; h = (h + 1) & d->amask)
        if (d->asn[h].asn == asn)
            return d->asn[h].team;
    return -1;
}

static int team_index(const struct hk_dir *d, int64_t id)
{
    size_t lo = 0, hi = d->nteams;

    while (lo < hi) { /* teams are ordered by id */
        size_t mid = (lo + hi) / 2;
        if (d->teams[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nteams && d->teams[lo].id == id ? (int)lo : -1;
}

static void load_teams(struct hk_dir *d, json_t *teams, json_t *contacts)
{
    json_t *r;
    size_t i;
    bool *pref;

    d->nteams = json_array_size(teams);
    d->teams = hk_xcalloc(d->nteams + 1, sizeof(*d->teams));
    d->depth = hk_xcalloc(d->nteams + 1, sizeof(int));
    pref = hk_xcalloc(d->nteams + 1, sizeof(bool));
    json_array_foreach(teams, i, r)
    {
        struct hk_route_team *t = &d->teams[i];
        t->id = json_integer_value(json_object_get(r, "id"));
        t->name = keep(d, hk_dir_jstr(r, "name"));
        t->type = keep(d, hk_dir_jstr(r, "type"));
        t->email = keep(d, hk_dir_jstr(r, "email"));
        t->language = keep(d, hk_dir_jstr(r, "language"));
        t->notify_format = keep(d, hk_dir_jstr(r, "notify_format"));
        t->parent = -1;
    }
    json_array_foreach(teams, i, r)
    {
        int64_t pid = json_integer_value(json_object_get(r, "parent_id"));
        d->teams[i].parent = pid ? team_index(d, pid) : -1;
    }
    for (i = 0; i < d->nteams; i++) {
        int depth = 0;
        for (int p = d->teams[i].parent; p >= 0 && depth <= HK_DIR_MAX_DEPTH;
             p = d->teams[p].parent)
            depth++;
        d->depth[i] = depth;
    }
    /* The contact to use: the first abuse/incident contact, else the team e-mail, else the
     * first contact with an e-mail address. Contacts come ordered by team, then id. */
    json_array_foreach(contacts, i, r)
    {
        int t = team_index(d, json_integer_value(json_object_get(r, "team_id")));
        const char *role = hk_dir_jstr(r, "role"), *email = hk_dir_jstr(r, "email");
        bool p = !strcmp(role, "abuse") || !strcmp(role, "incident");
        struct hk_route_team *tm;
        if (t < 0 || !*email || pref[t] || (d->teams[t].contact_email && !p))
            continue;
        tm = &d->teams[t];
        tm->contact_name = keep(d, hk_dir_jstr(r, "name"));
        tm->contact_email = keep(d, email);
        tm->contact_role = keep(d, role);
        pref[t] = p;
    }
    for (i = 0; i < d->nteams; i++) {
        struct hk_route_team *tm = &d->teams[i];
        if (!pref[i] && *tm->email) {
            tm->contact_name = tm->name;
            tm->contact_email = tm->email;
            tm->contact_role = "team";
        }
    }
    free(pref);
}

static size_t table_mask(size_t n)
{
    size_t m = 16;

    while (m < 2 * n + 2)
        m <<= 1;
    return m - 1;
}

/* Fills the tries and hashes from the constituency rows. */
static hk_err load_constituency(struct hk_dir *d, json_t *rows)
{
    size_t n = json_array_size(rows), n4 = 0, n6 = 0, nd = 0, na = 0, i;
    struct hk_lpm_prefix *p4 = hk_xcalloc(n + 1, sizeof(*p4)), *p6 = hk_xcalloc(n + 1, sizeof(*p6));
    json_t *r;
    hk_err err;

    d->entries = hk_xcalloc(n + 1, sizeof(*d->entries));
    d->dmask = table_mask(n);
    d->amask = table_mask(n);
    d->dom = hk_xcalloc(d->dmask + 1, sizeof(*d->dom));
    d->asn = hk_xcalloc(d->amask + 1, sizeof(*d->asn));
    json_array_foreach(rows, i, r)
    {
        const char *kind = hk_dir_jstr(r, "kind"), *val = hk_dir_jstr(r, "value");
        int t = team_index(d, json_integer_value(json_object_get(r, "team_id")));
        struct dir_entry *e = &d->entries[d->nentries];
        if (t < 0)
            continue;
        e->team = t;
        if (!strcmp(kind, "ipv4") || !strcmp(kind, "ipv6")) {
            struct hk_prefix p;
            struct hk_lpm_prefix *lp;
            if (hk_prefix_parse(val, true, &p, NULL))
                continue;
            lp = p.family == 4 ? &p4[n4++] : &p6[n6++];
            memcpy(lp->addr, p.addr, 16);
            lp->len = p.len;
            lp->value = (uint32_t)d->nentries + 1;
            hk_prefix_fmt(&p, e->text);
            e->len = p.len;
            d->nentries++;
        } else if (!strcmp(kind, "domain")) {
            size_t h = (size_t)str_hash(val) & d->dmask;
            while (d->dom[h].name)
                h = (h + 1) & d->dmask;
            d->dom[h].name = (char *)keep(d, val);
            d->dom[h].team = t;
            nd++;
        } else if (!strcmp(kind, "asn")) {
            uint32_t a;
            size_t h;
            if (hk_asn_parse(val, &a, NULL))
                continue;
            for (h = (size_t)(a * 2654435761u) & d->amask; d->asn[h].asn; h = (h + 1) & d->amask)
                ;
            d->asn[h].asn = a;
            d->asn[h].team = t;
            na++;
        }
    }
    err = hk_lpm_build(4, p4, n4, &d->v4);
    if (!err)
        err = hk_lpm_build(6, p6, n6, &d->v6);
    free(p4);
    free(p6);
    return err;
}

hk_err hk_dir_build(struct hk_ctx *ctx, const char *gen, struct hk_dir **out)
{
    json_t *teams = NULL, *contacts = NULL, *cons = NULL;
    struct hk_dir *d;
    hk_err err;

    *out = NULL;
    if ((err = hk_store_rows(ctx->st, HK_Q_TEAM_ALL, NULL, 0, &teams)) ||
        (err = hk_store_rows(ctx->st, HK_Q_CONTACT_ALL, NULL, 0, &contacts)) ||
        (err = hk_store_rows(ctx->st, HK_Q_CONST_ALL, NULL, 0, &cons)))
        goto out;
    d = hk_xcalloc(1, sizeof(*d));
    atomic_init(&d->refs, 1);
    (void)snprintf(d->gen, sizeof(d->gen), "%s", gen);
    load_teams(d, teams, contacts);
    if ((err = load_constituency(d, cons))) {
        hk_dir_unref(d);
        goto out;
    }
    *out = d;
out:
    json_decref(teams);
    json_decref(contacts);
    json_decref(cons);
    return err;
}

hk_err hk_pfxtab_build(struct hk_ctx *ctx, const char *gen, struct hk_pfxtab **out)
{
    json_t *row = NULL;
    struct hk_pfxtab *p = hk_xcalloc(1, sizeof(*p));
    struct hk_lpm_prefix *p4 = NULL, *p6 = NULL;
    size_t n4 = 0, n6 = 0;
    hk_err err;

    atomic_init(&p->refs, 1);
    (void)snprintf(p->gen, sizeof(p->gen), "%s", gen);
    err = hk_store_row(ctx->st, HK_Q_PFX2AS_DATA, NULL, 0, &row);
    if (err == HK_ENOTFOUND)
        err = HK_OK;
    else if (!err) {
        json_t *data = json_object_get(row, "data");
        err = hk_pfx2as_parse(json_string_value(data), json_string_length(data), &p->data, NULL);
    }
    if (err)
        goto out;
    p4 = hk_xmalloc((p->data.n4 + 1) * sizeof(*p4));
    p6 = hk_xmalloc((p->data.n6 + 1) * sizeof(*p6));
    for (size_t i = 0; i < p->data.n; i++) {
        const struct hk_pfx2as_entry *e = &p->data.e[i];
        struct hk_lpm_prefix *lp = e->p.family == 4 ? &p4[n4++] : &p6[n6++];
        memcpy(lp->addr, e->p.addr, 16);
        lp->len = e->p.len;
        lp->value = (uint32_t)i + 1;
    }
    err = hk_lpm_build(4, p4, n4, &p->v4);
    if (!err)
        err = hk_lpm_build(6, p6, n6, &p->v6);
out:
    free(p4);
    free(p6);
    json_decref(row);
    if (err) {
        hk_pfxtab_unref(p);
        p = NULL;
    }
    *out = p;
    return err;
}

hk_err hk_route_acquire(struct hk_ctx *ctx, struct hk_route_snap *s)
{
    json_t *g = NULL;
    const char *dg, *pg;
    struct hk_dir *d = NULL;
    struct hk_pfxtab *p = NULL;
    hk_err err = hk_store_row(ctx->st, HK_Q_ROUTE_GENS, NULL, 0, &g);

    s->dir = NULL;
    s->pfx = NULL;
    if (err)
        return err;
    dg = hk_dir_jstr(g, "dir");
    pg = hk_dir_jstr(g, "pfx");
    pthread_mutex_lock(&g_mu);
    if (g_dir && !strcmp(g_dir->gen, dg)) {
        d = g_dir;
        atomic_fetch_add(&d->refs, 1);
    }
    if (g_pfx && !strcmp(g_pfx->gen, pg)) {
        p = g_pfx;
        atomic_fetch_add(&p->refs, 1);
    }
    pthread_mutex_unlock(&g_mu);
    /* Rebuild outside the lock; install what we built (another thread may do the same:
     * both snapshots are correct for their generation, the later one stays). */
    if (!d && !(err = hk_dir_build(ctx, dg, &d))) {
        atomic_fetch_add(&d->refs, 1);
        pthread_mutex_lock(&g_mu);
        struct hk_dir *old = g_dir;
        g_dir = d;
        pthread_mutex_unlock(&g_mu);
        hk_dir_unref(old);
    }
    if (!err && !p && !(err = hk_pfxtab_build(ctx, pg, &p))) {
        atomic_fetch_add(&p->refs, 1);
        pthread_mutex_lock(&g_mu);
        struct hk_pfxtab *old = g_pfx;
        g_pfx = p;
        pthread_mutex_unlock(&g_mu);
        hk_pfxtab_unref(old);
    }
    json_decref(g);
    if (err) {
        hk_dir_unref(d);
        hk_pfxtab_unref(p);
        return err;
    }
    s->dir = d;
    s->pfx = p;
    return HK_OK;
}

void hk_route_release(struct hk_route_snap *s)
{
    hk_dir_unref(s->dir);
    hk_pfxtab_unref(s->pfx);
    s->dir = NULL;
    s->pfx = NULL;
}

const struct hk_route_team *hk_route_team(const struct hk_route_snap *s, int team)
{
    if (!s->dir || team < 0 || (size_t)team >= s->dir->nteams)
        return NULL;
    return &s->dir->teams[team];
}

size_t hk_route_team_count(const struct hk_route_snap *s)
{
    return s->dir ? s->dir->nteams : 0;
}

static void set_team(const struct hk_dir *d, int t, enum hk_match_kind kind,
                     struct hk_route_result *r)
{
    r->kind = kind;
    r->team = t;
    r->team_id = d->teams[t].id;
    r->team_name = d->teams[t].name;
    r->depth = d->depth[t];
}

/* An address: team prefixes first, then the pfx2as origin AS of the address. */
static void route_addr(const struct hk_route_snap *s, const struct hk_prefix *a,
                       struct hk_route_result *r)
{
    uint32_t v, a4 = 0;

    if (a->family == 4) {
        a4 = ((uint32_t)a->addr[0] << 24) | ((uint32_t)a->addr[1] << 16) |
             ((uint32_t)a->addr[2] << 8) | a->addr[3];
        v = hk_lpm_lookup4(s->dir->v4, a4);
    } else {
        v = hk_lpm_lookup6(s->dir->v6, a->addr);
    }
    if (v) {
        const struct dir_entry *e = &s->dir->entries[v - 1];
        /* A CIDR value matches only a team prefix that covers all of it. */
        if (e->len <= a->len) {
            set_team(s->dir, e->team, HK_MATCH_PREFIX, r);
            r->matched = e->text;
        }
        return;
    }
    if (!s->pfx || !s->pfx->v4)
        return;
    v = a->family == 4 ? hk_lpm_lookup4(s->pfx->v4, a4) : hk_lpm_lookup6(s->pfx->v6, a->addr);
    if (v) {
        const struct hk_pfx2as_entry *e = &s->pfx->data.e[v - 1];
        if (e->p.len > a->len)
            return;
        for (uint32_t k = 0; k < e->nasn; k++) {
            uint32_t asn = s->pfx->data.asns[e->asn_off + k];
            int t = hk_dir_asn_team(s->dir, asn);
            if (t >= 0) {
                set_team(s->dir, t, HK_MATCH_PFX2AS, r);
                r->asn = asn;
                hk_prefix_fmt(&e->p, r->via);
                r->matched = NULL;
                return;
            }
        }
    }
}

/* A domain: the longest suffix, label by label. */
static void route_domain(const struct hk_route_snap *s, const char *name, struct hk_route_result *r)
{
    for (const char *p = name; p && *p;) {
        int t = hk_dir_domain_team(s->dir, p);
        if (t >= 0) {
            set_team(s->dir, t, HK_MATCH_DOMAIN, r);
            for (size_t h = (size_t)str_hash(p) & s->dir->dmask; s->dir->dom[h].name;
                 h = (h + 1) & s->dir->dmask)
                if (!strcmp(s->dir->dom[h].name, p))
                    r->matched = s->dir->dom[h].name;
            return;
        }
        p = strchr(p, '.');
        if (p)
            p++;
    }
}

/* The host of a URL ("hxxp" and defanging are already undone by extraction). */
static bool url_host(const char *url, char *out, size_t outsz)
{
    const char *p = strstr(url, "://"), *e, *at;
    size_t n;

    p = p ? p + 3 : url;
    e = p + strcspn(p, "/?#");
    at = memchr(p, '@', (size_t)(e - p));
    if (at)
        p = at + 1;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(e - p));
        if (!rb)
            return false;
        p++;
        e = rb;
    } else {
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (colon)
            e = colon;
    }
    n = (size_t)(e - p);
    if (!n || n >= outsz)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static void route_host(const struct hk_route_snap *s, const char *host, struct hk_route_result *r)
{
    struct hk_prefix a;
    char dom[300];

    if (strchr(host, '/'))
        return;
    if (!hk_prefix_parse(host, false, &a, NULL))
        route_addr(s, &a, r);
    else if (!hk_domain_norm(host, dom, sizeof(dom), NULL))
        route_domain(s, dom, r);
}

void hk_route_lookup(const struct hk_route_snap *s, enum hk_obs_type type, const char *value,
                     struct hk_route_result *r)
{
    struct hk_prefix a;
    char host[300];
    uint32_t asn;
    int t;

    memset(r, 0, sizeof(*r));
    r->team = -1;
    if (!s->dir || !value)
        return;
    switch (type) {
    case HK_OBS_IPV4:
    case HK_OBS_IPV6:
    case HK_OBS_CIDR:
        if (!hk_prefix_parse(value, type == HK_OBS_CIDR, &a, NULL))
            route_addr(s, &a, r);
        break;
    case HK_OBS_DOMAIN:
        route_host(s, value, r);
        break;
    case HK_OBS_URL:
        if (url_host(value, host, sizeof(host)))
            route_host(s, host, r);
        break;
    case HK_OBS_EMAIL:
        if (strrchr(value, '@'))
            route_host(s, strrchr(value, '@') + 1, r);
        break;
    case HK_OBS_ASN:
        if (!hk_asn_parse(value, &asn, NULL) && (t = hk_dir_asn_team(s->dir, asn)) >= 0) {
            set_team(s->dir, t, HK_MATCH_ASN, r);
            r->asn = asn;
        }
        break;
    default:
        break;
    }
}

json_t *hk_route_match_json(const struct hk_route_result *r)
{
    switch (r->kind) {
    case HK_MATCH_PREFIX:
        return json_pack("{s:s, s:s, s:s}", "kind", "prefix", "value", r->matched, "how",
                         "longest prefix match");
    case HK_MATCH_PFX2AS:
        return json_pack("{s:s, s:I, s:s, s:s}", "kind", "asn", "asn", (json_int_t)r->asn, "via",
                         r->via, "how", "origin AS of the announced prefix (pfx2as)");
    case HK_MATCH_DOMAIN:
        return json_pack("{s:s, s:s, s:s}", "kind", "domain", "value", r->matched, "how",
                         "longest domain suffix");
    case HK_MATCH_ASN:
        return json_pack("{s:s, s:I, s:s}", "kind", "asn", "asn", (json_int_t)r->asn, "how",
                         "AS number listed by the team");
    default:
        return json_null();
    }
}
