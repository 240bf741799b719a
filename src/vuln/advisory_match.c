/* SPDX-License-Identifier: MIT */
/*
 * The early warning's matcher: registered assets compiled into an index hashed by package
 * identity (CPE vendor + product, purl type + namespace + name), an advisory's product tree
 * and product status compiled into criteria (a package identity plus a version constraint),
 * and the match of one against the other. Every criterion is a package with its version
 * attribute set to ANY and, separately, a "vers" constraint: an exact version becomes "=v"
 * (so "1.0" and "1.0.0" agree, as hk_cpe_version_cmp orders them), first_affected becomes
 * ">=v" up to the lowest fixed version of the same package, last_affected "<=v". A criterion
 * with a concrete vendor and product looks only at its bucket; one with a wildcard there
 * (rare in advisories) scans every CPE asset. Assets are parsed when looked at (a bucket is
 * small), so the index holds only strings: about 100 bytes per asset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/advisory.h"

/* ---- the asset index ---- */

enum { K_CPE = 1, K_PURL = 2 };

struct ent {
    int64_t id, team;
    uint64_t key;
    uint32_t name, ver; /* offsets into the arena */
    uint32_t next;      /* chain in the hash table, index + 1 (0: end) */
    uint8_t kind;
};

struct hk_asset_index {
    struct ent *e;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
    uint32_t *heads; /* index + 1 */
    size_t mask;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ull;
    return h;
}

#define FNV0 0xcbf29ce484222325ull

static uint64_t cpe_key(const struct hk_cpe *c, bool *concrete)
{
    size_t vl, pl;
    const char *v = hk_cpe_value(c, HK_CPE_VENDOR, &vl), *p = hk_cpe_value(c, HK_CPE_PRODUCT, &pl);
    uint64_t h = fnv(FNV0, "c", 1);

    *concrete = c->kind[HK_CPE_VENDOR] == HK_CPE_STRING && c->kind[HK_CPE_PRODUCT] == HK_CPE_STRING;
    h = fnv(h, v, vl);
    h = fnv(h, "\0", 1);
    return fnv(h, p, pl) | 1;
}

static uint64_t purl_key(const struct hk_purl *p)
{
    uint64_t h = fnv(FNV0, "p", 1);

    h = fnv(h, p->type, strlen(p->type) + 1);
    h = fnv(h, p->ns, strlen(p->ns) + 1);
    return fnv(h, p->name, strlen(p->name)) | 1;
}

struct hk_asset_index *hk_asset_index_new(size_t expect)
{
    struct hk_asset_index *ix = hk_xcalloc(1, sizeof(*ix));
    size_t nb = 1024;

    while (nb < expect * 2 && nb < ((size_t)1 << 30))
        nb <<= 1;
    ix->heads = hk_xcalloc(nb, sizeof(*ix->heads));
    ix->mask = nb - 1;
    if (expect && expect < ((size_t)1 << 28)) { /* one allocation each, no regrowth */
        ix->cap = expect;
        ix->e = hk_xmalloc(expect * sizeof(*ix->e));
        ix->acap = expect * 64;
        ix->arena = hk_xmalloc(ix->acap);
    }
    return ix;
}

void hk_asset_index_free(struct hk_asset_index *ix)
{
    if (!ix)
        return;
    free(ix->e);
    free(ix->arena);
    free(ix->heads);
    free(ix);
}

size_t hk_asset_index_count(const struct hk_asset_index *ix)
{
    return ix ? ix->n : 0;
}

static uint32_t arena_add(struct hk_asset_index *ix, const char *s)
{
    size_t n = strlen(s) + 1;
    uint32_t off;

    if (ix->alen + n > ix->acap) {
        size_t nc = ix->acap ? ix->acap * 2 : 1 << 16;
        while (nc < ix->alen + n)
            nc *= 2;
        ix->arena = hk_xrealloc(ix->arena, nc);
        ix->acap = nc;
    }
    off = (uint32_t)ix->alen;
    memcpy(ix->arena + ix->alen, s, n);
    ix->alen += n;
    return off;
}

static void rehash(struct hk_asset_index *ix)
{
    size_t nb = (ix->mask + 1) * 2;

    free(ix->heads);
    ix->heads = hk_xcalloc(nb, sizeof(*ix->heads));
    ix->mask = nb - 1;
    for (size_t i = 0; i < ix->n; i++) {
        size_t b = ix->e[i].key & ix->mask;
        ix->e[i].next = ix->heads[b];
        ix->heads[b] = (uint32_t)(i + 1);
    }
}

