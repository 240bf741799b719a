/* SPDX-License-Identifier: MIT */
/*
 * Observable extraction for the handling module: finds IPv4 and IPv6 addresses, CIDR
 * prefixes, domains, URLs, e-mail addresses, MD5/SHA-1/SHA-256 hashes, CVE ids and AS
 * numbers in free report text, refangs the defanged forms that CSIRTs write ("hxxp://",
 * "example[.]com", "1.2.3[.]4", "user[at]example[dot]com") and normalises what it finds.
 *
 * It runs on the bulk-import path, so it is one forward pass over the bytes. A 256-entry
 * class table skips everything that cannot start an observable; at the start of a word it
 * reads a "run" (letters, digits, "._-+%" and defanged dots) once and classifies the run as
 * a whole, so prose costs a table lookup per byte and the expensive checks (TLD lookup,
 * inet_pton) run only on candidates. Where SSE2 is available, blocks of plain prose are
 * skipped 16 bytes at a time (skip_prose; the result is the same as without it). Candidates
 * are built in fixed stack buffers; the only allocation is growing the caller's list.
 * Nothing recurses and nothing reads past len.
 *
 * hk_obs_classify goes through the same candidate parsers, anchored at the start of the
 * value, so a value that extraction produced always classifies to itself (the fuzz target
 * checks this).
 *
 * Decisions worth knowing:
 *   - Words start only after a byte that is not a letter, digit or dot, so "1.2.3.4.5",
 *     "v1.2.3.4" and "host-1.2.3.4" yield no IPv4 address; "10.0.0.1-10.0.0.9" (a range)
 *     yields both ends.
 *   - Defanged separators need no spaces: "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}",
 *     "[@]", "(@)", "[at]", "(at)", "{at}", "[:]" and "[://]" (any case).
 *   - A bare "::" is accepted by hk_obs_classify but not taken from free text, where it is
 *     punctuation far more often than the unspecified address.
 *   - "AS 64496" (with a space) is taken from text only in upper case ("such as 3 hosts"
 *     is prose); "as64496" and "ASN64496" are taken in any case.
 *   - A word that starts with a CVE id is the CVE id: "CVE-2021-44228-poc.py" yields
 *     CVE-2021-44228 and no domain (.py is a real TLD).
 *   - Which TLDs are known, and why "zip" and "mov" are not: see observables_tld.c.
 *   - A URL's path is not searched again, so a hash inside a URL is only part of the URL.
 *   - URLs stop at bytes >= 0x80, so IRIs are cut at the first non-ASCII byte.
 */
#include "hikeshi/observables.h"

#include "handling/handling_int.h"
#include "hikeshi/core.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* In observables_tld.c; declared here until the handling module has a private header. */

/* Character classes, one table lookup per byte. */
enum {
    C_DIGIT = 0x001,  /* 0-9 */
    C_HEX = 0x002,    /* 0-9 a-f A-F */
    C_ALPHA = 0x004,  /* a-z A-Z */
    C_RUN = 0x008,    /* may continue a run: alnum and "._-+%" */
    C_URL = 0x010,    /* may appear in a URL: RFC 3986 characters except the quote */
    C_V6 = 0x020,     /* may appear in IPv6 text: hex, ':' and '.' */
    C_SPACE = 0x040,  /* ASCII white space */
    C_START = 0x080,  /* may start a candidate: alnum, '.' and ':' */
    C_DOT = 0x100,    /* '.' */
    C_DASH = 0x200,   /* '-' */
    C_NONHEX = 0x400, /* a letter that is not a hex digit */
    C_XRUN = 0x800,   /* '_', '+' and '%' */
    C_OPEN = 0x1000,  /* '[', '(' and '{', which may open a defanged separator */
    C_WEND = 0x2000,  /* ends a plain word: not a run byte, not ':', '@', '*' or C_OPEN */
    C_ALNUM = C_DIGIT | C_ALPHA,
    C_NOTHEX = C_NONHEX | C_DOT | C_DASH | C_XRUN /* in a run: not only hex digits */
};

#define IS_D(c)    ((c) >= '0' && (c) <= '9')
#define IS_A(c)    (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define IS_HX(c)   (IS_D(c) || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))
#define IS_AN(c)   (IS_D(c) || IS_A(c))
#define IS_RUNP(c) ((c) == '.' || (c) == '_' || (c) == '-' || (c) == '+' || (c) == '%')
#define IS_URLP(c)                                                                       \
    ((c) == '-' || (c) == '.' || (c) == '_' || (c) == '~' || (c) == ':' || (c) == '/' || \
     (c) == '?' || (c) == '#' || (c) == '[' || (c) == ']' || (c) == '@' || (c) == '!' || \
     (c) == '$' || (c) == '&' || (c) == '(' || (c) == ')' || (c) == '*' || (c) == '+' || \
     (c) == ',' || (c) == ';' || (c) == '=' || (c) == '%')
#define IS_SP(c) ((c) == ' ' || ((c) >= 9 && (c) <= 13))
#define CLS(c)                                                                             \
    ((IS_D(c) ? C_DIGIT : 0) | (IS_HX(c) ? C_HEX : 0) | (IS_A(c) ? C_ALPHA : 0) |          \
     ((IS_AN(c) || IS_RUNP(c)) ? C_RUN : 0) | ((IS_AN(c) || IS_URLP(c)) ? C_URL : 0) |     \
     ((IS_HX(c) || (c) == ':' || (c) == '.') ? C_V6 : 0) | (IS_SP(c) ? C_SPACE : 0) |      \
     ((IS_AN(c) || (c) == '.' || (c) == ':') ? C_START : 0) | ((c) == '.' ? C_DOT : 0) |   \
     ((c) == '-' ? C_DASH : 0) | ((IS_A(c) && !IS_HX(c)) ? C_NONHEX : 0) |                 \
     (((c) == '_' || (c) == '+' || (c) == '%') ? C_XRUN : 0) |                             \
     (((c) == '[' || (c) == '(' || (c) == '{') ? C_OPEN : 0) |                             \
     ((!IS_AN(c) && !IS_RUNP(c) && (c) != ':' && (c) != '@' && (c) != '*' && (c) != '[' && \
       (c) != '(' && (c) != '{')                                                           \
          ? C_WEND                                                                         \
          : 0))
