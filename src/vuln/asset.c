/* SPDX-License-Identifier: MIT */
/*
 * Assets: what each constituent team runs, registered as CPE 2.3 names or package URLs with
 * a version, for the early warning. Names are normalised on the way in (the CPE's formatted
 * string as hk_cpe_format writes it, with its version attribute filled from "version" when
 * it was ANY; the purl's canonical form), so the same product is one row per team. Every
 * change is audited and rewrites meta "asset_gen", which tells the matcher's cached index
 * to rebuild. Bulk import is all or nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handling/handling_int.h"
#include "hikeshi/advisory.h"
#include "hikeshi/directory.h"

#define ASSET_IMPORT_MAX 1000000

static hk_err bump_gen(struct hk_ctx *ctx)
{
    uint8_t r[16];
    char hex[33];

    hk_random(r, sizeof(r));
    hk_hex(r, sizeof(r), hex);
    return hk_store_exec(ctx->st, HK_Q_META_SET,
                         HK_SQL_ARGS(hk_sql_text("asset_gen"), hk_sql_text(hex)), NULL);
}

/* Quotes a version for a CPE formatted string: letters, digits, '.', '-', '_' stand as they
 * are, other printable punctuation is quoted. */
static hk_err cpe_quote(const char *v, char *out, size_t cap, struct hk_errmsg *em)
{
    size_t k = 0;

    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-' || c == '_';
        if (c <= 0x20 || c >= 0x7f)
            return hk_errf(em, HK_EINVAL, "version: only printable ASCII without spaces");
        if (k + 3 > cap)
            return hk_errf(em, HK_ETOOBIG, "version too long");
        if (!plain)
            out[k++] = '\\';
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return HK_OK;
}

/* Normalises a CPE with an optional separate version into name (the formatted string) and
 * version (the version attribute's value, '' when ANY/NA). */
static hk_err norm_cpe(const char *cpe, const char *version, char name[HK_CPE_MAX_LEN + 1],
                       char ver[HK_CPE_BUF + 1], struct hk_errmsg *em)
{
    struct hk_cpe c;
    char tmp[HK_CPE_MAX_LEN * 2 + 8];
    size_t vl;
    const char *v;
    hk_err err;

    if ((err = hk_cpe_parse(cpe, strlen(cpe), &c, em)))
        return err;
    if (version && *version) {
        if (c.kind[HK_CPE_VERSION] == HK_CPE_ANY) {
            /* Rebuild the string with the version in the 6th field. */
            char q[HK_CPE_BUF * 2 + 2];
            const char *p;
            int colons = 0;
            if ((err = hk_cpe_format(&c, tmp, sizeof(tmp))) ||
                (err = cpe_quote(version, q, sizeof(q), em)))
                return err ? err : HK_EINVAL;
            for (p = tmp; *p && colons < 5; p++)
                if (*p == ':')
                    colons++;
            /* p is at the version attribute, which is "*" */
            {
                char re[HK_CPE_MAX_LEN * 3];
                (void)snprintf(re, sizeof(re), "%.*s%s%s", (int)(p - tmp), tmp, q, p + 1);
                if ((err = hk_cpe_parse(re, strlen(re), &c, em)))
                    return err;
            }
        } else {
            v = hk_cpe_value(&c, HK_CPE_VERSION, &vl);
            if (c.kind[HK_CPE_VERSION] != HK_CPE_STRING || vl != strlen(version) ||
                strncasecmp(v, version, vl))
                return hk_errf(em, HK_EINVAL,
                               "version '%.60s' differs from the CPE's version attribute", version);
        }
    }
    if ((err = hk_cpe_format(&c, name, HK_CPE_MAX_LEN + 1)))
        return hk_errf(em, err, "CPE name too long");
    v = hk_cpe_value(&c, HK_CPE_VERSION, &vl);
    if (c.kind[HK_CPE_VERSION] == HK_CPE_STRING) {
        memcpy(ver, v, vl);
        ver[vl] = '\0';
    } else {
        ver[0] = '\0';
    }
    return HK_OK;
}

