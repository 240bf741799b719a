/* SPDX-License-Identifier: MIT */
/*
 * The CVE JSON 5 record reader: a structural check of the rules of the CVE JSON 5.0 schema
 * (CVEProject/cve-schema) that matter for import — dataType and dataVersion, cveMetadata per
 * state (PUBLISHED, REJECTED and, as cve-services accepts it, RESERVED) with its required
 * members, the CNA container's required parts for a published record (providerMetadata,
 * descriptions, affected, references) and for a rejected one (providerMetadata,
 * rejectedReasons), the ADP containers, member types, unknown members of every object the
 * schema closes (extensions "x_..." allowed where the schema allows them), timestamp, UUID,
 * CVE, CWE and CAPEC forms. The first problem is reported with its JSON pointer:
 * "/containers/cna/providerMetadata/orgId: must be a string". Pure and allocation-free
 * apart from the parse; fuzzed by fuzz/fuzz_cve.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hikeshi/vcase.h"

#define MAX_ITEMS 10000
#define MAX_TEXT  4096

struct chk {
    char path[512];
    size_t len;
    struct hk_errmsg *em;
};

static void push(struct chk *c, const char *seg, size_t *save)
{
    *save = c->len;
    if (c->len + 1 + strlen(seg) < sizeof(c->path)) {
        c->path[c->len++] = '/';
        memcpy(c->path + c->len, seg, strlen(seg) + 1);
        c->len += strlen(seg);
    }
}

static void pushi(struct chk *c, size_t i, size_t *save)
{
    char b[24];

    (void)snprintf(b, sizeof(b), "%zu", i);
    push(c, b, save);
}

static void pop(struct chk *c, size_t save)
{
    c->len = save;
    c->path[save] = '\0';
}

static hk_err fail(struct chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hk_err fail(struct chk *c, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return hk_errf(c->em, HK_EINVAL, "%s: %s", c->len ? c->path : "/", msg);
}

/* Runs a check on member key of o (when present), with the path extended. */
#define MEMBER(c, o, key, fn)                     \
    do {                                          \
        json_t *m_ = json_object_get((o), (key)); \
        if (m_) {                                 \
            size_t s_;                            \
            hk_err e_;                            \
            push((c), (key), &s_);                \
            e_ = fn((c), m_);                     \
            pop((c), s_);                         \
            if (e_)                               \
                return e_;                        \
        }                                         \
    } while (0)

static hk_err need(struct chk *c, json_t *o, const char *const *req)
{
    for (int i = 0; req[i]; i++)
        if (!json_object_get(o, req[i]))
            return fail(c, "required member '%s' is missing", req[i]);
    return HK_OK;
}

static hk_err only(struct chk *c, json_t *o, const char *const *allowed, bool ext)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        bool ok = ext && !strncmp(k, "x_", 2);
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(k, allowed[i]);
        if (!ok) {
            size_t s;
            hk_err e;
            push(c, k, &s);
            e = fail(c, "unknown member");
            pop(c, s);
            return e;
        }
    }
    return HK_OK;
}

static hk_err is_object(struct chk *c, json_t *v)
{
    return json_is_object(v) ? HK_OK : fail(c, "must be an object");
}

static hk_err text(struct chk *c, json_t *v)
{
    if (!json_is_string(v))
        return fail(c, "must be a string");
    if (!json_string_length(v))
        return fail(c, "must not be empty");
    if (json_string_length(v) > MAX_TEXT)
        return fail(c, "longer than %d bytes", MAX_TEXT);
    return HK_OK;
}

