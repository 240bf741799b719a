/* SPDX-License-Identifier: MIT */
/*
 * The team directory: create, read, edit and remove teams, their contacts and their
 * constituency. An edit is merged into the stored team and the whole result validated
 * and written, so a team is never stored half-valid. The coordination tree is kept
 * acyclic here (a team cannot become a member of its own member). Each change is one
 * audit entry and rewrites meta "directory_gen" so the routing tables get rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory_int.h"

static const char *const team_types[] = {"security-team", "distributed", "centralized", "combined",
                                         "coordinating",  "vendor",      "psirt",       "isp",
                                         "other",         NULL};

/* Members a team body may carry; "add" and "remove" only on update. */
static const char *const team_members[] = {"name",
                                           "full_name",
                                           "type",
                                           "parent",
                                           "email",
                                           "phone",
                                           "timezone",
                                           "hours",
                                           "languages",
                                           "pgp_fingerprint",
                                           "pgp_key",
                                           "web",
                                           "notify_format",
                                           "language",
                                           "policy",
                                           "encryption",
                                           "securitytxt_expires_at",
                                           "contacts",
                                           "networks",
                                           "domains",
                                           "asns",
                                           "add",
                                           "remove",
                                           NULL};

bool hk_team_type_valid(const char *s)
{
    for (int i = 0; s && team_types[i]; i++)
        if (!strcmp(team_types[i], s))
            return true;
    return false;
}

hk_err hk_dir_bump_gen(struct hk_ctx *ctx, const char *key)
{
    uint8_t r[16];
    char hex[33];

    hk_random(r, sizeof(r));
    hk_hex(r, sizeof(r), hex);
    return hk_store_exec(ctx->st, HK_Q_META_SET, HK_SQL_ARGS(hk_sql_text(key), hk_sql_text(hex)),
                         NULL);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

hk_err hk_team_resolve(struct hk_ctx *ctx, const char *ref, int64_t *id)
{
    json_t *row = NULL;
    int64_t n;
    hk_err err;

    if (!ref || !*ref)
        return hk_errf(ctx->em, HK_EINVAL, "a team name or id is required");
    if (all_digits(ref) && !hk_parse_i64(ref, &n))
        err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(n)), &row);
    else
        err = hk_store_row(ctx->st, HK_Q_TEAM_BY_NAME, HK_SQL_ARGS(hk_sql_text(ref)), &row);
    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, HK_ENOTFOUND, "no team '%.64s'", ref);
    if (!err)
        *id = json_integer_value(json_object_get(row, "id"));
    json_decref(row);
    return err;
}

static hk_err check_name(struct hk_ctx *ctx, const char *s)
{
    size_t n = strlen(s);

    if (!n || n > 31)
        return hk_errf(ctx->em, HK_EINVAL, "team name must be 1 to 31 characters");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  ((c == '-' || c == '_' || c == '.') && i > 0);
        if (!ok)
            return hk_errf(ctx->em, HK_EINVAL,
                           "team name '%.64s' may hold only letters, digits, '-', '_' and '.' "
                           "(starting with a letter or digit)",
                           s);
    }
    if (all_digits(s) || !strcmp(s, "export") || !strcmp(s, "import"))
        return hk_errf(ctx->em, HK_EINVAL,
                       "team name '%s' is reserved (all digits, 'export' "
                       "or 'import')",
                       s);
    return HK_OK;
}

static hk_err check_email(struct hk_ctx *ctx, const char *what, const char *s)
{
    const char *at = strrchr(s, '@');
    char dom[256];
    struct hk_errmsg dm;

    if (!*s)
        return HK_OK;
    if (!at || at == s || strlen(s) > 254 || strpbrk(s, " \t\r\n<>,;|\"") ||
        hk_domain_norm(at + 1, dom, sizeof(dom), &dm) || !strchr(dom, '.'))
        return hk_errf(ctx->em, HK_EINVAL, "%s '%.100s' is not an e-mail address", what, s);
    return HK_OK;
}

