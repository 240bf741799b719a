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

#define INC_LIST_COLS                                                                          \
    "SELECT id, title, state, severity, tlp, pap, team, rsit_class, rsit_type, "               \
    "malware_class, infection_route, assignee_id, created_at, updated_at, first_response_at, " \
    "resolved_at FROM incidents AS x WHERE 1"
#define REP_LIST_COLS                                                                        \
    "SELECT id, source, reporter_id, reporter, subject, tlp, state, rsit_class, rsit_type, " \
    "incident_id, dup_count AS duplicates, received_at, updated_at FROM reports AS x WHERE 1"

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

hk_err hk_sqlite_list_build(const struct hk_list_query *lq, struct hk_buf *sql,
                            struct hk_sqlval *args, size_t *nargs)
{
    struct builder b = {sql, args, 0, HK_OK};
    bool inc = lq->kind == HK_LIST_INCIDENTS;
    int limit = lq->limit < 1 ? 50 : lq->limit > 500 ? 500 : lq->limit;

    b.err = hk_buf_appends(sql, inc ? INC_LIST_COLS : REP_LIST_COLS);
    /* For incidents, "open" and "closed" group the states (not resolved/abandoned, or so). */
    if (inc && lq->state && !strcmp(lq->state, "open"))
        b.err =
            b.err ? b.err : hk_buf_appends(sql, " AND x.state NOT IN ('resolved', 'abandoned')");
    else if (inc && lq->state && !strcmp(lq->state, "closed"))
        b.err = b.err ? b.err : hk_buf_appends(sql, " AND x.state IN ('resolved', 'abandoned')");
    else
        cond_text(&b, "x.state = ", lq->state);
    cond_text(&b, "x.tlp = ", lq->tlp);
    cond_text(&b, "x.rsit_class = ", lq->rsit_class);
    if (inc) {
        cond_text(&b, "x.severity = ", lq->severity);
        cond_text(&b, "x.team = ", lq->team);
    }
    if (lq->observable_id)
        cond_int(&b,
                 inc ? "x.id IN (SELECT incident_id FROM incident_observables WHERE "
                       "observable_id = "
                     : "x.id IN (SELECT report_id FROM report_observables WHERE observable_id = ",
                 lq->observable_id);
    if (lq->observable_id && !b.err)
        b.err = hk_buf_appends(sql, ")");
    if (lq->updated_since)
        cond_int(&b, "x.updated_at >= ", lq->updated_since);
    if (lq->created_from)
        cond_int(&b, inc ? "x.created_at >= " : "x.received_at >= ", lq->created_from);
    if (lq->created_to)
        cond_int(&b, inc ? "x.created_at < " : "x.received_at < ", lq->created_to);
    if (!inc && lq->reporter_id)
        cond_int(&b, "x.reporter_id = ", lq->reporter_id);
    if (!inc && lq->incident_id)
        cond_int(&b, "x.incident_id = ", lq->incident_id);
    if (lq->cursor)
        cond_int(&b, lq->ascending ? "x.id > " : "x.id < ", lq->cursor);
    free_text(&b, lq->q, inc);
    visibility(&b, lq, inc);
    if (!b.err)
        b.err = hk_buf_appendf(sql, " ORDER BY x.id %s LIMIT %d", lq->ascending ? "ASC" : "DESC",
                               limit);
    *nargs = b.n;
    return b.err;
}