#define CLS4(n)  CLS(n), CLS((n) + 1), CLS((n) + 2), CLS((n) + 3)
#define CLS16(n) CLS4(n), CLS4((n) + 4), CLS4((n) + 8), CLS4((n) + 12)
#define CLS64(n) CLS16(n), CLS16((n) + 16), CLS16((n) + 32), CLS16((n) + 48)

static const uint16_t cls[256] = {CLS64(0), CLS64(64), CLS64(128), CLS64(192)};

/* Run views are copied here when they hold defanged dots; a domain fits (253 bytes). */
#define RUNBUF 264
/* Longest value hk_obs_classify looks at, white space included. */
#define CLASSIFY_MAX 4096
/* Duplicates are found by a linear scan up to this many items, then by a hash table that
 * indexes the first HT_ITEMS items (the rest, for very large l->max, are scanned). */
#define LINEAR_MAX 32
#define HT_SLOTS   4096
#define HT_ITEMS   2048

/* What a defanged separator stands for; also indexes refang_text[]. */
enum defang_kind { DK_DOT = 1, DK_AT, DK_COLON, DK_SEP };
static const char *const refang_text[] = {"", ".", "@", ":", "://"};

/* A raw run of text[start..end): run characters and defanged dots. */
struct run {
    size_t start;
    size_t end;
    unsigned acc; /* OR of cls[] over the literal bytes */
    int defanged; /* holds a defanged dot, so its text must be copied to be read */
};

/* The text of a run (refanged, leading dots dropped): into text or into a RUNBUF buffer. */
struct view {
    const unsigned char *p;
    size_t n;
};

struct obs {
    enum hk_obs_type type;
    size_t len;
    char v[HK_OBS_VALUE_MAX + 1];
};

/* Up to two observables found at one position: a URL and its host, an e-mail address and
 * its domain, or one value. end is the raw offset just past what was consumed; whole is 0
 * when the value is only a prefix of the word (hk_obs_classify then refuses it). */
struct cand {
    size_t end;
    int whole;
    int n;
    struct obs o[2];
};

struct scan {
    const unsigned char *t;
    size_t len;
    struct hk_obs_list *l;
    int stop;
    int ht_on;
    uint16_t ht[HT_SLOTS]; /* item index + 1, 0 = empty; valid only when ht_on */
};

static const char *const type_names[HK_OBS__COUNT] = {
    "ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "cve", "asn",
};

static unsigned char lc(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static size_t put_lower(char *dst, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)lc(p[i]);
    return n;
}

