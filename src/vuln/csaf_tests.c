/* SPDX-License-Identifier: MIT */
/*
 * The mandatory tests of CSAF 2.0 section 6.1 (6.1.1 to 6.1.33, with 6.1.27.1 to 6.1.27.11):
 * csaf_mandatory_tests runs them all; this file holds those on the product tree and the
 * vulnerabilities (6.1.1 to 6.1.6, 6.1.13, 6.1.23 to 6.1.27.x, 6.1.29, 6.1.31 to 6.1.33), with
 * the score tests in csaf_cvss.c and the document/tracking tests in csaf_tracking.c. Each test
 * reads only what it needs and checks the JSON types itself, so it runs on documents that fail
 * the schema too, and reports every finding with the test ID, the JSON pointer of the offending
 * value and a message. Where the standard leaves a detail open the behaviour follows the OASIS
 * conformance suite (testcases.json) and the reference implementation
 * (@secvisogram/csaf-validator-lib): the version-range words of 6.1.31, the normalisation of
 * 6.1.26, what counts as present. Identifier lookups use hash sets (jansson objects) and the
 * relationship cycles of 6.1.3 an iterative Tarjan walk, so every test is linear in the
 * document's size.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/csaf_int.h"

static const char *const status_groups[] = {
    "first_affected", "first_fixed",         "fixed",
    "known_affected", "known_not_affected",  "last_affected",
    "recommended",    "under_investigation", NULL};

/* ---- full product names: every place a product ID is defined ---- */

typedef void (*fpn_fn)(json_t *fpn, struct csaf_rep *r, void *arg);

/* Calls fn for each branch product with the rep path set to ".../branches/i". */
static void walk_branches(json_t *branches, struct csaf_rep *r, fpn_fn fn, void *arg)
{
    size_t i;
    json_t *b;

    if (!json_is_array(branches))
        return;
    json_array_foreach(branches, i, b)
    {
        size_t m1 = csaf_path_push_key(r, "branches");

        (void)csaf_path_push_index(r, i);
        if (json_is_object(P(b, "product"))) {
            size_t m3 = csaf_path_push_key(r, "product");

            fn(P(b, "product"), r, arg);
            csaf_path_pop(r, m3);
        }
        walk_branches(P(b, "branches"), r, fn, arg);
        csaf_path_pop(r, m1);
    }
}

/* Every full product name in the reference order: full_product_names, relationships,
 * branches. The rep path is set to the full product name object during fn. */
static void each_fpn(json_t *doc, struct csaf_rep *r, fpn_fn fn, void *arg)
{
    json_t *pt = P(doc, "product_tree"), *v;
    size_t i, base = csaf_path_push_key(r, "product_tree");

    json_array_foreach(P(pt, "full_product_names"), i, v)
    {
        size_t m = csaf_path_push_key(r, "full_product_names");

        (void)csaf_path_push_index(r, i);
        if (json_is_object(v))
            fn(v, r, arg);
        csaf_path_pop(r, m);
    }
    json_array_foreach(P(pt, "relationships"), i, v)
    {
        size_t m = csaf_path_push_key(r, "relationships");

        (void)csaf_path_push_index(r, i);
        (void)csaf_path_push_key(r, "full_product_name");
        if (json_is_object(P(v, "full_product_name")))
            fn(P(v, "full_product_name"), r, arg);
        csaf_path_pop(r, m);
    }
    walk_branches(P(pt, "branches"), r, fn, arg);
    csaf_path_pop(r, base);
}

struct idcount {
    json_t *count; /* id -> number of definitions */
    bool report;   /* second pass: report duplicates */
};

