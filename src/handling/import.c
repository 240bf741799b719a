/* SPDX-License-Identifier: MIT */
/*
 * The bulk importer of JSON-lines reports, as a two-stage pipeline so both cores work:
 * a reader thread parses each line (jansson), validates it, hashes it and extracts its
 * observables into a ring of reusable slots; the calling thread stores the prepared
 * reports in transactions of `batch` lines (one audit entry per batch). A malformed line
 * is skipped and counted; a store error rolls back the open batch and stops the import,
 * so what is committed is always whole batches of whole reports.
 * Inside a batch the per-row report counter trigger is switched off (stat_bulk, see
 * 008_webui.sql) and the batch's reports are counted in one statement before COMMIT.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"

#define RING 1024

struct slot {
    json_t *o;
    struct report_in in;
    uint8_t hash[32];
    struct hk_obs_list obs;
    uint64_t lineno;
    int kind; /* 0 report, 1 rejected, 2 blank */
    struct hk_errmsg em;
};

struct ring {
    struct slot *slots;
    size_t head, tail; /* head: next to fill; tail: next to consume */
    int eof, stop;
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    FILE *f;
    struct hk_ctx pctx; /* the reader's copy: only cfg, who and now are used */
};

bool hk_is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

static void fill(struct ring *r, struct slot *s, const char *line, size_t n)
{
    json_error_t je;

    s->o = NULL;
    s->em.text[0] = '\0';
    if (hk_is_blank(line, n)) {
        s->kind = 2;
        return;
    }
    s->kind = 1;
    s->o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
    if (!s->o) {
        hk_errf(&s->em, HK_EPARSE, "malformed JSON: %s", je.text);
        return;
    }
    r->pctx.em = &s->em;
    if (hk_report_parse_in(&r->pctx, s->o, &s->in) ||
        hk_report_prepare(&r->pctx, &s->in, s->hash, &s->obs)) {
        json_decref(s->o);
        s->o = NULL;
        return;
    }
    s->kind = 0;
}

/* Slots are handed over in groups, not one by one: a wake-up per line cost more than
 * parsing it. */
#define HANDOFF 64