static size_t put_uint(char *dst, uint32_t v)
{
    char tmp[10];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

static struct obs *cand_add(struct cand *c, enum hk_obs_type type)
{
    struct obs *o = &c->o[c->n++];

    o->type = type;
    o->len = 0;
    return o;
}

static void obs_end(struct obs *o)
{
    o->v[o->len] = '\0';
}

/*
 * Recognises a defanged separator at p ("[.]", "(dot)", "[@]", "[:]", "[://]", any case)
 * and returns its raw length, or 0. Reads at most five bytes and never past rem.
 */
static size_t defang_at(const unsigned char *p, size_t rem, int *kind)
{
    unsigned char close;

    if (p[0] == '[')
        close = ']';
    else if (p[0] == '(')
        close = ')';
    else if (p[0] == '{')
        close = '}';
    else
        return 0;
    if (rem >= 3 && p[2] == close) {
        *kind = p[1] == '.'                     ? DK_DOT
                : p[1] == '@'                   ? DK_AT
                : (p[1] == ':' && close == ']') ? DK_COLON
                                                : 0;
        return *kind ? 3 : 0;
    }
    if (rem >= 4 && p[3] == close && lc(p[1]) == 'a' && lc(p[2]) == 't') {
        *kind = DK_AT;
        return 4;
    }
    if (rem >= 5 && p[4] == close) {
        if (lc(p[1]) == 'd' && lc(p[2]) == 'o' && lc(p[3]) == 't') {
            *kind = DK_DOT;
            return 5;
        }
        if (close == ']' && p[1] == ':' && p[2] == '/' && p[3] == '/') {
            *kind = DK_SEP;
            return 5;
        }
    }
    return 0;
}

/* --- IP addresses and prefixes ---------------------------------------------------------- */

/* Parses exactly p[0..n) as a dotted quad of 1-3 digit octets <= 255 (leading zeros are
 * dropped, not read as octal: "010.1.1.1" is 10.1.1.1). */
static int ipv4_parse(const unsigned char *p, size_t n, uint8_t ip[4])
{
    size_t i = 0;

    for (int k = 0; k < 4; k++) {
        unsigned v = 0;
        size_t d = 0;

        if (k > 0) {
            if (i >= n || p[i] != '.')
                return 0;
            i++;
        }
        while (i < n && IS_D(p[i]) && d < 4) {
            v = v * 10 + (unsigned)(p[i++] - '0');
            d++;
        }
        if (d == 0 || d > 3 || v > 255)
            return 0;
        ip[k] = (uint8_t)v;
    }
    return i == n;
}

static size_t fmt_ipv4(char *dst, const uint8_t ip[4])
{
    size_t n = 0;

    for (int k = 0; k < 4; k++) {
        if (k > 0)
            dst[n++] = '.';
        n += put_uint(dst + n, ip[k]);
    }
    return n;
}

/*
 * Reads "/len" at t[i] (t[i] is '/'): 1-3 digits without a leading zero, at most maxbits,
 * not followed by a letter, digit or ".digit". Returns the bytes consumed, or 0.
 */
static size_t prefix_parse(const unsigned char *t, size_t len, size_t i, unsigned maxbits,
                           unsigned *bits)
{
    size_t q = i + 1, d = q;
    unsigned v = 0;

    while (d < len && IS_D(t[d]) && d - q < 4)
        v = v * 10 + (unsigned)(t[d++] - '0');
    if (d == q || d - q > 3 || (d - q > 1 && t[q] == '0') || v > maxbits)
        return 0;
    if (d < len && ((cls[t[d]] & C_ALNUM) || (t[d] == '.' && d + 1 < len && IS_D(t[d + 1]))))
        return 0;
    *bits = v;
    return d - i;
}

/* Clears the host bits: "198.51.100.7/24" names the network 198.51.100.0/24. */
static void mask_bits(uint8_t *a, size_t nbytes, unsigned bits)
{
    for (size_t i = 0; i < nbytes; i++) {
        if (bits >= 8) {
            bits -= 8;
            continue;
        }
        a[i] &= (uint8_t)(0xff00u >> bits);
        bits = 0;
    }
}

static size_t fmt_ipv6(char *dst, const uint8_t a[16])
{
    char buf[INET6_ADDRSTRLEN];
    size_t n;

    if (!inet_ntop(AF_INET6, a, buf, sizeof(buf)))
        return 0;
    n = strlen(buf);
    memcpy(dst, buf, n);
    return n;
}

/*
 * Finds the text of a possible IPv6 address at t[i] (RFC 4291 section 2.2 text forms).
 * Cheap filter first: at most four hex digits and then ':'. *e is set past the span of hex
 * digits, ':' and '.'; *k past the address, without the trailing '.' and single trailing ':'
 * that are sentence punctuation. allow_bare lets "::" through (classify only).
 */
static int ipv6_span(const unsigned char *t, size_t len, size_t i, int allow_bare, size_t *k,
                     size_t *e)
{
    size_t j = i, q;
    unsigned acc = 0;

    while (j < len && j - i < 4 && (cls[t[j]] & C_HEX))
        j++;
    if (j >= len || t[j] != ':' || (j == i && (j + 1 >= len || t[j + 1] != ':')))
        return 0;
    for (q = i; q < len && (cls[t[q]] & C_V6) && q - i <= 45; q++)
        acc |= cls[t[q]];
    if (q - i > 45 || (q < len && (cls[t[q]] & C_ALNUM)) || (!allow_bare && !(acc & C_HEX)))
        return 0;
    *e = q;
    while (q > i && t[q - 1] == '.')
        q--;
    if (q - i >= 2 && t[q - 1] == ':' && t[q - 2] != ':')
        q--;
    *k = q;
    return 1;
}

/* Tries an IPv6 address, or an IPv6 CIDR when "/len" follows, at t[i]; inet_pton decides
 * and inet_ntop gives the canonical text (RFC 5952). */
static int ipv6_try(const unsigned char *t, size_t len, size_t i, int allow_bare, struct cand *c)
{
    char buf[48];
    uint8_t a[16];
    size_t e, k, pk = 0;
    unsigned bits = 0;
    struct obs *o;

    if (!ipv6_span(t, len, i, allow_bare, &k, &e))
        return 0;
    memcpy(buf, t + i, k - i);
    buf[k - i] = '\0';
    if (inet_pton(AF_INET6, buf, a) != 1)
        return 0;
    if (k == e && e < len && t[e] == '/')
        pk = prefix_parse(t, len, e, 128, &bits);
    c->n = 0;
    c->whole = 1;
    c->end = e + pk;
    o = cand_add(c, pk ? HK_OBS_CIDR : HK_OBS_IPV6);
    if (pk)
        mask_bits(a, 16, bits);
    o->len = fmt_ipv6(o->v, a);
    if (pk) {
        o->v[o->len++] = '/';
        o->len += put_uint(o->v + o->len, bits);
    }
    obs_end(o);
    return o->len > 0;
}

/* --- Domains, e-mail addresses, CVE ids, AS numbers, hashes ---------------------------- */

/*
 * A domain name (any case, no trailing dot): at least two labels of 1-63 bytes of letters,
 * digits, '-' and '_' (DNS allows '_', e.g. "_dmarc"), no label starting or ending with
 * '-', at most 253 bytes, and a last label that is a known TLD (observables_tld.c).
 */
static int domain_ok(const unsigned char *p, size_t n)
{
    size_t ls = 0, labels = 0;

    if (n < 4 || n > 253)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || p[i] == '.') {
            if (i == ls || i - ls > 63 || p[ls] == '-' || p[i - 1] == '-')
                return 0;
            labels++;
            if (i < n)
                ls = i + 1;
            continue;
        }
        if (!(cls[p[i]] & C_ALNUM) && p[i] != '-' && p[i] != '_')
            return 0;
    }
    return labels >= 2 && hk_obs_tld_known((const char *)p + ls, n - ls);
}

/* The local part of an address: 1-64 run characters, no leading, trailing or double dot. */
static int local_ok(const unsigned char *p, size_t n)
{
    if (n == 0 || n > 64 || p[0] == '.' || p[n - 1] == '.')
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '.' && p[i + 1] == '.')
            return 0;
    return 1;
}

/* Length of a CVE id at the start of p[0..n) ("cve-2017-0144", any case), or 0. The
 * sequence number has four or more digits, and no leading zero when it has more. */
static size_t cve_len(const unsigned char *p, size_t n)
{
    size_t i = 9;
    unsigned year = 0;

    if (n < 13 || lc(p[0]) != 'c' || lc(p[1]) != 'v' || lc(p[2]) != 'e' || p[3] != '-' ||
        p[8] != '-')
        return 0;
    for (size_t k = 4; k < 8; k++) {
        if (!IS_D(p[k]))
            return 0;
        year = year * 10 + (unsigned)(p[k] - '0');
    }
    while (i < n && IS_D(p[i]) && i - 9 < 20)
        i++;
    if (year < 1999 || i - 9 < 4 || i - 9 > 19 || (i - 9 > 4 && p[9] == '0'))
        return 0;
    return i;
}

