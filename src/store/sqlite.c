/* SPDX-License-Identifier: MIT */
/*
 * The SQLite back end of the storage interface: one connection per struct hk_store, the
 * database file "hikeshi.db" inside a data directory, WAL journal (readers never block
 * the writer), foreign keys on, synchronous=NORMAL (a committed transaction survives a
 * crash of the process; only power loss can lose the last few), and one cached prepared
 * statement per named query. Write transactions start with BEGIN IMMEDIATE so two writers
 * queue on the busy timeout instead of failing on a lock upgrade.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hikeshi/core.h"
#include "store/store_int.h"

#define LIST_CACHE 16

struct sqlite_store {
    struct hk_store base; /* must be first */
    sqlite3 *db;
    sqlite3_stmt *stmts[HK_Q__COUNT];
    struct {
        char *sql;
        sqlite3_stmt *st;
    } lists[LIST_CACHE];
    unsigned list_next;
    int in_tx;
    sqlite3_stmt *data_version;
};

static struct sqlite_store *S(struct hk_store *s)
{
    return (struct sqlite_store *)s;
}

/* Converts a SQLite result code; constraint failures are the caller's conflict. */
static hk_err conv(sqlite3 *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return HK_OK;
    case SQLITE_CONSTRAINT:
        hk_log(HK_LOG_DEBUG, "sqlite: %s", sqlite3_errmsg(db));
        return HK_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HK_EAGAIN;
    case SQLITE_NOMEM:
        return HK_ENOMEM;
    case SQLITE_TOOBIG:
        return HK_ETOOBIG;
    default:
        hk_log(HK_LOG_ERROR, "sqlite: %s (%d)", sqlite3_errmsg(db), rc);
        return HK_EDB;
    }
}

static hk_err run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        hk_log(HK_LOG_ERROR, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
    }
    return conv(db, rc);
}

