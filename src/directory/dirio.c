/* SPDX-License-Identifier: MIT */
/*
 * Moving the directory in and out: JSON ({"teams": [...]}, each team in the create
 * shape, so an export imports back unchanged) and CSV (RFC 4180: one row per team, list
 * columns joined with ';', a contact as "role|name|email|phone"), and a team's
 * security.txt. An import is all or nothing in the caller's transaction; parents may name
 * teams that come later in the file, so they are set in a second pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory_int.h"

static const char *const csv_cols[] = {
    "name",          "full_name", "type",      "parent",          "email",    "phone",
    "timezone",      "hours",     "languages", "pgp_fingerprint", "pgp_key",  "web",
    "notify_format", "language",  "policy",    "encryption",      "networks", "domains",
    "asns",          "contacts",  NULL};

/* A team in the create shape (no ids, no times, parent by name). */
static hk_err team_export_json(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    json_t *t = NULL;
    hk_err err = hk_dir_team_json(ctx, id, false, &t);

    if (err)
        return err;
    json_object_del(t, "id");
    json_object_del(t, "parent_id");
    json_object_del(t, "created_at");
    json_object_del(t, "updated_at");
    if (json_is_null(json_object_get(t, "securitytxt_expires_at")))
        json_object_del(t, "securitytxt_expires_at");
    *out = t;
    return HK_OK;
}

static void csv_field(struct hk_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        (void)hk_buf_appends(b, s);
        return;
    }
    (void)hk_buf_appendc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            (void)hk_buf_appendc(b, '"');
        (void)hk_buf_appendc(b, *s);
    }
    (void)hk_buf_appendc(b, '"');
}

static void join(struct hk_buf *b, json_t *arr)
{
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v)
    {
        if (i)
            (void)hk_buf_appendc(b, ';');
        if (json_is_integer(v))
            (void)hk_buf_appendf(b, "%lld", (long long)json_integer_value(v));
        else
            (void)hk_buf_appends(b, json_string_value(v) ? json_string_value(v) : "");
    }
}

static void csv_row(struct hk_buf *b, json_t *t)
{
    struct hk_buf f = HK_BUF_INIT(HK_BUF_UNBOUNDED);

    for (int c = 0; csv_cols[c]; c++) {
        json_t *v = json_object_get(t, csv_cols[c]);
        hk_buf_reset(&f);
        if (!strcmp(csv_cols[c], "contacts")) {
            json_t *x;
            size_t i;
            json_array_foreach(v, i, x)(void) hk_buf_appendf(
                &f, "%s%s|%s|%s|%s", i ? ";" : "", hk_dir_jstr(x, "role"), hk_dir_jstr(x, "name"),
                hk_dir_jstr(x, "email"), hk_dir_jstr(x, "phone"));
        } else if (json_is_array(v)) {
            join(&f, v);
        } else if (json_is_string(v)) {
            (void)hk_buf_appends(&f, json_string_value(v));
        }
        if (c)
            (void)hk_buf_appendc(b, ',');
        csv_field(b, hk_buf_str(&f));
    }
    (void)hk_buf_appends(b, "\r\n");
    hk_buf_release(&f);
}

hk_err hk_directory_export(struct hk_ctx *ctx, const char *format, struct hk_buf *out)
{
    json_t *list = NULL, *teams = json_array(), *r;
    size_t i;
    bool csv = format && !strcmp(format, "csv");
    hk_err err;

    if (format && strcmp(format, "csv") && strcmp(format, "json")) {
        json_decref(teams);
        return hk_errf(ctx->em, HK_EINVAL, "unknown format '%s' (json, csv)", format);
    }
    err = hk_store_rows(ctx->st, HK_Q_TEAM_LIST, NULL, 0, &list);
    json_array_foreach(list, i, r)
    {
        json_t *t = NULL;
        if (err || (err = team_export_json(ctx, json_integer_value(json_object_get(r, "id")), &t)))
            break;
        json_array_append_new(teams, t);
    }
    if (!err && csv) {
        for (int c = 0; csv_cols[c]; c++)
            (void)hk_buf_appendf(out, "%s%s", c ? "," : "", csv_cols[c]);
        (void)hk_buf_appends(out, "\r\n");
        json_array_foreach(teams, i, r) csv_row(out, r);
    } else if (!err) {
        json_t *doc = json_pack("{s:i, s:O}", "version", 1, "teams", teams);
        char *txt = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        (void)hk_buf_appends(out, txt ? txt : "{}");
        (void)hk_buf_appendc(out, '\n');
        free(txt);
        json_decref(doc);
    }
    json_decref(list);
    json_decref(teams);
    return err;
}