/* A BCP 47 language tag, simplified: 2-8 letters, then '-'-separated subtags. */
static bool lang_ok(const char *s)
{
    size_t n = 0;

    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))
        n++;
    if (n < 2 || n > 8)
        return false;
    s += n;
    while (*s == '-') {
        size_t k = 0;
        s++;
        while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
               (s[k] >= '0' && s[k] <= '9'))
            k++;
        if (!k || k > 8)
            return false;
        s += k;
    }
    return !*s;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* "languages": an array of tags or one string "ja, en"; out is a new JSON array. */
static hk_err parse_languages(struct hk_ctx *ctx, json_t *v, json_t **out)
{
    json_t *arr = json_array(), *x;
    size_t i;

    *out = NULL;
    if (json_is_string(v)) {
        const char *p = json_string_value(v);
        while (*p) {
            char tag[32];
            size_t n = strcspn(p, ", ");
            if (n && n < sizeof(tag)) {
                memcpy(tag, p, n);
                tag[n] = '\0';
                json_array_append_new(arr, json_string(tag));
            } else if (n) {
                json_decref(arr);
                return hk_errf(ctx->em, HK_EINVAL, "'languages': tag too long");
            }
            p += n;
            p += strspn(p, ", ");
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) json_array_append(arr, x);
    } else if (v && !json_is_null(v)) {
        json_decref(arr);
        return hk_errf(ctx->em, HK_EINVAL, "'languages' must be an array of language tags");
    }
    if (json_array_size(arr) > 16) {
        json_decref(arr);
        return hk_errf(ctx->em, HK_EINVAL, "'languages': at most 16 tags");
    }
    json_array_foreach(arr, i, x)
    {
        char tag[32];
        const char *t = json_string_value(x);
        if (!t || strlen(t) >= sizeof(tag) || !lang_ok(t)) {
            json_decref(arr);
            return hk_errf(ctx->em, HK_EINVAL, "'languages': '%.32s' is not a language tag",
                           t ? t : "(not a string)");
        }
        (void)snprintf(tag, sizeof(tag), "%s", t);
        lower(tag);
        json_array_set_new(arr, i, json_string(tag));
    }
    *out = arr;
    return HK_OK;
}

static hk_err check_uri(struct hk_ctx *ctx, const char *what, const char *s, bool web)
{
    const char *p = s;

    if (!*s)
        return HK_OK;
    if (web && strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an http:// or https:// URL", what);
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
           *p == '.')
        p++;
    if (p == s || *p != ':' || strpbrk(s, " \t\r\n"))
        return hk_errf(ctx->em, HK_EINVAL, "'%s': '%.100s' is not a URI", what, s);
    return HK_OK;
}

/* Upper-case hex without spaces; 40 (v4) or 64 (v5/v6) digits. */
static hk_err norm_fpr(struct hk_ctx *ctx, const char *s, char out[72])
{
    size_t k = 0;

    for (; *s; s++) {
        char c = *s;
        if (c == ' ')
            continue;
        if (c >= 'a' && c <= 'f')
            c = (char)(c - 'a' + 'A');
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) || k >= 64)
            return hk_errf(ctx->em, HK_EINVAL, "'pgp_fingerprint' must be 40 or 64 hex digits");
        out[k++] = c;
    }
    out[k] = '\0';
    if (k && k != 40 && k != 64)
        return hk_errf(ctx->em, HK_EINVAL, "'pgp_fingerprint' must be 40 or 64 hex digits");
    return HK_OK;
}