static void count_id(json_t *fpn, struct csaf_rep *r, void *arg)
{
    struct idcount *ic = arg;
    json_t *id = P(fpn, "product_id"), *n;

    if (!json_is_string(id) || json_string_length(id) == 0)
        return;
    n = json_object_getn(ic->count, json_string_value(id), json_string_length(id));
    if (!ic->report) {
        (void)json_object_setn_new_nocheck(ic->count, json_string_value(id), json_string_length(id),
                                           json_integer(n ? json_integer_value(n) + 1 : 1));
    } else if (n && json_integer_value(n) > 1) {
        csaf_err(r, "6.1.2", "/product_id", "duplicate definition of product id '%.200s'",
                 json_string_value(id));
    }
}

/* Reports every string of arr (at prefix/j) that is not in the set ids. */
static void check_refs(json_t *ids, json_t *arr, struct csaf_rep *r, const char *test,
                       const char *what, const char *prefix)
{
    size_t j;
    json_t *ref;

    json_array_foreach(arr, j, ref)
    {
        char msg[320];

        if (!csaf_truthy(ref) || csaf_set_has(ids, ref))
            continue;
        if (json_is_string(ref)) {
            (void)snprintf(msg, sizeof(msg), "definition of %s '%.200s' missing", what,
                           json_string_value(ref));
        } else { /* not an identifier at all (the schema says so too): nothing defines it */
            (void)snprintf(msg, sizeof(msg), "definition of %s missing (not a string)", what);
        }
        csaf_errf(r, test, msg, "%s/%zu", prefix, j);
    }
}

/* The references held by the arrays "key" of each element of a vulnerability's list. */
static void check_list_refs(json_t *ids, json_t *v, size_t i, const char *list, const char *key,
                            struct csaf_rep *r, const char *test, const char *what)
{
    size_t j;
    json_t *e;
    char pre[200];

    json_array_foreach(P(v, list), j, e)
    {
        (void)snprintf(pre, sizeof(pre), "/vulnerabilities/%zu/%s/%zu/%s", i, list, j, key);
        check_refs(ids, P(e, key), r, test, what, pre);
    }
}

static void mark_group(json_t *seen, json_t *mine, int g)
{
    for (void *it = json_object_iter(mine); it; it = json_object_iter_next(mine, it)) {
        const char *k = json_object_iter_key(it);
        size_t kl = json_object_iter_key_len(it);

        if (!json_object_getn(seen, k, kl))
            (void)json_object_setn_new_nocheck(seen, k, kl, json_integer(g));
    }
}

/* 6.1.1 a referenced product ID must be defined; 6.1.2 defined only once. */
static void t_product_ids(json_t *doc, struct csaf_rep *r)
{
    struct idcount ic = {json_object(), false};
    json_t *pt = P(doc, "product_tree"), *v;
    size_t i;
    char pre[200];

    each_fpn(doc, r, count_id, &ic);
    ic.report = true;
    each_fpn(doc, r, count_id, &ic);
    json_array_foreach(P(pt, "product_groups"), i, v)
    {
        (void)snprintf(pre, sizeof(pre), "/product_tree/product_groups/%zu/product_ids", i);
        check_refs(ic.count, P(v, "product_ids"), r, "6.1.1", "product id", pre);
    }
    json_array_foreach(P(pt, "relationships"), i, v)
    {
        static const char *const keys[] = {"product_reference", "relates_to_product_reference"};

        for (int k = 0; k < 2; k++) {
            json_t *ref = P(v, keys[k]);

            if (json_is_string(ref) && json_string_length(ref) && !csaf_set_has(ic.count, ref)) {
                char msg[320];

                (void)snprintf(msg, sizeof(msg), "definition of product id '%.200s' missing",
                               json_string_value(ref));
                csaf_errf(r, "6.1.1", msg, "/product_tree/relationships/%zu/%s", i, keys[k]);
            }
        }
    }
    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *ps = P(v, "product_status");

        for (int g = 0; status_groups[g]; g++) {
            (void)snprintf(pre, sizeof(pre), "/vulnerabilities/%zu/product_status/%s", i,
                           status_groups[g]);
            check_refs(ic.count, P(ps, status_groups[g]), r, "6.1.1", "product id", pre);
        }
        check_list_refs(ic.count, v, i, "remediations", "product_ids", r, "6.1.1", "product id");
        check_list_refs(ic.count, v, i, "scores", "products", r, "6.1.1", "product id");
        check_list_refs(ic.count, v, i, "threats", "product_ids", r, "6.1.1", "product id");
        check_list_refs(ic.count, v, i, "flags", "product_ids", r, "6.1.1", "product id");
    }
    json_decref(ic.count);
}

