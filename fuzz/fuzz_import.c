/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the JSON-lines importer behind POST /api/v1/reports/import
 * (hk_report_import_buf): every input is one request body, imported inside a write
 * transaction that is then rolled back, so nothing accumulates between inputs. Checks the
 * statistics: lines equals the number of lines in the input (a last line without '\n'
 * counts), stored + duplicates + rejected never exceeds the non-blank lines (and equals
 * them when the import succeeded), correlated never exceeds stored, and the error list is
 * a JSON array of at most 100 {"line", "error"} objects naming lines that exist.
 * One store is opened once, in a directory made with mkdtemp, and removed at exit.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hikeshi/handling.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static struct hk_store *st;
static struct hk_config cfg;
static const struct hk_principal admin = {0, HK_ROLE_ADMIN, "local:fuzz", ""};

static void die(const char *what, unsigned long long a, unsigned long long b)
{
    (void)fprintf(stderr, "fuzz_import: %s (%llu, %llu)\n", what, a, b);
    abort();
}

static void close_all(void)
{
    DIR *d;
    struct dirent *e;
    char path[512];

    hk_store_close(st);
    st = NULL;
    if (!dir[0] || !(d = opendir(dir)))
        return;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        (void)unlink(path);
    }
    closedir(d);
    (void)rmdir(dir);
}

static void setup(void)
{
    struct hk_errmsg em = {{0}};
    char secret[80];
    bool created = false;

    if (st)
        return;
    if (hk_core_init() != HK_OK)
        die("hk_core_init", 0, 0);
    hk_log_set_level(HK_LOG_ERROR);
    hk_config_defaults(&cfg);
    (void)snprintf(dir, sizeof(dir), "/tmp/hk_fuzz_import.XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp", 0, 0);
    if (hk_store_open(dir, &st, &em) != HK_OK || hk_bootstrap(st, secret, &created) != HK_OK)
        die(em.text, 0, 0);
    (void)atexit(close_all);
}

static bool blank(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

static void check_errors(json_t *errors, uint64_t lines)
{
    size_t i;
    json_t *e;

    if (!json_is_array(errors) || json_array_size(errors) > 100)
        die("errors is not an array of at most 100", json_array_size(errors), 0);
    json_array_foreach(errors, i, e)
    {
        json_int_t line = json_integer_value(json_object_get(e, "line"));
        if (line < 1 || (uint64_t)line > lines || !json_is_string(json_object_get(e, "error")))
            die("bad error entry", (unsigned long long)line, lines);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_errmsg em = {{0}};
    struct hk_import_stats s;
    struct hk_ctx ctx;
    json_t *errors = NULL;
    uint64_t lines = 0, nonblank = 0;
    size_t start = 0;
    hk_err err;

    setup();
    for (size_t i = 0; i <= size; i++) {
        if (i == size && start == size)
            break;
        if (i == size || data[i] == '\n') {
            lines++;
            nonblank += !blank(data + start, i - start);
            start = i + 1;
        }
    }
    hk_ctx_init(&ctx, st, &admin, &cfg, &em);
    if (hk_ctx_begin(&ctx, true) != HK_OK)
        die("begin", 0, 0);
    err = hk_report_import_buf(&ctx, (const char *)data, size, &s, &errors);
    hk_ctx_rollback(&ctx);
    hk_ctx_release(&ctx);
    if (s.lines != lines && err == HK_OK)
        die("lines differs from the number of lines", s.lines, lines);
    if (s.lines > lines)
        die("more lines than the input has", s.lines, lines);
    if (s.stored + s.duplicates + s.rejected > nonblank)
        die("more reports than non-blank lines", s.stored + s.duplicates + s.rejected, nonblank);
    if (err == HK_OK && s.stored + s.duplicates + s.rejected != nonblank)
        die("a non-blank line was not accounted for", s.stored + s.duplicates + s.rejected,
            nonblank);
    if (s.correlated > s.stored)
        die("more correlated than stored", s.correlated, s.stored);
    if (err == HK_OK)
        check_errors(errors, lines);
    json_decref(errors);
    return 0;
}