static hk_err check_contacts(struct hk_ctx *ctx, json_t *v)
{
    static const char *const allowed[] = {"name", "email", "phone", "role", NULL};
    json_t *c;
    size_t i;

    if (!v || json_is_null(v))
        return HK_OK;
    if (!json_is_array(v) || json_array_size(v) > 32)
        return hk_errf(ctx->em, HK_EINVAL, "'contacts' must be an array of at most 32 objects");
    json_array_foreach(v, i, c)
    {
        const char *f[4];
        hk_err err;
        if (!json_is_object(c))
            return hk_errf(ctx->em, HK_EINVAL, "contacts[%zu] must be an object", i);
        if ((err = hk_json_only(ctx, c, allowed)) ||
            (err = hk_json_str(ctx, c, "name", 200, &f[0])) ||
            (err = hk_json_str(ctx, c, "email", 254, &f[1])) ||
            (err = hk_json_str(ctx, c, "phone", 64, &f[2])) ||
            (err = hk_json_str(ctx, c, "role", 32, &f[3])))
            return err;
        if ((!f[1] || !*f[1]) && (!f[2] || !*f[2]))
            return hk_errf(ctx->em, HK_EINVAL, "contacts[%zu] needs an e-mail or a phone", i);
        for (int k = 0; k < 4; k++)
            if (f[k] && strpbrk(f[k], "|;\r\n\t"))
                return hk_errf(ctx->em, HK_EINVAL,
                               "contacts[%zu]: '|', ';' and line breaks "
                               "are not allowed",
                               i);
        if (f[1] && (err = check_email(ctx, "contact e-mail", f[1])))
            return err;
    }
    return HK_OK;
}

static hk_err str_member(struct hk_ctx *ctx, json_t *m, const char *key, size_t max,
                         const char **out)
{
    hk_err err = hk_json_str(ctx, m, key, max, out);

    if (!err && !*out)
        *out = "";
    return err;
}

/* Resolves "parent" (a name, an id, or null/""); checks the tree stays acyclic. */
static hk_err resolve_parent(struct hk_ctx *ctx, json_t *v, int64_t self, const char *name,
                             int64_t *out)
{
    char ref[64];
    int64_t cur;
    hk_err err;

    *out = 0;
    if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
        return HK_OK;
    if (json_is_integer(v))
        (void)snprintf(ref, sizeof(ref), "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v) && json_string_length(v) < sizeof(ref))
        (void)snprintf(ref, sizeof(ref), "%s", json_string_value(v));
    else
        return hk_errf(ctx->em, HK_EINVAL, "'parent' must be a team name or id");
    if ((err = hk_team_resolve(ctx, ref, out))) {
        if (err == HK_ENOTFOUND)
            err = hk_errf(ctx->em, HK_EINVAL, "parent team '%s' does not exist", ref);
        return err;
    }
    /* Walk up from the parent: meeting self means a cycle. */
    cur = *out;
    for (int depth = 0; cur; depth++) {
        json_t *row = NULL;
        if (cur == self)
            return hk_errf(ctx->em, HK_EINVAL,
                           "parent '%s' would make a cycle: it is '%s' itself or one of its "
                           "member teams",
                           ref, name);
        if (depth > HK_DIR_MAX_DEPTH)
            return hk_errf(ctx->em, HK_EINVAL, "the coordination tree is deeper than %d levels",
                           HK_DIR_MAX_DEPTH);
        if ((err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(cur)), &row)))
            return err;
        cur = json_integer_value(json_object_get(row, "parent_id"));
        json_decref(row);
    }
    return HK_OK;
}

/* Validates a complete (merged) team object and writes the teams row; *id is 0 for a new
 * team and gets its id. */
