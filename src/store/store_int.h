/* SPDX-License-Identifier: MIT */
/*
 * Private declarations of the store module: the embedded migration list and the
 * row-to-JSON mapping rules shared by the back ends.
 */
#ifndef HIKESHI_STORE_INT_H
#define HIKESHI_STORE_INT_H

#include "hikeshi/store.h"

struct hk_migration {
    int version;
    const char *name;
    const char *sql;
};

/* Generated from src/store/sql/NNN_*.sql by scripts/embed_sql.cmake; ends with {0}. */
extern const struct hk_migration hk_migrations[];

/* The SQLite text of each named query (indexed by enum hk_query). */
extern const char *const hk_sqlite_sql[HK_Q__COUNT];

/* Column-name mapping rules (see store.h): 1 if name ends with "_at" or "_seen". */
int hk_store_col_is_time(const char *name, size_t len);
/* 1 if name ends with "_json". */
int hk_store_col_is_json(const char *name, size_t len);
/* Appends p[0..n) as a quoted JSON string (invalid UTF-8 and NUL become U+FFFD). */
hk_err hk_store_json_quote(struct hk_buf *b, const char *p, size_t n);
/* Makes a JSON string of possibly invalid UTF-8 (invalid bytes become U+FFFD). */
json_t *hk_store_json_text(const char *p, size_t n);

#endif
