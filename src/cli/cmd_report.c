/* SPDX-License-Identifier: MIT */
/*
 * hikeshi report add and hikeshi report import: the two commands that read report text
 * from files or standard input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int read_all(FILE *f, size_t max, struct hk_buf *b)
{
    char chunk[65536];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(b, chunk, n))
            return cli_fail(HK_ETOOBIG, "input larger than %zu bytes", max);
    return ferror(f) ? cli_fail(HK_EIO, "cannot read input") : 0;
}

int cmd_report_add(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const struct fieldmap map[] = {{"subject", "subject", 0},
                                          {"reporter", "reporter", 0},
                                          {"tlp", "tlp", 0},
                                          {"source", "source", 0},
                                          {"class", "rsit_class", 0},
                                          {"type", "rsit_type", 0},
                                          {"received-at", "received_at", 0},
                                          {NULL, NULL, 0}};
    struct hk_buf text = HK_BUF_INIT(c->cfg.max_content);
    json_t *body = json_object(), *out = NULL;
    const char *file = arg_get(a, "file");
    int rc = 0;

    (void)cmd;
    for (int i = 0; i < a->nkv && !rc; i++) {
        int ok = !strcmp(a->kv[i].k, "content") || !strcmp(a->kv[i].k, "file");
        for (int k = 0; map[k].opt && !ok; k++)
            ok = !strcmp(map[k].opt, a->kv[i].k);
        if (!ok)
            rc = cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi report add --help'",
                          a->kv[i].k);
        else if (!a->kv[i].v)
            rc = cli_fail(HK_EINVAL, "option '--%s' needs a value", a->kv[i].k);
    }
    if (!rc && arg_get(a, "content")) {
        rc = hk_buf_appends(&text, arg_get(a, "content"))
                 ? cli_fail(HK_ETOOBIG, "content too large")
                 : 0;
    } else if (!rc && file) {
        FILE *f = fopen(file, "rb");
        if (!f)
            rc = cli_fail(HK_EIO, "cannot open '%s'", file);
        else {
            rc = read_all(f, c->cfg.max_content, &text);
            (void)fclose(f);
        }
    } else if (!rc) {
        rc = read_all(stdin, c->cfg.max_content, &text);
    }
    for (int k = 0; !rc && map[k].opt; k++)
        if (arg_get(a, map[k].opt))
            json_object_set_new(body, map[k].field, json_string(arg_get(a, map[k].opt)));
    if (!rc) {
        json_t *s = json_stringn(hk_buf_str(&text), text.len);
        if (!s)
            rc = cli_fail(HK_EINVAL, "report text is not valid UTF-8");
        else
            json_object_set_new(body, "content", s);
    }
    if (!rc)
        rc = cli_call(c, "POST", "/api/v1/reports", NULL, body, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(out);
    json_decref(body);
    hk_buf_release(&text);
    return rc;
}

static void print_stats(struct cli *c, const struct hk_import_stats *st, double secs)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "lines", (json_int_t)st->lines, "stored",
        (json_int_t)st->stored, "duplicates", (json_int_t)st->duplicates, "correlated",
        (json_int_t)st->correlated, "rejected", (json_int_t)st->rejected, "seconds", secs,
        "reports_per_second", secs > 0 ? (double)(st->stored + st->duplicates) / secs : 0.0);

    cli_print(c, o);
    json_decref(o);
}

static int import_local(struct cli *c, FILE *f, size_t batch)
{
    struct hk_store *st;
    struct hk_import_stats stats;
    struct hk_errmsg em = {{0}};
    struct hk_ctx ctx;
    uint64_t t0 = hk_mono_ns();
    int rc = cli_store(c, &st);
    hk_err err;

    if (rc)
        return rc;
    hk_ctx_init(&ctx, st, &c->local, &c->cfg, &em);
    err = hk_report_import(&ctx, f, batch, &stats);
    hk_ctx_release(&ctx);
    if (err)
        return cli_fail(err, "import stopped: %s (%llu reports stored before)",
                        em.text[0] ? em.text : hk_strerror(err), (unsigned long long)stats.stored);
    print_stats(c, &stats, (double)(hk_mono_ns() - t0) / 1e9);
    return 0;
}

/* Sends whole lines in chunks below the server's body limit. */
static int import_remote(struct cli *c, FILE *f)
{
    struct hk_buf chunk = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_import_stats total = {0};
    char *line = NULL;
    size_t cap = 0, limit = 900 * 1024;
    ssize_t n;
    uint64_t t0 = hk_mono_ns();
    int rc = 0, eof = 0;

    while (!rc && !eof) {
        n = getline(&line, &cap, f);
        eof = n < 0;
        if (!eof && (size_t)n > limit) {
            rc = cli_fail(HK_ETOOBIG, "a line is larger than the request limit");
            break;
        }
        if (chunk.len && (eof || chunk.len + (size_t)n > limit)) {
            json_t *out = NULL;
            rc = cli_call_raw(c, "POST", "/api/v1/reports/import", chunk.buf, chunk.len, &out);
            if (!rc) {
                total.lines += (uint64_t)json_integer_value(json_object_get(out, "lines"));
                total.stored += (uint64_t)json_integer_value(json_object_get(out, "stored"));
                total.duplicates +=
                    (uint64_t)json_integer_value(json_object_get(out, "duplicates"));
                total.correlated +=
                    (uint64_t)json_integer_value(json_object_get(out, "correlated"));
                total.rejected += (uint64_t)json_integer_value(json_object_get(out, "rejected"));
            }
            json_decref(out);
            hk_buf_reset(&chunk);
        }
        if (!eof)
            (void)hk_buf_append(&chunk, line, (size_t)n);
    }
    free(line);
    hk_buf_release(&chunk);
    if (!rc)
        print_stats(c, &total, (double)(hk_mono_ns() - t0) / 1e9);
    return rc;
}

int cmd_report_import(struct cli *c, const struct cmd *cmd, struct args *a)
{
    const char *path = a->pos[0], *b = arg_get(a, "batch");
    uint64_t batch = 10000;
    FILE *f;
    int rc;

    (void)cmd;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi report import FILE|- [--batch N]");
    if (b && (hk_parse_u64(b, &batch) || batch < 1 || batch > 1000000))
        return cli_fail(HK_EINVAL, "--batch must be 1 to 1000000");
    f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return cli_fail(HK_EIO, "cannot open '%s'", path);
    rc = c->server ? import_remote(c, f) : import_local(c, f, (size_t)batch);
    if (f != stdin)
        (void)fclose(f);
    return rc;
}