static hk_err team_write(struct hk_ctx *ctx, json_t *m, int64_t *id)
{
    const char *f[15];
    char fpr[72], lang[32];
    json_t *langs = NULL;
    char *langs_txt = NULL;
    int64_t parent = 0, expires = 0;
    hk_err err;

    if ((err = hk_json_str(ctx, m, "name", 64, &f[0])))
        return err;
    if (!f[0])
        return hk_errf(ctx->em, HK_EINVAL, "'name' is required");
    if ((err = check_name(ctx, f[0])) || (err = str_member(ctx, m, "full_name", 256, &f[1])) ||
        (err = str_member(ctx, m, "type", 32, &f[2])) ||
        (err = str_member(ctx, m, "email", 254, &f[3])) ||
        (err = str_member(ctx, m, "phone", 64, &f[4])) ||
        (err = str_member(ctx, m, "timezone", 64, &f[5])) ||
        (err = str_member(ctx, m, "hours", 256, &f[6])) ||
        (err = str_member(ctx, m, "pgp_fingerprint", 128, &f[7])) ||
        (err = str_member(ctx, m, "pgp_key", 65536, &f[8])) ||
        (err = str_member(ctx, m, "web", 1000, &f[9])) ||
        (err = str_member(ctx, m, "notify_format", 16, &f[10])) ||
        (err = str_member(ctx, m, "language", 31, &f[11])) ||
        (err = str_member(ctx, m, "policy", 1000, &f[12])) ||
        (err = str_member(ctx, m, "encryption", 1000, &f[13])) ||
        (err = hk_json_time(ctx, m, "securitytxt_expires_at", &expires)))
        return err;
    if (!*f[2])
        f[2] = "security-team";
    if (!hk_team_type_valid(f[2]))
        return hk_errf(ctx->em, HK_EINVAL,
                       "unknown team type '%s' (security-team, distributed, centralized, "
                       "combined, coordinating, vendor, psirt, isp, other)",
                       f[2]);
    if (!*f[10])
        f[10] = "csv";
    if (strcmp(f[10], "csv") && strcmp(f[10], "xarf") && strcmp(f[10], "iodef"))
        return hk_errf(ctx->em, HK_EINVAL, "unknown notify_format '%s' (csv, xarf, iodef)", f[10]);
    (void)snprintf(lang, sizeof(lang), "%s", *f[11] ? f[11] : "en");
    if (!lang_ok(lang))
        return hk_errf(ctx->em, HK_EINVAL, "'language': '%s' is not a language tag", lang);
    lower(lang);
    if ((err = check_email(ctx, "'email'", f[3])) || (err = norm_fpr(ctx, f[7], fpr)) ||
        (err = check_uri(ctx, "web", f[9], true)) ||
        (err = check_uri(ctx, "policy", f[12], false)) ||
        (err = check_uri(ctx, "encryption", f[13], false)))
        return err;
    if (*f[8] && (!strstr(f[8], "-----BEGIN PGP PUBLIC KEY BLOCK-----") ||
                  !strstr(f[8], "-----END PGP PUBLIC KEY BLOCK-----")))
        return hk_errf(ctx->em, HK_EINVAL,
                       "'pgp_key' must be an ASCII-armored OpenPGP public "
                       "key block");
    if ((err = check_contacts(ctx, json_object_get(m, "contacts"))) ||
        (err = parse_languages(ctx, json_object_get(m, "languages"), &langs)) ||
        (err = resolve_parent(ctx, json_object_get(m, "parent"), *id, f[0], &parent)))
        goto out;
    langs_txt = json_dumps(langs, JSON_COMPACT);
    {
        struct hk_sqlval v[19] = {
            hk_sql_int(*id),     hk_sql_text(f[0]),      hk_sql_text(f[1]),   hk_sql_text(f[2]),
            hk_sql_int0(parent), hk_sql_text(f[3]),      hk_sql_text(f[4]),   hk_sql_text(f[5]),
            hk_sql_text(f[6]),   hk_sql_text(langs_txt), hk_sql_text(fpr),    hk_sql_text(f[8]),
            hk_sql_text(f[9]),   hk_sql_text(f[10]),     hk_sql_text(lang),   hk_sql_text(f[12]),
            hk_sql_text(f[13]),  hk_sql_int0(expires),   hk_sql_int(ctx->now)};
        if (*id) {
            err = hk_store_exec(ctx->st, HK_Q_TEAM_UPDATE, v, 19, NULL);
        } else {
            err = hk_store_exec(ctx->st, HK_Q_TEAM_INSERT, v + 1, 18, id);
            if (!err && !*id)
                err = HK_EDB;
        }
        if (err == HK_ECONFLICT)
            err = hk_errf(ctx->em, HK_ECONFLICT, "a team named '%s' already exists", f[0]);
    }
out:
    free(langs_txt);
    json_decref(langs);
    return err;
}