static hk_err sq_open(const char *dir, struct hk_store **out, struct hk_errmsg *m)
{
    struct sqlite_store *s;
    char path[4096];
    int rc;

    if (mkdir(dir, 0700) && errno != EEXIST)
        return hk_errf(m, HK_EIO, "cannot create data directory '%s'", dir);
    if ((size_t)snprintf(path, sizeof(path), "%s/hikeshi.db", dir) >= sizeof(path))
        return hk_errf(m, HK_EINVAL, "data directory path too long");
    s = hk_xcalloc(1, sizeof(*s));
    s->base.ops = &hk_store_sqlite;
    rc = sqlite3_open_v2(path, &s->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        hk_errf(m, HK_EIO, "cannot open database '%s': %s", path, sqlite3_errstr(rc));
        sqlite3_close(s->db);
        free(s);
        return HK_EIO;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if (run(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                   "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                   "PRAGMA wal_autocheckpoint=16384;")) {
        hk_errf(m, HK_EDB, "cannot configure database '%s'", path);
        sqlite3_close(s->db);
        free(s);
        return HK_EDB;
    }
    *out = &s->base;
    return HK_OK;
}

static void sq_close(struct hk_store *st)
{
    struct sqlite_store *s = S(st);

    if (!s)
        return;
    for (int i = 0; i < HK_Q__COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    for (int i = 0; i < LIST_CACHE; i++) {
        sqlite3_finalize(s->lists[i].st);
        free(s->lists[i].sql);
    }
    sqlite3_finalize(s->data_version);
    sqlite3_close(s->db);
    free(s);
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Each migration runs in its own transaction together with the version bump. */
static hk_err sq_migrate(struct hk_store *st, int *from, int *to, struct hk_errmsg *m)
{
    struct sqlite_store *s = S(st);
    int v = user_version(s->db);
    char bump[64];

    if (v < 0)
        return hk_errf(m, HK_EDB, "cannot read schema version");
    if (from)
        *from = v;
    for (const struct hk_migration *mg = hk_migrations; mg->sql; mg++) {
        if (mg->version <= v)
            continue;
        (void)snprintf(bump, sizeof(bump), "PRAGMA user_version=%d;", mg->version);
        if (run(s->db, "BEGIN IMMEDIATE") || run(s->db, mg->sql) || run(s->db, bump) ||
            run(s->db, "COMMIT")) {
            (void)run(s->db, "ROLLBACK");
            return hk_errf(m, HK_EDB, "migration %s failed", mg->name);
        }
        hk_log(HK_LOG_INFO, "store: applied migration %s", mg->name);
        v = mg->version;
    }
    if (to)
        *to = v;
    return HK_OK;
}

static hk_err sq_begin(struct hk_store *st, bool write)
{
    struct sqlite_store *s = S(st);
    hk_err err = run(s->db, write ? "BEGIN IMMEDIATE" : "BEGIN");

    if (!err)
        s->in_tx = 1;
    return err;
}

static hk_err sq_commit(struct hk_store *st)
{
    struct sqlite_store *s = S(st);
    hk_err err = run(s->db, "COMMIT");

    if (err)
        (void)run(s->db, "ROLLBACK");
    s->in_tx = 0;
    return err;
}

static void sq_rollback(struct hk_store *st)
{
    struct sqlite_store *s = S(st);

    if (!sqlite3_get_autocommit(s->db))
        (void)run(s->db, "ROLLBACK");
    s->in_tx = 0;
}

static hk_err bind(sqlite3_stmt *st, const struct hk_sqlval *a, size_t n)
{
    int rc = SQLITE_OK;

    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        int idx = (int)i + 1;
        switch (a[i].t) {
        case HK_SQL_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case HK_SQL_INT:
            rc = sqlite3_bind_int64(st, idx, a[i].i);
            break;
        case HK_SQL_TEXT:
            rc = sqlite3_bind_text64(st, idx, a[i].p, a[i].n, SQLITE_STATIC, SQLITE_UTF8);
            break;
        case HK_SQL_BLOB:
            rc = sqlite3_bind_blob64(st, idx, a[i].p, a[i].n, SQLITE_STATIC);
            break;
        }
    }
    return rc == SQLITE_OK ? HK_OK : HK_EINVAL;
}

static hk_err prep(struct sqlite_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                   sqlite3_stmt **out)
{
    hk_err err;

    if ((unsigned)q >= HK_Q__COUNT || !hk_sqlite_sql[q])
        HK_BUG("unknown query");
    if (!s->stmts[q]) {
        int rc = sqlite3_prepare_v3(s->db, hk_sqlite_sql[q], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->stmts[q], NULL);
        if (rc != SQLITE_OK) {
            hk_log(HK_LOG_ERROR, "sqlite: prepare %s: %s", hk_query_name(q), sqlite3_errmsg(s->db));
            return HK_EDB;
        }
    }
    err = bind(s->stmts[q], a, n);
    if (err) {
        sqlite3_reset(s->stmts[q]);
        return err;
    }
    *out = s->stmts[q];
    return HK_OK;
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static hk_err sq_exec(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                      int64_t *id_out)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);
    int rc;

    if (err)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    err = conv(s->db, rc);
    if (!err && id_out)
        *id_out = sqlite3_changes(s->db) ? sqlite3_last_insert_rowid(s->db) : 0;
    done(stmt);
    return err;
}

static json_t *column(sqlite3_stmt *st, int i)
{
    const char *name = sqlite3_column_name(st, i);
    size_t nlen = strlen(name);
    int type = sqlite3_column_type(st, i);

    switch (type) {
    case SQLITE_INTEGER: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        if (hk_store_col_is_time(name, nlen)) {
            char ts[32];
            hk_time_fmt(v, ts);
            return json_string(ts);
        }
        return json_integer(v);
    }
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
        const char *p = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (hk_store_col_is_json(name, nlen)) {
            json_t *v = n ? json_loadb(p, n, JSON_DECODE_ANY, NULL) : NULL;
            return v ? v : json_null();
        }
        return hk_store_json_text(p, n);
    }
    case SQLITE_BLOB: {
        const uint8_t *p = sqlite3_column_blob(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        char *hex = hk_xmalloc(2 * n + 1);
        json_t *v;
        hk_hex(p, n, hex);
        v = json_string(hex);
        free(hex);
        return v;
    }
    default:
        return json_null();
    }
}

static json_t *row_object(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int nc = sqlite3_column_count(st);

    for (int i = 0; i < nc; i++) {
        const char *name = sqlite3_column_name(st, i);
        size_t nlen = strlen(name);
        json_t *v = column(st, i);
        if (hk_store_col_is_json(name, nlen)) {
            char key[128];
            (void)snprintf(key, sizeof(key), "%.*s", (int)(nlen - 5), name);
            json_object_set_new(o, key, v);
        } else {
            json_object_set_new(o, name, v);
        }
    }
    return o;
}

static hk_err collect(struct sqlite_store *s, sqlite3_stmt *stmt, json_t **out)
{
    json_t *arr = json_array();
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(arr, row_object(stmt));
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return conv(s->db, rc);
    }
    *out = arr;
    return HK_OK;
}