hk_err hk_asset_index_add(struct hk_asset_index *ix, int64_t id, int64_t team_id, const char *kind,
                          const char *name, const char *version)
{
    struct ent e;
    size_t b;

    memset(&e, 0, sizeof(e));
    if (!name || !kind)
        return HK_EINVAL;
    if (ix->n >= 0xfffffff0u || ix->alen > 0xf0000000u)
        return HK_ETOOBIG;
    if (!strcmp(kind, "cpe")) {
        struct hk_cpe c;
        bool concrete;
        if (hk_cpe_parse(name, strlen(name), &c, NULL))
            return HK_EPARSE;
        e.kind = K_CPE;
        e.key = cpe_key(&c, &concrete);
    } else if (!strcmp(kind, "purl")) {
        struct hk_purl p;
        if (hk_purl_parse(name, strlen(name), &p, NULL))
            return HK_EPARSE;
        e.kind = K_PURL;
        e.key = purl_key(&p);
    } else {
        return HK_EINVAL;
    }
    if (ix->n == ix->cap) {
        ix->cap = ix->cap ? ix->cap * 2 : 1024;
        ix->e = hk_xrealloc(ix->e, ix->cap * sizeof(*ix->e));
    }
    if (ix->n + 1 > (ix->mask + 1))
        rehash(ix);
    e.id = id;
    e.team = team_id;
    e.name = arena_add(ix, name);
    e.ver = arena_add(ix, version ? version : "");
    b = e.key & ix->mask;
    e.next = ix->heads[b];
    ix->e[ix->n] = e;
    ix->heads[b] = (uint32_t)(ix->n + 1);
    ix->n++;
    return HK_OK;
}

void hk_asset_index_get(const struct hk_asset_index *ix, size_t i, int64_t *id, int64_t *team_id,
                        const char **kind, const char **name, const char **version)
{
    const struct ent *e = &ix->e[i];

    *id = e->id;
    *team_id = e->team;
    *kind = e->kind == K_CPE ? "cpe" : "purl";
    *name = ix->arena + e->name;
    *version = ix->arena + e->ver;
}

/* ---- criteria ---- */

struct crit {
    char product_id[128];
    const char *product; /* borrowed from the document */
    const char *status;  /* static */
    const char *cve;     /* borrowed */
    int kind;
    struct hk_cpe cpe; /* version attribute ANY */
    struct hk_purl purl;
    bool ranged;
    char range_text[256];
    struct hk_vers vers;
    uint64_t key;
    bool concrete;
};

/* Each criterion is allocated on its own and never moves: its vers range points into itself. */
struct hk_adv_criteria {
    struct crit **c;
    size_t n, cap;
};

/* A product of the tree with what identifies it. */
struct prod {
    const char *id, *name, *cpe, *purl, *version, *range;
};

struct tree {
    struct prod *p;
    size_t n, cap;
};

static void prod_add(struct tree *t, const struct prod *p)
{
    if (!p->id)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->p = hk_xrealloc(t->p, t->cap * sizeof(*t->p));
    }
    t->p[t->n++] = *p;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void fpn(struct tree *t, json_t *f, const char *version, const char *range)
{
    json_t *h = json_object_get(f, "product_identification_helper");
    struct prod p = {jstr(f, "product_id"), jstr(f, "name"), jstr(h, "cpe"),
                     jstr(h, "purl"),       version,         range};

    prod_add(t, &p);
}

static void branches(struct tree *t, json_t *a, const char *version, const char *range, int depth)
{
    size_t i;
    json_t *b;

    if (depth > 30)
        return;
    json_array_foreach(a, i, b)
    {
        const char *cat = jstr(b, "category"), *name = jstr(b, "name");
        const char *v = version, *r = range;
        if (cat && name && !strcmp(cat, "product_version"))
            v = name;
        if (cat && name && !strcmp(cat, "product_version_range"))
            r = name;
        if (json_is_object(json_object_get(b, "product")))
            fpn(t, json_object_get(b, "product"), v, r);
        branches(t, json_object_get(b, "branches"), v, r, depth + 1);
    }
}

static const struct prod *find_prod(const struct tree *t, const char *id)
{
    for (size_t i = 0; id && i < t->n; i++)
        if (!strcmp(t->p[i].id, id))
            return &t->p[i];
    return NULL;
}

