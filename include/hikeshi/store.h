/* SPDX-License-Identifier: MIT */
/*
 * The storage interface. Callers never write SQL: they name a query from the fixed
 * catalogue below (HK_Q_*) and pass typed arguments; each back end (SQLite now,
 * PostgreSQL later) supplies its own SQL text for every name and implements the ops
 * table, so callers do not change when a back end is added (curl's Curl_protocol).
 *
 * Results come back as jansson values, because every consumer (API, CLI) answers JSON:
 * a row is an object keyed by column name. Mapping rules applied by every back end:
 *   - INTEGER columns whose name ends in "_at" or "_seen" become ISO 8601 UTC strings;
 *   - columns whose name ends in "_json" are parsed and stored under the name without the
 *     suffix (so a query can return nested objects);
 *   - BLOB columns become lower-case hex strings; NULL becomes JSON null.
 *
 * Threading: one struct hk_store is one connection; use it from one thread at a time.
 * Transactions: the caller brackets each API call with begin/commit (or rollback), so an
 * error anywhere leaves nothing half-written.
 */
#ifndef HIKESHI_STORE_H
#define HIKESHI_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hikeshi/core.h"
#include "hikeshi/err.h"

/* The named query catalogue (see src/store/sqlite_sql.c for the reference SQL). */
#define HK_QUERIES(Q)             \
    Q(OUTBOX_INSERT)              \
    Q(OUTBOX_DUE)                 \
    Q(OUTBOX_SENT)                \
    Q(OUTBOX_RETRY)               \
    Q(OUTBOX_BY_MESSAGE_ID)       \
    Q(OUTBOX_OF_INVESTIGATION)    \
    Q(ASSET_INSERT)               \
    Q(ASSET_FIND)                 \
    Q(ASSET_GET)                  \
    Q(ASSET_LIST)                 \
    Q(ASSET_DELETE)               \
    Q(ASSET_UPDATE)               \
    Q(ASSET_ALL)                  \
    Q(ASSET_COUNT)                \
    Q(ADV_INSERT)                 \
    Q(ADV_FIND)                   \
    Q(ADV_GET)                    \
    Q(ADV_LATEST)                 \
    Q(ADV_LIST)                   \
    Q(ADV_OWN_LATEST)             \
    Q(ADV_SET_MATCHES)            \
    Q(ADV_OUTBOX_INSERT)          \
    Q(ADV_OUTBOX_OF)              \
    Q(INVESTIGATIONS_OVERDUE)     \
    Q(USER_INSERT)                \
    Q(USER_BY_NAME)               \
    Q(USER_BY_ID)                 \
    Q(USER_LIST)                  \
    Q(USER_COUNT)                 \
    Q(TOKEN_INSERT)               \
    Q(TOKEN_LOOKUP)               \
    Q(TOKEN_LIST)                 \
    Q(TOKEN_REVOKE)               \
    Q(SESSION_INSERT)             \
    Q(SESSION_LOOKUP)             \
    Q(SESSION_TOUCH)              \
    Q(SESSION_DELETE)             \
    Q(SESSION_PURGE)              \
    Q(SESSION_DELETE_USER)        \
    Q(USER_SET_PASSWORD)          \
    Q(ADV_FILE_CLASH)             \
    Q(USER_SET_DISABLED)          \
    Q(STAT_DAILY)                 \
    Q(STAT_DAILY_SUM)             \
    Q(STAT_DAILY_PACKED)          \
    Q(STAT_INCIDENT_COUNTS)       \
    Q(STAT_DURATIONS)             \
    Q(STAT_DUR_HIST)              \
    Q(STAT_DUR_MEDIAN_FROM)       \
    Q(STAT_DUR_RANGE)             \
    Q(STAT_SLA_WAITING)           \
    Q(STAT_SLA_BREACHES)          \
    Q(STAT_TRIAGE_QUEUE)          \
    Q(STAT_TRIAGE_COUNT)          \
    Q(STAT_DUR_RESET)             \
    Q(STAT_DUR_FILL)              \
    Q(STAT_SLA_MET_SCAN)          \
    Q(STAT_HIDDEN_INCIDENTS)      \
    Q(STAT_HIDDEN_PACKED)         \
    Q(STAT_HIDDEN_REPORTS)        \
    Q(STAT_BULK_ON)               \
    Q(STAT_BULK_OFF)              \
    Q(STAT_BULK_REPORTS)          \
    Q(REPORT_MAX_ID)              \
    Q(DEMO_BENCH_INCIDENTS)       \
    Q(DEMO_ANALYZE)               \
    Q(REPORT_INSERT)              \
    Q(REPORT_BY_HASH)             \
    Q(REPORT_DUP_BUMP)            \
    Q(REPORT_GET)                 \
    Q(REPORT_SET_STATE)           \
    Q(REPORT_SET_INCIDENT)        \
    Q(REPORT_SET_CLASS)           \
    Q(REPORTS_OF_INCIDENT)        \
    Q(REPORTS_MOVE_INCIDENT)      \
    Q(OBS_INSERT)                 \
    Q(OBS_GET_ID)                 \
    Q(OBS_LINK_REPORT)            \
    Q(OBS_LINK_INCIDENT)          \
    Q(OBS_OF_REPORT)              \
    Q(OBS_OF_INCIDENT)            \
    Q(OBS_CORRELATE)              \
    Q(OBS_OPEN_IDS)               \
    Q(OBS_CORRELATE_RESOLVED)     \
    Q(OBS_INCIDENTS)              \
    Q(OBS_REPORTS)                \
    Q(OBS_MOVE_INCIDENT)          \
    Q(OBS_RELINK_INCIDENT)        \
    Q(OBS_UNLINK_INCIDENT)        \
    Q(INCIDENT_INSERT)            \
    Q(INCIDENT_GET)               \
    Q(INCIDENT_SET_STATE)         \
    Q(INCIDENT_TOUCH)             \
    Q(INCIDENT_FIRST_RESPONSE)    \
    Q(INCIDENT_UPDATE)            \
    Q(INCIDENT_MERGED)            \
    Q(INCIDENT_OVERDUE)           \
    Q(MEMBER_ADD)                 \
    Q(MEMBER_CHECK)               \
    Q(MEMBER_LIST)                \
    Q(MEMBERS_MOVE)               \
    Q(INVESTIGATION_INSERT)       \
    Q(INVESTIGATION_GET)          \
    Q(INVESTIGATION_SET_STATE)    \
    Q(INVESTIGATIONS_OF_INCIDENT) \
    Q(INVESTIGATIONS_MOVE)        \
    Q(MESSAGE_INSERT)             \
    Q(MESSAGES_OF_INVESTIGATION)  \
    Q(CM_INSERT)                  \
    Q(CM_GET)                     \
    Q(CM_SET_STATE)               \
    Q(CMS_OF_INCIDENT)            \
    Q(CMS_MOVE)                   \
    Q(TASK_INSERT)                \
    Q(TASK_GET)                   \
    Q(TASK_UPDATE)                \
    Q(TASKS_OF_INCIDENT)          \
    Q(TASKS_MOVE)                 \
    Q(AUDIT_APPEND)               \
    Q(AUDIT_ALL)                  \
    Q(AUDIT_OF_OBJECT)            \
    Q(META_GET)                   \
    Q(META_SET)                   \
    Q(REPORT_COUNT)               \
    Q(MAIL_IN_BY_SHA)             \
    Q(MAIL_IN_INSERT)             \
    Q(MAIL_IN_GET)                \
    Q(MAIL_IN_ACK_PENDING)        \
    Q(MAIL_IN_SET_ACK)            \
    Q(OBSERVATION_INSERT)         \
    Q(OBSERVATION_SET_REPORT)     \
    Q(OBSERVATION_LIST)           \
    Q(OBSERVATION_LIST_ASC)       \
    Q(TEAM_INSERT)                \
    Q(TEAM_UPDATE)                \
    Q(TEAM_GET)                   \
    Q(TEAM_BY_NAME)               \
    Q(TEAM_LIST)                  \
    Q(TEAM_DELETE)                \
    Q(TEAM_CHILDREN)              \
    Q(TEAM_ALL)                   \
    Q(CONTACT_INSERT)             \
    Q(CONTACTS_OF_TEAM)           \
    Q(CONTACTS_CLEAR)             \
    Q(CONTACT_ALL)                \
    Q(CONST_INSERT)               \
    Q(CONST_DELETE)               \
    Q(CONST_CLEAR)                \
    Q(CONST_OF_TEAM)              \
    Q(CONST_OWNER)                \
    Q(CONST_ALL)                  \
    Q(PFX2AS_SET)                 \
    Q(PFX2AS_DATA)                \
    Q(PFX2AS_INFO)                \
    Q(ROUTE_GENS)                 \
    Q(ROUTE_INSERT)               \
    Q(ROUTES_OF_REPORT)           \
    Q(ROUTES_OF_INCIDENT)         \
    Q(INCIDENT_ROUTE_TEAM)        \
    Q(INCIDENT_SET_TEAM)          \
    Q(VCASE_NEXT_SEQ)             \
    Q(VCASE_INSERT)               \
    Q(VCASE_GET)                  \
    Q(VCASE_BY_PUBLIC_ID)         \
    Q(VCASE_UPDATE)               \
    Q(VCASE_SET_STATE)            \
    Q(VCASE_LIST)                 \
    Q(VPRODUCT_INSERT)            \
    Q(VPRODUCT_GET)               \
    Q(VPRODUCTS_OF_CASE)          \
    Q(VVENDOR_INSERT)             \
    Q(VVENDOR_GET)                \
    Q(VVENDOR_UPDATE)             \
    Q(VVENDORS_OF_CASE)           \
    Q(VREMED_INSERT)              \
    Q(VREMEDS_OF_CASE)            \
    Q(VREMIND_DUE)                \
    Q(VREMIND_INSERT)             \
    Q(VREMIND_SET_OUTBOX)         \
    Q(OUTBOX_INSERT_VCASE)        \
    Q(VPRODUCT_DELETE)            \
    Q(VREMED_UNLINK_PRODUCT)

