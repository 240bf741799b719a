/* SPDX-License-Identifier: MIT */
/*
 * Two identifier checks of the CSAF mandatory tests. csaf_lang_valid (6.1.12): a language tag
 * per BCP 47 (RFC 5646 section 2.1 syntax, the grandfathered tags of section 2.2.8) whose
 * language, extlang, script and region subtags are registered: ISO 639 codes (plus the
 * deprecated two-letter codes still in the IANA registry and the private-use range qaa-qtz),
 * ISO 15924 scripts (plus Qaaa-Qabx), ISO 3166-1 regions (plus the IANA additions, private-use
 * codes and any UN M.49 three-digit code). Variants and extensions are checked for syntax and
 * uniqueness only. csaf_purl_valid (6.1.13): a package URL per the purl specification
 * (github.com/package-url/purl-spec, "pkg:" type "/" [namespace "/"] name ["@" version]
 * ["?" qualifiers] ["#" subpath]), with valid percent-encoding.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/csaf_int.h"

/* Binary search of a lowercase code of width w in a packed sorted table. */
static bool in_table(const char *table, size_t w, const char *code)
{
    size_t lo = 0, hi = strlen(table) / w;
    char key[8];

    for (size_t i = 0; i < w; i++)
        key[i] = (char)tolower((unsigned char)code[i]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(table + mid * w, key, w);

        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool all(const char *s, size_t n, int (*pred)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return true;
}

static bool language_ok(const char *s, size_t n)
{
    static const char *const deprecated2[] = {"in", "iw", "ji", "jw", "mo", NULL};
    char lc[4] = {0};

    if (n == 2) {
        for (int i = 0; deprecated2[i]; i++)
            if (!strncasecmp(s, deprecated2[i], 2))
                return true;
        return in_table(hk_csaf_lang2, 2, s);
    }
    if (n != 3)
        return false; /* 4 letters are reserved; 5-8 letters have no registrations */
    for (int i = 0; i < 3; i++)
        lc[i] = (char)tolower((unsigned char)s[i]);
    if (lc[0] == 'q' && lc[1] >= 'a' && lc[1] <= 't')
        return true; /* qaa..qtz: private use */
    return in_table(hk_csaf_lang3, 3, s);
}

static bool script_ok(const char *s)
{
    char lc[5] = {0};

    for (int i = 0; i < 4; i++)
        lc[i] = (char)tolower((unsigned char)s[i]);
    if (lc[0] == 'q' && lc[1] == 'a' && ((lc[2] >= 'a' && lc[2] <= 'a') || lc[2] == 'b'))
        return lc[2] == 'a' || lc[3] <= 'x'; /* Qaaa..Qabx: private use */
    return in_table(hk_csaf_script, 4, s);
}

static bool region_ok(const char *s, size_t n)
{
    static const char extra[] = "acaacpdgeaeuezictaunbucsddfxntsutpydyuzrzz";
    char lc[3] = {(char)tolower((unsigned char)s[0]), (char)tolower((unsigned char)s[1]), 0};

    if (n == 3)
        return all(s, 3, isdigit);
    for (size_t i = 0; i + 1 < sizeof(extra); i += 2)
        if (!memcmp(extra + i, lc, 2))
            return true;
    if ((lc[0] == 'q' && lc[1] >= 'm') || lc[0] == 'x')
        return true; /* QM..QZ, XA..XZ: private use */
    return in_table(hk_csaf_region, 2, s);
}

/* RFC 5646 section 2.2.8: the grandfathered tags, matched whole and case-insensitively. */
static bool grandfathered(const char *tag)
{
    static const char *const gf[] = {
        "en-GB-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
        "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
        "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
        "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang",    NULL};

    for (int i = 0; gf[i]; i++)
        if (!strcasecmp(tag, gf[i]))
            return true;
    return false;
}

/* The subtags of tag, split at '-': at most 64 of them. */
struct subtags {
    const char *s[64];
    size_t n[64];
    size_t count;
};

static bool split(const char *tag, struct subtags *st)
{
    const char *p = tag;

    st->count = 0;
    for (;;) {
        size_t n = strcspn(p, "-");

        if (n == 0 || n > 8 || st->count == 64 || !all(p, n, isalnum))
            return false;
        st->s[st->count] = p;
        st->n[st->count++] = n;
        if (!p[n])
            return true;
        p += n + 1;
    }
}

static bool private_use(const struct subtags *st, size_t i)
{
    if (i + 1 >= st->count)
        return false; /* "x" needs at least one subtag */
    for (i++; i < st->count; i++)
        if (st->n[i] < 1 || st->n[i] > 8)
            return false;
    return true;
}

/* variant, extension and privateuse subtags from index i on. */
static bool tail_ok(const struct subtags *st, size_t i)
{
    char singletons[40] = {0};
    size_t nsing = 0;

    for (; i < st->count; i++) {
        const char *s = st->s[i];
        size_t n = st->n[i];

        if ((n >= 5 && n <= 8) || (n == 4 && isdigit((unsigned char)s[0]))) {
            for (size_t k = 0; k < i; k++) /* a variant appears once */
                if (st->n[k] == n && !strncasecmp(st->s[k], s, n))
                    return false;
            continue;
        }
        if (n != 1)
            return false;
        if (tolower((unsigned char)s[0]) == 'x')
            return private_use(st, i);
        if (memchr(singletons, tolower((unsigned char)s[0]), nsing) || nsing + 1 >= 40)
            return false;
        singletons[nsing++] = (char)tolower((unsigned char)s[0]);
        if (i + 1 >= st->count || st->n[i + 1] < 2)
            return false;
        while (i + 1 < st->count && st->n[i + 1] >= 2)
            i++; /* extension subtags: 2*8alphanum */
    }
    return true;
}

bool csaf_lang_valid(const char *tag)
{
    struct subtags st;
    size_t i = 1;

    if (grandfathered(tag))
        return true;
    if (!split(tag, &st))
        return false;
    if (st.n[0] == 1)
        return tolower((unsigned char)st.s[0][0]) == 'x' && private_use(&st, 0);
    if (!all(st.s[0], st.n[0], isalpha) || !language_ok(st.s[0], st.n[0]))
        return false;
    /* extlang: at most one registered, only after a 2-3 letter language */
    if (st.n[0] <= 3 && i < st.count && st.n[i] == 3 && all(st.s[i], 3, isalpha)) {
        if (!in_table(hk_csaf_lang3, 3, st.s[i]))
            return false;
        i++;
        if (i < st.count && st.n[i] == 3 && all(st.s[i], 3, isalpha))
            return false;
    }
    if (i < st.count && st.n[i] == 4 && all(st.s[i], 4, isalpha)) {
        if (!script_ok(st.s[i]))
            return false;
        i++;
    }
    if (i < st.count && ((st.n[i] == 2 && all(st.s[i], 2, isalpha)) ||
                         (st.n[i] == 3 && all(st.s[i], 3, isdigit)))) {
        if (!region_ok(st.s[i], st.n[i]))
            return false;
        i++;
    }
    return tail_ok(&st, i);
}

/* ---- package URL ---- */

static bool pct_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '%' && (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
                            !isxdigit((unsigned char)s[i + 2])))
            return false;
    return true;
}

