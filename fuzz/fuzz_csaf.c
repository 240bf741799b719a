/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CSAF 2.0 validator (src/vuln/csaf*.c): the input is parsed as JSON
 * (as `hikeshi advisory validate` does, duplicates refused) and validated. The report must
 * always exist and be consistent: "valid" true exactly when the result is HK_OK and there are
 * no errors; every error has a non-empty test ID, a path that is "" or a JSON pointer, and a
 * non-empty message; only HK_OK, HK_EINVAL and HK_ETOOBIG are returned. Validating the same
 * document twice gives the same report.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/csaf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    (void)fprintf(stderr, "fuzz_csaf: %s\n", what);
    abort();
}

static void check_report(json_t *rep, hk_err err)
{
    json_t *errors = json_object_get(rep, "errors"), *e;
    size_t i;

    if (!json_is_array(errors) || !json_is_boolean(json_object_get(rep, "valid")))
        fail("malformed report");
    if (json_is_true(json_object_get(rep, "valid")) != (err == HK_OK))
        fail("valid disagrees with the result");
    if ((err == HK_OK) != (json_array_size(errors) == 0))
        fail("errors disagree with the result");
    if (err != HK_OK && err != HK_EINVAL && err != HK_ETOOBIG)
        fail("unexpected error code");
    json_array_foreach(errors, i, e)
    {
        const char *t = json_string_value(json_object_get(e, "test"));
        const char *p = json_string_value(json_object_get(e, "path"));
        const char *m = json_string_value(json_object_get(e, "message"));

        if (!t || !*t || !p || (*p && *p != '/') || !m || !*m)
            fail("malformed error entry");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *doc, *r1 = NULL, *r2 = NULL;
    hk_err e1, e2;

    if (size > 1u << 20)
        return 0;
    doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        return 0;
    e1 = hk_csaf_validate(doc, &r1);
    e2 = hk_csaf_validate(doc, &r2);
    if (!r1 || !r2)
        fail("no report");
    check_report(r1, e1);
    if (e1 != e2 || !json_equal(r1, r2))
        fail("validation is not deterministic");
    json_decref(r1);
    json_decref(r2);
    json_decref(doc);
    return 0;
}