static void tree_build(struct tree *t, json_t *pt)
{
    size_t i;
    json_t *v;

    branches(t, json_object_get(pt, "branches"), NULL, NULL, 0);
    json_array_foreach(json_object_get(pt, "full_product_names"), i, v) fpn(t, v, NULL, NULL);
    json_array_foreach(json_object_get(pt, "relationships"), i, v)
    {
        json_t *f = json_object_get(v, "full_product_name");
        json_t *h = json_object_get(f, "product_identification_helper");
        const struct prod *ref = find_prod(t, jstr(v, "product_reference"));
        struct prod p = {
            jstr(f, "product_id"), jstr(f, "name"), jstr(h, "cpe"), jstr(h, "purl"), NULL, NULL};
        if (!p.cpe && !p.purl && ref) { /* "X installed on Y": X's identity */
            p.cpe = ref->cpe;
            p.purl = ref->purl;
            p.version = ref->version;
            p.range = ref->range;
        }
        prod_add(t, &p);
    }
}

/* A CPE 2.2 URI ("cpe:/a:vendor:product:1.0") as a 2.3 formatted string: empty components
 * are ANY, percent escapes are decoded, punctuation other than '.', '-' and '_' is quoted;
 * the packed edition ("~...") is taken as a plain value. */
static bool cpe22_to_23(const char *u, char *out, size_t cap)
{
    const char *p = u + 5;
    size_t k = 0;
    int field = 0;

    k += (size_t)snprintf(out, cap, "cpe:2.3:");
    while (field < 7 && k + 8 < cap) {
        size_t n = strcspn(p, ":");
        if (!n)
            out[k++] = '*';
        for (size_t i = 0; i < n && k + 4 < cap; i++) {
            unsigned char ch = (unsigned char)p[i];
            if (ch == '%' && i + 2 < n) {
                char hx[3] = {p[i + 1], p[i + 2], 0};
                ch = (unsigned char)strtol(hx, NULL, 16);
                i += 2;
            }
            if (ch >= 'A' && ch <= 'Z')
                ch = (unsigned char)(ch - 'A' + 'a');
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
                  ch == '_'))
                out[k++] = '\\';
            out[k++] = (char)ch;
        }
        field++;
        out[k++] = ':';
        p += n;
        if (*p == ':')
            p++;
        else
            break;
    }
    while (field < 11 && k + 3 < cap) {
        out[k++] = '*';
        out[k++] = ':';
        field++;
    }
    if (k == 0 || k >= cap)
        return false;
    out[k - 1] = '\0';
    return true;
}

/* The product's package identity (version ANY) into c and its own version or range. */
static bool identity(const struct prod *p, struct crit *c, const char **version, const char **range)
{
    bool has_range = p->range && *p->range;

    *version = p->version;
    *range = p->range;
    char conv[HK_CPE_MAX_LEN * 2];
    const char *cpe = p->cpe;

    if (cpe && !strncmp(cpe, "cpe:/", 5) && cpe22_to_23(cpe, conv, sizeof(conv)))
        cpe = conv;
    if (cpe && !hk_cpe_parse(cpe, strlen(cpe), &c->cpe, NULL)) {
        size_t vl;
        const char *v = hk_cpe_value(&c->cpe, HK_CPE_VERSION, &vl);
        static __thread char vbuf[HK_CPE_BUF];
        c->kind = K_CPE;
        if (c->cpe.kind[HK_CPE_VERSION] == HK_CPE_STRING && !has_range) {
            memcpy(vbuf, v, vl);
            vbuf[vl] = '\0';
            *version = vbuf;
        }
        c->cpe.kind[HK_CPE_VERSION] = HK_CPE_ANY;
        c->cpe.len[HK_CPE_VERSION] = 0;
        c->key = cpe_key(&c->cpe, &c->concrete);
        return true;
    }
    if (p->purl && !hk_purl_parse(p->purl, strlen(p->purl), &c->purl, NULL)) {
        static __thread char pv[128];
        c->kind = K_PURL;
        if (c->purl.version[0] && !has_range) {
            (void)snprintf(pv, sizeof(pv), "%s", c->purl.version);
            *version = pv;
        }
        c->purl.version[0] = '\0';
        c->key = purl_key(&c->purl);
        c->concrete = true;
        return true;
    }
    return false;
}

static bool same_package(const struct crit *a, const struct crit *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == K_PURL)
        return hk_purl_same_package(&a->purl, &b->purl);
    return hk_cpe_match(&a->cpe, &b->cpe) == HK_CPE_EQUAL;
}