enum hk_query {
#define HK_Q_ENUM(name) HK_Q_##name,
    HK_QUERIES(HK_Q_ENUM)
#undef HK_Q_ENUM
        HK_Q__COUNT
};

/* One typed query argument; strings and blobs are borrowed for the call. */
enum hk_sql_type { HK_SQL_NULL, HK_SQL_INT, HK_SQL_TEXT, HK_SQL_BLOB };
struct hk_sqlval {
    enum hk_sql_type t;
    int64_t i;
    const void *p;
    size_t n;
};
static inline struct hk_sqlval hk_sql_int(int64_t v)
{
    struct hk_sqlval x = {HK_SQL_INT, v, NULL, 0};
    return x;
}
/* An integer, or NULL when v is 0 (for optional foreign keys and times). */
static inline struct hk_sqlval hk_sql_int0(int64_t v)
{
    struct hk_sqlval x = {v ? HK_SQL_INT : HK_SQL_NULL, v, NULL, 0};
    return x;
}
/* A string, or NULL when s is NULL. */
static inline struct hk_sqlval hk_sql_text(const char *s)
{
    struct hk_sqlval x = {s ? HK_SQL_TEXT : HK_SQL_NULL, 0, s, s ? strlen(s) : 0};
    return x;
}
static inline struct hk_sqlval hk_sql_textn(const char *s, size_t n)
{
    struct hk_sqlval x = {HK_SQL_TEXT, 0, s, n};
    return x;
}
static inline struct hk_sqlval hk_sql_blob(const void *p, size_t n)
{
    struct hk_sqlval x = {HK_SQL_BLOB, 0, p, n};
    return x;
}
#define HK_SQL_ARGS(...)                       \
    ((const struct hk_sqlval[]){__VA_ARGS__}), \
        (sizeof((const struct hk_sqlval[]){__VA_ARGS__}) / sizeof(struct hk_sqlval))