/* 6.1.4 a referenced product group ID must be defined; 6.1.5 defined only once. */
static void t_group_ids(json_t *doc, struct csaf_rep *r)
{
    json_t *groups = P(P(doc, "product_tree"), "product_groups"), *count = json_object(), *g;
    json_t *v;
    size_t i;

    json_array_foreach(groups, i, g)
    {
        json_t *id = P(g, "group_id"), *n;

        if (!json_is_string(id) || !json_string_length(id))
            continue;
        n = json_object_getn(count, json_string_value(id), json_string_length(id));
        (void)json_object_setn_new_nocheck(count, json_string_value(id), json_string_length(id),
                                           json_integer(n ? json_integer_value(n) + 1 : 1));
    }
    json_array_foreach(groups, i, g)
    {
        json_t *id = P(g, "group_id"), *n;

        if (!json_is_string(id) || !json_string_length(id))
            continue;
        n = json_object_getn(count, json_string_value(id), json_string_length(id));
        if (json_integer_value(n) > 1) {
            char msg[320];

            (void)snprintf(msg, sizeof(msg), "duplicate definition of product group id '%.200s'",
                           json_string_value(id));
            csaf_errf(r, "6.1.5", msg, "/product_tree/product_groups/%zu/group_id", i);
        }
    }
    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        check_list_refs(count, v, i, "remediations", "group_ids", r, "6.1.4", "product group id");
        check_list_refs(count, v, i, "threats", "group_ids", r, "6.1.4", "product group id");
        check_list_refs(count, v, i, "flags", "group_ids", r, "6.1.4", "product group id");
    }
    json_decref(count);
}

/* 6.1.3 circular definition of product ID: a relationship whose product_reference or
 * relates_to_product_reference leads (through other relationships' full_product_name) back to
 * itself. The relationships form a graph with at most two edges per node; a reference closes
 * a cycle exactly when its target is in the node's strongly connected component (or is the
 * node itself), found with an iterative Tarjan walk in linear time. */
struct scc {
    size_t n, *index, *low, *comp, *stack, sp, next, ncomp;
    long (*adj)[2];
    unsigned char *on;
};

static void scc_visit(struct scc *g, size_t root, size_t *cs_node, int *cs_edge)
{
    size_t csp = 0;

    cs_node[csp] = root;
    cs_edge[csp++] = 0;
    g->index[root] = g->low[root] = ++g->next;
    g->stack[g->sp++] = root;
    g->on[root] = 1;
    while (csp) {
        size_t v = cs_node[csp - 1];
        int e = cs_edge[csp - 1];

        if (e < 2) {
            long w = g->adj[v][e];

            cs_edge[csp - 1]++;
            if (w < 0)
                continue;
            if (!g->index[w]) {
                g->index[w] = g->low[w] = ++g->next;
                g->stack[g->sp++] = (size_t)w;
                g->on[w] = 1;
                cs_node[csp] = (size_t)w;
                cs_edge[csp++] = 0;
            } else if (g->on[w] && g->index[w] < g->low[v]) {
                g->low[v] = g->index[w];
            }
            continue;
        }
        if (g->low[v] == g->index[v]) {
            size_t w;

            do {
                w = g->stack[--g->sp];
                g->on[w] = 0;
                g->comp[w] = g->ncomp;
            } while (w != v);
            g->ncomp++;
        }
        csp--;
        if (csp && g->low[v] < g->low[cs_node[csp - 1]])
            g->low[cs_node[csp - 1]] = g->low[v];
    }
}

