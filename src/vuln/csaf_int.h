/* SPDX-License-Identifier: MIT */
/*
 * Private pieces of the CSAF validator (src/vuln/csaf_*.c): the error collector with its JSON
 * pointer path, the compiled JSON schema interpreter (csaf_schema.c), the mandatory tests
 * (csaf_tests.c), the BCP 47 language tag check (csaf_lang.c) and the generated tables
 * (csaf_cwe.c, csaf_langtab.c).
 */
#ifndef HIKESHI_VULN_CSAF_INT_H
#define HIKESHI_VULN_CSAF_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "hikeshi/core.h"
#include "hikeshi/csaf.h"

/* The error collector: a growing "errors" array and the current instance path. */
struct csaf_rep {
    json_t *errors; /* array of {"test","path","message"} */
    size_t n;       /* errors added (also counts those dropped past the cap) */
    struct hk_buf path;
    int mute; /* > 0 while trying a oneOf/anyOf/not branch: errors only count */
};

void csaf_rep_init(struct csaf_rep *r);
void csaf_rep_release(struct csaf_rep *r);
/* Adds an error at the current path followed by suffix (NULL or a raw "/a/0" pointer tail). */
void csaf_err(struct csaf_rep *r, const char *test, const char *suffix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds an error at an absolute JSON pointer built from fmt (path segments are not escaped:
 * callers escape member names with csaf_ptr_escape). */
void csaf_err_at(struct csaf_rep *r, const char *test, const char *path, const char *msg);
/* Path stack: push a member name (escaped per RFC 6901) or an index; pop back to a mark. */
size_t csaf_path_push_key(struct csaf_rep *r, const char *key);
size_t csaf_path_push_index(struct csaf_rep *r, size_t i);
void csaf_path_pop(struct csaf_rep *r, size_t mark);

/* The compiled schemas. */
struct csaf_schema;
/* Compiles the embedded schemas once (thread-safe); NULL if they are unusable (a build bug). */
const struct csaf_schema *csaf_schema_root(void);
/* The FIRST CVSS schemas for test 6.1.8: "2.0" or "3" (oneOf 3.0, 3.1). */
const struct csaf_schema *csaf_schema_cvss(const char *which);
/* Validates inst against s, appending errors with the given test ID; true when valid. */
bool csaf_schema_check(const struct csaf_schema *s, json_t *inst, struct csaf_rep *r,
                       const char *test);

/* Format checks shared with the tests (section 3.1 formats). */
bool csaf_is_date_time(const char *s);
/* Parses an RFC 3339 date-time into seconds since the epoch (UTC) and nanoseconds. */
bool csaf_date_time_parse(const char *s, long long *sec, long *nsec);
bool csaf_is_uri(const char *s);
bool csaf_is_email(const char *s);

/* The mandatory tests of section 6.1, each appending its own errors: all of them
 * (csaf_tests.c), and the groups in their own files. */
void csaf_mandatory_tests(json_t *doc, struct csaf_rep *r);
void csaf_cvss_tests(json_t *doc, struct csaf_rep *r);     /* csaf_cvss.c */
void csaf_tracking_tests(json_t *doc, struct csaf_rep *r); /* csaf_tracking.c */

/* Helpers of the tests. P(o, k): member k of o, NULL unless o is an object that has it. */
#define P(o, k) json_object_get((o), (k))

static inline const char *csaf_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A string set is a jansson object whose keys are the members (lengths kept). */
static inline bool csaf_set_has(json_t *set, json_t *s)
{
    return json_is_string(s) && json_object_getn(set, json_string_value(s), json_string_length(s));
}

static inline void csaf_set_add(json_t *set, json_t *s)
{
    if (json_is_string(s))
        (void)json_object_setn_new_nocheck(set, json_string_value(s), json_string_length(s),
                                           json_true());
}

/* JavaScript truthiness, which decides what the reference validator counts as present in a
 * document that the schema already refuses: absent, null, false, 0 and "" are not. */
static inline bool csaf_truthy(json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_number(v))
        return json_number_value(v) != 0;
    return true;
}

/* Adds an error at the JSON pointer built from fmt (indices and fixed member names only). */
void csaf_errf(struct csaf_rep *r, const char *test, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* BCP 47 (RFC 5646) language tag with registered language, script and region subtags. */
bool csaf_lang_valid(const char *tag);
/* Package URL (purl-spec) syntax; on failure *why names the problem. */
bool csaf_purl_valid(const char *s, const char **why);

struct hk_csaf_cwe {
    const char *id;
    const char *name;
};
extern const struct hk_csaf_cwe hk_csaf_cwes[];
extern const size_t hk_csaf_ncwes;
extern const char hk_csaf_lang2[], hk_csaf_lang3[], hk_csaf_region[], hk_csaf_script[];

#endif