static hk_err short_name(struct chk *c, json_t *v)
{
    if (!json_is_string(v))
        return fail(c, "must be a string");
    if (json_string_length(v) < 2 || json_string_length(v) > 32)
        return fail(c, "must be 2 to 32 characters");
    return HK_OK;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static hk_err timestamp(struct chk *c, json_t *v)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *s = json_string_value(v);
    int y, mo, d, h, mi, se;

    if (!s)
        return fail(c, "must be a string (timestamp)");
    if (strlen(s) < 19 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return fail(c, "'%.40s' is not a timestamp (YYYY-MM-DDThh:mm:ss[.s][Z|+hh:mm])", s);
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    mo = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    h = (s[11] - '0') * 10 + (s[12] - '0');
    mi = (s[14] - '0') * 10 + (s[15] - '0');
    se = (s[17] - '0') * 10 + (s[18] - '0');
    if (y < 1900 || y > 2999)
        return fail(c, "'%.40s': the year must be from 1900 to 2999", s);
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) || h > 23 ||
        mi > 59 || se > 60)
        return fail(c, "'%.40s' is not a valid date and time", s);
    s += 19;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return fail(c, "fraction of a second without digits");
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'Z')
        s++;
    else if ((*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2))
        s += 6;
    if (*s)
        return fail(c, "'%.40s' has trailing characters after the time", json_string_value(v));
    return HK_OK;
}

static hk_err uuid(struct chk *c, json_t *v)
{
    const char *s = json_string_value(v);

    if (!s)
        return fail(c, "must be a string (UUID)");
    if (strlen(s) != 36)
        return fail(c, "'%.40s' is not a UUID", s);
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return fail(c, "'%.40s' is not a UUID", s);
    }
    if (s[14] != '4' || !strchr("89abAB", s[19]))
        return fail(c, "'%.40s' is not a version 4 UUID", s);
    return HK_OK;
}

static hk_err cve_id(struct chk *c, json_t *v)
{
    const char *s = json_string_value(v);

    if (!s)
        return fail(c, "must be a string (CVE id)");
    if (!hk_cve_id_valid(s))
        return fail(c, "'%.40s' is not a CVE id (CVE-YYYY-NNNN)", s);
    return HK_OK;
}

static hk_err is_bool(struct chk *c, json_t *v)
{
    return json_is_boolean(v) ? HK_OK : fail(c, "must be true or false");
}

static hk_err string_array(struct chk *c, json_t *v)
{
    json_t *x;
    size_t i;

    if (!json_is_array(v))
        return fail(c, "must be an array");
    if (json_array_size(v) > MAX_ITEMS)
        return fail(c, "more than %d items", MAX_ITEMS);
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x) || !json_string_length(x)) {
            size_t s;
            hk_err e;
            pushi(c, i, &s);
            e = fail(c, "must be a non-empty string");
            pop(c, s);
            return e;
        }
    }
    return HK_OK;
}

/* Applies fn to every item of an array (minItems when min). */
static hk_err each(struct chk *c, json_t *v, size_t min, hk_err (*fn)(struct chk *, json_t *))
{
    json_t *x;
    size_t i;

    if (!json_is_array(v))
        return fail(c, "must be an array");
    if (json_array_size(v) < min)
        return fail(c, "must have at least %zu item%s", min, min == 1 ? "" : "s");
    if (json_array_size(v) > MAX_ITEMS)
        return fail(c, "more than %d items", MAX_ITEMS);
    json_array_foreach(v, i, x)
    {
        size_t s;
        hk_err e;
        pushi(c, i, &s);
        e = fn(c, x);
        pop(c, s);
        if (e)
            return e;
    }
    return HK_OK;
}

static hk_err media(struct chk *c, json_t *v)
{
    static const char *const req[] = {"type", "value", NULL};
    static const char *const ok[] = {"type", "base64", "value", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "type", text);
    MEMBER(c, v, "base64", is_bool);
    MEMBER(c, v, "value", text);
    return HK_OK;
}

static hk_err media_list(struct chk *c, json_t *v)
{
    return each(c, v, 1, media);
}

/* {lang, value, supportingMedia?}: descriptions, workarounds, solutions, ... */
static hk_err description(struct chk *c, json_t *v)
{
    static const char *const req[] = {"lang", "value", NULL};
    static const char *const ok[] = {"lang", "value", "supportingMedia", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "lang", text);
    MEMBER(c, v, "value", text);
    MEMBER(c, v, "supportingMedia", media_list);
    return HK_OK;
}

static hk_err descriptions(struct chk *c, json_t *v)
{
    return each(c, v, 1, description);
}