static void t_circular(json_t *doc, struct csaf_rep *r)
{
    static const char *const keys[] = {"product_reference", "relates_to_product_reference"};
    json_t *rels = P(P(doc, "product_tree"), "relationships"), *byid, *rl;
    size_t n = json_array_size(rels), i, *cs_node;
    struct scc g = {0};
    int *cs_edge;

    if (n == 0)
        return;
    byid = json_object(); /* product_id -> index of the first relationship defining it */
    json_array_foreach(rels, i, rl)
    {
        json_t *id = P(P(rl, "full_product_name"), "product_id");

        if (json_is_string(id) &&
            !json_object_getn(byid, json_string_value(id), json_string_length(id)))
            (void)json_object_setn_new_nocheck(byid, json_string_value(id), json_string_length(id),
                                               json_integer((json_int_t)i));
    }
    g.n = n;
    g.adj = hk_xcalloc(n, sizeof(*g.adj));
    json_array_foreach(rels, i, rl) for (int k = 0; k < 2; k++)
    {
        json_t *ref = P(rl, keys[k]), *t = NULL;

        if (json_is_string(ref))
            t = json_object_getn(byid, json_string_value(ref), json_string_length(ref));
        g.adj[i][k] = t ? (long)json_integer_value(t) : -1;
    }
    g.index = hk_xcalloc(n, sizeof(size_t));
    g.low = hk_xcalloc(n, sizeof(size_t));
    g.comp = hk_xcalloc(n, sizeof(size_t));
    g.stack = hk_xcalloc(n, sizeof(size_t));
    g.on = hk_xcalloc(n, 1);
    cs_node = hk_xcalloc(n, sizeof(size_t));
    cs_edge = hk_xcalloc(n, sizeof(int));
    for (i = 0; i < n; i++)
        if (!g.index[i])
            scc_visit(&g, i, cs_node, cs_edge);
    for (i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            long t = g.adj[i][k];

            if (t >= 0 && ((size_t)t == i || g.comp[t] == g.comp[i])) {
                char msg[320];

                (void)snprintf(msg, sizeof(msg),
                               "circular definition: '%.200s' refers back to this relationship",
                               csaf_str(json_array_get(rels, i), keys[k]));
                csaf_errf(r, "6.1.3", msg, "/product_tree/relationships/%zu/%s", i, keys[k]);
            }
        }
    free(cs_edge);
    free(cs_node);
    free(g.on);
    free(g.stack);
    free(g.comp);
    free(g.low);
    free(g.index);
    free(g.adj);
    json_decref(byid);
}

/* 6.1.6 contradicting product status: affected / not affected / fixed / under investigation
 * are mutually exclusive per vulnerability. */
static void t_contradicting(json_t *doc, struct csaf_rep *r)
{
    static const char *const groups[4][3] = {
        {"first_affected", "known_affected", "last_affected"},
        {"known_not_affected", NULL, NULL},
        {"first_fixed", "fixed", NULL},
        {"under_investigation", NULL, NULL},
    };
    static const char *const names[] = {"affected", "not affected", "fixed", "under investigation"};
    size_t i;
    json_t *v;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *ps = P(v, "product_status"), *seen = json_object(), *reported = json_object();

        for (int g = 0; g < 4; g++) {
            json_t *mine = json_object();

            for (int k = 0; k < 3 && groups[g][k]; k++) {
                size_t j;
                json_t *id;

                json_array_foreach(P(ps, groups[g][k]), j, id)
                {
                    json_t *prev;

                    if (!json_is_string(id) || csaf_set_has(mine, id))
                        continue;
                    csaf_set_add(mine, id);
                    prev = json_object_getn(seen, json_string_value(id), json_string_length(id));
                    if (prev && !csaf_set_has(reported, id)) {
                        char msg[400];

                        csaf_set_add(reported, id);
                        (void)snprintf(msg, sizeof(msg),
                                       "product id '%.200s' is in contradicting product status "
                                       "groups (%s and %s)",
                                       json_string_value(id), names[json_integer_value(prev)],
                                       names[g]);
                        csaf_errf(r, "6.1.6", msg, "/vulnerabilities/%zu/product_status/%s/%zu", i,
                                  groups[g][k], j);
                    }
                }
            }
            mark_group(seen, mine, g);
            json_decref(mine);
        }
        json_decref(seen);
        json_decref(reported);
    }
}