static hk_err norm_purl(const char *s, const char *version, char name[HK_PURL_MAX_LEN * 3],
                        char ver[128], struct hk_errmsg *em)
{
    struct hk_purl p;
    hk_err err;

    if ((err = hk_purl_parse(s, strlen(s), &p, em)))
        return err;
    if (version && *version) {
        if (p.version[0] && strcmp(p.version, version))
            return hk_errf(em, HK_EINVAL, "version '%.60s' differs from the purl's '%.60s'",
                           version, p.version);
        if (strlen(version) >= sizeof(p.version))
            return hk_errf(em, HK_ETOOBIG, "version too long");
        (void)snprintf(p.version, sizeof(p.version), "%s", version);
    }
    if ((err = hk_purl_format(&p, true, name, HK_PURL_MAX_LEN * 3)))
        return hk_errf(em, err, "purl too long");
    (void)snprintf(ver, 128, "%s", p.version);
    return HK_OK;
}

/* Validates and stores one asset; team_id resolved by the caller when given (0: from body). */
static hk_err create_one(struct hk_ctx *ctx, json_t *body, const char *dflt_team, int64_t *id,
                         bool audit)
{
    static const char *const allowed[] = {"team",  "cpe",  "purl", "version",
                                          "label", "kind", "name", NULL};
    const char *team = NULL, *cpe = NULL, *purl = NULL, *version = NULL, *label = NULL,
               *kind = NULL, *nm = NULL;
    char name[HK_PURL_MAX_LEN * 3], ver[HK_CPE_BUF + 130];
    int64_t team_id = 0, existing = 0;
    json_t *t = json_object_get(body, "team");
    hk_err err;

    *id = 0;
    if ((err = hk_json_only(ctx, body, allowed)))
        return err;
    if (json_is_integer(t)) {
        team_id = json_integer_value(t);
    } else if ((err = hk_json_str(ctx, body, "team", 64, &team))) {
        return err;
    }
    if ((err = hk_json_str(ctx, body, "cpe", HK_CPE_MAX_LEN, &cpe)) ||
        (err = hk_json_str(ctx, body, "purl", HK_PURL_MAX_LEN, &purl)) ||
        (err = hk_json_str(ctx, body, "version", 120, &version)) ||
        (err = hk_json_str(ctx, body, "label", 200, &label)) ||
        (err = hk_json_str(ctx, body, "kind", 8, &kind)) ||
        (err = hk_json_str(ctx, body, "name", HK_PURL_MAX_LEN, &nm)))
        return err;
    if (kind && nm) { /* the CSV/export form: kind + name */
        if (!strcmp(kind, "cpe") && !cpe)
            cpe = nm;
        else if (!strcmp(kind, "purl") && !purl)
            purl = nm;
        else
            return hk_errf(ctx->em, HK_EINVAL, "kind must be 'cpe' or 'purl'");
    } else if (kind || nm) {
        return hk_errf(ctx->em, HK_EINVAL, "'kind' and 'name' go together");
    }
    if (!!cpe == !!purl)
        return hk_errf(ctx->em, HK_EINVAL, "give exactly one of 'cpe' and 'purl'");
    if (!team && !team_id)
        team = dflt_team;
    if (!team && !team_id)
        return hk_errf(ctx->em, HK_EINVAL, "'team' is required");
    if (team) {
        if ((err = hk_team_resolve(ctx, team, &team_id)))
            return err;
    } else {
        char ref[32];
        (void)snprintf(ref, sizeof(ref), "%lld", (long long)team_id);
        if ((err = hk_team_resolve(ctx, ref, &team_id)))
            return err;
    }
    if (cpe)
        err = norm_cpe(cpe, version, name, ver, ctx->em);
    else
        err = norm_purl(purl, version, name, ver, ctx->em);
    if (err)
        return err;
    err = hk_store_scalar(
        ctx->st, HK_Q_ASSET_FIND,
        HK_SQL_ARGS(hk_sql_int(team_id), hk_sql_text(cpe ? "cpe" : "purl"), hk_sql_text(name)),
        &existing);
    if (!err)
        return hk_errf(ctx->em, HK_ECONFLICT, "the team already has asset '%.100s' (id %lld)", name,
                       (long long)existing);
    if (err != HK_ENOTFOUND)
        return err;
    if ((err = hk_store_exec(ctx->st, HK_Q_ASSET_INSERT,
                             HK_SQL_ARGS(hk_sql_int(team_id), hk_sql_text(cpe ? "cpe" : "purl"),
                                         hk_sql_text(name), hk_sql_text(ver),
                                         hk_sql_text(label ? label : ""), hk_sql_int(ctx->now)),
                             id)))
        return err;
    if (audit) {
        json_t *a = json_pack("{s:I, s:s, s:s, s:s}", "team_id", (json_int_t)team_id, "kind",
                              cpe ? "cpe" : "purl", "name", name, "version", ver);
        err = hk_audit(ctx, "asset.create", "asset", *id, NULL, a);
        json_decref(a);
    }
    return err;
}

