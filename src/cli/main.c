/* SPDX-License-Identifier: MIT */
/*
 * hikeshi: one executable, git-style subcommands ("hikeshi incident resolve 7"), all
 * listed in the table of commands.c. Global options: --data DIR (local data directory,
 * default ./hikeshi-data), --server URL and --token T (or HIKESHI_URL, HIKESHI_TOKEN) to
 * work against a running server, --json for machine-readable output, --help anywhere.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const global_help =
    "NAME\n"
    "    hikeshi - incident handling for CSIRTs\n"
    "\n"
    "SYNOPSIS\n"
    "    hikeshi [--data DIR | --server URL --token TOKEN] [--json] COMMAND [ARGS]\n"
    "    hikeshi help COMMAND\n"
    "\n"
    "DESCRIPTION\n"
    "    Reports come in, are correlated by their observables, triaged into incidents,\n"
    "    handled through investigations, countermeasures and tasks, and closed, with every\n"
    "    change in a hash-chained audit log. Commands work on the local data directory\n"
    "    (as its operator, with admin rights) or, with --server, against a running\n"
    "    'hikeshi serve' through its HTTP API with a token.\n"
    "\n"
    "GLOBAL OPTIONS\n"
    "    --data DIR      data directory (default ./hikeshi-data; env HIKESHI_DATA)\n"
    "    --server URL    talk to a server instead (env HIKESHI_URL), e.g. http://127.0.0.1:8080\n"
    "    --token TOKEN   API token for --server (env HIKESHI_TOKEN)\n"
    "    --json          print answers as JSON\n"
    "    (env HIKESHI_CORRELATION_DAYS sets the correlation window, default 30 days;\n"
    "    env HIKESHI_SLA the first-response targets, default low=72h,medium=24h,high=4h,\n"
    "    critical=1h)\n"
    "    -h, --help      help for hikeshi or for a command\n"
    "\n"
    "COMMANDS\n";

static void command_list(void)
{
    char name[64];

    for (const struct cmd *c = hk_cli_cmds; c->group; c++) {
        (void)snprintf(name, sizeof(name), "%s%s%s", c->group, c->verb ? " " : "",
                       c->verb ? c->verb : "");
        printf("    %-28s %s\n", name, c->summary);
    }
}

static void opt_help(const struct fieldmap *m, const char *where)
{
    char name[64];

    for (; m && m->opt; m++) {
        if (m->opt[0] == '@')
            continue; /* positional, shown in the synopsis */
        (void)snprintf(name, sizeof(name), "--%s%s", m->opt,
                       m->type == 2   ? ""
                       : m->type == 1 ? " N"
                                      : " VALUE");
        printf("    %-24s sets the %s member '%s'\n", name, where, m->field);
    }
}

static void cmd_help(const struct cmd *c)
{
    const char *pct = c->path ? strstr(c->path, "%s") : NULL;

    printf("NAME\n    hikeshi %s%s%s - %s\n\nSYNOPSIS\n    hikeshi %s%s%s %s\n", c->group,
           c->verb ? " " : "", c->verb ? c->verb : "", c->summary, c->group, c->verb ? " " : "",
           c->verb ? c->verb : "", c->usage ? c->usage : "");
    if (c->help)
        printf("\nDESCRIPTION\n%s", c->help);
    if (c->path && pct)
        printf("\nAPI\n    %s %.*s{id}%s\n", c->method, (int)(pct - c->path), c->path, pct + 2);
    else if (c->path)
        printf("\nAPI\n    %s %s\n", c->method, c->path);
    if (c->body || c->query) {
        printf("\nOPTIONS\n");
        opt_help(c->body, "request body");
        opt_help(c->query, "query");
    }
    printf("\nGLOBAL OPTIONS\n    --data DIR, --server URL, --token TOKEN, --json (see "
           "'hikeshi --help')\n");
}

static const struct cmd *find_cmd(const char *group, const char *verb, int *used)
{
    const struct cmd *only = NULL;

    for (const struct cmd *c = hk_cli_cmds; c->group; c++) {
        if (strcmp(c->group, group))
            continue;
        if (!c->verb)
            only = c;
        else if (verb && !strcmp(c->verb, verb)) {
            *used = 2;
            return c;
        }
    }
    *used = 1;
    return only;
}

static bool group_exists(const char *group)
{
    for (const struct cmd *c = hk_cli_cmds; c->group; c++)
        if (!strcmp(c->group, group))
            return true;
    return false;
}

static void group_help(const char *group)
{
    char name[64];

    printf("hikeshi %s: subcommands\n", group);
    for (const struct cmd *c = hk_cli_cmds; c->group; c++) {
        if (strcmp(c->group, group))
            continue;
        (void)snprintf(name, sizeof(name), "%s %s", c->group, c->verb ? c->verb : "");
        printf("    %-28s %s\n", name, c->summary);
    }
    printf("\nRun 'hikeshi help %s SUBCOMMAND' for details.\n", group);
}

/* Options that never take a value, so the next word stays a positional argument. */
static bool flag_only(const char *k)
{
    static const char *const flags[] = {"done",     "password-stdin", "progress", "no-progress",
                                        "lan",      "darknet",        "quiet",    "list",
                                        "nofollow", "no-pcap",        "ack",      "no-ack",
                                        "delete",   "secure-cookies", NULL};

    for (int i = 0; flags[i]; i++)
        if (!strcmp(flags[i], k))
            return true;
    return false;
}