/* 6.1.13 PURL and 6.1.25 multiple use of the same hash algorithm, per full product name. */
static void fpn_helper(json_t *fpn, struct csaf_rep *r, void *arg)
{
    json_t *pih = P(fpn, "product_identification_helper"), *h;
    const char *purl = csaf_str(pih, "purl"), *why = NULL;
    size_t i;

    (void)arg;
    if (purl && !csaf_purl_valid(purl, &why))
        csaf_err(r, "6.1.13", "/product_identification_helper/purl", "invalid purl: %s", why);
    json_array_foreach(P(pih, "hashes"), i, h)
    {
        json_t *seen = json_object(), *fh;
        size_t j;

        json_array_foreach(P(h, "file_hashes"), j, fh)
        {
            json_t *alg = P(fh, "algorithm");
            char suffix[128];

            if (!json_is_string(alg))
                continue;
            if (csaf_set_has(seen, alg)) {
                (void)snprintf(suffix, sizeof(suffix),
                               "/product_identification_helper/hashes/%zu/file_hashes/%zu", i, j);
                csaf_err(r, "6.1.25", suffix, "there is already a hash with the algorithm '%.40s'",
                         json_string_value(alg));
            }
            csaf_set_add(seen, alg);
        }
        json_decref(seen);
    }
}

/* 6.1.23 each CVE once; 6.1.24 one involvement per party and date. */
static void t_vuln_dups(json_t *doc, struct csaf_rep *r)
{
    json_t *cves = json_object(), *v, *inv;
    size_t i, j;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *cve = P(v, "cve"), *seen;

        if (json_is_string(cve)) {
            if (csaf_set_has(cves, cve))
                csaf_errf(r, "6.1.23", "this CVE identifier was already used",
                          "/vulnerabilities/%zu/cve", i);
            csaf_set_add(cves, cve);
        }
        seen = json_object();
        json_array_foreach(P(v, "involvements"), j, inv)
        {
            const char *party = csaf_str(inv, "party"), *date = csaf_str(inv, "date");
            struct hk_buf key = HK_BUF_INIT(HK_BUF_UNBOUNDED);

            if (!party || !date)
                continue;
            (void)hk_buf_appendf(&key, "%s\x1f%s", party, date);
            if (json_object_getn(seen, key.buf, key.len)) {
                char msg[200];

                (void)snprintf(msg, sizeof(msg),
                               "party '%.40s' already has an involvement dated %.40s", party, date);
                csaf_errf(r, "6.1.24", msg, "/vulnerabilities/%zu/involvements/%zu", i, j);
            }
            (void)json_object_setn_new_nocheck(seen, key.buf, key.len, json_true());
            hk_buf_release(&key);
        }
        json_decref(seen);
    }
    json_decref(cves);
}