/* ---- CSV reading (RFC 4180) ---- */

/* Reads one record from *p: fields into a new array; *line advances by the line breaks
 * consumed. HK_EPARSE on an unterminated quote. */
static hk_err csv_record(const char **p, const char *end, unsigned *line, json_t **out)
{
    struct hk_buf f = HK_BUF_INIT(1u << 20);
    json_t *rec = json_array();
    const char *s = *p;

    for (;;) {
        bool quoted = s < end && *s == '"';
        hk_buf_reset(&f);
        if (quoted) {
            s++;
            for (;;) {
                if (s >= end) {
                    hk_buf_release(&f);
                    json_decref(rec);
                    return HK_EPARSE;
                }
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') {
                        (void)hk_buf_appendc(&f, '"');
                        s += 2;
                        continue;
                    }
                    s++;
                    break;
                }
                if (*s == '\n')
                    (*line)++;
                if (hk_buf_appendc(&f, *s++)) {
                    hk_buf_release(&f);
                    json_decref(rec);
                    return HK_ETOOBIG;
                }
            }
        } else {
            const char *e = s;
            while (e < end && *e != ',' && *e != '\n' && *e != '\r')
                e++;
            (void)hk_buf_append(&f, s, (size_t)(e - s));
            s = e;
        }
        json_array_append_new(rec, json_stringn_nocheck(hk_buf_str(&f), f.len));
        if (s < end && *s == ',') {
            s++;
            continue;
        }
        if (s < end && *s == '\r')
            s++;
        if (s < end && *s == '\n') {
            s++;
            (*line)++;
        }
        break;
    }
    hk_buf_release(&f);
    *p = s;
    *out = rec;
    return HK_OK;
}

static json_t *split_list(const char *s, bool numbers)
{
    json_t *a = json_array();

    while (*s) {
        size_t n = strcspn(s, ";");
        while (n && (*s == ' '))
            s++, n--;
        if (n) {
            char *v = hk_xstrndup(s, n);
            int64_t x;
            if (numbers && !hk_parse_i64(v, &x))
                json_array_append_new(a, json_integer(x));
            else
                json_array_append_new(a, json_string(v));
            free(v);
        }
        s += n;
        if (*s == ';')
            s++;
    }
    return a;
}

static json_t *split_contacts(const char *s)
{
    json_t *a = json_array();

    while (*s) {
        size_t n = strcspn(s, ";");
        char *c = hk_xstrndup(s, n), *f[4] = {c, NULL, NULL, NULL}, *q = c;
        for (int k = 1; k < 4 && q; k++) {
            q = strchr(q, '|');
            if (q) {
                *q++ = '\0';
                f[k] = q;
            }
        }
        if (n)
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "role", f[0], "name",
                                               f[1] ? f[1] : "", "email", f[2] ? f[2] : "", "phone",
                                               f[3] ? f[3] : ""));
        free(c);
        s += n;
        if (*s == ';')
            s++;
    }
    return a;
}

/* A CSV record as a team object, by the header's column names. */
static hk_err csv_team(struct hk_ctx *ctx, json_t *hdr, json_t *rec, json_t **out)
{
    json_t *t = json_object(), *v;
    size_t i;

    if (json_array_size(rec) != json_array_size(hdr)) {
        json_decref(t);
        return hk_errf(ctx->em, HK_EPARSE, "%zu fields, the header has %zu", json_array_size(rec),
                       json_array_size(hdr));
    }
    json_array_foreach(rec, i, v)
    {
        const char *col = json_string_value(json_array_get(hdr, i)), *s = json_string_value(v);
        if (!*s && strcmp(col, "name"))
            continue;
        if (!strcmp(col, "contacts"))
            json_object_set_new(t, col, split_contacts(s));
        else if (!strcmp(col, "networks") || !strcmp(col, "domains") || !strcmp(col, "languages") ||
                 !strcmp(col, "asns"))
            json_object_set_new(t, col, split_list(s, !strcmp(col, "asns")));
        else
            json_object_set(t, col, v);
    }
    *out = t;
    return HK_OK;
}