static bool qualifiers_ok(const char *q, size_t n, const char **why)
{
    const char *end = q + n;

    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q)), *eq;
        size_t len = amp ? (size_t)(amp - q) : (size_t)(end - q);

        eq = memchr(q, '=', len);
        if (len > 0) {
            if (!eq || eq == q) {
                *why = "a qualifier needs a key and a value";
                return false;
            }
            if (isdigit((unsigned char)q[0])) {
                *why = "a qualifier key must not start with a digit";
                return false;
            }
            for (const char *k = q; k < eq; k++)
                if (!isalnum((unsigned char)*k) && !strchr(".-_", *k)) {
                    *why = "a qualifier key has a character other than letters, digits, '.', "
                           "'-' and '_'";
                    return false;
                }
        }
        q += len + (amp ? 1 : 0);
    }
    return true;
}

bool csaf_purl_valid(const char *s, const char **why)
{
    const char *p, *end, *hash, *qm, *slash, *at, *name;
    size_t len = strlen(s);

    *why = NULL;
    if (strncasecmp(s, "pkg:", 4)) {
        *why = "the scheme must be 'pkg'";
        return false;
    }
    if (!pct_ok(s, len)) {
        *why = "malformed percent-encoding";
        return false;
    }
    p = s + 4;
    while (*p == '/')
        p++;
    end = s + len;
    hash = memchr(p, '#', (size_t)(end - p));
    if (hash)
        end = hash;
    qm = memchr(p, '?', (size_t)(end - p));
    if (qm) {
        if (!qualifiers_ok(qm + 1, (size_t)(end - qm - 1), why))
            return false;
        end = qm;
    }
    slash = memchr(p, '/', (size_t)(end - p));
    if (!slash || slash == p) {
        *why = "a type is required";
        return false;
    }
    if (isdigit((unsigned char)*p)) {
        *why = "the type must not start with a digit";
        return false;
    }
    for (const char *t = p; t < slash; t++)
        if (!isalnum((unsigned char)*t) && !strchr(".+-", *t)) {
            *why = "the type has a character other than letters, digits, '.', '+' and '-'";
            return false;
        }
    p = slash + 1;
    while (end > p && end[-1] == '/')
        end--;
    at = NULL;
    for (const char *c = end; c > p; c--)
        if (c[-1] == '@') {
            at = c - 1;
            break;
        }
    if (at)
        end = at;
    name = end;
    while (name > p && name[-1] != '/')
        name--;
    if (name == end) {
        *why = "a name is required";
        return false;
    }
    return true;
}
