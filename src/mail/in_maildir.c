/* SPDX-License-Identifier: MIT */
/*
 * Maildir intake: every file of new/ and cur/ (tmp/ belongs to the delivering MTA) is read,
 * stored in a transaction of up to batch messages, and only after that transaction commits
 * moved to the processed Maildir's cur/ (rename(2): atomic within one file system) or
 * deleted. Killed at any point, a run loses nothing: files of an uncommitted batch are still
 * in place, and files of a committed batch not yet moved are found again next time and
 * recognised as already stored (mail_in.raw_sha256 is unique).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hikeshi/mailin.h"

struct item {
    char path[4400];
    char name[256];
};

static hk_err mkdirs(const char *dir, struct hk_errmsg *em)
{
    static const char *const sub[] = {"", "/new", "/cur", "/tmp"};
    char p[4096];

    for (int i = 0; i < 4; i++) {
        (void)snprintf(p, sizeof(p), "%s%s", dir, sub[i]);
        if (mkdir(p, 0700) && errno != EEXIST)
            return hk_errf(em, HK_EIO, "cannot create '%s': %s", p, strerror(errno));
    }
    return HK_OK;
}

/* Lists the files of dir/new and dir/cur (skipping dot files). */
static hk_err list(const char *dir, struct item **out, size_t *n, struct hk_errmsg *em)
{
    static const char *const sub[] = {"new", "cur"};
    size_t cap = 0;
    char p[4096];

    *out = NULL;
    *n = 0;
    for (int i = 0; i < 2; i++) {
        DIR *d;
        struct dirent *de;
        (void)snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
        if (!(d = opendir(p))) {
            free(*out);
            *out = NULL;
            return hk_errf(em, HK_EIO, "cannot read Maildir folder '%s': %s", p, strerror(errno));
        }
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof((*out)->name))
                continue;
            if (*n == cap) {
                cap = cap ? cap * 2 : 256;
                *out = hk_xrealloc(*out, cap * sizeof(**out));
            }
            (void)snprintf((*out)[*n].path, sizeof((*out)[*n].path), "%s/%s", p, de->d_name);
            (void)snprintf((*out)[*n].name, sizeof((*out)[*n].name), "%s", de->d_name);
            (*n)++;
        }
        closedir(d);
    }
    return HK_OK;
}

/* Reads a file, keeping at most max bytes; *size gets its full size. */
static char *slurp(const char *path, size_t max, size_t *len, size_t *size)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    char *p;

    if (!f)
        return NULL;
    if (fstat(fileno(f), &sb) || sb.st_size < 0) {
        fclose(f);
        return NULL;
    }
    *size = (size_t)sb.st_size;
    *len = *size < max ? *size : max;
    p = hk_xmalloc(*len + 1);
    if (fread(p, 1, *len, f) != *len) {
        free(p);
        fclose(f);
        return NULL;
    }
    p[*len] = '\0';
    fclose(f);
    return p;
}

static void finish(const struct item *it, size_t n, const char *processed)
{
    char dst[4400];

    for (size_t i = 0; i < n; i++) {
        if (!it[i].path[0])
            continue;
        if (!processed) {
            if (unlink(it[i].path))
                hk_log(HK_LOG_WARN, "mail-in: cannot remove %s: %s", it[i].path, strerror(errno));
            continue;
        }
        (void)snprintf(dst, sizeof(dst), "%s/cur/%s%s", processed, it[i].name,
                       strchr(it[i].name, ':') ? "" : ":2,S");
        if (rename(it[i].path, dst))
            hk_log(HK_LOG_WARN, "mail-in: cannot move %s: %s", it[i].path, strerror(errno));
    }
}

/* One batch in one transaction; files are moved only after it commits. */
static hk_err batch_run(struct hk_ctx *ctx, struct item *it, size_t n, const char *processed,
                        const struct hk_mailin_opts *o, struct hk_mailin_stats *st)
{
    struct hk_mailin_stats add = {0};
    size_t max = o && o->max_raw ? o->max_raw : HK_MAILIN_MAX_RAW_DFLT;
    hk_err err = hk_ctx_begin(ctx, true);

    if (err)
        return err;
    for (size_t i = 0; i < n && !err; i++) {
        size_t len = 0, size = 0;
        char *raw = slurp(it[i].path, max, &len, &size);
        json_t *res = NULL;

        add.messages++;
        if (!raw) {
            hk_log(HK_LOG_WARN, "mail-in: cannot read %s: %s (left in place)", it[i].path,
                   strerror(errno));
            it[i].path[0] = '\0';
            continue;
        }
        err = hk_mailin_store(ctx, raw, len, size, o, &res);
        if (!err) {
            if (json_is_true(json_object_get(res, "duplicate"))) {
                add.duplicates++;
            } else {
                add.stored++;
                add.reports += json_array_size(json_object_get(res, "reports"));
                add.unparsed += json_object_get(res, "error") != NULL;
                add.threaded += json_object_get(res, "investigation_id") != NULL;
            }
        }
        json_decref(res);
        free(raw);
    }
    if (err) {
        hk_ctx_rollback(ctx);
        return err;
    }
    if ((err = hk_ctx_commit(ctx)))
        return err;
    finish(it, n, processed); /* only now: the batch is durable */
    st->messages += add.messages;
    st->stored += add.stored;
    st->duplicates += add.duplicates;
    st->reports += add.reports;
    st->unparsed += add.unparsed;
    st->threaded += add.threaded;
    return HK_OK;
}

hk_err hk_mailin_maildir(struct hk_ctx *ctx, const char *dir, const char *processed, size_t batch,
                         const struct hk_mailin_opts *o, struct hk_mailin_stats *st)
{
    struct item *items = NULL;
    size_t n = 0;
    hk_err err;

    memset(st, 0, sizeof(*st));
    if (!batch)
        batch = 100;
    if (processed && (err = mkdirs(processed, ctx->em)))
        return err;
    if ((err = list(dir, &items, &n, ctx->em)))
        return err;
    for (size_t i = 0; i < n && !err; i += batch)
        err = batch_run(ctx, items + i, n - i < batch ? n - i : batch, processed, o, st);
    free(items);
    return err;
}
