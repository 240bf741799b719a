/* SPDX-License-Identifier: MIT */
/*
 * Builds the SQL of a filtered, keyset-paginated list (incidents or reports) for the
 * SQLite back end. Only fixed text fragments are concatenated; every value is a bound
 * parameter, so no input reaches the SQL text. Visibility (TLP) is part of the WHERE
 * clause so a page is always full of rows the caller may read.
 */
#include <string.h>

#include "hikeshi/core.h"
#include "store/store_int.h"

#define INC_LIST_SEL                                                                           \
    "SELECT id, title, state, severity, tlp, pap, team, rsit_class, rsit_type, "               \
    "malware_class, infection_route, assignee_id, created_at, updated_at, first_response_at, " \
    "resolved_at"
#define INC_LIST_FROM " FROM incidents AS x WHERE 1"
#define INC_LIST_OUT                                                                            \
    "SELECT id, title, state, severity, tlp, pap, team, rsit_class, rsit_type, malware_class, " \
    "infection_route, assignee_id, created_at, updated_at, first_response_at, resolved_at"
#define REP_LIST_SEL                                                                         \
    "SELECT id, source, reporter_id, reporter, subject, tlp, state, rsit_class, rsit_type, " \
    "incident_id, dup_count AS duplicates, received_at, updated_at"
#define REP_LIST_FROM " FROM reports AS x WHERE 1"
#define REP_LIST_OUT                                                                         \
    "SELECT id, source, reporter_id, reporter, subject, tlp, state, rsit_class, rsit_type, " \
    "incident_id, duplicates, received_at, updated_at"

/* The rank expressions of the severity and incident-state sorts. 011_list_sort.sql indexes
 * exactly these expressions (with the column unqualified): keep the two in step. */
#define SEV_RANK(c)                                                                          \
    "(CASE " c " WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' " \
    "THEN 4 END)"
#define STATE_RANK(c)                                                                 \
    "(CASE " c " WHEN 'new' THEN 1 WHEN 'triage' THEN 2 WHEN 'analysis' THEN 3 WHEN " \
    "'mitigation' THEN 4 WHEN 'resolved' THEN 5 WHEN 'abandoned' THEN 6 END)"

/* One sort column: the key expression, the rank mapping the cursor's value goes through,
 * the output column whose value is the cursor's, and whether that value is an integer. */
enum sort_rank { RANK_NONE, RANK_SEVERITY, RANK_STATE };
struct sort_spec {
    const char *key;
    enum sort_rank rank;
    const char *column;
    bool integer;
};

/* Appends the expression that compares the cursor's value (parameter k) with the key. */
static hk_err append_value(struct hk_buf *sql, const struct sort_spec *ss, size_t k)
{
    if (ss->rank == RANK_SEVERITY)
        return hk_buf_appendf(sql, SEV_RANK("?%zu"), k);
    if (ss->rank == RANK_STATE)
        return hk_buf_appendf(sql, STATE_RANK("?%zu"), k);
    return hk_buf_appendf(sql, "?%zu", k);
}

static const struct sort_spec *sort_spec(enum hk_list_kind kind, enum hk_list_sort sort)
{
    static const struct sort_spec inc[] = {
        [HK_SORT_CREATED] = {"x.created_at", RANK_NONE, "created_at", true},
        [HK_SORT_UPDATED] = {"x.updated_at", RANK_NONE, "updated_at", true},
        [HK_SORT_SEVERITY] = {SEV_RANK("x.severity"), RANK_SEVERITY, "severity", false},
        [HK_SORT_STATE] = {STATE_RANK("x.state"), RANK_STATE, "state", false},
        [HK_SORT_TEAM] = {"x.team", RANK_NONE, "team", false},
        [HK_SORT_TITLE] = {"x.title COLLATE NOCASE", RANK_NONE, "title", false},
    };
    /* Report states sort by name (new, open, rejected, resolved): the existing
     * reports_state index serves it, one index fewer on the busiest table. */
    static const struct sort_spec rep[] = {
        [HK_SORT_CREATED] = {"x.received_at", RANK_NONE, "received_at", true},
        [HK_SORT_UPDATED] = {"x.updated_at", RANK_NONE, "updated_at", true},
        [HK_SORT_STATE] = {"x.state", RANK_NONE, "state", false},
        [HK_SORT_TITLE] = {"x.subject COLLATE NOCASE", RANK_NONE, "subject", false},
    };
    const struct sort_spec *s;

    if (sort <= HK_SORT_ID || sort > HK_SORT_TITLE)
        return NULL;
    s = kind == HK_LIST_INCIDENTS ? &inc[sort] : &rep[sort];
    return s->key ? s : NULL;
}

struct builder {
    struct hk_buf *sql;
    struct hk_sqlval *args;
    size_t n;
    hk_err err;
};

/* Appends " AND <frag>" where frag uses "?" for the next parameter (one per call). */
static void cond_text(struct builder *b, const char *frag, const char *v)
{
    if (!v || b->err)
        return;
    if (b->n >= 30) {
        b->err = HK_ETOOBIG;
        return;
    }
    b->args[b->n++] = hk_sql_text(v);
    b->err = hk_buf_appendf(b->sql, " AND %s?%zu", frag, b->n);
}