/* 6.1.26 prohibited document category name. */
static void t_category(json_t *doc, struct csaf_rep *r)
{
    static const char *const profiles[] = {"csaf_base",
                                           "csaf_security_incident_response",
                                           "csaf_informational_advisory",
                                           "csaf_security_advisory",
                                           "csaf_vex",
                                           NULL};
    /* The other profiles' names and values, ignoring case, '_', '-' and white space. */
    static const char *const others[] = {"securityincidentresponse",
                                         "informationaladvisory",
                                         "securityadvisory",
                                         "vex",
                                         "csafsecurityincidentresponse",
                                         "csafinformationaladvisory",
                                         "csafsecurityadvisory",
                                         "csafvex",
                                         NULL};
    const char *cat = csaf_str(P(doc, "document"), "category");
    char norm[256];
    size_t n = 0;

    if (!cat)
        return;
    for (int i = 0; profiles[i]; i++)
        if (!strcmp(cat, profiles[i]))
            return;
    if (!strncasecmp(cat, "csaf_", 5)) {
        csaf_err_at(r, "6.1.26", "/document/category",
                    "the prefix csaf_ is reserved for the profiles of the standard");
        return;
    }
    for (const char *p = cat; *p && n + 1 < sizeof(norm); p++)
        if (*p != '_' && *p != '-' && !isspace((unsigned char)*p))
            norm[n++] = (char)tolower((unsigned char)*p);
    norm[n] = '\0';
    for (int i = 0; others[i]; i++)
        if (!strcmp(norm, others[i]))
            csaf_err_at(r, "6.1.26", "/document/category",
                        "this category name is too close to a profile's and is prohibited");
}

static bool has_category(json_t *arr, const char *const *cats)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e)
    {
        const char *c = csaf_str(e, "category");

        for (int k = 0; c && cats[k]; k++)
            if (!strcmp(c, cats[k]))
                return true;
    }
    return false;
}

/* group_id -> product_ids (the first definition of each group). */
static json_t *group_map(json_t *doc)
{
    json_t *m = json_object(), *g;
    size_t i;

    json_array_foreach(P(P(doc, "product_tree"), "product_groups"), i, g)
    {
        json_t *id = P(g, "group_id");

        if (json_is_string(id) && json_is_array(P(g, "product_ids")) &&
            !json_object_getn(m, json_string_value(id), json_string_length(id)))
            (void)json_object_setn_nocheck(m, json_string_value(id), json_string_length(id),
                                           P(g, "product_ids"));
    }
    return m;
}

/* Adds to set the products e names: its product_ids and the members of its group_ids. */
static void cover(json_t *set, json_t *e, json_t *gmap)
{
    size_t i, j;
    json_t *x, *p;

    json_array_foreach(P(e, "product_ids"), i, x) csaf_set_add(set, x);
    json_array_foreach(P(e, "group_ids"), i, x)
    {
        json_t *members = json_is_string(x)
                              ? json_object_getn(gmap, json_string_value(x), json_string_length(x))
                              : NULL;

        json_array_foreach(members, j, p) csaf_set_add(set, p);
    }
}

/* 6.1.27.9 impact statement and 6.1.27.10 action statement (csaf_vex). */
static void t_vex_statements(json_t *v, size_t i, json_t *gmap, struct csaf_rep *r)
{
    json_t *ps = P(v, "product_status"), *impact = json_object(), *action = json_object();
    json_t *id, *e;
    size_t j;

    json_array_foreach(P(v, "threats"), j,
                       e) if (csaf_str(e, "category") && !strcmp(csaf_str(e, "category"), "impact"))
        cover(impact, e, gmap);
    json_array_foreach(P(v, "flags"), j, e) cover(impact, e, gmap);
    json_array_foreach(P(v, "remediations"), j, e) cover(action, e, gmap);
    json_array_foreach(P(ps, "known_not_affected"), j, id) if (!csaf_set_has(impact, id)) csaf_errf(
        r, "6.1.27.9", "no impact statement (flag or threat of category impact) for this product",
        "/vulnerabilities/%zu/product_status/known_not_affected/%zu", i, j);
    json_array_foreach(P(ps, "known_affected"), j, id) if (!csaf_set_has(action, id))
        csaf_errf(r, "6.1.27.10", "no action statement (remediation) for this product",
                  "/vulnerabilities/%zu/product_status/known_affected/%zu", i, j);
    json_decref(impact);
    json_decref(action);
}

