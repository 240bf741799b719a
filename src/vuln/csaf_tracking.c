/* SPDX-License-Identifier: MIT */
/*
 * The CSAF 2.0 mandatory tests on the document's language and tracking (section 6.1): 6.1.12
 * language tags, 6.1.15 translator needs source_lang, 6.1.28 lang differs from source_lang;
 * 6.1.14 revision numbers ascend by date, 6.1.16 version is the latest revision, 6.1.17 and
 * 6.1.18 version 0 and prereleases only in drafts, 6.1.19 and 6.1.20 no prerelease in revision
 * numbers or final versions, 6.1.21 no major version missing, 6.1.22 each number once, 6.1.30
 * integer and semantic versioning not mixed. Versions are read as node-semver and JavaScript's
 * parseInt read them, and revisions sorted with the reference validator's stable comparators,
 * so that equal dates are ordered the same way; equal dates fall back to the revision number.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/csaf_int.h"

/* 6.1.12 language: lang and source_lang must be valid registered BCP 47 tags;
 * 6.1.15 a translator needs source_lang; 6.1.28 lang and source_lang must differ. */
static void t_lang(json_t *doc, struct csaf_rep *r)
{
    json_t *d = P(doc, "document");
    const char *lang = csaf_str(d, "lang"), *src = csaf_str(d, "source_lang");
    const char *cat = csaf_str(P(d, "publisher"), "category");

    if (lang && !csaf_lang_valid(lang))
        csaf_err_at(r, "6.1.12", "/document/lang", "is not a valid language tag (BCP 47)");
    if (src && !csaf_lang_valid(src))
        csaf_err_at(r, "6.1.12", "/document/source_lang", "is not a valid language tag (BCP 47)");
    if (cat && !strcmp(cat, "translator") && !P(d, "source_lang"))
        csaf_err_at(r, "6.1.15", "/document/publisher/category",
                    "a translator's document needs /document/source_lang");
    if (lang && src && !strcmp(lang, src)) {
        csaf_err_at(r, "6.1.28", "/document/lang", "is the same as /document/source_lang");
        csaf_err_at(r, "6.1.28", "/document/source_lang", "is the same as /document/lang");
    }
}

/* ---- versions: SemVer 2.0.0 as node-semver's valid() reads it, and JS parseInt ---- */

struct semver {
    unsigned long long maj, min, pat;
    const char *pre; /* NULL or the prerelease part (up to '+' or end) */
    size_t prelen;
};

static bool num_part(const char **p, unsigned long long *out)
{
    const char *s = *p;
    unsigned long long v = 0;

    if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
        return false;
    while (isdigit((unsigned char)*s)) {
        if (v > 900719925474099ull) /* Number.MAX_SAFE_INTEGER / 10 */
            return false;
        v = v * 10 + (unsigned long long)(*s++ - '0');
    }
    *out = v;
    *p = s;
    return true;
}

/* A dot-separated list of identifiers [0-9A-Za-z-]; numeric ones without leading zeros when
 * numeric_rules. */
static bool idents(const char **p, bool numeric_rules)
{
    const char *s = *p;

    for (;;) {
        const char *b = s;
        bool alpha = false;

        while (isalnum((unsigned char)*s) || *s == '-') {
            alpha = alpha || !isdigit((unsigned char)*s);
            s++;
        }
        if (s == b)
            return false;
        if (numeric_rules && !alpha && s - b > 1 && *b == '0')
            return false;
        if (*s != '.')
            break;
        s++;
    }
    *p = s;
    return true;
}

