/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the unit tests: a temporary data directory per test with an open,
 * migrated store, an admin context over it, and cleanup. Include after cmocka.h.
 */
#ifndef HIKESHI_TESTUTIL_H
#define HIKESHI_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hikeshi/handling.h"

struct tenv {
    char dir[64];
    struct hk_store *st;
    struct hk_config cfg;
    struct hk_errmsg em;
    struct hk_ctx ctx;
};

static inline void tenv_rmrf(const char *dir)
{
    char cmd[128];

    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* A fresh store and an admin (local operator) context over it. */
static inline struct tenv *tenv_new(void)
{
    struct tenv *t = calloc(1, sizeof(*t));
    struct hk_principal admin = {0, HK_ROLE_ADMIN, "local:test", ""};

    assert_non_null(t);
    assert_int_equal(hk_core_init(), HK_OK);
    strcpy(t->dir, "/tmp/hk-unit-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    assert_int_equal(hk_store_open(t->dir, &t->st, &t->em), HK_OK);
    hk_config_defaults(&t->cfg);
    hk_ctx_init(&t->ctx, t->st, &admin, &t->cfg, &t->em);
    return t;
}

/* Switches the acting principal of the context. */
static inline void tenv_as(struct tenv *t, int64_t uid, enum hk_role role, const char *name,
                           const char *team)
{
    t->ctx.who.user_id = uid;
    t->ctx.who.role = role;
    snprintf(t->ctx.who.name, sizeof(t->ctx.who.name), "%s", name);
    snprintf(t->ctx.who.team, sizeof(t->ctx.who.team), "%s", team);
}

#ifdef SQLITE_VERSION
/* A second connection to the test store's database, for reading query plans and step
 * counts (include sqlite3.h before this file). */
static inline sqlite3 *tenv_db_open(const struct tenv *t)
{
    char path[128];
    sqlite3 *db = NULL;

    (void)snprintf(path, sizeof(path), "%s/hikeshi.db", t->dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}
#endif

static inline void tenv_free(struct tenv *t)
{
    hk_ctx_release(&t->ctx);
    hk_store_close(t->st);
    tenv_rmrf(t->dir);
    free(t);
}

/* Runs one write operation in its own transaction at a given clock, like one API call:
 * hk_ctx_begin sets ctx.now, so the time is set after it. */
#define TXAT(t, at, expr)                               \
    ({                                                  \
        hk_err tx_err_ = hk_ctx_begin(&(t)->ctx, true); \
        (t)->ctx.now = (at);                            \
        if (!tx_err_)                                   \
            tx_err_ = (expr);                           \
        if (tx_err_)                                    \
            hk_ctx_rollback(&(t)->ctx);                 \
        else                                            \
            tx_err_ = hk_ctx_commit(&(t)->ctx);         \
        tx_err_;                                        \
    })

/* The same at the clock hk_ctx_begin set. */
#define TX(t, expr) TXAT(t, (t)->ctx.now, expr)

#endif