hk_err hk_asset_create(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    int64_t id;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)) || (err = create_one(ctx, body, NULL, &id, true)) ||
        (err = bump_gen(ctx)))
        return err;
    return hk_asset_get(ctx, id, out);
}

hk_err hk_asset_get(struct hk_ctx *ctx, int64_t id, json_t **out)
{
    hk_err err;

    *out = NULL;
    if (!hk_is_staff(ctx))
        return hk_errf(ctx->em, HK_EPERM, "assets are for staff");
    err = hk_store_row(ctx->st, HK_Q_ASSET_GET, HK_SQL_ARGS(hk_sql_int(id)), out);
    if (err == HK_ENOTFOUND)
        hk_errf(ctx->em, err, "no asset %lld", (long long)id);
    return err;
}

hk_err hk_asset_list(struct hk_ctx *ctx, json_t *params, json_t **out)
{
    const char *team = NULL, *cur = NULL, *lim = NULL;
    int64_t team_id = 0, cursor = 0, limit = 100;
    json_t *rows = NULL;
    hk_err err;

    *out = NULL;
    if (!hk_is_staff(ctx))
        return hk_errf(ctx->em, HK_EPERM, "assets are for staff");
    if ((err = hk_json_str(ctx, params, "team", 64, &team)) ||
        (err = hk_json_str(ctx, params, "cursor", 20, &cur)) ||
        (err = hk_json_str(ctx, params, "limit", 20, &lim)))
        return err;
    if (team && (err = hk_team_resolve(ctx, team, &team_id)))
        return err;
    if (cur && (hk_parse_i64(cur, &cursor) || cursor < 0))
        return hk_errf(ctx->em, HK_EINVAL, "cursor must be an asset id");
    if (lim && (hk_parse_i64(lim, &limit) || limit < 1 || limit > 1000))
        return hk_errf(ctx->em, HK_EINVAL, "limit must be 1 to 1000");
    if ((err = hk_store_rows(
             ctx->st, HK_Q_ASSET_LIST,
             HK_SQL_ARGS(hk_sql_int0(team_id), hk_sql_int(cursor), hk_sql_int(limit)), &rows)))
        return err;
    {
        size_t n = json_array_size(rows);
        json_t *last = n ? json_array_get(rows, n - 1) : NULL;
        *out = json_pack("{s:o, s:o}", "items", rows, "next_cursor",
                         n == (size_t)limit && last ? json_copy(json_object_get(last, "id"))
                                                    : json_null());
    }
    return HK_OK;
}