static hk_err sq_rows(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                      json_t **out)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);

    if (err)
        return err;
    err = collect(s, stmt, out);
    done(stmt);
    return err;
}

static hk_err sq_row(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                     json_t **out)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);
    int rc;

    if (err)
        return err;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = row_object(stmt);
    else
        err = rc == SQLITE_DONE ? HK_ENOTFOUND : conv(s->db, rc);
    done(stmt);
    return err;
}

static hk_err sq_scalar(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                        int64_t *out)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);
    int rc;

    if (err)
        return err;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else
        err = rc == SQLITE_DONE ? HK_ENOTFOUND : conv(s->db, rc);
    done(stmt);
    return err;
}

static hk_err sq_ids(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                     int64_t *out, size_t max, size_t *count)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);
    size_t k = 0;
    int rc;

    if (err)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && k < max)
        out[k++] = sqlite3_column_int64(stmt, 0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = conv(s->db, rc);
    *count = k;
    done(stmt);
    return err;
}

static hk_err sq_each(struct hk_store *st, enum hk_query q, const struct hk_sqlval *a, size_t n,
                      hk_err (*fn)(json_t *row, void *arg), void *arg)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = prep(s, q, a, n, &stmt);
    int rc;

    if (err)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *row = row_object(stmt);
        err = fn(row, arg);
        json_decref(row);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = conv(s->db, rc);
    done(stmt);
    return err;
}

static hk_err sq_savepoint(struct hk_store *st, int action)
{
    struct sqlite_store *s = S(st);

    switch (action) {
    case HK_SP_BEGIN:
        return run(s->db, "SAVEPOINT hk_call");
    case HK_SP_RELEASE:
        return run(s->db, "RELEASE hk_call");
    default:
        return run(s->db, "ROLLBACK TO hk_call; RELEASE hk_call");
    }
}

static hk_err sq_bulk(struct hk_store *st, bool on)
{
    struct sqlite_store *s = S(st);

    if (on)
        return run(s->db, "PRAGMA cache_size=-524288; PRAGMA mmap_size=4294967296; "
                          "PRAGMA wal_autocheckpoint=131072;");
    return run(s->db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                      "PRAGMA wal_autocheckpoint=16384; PRAGMA wal_checkpoint(PASSIVE);");
}

static uint64_t sq_data_version(struct hk_store *st)
{
    struct sqlite_store *s = S(st);
    uint64_t v = 0;

    if (!s->data_version &&
        sqlite3_prepare_v3(s->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                           &s->data_version, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(s->data_version) == SQLITE_ROW)
        v = (uint64_t)sqlite3_column_int64(s->data_version, 0);
    sqlite3_reset(s->data_version);
    return v;
}

static int64_t sq_changes(struct hk_store *st)
{
    return sqlite3_changes64(S(st)->db);
}

static hk_err sq_integrity(struct hk_store *st, struct hk_errmsg *m)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt = NULL;
    hk_err err = HK_EINTEGRITY;

    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
        return HK_EDB;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(stmt, 0);
        if (r && !strcmp(r, "ok"))
            err = HK_OK;
        else
            hk_errf(m, HK_EINTEGRITY, "integrity check: %s", r ? r : "?");
    }
    sqlite3_finalize(stmt);
    return err;
}

/* Dynamic list SQL is built in sqlite_list.c; the statement cache lives here. */
hk_err hk_sqlite_list_build(const struct hk_list_query *lq, struct hk_buf *sql,
                            struct hk_sqlval *args, size_t *nargs);
const char *hk_sqlite_list_key_column(const struct hk_list_query *lq);