/* An AS number: 1-10 digits, no leading zero, 1..4294967295 (RFC 6793). */
static int asn_digits(const unsigned char *p, size_t n, uint32_t *asn)
{
    uint64_t v = 0;

    if (n == 0 || n > 10 || p[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!IS_D(p[i]))
            return 0;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    if (v > UINT32_MAX)
        return 0;
    *asn = (uint32_t)v;
    return 1;
}

/* "AS64496" or "ASN64496", any case, spanning all of p[0..n). */
static int asn_whole(const unsigned char *p, size_t n, uint32_t *asn)
{
    size_t k = 2;

    if (n < 3 || lc(p[0]) != 'a' || lc(p[1]) != 's')
        return 0;
    if (lc(p[2]) == 'n')
        k = 3;
    return asn_digits(p + k, n - k, asn);
}

/* "AS 64496": the run is exactly "AS" or "ASN" (upper case unless lenient), then one space
 * and the number. Sets *end past the digits. */
static int asn_spaced(const unsigned char *t, size_t len, const struct run *r, int lenient,
                      uint32_t *asn, size_t *end)
{
    size_t n = r->end - r->start, q = r->end + 1, d;
    const unsigned char *p = t + r->start;

    if (r->end >= len || t[r->end] != ' ' || (n != 2 && n != 3))
        return 0;
    if ((lenient ? strncasecmp((const char *)p, "asn", n) : memcmp(p, "ASN", n)) != 0)
        return 0;
    for (d = q; d < len && IS_D(t[d]) && d - q < 11; d++)
        ;
    if (d < len && ((cls[t[d]] & C_ALNUM) || (t[d] == '.' && d + 1 < len && IS_D(t[d + 1]))))
        return 0;
    if (!asn_digits(t + q, d - q, asn))
        return 0;
    *end = d;
    return 1;
}

/* The hash type of a hex run of n digits, or HK_OBS__COUNT. */
static enum hk_obs_type hash_type(size_t n)
{
    return n == 32 ? HK_OBS_MD5 : n == 40 ? HK_OBS_SHA1 : n == 64 ? HK_OBS_SHA256 : HK_OBS__COUNT;
}

static int all_hex(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(cls[p[i]] & C_HEX))
            return 0;
    return 1;
}

/* --- Runs --------------------------------------------------------------------------------- */

/* Reads the run that starts at t[i]: run characters and defanged dots ("[.]", "(dot)"). */
static void run_scan(const unsigned char *t, size_t len, size_t i, struct run *r)
{
    unsigned acc = 0;
    size_t k;
    int kind = 0;

    r->start = i;
    r->defanged = 0;
    while (i < len) {
        unsigned c = cls[t[i]];

        if (c & C_RUN) {
            acc |= c;
            i++;
            continue;
        }
        if (!(c & C_OPEN))
            break;
        k = defang_at(t + i, len - i, &kind);
        if (!k || kind != DK_DOT)
            break;
        acc |= C_DOT;
        r->defanged = 1;
        i += k;
    }
    r->end = i;
    r->acc = acc;
}

/* Fills v with the run's refanged text, leading dots dropped. Returns 0 when a defanged
 * run does not fit buf (then it is too long to be anything but hashes). */
static int run_view(const unsigned char *t, const struct run *r, unsigned char *buf, struct view *v)
{
    size_t i = r->start, o = 0, k;
    int kind = 0;

    if (!r->defanged) {
        v->p = t + i;
        v->n = r->end - i;
    } else {
        while (i < r->end) {
            if (o == RUNBUF)
                return 0;
            if (cls[t[i]] & C_RUN) {
                buf[o++] = t[i++];
                continue;
            }
            k = defang_at(t + i, r->end - i, &kind);
            i += k ? k : 1;
            buf[o++] = '.';
        }
        v->p = buf;
        v->n = o;
    }
    while (v->n && v->p[0] == '.') {
        v->p++;
        v->n--;
    }
    return 1;
}

static void strip_dots(struct view *v)
{
    while (v->n && v->p[v->n - 1] == '.')
        v->n--;
}

/* local@domain, where the run is the local part and '@' or "[at]" follows it. */
static int email_try(const unsigned char *t, size_t len, const struct run *r, struct view v,
                     struct cand *c)
{
    unsigned char buf[RUNBUF];
    struct run d;
    struct view dv;
    size_t at = r->end, k = 1;
    int kind = 0;
    struct obs *o;

    if (t[at] != '@') {
        k = defang_at(t + at, len - at, &kind);
        if (!k || kind != DK_AT)
            return 0;
    }
    if (!local_ok(v.p, v.n) || at + k >= len || !(cls[t[at + k]] & C_ALNUM))
        return 0;
    run_scan(t, len, at + k, &d);
    if (!run_view(t, &d, buf, &dv))
        return 0;
    strip_dots(&dv);
    if (!domain_ok(dv.p, dv.n))
        return 0;
    o = cand_add(c, HK_OBS_EMAIL);
    o->len = put_lower(o->v, v.p, v.n);
    o->v[o->len++] = '@';
    o->len += put_lower(o->v + o->len, dv.p, dv.n);
    obs_end(o);
    o = cand_add(c, HK_OBS_DOMAIN);
    o->len = put_lower(o->v, dv.p, dv.n);
    obs_end(o);
    c->end = d.end;
    return 1;
}

/* A run with dots: an IPv4 address (a CIDR prefix when "/len" follows) or a domain. */
static int dotted_try(const unsigned char *t, size_t len, const struct run *r, struct view v,
                      struct cand *c)
{
    uint8_t ip[4];
    unsigned bits = 0;
    size_t k = 0;
    struct obs *o;