static bool semver_parse(const char *s, struct semver *v)
{
    const char *p = s;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == 'v' || *p == '=')
        p++;
    memset(v, 0, sizeof(*v));
    if (!num_part(&p, &v->maj) || *p++ != '.' || !num_part(&p, &v->min) || *p++ != '.' ||
        !num_part(&p, &v->pat))
        return false;
    if (*p == '-') {
        v->pre = ++p;
        if (!idents(&p, true))
            return false;
        v->prelen = (size_t)(p - v->pre);
    }
    if (*p == '+') {
        p++;
        if (!idents(&p, false))
            return false;
    }
    while (isspace((unsigned char)*p))
        p++;
    return *p == '\0' && strlen(s) <= 256;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* SemVer section 11 precedence of two prerelease lists (NULL: none, which ranks higher). */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (!a || !b)
        return !a && !b ? 0 : !a ? 1 : -1;
    while (an && bn) {
        size_t x = 0, y = 0;
        int c;

        while (x < an && a[x] != '.')
            x++;
        while (y < bn && b[y] != '.')
            y++;
        if (all_digits(a, x) && all_digits(b, y)) {
            c = x != y ? (x < y ? -1 : 1) : memcmp(a, b, x);
        } else if (all_digits(a, x) || all_digits(b, y)) {
            c = all_digits(a, x) ? -1 : 1;
        } else {
            c = memcmp(a, b, x < y ? x : y);
            if (!c && x != y)
                c = x < y ? -1 : 1;
        }
        if (c)
            return c < 0 ? -1 : 1;
        a += x;
        an -= x;
        b += y;
        bn -= y;
        if (an) {
            a++;
            an--;
        }
        if (bn) {
            b++;
            bn--;
        }
        if (!an || !bn)
            return !an && !bn ? 0 : !an ? -1 : 1;
    }
    return 0;
}

static int semver_cmp(const struct semver *a, const struct semver *b)
{
    if (a->maj != b->maj)
        return a->maj < b->maj ? -1 : 1;
    if (a->min != b->min)
        return a->min < b->min ? -1 : 1;
    if (a->pat != b->pat)
        return a->pat < b->pat ? -1 : 1;
    return pre_cmp(a->pre, a->prelen, b->pre, b->prelen);
}

/* JavaScript parseInt(s, 10): NaN when no digits lead. */
static double js_parse_int(const char *s)
{
    double v = 0, sign = 1;
    bool any = false;

    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s++ - '0');
        any = true;
    }
    return any ? sign * v : NAN;
}

/* docUtils.compareVersions(v1, v2) of the reference validator. */
static double compare_versions(const char *v1, const char *v2)
{
    struct semver a, b;

    if (semver_parse(v1, &a) && semver_parse(v2, &b))
        return semver_cmp(&b, &a) >= 0 ? 1 : -1;
    return js_parse_int(v2) - js_parse_int(v1);
}

/* compareZonedDateTimes: 1 when a is later than b, -1 when earlier, 0 equal or unparsable. */
static int compare_dates(const char *a, const char *b)
{
    long long sa, sb;
    long na, nb;

    if (!csaf_date_time_parse(a, &sa, &na) || !csaf_date_time_parse(b, &sb, &nb))
        return 0;
    if (sa != sb)
        return sa > sb ? 1 : -1;
    return na == nb ? 0 : na > nb ? 1 : -1;
}

struct rev {
    const char *number, *date;
    size_t index;
};

typedef double (*rev_cmp_fn)(const struct rev *a, const struct rev *b);

/* A stable merge sort (Array.prototype.sort is stable): b is taken first only when
 * cmp(a, b) > 0, so NaN and 0 keep the input order. */
static void rev_sort(struct rev *v, size_t n, rev_cmp_fn cmp)
{
    struct rev *tmp;

    if (n < 2)
        return;
    tmp = hk_xmalloc(n * sizeof(*tmp));
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, k = lo;

            while (a < mid && b < hi)
                tmp[k++] = cmp(&v[a], &v[b]) > 0 ? v[b++] : v[a++];
            while (a < mid)
                tmp[k++] = v[a++];
            while (b < hi)
                tmp[k++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof(*v));
    }
    free(tmp);
}

static double by_date_then_number(const struct rev *a, const struct rev *z)
{
    int d = compare_dates(a->date, z->date);

    return d ? d : compare_versions(z->number, a->number);
}

static double by_date_desc_then_number(const struct rev *a, const struct rev *z)
{
    int d = compare_dates(z->date, a->date);

    return d ? d : compare_versions(a->number, z->number);
}

/* The revision history when every entry has a string number and date (the precondition of
 * the tests below), else NULL. */
static struct rev *revisions(json_t *tracking, size_t *n)
{
    json_t *rh = P(tracking, "revision_history"), *e;
    struct rev *v;
    size_t i;

    if (!json_is_array(rh))
        return NULL;
    *n = json_array_size(rh);
    json_array_foreach(rh, i, e) if (!csaf_str(e, "number") || !csaf_str(e, "date")) return NULL;
    v = hk_xcalloc(*n ? *n : 1, sizeof(*v));
    json_array_foreach(rh, i, e)
    {
        v[i].number = csaf_str(e, "number");
        v[i].date = csaf_str(e, "date");
        v[i].index = i;
    }
    return v;
}