static hk_err provider(struct chk *c, json_t *v)
{
    static const char *const req[] = {"orgId", NULL};
    static const char *const ok[] = {"orgId", "shortName", "dateUpdated", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "orgId", uuid);
    MEMBER(c, v, "shortName", short_name);
    MEMBER(c, v, "dateUpdated", timestamp);
    return HK_OK;
}

static hk_err version_status(struct chk *c, json_t *v)
{
    const char *s = json_string_value(v);

    if (!s || (strcmp(s, "affected") && strcmp(s, "unaffected") && strcmp(s, "unknown")))
        return fail(c, "must be affected, unaffected or unknown");
    return HK_OK;
}

static hk_err change(struct chk *c, json_t *v)
{
    static const char *const req[] = {"at", "status", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, req, false)))
        return e;
    MEMBER(c, v, "at", text);
    MEMBER(c, v, "status", version_status);
    return HK_OK;
}

static hk_err changes(struct chk *c, json_t *v)
{
    return each(c, v, 1, change);
}

static hk_err version(struct chk *c, json_t *v)
{
    static const char *const req[] = {"version", "status", NULL};
    static const char *const ok[] = {"version",         "status",  "versionType", "lessThan",
                                     "lessThanOrEqual", "changes", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    if (json_object_get(v, "lessThan") && json_object_get(v, "lessThanOrEqual"))
        return fail(c, "lessThan and lessThanOrEqual are mutually exclusive");
    MEMBER(c, v, "version", text);
    MEMBER(c, v, "status", version_status);
    MEMBER(c, v, "versionType", text);
    MEMBER(c, v, "lessThan", text);
    MEMBER(c, v, "lessThanOrEqual", text);
    MEMBER(c, v, "changes", changes);
    return HK_OK;
}

static hk_err versions(struct chk *c, json_t *v)
{
    return each(c, v, 1, version);
}

static hk_err any_array(struct chk *c, json_t *v)
{
    return json_is_array(v) ? HK_OK : fail(c, "must be an array");
}

static hk_err product(struct chk *c, json_t *v)
{
    static const char *const ok[] = {"vendor",    "product", "collectionURL", "packageName",
                                     "cpes",      "modules", "programFiles",  "programRoutines",
                                     "platforms", "repo",    "defaultStatus", "versions",
                                     NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = only(c, v, ok, false)))
        return e;
    if (!(json_object_get(v, "vendor") && json_object_get(v, "product")) &&
        !(json_object_get(v, "collectionURL") && json_object_get(v, "packageName")))
        return fail(c, "needs vendor and product, or collectionURL and packageName");
    MEMBER(c, v, "vendor", text);
    MEMBER(c, v, "product", text);
    MEMBER(c, v, "collectionURL", text);
    MEMBER(c, v, "packageName", text);
    MEMBER(c, v, "cpes", string_array);
    MEMBER(c, v, "modules", string_array);
    MEMBER(c, v, "programFiles", string_array);
    MEMBER(c, v, "programRoutines", any_array);
    MEMBER(c, v, "platforms", string_array);
    MEMBER(c, v, "repo", text);
    MEMBER(c, v, "defaultStatus", version_status);
    MEMBER(c, v, "versions", versions);
    return HK_OK;
}

static hk_err affected(struct chk *c, json_t *v)
{
    return each(c, v, 1, product);
}

static hk_err reference(struct chk *c, json_t *v)
{
    static const char *const req[] = {"url", NULL};
    static const char *const ok[] = {"url", "name", "tags", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "url", text);
    MEMBER(c, v, "name", text);
    MEMBER(c, v, "tags", string_array);
    return HK_OK;
}

static hk_err references(struct chk *c, json_t *v)
{
    return each(c, v, 1, reference);
}

static hk_err cwe_id(struct chk *c, json_t *v)
{
    const char *s = json_string_value(v);

    if (!s || !hk_cwe_id_valid(s))
        return fail(c, "must be a CWE id (CWE-N)");
    return HK_OK;
}