static hk_err csv_teams(struct hk_ctx *ctx, const char *p, size_t n, json_t *teams, json_t *where)
{
    const char *end = p + n;
    unsigned line = 1, start;
    json_t *hdr = NULL, *rec = NULL, *v;
    size_t i;
    hk_err err = csv_record(&p, end, &line, &hdr);

    if (err)
        return hk_errf(ctx->em, HK_EPARSE, "line 1: unterminated quoted field");
    json_array_foreach(hdr, i, v)
    {
        bool ok = false;
        for (int c = 0; csv_cols[c] && !ok; c++)
            ok = !strcmp(csv_cols[c], json_string_value(v));
        if (!ok) {
            err =
                hk_errf(ctx->em, HK_EPARSE, "line 1: unknown column '%.64s'", json_string_value(v));
            goto out;
        }
    }
    while (p < end) {
        json_t *t = NULL;
        char at[32];
        start = line;
        if ((err = csv_record(&p, end, &line, &rec))) {
            err = hk_errf(ctx->em, HK_EPARSE, "line %u: unterminated quoted field", start);
            goto out;
        }
        if (json_array_size(rec) == 1 && !json_string_length(json_array_get(rec, 0))) {
            json_decref(rec);
            rec = NULL;
            continue; /* blank line */
        }
        if ((err = csv_team(ctx, hdr, rec, &t))) {
            err = hk_errf(ctx->em, err, "line %u: %s", start, ctx->em->text);
            goto out;
        }
        json_decref(rec);
        rec = NULL;
        json_array_append_new(teams, t);
        (void)snprintf(at, sizeof(at), "line %u", start);
        json_array_append_new(where, json_string(at));
    }
out:
    json_decref(hdr);
    json_decref(rec);
    return err;
}

static hk_err import_teams(struct hk_ctx *ctx, json_t *teams, json_t *where, json_t **out)
{
    json_t *t, *parents = json_array();
    size_t i, created = 0, updated = 0;
    int64_t *ids = hk_xcalloc(json_array_size(teams) + 1, sizeof(int64_t));
    hk_err err = HK_OK;

    /* Pass 1: every team without its parent; pass 2: the parents (they may come later). */
    json_array_foreach(teams, i, t)
    {
        json_t *body;
        bool c = false;
        char msg[256];
        if (!json_is_object(t)) {
            err = hk_errf(ctx->em, HK_EINVAL, "%s: must be an object",
                          json_string_value(json_array_get(where, i)));
            break;
        }
        body = json_deep_copy(t);
        json_array_append(parents, json_object_get(t, "parent") ? json_object_get(t, "parent")
                                                                : json_null());
        json_object_del(body, "parent");
        err = hk_dir_team_upsert(ctx, body, true, &ids[i], &c);
        json_decref(body);
        if (err) {
            (void)snprintf(msg, sizeof(msg), "%s", ctx->em->text);
            err = hk_errf(ctx->em, err, "%s '%.40s': %s",
                          json_string_value(json_array_get(where, i)), hk_dir_jstr(t, "name"), msg);
            break;
        }
        c ? created++ : updated++;
    }
    json_array_foreach(teams, i, t)
    {
        json_t *par = json_array_get(parents, i), *patch;
        char msg[256];
        if (err)
            break;
        if (json_is_null(par))
            continue;
        patch = json_pack("{s:O}", "parent", par);
        {
            char ref[24];
            json_t *ignored = NULL;
            (void)snprintf(ref, sizeof(ref), "%lld", (long long)ids[i]);
            err = hk_team_update(ctx, ref, patch, &ignored);
            json_decref(ignored);
        }
        json_decref(patch);
        if (err) {
            (void)snprintf(msg, sizeof(msg), "%s", ctx->em->text);
            err = hk_errf(ctx->em, err, "%s '%.40s': %s",
                          json_string_value(json_array_get(where, i)), hk_dir_jstr(t, "name"), msg);
        }
    }
    if (!err)
        *out = json_pack("{s:I, s:I, s:I}", "created", (json_int_t)created, "updated",
                         (json_int_t)updated, "teams", (json_int_t)(created + updated));
    free(ids);
    json_decref(parents);
    return err;
}