/* The lowest fixed version of the same package above v (first_affected's end). */
static const char *fixed_above(const struct tree *t, json_t *fixed, const struct crit *c,
                               const char *v, char *buf, size_t cap)
{
    const char *best = NULL;
    size_t i;
    json_t *id;

    json_array_foreach(fixed, i, id)
    {
        const struct prod *p = find_prod(t, json_string_value(id));
        struct crit o;
        const char *fv = NULL, *fr = NULL;
        memset(&o, 0, sizeof(o));
        if (!p || !identity(p, &o, &fv, &fr) || !fv || !same_package(c, &o))
            continue;
        if (v && hk_cpe_version_cmp(fv, strlen(fv), v, strlen(v)) <= 0)
            continue;
        if (!best || hk_cpe_version_cmp(fv, strlen(fv), best, strlen(best)) < 0) {
            (void)snprintf(buf, cap, "%s", fv);
            best = buf;
        }
    }
    return best;
}

static hk_err crit_add(struct hk_adv_criteria *cr, const struct tree *t, const struct prod *p,
                       const char *status, const char *cve, json_t *fixed, struct hk_errmsg *em)
{
    struct crit c;
    const char *version = NULL, *range = NULL;
    char vbuf[HK_CPE_BUF], fbuf[HK_CPE_BUF];

    memset(&c, 0, sizeof(c));
    if (!identity(p, &c, &version, &range))
        return HK_OK; /* nothing to match on */
    if (version) {
        (void)snprintf(vbuf, sizeof(vbuf), "%s", version);
        version = vbuf;
    }
    /* A product id or range that does not fit would change what is matched ("<1.2.10" cut
     * to "<1.2.1"): such a product is skipped, never matched on a shortened criterion. */
    if (strlen(p->id) >= sizeof(c.product_id) || (range && strlen(range) >= sizeof(c.range_text)))
        return HK_OK;
    (void)snprintf(c.product_id, sizeof(c.product_id), "%s", p->id);
    c.product = p->name ? p->name : p->id;
    c.status = status;
    c.cve = cve;
    if (range && *range) {
        (void)snprintf(c.range_text, sizeof(c.range_text), "%s", range);
    } else if (version && *version) {
        if (!strcmp(status, "first_affected")) {
            const char *f = fixed_above(t, fixed, &c, version, fbuf, sizeof(fbuf));
            (void)snprintf(c.range_text, sizeof(c.range_text), ">=%s%s%s", version, f ? "|<" : "",
                           f ? f : "");
        } else if (!strcmp(status, "last_affected")) {
            (void)snprintf(c.range_text, sizeof(c.range_text), "<=%s", version);
        } else {
            (void)snprintf(c.range_text, sizeof(c.range_text), "=%s", version);
        }
    }
    for (size_t i = 0; i < cr->n; i++) /* the same product and status twice: once */
        if (!strcmp(cr->c[i]->product_id, c.product_id) && cr->c[i]->status == c.status &&
            cr->c[i]->cve == c.cve)
            return HK_OK;
    if (cr->n == cr->cap) {
        cr->cap = cr->cap ? cr->cap * 2 : 16;
        cr->c = hk_xrealloc(cr->c, cr->cap * sizeof(*cr->c));
    }
    {
        struct crit *nc = hk_xmalloc(sizeof(*nc));
        *nc = c;
        if (nc->range_text[0]) {
            if (hk_vers_parse(nc->range_text, &nc->vers, em)) {
                free(nc); /* an unusable range matches nothing rather than everything */
                return HK_OK;
            }
            nc->ranged = true;
        }
        cr->c[cr->n++] = nc;
    }
    return HK_OK;
}

hk_err hk_adv_criteria_build(json_t *csaf, struct hk_adv_criteria **out, struct hk_errmsg *em)
{
    static const char *const statuses[] = {"known_affected", "first_affected", "last_affected",
                                           NULL};
    struct hk_adv_criteria *cr = hk_xcalloc(1, sizeof(*cr));
    struct tree t = {0};
    json_t *v;
    size_t i;
    hk_err err = HK_OK;

    tree_build(&t, json_object_get(csaf, "product_tree"));
    json_array_foreach(json_object_get(csaf, "vulnerabilities"), i, v)
    {
        json_t *ps = json_object_get(v, "product_status");
        const char *cve = jstr(v, "cve");
        for (int s = 0; statuses[s] && !err; s++) {
            size_t k;
            json_t *id;
            json_array_foreach(json_object_get(ps, statuses[s]), k, id)
            {
                const struct prod *p = find_prod(&t, json_string_value(id));
                if (p &&
                    (err = crit_add(cr, &t, p, statuses[s], cve, json_object_get(ps, "fixed"), em)))
                    break;
            }
        }
    }
    free(t.p);
    if (err) {
        hk_adv_criteria_free(cr);
        return err;
    }
    *out = cr;
    return HK_OK;
}