static hk_err pt_description(struct chk *c, json_t *v)
{
    static const char *const req[] = {"lang", "description", NULL};
    static const char *const ok[] = {"lang", "description", "cweId", "type", "references", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "lang", text);
    MEMBER(c, v, "description", text);
    MEMBER(c, v, "cweId", cwe_id);
    MEMBER(c, v, "type", text);
    MEMBER(c, v, "references", references);
    return HK_OK;
}

static hk_err pt_descriptions(struct chk *c, json_t *v)
{
    return each(c, v, 1, pt_description);
}

static hk_err problem_type(struct chk *c, json_t *v)
{
    static const char *const req[] = {"descriptions", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, req, false)))
        return e;
    MEMBER(c, v, "descriptions", pt_descriptions);
    return HK_OK;
}

static hk_err problem_types(struct chk *c, json_t *v)
{
    return each(c, v, 1, problem_type);
}

static hk_err capec(struct chk *c, json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = s ? strlen(s) : 0;

    if (!s || n < 7 || n > 11 || strncmp(s, "CAPEC-", 6) || s[6] == '0' ||
        !digits(s + 6, (int)(n - 6)))
        return fail(c, "must be a CAPEC id (CAPEC-N, up to 5 digits)");
    return HK_OK;
}

static hk_err impact(struct chk *c, json_t *v)
{
    static const char *const req[] = {"descriptions", NULL};
    static const char *const ok[] = {"descriptions", "capecId", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "capecId", capec);
    MEMBER(c, v, "descriptions", descriptions);
    return HK_OK;
}

static hk_err impacts(struct chk *c, json_t *v)
{
    return each(c, v, 1, impact);
}

static hk_err scenario(struct chk *c, json_t *v)
{
    return description(c, v);
}

static hk_err scenarios(struct chk *c, json_t *v)
{
    return each(c, v, 1, scenario);
}

static hk_err other(struct chk *c, json_t *v)
{
    static const char *const req[] = {"type", "content", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, req, false)))
        return e;
    MEMBER(c, v, "type", text);
    MEMBER(c, v, "content", is_object);
    return HK_OK;
}

static hk_err cvss_obj(struct chk *c, json_t *v)
{
    static const char *const req[] = {"version", "vectorString", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)))
        return e;
    MEMBER(c, v, "version", text);
    MEMBER(c, v, "vectorString", text);
    return HK_OK;
}

static hk_err metric(struct chk *c, json_t *v)
{
    static const char *const ok[] = {"format",   "scenarios", "cvssV4_0", "cvssV3_1",
                                     "cvssV3_0", "cvssV2_0",  "other",    NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "format", text);
    MEMBER(c, v, "scenarios", scenarios);
    MEMBER(c, v, "cvssV4_0", cvss_obj);
    MEMBER(c, v, "cvssV3_1", cvss_obj);
    MEMBER(c, v, "cvssV3_0", cvss_obj);
    MEMBER(c, v, "cvssV2_0", cvss_obj);
    MEMBER(c, v, "other", other);
    if (!json_object_get(v, "cvssV4_0") && !json_object_get(v, "cvssV3_1") &&
        !json_object_get(v, "cvssV3_0") && !json_object_get(v, "cvssV2_0") &&
        !json_object_get(v, "other"))
        return fail(c, "needs one of cvssV4_0, cvssV3_1, cvssV3_0, cvssV2_0, other");
    return HK_OK;
}

static hk_err metrics(struct chk *c, json_t *v)
{
    return each(c, v, 1, metric);
}

static hk_err event(struct chk *c, json_t *v)
{
    static const char *const req[] = {"time", "lang", "value", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, req, false)))
        return e;
    MEMBER(c, v, "time", timestamp);
    MEMBER(c, v, "lang", text);
    MEMBER(c, v, "value", text);
    return HK_OK;
}

static hk_err timeline(struct chk *c, json_t *v)
{
    return each(c, v, 1, event);
}

static hk_err credit(struct chk *c, json_t *v)
{
    static const char *const req[] = {"lang", "value", NULL};
    static const char *const ok[] = {"lang", "value", "user", "type", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "lang", text);
    MEMBER(c, v, "value", text);
    MEMBER(c, v, "user", uuid);
    MEMBER(c, v, "type", text);
    return HK_OK;
}

