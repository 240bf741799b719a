/* SPDX-License-Identifier: MIT */
/*
 * CPE 2.3 formatted-string parsing and formatting (NISTIR 7695 section 6.2), name matching
 * (NISTIR 7696 sections 6.1 and 6.2) and version ordering and ranges for the early warning.
 * Values are kept in their logical form: quotes removed, lowercase, unquoted wildcards as the
 * bytes HK_CPE_WILD_ANY and HK_CPE_WILD_ONE, so that matching never looks at escapes and a
 * version is compared as written. See include/hikeshi/cpe.h for the rules.
 */
#include "hikeshi/cpe.h"

#include <string.h>

static const char *const attr_names[HK_CPE_NATTR] = {
    "part",     "vendor",     "product",   "version",   "update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other",
};

const char *hk_cpe_attr_name(enum hk_cpe_attr attr)
{
    return (unsigned)attr < HK_CPE_NATTR ? attr_names[attr] : "?";
}

const char *hk_cpe_rel_name(enum hk_cpe_rel rel)
{
    switch (rel) {
    case HK_CPE_DISJOINT:
        return "DISJOINT";
    case HK_CPE_SUBSET:
        return "SUBSET";
    case HK_CPE_SUPERSET:
        return "SUPERSET";
    case HK_CPE_EQUAL:
        return "EQUAL";
    case HK_CPE_OVERLAP:
        return "OVERLAP";
    }
    return "?";
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_wild(char c)
{
    return c == HK_CPE_WILD_ANY || c == HK_CPE_WILD_ONE;
}

/* Checks the wildcard placement of the logical value w[0..n): at each end one '*' or a run
 * of '?', none inside. */
static hk_err check_wildcards(const char *w, size_t n, int a, size_t at, struct hk_errmsg *em)
{
    size_t i = 0, e = n;

    if (n == 2 && w[0] == HK_CPE_WILD_ANY && w[1] == HK_CPE_WILD_ANY)
        return hk_errf(em, HK_EPARSE, "attribute %s (offset %zu): '**' (write one '*')",
                       attr_names[a], at);
    if (i < e && w[i] == HK_CPE_WILD_ANY) {
        i++;
    } else {
        while (i < e && w[i] == HK_CPE_WILD_ONE)
            i++;
    }
    if (i < e && w[e - 1] == HK_CPE_WILD_ANY) {
        e--;
    } else {
        while (e > i && w[e - 1] == HK_CPE_WILD_ONE)
            e--;
    }
    for (size_t k = i; k < e; k++)
        if (is_wild(w[k]))
            return hk_errf(em, HK_EPARSE,
                           "attribute %s (offset %zu): unquoted '%c' inside the value (wildcards "
                           "only as one '*' or a run of '?' at the start or end; quote it)",
                           attr_names[a], at, w[k] == HK_CPE_WILD_ANY ? '*' : '?');
    return HK_OK;
}

/* Parses one attribute s[at..end) into out (attribute a) at buf offset *used. */
static hk_err parse_value(const char *s, size_t at, size_t end, int a, struct hk_cpe *out,
                          size_t *used, struct hk_errmsg *em)
{
    size_t n = *used, k = at;
    int wild = 0;
    hk_err err;

    if (end == at)
        return hk_errf(em, HK_EPARSE,
                       "attribute %s (offset %zu) is empty (write * for ANY or - for NA)",
                       attr_names[a], at);
    out->off[a] = (uint8_t)n;
    if (end - at == 1 && (s[at] == '*' || s[at] == '-')) {
        out->kind[a] = s[at] == '*' ? HK_CPE_ANY : HK_CPE_NA;
        out->len[a] = 0;
        return HK_OK;
    }
    while (k < end) {
        unsigned char c = (unsigned char)s[k], v;

        if (c == '\\') {
            if (k + 1 >= end)
                return hk_errf(em, HK_EPARSE,
                               "attribute %s: '\\' at offset %zu quotes nothing (write '\\\\')",
                               attr_names[a], k);
            v = (unsigned char)s[k + 1];
            if (v < 0x21 || v > 0x7e)
                return hk_errf(em, HK_EPARSE,
                               "attribute %s: byte 0x%02x at offset %zu is not printable ascii",
                               attr_names[a], v, k + 1);
            if (is_alnum(v))
                return hk_errf(em, HK_EPARSE,
                               "attribute %s: '\\%c' at offset %zu quotes a letter or digit",
                               attr_names[a], v, k);
            k += 2;
        } else if (c == '*' || c == '?') {
            if (c == '*' && k != at && k != end - 1)
                return hk_errf(em, HK_EPARSE,
                               "attribute %s: unquoted '*' at offset %zu inside the value "
                               "(only at the start or end; quote it as '\\*')",
                               attr_names[a], k);
            v = c == '*' ? (unsigned char)HK_CPE_WILD_ANY : (unsigned char)HK_CPE_WILD_ONE;
            wild = 1;
            k++;
        } else if (is_alnum(c) || c == '_' || c == '-' || c == '.') {
            v = lower(c);
            k++;
        } else if (c >= 0x21 && c <= 0x7e) {
            return hk_errf(em, HK_EPARSE,
                           "attribute %s: character '%c' at offset %zu must be quoted ('\\%c')",
                           attr_names[a], c, k, c);
        } else {
            return hk_errf(em, HK_EPARSE,
                           "attribute %s: byte 0x%02x at offset %zu is not printable ascii",
                           attr_names[a], c, k);
        }
        if (n >= HK_CPE_BUF)
            return hk_errf(em, HK_ETOOBIG, "cpe name too long at attribute %s", attr_names[a]);
        out->buf[n++] = (char)v;
    }
    if (wild) {
        err = check_wildcards(out->buf + out->off[a], n - out->off[a], a, at, em);
        if (err != HK_OK)
            return err;
    }
    out->kind[a] = wild ? HK_CPE_PATTERN : HK_CPE_STRING;
    out->len[a] = (uint8_t)(n - out->off[a]);
    *used = n;
    return HK_OK;
}

hk_err hk_cpe_parse(const char *s, size_t len, struct hk_cpe *out, struct hk_errmsg *em)
{
    size_t i = 8, used = 0;
    hk_err err;

    if (!s || !out)
        return hk_errf(em, HK_EINVAL, "no cpe name");
    if (len > HK_CPE_MAX_LEN)
        return hk_errf(em, HK_ETOOBIG, "cpe name of %zu bytes (at most %d)", len, HK_CPE_MAX_LEN);
    if (len < 8 || memcmp(s, "cpe:2.3:", 8) != 0)
        return hk_errf(em, HK_EPARSE, "not a cpe 2.3 formatted string (must begin 'cpe:2.3:')");
    memset(out, 0, sizeof(*out));
    for (int a = 0; a < HK_CPE_NATTR; a++) {
        size_t end = i;

        while (end < len && s[end] != ':')
            end += (s[end] == '\\' && end + 1 < len) ? 2 : 1;
        if (end > len)
            end = len;
        err = parse_value(s, i, end, a, out, &used, em);
        if (err != HK_OK)
            return err;
        if (a < HK_CPE_NATTR - 1) {
            if (end >= len)
                return hk_errf(em, HK_EPARSE, "only %d of 11 attributes: %s and later missing",
                               a + 1, attr_names[a + 1]);
            i = end + 1;
        } else if (end < len) {
            return hk_errf(em, HK_EPARSE, "more than 11 attributes: ':' at offset %zu after other",
                           end);
        }
    }
    if (out->kind[HK_CPE_PART] == HK_CPE_PATTERN ||
        (out->kind[HK_CPE_PART] == HK_CPE_STRING &&
         (out->len[HK_CPE_PART] != 1 || !strchr("aoh", out->buf[out->off[HK_CPE_PART]]))))
        return hk_errf(em, HK_EPARSE, "attribute part: must be a, o, h, * or -");
    return HK_OK;
}

hk_err hk_cpe_format(const struct hk_cpe *c, char *buf, size_t cap)
{
    size_t n = 0;

#define PUT(ch)                \
    do {                       \
        if (n + 1 >= cap)      \
            goto trunc;        \
        buf[n++] = (char)(ch); \
    } while (0)

    if (!buf || cap == 0)
        return HK_ETRUNC;
    for (const char *p = "cpe:2.3"; *p; p++)
        PUT(*p);
    for (int a = 0; a < HK_CPE_NATTR; a++) {
        const char *v = c->buf + c->off[a];
        size_t len = c->len[a];

        PUT(':');
        if (c->kind[a] == HK_CPE_ANY) {
            PUT('*');
            continue;
        }
        if (c->kind[a] == HK_CPE_NA) {
            PUT('-');
            continue;
        }
        for (size_t k = 0; k < len; k++) {
            unsigned char ch = (unsigned char)v[k];

            if (ch == (unsigned char)HK_CPE_WILD_ANY) {
                PUT('*');
            } else if (ch == (unsigned char)HK_CPE_WILD_ONE) {
                PUT('?');
            } else if (is_alnum(ch) || ch == '_' || ch == '.' || (ch == '-' && len > 1)) {
                PUT(ch);
            } else {
                PUT('\\');
                PUT(ch);
            }
        }
    }
#undef PUT
    buf[n] = '\0';
    return HK_OK;
trunc:
    buf[0] = '\0';
    return HK_ETRUNC;
}

const char *hk_cpe_value(const struct hk_cpe *c, enum hk_cpe_attr attr, size_t *len)
{
    if ((unsigned)attr >= HK_CPE_NATTR) {
        *len = 0;
        return "";
    }
    *len = c->len[attr];
    return c->buf + c->off[attr];
}

/* NISTIR 7696 compareStrings: whether pattern p matches the string t. A leading '*' (trailing
 * '*') takes any prefix (suffix); a run of k '?' at an end takes at most k characters. */
static int pattern_match(const char *p, size_t plen, const char *t, size_t tlen)
{
    size_t i = 0, e = plen, clen, maxpre;
    long begins = 0, ends = 0;

    if (i < e && p[i] == HK_CPE_WILD_ANY) {
        i++;
        begins = -1;
    } else {
        while (i < e && p[i] == HK_CPE_WILD_ONE) {
            i++;
            begins++;
        }
    }
    if (e > i && p[e - 1] == HK_CPE_WILD_ANY) {
        e--;
        ends = -1;
    } else {
        while (e > i && p[e - 1] == HK_CPE_WILD_ONE) {
            e--;
            ends++;
        }
    }
    clen = e - i;
    if (clen > tlen)
        return 0;
    maxpre = tlen - clen;
    if (begins >= 0 && (size_t)begins < maxpre)
        maxpre = (size_t)begins;
    for (size_t x = 0; x <= maxpre; x++) {
        if (clen && memcmp(t + x, p + i, clen) != 0)
            continue;
        if (ends < 0 || tlen - x - clen <= (size_t)ends)
            return 1;
    }
    return 0;
}

enum hk_cpe_rel hk_cpe_compare_attr(const struct hk_cpe *source, const struct hk_cpe *target,
                                    enum hk_cpe_attr a)
{
    int sk = source->kind[a], tk = target->kind[a];

    if (tk == HK_CPE_PATTERN)
        return HK_CPE_DISJOINT;
    if (sk == HK_CPE_ANY)
        return tk == HK_CPE_ANY ? HK_CPE_EQUAL : HK_CPE_SUPERSET;
    if (tk == HK_CPE_ANY)
        return HK_CPE_SUBSET;
    if (sk == HK_CPE_NA || tk == HK_CPE_NA)
        return sk == tk ? HK_CPE_EQUAL : HK_CPE_DISJOINT;
    if (sk == HK_CPE_STRING)
        return source->len[a] == target->len[a] &&
                       memcmp(source->buf + source->off[a], target->buf + target->off[a],
                              source->len[a]) == 0
                   ? HK_CPE_EQUAL
                   : HK_CPE_DISJOINT;
    return pattern_match(source->buf + source->off[a], source->len[a], target->buf + target->off[a],
                         target->len[a])
               ? HK_CPE_SUPERSET
               : HK_CPE_DISJOINT;
}

/* Product and vendor first: they tell most names apart. */
static const uint8_t match_order[HK_CPE_NATTR] = {
    HK_CPE_PRODUCT,   HK_CPE_VENDOR,    HK_CPE_PART,     HK_CPE_VERSION,
    HK_CPE_UPDATE,    HK_CPE_EDITION,   HK_CPE_LANGUAGE, HK_CPE_SW_EDITION,
    HK_CPE_TARGET_SW, HK_CPE_TARGET_HW, HK_CPE_OTHER,
};

enum hk_cpe_rel hk_cpe_match(const struct hk_cpe *source, const struct hk_cpe *target)
{
    int sup = 0, sub = 0;

    for (int k = 0; k < HK_CPE_NATTR; k++) {
        enum hk_cpe_rel r = hk_cpe_compare_attr(source, target, match_order[k]);

        if (r == HK_CPE_DISJOINT)
            return HK_CPE_DISJOINT;
        sup |= r == HK_CPE_SUPERSET;
        sub |= r == HK_CPE_SUBSET;
    }
    if (sup && sub)
        return HK_CPE_OVERLAP;
    return sup ? HK_CPE_SUPERSET : sub ? HK_CPE_SUBSET : HK_CPE_EQUAL;
}

/* Version tokens. */
enum { TOK_END, TOK_NUM, TOK_WORD };

struct vtok {
    int type;
    const char *p;
    size_t n;
    int pre; /* TOK_WORD: 1..5 pre-release rank, 0 a post-release word */
};

static int word_is(const char *p, size_t n, const char *w)
{
    size_t k;

    for (k = 0; k < n && w[k]; k++)
        if (lower((unsigned char)p[k]) != (unsigned char)w[k])
            return 0;
    return k == n && w[k] == '\0';
}

static int pre_rank(const char *p, size_t n, int digit_follows)
{
    if (word_is(p, n, "dev") || word_is(p, n, "snapshot"))
        return 1;
    if (word_is(p, n, "alpha") || (digit_follows && word_is(p, n, "a")))
        return 2;
    if (word_is(p, n, "beta") || (digit_follows && word_is(p, n, "b")))
        return 3;
    if (word_is(p, n, "pre") || word_is(p, n, "preview"))
        return 4;
    if (word_is(p, n, "rc"))
        return 5;
    return 0;
}

static void next_tok(const char *s, size_t len, size_t *pos, struct vtok *t)
{
    size_t i = *pos;

    while (i < len && !is_alnum((unsigned char)s[i]))
        i++;
    t->p = s + i;
    t->pre = 0;
    if (i >= len) {
        t->type = TOK_END;
        t->n = 0;
    } else if (is_digit((unsigned char)s[i])) {
        while (i < len && is_digit((unsigned char)s[i]))
            i++;
        t->type = TOK_NUM;
        t->n = (size_t)(s + i - t->p);
        while (t->n > 1 && t->p[0] == '0') {
            t->p++;
            t->n--;
        }
    } else {
        while (i < len && is_alnum((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
            i++;
        t->type = TOK_WORD;
        t->n = (size_t)(s + i - t->p);
        t->pre = pre_rank(t->p, t->n, i < len && is_digit((unsigned char)s[i]));
    }
    *pos = i;
}

static int cmp_num(const struct vtok *a, const struct vtok *b)
{
    int c;

    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    c = memcmp(a->p, b->p, a->n);
    return c < 0 ? -1 : c > 0;
}

static int is_zero(const struct vtok *t)
{
    return t->n == 1 && t->p[0] == '0';
}

/* a is TOK_END, b is not: the order of the end against b. */
static int cmp_end(const struct vtok *b)
{
    if (b->type == TOK_NUM)
        return is_zero(b) ? 0 : -1;
    return b->pre ? 1 : -1;
}

static int cmp_word(const struct vtok *a, const struct vtok *b)
{
    size_t m = a->n < b->n ? a->n : b->n;

    if (a->pre || b->pre) {
        if (a->pre && b->pre)
            return a->pre < b->pre ? -1 : a->pre > b->pre;
        return a->pre ? -1 : 1;
    }
    for (size_t k = 0; k < m; k++) {
        unsigned char x = lower((unsigned char)a->p[k]), y = lower((unsigned char)b->p[k]);

        if (x != y)
            return x < y ? -1 : 1;
    }
    return a->n < b->n ? -1 : a->n > b->n;
}

int hk_cpe_version_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t pa = 0, pb = 0;

    for (;;) {
        struct vtok x, y;
        int c;

        next_tok(a, alen, &pa, &x);
        next_tok(b, blen, &pb, &y);
        if (x.type == TOK_END && y.type == TOK_END)
            return 0;
        if (x.type == TOK_END)
            c = cmp_end(&y);
        else if (y.type == TOK_END)
            c = -cmp_end(&x);
        else if (x.type == TOK_NUM && y.type == TOK_NUM)
            c = cmp_num(&x, &y);
        else if (x.type == TOK_WORD && y.type == TOK_WORD)
            c = cmp_word(&x, &y);
        else
            c = x.type == TOK_WORD ? -1 : 1;
        if (c != 0)
            return c;
    }
}

bool hk_cpe_version_in_range(const char *v, size_t len, const struct hk_cpe_range *r)
{
    int c;

    if (r->start) {
        c = hk_cpe_version_cmp(v, len, r->start, strlen(r->start));
        if (c < 0 || (c == 0 && !r->start_incl))
            return false;
    }
    if (r->end) {
        c = hk_cpe_version_cmp(v, len, r->end, strlen(r->end));
        if (c > 0 || (c == 0 && !r->end_incl))
            return false;
    }
    return true;
}

bool hk_cpe_affects(const struct hk_cpe *source, const struct hk_cpe_range *r,
                    const struct hk_cpe *target)
{
    enum hk_cpe_rel rel;

    if (!r || (!r->start && !r->end)) {
        rel = hk_cpe_match(source, target);
        return rel == HK_CPE_EQUAL || rel == HK_CPE_SUPERSET;
    }
    for (int k = 0; k < HK_CPE_NATTR; k++) {
        if (match_order[k] == HK_CPE_VERSION)
            continue;
        rel = hk_cpe_compare_attr(source, target, match_order[k]);
        if (rel != HK_CPE_EQUAL && rel != HK_CPE_SUPERSET)
            return false;
    }
    if (target->kind[HK_CPE_VERSION] != HK_CPE_STRING)
        return false;
    return hk_cpe_version_in_range(target->buf + target->off[HK_CPE_VERSION],
                                   target->len[HK_CPE_VERSION], r);
}