hk_err hk_asset_delete(struct hk_ctx *ctx, int64_t id)
{
    json_t *before = NULL;
    hk_err err;

    if ((err = hk_require_staff(ctx)) || (err = hk_asset_get(ctx, id, &before)))
        return err;
    err = hk_store_exec(ctx->st, HK_Q_ASSET_DELETE, HK_SQL_ARGS(hk_sql_int(id)), NULL);
    if (!err)
        err = hk_audit(ctx, "asset.delete", "asset", id, before, NULL);
    if (!err)
        err = bump_gen(ctx);
    json_decref(before);
    return err;
}

hk_err hk_asset_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out)
{
    static const char *const allowed[] = {"version", "label", NULL};
    const char *version = NULL, *label = NULL, *kind, *name;
    char nn[HK_PURL_MAX_LEN * 3], ver[HK_CPE_BUF + 130];
    json_t *before = NULL, *after;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)) || (err = hk_json_only(ctx, body, allowed)) ||
        (err = hk_json_str(ctx, body, "version", 120, &version)) ||
        (err = hk_json_str(ctx, body, "label", 200, &label)) ||
        (err = hk_asset_get(ctx, id, &before)))
        goto out;
    kind = hk_jstr(before, "kind");
    name = hk_jstr(before, "name");
    (void)snprintf(nn, sizeof(nn), "%s", name);
    (void)snprintf(ver, sizeof(ver), "%s", hk_jstr(before, "version"));
    if (version && !strcmp(kind, "cpe")) { /* the version attribute back to ANY, then set */
        struct hk_cpe c;
        char any[HK_CPE_MAX_LEN + 1];
        if ((err = hk_cpe_parse(name, strlen(name), &c, ctx->em)))
            goto out;
        c.kind[HK_CPE_VERSION] = HK_CPE_ANY;
        c.len[HK_CPE_VERSION] = 0;
        if ((err = hk_cpe_format(&c, any, sizeof(any))) ||
            (err = norm_cpe(any, version, nn, ver, ctx->em)))
            goto out;
    } else if (version) {
        struct hk_purl p;
        char bare[HK_PURL_MAX_LEN * 3];
        if ((err = hk_purl_parse(name, strlen(name), &p, ctx->em)))
            goto out;
        p.version[0] = '\0';
        if ((err = hk_purl_format(&p, false, bare, sizeof(bare))) ||
            (err = norm_purl(bare, version, nn, ver, ctx->em)))
            goto out;
    }
    if (strcmp(nn, name)) {
        int64_t other = 0;
        err = hk_store_scalar(
            ctx->st, HK_Q_ASSET_FIND,
            HK_SQL_ARGS(hk_sql_int(json_integer_value(json_object_get(before, "team_id"))),
                        hk_sql_text(kind), hk_sql_text(nn)),
            &other);
        if (!err) {
            err = hk_errf(ctx->em, HK_ECONFLICT, "the team already has asset '%.100s'", nn);
            goto out;
        }
        if (err != HK_ENOTFOUND)
            goto out;
    }
    if ((err = hk_store_exec(ctx->st, HK_Q_ASSET_UPDATE,
                             HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(nn), hk_sql_text(ver),
                                         hk_sql_text(label ? label : hk_jstr(before, "label"))),
                             NULL)) ||
        (err = hk_asset_get(ctx, id, out)))
        goto out;
    after = *out;
    if ((err = hk_audit(ctx, "asset.update", "asset", id, before, after)) ||
        (err = bump_gen(ctx))) {
        json_decref(*out);
        *out = NULL;
    }
out:
    json_decref(before);
    return err;
}

/* One CSV field (RFC 4180 quoting) from *p; advances past the separator. */
static size_t csv_field(const char **p, const char *end, char *out, size_t cap, bool *eol)
{
    const char *s = *p;
    size_t k = 0;

    *eol = false;
    if (s < end && *s == '"') {
        s++;
        while (s < end) {
            if (*s == '"' && s + 1 < end && s[1] == '"') {
                if (k + 1 < cap)
                    out[k++] = '"';
                s += 2;
            } else if (*s == '"') {
                s++;
                break;
            } else {
                if (k + 1 < cap)
                    out[k++] = *s;
                s++;
            }
        }
    } else {
        while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
            if (k + 1 < cap)
                out[k++] = *s;
            s++;
        }
    }
    out[k] = '\0';
    if (s < end && *s == ',')
        s++;
    else {
        *eol = true;
        if (s < end && *s == '\r')
            s++;
        if (s < end && *s == '\n')
            s++;
    }
    *p = s;
    return k;
}