static hk_err credits(struct chk *c, json_t *v)
{
    return each(c, v, 1, credit);
}

static hk_err title(struct chk *c, json_t *v)
{
    if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 256)
        return fail(c, "must be a string of 1 to 256 bytes");
    return HK_OK;
}

static hk_err cve_ids(struct chk *c, json_t *v)
{
    return each(c, v, 1, cve_id);
}

/* The members a published CNA or an ADP container may have, and their checks. */
static hk_err content(struct chk *c, json_t *v)
{
    MEMBER(c, v, "providerMetadata", provider);
    MEMBER(c, v, "dateAssigned", timestamp);
    MEMBER(c, v, "datePublic", timestamp);
    MEMBER(c, v, "title", title);
    MEMBER(c, v, "descriptions", descriptions);
    MEMBER(c, v, "affected", affected);
    MEMBER(c, v, "problemTypes", problem_types);
    MEMBER(c, v, "references", references);
    MEMBER(c, v, "impacts", impacts);
    MEMBER(c, v, "metrics", metrics);
    MEMBER(c, v, "configurations", descriptions);
    MEMBER(c, v, "workarounds", descriptions);
    MEMBER(c, v, "solutions", descriptions);
    MEMBER(c, v, "exploits", descriptions);
    MEMBER(c, v, "timeline", timeline);
    MEMBER(c, v, "credits", credits);
    MEMBER(c, v, "source", is_object);
    MEMBER(c, v, "tags", string_array);
    MEMBER(c, v, "taxonomyMappings", any_array);
    return HK_OK;
}

static const char *const content_members[] = {
    "providerMetadata", "dateAssigned", "datePublic",       "title",
    "descriptions",     "affected",     "problemTypes",     "references",
    "impacts",          "metrics",      "configurations",   "workarounds",
    "solutions",        "exploits",     "timeline",         "credits",
    "source",           "tags",         "taxonomyMappings", NULL};

static hk_err cna_published(struct chk *c, json_t *v)
{
    static const char *const req[] = {"providerMetadata", "descriptions", "affected", "references",
                                      NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, content_members, true)))
        return e;
    return content(c, v);
}

static hk_err cna_rejected(struct chk *c, json_t *v)
{
    static const char *const req[] = {"providerMetadata", "rejectedReasons", NULL};
    static const char *const ok[] = {"providerMetadata", "rejectedReasons", "replacedBy", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, ok, true)))
        return e;
    MEMBER(c, v, "providerMetadata", provider);
    MEMBER(c, v, "rejectedReasons", descriptions);
    MEMBER(c, v, "replacedBy", cve_ids);
    return HK_OK;
}

static hk_err adp(struct chk *c, json_t *v)
{
    static const char *const req[] = {"providerMetadata", NULL};
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req)) || (e = only(c, v, content_members, true)))
        return e;
    return content(c, v);
}

static hk_err adps(struct chk *c, json_t *v)
{
    return each(c, v, 1, adp);
}

static hk_err serial(struct chk *c, json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 1 ? HK_OK
                                                            : fail(c, "must be an integer >= 1");
}

static hk_err metadata(struct chk *c, json_t *v, const char **state)
{
    static const char *const ok[] = {"cveId",
                                     "assignerOrgId",
                                     "assignerShortName",
                                     "requesterUserId",
                                     "dateUpdated",
                                     "dateReserved",
                                     "datePublished",
                                     "dateRejected",
                                     "serial",
                                     "state",
                                     NULL};
    static const char *const req_pub[] = {"cveId", "assignerOrgId", "state", NULL};
    static const char *const req_res[] = {"cveId", "state", NULL};
    const char *st;
    hk_err e;

    if ((e = is_object(c, v)) || (e = need(c, v, req_res)))
        return e;
    st = json_string_value(json_object_get(v, "state"));
    if (!st || (strcmp(st, "PUBLISHED") && strcmp(st, "REJECTED") && strcmp(st, "RESERVED"))) {
        size_t s;
        push(c, "state", &s);
        e = fail(c, "must be PUBLISHED, REJECTED or RESERVED");
        pop(c, s);
        return e;
    }
    if (strcmp(st, "RESERVED") && (e = need(c, v, req_pub)))
        return e;
    if ((e = only(c, v, ok, false)))
        return e;
    MEMBER(c, v, "cveId", cve_id);
    MEMBER(c, v, "assignerOrgId", uuid);
    MEMBER(c, v, "assignerShortName", short_name);
    MEMBER(c, v, "requesterUserId", uuid);
    MEMBER(c, v, "dateUpdated", timestamp);
    MEMBER(c, v, "dateReserved", timestamp);
    MEMBER(c, v, "datePublished", timestamp);
    MEMBER(c, v, "dateRejected", timestamp);
    MEMBER(c, v, "serial", serial);
    *state = st;
    return HK_OK;
}