static hk_err contacts_write(struct hk_ctx *ctx, int64_t id, json_t *contacts)
{
    json_t *c;
    size_t i;
    hk_err err = hk_store_exec(ctx->st, HK_Q_CONTACTS_CLEAR, HK_SQL_ARGS(hk_sql_int(id)), NULL);

    json_array_foreach(contacts, i, c)
    {
        if (err)
            break;
        err = hk_store_exec(ctx->st, HK_Q_CONTACT_INSERT,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(hk_dir_jstr(c, "name")),
                                        hk_sql_text(hk_dir_jstr(c, "email")),
                                        hk_sql_text(hk_dir_jstr(c, "phone")),
                                        hk_sql_text(hk_dir_jstr(c, "role"))),
                            NULL);
    }
    return err;
}

/* Parses one constituency value of a list ("networks", "domains", "asns"). */
static hk_err const_value(struct hk_ctx *ctx, const char *list, json_t *v, const char **kind,
                          char out[300])
{
    struct hk_errmsg m;
    char num[24];
    const char *s = json_string_value(v);

    if (!strcmp(list, "asns") && json_is_integer(v)) {
        (void)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        s = num;
    }
    if (!s)
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must hold strings", list);
    if (!strcmp(list, "networks")) {
        struct hk_prefix p;
        if (hk_prefix_parse(s, false, &p, &m))
            return hk_errf(ctx->em, HK_EINVAL, "%s", m.text);
        hk_prefix_fmt(&p, out);
        *kind = p.family == 4 ? "ipv4" : "ipv6";
    } else if (!strcmp(list, "domains")) {
        if (hk_domain_norm(s, out, 300, &m))
            return hk_errf(ctx->em, HK_EINVAL, "%s", m.text);
        *kind = "domain";
    } else {
        uint32_t asn;
        if (hk_asn_parse(s, &asn, &m))
            return hk_errf(ctx->em, HK_EINVAL, "%s", m.text);
        (void)snprintf(out, 300, "%u", asn);
        *kind = "asn";
    }
    return HK_OK;
}

static hk_err const_one(struct hk_ctx *ctx, int64_t id, const char *kind, const char *val, bool add,
                        bool *changed)
{
    int64_t rid = 0;
    hk_err err;

    *changed = false;
    if (!add) {
        err = hk_store_exec(ctx->st, HK_Q_CONST_DELETE,
                            HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(kind), hk_sql_text(val)), NULL);
        if (!err && hk_store_changes(ctx->st) == 0)
            return hk_errf(ctx->em, HK_ENOTFOUND, "the team has no %s '%s'",
                           !strcmp(kind, "domain") ? "domain"
                           : !strcmp(kind, "asn")  ? "ASN"
                                                   : "network",
                           val);
        *changed = !err;
        return err;
    }
    err = hk_store_exec(ctx->st, HK_Q_CONST_INSERT,
                        HK_SQL_ARGS(hk_sql_int(id), hk_sql_text(kind), hk_sql_text(val)), &rid);
    if (!err && !rid) {
        json_t *own = NULL;
        err = hk_store_row(ctx->st, HK_Q_CONST_OWNER,
                           HK_SQL_ARGS(hk_sql_text(kind), hk_sql_text(val)), &own);
        if (!err && json_integer_value(json_object_get(own, "id")) != id)
            err = hk_errf(ctx->em, HK_ECONFLICT, "%s%s already belongs to team '%s'",
                          !strcmp(kind, "asn") ? "AS" : "", val, hk_dir_jstr(own, "name"));
        json_decref(own);
        return err;
    }
    *changed = !err;
    return err;
}