    if (ipv4_parse(v.p, v.n, ip)) {
        if (r->end < len && t[r->end] == '/')
            k = prefix_parse(t, len, r->end, 32, &bits);
        o = cand_add(c, k ? HK_OBS_CIDR : HK_OBS_IPV4);
        if (k)
            mask_bits(ip, 4, bits);
        o->len = fmt_ipv4(o->v, ip);
        if (k) {
            o->v[o->len++] = '/';
            o->len += put_uint(o->v + o->len, bits);
            c->end = r->end + k;
        }
        obs_end(o);
        return 1;
    }
    if (!domain_ok(v.p, v.n))
        return 0;
    o = cand_add(c, HK_OBS_DOMAIN);
    o->len = put_lower(o->v, v.p, v.n);
    obs_end(o);
    return 1;
}

/* A CVE id that is the whole run, or (extraction only) its start followed by a byte that is
 * not a letter or digit: "CVE-2021-44228-poc.py" is about the CVE, not the domain ".py".
 * Classify takes only whole ids, so that a host "cve-2021-44228-x.com" stays a domain. */
static int cve_try(struct view v, int lenient, struct cand *c)
{
    size_t k = cve_len(v.p, v.n);
    struct obs *o;

    if (!k || (k < v.n && (lenient || (cls[v.p[k]] & C_ALNUM))))
        return 0;
    c->whole = k == v.n;
    o = cand_add(c, HK_OBS_CVE);
    for (size_t i = 0; i < k; i++)
        o->v[i] = (char)(IS_A(v.p[i]) ? v.p[i] & ~0x20 : v.p[i]);
    o->len = k;
    obs_end(o);
    return 1;
}

/* A run without a usable dot: an AS number, or a hash that is the whole run. */
static int word_try(const unsigned char *t, size_t len, const struct run *r, struct view v,
                    int lenient, struct cand *c)
{
    uint32_t asn;
    enum hk_obs_type ht = hash_type(v.n);
    struct obs *o;

    if (asn_whole(v.p, v.n, &asn) ||
        (!(r->acc & C_DOT) && asn_spaced(t, len, r, lenient, &asn, &c->end))) {
        o = cand_add(c, HK_OBS_ASN);
        memcpy(o->v, "AS", 2);
        o->len = 2 + put_uint(o->v + 2, asn);
    } else if (ht != HK_OBS__COUNT && all_hex(v.p, v.n)) {
        o = cand_add(c, ht);
        o->len = put_lower(o->v, v.p, v.n);
    } else {
        return 0;
    }
    obs_end(o);
    return 1;
}

/* Classifies a run as one value (plus a domain for an e-mail address). Shared by
 * extraction and hk_obs_classify (lenient). */
static int run_primary(const unsigned char *t, size_t len, const struct run *r, int lenient,
                       struct cand *c)
{
    unsigned char buf[RUNBUF];
    struct view v;

    c->n = 0;
    c->whole = 1;
    c->end = r->end;
    if (!run_view(t, r, buf, &v))
        return 0;
    if (r->end < len && email_try(t, len, r, v, c))
        return 1;
    strip_dots(&v);
    if (v.n == 0)
        return 0;
    if (cve_try(v, lenient, c))
        return 1;
    if ((r->acc & C_DOT) && dotted_try(t, len, r, v, c))
        return 1;
    return word_try(t, len, r, v, lenient, c);
}

/* --- URLs --------------------------------------------------------------------------------- */

struct scheme {
    char raw[6];
    unsigned char rawlen;
    char norm[6];
};

/* Longer spellings first, so that "https" is not read as "http" plus "s". */
static const struct scheme schemes[] = {
    {"https", 5, "https"}, {"hxxps", 5, "https"}, {"h**ps", 5, "https"}, {"http", 4, "http"},
    {"hxxp", 4, "http"},   {"h**p", 4, "http"},   {"ftp", 3, "ftp"},     {"fxp", 3, "ftp"},
};

/* Matches a (possibly defanged) scheme and "://", "[:]//" or "[://]" at t[i]. Returns the
 * offset of the authority, or 0. */
static size_t scheme_match(const unsigned char *t, size_t len, size_t i, const char **norm)
{
    for (size_t s = 0; s < sizeof(schemes) / sizeof(schemes[0]); s++) {
        size_t n = schemes[s].rawlen, j = i + n;
        size_t k = 0;

        if (len - i < n + 3)
            continue;
        for (k = 0; k < n && (char)lc(t[i + k]) == schemes[s].raw[k]; k++)
            ;
        if (k < n)
            continue;
        if (!memcmp(t + j, "://", 3))
            k = 3;
        else if (len - j >= 5 && (!memcmp(t + j, "[:]//", 5) || !memcmp(t + j, "[://]", 5)))
            k = 5;
        else
            continue;
        *norm = schemes[s].norm;
        return j + k;
    }
    return 0;
}

/* Copies URL characters from t[*qp] into out[o..], refanging as it goes. Stops at white
 * space, quotes, angle brackets, controls and non-ASCII bytes. Returns the new length, or
 * 0 when the URL is longer than HK_OBS_VALUE_MAX (such URLs are skipped). */
static size_t url_copy(const unsigned char *t, size_t len, size_t *qp, char *out, size_t o)
{
    size_t q = *qp, k, rl;
    int kind = 0;

    while (q < len) {
        unsigned c = cls[t[q]];

        k = (c & C_OPEN) ? defang_at(t + q, len - q, &kind) : 0;
        if (k) {
            rl = strlen(refang_text[kind]);
            if (o + rl > HK_OBS_VALUE_MAX)
                return 0;
            memcpy(out + o, refang_text[kind], rl);
            o += rl;
            q += k;
            continue;
        }
        if (!(c & C_URL))
            break;
        if (o + 1 > HK_OBS_VALUE_MAX)
            return 0;
        out[o++] = (char)t[q++];
    }
    *qp = q;
    return o;
}

/* Drops trailing sentence punctuation, and a closing ')' or ']' with no opening partner:
 * "(see http://x.test/a)." ends the URL at "a". */
