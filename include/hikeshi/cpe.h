/* SPDX-License-Identifier: MIT */
/*
 * CPE 2.3 names for the early warning of vulnerability handling: parsing of formatted strings
 * ("cpe:2.3:a:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:
 * other") with the quoting and wildcard rules of NISTIR 7695, name matching per NISTIR 7696
 * (attribute relations SUPERSET / SUBSET / EQUAL / DISJOINT and the name-level relation), and
 * the version ordering and ranges that NVD configurations and CSAF product trees express
 * (versionStartIncluding, versionEndExcluding, ...). Nothing here allocates: a parsed name is a
 * fixed-size value (struct hk_cpe, under 300 bytes) holding the 11 attribute values in their
 * logical form (quotes removed, folded to lowercase since CPE matching is case-insensitive,
 * unquoted wildcards encoded as HK_CPE_WILD_ANY / HK_CPE_WILD_ONE bytes).
 */
#ifndef HIKESHI_CPE_H
#define HIKESHI_CPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/err.h"

/* The longest formatted string accepted (HK_ETOOBIG beyond). */
#define HK_CPE_MAX_LEN 256
/* Room for the logical values of all 11 attributes of a name of HK_CPE_MAX_LEN bytes. */
#define HK_CPE_BUF 240
/* How an unquoted '*' (any number of characters) and '?' (one character) are stored. */
#define HK_CPE_WILD_ANY '\x01'
#define HK_CPE_WILD_ONE '\x02'

enum hk_cpe_attr {
    HK_CPE_PART,
    HK_CPE_VENDOR,
    HK_CPE_PRODUCT,
    HK_CPE_VERSION,
    HK_CPE_UPDATE,
    HK_CPE_EDITION,
    HK_CPE_LANGUAGE,
    HK_CPE_SW_EDITION,
    HK_CPE_TARGET_SW,
    HK_CPE_TARGET_HW,
    HK_CPE_OTHER,
    HK_CPE_NATTR
};

/* What an attribute holds. */
enum hk_cpe_kind {
    HK_CPE_STRING,  /* a plain value ("1.2.3") */
    HK_CPE_PATTERN, /* a value with unquoted wildcards at its start or end ("1.2.*", "??x") */
    HK_CPE_ANY,     /* the logical value ANY, written "*" */
    HK_CPE_NA,      /* the logical value NA (not applicable), written "-" */
};

/* A parsed name. Attribute i is buf[off[i] .. off[i] + len[i]) (not NUL-terminated; empty
 * for ANY and NA). */
struct hk_cpe {
    uint8_t kind[HK_CPE_NATTR];
    uint8_t off[HK_CPE_NATTR];
    uint8_t len[HK_CPE_NATTR];
    char buf[HK_CPE_BUF];
};

/* Relations of NISTIR 7696 (attribute level, and name level where HK_CPE_OVERLAP means that
 * some attributes are supersets and others subsets, so none of the four name relations hold). */
enum hk_cpe_rel {
    HK_CPE_DISJOINT,
    HK_CPE_SUBSET,
    HK_CPE_SUPERSET,
    HK_CPE_EQUAL,
    HK_CPE_OVERLAP,
};

/*
 * Parses the formatted string s[0..len) (no NUL needed). On failure returns HK_EPARSE
 * (HK_ETOOBIG past HK_CPE_MAX_LEN) and em names the attribute and what is wrong, e.g.
 * "attribute version: character '!' at offset 21 must be quoted ('\\!')". Rules: the prefix
 * "cpe:2.3:" (lowercase); exactly 11 attributes separated by unquoted ':'; none empty; "*"
 * alone is ANY, "-" alone is NA; part is a, o, h, ANY or NA; values are printable ASCII where
 * letters, digits, '_', '-' and '.' may stand unquoted and any other punctuation must be
 * quoted with '\' (quoting a letter or digit is refused); an unquoted '*' may stand once at
 * the start and/or the end of a value and a run of unquoted '?' likewise, never both at one end.
 */