hk_err hk_dir_const_apply(struct hk_ctx *ctx, int64_t id, json_t *lists, bool add, json_t *log)
{
    static const char *const names[] = {"networks", "domains", "asns", NULL};
    static const char *const allowed[] = {"networks", "domains", "asns", NULL};
    hk_err err;

    if (!lists || json_is_null(lists))
        return HK_OK;
    if ((err = hk_json_only(ctx, lists, allowed)))
        return err;
    for (int k = 0; names[k]; k++) {
        json_t *arr = json_object_get(lists, names[k]), *v;
        size_t i;
        if (!arr || json_is_null(arr))
            continue;
        if (!json_is_array(arr) || json_array_size(arr) > 100000)
            return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an array (at most 100000)", names[k]);
        json_array_foreach(arr, i, v)
        {
            const char *kind = "";
            char val[300];
            bool changed = false;
            if ((err = const_value(ctx, names[k], v, &kind, val)) ||
                (err = const_one(ctx, id, kind, val, add, &changed)))
                return err;
            if (changed && log && json_array_size(log) < 1000)
                json_array_append_new(log, json_pack("{s:s, s:s}", "kind", kind, "value", val));
        }
    }
    return HK_OK;
}

static hk_err constituency_json(struct hk_ctx *ctx, int64_t id, json_t *t)
{
    json_t *rows = NULL, *r, *nets = json_array(), *doms = json_array(), *asns = json_array();
    size_t i;
    hk_err err = hk_store_rows(ctx->st, HK_Q_CONST_OF_TEAM, HK_SQL_ARGS(hk_sql_int(id)), &rows);

    json_array_foreach(rows, i, r)
    {
        const char *k = hk_dir_jstr(r, "kind"), *v = hk_dir_jstr(r, "value");
        if (!strcmp(k, "asn")) {
            int64_t n = 0;
            (void)hk_parse_i64(v, &n);
            json_array_append_new(asns, json_integer(n));
        } else {
            json_array_append_new(!strcmp(k, "domain") ? doms : nets, json_string(v));
        }
    }
    json_decref(rows);
    json_object_set_new(t, "networks", nets);
    json_object_set_new(t, "domains", doms);
    json_object_set_new(t, "asns", asns);
    return err;
}

/* The full team: row, contacts, constituency, member teams and the chain up the tree. */
hk_err hk_dir_team_json(struct hk_ctx *ctx, int64_t id, bool tree, json_t **out)
{
    json_t *t = NULL, *rows = NULL, *chain, *r;
    size_t i;
    hk_err err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(id)), &t);

    if (err)
        return err == HK_ENOTFOUND ? hk_errf(ctx->em, err, "no team %lld", (long long)id) : err;
    if ((err = hk_store_rows(ctx->st, HK_Q_CONTACTS_OF_TEAM, HK_SQL_ARGS(hk_sql_int(id)), &rows)))
        goto fail;
    json_object_set_new(t, "contacts", rows);
    if ((err = constituency_json(ctx, id, t)))
        goto fail;
    if (!tree) {
        *out = t;
        return HK_OK;
    }
    rows = NULL;
    if ((err = hk_store_rows(ctx->st, HK_Q_TEAM_CHILDREN, HK_SQL_ARGS(hk_sql_int(id)), &rows)))
        goto fail;
    chain = json_array();
    json_array_foreach(rows, i, r)
        json_array_append_new(chain, json_string(hk_dir_jstr(r, "name")));
    json_decref(rows);
    json_object_set_new(t, "children", chain);
    chain = json_array();
    json_object_set_new(t, "chain", chain);
    for (int64_t cur = id, d = 0; cur && d <= HK_DIR_MAX_DEPTH; d++) {
        json_t *row = NULL;
        if ((err = hk_store_row(ctx->st, HK_Q_TEAM_GET, HK_SQL_ARGS(hk_sql_int(cur)), &row)))
            goto fail;
        json_array_append_new(chain, json_string(hk_dir_jstr(row, "name")));
        cur = json_integer_value(json_object_get(row, "parent_id"));
        json_decref(row);
    }
    *out = t;
    return HK_OK;