/*
 * A filtered, keyset-paginated list of incidents or reports. Every field is optional
 * (NULL or 0 = no filter). Results are ordered by id descending (newest first) unless
 * sort names another column, always tie-broken by id so the order is total; the cursor
 * is the last row of the previous page: its id, and with another sort its sort value.
 */
enum hk_savepoint { HK_SP_BEGIN, HK_SP_RELEASE, HK_SP_ROLLBACK };

enum hk_list_kind { HK_LIST_INCIDENTS, HK_LIST_REPORTS };
/* Sort columns. For reports CREATED is received_at and TITLE is subject; SEVERITY and TEAM
 * are incidents only. SEVERITY and incident STATE sort by rank (low..critical, the
 * lifecycle order), the others by value (TITLE case-insensitively). */
enum hk_list_sort {
    HK_SORT_ID,
    HK_SORT_CREATED,
    HK_SORT_UPDATED,
    HK_SORT_SEVERITY,
    HK_SORT_STATE,
    HK_SORT_TEAM,
    HK_SORT_TITLE
};
struct hk_list_query {
    enum hk_list_kind kind;
    const char *state; /* one state, or "open" / "closed" for incidents */
    const char *severity;
    const char *team;
    const char *rsit_class;
    const char *tlp;
    const char *q;         /* free text: title/description or subject/content */
    int64_t observable_id; /* only rows carrying this observable (0 = none; -1 = match none) */
    int64_t updated_since; /* unix seconds; 0 = none */
    int64_t created_from;  /* unix seconds; 0 = none */
    int64_t created_to;    /* unix seconds; 0 = none */
    int64_t reporter_id;   /* reports only */
    int64_t incident_id;   /* reports only */
    int64_t cursor;        /* id to continue after; 0 = start */
    bool ascending;
    enum hk_list_sort sort;
    /* With sort != HK_SORT_ID and a cursor: the cursor row's sort value as text (the
     * column's value; integers in decimal). */
    const char *cursor_key;
    /* Out, may be NULL: the back end writes the last row's sort value here, in the same
     * form (left empty for HK_SORT_ID). */
    struct hk_buf *last_key;
    int limit; /* 1..500 */
    /* Visibility (TLP) filter pushed into SQL so pages stay full: when restrict_user_id is
     * non-zero, TLP:RED rows are kept only where that user is a member, and AMBER+STRICT
     * rows only where team equals restrict_team. */
    int64_t restrict_user_id;
    const char *restrict_team;
};