hk_err hk_directory_import(struct hk_ctx *ctx, const char *p, size_t n, json_t **out)
{
    json_t *doc = NULL, *teams = NULL, *where = json_array();
    size_t i = 0;
    hk_err err = hk_dir_require_staff(ctx);

    while (!err && i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (err)
        goto out;
    if (i < n && (p[i] == '{' || p[i] == '[')) {
        json_error_t je;
        json_t *v;
        size_t k;
        doc = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
        if (!doc) {
            err = hk_errf(ctx->em, HK_EPARSE, "line %d column %d: %s", je.line, je.column, je.text);
            goto out;
        }
        teams = json_is_array(doc) ? doc : json_object_get(doc, "teams");
        if (!json_is_array(teams)) {
            err = hk_errf(ctx->em, HK_EINVAL, "expected {\"teams\": [...]} or an array of teams");
            goto out;
        }
        json_incref(teams);
        json_array_foreach(teams, k, v)
        {
            char at[32];
            (void)snprintf(at, sizeof(at), "teams[%zu]", k);
            json_array_append_new(where, json_string(at));
        }
    } else {
        teams = json_array();
        if ((err = csv_teams(ctx, p, n, teams, where)))
            goto out;
    }
    err = import_teams(ctx, teams, where, out);
out:
    json_decref(doc);
    json_decref(teams);
    json_decref(where);
    return err;
}

hk_err hk_team_import_securitytxt(struct hk_ctx *ctx, const char *ref, const char *p, size_t n,
                                  json_t **out)
{
    struct hk_securitytxt s;
    json_t *team = NULL, *patch = json_object(), *contacts;
    char when[32];
    int64_t id;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)) || (err = hk_team_resolve(ctx, ref, &id)))
        goto out0;
    if ((err = hk_securitytxt_parse(p, n, &s, ctx->em)))
        goto out0;
    if ((err = hk_dir_team_json(ctx, id, false, &team)))
        goto out;
    contacts = json_deep_copy(json_object_get(team, "contacts"));
    for (size_t i = 0; i < s.ncontacts; i++) {
        const char *c = s.contacts[i];
        if (!strncmp(c, "mailto:", 7)) {
            const char *mail = c + 7;
            if (!*hk_dir_jstr(team, "email") && !json_object_get(patch, "email"))
                json_object_set_new(patch, "email", json_string(mail));
            json_array_append_new(contacts, json_pack("{s:s, s:s, s:s}", "name", "security.txt",
                                                      "email", mail, "role", "security-txt"));
        } else if (!strncmp(c, "tel:", 4)) {
            if (!*hk_dir_jstr(team, "phone") && !json_object_get(patch, "phone"))
                json_object_set_new(patch, "phone", json_string(c + 4));
        } else if (!strncmp(c, "https://", 8) && !*hk_dir_jstr(team, "web") &&
                   !json_object_get(patch, "web")) {
            json_object_set_new(patch, "web", json_string(c));
        }
    }
    /* Contacts already listed (same e-mail and role) are not added twice. */
    {
        json_t *uniq = json_array(), *c, *u;
        size_t i, j;
        json_array_foreach(contacts, i, c)
        {
            bool dup = false;
            json_array_foreach(
                uniq, j, u) if (!strcmp(hk_dir_jstr(u, "email"), hk_dir_jstr(c, "email")) &&
                                !strcmp(hk_dir_jstr(u, "role"), hk_dir_jstr(c, "role"))) dup = true;
            if (!dup)
                json_array_append(uniq, c);
        }
        json_decref(contacts);
        json_object_set_new(patch, "contacts", uniq);
    }
    if (s.encryption)
        json_object_set_new(patch, "encryption", json_string(s.encryption));
    if (s.policy)
        json_object_set_new(patch, "policy", json_string(s.policy));
    if (s.languages)
        json_object_set_new(patch, "languages", json_string(s.languages));
    if (s.expires) {
        hk_time_fmt(s.expires, when);
        json_object_set_new(patch, "securitytxt_expires_at", json_string(when));
    }
    err = hk_team_update(ctx, ref, patch, out);
    if (!err)
        json_object_set_new(
            *out, "securitytxt",
            json_pack("{s:b, s:I}", "signed", s.signed_, "contacts", (json_int_t)s.ncontacts));
out:
    hk_securitytxt_release(&s);
out0:
    json_decref(team);
    json_decref(patch);
    return err;
}
