/* SPDX-License-Identifier: MIT */
/*
 * hikeshi init and hikeshi serve: create the data directory (printing the first admin
 * token once) and run the HTTP server on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/advisory.h"
#include "hikeshi/mail.h"
#include "hikeshi/server.h"
#include "hikeshi/webui.h"

/* Opens (creating and migrating) the store and bootstraps the admin user. */
static int bootstrap(struct cli *c)
{
    struct hk_store *st;
    char secret[80], password[32];
    bool created = false;
    int rc;

    c->may_create = true;
    rc = cli_store(c, &st);
    hk_err err;

    if (rc)
        return rc;
    err = hk_bootstrap_pw(st, secret, password, &created);
    if (err)
        return cli_fail(err, "cannot initialise '%s': %s", c->data, hk_strerror(err));
    if (created) {
        printf("hikeshi: initialised data directory '%s'\n", c->data);
        printf("hikeshi: created user 'admin'; its API token (shown only this once):\n\n");
        printf("    %s\n\n", secret);
        printf("hikeshi: use it as   curl -H 'Authorization: Bearer %s' ...\n", secret);
        printf("hikeshi: or          export HIKESHI_TOKEN=%s\n", secret);
        printf("hikeshi: web UI sign-in (shown only this once):\n");
        printf("    admin user: admin\n    admin password: %s\n", password);
        (void)fflush(stdout);
    }
    return 0;
}

int cmd_init(struct cli *c, const struct cmd *cmd, struct args *a)
{
    int rc;

    (void)cmd;
    if (a->nkv)
        return cli_fail(HK_EINVAL, "unknown option '--%s'", a->kv[0].k);
    rc = bootstrap(c);
    if (!rc)
        printf("hikeshi: data directory '%s' is ready\n", c->data);
    return rc;
}

static bool adv_url_from_listen;

static void on_ready(int port, void *arg)
{
    const char *listen = arg;

    if (adv_url_from_listen) { /* the advisories' base URL names the port really bound */
        char u[300];
        (void)snprintf(u, sizeof(u), "http://%.*s:%d", (int)strcspn(listen, ":"), listen, port);
        hk_advisory_set_public_url(u);
    }
    printf("hikeshi: serving on http://%s (port %d); Ctrl-C stops\n", listen, port);
    (void)fflush(stdout);
}

int cmd_serve(struct cli *c, const struct cmd *cmd, struct args *a)
{
    struct hk_server_opts o;
    struct hk_errmsg em = {{0}};
    const char *v;
    uint64_t n;
    int rc;
    hk_err err;

    (void)cmd;
    memset(&o, 0, sizeof(o));
    o.data_dir = c->data;
    o.listen = arg_get(a, "listen") ? arg_get(a, "listen") : "127.0.0.1:8080";
    o.cfg = c->cfg;
    for (int i = 0; i < a->nkv; i++)
        if (strcmp(a->kv[i].k, "listen") && strcmp(a->kv[i].k, "threads") &&
            strcmp(a->kv[i].k, "max-body") && strcmp(a->kv[i].k, "correlation-window") &&
            strcmp(a->kv[i].k, "sla") && strcmp(a->kv[i].k, "public-url") &&
            strcmp(a->kv[i].k, "session-idle") && strcmp(a->kv[i].k, "session-lifetime") &&
            strcmp(a->kv[i].k, "secure-cookies") && !cli_mail_option(a->kv[i].k))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi serve --help'",
                            a->kv[i].k);
    if ((v = arg_get(a, "threads")) && (hk_parse_u64(v, &n) || n < 1 || n > 64))
        return cli_fail(HK_EINVAL, "--threads must be 1 to 64");
    o.threads = v ? (unsigned)n : 4;
    if ((v = arg_get(a, "max-body")) && (hk_parse_u64(v, &n) || n < 1024 || n > (1u << 30)))
        return cli_fail(HK_EINVAL, "--max-body must be 1024 to 1073741824 bytes");
    if (v)
        o.cfg.max_body = (size_t)n;
    if ((v = arg_get(a, "correlation-window")) && (hk_parse_u64(v, &n) || n > 3650))
        return cli_fail(HK_EINVAL, "--correlation-window must be 0 to 3650 days");
    if (v)
        o.cfg.correlation_window = (int64_t)n * 86400;
    if ((v = arg_get(a, "sla")) && hk_config_sla_parse(&o.cfg, v, &em))
        return cli_fail(HK_EINVAL, "--sla: %s", em.text);
    /* Web sessions: idle timeout and absolute lifetime in seconds. */
    if ((v = arg_get(a, "session-idle")) && (hk_parse_u64(v, &n) || n < 1 || n > 30 * 86400))
        return cli_fail(HK_EINVAL, "--session-idle must be 1 to 2592000 seconds");
    if (v)
        o.cfg.session_idle = (int64_t)n;
    if ((v = arg_get(a, "session-lifetime")) && (hk_parse_u64(v, &n) || n < 1 || n > 90 * 86400))
        return cli_fail(HK_EINVAL, "--session-lifetime must be 1 to 7776000 seconds");
    if (v)
        o.cfg.session_lifetime = (int64_t)n;
    if (arg_has(a, "secure-cookies"))
        o.cfg.cookie_secure = true;
    {
        static struct hk_mail_config mc;
        bool on;
        if ((rc = cli_mail_config(a, &mc, &on)))
            return rc;
        if (on) {
            hk_mail_init();
            o.mail = &mc;
        }
    }
    {
        /* advisories: the provider directory's base URL and signing key */
        static char url[300];
        struct hk_advisory_opts ao = {c->data, arg_get(a, "public-url"), arg_get(a, "sign-key"),
                                      arg_get(a, "gnupghome")};
        if (!ao.public_url && !getenv("HIKESHI_PUBLIC_URL")) {
            (void)snprintf(url, sizeof(url), "http://%s", o.listen);
            ao.public_url = url;
            adv_url_from_listen = true;
        }
        hk_advisory_setup(&ao);
    }
    if ((rc = bootstrap(c)))
        return rc;
    {
        /* The statistics' SLA counters follow this server's first-response targets. */
        bool recounted = false;
        if ((err = hk_stats_sla_sync(c->st, &o.cfg, &recounted, &em)))
            return cli_fail(err, "statistics: %s", em.text[0] ? em.text : hk_strerror(err));
        if (recounted)
            hk_log(HK_LOG_INFO, "stats: first-response targets changed; SLA counters recounted");
    }
    /* The server opens one connection per thread; ours is not needed any more. */
    hk_store_close(c->st);
    c->st = NULL;
    o.ready = on_ready;
    o.ready_arg = (void *)o.listen;
    hk_log_set_level(HK_LOG_INFO);
    err = hk_server_run(&o, &em);
    if (err)
        return cli_fail(err, "%s", em.text);
    return 0;
}