static sqlite3_stmt *list_stmt(struct sqlite_store *s, const char *sql)
{
    unsigned slot;

    for (int i = 0; i < LIST_CACHE; i++)
        if (s->lists[i].sql && !strcmp(s->lists[i].sql, sql))
            return s->lists[i].st;
    slot = s->list_next++ % LIST_CACHE;
    sqlite3_finalize(s->lists[slot].st);
    free(s->lists[slot].sql);
    s->lists[slot].sql = NULL;
    s->lists[slot].st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->lists[slot].st, NULL) !=
        SQLITE_OK) {
        hk_log(HK_LOG_ERROR, "sqlite: list prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    s->lists[slot].sql = hk_xstrdup(sql);
    return s->lists[slot].st;
}

/* Builds, prepares (cached) and binds a list query. The bound values point into lq. */
static hk_err list_open(struct sqlite_store *s, const struct hk_list_query *lq, sqlite3_stmt **out)
{
    struct hk_buf sql = HK_BUF_INIT(16384);
    struct hk_sqlval args[32];
    size_t nargs = 0;
    sqlite3_stmt *stmt = NULL;
    hk_err err = hk_sqlite_list_build(lq, &sql, args, &nargs);

    if (!err) {
        stmt = list_stmt(s, hk_buf_str(&sql));
        err = stmt ? bind(stmt, args, nargs) : HK_EDB;
    }
    hk_buf_release(&sql);
    if (err && stmt)
        done(stmt);
    *out = err ? NULL : stmt;
    return err;
}

static hk_err sq_list(struct hk_store *st, const struct hk_list_query *lq, json_t **out)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    hk_err err = list_open(s, lq, &stmt);

    if (err)
        return err;
    err = collect(s, stmt, out);
    done(stmt);
    return err;
}

/* One row as a JSON object, following the mapping rules of store.h. */
static hk_err row_text(sqlite3_stmt *st, struct hk_buf *b)
{
    int nc = sqlite3_column_count(st);
    hk_err err = hk_buf_appendc(b, '{');

    for (int i = 0; i < nc && !err; i++) {
        const char *name = sqlite3_column_name(st, i);
        size_t nlen = strlen(name);
        if (i)
            err = hk_buf_appendc(b, ',');
        if (!err)
            err = hk_store_json_quote(b, name, nlen);
        if (!err)
            err = hk_buf_appendc(b, ':');
        if (err)
            break;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER: {
            sqlite3_int64 v = sqlite3_column_int64(st, i);
            char ts[32];
            if (hk_store_col_is_time(name, nlen)) {
                hk_time_fmt(v, ts);
                err = hk_buf_appendf(b, "\"%s\"", ts);
            } else {
                err = hk_buf_appendf(b, "%lld", (long long)v);
            }
            break;
        }
        case SQLITE_FLOAT:
            err = hk_buf_appendf(b, "%.17g", sqlite3_column_double(st, i));
            break;
        case SQLITE_TEXT:
            err = hk_store_json_quote(b, (const char *)sqlite3_column_text(st, i),
                                      (size_t)sqlite3_column_bytes(st, i));
            break;
        default:
            /* Lists carry no blob or _json columns; NULL (and anything else) is null. */
            err = hk_buf_appends(b, "null");
            break;
        }
    }
    return err ? err : hk_buf_appendc(b, '}');
}

static hk_err sq_list_text(struct hk_store *st, const struct hk_list_query *lq, struct hk_buf *out,
                           size_t *count, int64_t *last_id)
{
    struct sqlite_store *s = S(st);
    sqlite3_stmt *stmt;
    int rc = SQLITE_DONE;
    hk_err err = list_open(s, lq, &stmt);
    const char *kc = lq->last_key ? hk_sqlite_list_key_column(lq) : NULL;
    int ki = -1;

    *count = 0;
    *last_id = 0;
    if (err)
        return err;
    for (int i = 0; kc && i < sqlite3_column_count(stmt); i++)
        if (!strcmp(sqlite3_column_name(stmt, i), kc))
            ki = i;
    err = hk_buf_appendc(out, '[');
    while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count)
            err = hk_buf_appendc(out, ',');
        if (!err)
            err = row_text(stmt, out);
        *last_id = sqlite3_column_int64(stmt, 0);
        if (!err && ki >= 0) { /* the sort value of the last row, for the next cursor */
            hk_buf_reset(lq->last_key);
            err = hk_buf_append(lq->last_key, sqlite3_column_text(stmt, ki),
                                (size_t)sqlite3_column_bytes(stmt, ki));
        }
        (*count)++;
    }
    if (!err && rc != SQLITE_DONE)
        err = conv(s->db, rc);
    if (!err)
        err = hk_buf_appendc(out, ']');
    done(stmt);
    return err;
}

const struct hk_store_ops hk_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .migrate = sq_migrate,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec = sq_exec,
    .rows = sq_rows,
    .row = sq_row,
    .scalar = sq_scalar,
    .ids = sq_ids,
    .each = sq_each,
    .list = sq_list,
    .list_text = sq_list_text,
    .changes = sq_changes,
    .data_version = sq_data_version,
    .bulk = sq_bulk,
    .savepoint = sq_savepoint,
    .integrity = sq_integrity,
};