/* "1.2.3" for a valid SemVer (without build metadata), else NULL; into out. */
static const char *semver_norm(const char *s, char *out, size_t size)
{
    struct semver v;

    if (!semver_parse(s, &v))
        return NULL;
    (void)snprintf(out, size, "%llu.%llu.%llu%s%.*s", v.maj, v.min, v.pat, v.pre ? "-" : "",
                   (int)v.prelen, v.pre ? v.pre : "");
    return out;
}

/* 6.1.14 sorted revision history: sorted by date, the numbers must ascend. */
static void t_sorted_history(struct rev *v, size_t n, struct csaf_rep *r)
{
    struct semver *seq = hk_xcalloc(n ? n : 1, sizeof(*seq));
    char **keep = hk_xcalloc(n ? n : 1, sizeof(*keep));
    size_t m = 0;

    rev_sort(v, n, by_date_then_number);
    for (size_t i = 0; i < n; i++) {
        char buf[300], *s;
        bool dup = false;

        if (semver_norm(v[i].number, buf, sizeof(buf)))
            s = hk_xstrdup(buf);
        else {
            size_t l = strlen(v[i].number) + 5;

            s = hk_xmalloc(l);
            (void)snprintf(s, l, "%s.0.0", v[i].number);
        }
        for (size_t k = 0; k < m && !dup; k++)
            dup = !strcmp(keep[k], s);
        if (dup || !semver_parse(s, &seq[m])) {
            free(s);
            continue;
        }
        keep[m++] = s;
    }
    for (size_t i = 1; i < m; i++)
        if (semver_cmp(&seq[i], &seq[i - 1]) <= 0) {
            csaf_err_at(r, "6.1.14", "/document/tracking/revision_history",
                        "the revision numbers do not ascend when the items are sorted by date");
            break;
        }
    for (size_t k = 0; k < m; k++)
        free(keep[k]);
    free(keep);
    free(seq);
}

static void version_norm(const char *s, bool draft, char *out, size_t size)
{
    size_t n = strcspn(s, draft ? "+-" : "+");

    (void)snprintf(out, size, "%.*s", (int)n, s);
}

/* 6.1.16 latest document version: /document/tracking/version must be the number of the
 * latest revision (build metadata ignored; for drafts the prerelease part too). */
static void t_latest_version(json_t *tr, struct rev *v, size_t n, struct csaf_rep *r)
{
    const char *version = csaf_str(tr, "version"), *status = csaf_str(tr, "status");
    char a[300], b[300];
    bool draft;

    if (!version || !status || n == 0)
        return;
    draft = !strcmp(status, "draft");
    rev_sort(v, n, by_date_desc_then_number);
    version_norm(v[0].number, draft, a, sizeof(a));
    version_norm(version, draft, b, sizeof(b));
    if (strcmp(a, b)) {
        char msg[400];

        (void)snprintf(msg, sizeof(msg),
                       "version '%.100s' is not the number of the latest revision ('%.100s')",
                       version, v[0].number);
        csaf_err_at(r, "6.1.16", "/document/tracking/version", msg);
    }
}

/* 6.1.21 missing item in revision history: sorted by date, the major versions start at 0 or
 * 1 and none is skipped. */
static void t_missing_item(struct rev *v, size_t n, struct csaf_rep *r)
{
    double *nums = hk_xcalloc(n ? n : 1, sizeof(*nums));
    size_t m = 0;

    rev_sort(v, n, by_date_then_number); /* equal dates: by number */
    for (size_t i = 0; i < n; i++) {
        double x = js_parse_int(v[i].number);
        bool dup = false;

        for (size_t k = 0; k < m && !dup; k++)
            dup = nums[k] == x || (isnan(x) && isnan(nums[k]));
        if (!dup)
            nums[m++] = x;
    }
    if (m > 0 && !(nums[0] == 0 || nums[0] == 1))
        csaf_err_at(r, "6.1.21", "/document/tracking/revision_history",
                    "the revision history does not start with version 0 or 1 when sorted by date");
    for (size_t i = 0; i < m; i++) {
        double expected = (double)i + nums[0];

        if (nums[i] > expected) {
            char msg[128];

            (void)snprintf(msg, sizeof(msg), "major version %.0f is missing", expected);
            csaf_err_at(r, "6.1.21", "/document/tracking/revision_history", msg);
        }
    }
    free(nums);
}