fail:
    json_decref(t);
    return err;
}

hk_err hk_team_get(struct hk_ctx *ctx, const char *ref, json_t **out)
{
    int64_t id = 0;
    hk_err err = hk_team_resolve(ctx, ref, &id);

    return err ? err : hk_dir_team_json(ctx, id, true, out);
}

hk_err hk_team_list(struct hk_ctx *ctx, json_t **out)
{
    json_t *rows = NULL;
    hk_err err = hk_store_rows(ctx->st, HK_Q_TEAM_LIST, NULL, 0, &rows);

    if (!err)
        *out = json_pack("{s:o}", "teams", rows);
    return err;
}

static hk_err audit_team(struct hk_ctx *ctx, const char *action, int64_t id, json_t *before,
                         json_t *after)
{
    hk_err err = hk_audit(ctx, action, "team", id, before, after);

    return err ? err : hk_dir_bump_gen(ctx, "directory_gen");
}

hk_err hk_dir_team_upsert(struct hk_ctx *ctx, json_t *body, bool replace, int64_t *id_out,
                          bool *created)
{
    json_t *m = NULL, *before = NULL, *after = NULL;
    const char *name = json_string_value(json_object_get(body, "name"));
    int64_t id = 0;
    hk_err err;

    *created = false;
    if ((err = hk_json_only(ctx, body, team_members)))
        return err;
    if (json_object_get(body, "add") || json_object_get(body, "remove"))
        return hk_errf(ctx->em, HK_EINVAL, "'add' and 'remove' are for edits");
    if (replace && name) {
        err = hk_store_row(ctx->st, HK_Q_TEAM_BY_NAME, HK_SQL_ARGS(hk_sql_text(name)), &before);
        if (err && err != HK_ENOTFOUND)
            return err;
        if (!err) {
            id = json_integer_value(json_object_get(before, "id"));
            json_decref(before);
            before = NULL;
            if ((err = hk_dir_team_json(ctx, id, false, &before)))
                return err;
        }
    }
    m = json_deep_copy(body);
    json_object_del(m, "networks");
    json_object_del(m, "domains");
    json_object_del(m, "asns");
    *created = id == 0;
    if ((err = team_write(ctx, m, &id)) ||
        (err = contacts_write(ctx, id, json_object_get(body, "contacts"))))
        goto out;
    if (before &&
        (err = hk_store_exec(ctx->st, HK_Q_CONST_CLEAR, HK_SQL_ARGS(hk_sql_int(id)), NULL)))
        goto out;
    {
        json_t *lists = json_pack(
            "{s:O?, s:O?, s:O?}", "networks", json_object_get(body, "networks"), "domains",
            json_object_get(body, "domains"), "asns", json_object_get(body, "asns"));
        err = hk_dir_const_apply(ctx, id, lists, true, NULL);
        json_decref(lists);
    }
    if (!err)
        err = hk_dir_team_json(ctx, id, false, &after);
    if (!err)
        err = audit_team(ctx, *created ? "team.create" : "team.import", id, before, after);
    *id_out = id;
out:
    json_decref(m);
    json_decref(before);
    json_decref(after);
    return err;
}

hk_err hk_team_create(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    int64_t id = 0;
    bool created;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)))
        return err;
    if (!json_is_object(body))
        return hk_errf(ctx->em, HK_EINVAL, "request body must be a JSON object");
    err = hk_dir_team_upsert(ctx, body, false, &id, &created);
    return err ? err : hk_dir_team_json(ctx, id, true, out);
}