/* Splits argv into positionals and --key [value] pairs; global options go to c. */
static int parse_args(struct cli *c, int argc, char **argv, struct args *a, bool *help)
{
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            *help = true;
        } else if (!strcmp(s, "--json")) {
            c->json = true;
        } else if (!strncmp(s, "--", 2) && s[2]) {
            const char *k = s + 2, *eq = strchr(k, '=');
            const char *v = NULL;
            static char keybuf[CLI_MAX_KV][64];
            if (a->nkv >= CLI_MAX_KV)
                return cli_fail(HK_ETOOBIG, "too many options");
            if (eq) {
                (void)snprintf(keybuf[a->nkv], 64, "%.*s", (int)(eq - k), k);
                k = keybuf[a->nkv];
                v = eq + 1;
            } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) && !flag_only(k)) {
                v = argv[++i];
            }
            if (!strcmp(k, "data") || !strcmp(k, "server") || !strcmp(k, "token")) {
                if (!v)
                    return cli_fail(HK_EINVAL, "option '--%s' needs a value", k);
                if (!strcmp(k, "data"))
                    c->data = v;
                else if (!strcmp(k, "server"))
                    c->server = v;
                else
                    c->token = v;
                continue;
            }
            if (a->npos == 0) /* before the command only global options are allowed */
                return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi --help'", k);
            a->kv[a->nkv].k = k;
            a->kv[a->nkv++].v = v;
        } else {
            if (a->npos >= CLI_MAX_POS)
                return cli_fail(HK_ETOOBIG, "too many arguments");
            a->pos[a->npos++] = s;
        }
    }
    return 0;
}

static int run(struct cli *c, int argc, char **argv)
{
    struct args a;
    const struct cmd *cmd;
    bool help = false;
    int used = 0, rc;

    memset(&a, 0, sizeof(a));
    if ((rc = parse_args(c, argc - 1, argv + 1, &a, &help)))
        return rc;
    if (a.npos == 0 || !strcmp(a.pos[0], "help")) {
        if (a.npos >= 2) {
            cmd = find_cmd(a.pos[1], a.npos >= 3 ? a.pos[2] : NULL, &used);
            if (cmd && (used == 2 || !cmd->verb)) {
                cmd_help(cmd);
                return 0;
            }
            if (group_exists(a.pos[1])) {
                group_help(a.pos[1]);
                return 0;
            }
            return cli_fail(HK_EINVAL, "no such command '%s'", a.pos[1]);
        }
        (void)fputs(global_help, stdout);
        command_list();
        printf("\nRun 'hikeshi help COMMAND' (or 'hikeshi COMMAND --help') for details.\n");
        return a.npos == 0 && !help ? 2 : 0;
    }
    cmd = find_cmd(a.pos[0], a.npos >= 2 ? a.pos[1] : NULL, &used);
    if (!cmd) {
        if (group_exists(a.pos[0])) {
            if (help) {
                group_help(a.pos[0]);
                return 0;
            }
            return cli_fail(HK_EINVAL, "'%s' needs a subcommand; see 'hikeshi %s --help'", a.pos[0],
                            a.pos[0]);
        }
        return cli_fail(HK_EINVAL, "no such command '%s'; see 'hikeshi --help'", a.pos[0]);
    }
    if (help) {
        cmd_help(cmd);
        return 0;
    }
    memmove(a.pos, a.pos + used, sizeof(a.pos[0]) * (size_t)(a.npos - used));
    a.npos -= used;
    return cmd->fn ? cmd->fn(c, cmd, &a) : cli_run_generic(c, cmd, &a);
}

int main(int argc, char **argv)
{
    struct cli c;
    int rc;

    memset(&c, 0, sizeof(c));
    if (hk_core_init())
        return cli_fail(HK_EIO, "cannot initialise libsodium");
    hk_config_defaults(&c.cfg);
    hk_log_set_level(getenv("HIKESHI_DEBUG") ? HK_LOG_DEBUG : HK_LOG_WARN);
    c.data = getenv("HIKESHI_DATA") ? getenv("HIKESHI_DATA") : "./hikeshi-data";
    c.server = getenv("HIKESHI_URL");
    c.token = getenv("HIKESHI_TOKEN");
    if (getenv("HIKESHI_SLA")) {
        struct hk_errmsg em = {{0}};
        if (hk_config_sla_parse(&c.cfg, getenv("HIKESHI_SLA"), &em))
            return cli_fail(HK_EINVAL, "HIKESHI_SLA: %s", em.text);
    }
    if (getenv("HIKESHI_CORRELATION_DAYS")) {
        uint64_t days;
        if (hk_parse_u64(getenv("HIKESHI_CORRELATION_DAYS"), &days) || days > 3650)
            return cli_fail(HK_EINVAL, "HIKESHI_CORRELATION_DAYS must be 0 to 3650");
        c.cfg.correlation_window = (int64_t)days * 86400;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = run(&c, argc, argv);
    hk_store_close(c.st);
    curl_global_cleanup();
    return rc;
}