struct hk_store;

struct hk_store_ops {
    const char *name;
    /* Opens a connection to target (a data directory for SQLite). */
    hk_err (*open)(const char *target, struct hk_store **out, struct hk_errmsg *m);
    void (*close)(struct hk_store *s);
    /* Runs pending migrations; reports the schema version before and after. */
    hk_err (*migrate)(struct hk_store *s, int *from, int *to, struct hk_errmsg *m);
    hk_err (*begin)(struct hk_store *s, bool write);
    hk_err (*commit)(struct hk_store *s);
    void (*rollback)(struct hk_store *s);
    /* Runs a statement; *id_out (if non-NULL) gets the new row id for inserts, or the
     * number of changed rows for updates (see hk_store_changes). */
    hk_err (*exec)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                   int64_t *id_out);
    /* All rows as a new JSON array of objects (caller owns *out). */
    hk_err (*rows)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                   json_t **out);
    /* The first row as a new object, or HK_ENOTFOUND. */
    hk_err (*row)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                  json_t **out);
    /* The first column of the first row as an integer, or HK_ENOTFOUND. */
    hk_err (*scalar)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                     int64_t *out);
    /* First column of every row as integers, up to max; *count gets how many. */
    hk_err (*ids)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                  int64_t *out, size_t max, size_t *count);
    hk_err (*list)(struct hk_store *s, const struct hk_list_query *lq, json_t **out);
    /* The same rows written as a JSON array into out, with the same mapping rules;
     * *count gets the number of rows and *last_id the id column of the last one. */
    hk_err (*list_text)(struct hk_store *s, const struct hk_list_query *lq, struct hk_buf *out,
                        size_t *count, int64_t *last_id);
    /* Calls fn once per row, in order, with a borrowed object (valid during the call);
     * stops early when fn returns non-zero and hands that code back. Memory stays flat. */
    hk_err (*each)(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a, size_t n,
                   hk_err (*fn)(json_t *row, void *arg), void *arg);
    /* Number of rows changed by the last exec. */
    int64_t (*changes)(struct hk_store *s);
    /* A number that changes whenever another connection (thread or process) commits;
     * lets a connection keep caches exact (SQLite PRAGMA data_version). */
    uint64_t (*data_version)(struct hk_store *s);
    /* Bulk mode on: a larger page cache, memory map and WAL before checkpointing, for a
     * long import on this connection; off: back to the defaults and a checkpoint. */
    hk_err (*bulk)(struct hk_store *s, bool on);
    /* Nested transactions inside an open one (group commit): begin, release, roll back. */
    hk_err (*savepoint)(struct hk_store *s, int action);
    /* Full consistency check (PRAGMA integrity_check for SQLite). */
    hk_err (*integrity)(struct hk_store *s, struct hk_errmsg *m);
};