static size_t url_trim(const char *v, size_t pre, size_t o)
{
    long paren = 0, brack = 0;

    for (size_t i = pre; i < o; i++) {
        paren += v[i] == '(' ? 1 : v[i] == ')' ? -1 : 0;
        brack += v[i] == '[' ? 1 : v[i] == ']' ? -1 : 0;
    }
    while (o > pre) {
        char ch = v[o - 1];

        if (ch == '.' || ch == ',' || ch == ';' || ch == ':' || ch == '!' || ch == '?')
            ;
        else if (ch == ')' && paren < 0)
            paren++;
        else if (ch == ']' && brack < 0)
            brack++;
        else
            break;
        o--;
    }
    return o;
}

/* After refanging, the value must not still read as defanged ("[[.]]" gives "[.]"), or it
 * would not classify to itself. */
static int has_defang(const char *v, size_t n)
{
    int kind = 0;

    for (size_t i = 0; i < n; i++)
        if ((v[i] == '[' || v[i] == '(' || v[i] == '{') &&
            defang_at((const unsigned char *)v + i, n - i, &kind))
            return 1;
    return 0;
}

static int port_ok(const char *p, size_t n)
{
    uint32_t v = 0;

    if (n == 0)
        return 1;
    if (p[0] != ':' || n > 6)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (!IS_D(p[i]))
            return 0;
        v = v * 10 + (uint32_t)(p[i] - '0');
    }
    return v <= 65535;
}

/* A bracketed IPv6 host "[2001:db8::1]" at v[h..e) of the URL in c->o[0]. */
static int url_host6(struct cand *c, size_t h, size_t e)
{
    char *v = c->o[0].v, buf[48];
    size_t rb = h + 1;
    uint8_t a[16];
    struct obs *o;

    while (rb < e && v[rb] != ']')
        rb++;
    if (rb >= e || rb - h - 1 > 45 || !port_ok(v + rb + 1, e - rb - 1))
        return 0;
    memcpy(buf, v + h + 1, rb - h - 1);
    buf[rb - h - 1] = '\0';
    if (inet_pton(AF_INET6, buf, a) != 1)
        return 0;
    put_lower(v + h, (const unsigned char *)v + h, rb - h);
    o = cand_add(c, HK_OBS_IPV6);
    o->len = fmt_ipv6(o->v, a);
    obs_end(o);
    return o->len > 0;
}

/* A host name or IPv4 host p[0..n) (already lower case). Digits and dots only must be a
 * valid dotted quad; a name is kept in the URL even when its TLD is unknown ("localhost"),
 * but only a known one is also reported as a domain. */
static int url_hostname(struct cand *c, const char *h, size_t n)
{
    const unsigned char *p = (const unsigned char *)h;
    unsigned acc = 0;
    uint8_t ip[4];
    struct obs *o;

    if (n == 0 || !(cls[p[0]] & C_ALNUM))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!(cls[p[i]] & C_ALNUM) && p[i] != '.' && p[i] != '-' && p[i] != '_')
            return 0;
        if (p[i] == '.' && i + 1 < n && p[i + 1] == '.')
            return 0;
        acc |= cls[p[i]];
    }
    if (!(acc & C_ALPHA) && !(acc & C_DASH)) {
        if (!ipv4_parse(p, n, ip))
            return 0;
        o = cand_add(c, HK_OBS_IPV4);
        o->len = fmt_ipv4(o->v, ip);
        obs_end(o);
        return 1;
    }
    while (n && p[n - 1] == '.')
        n--;
    if (domain_ok(p, n)) {
        o = cand_add(c, HK_OBS_DOMAIN);
        o->len = put_lower(o->v, p, n);
        obs_end(o);
    }
    return 1;
}

/* Finds the host of the URL in c->o[0] (RFC 3986 section 3.2), lower-cases it in place
 * and adds it as a second observable. pre is the length of "scheme://". */
static int url_host(struct cand *c, size_t pre)
{
    char *v = c->o[0].v;
    size_t n = c->o[0].len, e = pre, h = pre, hp;

    while (e < n && v[e] != '/' && v[e] != '?' && v[e] != '#')
        e++;
    for (size_t k = pre; k < e; k++)
        if (v[k] == '@')
            h = k + 1;
    if (h >= e)
        return 0;
    if (v[h] == '[')
        return url_host6(c, h, e);
    for (hp = h; hp < e && v[hp] != ':'; hp++)
        ;
    if (!port_ok(v + hp, e - hp))
        return 0;
    put_lower(v + h, (const unsigned char *)v + h, hp - h);
    return url_hostname(c, v + h, hp - h);
}

/* A URL with an http, https or ftp scheme (or a defanged spelling of one) at t[i]. */
static int url_try(const unsigned char *t, size_t len, size_t i, struct cand *c)
{
    const char *norm = NULL;
    size_t q = scheme_match(t, len, i, &norm), pre, o;
    struct obs *u;

    if (!q)
        return 0;
    c->n = 0;
    c->whole = 1;
    u = cand_add(c, HK_OBS_URL);
    pre = strlen(norm);
    memcpy(u->v, norm, pre);
    memcpy(u->v + pre, "://", 3);
    pre += 3;
    o = url_copy(t, len, &q, u->v, pre);
    if (!o)
        return 0;
    c->end = q;
    u->len = url_trim(u->v, pre, o);
    obs_end(u);
    if (u->len == pre || has_defang(u->v + pre, u->len - pre))
        return 0;
    return url_host(c, pre);
}

/* --- The result list ---------------------------------------------------------------------- */

static uint32_t obs_hash(enum hk_obs_type type, const char *v, size_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)type;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)v[i];
        h *= 16777619u;
    }
    return h;
}

static int same(const struct hk_observable *it, enum hk_obs_type type, const char *v, size_t n)
{
    return it->type == type && it->len == n && !memcmp(it->value, v, n);
}

static void ht_insert(struct scan *s, size_t idx)
{
    const struct hk_observable *it = &s->l->items[idx];
    size_t slot = obs_hash(it->type, it->value, it->len) & (HT_SLOTS - 1);

    while (s->ht[slot])
        slot = (slot + 1) & (HT_SLOTS - 1);
    s->ht[slot] = (uint16_t)(idx + 1);
}