/* The stored team as an editable body: the members a create would take. */
static json_t *editable(json_t *t)
{
    json_t *m = json_object();

    for (int i = 0; team_members[i]; i++) {
        json_t *v = json_object_get(t, team_members[i]);
        if (!strcmp(team_members[i], "parent"))
            v = json_object_get(t, "parent_id");
        if (v && !json_is_null(v) && strcmp(team_members[i], "networks") &&
            strcmp(team_members[i], "domains") && strcmp(team_members[i], "asns"))
            json_object_set(m, team_members[i], v);
    }
    return m;
}

hk_err hk_team_update(struct hk_ctx *ctx, const char *ref, json_t *body, json_t **out)
{
    json_t *before = NULL, *after = NULL, *m = NULL, *log = NULL, *v;
    const char *key;
    int64_t id;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)) || (err = hk_team_resolve(ctx, ref, &id)))
        return err;
    if ((err = hk_json_only(ctx, body, team_members)))
        return err;
    if (json_object_get(body, "networks") || json_object_get(body, "domains") ||
        json_object_get(body, "asns"))
        return hk_errf(ctx->em, HK_EINVAL, "use 'add' and 'remove' to change the constituency");
    if ((err = hk_dir_team_json(ctx, id, false, &before)))
        return err;
    m = editable(before);
    json_object_foreach(body, key, v) if (strcmp(key, "add") && strcmp(key, "remove"))
        json_object_set(m, key, v);
    log = json_object();
    json_object_set_new(log, "added", json_array());
    json_object_set_new(log, "removed", json_array());
    if ((err = team_write(ctx, m, &id)))
        goto out;
    if (json_object_get(body, "contacts") &&
        (err = contacts_write(ctx, id, json_object_get(body, "contacts"))))
        goto out;
    if ((err = hk_dir_const_apply(ctx, id, json_object_get(body, "remove"), false,
                                  json_object_get(log, "removed"))) ||
        (err = hk_dir_const_apply(ctx, id, json_object_get(body, "add"), true,
                                  json_object_get(log, "added"))))
        goto out;
    if ((err = hk_dir_team_json(ctx, id, false, &after)))
        goto out;
    err = audit_team(ctx, "team.update", id, before, after);
    if (!err)
        err = hk_dir_team_json(ctx, id, true, out);
out:
    json_decref(before);
    json_decref(after);
    json_decref(m);
    json_decref(log);
    return err;
}

hk_err hk_team_constituency(struct hk_ctx *ctx, const char *ref, json_t *body, bool add,
                            json_t **out)
{
    json_t *log = json_array();
    int64_t id;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)) || (err = hk_team_resolve(ctx, ref, &id)) ||
        (err = hk_dir_const_apply(ctx, id, body, add, log)))
        goto out;
    if (json_array_size(log)) {
        json_t *a = json_pack("{s:O}", add ? "added" : "removed", log);
        err = audit_team(ctx, "team.constituency", id, NULL, a);
        json_decref(a);
    }
    if (!err)
        err = hk_dir_team_json(ctx, id, true, out);
out:
    json_decref(log);
    return err;
}

hk_err hk_team_delete(struct hk_ctx *ctx, const char *ref)
{
    json_t *before = NULL, *kids = NULL;
    int64_t id;
    hk_err err;

    if ((err = hk_dir_require_staff(ctx)) || (err = hk_team_resolve(ctx, ref, &id)) ||
        (err = hk_dir_team_json(ctx, id, true, &before)))
        return err;
    kids = json_object_get(before, "children");
    if (json_array_size(kids)) {
        char *names = json_dumps(kids, JSON_COMPACT);
        err = hk_errf(ctx->em, HK_ECONFLICT,
                      "team '%s' is the parent of %s; move or remove those first",
                      hk_dir_jstr(before, "name"), names ? names : "other teams");
        free(names);
        goto out;
    }
    json_object_del(before, "children");
    json_object_del(before, "chain");
    if (!(err = hk_store_exec(ctx->st, HK_Q_TEAM_DELETE, HK_SQL_ARGS(hk_sql_int(id)), NULL)))
        err = audit_team(ctx, "team.delete", id, before, NULL);
out:
    json_decref(before);
    return err;
}