void hk_adv_criteria_free(struct hk_adv_criteria *cr)
{
    if (!cr)
        return;
    for (size_t i = 0; i < cr->n; i++)
        free(cr->c[i]);
    free(cr->c);
    free(cr);
}

size_t hk_adv_criteria_count(const struct hk_adv_criteria *cr)
{
    return cr ? cr->n : 0;
}

json_t *hk_adv_criterion_json(const struct hk_adv_criteria *cr, size_t i)
{
    const struct crit *c = cr->c[i];
    char name[HK_PURL_MAX_LEN * 3];
    json_t *o = json_pack("{s:s, s:s, s:s}", "product_id", c->product_id, "product",
                          c->product ? c->product : "", "status", c->status);

    if (c->cve)
        json_object_set_new(o, "cve", json_string(c->cve));
    if (c->kind == K_CPE && !hk_cpe_format(&c->cpe, name, sizeof(name)))
        json_object_set_new(o, "cpe", json_string(name));
    if (c->kind == K_PURL && !hk_purl_format(&c->purl, false, name, sizeof(name)))
        json_object_set_new(o, "purl", json_string(name));
    if (c->ranged)
        json_object_set_new(o, "range", json_string(c->range_text));
    return o;
}

/* ---- matching ---- */

/* Whether the asset's version satisfies the criterion's constraint. */
static bool version_ok(const struct crit *c, const char *v, size_t n)
{
    if (!c->ranged)
        return true;
    if (!n) /* nothing says which version the asset runs: not claimed affected */
        return false;
    return hk_vers_contains(&c->vers, v, n);
}

static bool test_cpe(const struct crit *c, const char *name)
{
    struct hk_cpe a;
    enum hk_cpe_rel r;
    size_t vl;
    const char *v;

    if (hk_cpe_parse(name, strlen(name), &a, NULL))
        return false;
    r = hk_cpe_match(&c->cpe, &a);
    if (r != HK_CPE_EQUAL && r != HK_CPE_SUPERSET)
        return false;
    if (!c->ranged)
        return true;
    if (a.kind[HK_CPE_VERSION] != HK_CPE_STRING)
        return false;
    v = hk_cpe_value(&a, HK_CPE_VERSION, &vl);
    return version_ok(c, v, vl);
}

static bool test_purl(const struct crit *c, const char *name)
{
    struct hk_purl a;

    if (hk_purl_parse(name, strlen(name), &a, NULL) || !hk_purl_same_package(&c->purl, &a))
        return false;
    return version_ok(c, a.version, strlen(a.version));
}

static bool test(const struct hk_asset_index *ix, const struct ent *e, const struct crit *c)
{
    if (e->kind != c->kind)
        return false;
    return c->kind == K_CPE ? test_cpe(c, ix->arena + e->name) : test_purl(c, ix->arena + e->name);
}

hk_err hk_adv_match(const struct hk_asset_index *ix, const struct hk_adv_criteria *cr,
                    struct hk_adv_hit **hits, size_t *nhits)
{
    uint32_t *first = NULL; /* criterion + 1 that first matched each asset */
    size_t n = 0;

    *hits = NULL;
    *nhits = 0;
    if (!ix || !ix->n || !cr || !cr->n)
        return HK_OK;
    first = hk_xcalloc(ix->n, sizeof(*first));
    for (size_t k = 0; k < cr->n; k++) {
        const struct crit *c = cr->c[k];
        if (c->concrete) {
            for (uint32_t j = ix->heads[c->key & ix->mask]; j; j = ix->e[j - 1].next) {
                const struct ent *e = &ix->e[j - 1];
                if (e->key == c->key && !first[j - 1] && test(ix, e, c)) {
                    first[j - 1] = (uint32_t)(k + 1);
                    n++;
                }
            }
        } else {
            for (size_t j = 0; j < ix->n; j++)
                if (!first[j] && test(ix, &ix->e[j], c)) {
                    first[j] = (uint32_t)(k + 1);
                    n++;
                }
        }
    }
    if (n) {
        size_t m = 0;
        *hits = hk_xcalloc(n, sizeof(**hits));
        for (size_t j = 0; j < ix->n && m < n; j++)
            if (first[j]) {
                (*hits)[m].asset = j;
                (*hits)[m].criterion = first[j] - 1;
                m++;
            }
        *nhits = m;
    }
    free(first);
    return HK_OK;
}