static void cond_int(struct builder *b, const char *frag, int64_t v)
{
    if (b->err)
        return;
    if (b->n >= 30) {
        b->err = HK_ETOOBIG;
        return;
    }
    b->args[b->n++] = hk_sql_int(v);
    b->err = hk_buf_appendf(b->sql, " AND %s?%zu", frag, b->n);
}

static void free_text(struct builder *b, const char *q, bool incidents)
{
    size_t k;

    if (!q || b->err)
        return;
    b->args[b->n++] = hk_sql_text(q);
    k = b->n;
    b->err = hk_buf_appendf(b->sql,
                            incidents ? " AND (instr(lower(title), lower(?%zu)) > 0 OR "
                                        "instr(lower(description), lower(?%zu)) > 0)"
                                      : " AND (instr(lower(subject), lower(?%zu)) > 0 OR "
                                        "instr(lower(content), lower(?%zu)) > 0)",
                            k, k);
}

/* TLP:RED only for members; AMBER+STRICT only for members or the owning team. */
static void visibility(struct builder *b, const struct hk_list_query *lq, bool incidents)
{
    size_t u, t;

    if (!lq->restrict_user_id || b->err)
        return;
    b->args[b->n++] = hk_sql_int(lq->restrict_user_id);
    u = b->n;
    b->args[b->n++] = hk_sql_text(lq->restrict_team ? lq->restrict_team : "");
    t = b->n;
    if (incidents)
        b->err =
            hk_buf_appendf(b->sql,
                           " AND (x.tlp NOT IN ('RED', 'AMBER+STRICT') OR EXISTS (SELECT 1 FROM "
                           "incident_members m WHERE m.incident_id = x.id AND m.user_id = ?%zu) OR "
                           "(x.tlp = 'AMBER+STRICT' AND x.team <> '' AND x.team = ?%zu))",
                           u, t);
    else
        /* Own reports always; others when the report's TLP allows it and, if it is part
         * of an incident, the incident's TLP allows it too. */
        b->err = hk_buf_appendf(
            b->sql,
            " AND (x.reporter_id = ?%zu OR ((x.tlp NOT IN ('RED', 'AMBER+STRICT') OR EXISTS "
            "(SELECT 1 FROM incident_members m WHERE m.incident_id = x.incident_id AND "
            "m.user_id = ?%zu) OR (x.tlp = 'AMBER+STRICT' AND EXISTS (SELECT 1 FROM incidents i "
            "WHERE i.id = x.incident_id AND i.team <> '' AND i.team = ?%zu))) AND "
            "(x.incident_id IS NULL OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = "
            "x.incident_id AND (i.tlp NOT IN ('RED', 'AMBER+STRICT') OR EXISTS (SELECT 1 FROM "
            "incident_members m WHERE m.incident_id = i.id AND m.user_id = ?%zu) OR (i.tlp = "
            "'AMBER+STRICT' AND i.team <> '' AND i.team = ?%zu))))))",
            u, u, t, u, t);
}

hk_err hk_sqlite_list_build(const struct hk_list_query *lq, struct hk_buf *sql,
                            struct hk_sqlval *args, size_t *nargs);
const char *hk_sqlite_list_key_column(const struct hk_list_query *lq);

/* The output column whose value is the sort value of a row (NULL for the id order). */
const char *hk_sqlite_list_key_column(const struct hk_list_query *lq)
{
    const struct sort_spec *ss = sort_spec(lq->kind, lq->sort);

    return ss ? ss->column : NULL;
}

/* The filters, the free text and visibility: " AND ..." terms into b->sql. */
static void filters(struct builder *b, const struct hk_list_query *lq)
{
    bool inc = lq->kind == HK_LIST_INCIDENTS;

    /* For incidents, "open" and "closed" group the states (not resolved/abandoned, or so). */
    if (inc && lq->state && !strcmp(lq->state, "open"))
        b->err = b->err ? b->err
                        : hk_buf_appends(b->sql, " AND x.state NOT IN ('resolved', 'abandoned')");
    else if (inc && lq->state && !strcmp(lq->state, "closed"))
        b->err =
            b->err ? b->err : hk_buf_appends(b->sql, " AND x.state IN ('resolved', 'abandoned')");
    else
        cond_text(b, "x.state = ", lq->state);
    cond_text(b, "x.tlp = ", lq->tlp);
    cond_text(b, "x.rsit_class = ", lq->rsit_class);
    if (inc) {
        cond_text(b, "x.severity = ", lq->severity);
        cond_text(b, "x.team = ", lq->team);
    }
    if (lq->observable_id)
        cond_int(b,
                 inc ? "x.id IN (SELECT incident_id FROM incident_observables WHERE "
                       "observable_id = "
                     : "x.id IN (SELECT report_id FROM report_observables WHERE observable_id = ",
                 lq->observable_id);
    if (lq->observable_id && !b->err)
        b->err = hk_buf_appends(b->sql, ")");
    if (lq->updated_since)
        cond_int(b, "x.updated_at >= ", lq->updated_since);
    if (lq->created_from)
        cond_int(b, inc ? "x.created_at >= " : "x.received_at >= ", lq->created_from);
    if (lq->created_to)
        cond_int(b, inc ? "x.created_at < " : "x.received_at < ", lq->created_to);
    if (!inc && lq->reporter_id)
        cond_int(b, "x.reporter_id = ", lq->reporter_id);
    if (!inc && lq->incident_id)
        cond_int(b, "x.incident_id = ", lq->incident_id);
    if (lq->cursor && lq->sort == HK_SORT_ID)
        cond_int(b, lq->ascending ? "x.id > " : "x.id < ", lq->cursor);
    free_text(b, lq->q, inc);
    visibility(b, lq, inc);
}