/* Most reports hold a handful of observables, so the table is built only past LINEAR_MAX:
 * clearing 8 KiB on every call would cost more than the scan. */
static int is_dup(struct scan *s, enum hk_obs_type type, const char *v, size_t n)
{
    const struct hk_obs_list *l = s->l;
    size_t i = 0, slot;

    if (!s->ht_on && l->n > LINEAR_MAX) {
        memset(s->ht, 0, sizeof(s->ht));
        s->ht_on = 1;
        for (size_t k = 0; k < l->n && k < HT_ITEMS; k++)
            ht_insert(s, k);
    }
    if (s->ht_on) {
        for (slot = obs_hash(type, v, n) & (HT_SLOTS - 1); s->ht[slot];
             slot = (slot + 1) & (HT_SLOTS - 1))
            if (same(&l->items[s->ht[slot] - 1], type, v, n))
                return 1;
        i = l->n < HT_ITEMS ? l->n : HT_ITEMS;
    }
    for (; i < l->n; i++)
        if (same(&l->items[i], type, v, n))
            return 1;
    return 0;
}

static void emit(struct scan *s, enum hk_obs_type type, const char *v, size_t n)
{
    struct hk_obs_list *l = s->l;
    struct hk_observable *it;

    if (s->stop || n == 0 || n > HK_OBS_VALUE_MAX || is_dup(s, type, v, n))
        return;
    if (l->n >= l->max) {
        /* A new observable that does not fit: the rest of the text cannot add any. */
        l->truncated = 1;
        s->stop = 1;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;

        cap = cap > l->max ? l->max : cap;
        l->items = hk_xrealloc(l->items, cap * sizeof(*l->items));
        l->cap = cap;
    }
    it = &l->items[l->n];
    it->type = type;
    it->len = n;
    memcpy(it->value, v, n);
    it->value[n] = '\0';
    if (s->ht_on && l->n < HT_ITEMS)
        ht_insert(s, l->n);
    l->n++;
}

static size_t emit_cand(struct scan *s, const struct cand *c)
{
    for (int k = 0; k < c->n; k++)
        emit(s, c->o[k].type, c->o[k].v, c->o[k].len);
    return c->end;
}

/* --- The scan ----------------------------------------------------------------------------- */

/* Hashes inside a run that is nothing else as a whole ("<md5>.exe", "sha256_<hex>"): runs
 * of exactly 32, 40 or 64 hex digits between bytes that are not letters or digits. */
static void hash_segments(struct scan *s, const unsigned char *p, size_t n)
{
    char buf[65];
    size_t i = 0, b;
    unsigned acc;
    enum hk_obs_type ht;

    while (i < n) {
        if (!(cls[p[i]] & C_ALNUM)) {
            i++;
            continue;
        }
        for (b = i, acc = 0; i < n && (cls[p[i]] & C_ALNUM); i++)
            acc |= cls[p[i]];
        ht = hash_type(i - b);
        if (ht != HK_OBS__COUNT && !(acc & C_NONHEX))
            emit(s, ht, buf, put_lower(buf, p + b, i - b));
    }
}

/* IPv4 ranges "10.0.0.1-10.0.0.9" and "10.0.0.1-9": each side of a '-' that has digits on
 * both sides. "1.2.3.4-beta" and "host-1.2.3.4" stay versions and names. */
static void ipv4_ranges(struct scan *s, const struct run *r)
{
    unsigned char buf[RUNBUF];
    struct view v;
    uint8_t ip[4];
    char out[16];
    size_t a = 0, b;

    if (!run_view(s->t, r, buf, &v))
        return;
    strip_dots(&v);
    while (a < v.n) {
        for (b = a; b < v.n && v.p[b] != '-'; b++)
            ;
        if (ipv4_parse(v.p + a, b - a, ip) && (a == 0 || (a >= 2 && IS_D(v.p[a - 2]))) &&
            (b == v.n || (b + 1 < v.n && IS_D(v.p[b + 1]))))
            emit(s, HK_OBS_IPV4, out, fmt_ipv4(out, ip));
        a = b + 1;
    }
}

/* Most runs are plain words: no dot, not followed by '@' or a defanged '@', too short for
 * a hash, and not starting like "CVE-" or "AS". They can be nothing, so skip them early. */
static int run_is_plain(const unsigned char *t, size_t len, const struct run *r)
{
    unsigned char c0 = lc(t[r->start]), next = r->end < len ? t[r->end] : 0;

    return !(r->acc & C_DOT) && r->end - r->start < 32 && c0 != 'c' && c0 != 'a' && next != '@' &&
           next != '[' && next != '(' && next != '{';
}

/* The rest of a run that is neither a URL scheme nor an IPv6 group. */
static size_t scan_run(struct scan *s, const struct run *r, struct cand *c)
{
    if (run_is_plain(s->t, s->len, r))
        return r->end;
    if (run_primary(s->t, s->len, r, 0, c))
        return emit_cand(s, c);
    if (r->end - r->start >= 32)
        hash_segments(s, s->t + r->start, r->end - r->start);
    if ((r->acc & (C_DOT | C_DASH)) == (C_DOT | C_DASH))
        ipv4_ranges(s, r);
    return r->end;
}

/* Handles the candidate that starts at t[i] (a START byte, not inside a word) and returns
 * where the scan goes on. The run is read once; only a run that stops at ':', '[' or '*'
 * can be a scheme ("https:", "hxxp[:]", "h**p") or the first group of an IPv6 address. */
static size_t scan_at(struct scan *s, size_t i)
{
    const unsigned char *t = s->t;
    size_t len = s->len;
    unsigned char lch = lc(t[i]), nx;
    struct run r;
    struct cand c;

    if (t[i] == ':') {
        if (i > 0 && ((cls[t[i - 1]] & C_ALNUM) || t[i - 1] == ':'))
            return i + 1;
        return ipv6_try(t, len, i, 0, &c) ? emit_cand(s, &c) : i + 1;
    }
    run_scan(t, len, i, &r);
    nx = r.end < len ? t[r.end] : 0;
    if (nx == ':' || nx == '[' || nx == '*') {
        if ((lch == 'h' || lch == 'f') && r.end - i <= 5 && url_try(t, len, i, &c))
            return emit_cand(s, &c);
        if (nx == ':' && r.end - i <= 4 && !(r.acc & C_NOTHEX) && ipv6_try(t, len, i, 0, &c))
            return emit_cand(s, &c);
    }
    return scan_run(s, &r, &c);
}