/* Every back end starts with this header so the dispatch below works on any of them. */
struct hk_store {
    const struct hk_store_ops *ops;
};

extern const struct hk_store_ops hk_store_sqlite;

/* Opens target with the back end its form names (a directory: SQLite) and migrates it.
 * The caller owns *out and frees it with hk_store_close. */
hk_err hk_store_open(const char *target, struct hk_store **out, struct hk_errmsg *m);
void hk_store_close(struct hk_store *s);

static inline hk_err hk_store_begin(struct hk_store *s, bool write)
{
    return s->ops->begin(s, write);
}
static inline hk_err hk_store_commit(struct hk_store *s)
{
    return s->ops->commit(s);
}
static inline void hk_store_rollback(struct hk_store *s)
{
    s->ops->rollback(s);
}
static inline hk_err hk_store_exec(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                   size_t n, int64_t *id)
{
    return s->ops->exec(s, q, a, n, id);
}
static inline hk_err hk_store_rows(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                   size_t n, json_t **out)
{
    return s->ops->rows(s, q, a, n, out);
}
static inline hk_err hk_store_row(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                  size_t n, json_t **out)
{
    return s->ops->row(s, q, a, n, out);
}
static inline hk_err hk_store_scalar(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                     size_t n, int64_t *out)
{
    return s->ops->scalar(s, q, a, n, out);
}
static inline hk_err hk_store_ids(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                  size_t n, int64_t *out, size_t max, size_t *count)
{
    return s->ops->ids(s, q, a, n, out, max, count);
}
static inline hk_err hk_store_list(struct hk_store *s, const struct hk_list_query *lq, json_t **out)
{
    return s->ops->list(s, lq, out);
}
static inline hk_err hk_store_each(struct hk_store *s, enum hk_query q, const struct hk_sqlval *a,
                                   size_t n, hk_err (*fn)(json_t *row, void *arg), void *arg)
{
    return s->ops->each(s, q, a, n, fn, arg);
}
static inline int64_t hk_store_changes(struct hk_store *s)
{
    return s->ops->changes(s);
}

/* Name of a query, for logs ("REPORT_INSERT"). */
const char *hk_query_name(enum hk_query q);

#endif
