/* SPDX-License-Identifier: MIT */
/*
 * Administrative commands: audit verify, db migrate/check, user add (with a password
 * read from standard input, never from the command line), routes, observable lookup.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cmd_audit_verify(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    uint64_t n = 0;
    json_t *out = NULL;
    int rc;
    hk_err err;

    (void)cmd;
    (void)a;
    if (c->server) {
        rc = cli_call(c, "GET", "/api/v1/audit/verify", NULL, NULL, &out);
        if (!rc && !json_is_true(json_object_get(out, "ok")))
            rc = cli_fail(HK_EINTEGRITY, "audit verification FAILED: %s",
                          json_string_value(json_object_get(out, "message")));
        else if (!rc)
            cli_print(c, out);
        json_decref(out);
        return rc;
    }
    if ((rc = cli_store(c, &st)))
        return rc;
    err = hk_audit_verify(st, &n, &em);
    if (err)
        return cli_fail(err, "audit verification FAILED: %s",
                        em.text[0] ? em.text : hk_strerror(err));
    out = json_pack("{s:b, s:I, s:s}", "ok", 1, "entries", (json_int_t)n, "message",
                    "audit chain intact");
    cli_print(c, out);
    json_decref(out);
    return 0;
}

int cmd_db_migrate(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_store *st = NULL;
    struct hk_errmsg em = {{0}};
    int from = 0, to = 0;
    hk_err err;

    (void)cmd;
    (void)a;
    if (c->server)
        return cli_fail(HK_EINVAL, "db migrate works on a local data directory (--data)");
    err = hk_store_sqlite.open(c->data, &st, &em);
    if (!err)
        err = st->ops->migrate(st, &from, &to, &em);
    hk_store_close(st);
    if (err)
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    printf("hikeshi: schema version %d -> %d\n", from, to);
    return 0;
}

int cmd_db_check(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    int rc;
    hk_err err;

    (void)cmd;
    (void)a;
    if (c->server)
        return cli_fail(HK_EINVAL, "db check works on a local data directory (--data)");
    if ((rc = cli_store(c, &st)))
        return rc;
    err = st->ops->integrity(st, &em);
    if (err)
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    printf("hikeshi: database integrity ok\n");
    return 0;
}

/* The first line of standard input, without its line end, into pw (n bytes). */
static int read_password(char *pw, size_t n)
{
    if (!fgets(pw, (int)n, stdin))
        return cli_fail(HK_EINVAL, "no password on standard input");
    pw[strcspn(pw, "\r\n")] = '\0';
    return 0;
}

int cmd_user_add(struct cli *c, const struct cmd *cmd, struct args *a)
{
    json_t *body, *out = NULL;
    char pw[1100];
    int rc = 0;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "role") && strcmp(a->kv[i].k, "team") &&
            strcmp(a->kv[i].k, "password-stdin"))
            return cli_fail(HK_EINVAL, "unknown option '--%s'", a->kv[i].k);
    if (a->npos != 1 || !arg_get(a, "role"))
        return cli_fail(HK_EINVAL, "usage: hikeshi user add NAME --role ROLE [--team T] "
                                   "[--password-stdin]");
    body = json_pack("{s:s, s:s}", "name", a->pos[0], "role", arg_get(a, "role"));
    if (arg_get(a, "team"))
        json_object_set_new(body, "team", json_string(arg_get(a, "team")));
    if (arg_has(a, "password-stdin") && !(rc = read_password(pw, sizeof(pw)))) {
        json_object_set_new(body, "password", json_string(pw));
        sodium_memzero(pw, sizeof(pw));
    }
    if (!rc)
        rc = cli_call(c, "POST", "/api/v1/users", NULL, body, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(body);
    json_decref(out);
    return rc;
}

int cmd_user_passwd(struct cli *c, const struct cmd *cmd, struct args *a)
{
    json_t *body, *out = NULL;
    char pw[1100];
    int rc;

    (void)cmd;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "password-stdin"))
            return cli_fail(HK_EINVAL, "unknown option '--%s'", a->kv[i].k);
    if (a->npos != 1 || !arg_has(a, "password-stdin"))
        return cli_fail(HK_EINVAL, "usage: hikeshi user passwd NAME --password-stdin");
    if ((rc = read_password(pw, sizeof(pw))))
        return rc;
    body = json_pack("{s:s, s:s}", "user", a->pos[0], "password", pw);
    sodium_memzero(pw, sizeof(pw));
    rc = cli_call(c, "POST", "/api/v1/account/password", NULL, body, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(body);
    json_decref(out);
    return rc;
}

int cmd_routes(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);

    (void)cmd;
    (void)a;
    if (c->json) {
        json_t *o = hk_api_openapi();
        cli_print(c, o);
        json_decref(o);
        return 0;
    }
    hk_api_routes_text(&b);
    (void)fputs(hk_buf_str(&b), stdout);
    hk_buf_release(&b);
    return 0;
}

int cmd_observable(struct cli *c, const struct cmd *cmd, struct args *a)
{
    json_t *q, *out = NULL;
    int rc;

    (void)cmd;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi observable VALUE");
    q = json_pack("{s:s}", "value", a->pos[0]);
    rc = cli_call(c, "GET", "/api/v1/observables", q, NULL, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(q);
    json_decref(out);
    return rc;
}