/* 6.1.27.1 to 6.1.27.11: the profile requirements of section 4. */
static void t_profiles(json_t *doc, struct csaf_rep *r)
{
    static const char *const note_cats[] = {"description", "details", "general", "summary", NULL};
    static const char *const ref_cats[] = {"external", NULL};
    const char *cat = csaf_str(P(doc, "document"), "category");
    json_t *vulns = P(doc, "vulnerabilities"), *v, *gmap;
    bool sir, info, adv, vex;
    size_t i;

    if (!cat)
        return;
    sir = !strcmp(cat, "csaf_security_incident_response");
    info = !strcmp(cat, "csaf_informational_advisory");
    adv = !strcmp(cat, "csaf_security_advisory");
    vex = !strcmp(cat, "csaf_vex");
    if ((sir || info) && !has_category(P(P(doc, "document"), "notes"), note_cats))
        csaf_err_at(r, "6.1.27.1", "/document/notes",
                    "needs at least one note of category description, details, general or "
                    "summary");
    if ((sir || info) && !has_category(P(P(doc, "document"), "references"), ref_cats))
        csaf_err_at(r, "6.1.27.2", "/document/references",
                    "needs at least one reference of category external");
    if (info && vulns)
        csaf_err_at(r, "6.1.27.3", "/vulnerabilities",
                    "must not exist in a csaf_informational_advisory");
    if (!(adv || vex))
        return;
    gmap = group_map(doc);
    if (!csaf_truthy(P(doc, "product_tree")))
        csaf_err_at(r, "6.1.27.4", "", "needs a product_tree");
    if (!csaf_truthy(vulns))
        csaf_err_at(r, "6.1.27.11", "", "needs vulnerabilities");
    json_array_foreach(vulns, i, v)
    {
        json_t *ps = P(v, "product_status");

        if (!csaf_truthy(P(v, "notes")))
            csaf_errf(r, "6.1.27.5", "needs notes", "/vulnerabilities/%zu", i);
        if (adv && !csaf_truthy(ps))
            csaf_errf(r, "6.1.27.6", "needs a product_status", "/vulnerabilities/%zu", i);
        if (!vex)
            continue;
        if (!csaf_truthy(ps))
            csaf_errf(r, "6.1.27.7", "needs a product_status", "/vulnerabilities/%zu", i);
        else if (!json_is_array(P(ps, "fixed")) && !json_is_array(P(ps, "known_affected")) &&
                 !json_is_array(P(ps, "known_not_affected")) &&
                 !json_is_array(P(ps, "under_investigation")))
            csaf_errf(r, "6.1.27.7",
                      "needs at least one of fixed, known_affected, known_not_affected, "
                      "under_investigation",
                      "/vulnerabilities/%zu/product_status", i);
        if (!P(v, "ids") && !P(v, "cve"))
            csaf_errf(r, "6.1.27.8", "needs at least one of ids, cve", "/vulnerabilities/%zu", i);
        t_vex_statements(v, i, gmap, r);
    }
    json_decref(gmap);
}

/* 6.1.29 remediation and 6.1.32 flag without product reference. */
static void t_without_products(json_t *doc, struct csaf_rep *r)
{
    size_t i, j;
    json_t *v, *e;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_array_foreach(P(v, "remediations"), j, e) if (json_is_object(e) &&
                                                           !csaf_truthy(P(e, "group_ids")) &&
                                                           !csaf_truthy(P(e, "product_ids")))
            csaf_errf(r, "6.1.29", "remediation without product_ids or group_ids",
                      "/vulnerabilities/%zu/remediations/%zu", i, j);
        json_array_foreach(P(v, "flags"), j, e) if (json_is_object(e) &&
                                                    !csaf_truthy(P(e, "group_ids")) &&
                                                    !csaf_truthy(P(e, "product_ids")))
            csaf_errf(r, "6.1.32", "flag without product_ids or group_ids",
                      "/vulnerabilities/%zu/flags/%zu", i, j);
    }
}

/* 6.1.31 version range in product version: a branch of category product_version names one
 * version, not a range ("<", "<=", ">", ">=" or the words of the standard). */