/* JS: parseInt(version).toString() === version. */
static bool integer_version(const char *s)
{
    size_t n = strlen(s);
    const char *d = s[0] == '-' ? s + 1 : s;
    size_t dn = strlen(d);

    return dn > 0 && dn <= 15 && all_digits(d, dn) && (d[0] != '0' || dn == 1) &&
           !(s[0] == '-' && d[0] == '0') && n < 17;
}

/* 6.1.17 document status draft for a version 0 or prerelease; 6.1.18 no revision 0 in a
 * final or interim document; 6.1.19 no prerelease in a revision number; 6.1.20 no prerelease
 * in a final or interim version; 6.1.22 each revision number once; 6.1.30 integer and
 * semantic versioning not mixed. */
static void t_tracking(json_t *doc, struct csaf_rep *r)
{
    json_t *tr = P(P(doc, "document"), "tracking"), *rh = P(tr, "revision_history"), *e;
    const char *version = csaf_str(tr, "version"), *status = csaf_str(tr, "status");
    bool released = status && (!strcmp(status, "final") || !strcmp(status, "interim"));
    struct semver sv;
    struct rev *v;
    size_t n = 0, i;

    if (version && status && strcmp(status, "draft") &&
        (!strcmp(version, "0") || (semver_parse(version, &sv) && (sv.maj == 0 || sv.pre != NULL))))
        csaf_err_at(r, "6.1.17", "/document/tracking/status",
                    "a document with version 0 or a prerelease version must have status draft");
    if (version && released && semver_parse(version, &sv) && sv.pre)
        csaf_err_at(r, "6.1.20", "/document/tracking/version",
                    "a prerelease part is not allowed for status final or interim");
    /* 6.1.30 needs only the numbers that are strings. */
    if (json_is_array(rh) || !rh) {
        int scheme = 0; /* 1 integer, 2 semantic */

        json_array_foreach(rh, i, e)
        {
            const char *num = csaf_str(e, "number");
            int s;

            if (!num)
                continue;
            s = integer_version(num) ? 1 : 2;
            if (!scheme)
                scheme = s;
            else if (s != scheme)
                csaf_errf(r, "6.1.30", "mixed integer and semantic versioning",
                          "/document/tracking/revision_history/%zu/number", i);
        }
        if (scheme && version && (integer_version(version) ? 1 : 2) != scheme)
            csaf_err_at(r, "6.1.30", "/document/tracking/version",
                        "mixed integer and semantic versioning");
    }
    if (!(v = revisions(tr, &n)))
        return;
    if (version && status) {
        json_t *seen = json_object();

        for (i = 0; i < n; i++) {
            json_t *num = json_string(v[i].number);

            if (released &&
                (!strcmp(v[i].number, "0") || (semver_parse(v[i].number, &sv) && sv.maj == 0))) {
                csaf_err_at(r, "6.1.18", "/document/tracking/status",
                            "a final or interim document must not have a revision 0 or 0.y.z");
                released = false; /* one report */
            }
            if (semver_parse(v[i].number, &sv) && sv.pre)
                csaf_errf(r, "6.1.19", "a revision number must not have a prerelease part",
                          "/document/tracking/revision_history/%zu/number", i);
            if (csaf_set_has(seen, num))
                csaf_errf(r, "6.1.22", "this version was already used in the revision history",
                          "/document/tracking/revision_history/%zu/number", i);
            csaf_set_add(seen, num);
            json_decref(num);
        }
        json_decref(seen);
    }
    t_sorted_history(v, n, r);
    for (i = 0; i < n; i++) /* each test sorts from the document order */
        v[i] = (struct rev){csaf_str(json_array_get(rh, i), "number"),
                            csaf_str(json_array_get(rh, i), "date"), i};
    t_latest_version(tr, v, n, r);
    for (i = 0; i < n; i++)
        v[i] = (struct rev){csaf_str(json_array_get(rh, i), "number"),
                            csaf_str(json_array_get(rh, i), "date"), i};
    t_missing_item(v, n, r);
    free(v);
}

void csaf_tracking_tests(json_t *doc, struct csaf_rep *r)
{
    t_lang(doc, r);
    t_tracking(doc, r);
}
