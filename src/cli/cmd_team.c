/* SPDX-License-Identifier: MIT */
/*
 * hikeshi team (add, list, show, edit, remove, export, import, import-securitytxt) and
 * hikeshi route (VALUE, load-pfx2as). Repeated options (--network, --domain, --asn,
 * --contact, --remove) arrive as repeated pairs in struct args and become JSON arrays;
 * every command is one API call, so it works the same locally and against a server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/directory.h"

/* Single-valued options and the team member each sets. */
static const struct fieldmap team_opts[] = {
    {"name", "name", 0},
    {"full-name", "full_name", 0},
    {"type", "type", 0},
    {"parent", "parent", 0},
    {"email", "email", 0},
    {"phone", "phone", 0},
    {"timezone", "timezone", 0},
    {"hours", "hours", 0},
    {"languages", "languages", 0},
    {"language", "language", 0},
    {"format", "notify_format", 0},
    {"pgp-fingerprint", "pgp_fingerprint", 0},
    {"web", "web", 0},
    {"policy", "policy", 0},
    {"encryption", "encryption", 0},
    {NULL, NULL, 0},
};

static int read_file(const char *path, struct hk_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;

    if (!f)
        return cli_fail(HK_EIO, "cannot open '%s'", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(b, chunk, n)) {
            if (f != stdin)
                (void)fclose(f);
            return cli_fail(HK_ETOOBIG, "'%s' is too large", path);
        }
    n = (size_t)ferror(f);
    if (f != stdin)
        (void)fclose(f);
    return n ? cli_fail(HK_EIO, "cannot read '%s'", path) : 0;
}

/* "role|name|email|phone" (later parts optional). */
static json_t *contact_of(const char *s)
{
    char *c = hk_xstrdup(s), *f[4] = {c, NULL, NULL, NULL}, *q = c;
    json_t *o;

    for (int k = 1; k < 4 && q; k++) {
        q = strchr(q, '|');
        if (q) {
            *q++ = '\0';
            f[k] = q;
        }
    }
    o = json_pack("{s:s, s:s, s:s, s:s}", "role", f[0], "name", f[1] ? f[1] : "", "email",
                  f[2] ? f[2] : "", "phone", f[3] ? f[3] : "");
    free(c);
    return o;
}

static const char *list_of(const char *opt)
{
    if (!strcmp(opt, "network"))
        return "networks";
    if (!strcmp(opt, "domain"))
        return "domains";
    if (!strcmp(opt, "asn"))
        return "asns";
    return NULL;
}

/* Builds the body of add/edit from the options; lists go to top level (add) or to
 * "add" / "remove" (edit). */
static int team_body(const struct args *a, bool edit, json_t *body)
{
    json_t *lists = edit ? json_object() : json_incref(body), *removes = json_object();
    json_t *contacts = NULL;
    int rc = 0;

    for (int i = 0; i < a->nkv && !rc; i++) {
        const char *k = a->kv[i].k, *v = a->kv[i].v, *l = list_of(k);
        int m = 0;
        while (team_opts[m].opt && strcmp(team_opts[m].opt, k))
            m++;
        if (!v) {
            rc = cli_fail(HK_EINVAL, "option '--%s' needs a value", k);
        } else if (team_opts[m].opt) {
            if (edit && !strcmp(k, "name"))
                rc = cli_fail(HK_EINVAL, "rename with --new-name");
            else
                json_object_set_new(body, team_opts[m].field, json_string(v));
        } else if (edit && !strcmp(k, "new-name")) {
            json_object_set_new(body, "name", json_string(v));
        } else if (l) {
            json_t *arr = json_object_get(lists, l);
            if (!arr)
                json_object_set_new(lists, l, arr = json_array());
            json_array_append_new(arr, json_string(v));
        } else if (!strcmp(k, "contact")) {
            if (!contacts)
                json_object_set_new(body, "contacts", contacts = json_array());
            json_array_append_new(contacts, contact_of(v));
        } else if (!strcmp(k, "pgp-key-file")) {
            struct hk_buf key = HK_BUF_INIT(1 << 20);
            if (!(rc = read_file(v, &key)))
                json_object_set_new(body, "pgp_key", json_string(hk_buf_str(&key)));
            hk_buf_release(&key);
        } else if (edit && !strcmp(k, "remove")) {
            struct hk_prefix p;
            uint32_t asn;
            const char *rl = !hk_prefix_parse(v, false, &p, NULL) ? "networks"
                             : !hk_asn_parse(v, &asn, NULL)       ? "asns"
                                                                  : "domains";
            json_t *arr = json_object_get(removes, rl);
            if (!arr)
                json_object_set_new(removes, rl, arr = json_array());
            json_array_append_new(arr, json_string(v));
        } else {
            rc = cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi team %s --help'", k,
                          edit ? "edit" : "add");
        }
    }
    if (edit && json_object_size(lists))
        json_object_set(body, "add", lists);
    if (edit && json_object_size(removes))
        json_object_set(body, "remove", removes);
    json_decref(lists);
    json_decref(removes);
    return rc;
}

