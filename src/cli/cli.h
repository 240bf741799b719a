/* SPDX-License-Identifier: MIT */
/*
 * The CLI's shared pieces: parsed arguments, the connection (a local data directory, or a
 * server URL and token), the call that sends one API request either in-process through the
 * router or over HTTP with libcurl, and the human/JSON printers.
 */
#ifndef HIKESHI_CLI_H
#define HIKESHI_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "hikeshi/handling.h"
#include "hikeshi/http.h"

#define CLI_MAX_POS 1024 /* sensor takes many capture files */
#define CLI_MAX_KV  64

struct args {
    const char *pos[CLI_MAX_POS];
    int npos;
    struct {
        const char *k;
        const char *v; /* NULL for flags */
    } kv[CLI_MAX_KV];
    int nkv;
};

struct cli {
    const char *data;   /* --data, default ./hikeshi-data */
    const char *server; /* --server or HIKESHI_URL: remote mode */
    const char *token;  /* --token or HIKESHI_TOKEN */
    bool json;          /* --json */
    struct hk_config cfg;
    struct hk_store *st; /* local mode, opened on first use */
    struct hk_principal local;
    bool may_create; /* init and serve create the data directory; others need it */
};

/* Maps a CLI option to a body or query member. */
struct fieldmap {
    const char *opt;
    const char *field;
    int type; /* 0 string, 1 integer, 2 boolean flag (true when present) */
};

struct cmd {
    const char *group; /* "report" */
    const char *verb;  /* "list" (NULL: the group alone) */
    const char *method;
    const char *path;  /* printf format, one %s per positional argument */
    int npos;          /* required positional arguments */
    const char *usage; /* "ID [--incident N]" */
    const char *summary;
    const struct fieldmap *body;
    const struct fieldmap *query;
    int (*fn)(struct cli *c, const struct cmd *cmd, struct args *a);
    const char *help; /* extra DESCRIPTION text */
};

extern const struct cmd hk_cli_cmds[];

const char *arg_get(const struct args *a, const char *k);
bool arg_has(const struct args *a, const char *k);

/* Opens the local store on first use (migrating it). Exit code on failure. */
int cli_store(struct cli *c, struct hk_store **st);
/* Sends one request; *out gets the answer (caller frees). Prints errors; returns the exit
 * code (0 on success). query may be NULL; body NULL means no body. */
int cli_call(struct cli *c, const char *method, const char *path, json_t *query, json_t *body,
             json_t **out);
int cli_call_raw(struct cli *c, const char *method, const char *path, const char *body, size_t len,
                 json_t **out);
/* Prints an answer: JSON with --json, else a readable rendering. */
void cli_print(struct cli *c, json_t *v);
/* Prints an error line "hikeshi: <msg>" and returns the exit code for err. */
int cli_fail(hk_err err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Generic runner for table-driven commands. */
int cli_run_generic(struct cli *c, const struct cmd *cmd, struct args *a);

/* Commands with their own modules (cmd_sensor.c, cmd_sim.c, cmd_vuln.c). */
int cmd_sensor(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_simulate(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_exercise(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_vuln_cvss(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_vuln(struct cli *c, const struct cmd *cmd, struct args *a); /* vulnerability cases */
/* hikeshi advisory SUBCOMMAND: dispatches on cmd->verb (cmd_advisory.c). */
int cmd_advisory(struct cli *c, const struct cmd *cmd, struct args *a);
/* Advisory publication, assets, early warning (cmd_advisory_pub.c). */
int cmd_advisory_publish(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_advisory_show(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_advisory_fetch(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_advisory_sync(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_asset_import(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_vuln_publish(struct cli *c, const struct cmd *cmd, struct args *a);

/* Mail set-up (cmd_mail.c): true for the mail options; fills mc from options and the
 * environment (*configured false when neither --smtp nor --mail-from is given). */
struct hk_mail_config;
bool cli_mail_option(const char *k);
int cli_mail_config(const struct args *a, struct hk_mail_config *mc, bool *configured);
int cmd_mail_flush(struct cli *c, const struct cmd *cmd, struct args *a);

int cmd_init(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_serve(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_report_add(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_report_import(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_audit_verify(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_db_migrate(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_db_check(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_user_add(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_user_passwd(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_routes(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_observable(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_stats(struct cli *c, const struct cmd *cmd, struct args *a); /* cmd_webui.c */
int cmd_demo(struct cli *c, const struct cmd *cmd, struct args *a);  /* cmd_webui.c */
/* Mail intake and IODEF exchange (cmd_mailin.c). */
int cmd_mailin(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_report_import_iodef(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_incident_export_iodef(struct cli *c, const struct cmd *cmd, struct args *a);
int cmd_team(struct cli *c, const struct cmd *cmd, struct args *a);  /* cmd_team.c */
int cmd_route(struct cli *c, const struct cmd *cmd, struct args *a); /* cmd_team.c */

#endif
