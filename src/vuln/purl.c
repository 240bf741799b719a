/* SPDX-License-Identifier: MIT */
/*
 * Package URLs (the purl specification: pkg:type/namespace/name@version?qualifiers#subpath)
 * and "vers" version ranges, for the early warning's asset matching. Parsing follows the
 * specification's order: the scheme, then '#' subpath, '?' qualifiers and '@' version taken
 * from the right, then type / namespace segments / name; every component is percent-decoded
 * and normalised so that two spellings of one package compare equal. Nothing allocates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/advisory.h"

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into out (cap bytes, NUL-terminated). */
static hk_err pdecode(const char *what, const char *s, size_t n, char *out, size_t cap,
                      struct hk_errmsg *em)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int h, l;
            if (i + 2 >= n || (h = hexv(s[i + 1])) < 0 || (l = hexv(s[i + 2])) < 0)
                return hk_errf(em, HK_EPARSE, "%s: bad percent escape at offset %zu", what, i);
            c = (unsigned char)(h * 16 + l);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f)
            return hk_errf(em, HK_EPARSE, "%s: control character", what);
        if (k + 1 >= cap)
            return hk_errf(em, HK_ETOOBIG, "%s: longer than %zu bytes", what, cap - 1);
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return HK_OK;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static bool type_char(char c, bool first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return !first && ((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-');
}

/* Type-specific normalisation of the specification's known types. */
static void normalise(struct hk_purl *p)
{
    static const char *const ci[] = {"github", "bitbucket", "composer", "deb",
                                     "apk",    "npm",       "hex",      NULL};
    for (int i = 0; ci[i]; i++)
        if (!strcmp(p->type, ci[i])) {
            lower(p->ns);
            lower(p->name);
        }
    if (!strcmp(p->type, "pypi")) {
        lower(p->name);
        for (char *q = p->name; *q; q++)
            if (*q == '_')
                *q = '-';
    }
}

struct qual {
    const char *k;
    size_t kn;
    const char *v;
    size_t vn;
};

static int qual_cmp(const void *a, const void *b)
{
    const struct qual *x = a, *y = b;
    size_t n = x->kn < y->kn ? x->kn : y->kn;
    int c = strncasecmp(x->k, y->k, n);

    return c ? c : (x->kn > y->kn) - (x->kn < y->kn);
}

/* Qualifiers "k=v&k=v": keys lowercase ([a-z0-9.-_], not starting with a digit), empty
 * values dropped, sorted by key, duplicates refused. Values stay percent-encoded. */
static hk_err qualifiers(const char *s, size_t n, char *out, size_t cap, struct hk_errmsg *em)
{
    struct qual q[32];
    size_t nq = 0, k = 0;
    const char *p = s, *end = s + n;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *se = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(se - p));
        if (se > p) {
            if (!eq || eq == p)
                return hk_errf(em, HK_EPARSE, "qualifier '%.*s' is not key=value",
                               (int)(se - p > 40 ? 40 : se - p), p);
            for (const char *c = p; c < eq; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (c > p && *c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
                    return hk_errf(em, HK_EPARSE, "qualifier key '%.*s': bad character",
                                   (int)(eq - p > 40 ? 40 : eq - p), p);
            if (eq + 1 < se) {
                if (nq == sizeof(q) / sizeof(q[0]))
                    return hk_errf(em, HK_ETOOBIG, "more than 32 qualifiers");
                q[nq++] = (struct qual){p, (size_t)(eq - p), eq + 1, (size_t)(se - eq - 1)};
            }
        }
        p = se + (amp ? 1 : 0);
    }
    qsort(q, nq, sizeof(q[0]), qual_cmp);
    for (size_t i = 0; i < nq; i++) {
        if (i && !qual_cmp(&q[i - 1], &q[i]))
            return hk_errf(em, HK_EPARSE, "qualifier '%.*s' given twice", (int)q[i].kn, q[i].k);
        if (k + q[i].kn + q[i].vn + 3 > cap)
            return hk_errf(em, HK_ETOOBIG, "qualifiers longer than %zu bytes", cap - 1);
        if (i)
            out[k++] = '&';
        for (size_t j = 0; j < q[i].kn; j++) {
            char c = q[i].k[j];
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        out[k++] = '=';
        for (size_t j = 0; j < q[i].vn; j++) {
            char c = q[i].v[j];
            if ((unsigned char)c < 0x21 || c == 0x7f)
                return hk_errf(em, HK_EPARSE, "qualifier value: control character or space");
            out[k++] = c;
        }
    }
    out[k] = '\0';
    return HK_OK;
}

hk_err hk_purl_parse(const char *s, size_t len, struct hk_purl *out, struct hk_errmsg *em)
{
    const char *p, *end, *hash, *q, *at, *slash;
    hk_err err;

    memset(out, 0, sizeof(*out));
    if (len > HK_PURL_MAX_LEN)
        return hk_errf(em, HK_ETOOBIG, "purl longer than %d bytes", HK_PURL_MAX_LEN);
    if (memchr(s, '\0', len))
        return hk_errf(em, HK_EPARSE, "purl holds a NUL byte");
    if (len < 4 || strncasecmp(s, "pkg:", 4))
        return hk_errf(em, HK_EPARSE, "a purl starts with 'pkg:'");
    p = s + 4;
    end = s + len;
    while (p < end && *p == '/')
        p++;
    /* subpath: after the last '#' */
    hash = memchr(p, '#', (size_t)(end - p));
    if (hash) {
        const char *sp = hash + 1;
        size_t k = 0;
        while (sp < end) { /* segments without empty, '.' or '..' parts, joined by '/' */
            const char *se = memchr(sp, '/', (size_t)(end - sp));
            size_t n;
            char seg[256];
            se = se ? se : end;
            n = (size_t)(se - sp);
            if (n) {
                if ((err = pdecode("subpath", sp, n, seg, sizeof(seg), em)))
                    return err;
                if (strcmp(seg, ".") && strcmp(seg, "..")) {
                    if (strchr(seg, '/'))
                        return hk_errf(em, HK_EPARSE, "subpath segment holds '/'");
                    if (k + strlen(seg) + 2 > sizeof(out->subpath))
                        return hk_errf(em, HK_ETOOBIG, "subpath too long");
                    k += (size_t)snprintf(out->subpath + k, sizeof(out->subpath) - k, "%s%s",
                                          k ? "/" : "", seg);
                }
            }
            sp = se + (se < end);
        }
        end = hash;
    }
    q = memchr(p, '?', (size_t)(end - p));
    if (q) {
        if ((err = qualifiers(q + 1, (size_t)(end - q - 1), out->qualifiers,
                              sizeof(out->qualifiers), em)))
            return err;
        end = q;
    }
    while (end > p && end[-1] == '/')
        end--;
    /* version: after the last '@' that follows the last '/'... the spec splits from the right */
    slash = NULL;
    for (const char *c = p; c < end; c++)
        if (*c == '/')
            slash = c;
    at = NULL;
    for (const char *c = slash ? slash : p; c < end; c++)
        if (*c == '@')
            at = c;
    if (at) {
        if (at + 1 == end)
            return hk_errf(em, HK_EPARSE, "version after '@' is empty");
        if ((err = pdecode("version", at + 1, (size_t)(end - at - 1), out->version,
                           sizeof(out->version), em)))
            return err;
        end = at;
    }
    /* type */
    slash = memchr(p, '/', (size_t)(end - p));
    if (!slash || slash == p)
        return hk_errf(em, HK_EPARSE, "a purl needs a type and a name ('pkg:type/name')");
    if ((size_t)(slash - p) >= sizeof(out->type))
        return hk_errf(em, HK_ETOOBIG, "type longer than %zu bytes", sizeof(out->type) - 1);
    for (const char *c = p; c < slash; c++)
        if (!type_char(*c, c == p))
            return hk_errf(em, HK_EPARSE, "type: character '%c' not allowed",
                           (unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f ? *c : '?');
    memcpy(out->type, p, (size_t)(slash - p));
    lower(out->type);
    p = slash + 1;
    while (p < end && *p == '/')
        p++;
    /* name: the last segment; namespace: the segments before it */
    {
        const char *ls = NULL;
        size_t k = 0;
        for (const char *c = p; c < end; c++)
            if (*c == '/')
                ls = c;
        if ((err = pdecode("name", ls ? ls + 1 : p, (size_t)(end - (ls ? ls + 1 : p)), out->name,
                           sizeof(out->name), em)))
            return err;
        if (!out->name[0])
            return hk_errf(em, HK_EPARSE, "name is empty");
        if (strchr(out->name, '/'))
            return hk_errf(em, HK_EPARSE, "name holds an encoded '/'");
        while (ls && p < ls) {
            const char *se = memchr(p, '/', (size_t)(ls - p));
            char seg[256];
            se = se ? se : ls;
            if (se > p) {
                if ((err = pdecode("namespace", p, (size_t)(se - p), seg, sizeof(seg), em)))
                    return err;
                if (strchr(seg, '/'))
                    return hk_errf(em, HK_EPARSE, "namespace segment holds an encoded '/'");
                if (k + strlen(seg) + 2 > sizeof(out->ns))
                    return hk_errf(em, HK_ETOOBIG, "namespace too long");
                k += (size_t)snprintf(out->ns + k, sizeof(out->ns) - k, "%s%s", k ? "/" : "", seg);
            }
            p = se + 1;
        }
    }
    normalise(out);
    return HK_OK;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '~' || c == ':';
}

static hk_err pencode(struct hk_buf *b, const char *s, bool keep_slash)
{
    hk_err err = HK_OK;

    for (; *s && !err; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c) || (keep_slash && c == '/'))
            err = hk_buf_appendc(b, (char)c);
        else
            err = hk_buf_appendf(b, "%%%02X", c);
    }
    return err;
}

hk_err hk_purl_format(const struct hk_purl *p, bool with_version, char *buf, size_t cap)
{
    struct hk_buf b = HK_BUF_INIT(4 * HK_PURL_MAX_LEN);
    hk_err err = hk_buf_appendf(&b, "pkg:%s/", p->type);

    if (!err && p->ns[0] && !(err = pencode(&b, p->ns, true)))
        err = hk_buf_appendc(&b, '/');
    if (!err)
        err = pencode(&b, p->name, false);
    if (!err && with_version && p->version[0] && !(err = hk_buf_appendc(&b, '@')))
        err = pencode(&b, p->version, false);
    if (!err && p->qualifiers[0])
        err = hk_buf_appendf(&b, "?%s", p->qualifiers);
    if (!err && p->subpath[0] && !(err = hk_buf_appendc(&b, '#')))
        err = pencode(&b, p->subpath, true);
    if (!err && b.len + 1 > cap)
        err = HK_ETRUNC;
    if (!err)
        memcpy(buf, hk_buf_str(&b), b.len + 1);
    hk_buf_release(&b);
    return err;
}

bool hk_purl_same_package(const struct hk_purl *a, const struct hk_purl *b)
{
    return !strcmp(a->type, b->type) && !strcmp(a->ns, b->ns) && !strcmp(a->name, b->name);
}

/* ---- vers ---- */

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct cons {
    enum op op;
    const char *v;
};

static int cons_cmp(const void *a, const void *b)
{
    const struct cons *x = a, *y = b;
    return hk_cpe_version_cmp(x->v, strlen(x->v), y->v, strlen(y->v));
}

hk_err hk_vers_parse(const char *s, struct hk_vers *out, struct hk_errmsg *em)
{
    struct cons c[HK_VERS_MAX];
    size_t n = 0, k = 0, slen;
    const char *p;

    memset(out, 0, sizeof(*out));
    if (!s)
        return hk_errf(em, HK_EPARSE, "no version range");
    slen = strlen(s);
    if (slen >= sizeof(out->buf))
        return hk_errf(em, HK_ETOOBIG, "version range longer than %zu bytes", sizeof(out->buf) - 1);
    p = s;
    if (!strncasecmp(p, "vers:", 5)) {
        const char *sl = strchr(p, '/');
        if (!sl)
            return hk_errf(em, HK_EPARSE, "'%.60s': vers needs 'vers:<scheme>/<constraints>'", s);
        p = sl + 1;
    }
    while (*p == ' ')
        p++;
    if (!strcmp(p, "*")) {
        out->all = true;
        return HK_OK;
    }
    while (*p) {
        enum op op = OP_EQ;
        size_t vn;
        while (*p == ' ')
            p++;
        if (!strncmp(p, ">=", 2))
            op = OP_GE, p += 2;
        else if (!strncmp(p, "<=", 2))
            op = OP_LE, p += 2;
        else if (!strncmp(p, "!=", 2))
            op = OP_NE, p += 2;
        else if (*p == '>')
            op = OP_GT, p++;
        else if (*p == '<')
            op = OP_LT, p++;
        else if (*p == '=')
            p++;
        while (*p == ' ')
            p++;
        vn = strcspn(p, "|, ");
        if (!vn)
            return hk_errf(em, HK_EPARSE, "'%.60s': empty version in a constraint", s);
        if (n == HK_VERS_MAX)
            return hk_errf(em, HK_ETOOBIG, "more than %d constraints", HK_VERS_MAX);
        if (k + vn + 1 > sizeof(out->buf))
            return hk_errf(em, HK_ETOOBIG, "version range too long");
        memcpy(out->buf + k, p, vn);
        out->buf[k + vn] = '\0';
        for (size_t i = 0; i < vn; i++)
            if ((unsigned char)p[i] < 0x21 || p[i] == 0x7f || strchr("<>=!*", p[i]))
                return hk_errf(em, HK_EPARSE, "'%.60s': bad character in a version", s);
        c[n].op = op;
        c[n].v = out->buf + k;
        n++;
        k += vn + 1;
        p += vn;
        while (*p == ' ')
            p++;
        if (*p == '|' || *p == ',')
            p++;
        else if (*p)
            return hk_errf(em, HK_EPARSE, "'%.60s': constraints are separated by '|'", s);
    }
    if (!n)
        return hk_errf(em, HK_EPARSE, "empty version range");
    qsort(c, n, sizeof(c[0]), cons_cmp);
    /* Intervals from the sorted constraints: a lower bound opens one, the next upper bound
     * closes it; an upper bound with none open starts from the beginning; '=' is a point. */
    {
        const char *lo = NULL;
        bool lo_incl = false, open = false;
        for (size_t i = 0; i < n; i++) {
            struct hk_cpe_range *r;
            switch (c[i].op) {
            case OP_NE:
                out->excl[out->nexcl++] = c[i].v;
                break;
            case OP_EQ:
                r = &out->iv[out->n++];
                r->start = r->end = c[i].v;
                r->start_incl = r->end_incl = true;
                break;
            case OP_GT:
            case OP_GE:
                if (open)
                    break; /* already within a range: the earlier bound stands */
                lo = c[i].v;
                lo_incl = c[i].op == OP_GE;
                open = true;
                break;
            case OP_LT:
            case OP_LE:
                r = &out->iv[out->n++];
                r->start = open ? lo : NULL;
                r->start_incl = lo_incl;
                r->end = c[i].v;
                r->end_incl = c[i].op == OP_LE;
                open = false;
                break;
            }
        }
        if (open) {
            struct hk_cpe_range *r = &out->iv[out->n++];
            r->start = lo;
            r->start_incl = lo_incl;
            r->end = NULL;
        }
    }
    return HK_OK;
}

bool hk_vers_contains(const struct hk_vers *r, const char *v, size_t len)
{
    for (int i = 0; i < r->nexcl; i++)
        if (!hk_cpe_version_cmp(v, len, r->excl[i], strlen(r->excl[i])))
            return false;
    if (r->all)
        return true;
    for (int i = 0; i < r->n; i++)
        if (hk_cpe_version_in_range(v, len, &r->iv[i]))
            return true;
    return false;
}