hk_err hk_cpe_parse(const char *s, size_t len, struct hk_cpe *out, struct hk_errmsg *em);

/* Writes the formatted-string binding of c into buf (NUL-terminated): lowercase, punctuation
 * other than '_', '-' and '.' quoted. HK_ETRUNC when cap is too small (HK_CPE_MAX_LEN + 1 is
 * always enough for a name that hk_cpe_parse made). Parsing the output gives c back. */
hk_err hk_cpe_format(const struct hk_cpe *c, char *buf, size_t cap);

/* Attribute attr's logical value and its length (*len 0 for ANY and NA). */
const char *hk_cpe_value(const struct hk_cpe *c, enum hk_cpe_attr attr, size_t *len);

/* "part", "vendor", ..., "other". */
const char *hk_cpe_attr_name(enum hk_cpe_attr attr);
/* "DISJOINT", "SUBSET", "SUPERSET", "EQUAL", "OVERLAP". */
const char *hk_cpe_rel_name(enum hk_cpe_rel rel);

/*
 * NISTIR 7696 compare(source, target) for one attribute: ANY/ANY and NA/NA are EQUAL, ANY
 * source SUPERSET, ANY target SUBSET, NA against anything else DISJOINT, equal strings EQUAL,
 * a source pattern that matches the target string SUPERSET. A target holding wildcards (the
 * table's "undefined" cases) gives DISJOINT, as in the specification's pseudocode. A run of
 * k '?' at one end of the source matches up to k characters, as 7696's compareStrings does.
 */
enum hk_cpe_rel hk_cpe_compare_attr(const struct hk_cpe *source, const struct hk_cpe *target,
                                    enum hk_cpe_attr attr);

/* The name-level relation of NISTIR 7696 section 6.2: DISJOINT when any attribute is disjoint,
 * EQUAL when all are equal, SUPERSET (SUBSET) when all are superset (subset) or equal, else
 * OVERLAP. Stops at the first disjoint attribute. */
enum hk_cpe_rel hk_cpe_match(const struct hk_cpe *source, const struct hk_cpe *target);

/*
 * Version ordering: <0, 0 or >0 as a is before, equal to or after b. Both are split into
 * numeric and alphabetic tokens ('.', '-', '_', '+', '~' and other punctuation only separate
 * them). Numbers compare numerically (any length, leading zeros ignored), words
 * case-insensitively. A missing token counts as 0 against a number ("1.0" == "1.0.0") and as
 * the release itself against a word: pre-release words (dev, snapshot, alpha, beta, pre,
 * preview, rc, and a or b directly followed by a number) sort before the release and in that
 * order ("2.0rc1" < "2.0", "1.0a1" < "1.0b2"); any other word sorts after it ("1.0.2k" >
 * "1.0.2", "1.0sp1" > "1.0"). Against a number a word sorts before ("1.0rc1" < "1.0.1").
 */
int hk_cpe_version_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* A version range as NVD and CSAF express it; a NULL bound is open. */
struct hk_cpe_range {
    const char *start; /* NUL-terminated, or NULL */
    bool start_incl;   /* versionStartIncluding (true) or versionStartExcluding */
    const char *end;   /* NUL-terminated, or NULL */
    bool end_incl;     /* versionEndIncluding (true) or versionEndExcluding */
};

/* Whether version v[0..len) lies within r. */
bool hk_cpe_version_in_range(const char *v, size_t len, const struct hk_cpe_range *r);

/*
 * Whether an advisory's criterion (source name, and r when not NULL) affects an asset
 * (target): the names are EQUAL or the criterion is a SUPERSET, and with a range (which
 * applies to the version attribute, so the criterion's own version is then ignored; use ANY
 * there) the asset's version is a plain string within it. An asset whose version is ANY, NA
 * or a pattern is not affected by a ranged criterion: nothing says which version it runs.
 */
bool hk_cpe_affects(const struct hk_cpe *source, const struct hk_cpe_range *r,
                    const struct hk_cpe *target);

#endif
