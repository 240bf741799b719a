/* SPDX-License-Identifier: MIT */
/*
 * hk_csaf_validate: the entry point of the CSAF 2.0 validator. It bounds the input (depth and
 * number of JSON values, before any recursive work), runs the JSON schema (csaf_schema.c) and
 * the mandatory tests of section 6.1 (csaf_tests.c) on every document, even one that fails the
 * schema (each test checks the types it relies on, as the reference validator does), and
 * builds the report {"valid", "errors":[{"test","path","message"}]}. Also the error collector
 * and its RFC 6901 JSON pointer path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/csaf_int.h"

void csaf_rep_init(struct csaf_rep *r)
{
    memset(r, 0, sizeof(*r));
    r->errors = json_array();
    hk_buf_init(&r->path, HK_BUF_UNBOUNDED);
}

void csaf_rep_release(struct csaf_rep *r)
{
    json_decref(r->errors);
    r->errors = NULL;
    hk_buf_release(&r->path);
}

void csaf_err_at(struct csaf_rep *r, const char *test, const char *path, const char *msg)
{
    if (r->mute)
        return;
    if (r->n++ >= HK_CSAF_MAX_ERRORS)
        return;
    (void)json_array_append_new(
        r->errors, json_pack("{s:s, s:s, s:s}", "test", test, "path", path, "message", msg));
}

void csaf_err(struct csaf_rep *r, const char *test, const char *suffix, const char *fmt, ...)
{
    char msg[512];
    struct hk_buf p = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    va_list ap;

    if (r->mute)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)hk_buf_appends(&p, hk_buf_str(&r->path));
    if (suffix)
        (void)hk_buf_appends(&p, suffix);
    csaf_err_at(r, test, hk_buf_str(&p), msg);
    hk_buf_release(&p);
}

void csaf_errf(struct csaf_rep *r, const char *test, const char *msg, const char *fmt, ...)
{
    char path[1024];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    csaf_err_at(r, test, path, msg);
}

size_t csaf_path_push_key(struct csaf_rep *r, const char *key)
{
    size_t mark = r->path.len;

    (void)hk_buf_appendc(&r->path, '/');
    if (!strpbrk(key, "~/")) {
        (void)hk_buf_appends(&r->path, key);
        return mark;
    }
    for (const char *k = key; *k; k++) {
        if (*k == '~')
            (void)hk_buf_appends(&r->path, "~0");
        else if (*k == '/')
            (void)hk_buf_appends(&r->path, "~1");
        else
            (void)hk_buf_appendc(&r->path, *k);
    }
    return mark;
}

size_t csaf_path_push_index(struct csaf_rep *r, size_t i)
{
    size_t mark = r->path.len;

    (void)hk_buf_appendf(&r->path, "/%zu", i);
    return mark;
}

void csaf_path_pop(struct csaf_rep *r, size_t mark)
{
    if (r->path.buf && mark <= r->path.len) {
        r->path.len = mark;
        r->path.buf[mark] = '\0';
    }
}

/* Counts values and measures depth iteratively-bounded: stops as soon as a bound is passed. */
static bool within_bounds(json_t *v, int depth, size_t *count, char *why, size_t whysize)
{
    const char *k;
    json_t *e;
    size_t i;

    if (++*count > HK_CSAF_MAX_VALUES) {
        (void)snprintf(why, whysize, "document has more than %d JSON values", HK_CSAF_MAX_VALUES);
        return false;
    }
    if (!json_is_object(v) && !json_is_array(v))
        return true;
    if (depth >= HK_CSAF_MAX_DEPTH) {
        (void)snprintf(why, whysize, "document is nested deeper than %d levels", HK_CSAF_MAX_DEPTH);
        return false;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, k,
                            e) if (!within_bounds(e, depth + 1, count, why, whysize)) return false;
    } else {
        json_array_foreach(v, i,
                           e) if (!within_bounds(e, depth + 1, count, why, whysize)) return false;
    }
    return true;
}

static json_t *make_report(struct csaf_rep *r)
{
    json_t *rep;

    if (r->n > HK_CSAF_MAX_ERRORS) {
        char msg[96];

        (void)snprintf(msg, sizeof(msg), "too many errors: %zu more not listed",
                       r->n - HK_CSAF_MAX_ERRORS);
        (void)json_array_append_new(
            r->errors, json_pack("{s:s, s:s, s:s}", "test", "limit", "path", "", "message", msg));
    }
    rep = json_pack("{s:b, s:O}", "valid", r->n == 0, "errors", r->errors);
    return rep;
}

hk_err hk_csaf_validate(json_t *doc, json_t **report)
{
    const struct csaf_schema *schema = csaf_schema_root();
    struct csaf_rep r;
    size_t count = 0;
    char why[128];
    hk_err err;

    if (report)
        *report = NULL;
    if (!schema)
        return HK_EINTEGRITY; /* the embedded schemas did not compile: a build problem */
    csaf_rep_init(&r);
    if (!doc) {
        csaf_err_at(&r, "json", "", "no document");
        err = HK_EINVAL;
        goto out;
    }
    if (!within_bounds(doc, 0, &count, why, sizeof(why))) {
        csaf_err_at(&r, "limit", "", why);
        err = HK_ETOOBIG;
        goto out;
    }
    (void)csaf_schema_check(schema, doc, &r, "schema");
    csaf_path_pop(&r, 0);
    if (json_is_object(doc))
        csaf_mandatory_tests(doc, &r);
    err = r.n ? HK_EINVAL : HK_OK;
out:
    if (report)
        *report = make_report(&r);
    csaf_rep_release(&r);
    return err;
}