static int call_print(struct cli *c, const char *method, const char *path, json_t *q, json_t *body)
{
    json_t *out = NULL;
    int rc = cli_call(c, method, path, q, body, &out);

    if (!rc)
        cli_print(c, out);
    json_decref(out);
    return rc;
}

static int team_path(char *buf, size_t n, const char *ref, const char *suffix)
{
    for (const char *p = ref; *p; p++)
        if (*p == '/' || *p == '?' || *p == '%' || *p == ' ')
            return cli_fail(HK_EINVAL, "'%s' is not a team name or id", ref);
    (void)snprintf(buf, n, "/api/v1/teams/%s%s", ref, suffix);
    return 0;
}

static int team_raw(struct cli *c, const char *path, const char *file)
{
    struct hk_buf b = HK_BUF_INIT((size_t)1 << 32);
    json_t *out = NULL;
    int rc = read_file(file, &b);

    if (!rc)
        rc = cli_call_raw(c, "POST", path, hk_buf_str(&b), b.len, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(out);
    hk_buf_release(&b);
    return rc;
}

static int team_export(struct cli *c, struct args *a)
{
    const char *fmt = arg_get(a, "format");
    json_t *q = json_pack("{s:s}", "format", fmt ? fmt : "json"), *out = NULL;
    int rc = cli_call(c, "GET", "/api/v1/teams/export", q, NULL, &out);

    if (!rc && json_is_string(json_object_get(out, "text")) && !json_object_get(out, "teams")) {
        (void)fputs(json_string_value(json_object_get(out, "text")), stdout);
    } else if (!rc) {
        char *t = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        (void)puts(t ? t : "{}");
        free(t);
    }
    json_decref(q);
    json_decref(out);
    return rc;
}

int cmd_team(struct cli *c, const struct cmd *cmd, struct args *a)
{
    const char *verb = cmd->verb;
    char path[128];
    json_t *body;
    int rc;

    if (a->npos < cmd->npos)
        return cli_fail(HK_EINVAL, "usage: hikeshi team %s %s", verb, cmd->usage);
    if (!strcmp(verb, "list"))
        return call_print(c, "GET", "/api/v1/teams", NULL, NULL);
    if (!strcmp(verb, "export"))
        return team_export(c, a);
    if (!strcmp(verb, "import"))
        return team_raw(c, "/api/v1/teams/import", a->pos[0]);
    if ((!strcmp(verb, "show") || !strcmp(verb, "remove") || !strcmp(verb, "edit") ||
         !strcmp(verb, "import-securitytxt")) &&
        (rc = team_path(path, sizeof(path), a->pos[0],
                        !strcmp(verb, "import-securitytxt") ? "/securitytxt" : "")))
        return rc;
    if (!strcmp(verb, "show"))
        return call_print(c, "GET", path, NULL, NULL);
    if (!strcmp(verb, "remove"))
        return call_print(c, "DELETE", path, NULL, NULL);
    if (!strcmp(verb, "import-securitytxt"))
        return team_raw(c, path, a->pos[1]);
    body = json_object();
    rc = team_body(a, !strcmp(verb, "edit"), body);
    if (!rc)
        rc = !strcmp(verb, "edit") ? call_print(c, "PATCH", path, NULL, body)
                                   : call_print(c, "POST", "/api/v1/teams", NULL, body);
    json_decref(body);
    return rc;
}

static void print_route(json_t *o)
{
    json_t *team = json_object_get(o, "team"), *m = json_object_get(o, "match"), *t;
    json_t *ct = json_object_get(o, "contact");
    size_t i;

    printf("%s -> %s", json_string_value(json_object_get(o, "value")),
           json_string_value(json_object_get(team, "name")));
    if (json_object_get(m, "value"))
        printf(" (%s %s, %s)\n", json_string_value(json_object_get(m, "kind")),
               json_string_value(json_object_get(m, "value")),
               json_string_value(json_object_get(m, "how")));
    else
        printf(" (AS%lld%s%s, %s)\n", (long long)json_integer_value(json_object_get(m, "asn")),
               json_object_get(m, "via") ? " via " : "",
               json_object_get(m, "via") ? json_string_value(json_object_get(m, "via")) : "",
               json_string_value(json_object_get(m, "how")));
    printf("chain: ");
    json_array_foreach(json_object_get(o, "chain"), i, t)
        printf("%s%s (%s)", i ? " < " : "", json_string_value(json_object_get(t, "name")),
               json_string_value(json_object_get(t, "type")));
    printf("\ncontact: ");
    if (json_is_object(ct))
        printf("%s (%s)\n", json_string_value(json_object_get(ct, "email")),
               json_string_value(json_object_get(ct, "role")));
    else
        printf("none\n");
}

int cmd_route(struct cli *c, const struct cmd *cmd, struct args *a)
{
    json_t *q, *out = NULL;
    int rc;

    if (cmd->verb && !strcmp(cmd->verb, "load-pfx2as")) {
        if (a->npos != 1)
            return cli_fail(HK_EINVAL, "usage: hikeshi route load-pfx2as FILE");
        return team_raw(c, "/api/v1/route/pfx2as", a->pos[0]);
    }
    if (a->npos != 1 || a->nkv)
        return cli_fail(HK_EINVAL, "usage: hikeshi route VALUE");
    q = json_pack("{s:s}", "value", a->pos[0]);
    rc = cli_call(c, "GET", "/api/v1/route", q, NULL, &out);
    json_decref(q);
    if (!rc && c->json)
        cli_print(c, out);
    else if (!rc && json_is_object(json_object_get(out, "team")))
        print_route(out);
    if (!rc && !json_is_object(json_object_get(out, "team")))
        rc = cli_fail(HK_ENOTFOUND, "no team is responsible for '%s'", a->pos[0]);
    json_decref(out);
    return rc;
}

const char hk_cli_team_help[] =
    "    Options: --name N (the handle, unique; edit renames with --new-name),\n"
    "    --full-name, --type (security-team, distributed, centralized, combined,\n"
    "    coordinating, vendor, psirt, isp, other), --parent TEAM ('' for none), --email,\n"
    "    --phone, --timezone, --hours, --languages ja,en, --language (of notifications),\n"
    "    --format csv|xarf|iodef (notification attachments), --pgp-fingerprint,\n"
    "    --pgp-key-file FILE, --web, --policy, --encryption,\n"
    "    --contact 'ROLE|NAME|EMAIL|PHONE' (repeatable; replaces the list on edit; role\n"
    "    'abuse' or 'incident' makes it the contact to use), and the constituency:\n"
    "    --network PREFIX, --domain D, --asn N (repeatable; host bits are refused).\n"
    "    team edit also takes --remove VALUE (a prefix, domain or ASN; repeatable).\n";