#if defined(__SSE2__)
/*
 * Skips 16-byte blocks of plain prose: letters (but not 'A', for "AS 64496") and the
 * separators ' ', ',', '\t', '\n', '\r', up to and including the last separator of each
 * block. The scalar loop would skip exactly these bytes (each word in such a block is
 * letters only, shorter than 16 and ended by a separator), so this changes nothing but the
 * speed: prose is most of a report. i must not be inside a word, which holds at the top of
 * the scan loop.
 */
static size_t skip_prose(const unsigned char *t, size_t len, size_t i)
{
    const __m128i a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1);

    while (len - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lo, a1), _mm_cmplt_epi8(lo, z1));
        __m128i sep = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                                   _mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
        unsigned ml, ms;

        sep = _mm_or_si128(sep, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
        sep = _mm_or_si128(sep, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
        sep = _mm_or_si128(sep, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
        ml = (unsigned)_mm_movemask_epi8(letter) &
             ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('A')));
        ms = (unsigned)_mm_movemask_epi8(sep);
        if ((ml | ms) != 0xffffu || ms == 0)
            break;
        i += 32 - (size_t)__builtin_clz(ms);
    }
    return i;
}
#endif

hk_err hk_obs_extract(const char *text, size_t len, struct hk_obs_list *l)
{
    struct scan s;
    size_t i = 0, e;

    if (!l || (!text && len))
        return HK_EINVAL;
    l->n = 0;
    l->truncated = 0;
    s.t = (const unsigned char *)text;
    s.len = len;
    s.l = l;
    s.stop = 0;
    s.ht_on = 0;
    while (i < len && !s.stop) {
        unsigned c;

#if defined(__SSE2__)
        i = skip_prose(s.t, len, i);
        if (i >= len)
            break;
#endif
        c = cls[s.t[i]];

        if (!(c & C_START)) {
            i++;
            continue;
        }
        /* Fast path for prose: a word of letters only, shorter than a hash, ended by white
         * space or punctuation, cannot be (or start) an observable, except "AS 64496". */
        if ((c & C_ALPHA) && s.t[i] != 'A') {
            for (e = i + 1; e < len && (cls[s.t[e]] & C_ALPHA); e++)
                ;
            if (e - i < 32 && (e == len || (cls[s.t[e]] & C_WEND))) {
                i = e;
                continue;
            }
        }
        e = scan_at(&s, i);
        i = e > i ? e : i + 1;
        /* Never start inside a word, whatever a candidate parser stopped on. */
        while (i < len && (cls[s.t[i - 1]] & C_ALNUM) && (cls[s.t[i]] & C_RUN))
            i++;
    }
    return HK_OK;
}

/* --- Single values, names, the list ------------------------------------------------------- */

/* Parses p[0..n) as exactly one observable, with the same parsers as extraction. */
static int classify_one(const unsigned char *p, size_t n, struct cand *c)
{
    struct run r;
    unsigned char lch = lc(p[0]);

    if ((lch == 'h' || lch == 'f') && url_try(p, n, 0, c))
        return c->end == n;
    if ((p[0] == ':' || (cls[p[0]] & C_HEX)) && ipv6_try(p, n, 0, 1, c))
        return c->end == n;
    if (!(cls[p[0]] & C_RUN))
        return 0;
    run_scan(p, n, 0, &r);
    return run_primary(p, n, &r, 1, c) && c->end == n && c->whole;
}

/* Errors: HK_EINVAL for NULL arguments or a value that is not one observable; HK_ETRUNC when
 * the normalised value does not fit outsz. */
hk_err hk_obs_classify(const char *value, enum hk_obs_type *type, char *out, size_t outsz)
{
    const unsigned char *p = (const unsigned char *)value;
    size_t n;
    struct cand c;

    if (!value || !type || !out || outsz == 0)
        return HK_EINVAL;
    out[0] = '\0';
    n = strnlen(value, CLASSIFY_MAX + 1);
    if (n > CLASSIFY_MAX)
        return HK_EINVAL;
    while (n && (cls[p[n - 1]] & C_SPACE))
        n--;
    while (n && (cls[p[0]] & C_SPACE)) {
        p++;
        n--;
    }
    if (n == 0 || !classify_one(p, n, &c))
        return HK_EINVAL;
    if (c.o[0].len >= outsz)
        return HK_ETRUNC;
    memcpy(out, c.o[0].v, c.o[0].len + 1);
    *type = c.o[0].type;
    return HK_OK;
}

const char *hk_obs_type_name(enum hk_obs_type t)
{
    return (unsigned)t < HK_OBS__COUNT ? type_names[t] : "unknown";
}

/* Accepts the names of hk_obs_type_name in any case ("IPv4" too). */
hk_err hk_obs_type_parse(const char *s, enum hk_obs_type *out)
{
    if (!s || !out)
        return HK_EINVAL;
    for (int t = 0; t < HK_OBS__COUNT; t++) {
        if (!strcasecmp(s, type_names[t])) {
            *out = (enum hk_obs_type)t;
            return HK_OK;
        }
    }
    return HK_EINVAL;
}

/* max 0 means HK_OBS_DEFAULT_MAX, so a list set up with max 0 is still useful. */
void hk_obs_list_init(struct hk_obs_list *l, size_t max)
{
    l->items = NULL;
    l->n = 0;
    l->cap = 0;
    l->max = max ? max : HK_OBS_DEFAULT_MAX;
    l->truncated = 0;
}

void hk_obs_list_release(struct hk_obs_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->cap = 0;
    l->truncated = 0;
}
