/* SPDX-License-Identifier: MIT */
/*
 * hikeshi advisory: CSAF advisory commands. cmd_advisory dispatches on the verb of the command
 * table row (src/cli/commands.c) through the table below, so a new subcommand is one row here
 * plus one row there (or a function in a cmd_advisory_*.c file named in this table).
 * `advisory validate FILE...` runs the CSAF 2.0 validator (schema and mandatory tests of
 * section 6.1, include/hikeshi/csaf.h) on each file, locally (no data directory needed), and
 * prints per file "FILE: valid" or "FILE: invalid" followed by one "  TEST PATH: MESSAGE" line
 * per error; with --json one report object per file ({"file", "valid", "errors"}) per line.
 * Exit code 0 when every file is valid, 1 when one is not (malformed JSON and duplicate member
 * names included: reported as one error of test "json"), 2 on a usage error or a file that
 * cannot be read (or is larger than HK_CSAF_MAX_BYTES).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/csaf.h"

/* Reads a whole file ("-" is standard input) of at most HK_CSAF_MAX_BYTES. */
static int slurp(const char *path, struct hk_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!f) {
        (void)cli_fail(HK_EIO, "cannot open '%s'", path);
        return 2;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(b, chunk, n)) {
            (void)cli_fail(HK_ETOOBIG, "'%s' is larger than %u bytes", path, HK_CSAF_MAX_BYTES);
            rc = 2;
            break;
        }
    if (!rc && ferror(f)) {
        (void)cli_fail(HK_EIO, "cannot read '%s'", path);
        rc = 2;
    }
    if (f != stdin)
        (void)fclose(f);
    return rc;
}

static void print_report(struct cli *c, const char *path, json_t *rep)
{
    json_t *errors = json_object_get(rep, "errors"), *e;
    size_t i;

    if (c->json) {
        char *txt;

        (void)json_object_set_new(rep, "file", json_string(path));
        txt = json_dumps(rep, JSON_COMPACT | JSON_PRESERVE_ORDER);
        (void)puts(txt ? txt : "null");
        free(txt);
        return;
    }
    printf("%s: %s\n", path, json_is_true(json_object_get(rep, "valid")) ? "valid" : "invalid");
    json_array_foreach(errors, i, e)
        printf("  %-9s %s: %s\n", json_string_value(json_object_get(e, "test")),
               json_string_value(json_object_get(e, "path"))[0]
                   ? json_string_value(json_object_get(e, "path"))
                   : "/",
               json_string_value(json_object_get(e, "message")));
}

/* One file: 0 valid, 1 invalid, 2 unreadable. */
static int validate_one(struct cli *c, const char *path)
{
    struct hk_buf b = HK_BUF_INIT(HK_CSAF_MAX_BYTES);
    json_error_t je;
    json_t *doc = NULL, *rep = NULL;
    int rc;

    if ((rc = slurp(path, &b)))
        goto out;
    doc = json_loadb(b.buf ? b.buf : "", b.len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        char msg[300];

        (void)snprintf(msg, sizeof(msg), "malformed JSON at line %d column %d: %s", je.line,
                       je.column, je.text);
        rep = json_pack("{s:b, s:[{s:s, s:s, s:s}]}", "valid", 0, "errors", "test", "json", "path",
                        "", "message", msg);
        rc = 1;
    } else {
        hk_err err = hk_csaf_validate(doc, &rep);

        if (!rep) {
            rc = cli_fail(err, "'%s': cannot validate: %s", path, hk_strerror(err));
            goto out;
        }
        rc = err == HK_OK ? 0 : 1;
    }
    print_report(c, path, rep);
out:
    json_decref(rep);
    json_decref(doc);
    hk_buf_release(&b);
    return rc;
}

static int advisory_validate(struct cli *c, const struct cmd *cmd, struct args *a)
{
    int worst = 0;

    (void)cmd;
    if (a->npos < 1) {
        (void)cli_fail(HK_EINVAL, "usage: hikeshi advisory validate [--json] FILE...");
        return 2;
    }
    for (int i = 0; i < a->npos; i++) {
        int rc = validate_one(c, a->pos[i]);

        if (rc > worst)
            worst = rc;
    }
    return worst;
}

/* The advisory subcommands: verb (as in the command table) and its function. */
static const struct {
    const char *verb;
    int (*fn)(struct cli *c, const struct cmd *cmd, struct args *a);
} advisory_cmds[] = {
    {"validate", advisory_validate},
    {NULL, NULL},
};

int cmd_advisory(struct cli *c, const struct cmd *cmd, struct args *a)
{
    for (int i = 0; advisory_cmds[i].verb; i++)
        if (cmd->verb && !strcmp(cmd->verb, advisory_cmds[i].verb))
            return advisory_cmds[i].fn(c, cmd, a);
    (void)cli_fail(HK_EINVAL, "unknown advisory subcommand '%s'", cmd->verb ? cmd->verb : "");
    return 2;
}