hk_err hk_cve_check(json_t *rec, struct hk_errmsg *em)
{
    static const char *const req[] = {"dataType", "dataVersion", "cveMetadata", NULL};
    static const char *const top[] = {"dataType", "dataVersion", "cveMetadata", "containers", NULL};
    static const char *const top_short[] = {"dataType",   "dataVersion",  "cveMetadata",
                                            "containers", "descriptions", NULL};
    struct chk c;
    const char *dt, *dv, *state = "";
    json_t *cont;
    size_t s;
    hk_err e;

    memset(&c, 0, sizeof(c));
    c.em = em;
    if (!json_is_object(rec))
        return fail(&c, "a CVE record must be a JSON object");
    if ((e = need(&c, rec, req)))
        return e;
    dt = json_string_value(json_object_get(rec, "dataType"));
    dv = json_string_value(json_object_get(rec, "dataVersion"));
    push(&c, "dataType", &s);
    if (!dt || strcmp(dt, "CVE_RECORD"))
        return fail(&c, "must be \"CVE_RECORD\"");
    pop(&c, s);
    push(&c, "dataVersion", &s);
    if (!dv || (strcmp(dv, "5.0") && strcmp(dv, "5.1")))
        return fail(&c, "must be \"5.0\" (or the compatible \"5.1\")");
    pop(&c, s);
    push(&c, "cveMetadata", &s);
    e = metadata(&c, json_object_get(rec, "cveMetadata"), &state);
    pop(&c, s);
    if (e)
        return e;
    /* cve-services accepts reserved and rejected records with top-level descriptions and
     * no containers; a published record needs its CNA container. */
    if ((e = only(&c, rec, strcmp(state, "PUBLISHED") ? top_short : top, false)))
        return e;
    MEMBER(&c, rec, "descriptions", descriptions);
    cont = json_object_get(rec, "containers");
    if (!cont) {
        if (!strcmp(state, "PUBLISHED"))
            return fail(&c, "required member 'containers' is missing");
        return HK_OK;
    }
    {
        static const char *const creq[] = {"cna", NULL};
        static const char *const cok[] = {"cna", "adp", NULL};
        push(&c, "containers", &s);
        if ((e = is_object(&c, cont)) || (e = need(&c, cont, creq)) ||
            (e = only(&c, cont, cok, false)))
            return e;
        if (!strcmp(state, "REJECTED"))
            MEMBER(&c, cont, "cna", cna_rejected);
        else
            MEMBER(&c, cont, "cna", cna_published);
        MEMBER(&c, cont, "adp", adps);
        pop(&c, s);
    }
    return HK_OK;
}

hk_err hk_cve_parse(const char *p, size_t n, json_t **out, struct hk_errmsg *em)
{
    json_error_t je;
    json_t *rec;
    hk_err err;

    *out = NULL;
    if (n > HK_CVE_MAX_BYTES)
        return hk_errf(em, HK_ETOOBIG, "a CVE record of %zu bytes (at most %u)", n,
                       HK_CVE_MAX_BYTES);
    rec = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!rec)
        return hk_errf(em, HK_EPARSE, "malformed JSON at line %d column %d: %s", je.line, je.column,
                       je.text);
    if ((err = hk_cve_check(rec, em))) {
        json_decref(rec);
        return err;
    }
    *out = rec;
    return HK_OK;
}