static void *reader(void *arg)
{
    struct ring *r = arg;
    char *line = NULL;
    size_t cap = 0, mine, published, tail_seen;
    uint64_t lineno = 0;
    ssize_t n;

    pthread_mutex_lock(&r->mu);
    mine = published = r->head;
    tail_seen = r->tail;
    pthread_mutex_unlock(&r->mu);
    for (;;) {
        if (mine - tail_seen >= RING) {
            pthread_mutex_lock(&r->mu);
            r->head = published = mine;
            pthread_cond_signal(&r->not_empty);
            while (mine - r->tail >= RING && !r->stop)
                pthread_cond_wait(&r->not_full, &r->mu);
            tail_seen = r->tail;
            pthread_mutex_unlock(&r->mu);
        }
        if (r->stop)
            break;
        n = getline(&line, &cap, r->f);
        if (n < 0)
            break;
        r->slots[mine % RING].lineno = ++lineno;
        fill(r, &r->slots[mine % RING], line, (size_t)n);
        mine++;
        if (mine - published >= HANDOFF) {
            pthread_mutex_lock(&r->mu);
            r->head = published = mine;
            tail_seen = r->tail;
            pthread_cond_signal(&r->not_empty);
            pthread_mutex_unlock(&r->mu);
        }
    }
    free(line);
    pthread_mutex_lock(&r->mu);
    r->head = mine;
    r->eof = 1;
    pthread_cond_signal(&r->not_empty);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Waits for prepared slots; returns the end of the available range (== *from at the end
 * of input). */
static size_t available(struct ring *r, size_t from)
{
    size_t end;

    pthread_mutex_lock(&r->mu);
    while (r->head == from && !r->eof)
        pthread_cond_wait(&r->not_empty, &r->mu);
    end = r->head;
    pthread_mutex_unlock(&r->mu);
    return end;
}

static void give_back(struct ring *r, size_t upto)
{
    pthread_mutex_lock(&r->mu);
    r->tail = upto;
    pthread_cond_signal(&r->not_full);
    pthread_mutex_unlock(&r->mu);
}

/* Opens a batch: its transaction, the report counter trigger switched off, and the highest
 * report id before it (every report the batch inserts gets a higher one: one writer). */
static hk_err batch_open(struct hk_ctx *ctx, int64_t *from)
{
    hk_err err = hk_ctx_begin(ctx, true);

    if (err)
        return err;
    if ((err = hk_store_scalar(ctx->st, HK_Q_REPORT_MAX_ID, NULL, 0, from)) ||
        (err = hk_store_exec(ctx->st, HK_Q_STAT_BULK_ON, NULL, 0, NULL)))
        hk_ctx_rollback(ctx);
    return err;
}

/* Closes a batch: its reports counted at once, the trigger back on, the audit entry, COMMIT.
 * The flag is never committed as 1; on error everything is rolled back. */
static hk_err batch_close(struct hk_ctx *ctx, int64_t from)
{
    hk_err err;

    if ((err =
             hk_store_exec(ctx->st, HK_Q_STAT_BULK_REPORTS, HK_SQL_ARGS(hk_sql_int(from)), NULL)) ||
        (err = hk_store_exec(ctx->st, HK_Q_STAT_BULK_OFF, NULL, 0, NULL)) ||
        (err = hk_report_bulk_flush(ctx))) {
        hk_ctx_rollback(ctx);
        return err;
    }
    return hk_ctx_commit(ctx);
}

/* Stores one prepared slot; updates the batch state and stats. */
static hk_err store_slot(struct hk_ctx *ctx, struct slot *s, size_t batch, size_t *in_batch,
                         int64_t *from, struct hk_import_stats *st)
{
    struct report_out ro;
    hk_err err;

    st->lines = s->lineno;
    if (s->kind == 1) {
        st->rejected++;
        hk_log(HK_LOG_WARN, "import: line %llu skipped: %s", (unsigned long long)s->lineno,
               s->em.text);
        return HK_OK;
    }
    if (s->kind != 0)
        return HK_OK;
    if (!*in_batch && (err = batch_open(ctx, from)))
        return err;
    err = hk_report_store(ctx, &s->in, s->hash, &s->obs, &ro);
    if (err) {
        hk_ctx_rollback(ctx);
        *in_batch = 0;
        return hk_errf(ctx->em, err, "line %llu: %s", (unsigned long long)s->lineno,
                       hk_strerror(err));
    }
    st->stored += !ro.dup;
    st->duplicates += ro.dup;
    st->correlated += ro.incident_id && !ro.dup;
    if (++*in_batch >= batch) {
        *in_batch = 0;
        if ((err = batch_close(ctx, *from)))
            return err;
    }
    return HK_OK;
}

static hk_err consume(struct hk_ctx *ctx, struct ring *r, size_t batch, struct hk_import_stats *st)
{
    size_t cur = r->tail, end, in_batch = 0;
    int64_t from = 0;
    hk_err err = HK_OK;

    while (!err && (end = available(r, cur)) != cur) {
        for (; cur != end && !err; cur++) {
            struct slot *s = &r->slots[cur % RING];
            err = store_slot(ctx, s, batch, &in_batch, &from, st);
            json_decref(s->o);
            s->o = NULL;
        }
        give_back(r, cur);
    }
    if (!err && in_batch)
        err = batch_close(ctx, from);
    else if (err && in_batch)
        hk_ctx_rollback(ctx);
    return err;
}

hk_err hk_report_import(struct hk_ctx *ctx, FILE *f, size_t batch, struct hk_import_stats *st)
{
    struct ring r;
    pthread_t th;
    hk_err err;

    memset(st, 0, sizeof(*st));
    if ((err = hk_require_staff(ctx)) || (err = hk_report_bulk_begin(ctx)))
        return err;
    memset(&r, 0, sizeof(r));
    r.slots = hk_xcalloc(RING, sizeof(*r.slots));
    for (size_t i = 0; i < RING; i++)
        hk_obs_list_init(&r.slots[i].obs, HK_OBS_DEFAULT_MAX);
    r.f = f;
    r.pctx = *ctx;
    r.pctx.now = hk_now();
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.not_full, NULL);
    pthread_cond_init(&r.not_empty, NULL);
    if (pthread_create(&th, NULL, reader, &r)) {
        err = HK_EIO;
        goto out;
    }
    err = consume(ctx, &r, batch ? batch : 10000, st);
    /* Stop the reader and free what it prepared but we did not store. */
    pthread_mutex_lock(&r.mu);
    r.stop = 1;
    pthread_cond_signal(&r.not_full);
    pthread_mutex_unlock(&r.mu);
    pthread_join(th, NULL);
    for (; r.tail != r.head; r.tail++)
        json_decref(r.slots[r.tail % RING].o);
out:
    for (size_t i = 0; i < RING; i++)
        hk_obs_list_release(&r.slots[i].obs);
    free(r.slots);
    pthread_cond_destroy(&r.not_full);
    pthread_cond_destroy(&r.not_empty);
    pthread_mutex_destroy(&r.mu);
    hk_report_bulk_end(ctx);
    return err;
}