hk_err hk_asset_import(struct hk_ctx *ctx, const char *p, size_t n, const char *default_team,
                       json_t **out)
{
    const char *end = p + n, *s = p;
    size_t line = 0, count = 0;
    bool csv;
    hk_err err = HK_OK;

    *out = NULL;
    if ((err = hk_require_staff(ctx)))
        return err;
    while (s < end && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        s++;
    csv = s < end && *s != '{';
    if (csv) { /* header: team,kind,name,version,label (any order; team optional) */
        char f[HK_PURL_MAX_LEN + 8];
        int nh = 0, col[5] = {-1, -1, -1, -1, -1}; /* team kind name version label */
        static const char *const names[] = {"team", "kind", "name", "version", "label"};
        bool eol = false;
        line = 1;
        while (!eol && s < end) {
            csv_field(&s, end, f, sizeof(f), &eol);
            for (int k = 0; k < 5; k++)
                if (!strcmp(f, names[k]))
                    col[k] = nh;
            nh++;
        }
        if (col[1] < 0 || col[2] < 0)
            return hk_errf(ctx->em, HK_EINVAL,
                           "line 1: the CSV header needs 'kind' and 'name' columns (and 'team' "
                           "unless --team is given; 'version', 'label' optional)");
        while (s < end && !err) {
            json_t *o = json_object();
            int c = 0;
            int64_t id;
            line++;
            eol = false;
            if (*s == '\n' || *s == '\r') {
                s++;
                json_decref(o);
                continue;
            }
            while (!eol && s < end) {
                csv_field(&s, end, f, sizeof(f), &eol);
                for (int k = 0; k < 5; k++)
                    if (col[k] == c && *f)
                        json_object_set_new(o, names[k], json_string(f));
                c++;
            }
            if (++count > ASSET_IMPORT_MAX)
                err = hk_errf(ctx->em, HK_ETOOBIG, "more than %d assets", ASSET_IMPORT_MAX);
            else
                err = create_one(ctx, o, default_team, &id, false);
            json_decref(o);
        }
    } else {
        while (s < end && !err) {
            const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end;
            json_error_t je;
            json_t *o;
            int64_t id;
            line++;
            if (hk_is_blank(s, (size_t)(le - s))) {
                s = le + (nl != NULL);
                continue;
            }
            o = json_loadb(s, (size_t)(le - s), JSON_REJECT_DUPLICATES, &je);
            if (!o || !json_is_object(o))
                err = hk_errf(ctx->em, HK_EPARSE, "not a JSON object: %s",
                              o ? "another JSON value" : je.text);
            else if (++count > ASSET_IMPORT_MAX)
                err = hk_errf(ctx->em, HK_ETOOBIG, "more than %d assets", ASSET_IMPORT_MAX);
            else
                err = create_one(ctx, o, default_team, &id, false);
            json_decref(o);
            s = le + (nl != NULL);
        }
    }
    if (err) {
        char msg[sizeof(ctx->em->text)];
        (void)snprintf(msg, sizeof(msg), "%s", ctx->em->text);
        return hk_errf(ctx->em, err, "line %zu: %s (nothing imported)", line, msg);
    }
    {
        json_t *a = json_pack("{s:I}", "imported", (json_int_t)count);
        err = hk_audit(ctx, "asset.import", "asset", 0, NULL, a);
        json_decref(a);
    }
    if (!err)
        err = bump_gen(ctx);
    if (!err)
        *out = json_pack("{s:I}", "imported", (json_int_t)count);
    return err;
}