static bool range_word(const char *name)
{
    static const char *const words[] = {"after", "all",   "before",   "earlier",
                                        "later", "prior", "versions", NULL};
    const char *p = name;

    if (strpbrk(name, "<>"))
        return true;
    while (*p) {
        size_t n;

        while (*p && isspace((unsigned char)*p))
            p++;
        n = 0;
        while (p[n] && !isspace((unsigned char)p[n]))
            n++;
        for (int k = 0; words[k] && n; k++)
            if (strlen(words[k]) == n && !strncasecmp(p, words[k], n))
                return true;
        p += n;
    }
    return false;
}

static void range_branches(json_t *branches, struct csaf_rep *r)
{
    size_t i;
    json_t *b;

    json_array_foreach(branches, i, b)
    {
        const char *cat = csaf_str(b, "category"), *name = csaf_str(b, "name");
        size_t m = csaf_path_push_key(r, "branches");

        (void)csaf_path_push_index(r, i);
        if (cat && name && !strcmp(cat, "product_version") && range_word(name))
            csaf_err(r, "6.1.31", "/name", "version range in a product_version branch: '%.100s'",
                     name);
        range_branches(P(b, "branches"), r);
        csaf_path_pop(r, m);
    }
}

/* 6.1.33 multiple flags with VEX justification codes for one product (per vulnerability). */
static void t_multiple_flags(json_t *doc, struct csaf_rep *r)
{
    json_t *gmap = group_map(doc), *v, *f;
    size_t i, j;

    json_array_foreach(P(doc, "vulnerabilities"), i, v)
    {
        json_t *seen = json_object();

        json_array_foreach(P(v, "flags"), j, f)
        {
            bool dup = false;
            size_t k, l;
            json_t *id, *gid;

            json_array_foreach(P(f, "product_ids"), k, id)
            {
                dup = dup || csaf_set_has(seen, id);
                csaf_set_add(seen, id);
            }
            json_array_foreach(P(f, "group_ids"), k, gid)
            {
                json_t *members =
                    json_is_string(gid)
                        ? json_object_getn(gmap, json_string_value(gid), json_string_length(gid))
                        : NULL;

                json_array_foreach(members, l, id)
                {
                    dup = dup || csaf_set_has(seen, id);
                    csaf_set_add(seen, id);
                }
            }
            if (dup)
                csaf_errf(r, "6.1.33", "a product already has a flag (VEX justification code)",
                          "/vulnerabilities/%zu/flags/%zu", i, j);
        }
        json_decref(seen);
    }
    json_decref(gmap);
}

void csaf_mandatory_tests(json_t *doc, struct csaf_rep *r)
{
    t_product_ids(doc, r);                         /* 6.1.1, 6.1.2 */
    t_circular(doc, r);                            /* 6.1.3 */
    t_group_ids(doc, r);                           /* 6.1.4, 6.1.5 */
    t_contradicting(doc, r);                       /* 6.1.6 */
    csaf_cvss_tests(doc, r); /* 6.1.7 to 6.1.11 */ /* 6.1.7 */
    each_fpn(doc, r, fpn_helper, NULL);            /* 6.1.13, 6.1.25 */
    csaf_tracking_tests(doc, r);                   /* 6.1.12, 6.1.14 to 6.1.22, 6.1.28, 6.1.30 */
    t_vuln_dups(doc, r);                           /* 6.1.23, 6.1.24 */
    t_category(doc, r);                            /* 6.1.26 */
    t_profiles(doc, r);                            /* 6.1.27.x */
    t_without_products(doc, r);                    /* 6.1.29, 6.1.32 */
    {
        size_t m = csaf_path_push_key(r, "product_tree");

        range_branches(P(P(doc, "product_tree"), "branches"), r); /* 6.1.31 */
        csaf_path_pop(r, m);
    }
    t_multiple_flags(doc, r); /* 6.1.33 */
}