/*
 * The id order: one walk of the primary key (or a filter's index) from the cursor.
 * Another sort, first page: one walk of the sort column's index (011_list_sort.sql).
 * Another sort from a cursor (v, i): the rows after it are those with key = v and id past
 * i, then those with key past v. SQLite 3.40 seeks a row-value range (key, id) > (v, i)
 * on the key alone and would walk every row of a large tie group (a severity holds a
 * quarter of the incidents), so the two parts are two index seeks of at most limit rows
 * each, merged and cut to limit: the work per page does not grow with its depth.
 */
hk_err hk_sqlite_list_build(const struct hk_list_query *lq, struct hk_buf *sql,
                            struct hk_sqlval *args, size_t *nargs)
{
    struct hk_buf where = HK_BUF_INIT(16384);
    struct builder b = {&where, args, 0, HK_OK};
    bool inc = lq->kind == HK_LIST_INCIDENTS;
    int limit = lq->limit < 1 ? 50 : lq->limit > 500 ? 500 : lq->limit;
    const struct sort_spec *ss = sort_spec(lq->kind, lq->sort);
    const char *dir = lq->ascending ? "ASC" : "DESC", *cmp = lq->ascending ? ">" : "<";
    const char *sel = inc ? INC_LIST_SEL : REP_LIST_SEL,
               *from = inc ? INC_LIST_FROM : REP_LIST_FROM;
    size_t kv = 0, ki = 0;

    /* A sort this list does not have, or a cursor without its sort value, would otherwise
     * quietly give the id order or the first page. */
    if ((lq->sort != HK_SORT_ID && !ss) || (ss && lq->cursor && !lq->cursor_key)) {
        b.err = HK_EINVAL;
        goto out;
    }
    filters(&b, lq);
    if (!b.err && ss && lq->cursor && lq->cursor_key) {
        int64_t v = 0;
        if (b.n >= 30)
            b.err = HK_ETOOBIG;
        else if (ss->integer && hk_parse_i64(lq->cursor_key, &v))
            b.err = HK_EINVAL;
        else {
            args[b.n++] = ss->integer ? hk_sql_int(v) : hk_sql_text(lq->cursor_key);
            kv = b.n;
            args[b.n++] = hk_sql_int(lq->cursor);
            ki = b.n;
        }
    }
    if (b.err)
        goto out;
    if (!ss) {
        b.err = hk_buf_appendf(sql, "%s%s%s ORDER BY x.id %s LIMIT %d", sel, from,
                               hk_buf_str(&where), dir, limit);
    } else if (!kv) {
        b.err = hk_buf_appendf(sql, "%s%s%s ORDER BY %s %s, x.id %s LIMIT %d", sel, from,
                               hk_buf_str(&where), ss->key, dir, dir, limit);
    } else {
        const char *w = hk_buf_str(&where);
        bool nocase = strstr(ss->key, "NOCASE") != NULL;
        b.err = hk_buf_appendf(sql, "%s FROM (SELECT * FROM (%s, %s AS sort_key_%s%s AND %s = ",
                               inc ? INC_LIST_OUT : REP_LIST_OUT, sel, ss->key, from, w, ss->key);
        if (!b.err)
            b.err = append_value(sql, ss, kv);
        if (!b.err)
            b.err = hk_buf_appendf(sql,
                                   " AND x.id %s ?%zu ORDER BY x.id %s LIMIT %d) UNION ALL "
                                   "SELECT * FROM (%s, %s AS sort_key_%s%s AND %s %s ",
                                   cmp, ki, dir, limit, sel, ss->key, from, w, ss->key, cmp);
        if (!b.err)
            b.err = append_value(sql, ss, kv);
        if (!b.err)
            b.err = hk_buf_appendf(sql,
                                   " ORDER BY %s %s, x.id %s LIMIT %d)) ORDER BY sort_key_%s %s, "
                                   "id %s LIMIT %d",
                                   ss->key, dir, dir, limit, nocase ? " COLLATE NOCASE" : "", dir,
                                   dir, limit);
    }
out:
    hk_buf_release(&where);
    *nargs = b.n;
    return b.err;
}
