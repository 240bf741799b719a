/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the X-ARF parser (src/exchange/xarf.c, xarf_check.c,
 * xarf_report.c): any input either yields a submission (an object with string subject,
 * content, reporter, and source "email") or fails with HK_EPARSE/HK_EINVAL/HK_ETOOBIG and a
 * message starting "X-ARF"; never both, never neither. The corpus holds the v3 samples of
 * tests/data/xarf (positive and negative) and v4 documents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_errmsg em = {{0}};
    json_t *sub = NULL;
    int ver = 0;
    hk_err err = hk_xarf_parse((const char *)data, size, &sub, &ver, &em);

    if (!err) {
        if (!sub || (ver != 3 && ver != 4) || !json_is_string(json_object_get(sub, "subject")) ||
            !json_is_string(json_object_get(sub, "content")) ||
            !json_is_string(json_object_get(sub, "reporter")) ||
            strcmp(json_string_value(json_object_get(sub, "source")), "email"))
            abort();
    } else if (sub || strncmp(em.text, "X-ARF", 5) ||
               (err != HK_EPARSE && err != HK_EINVAL && err != HK_ETOOBIG)) {
        (void)fprintf(stderr, "fuzz_xarf: bad failure: %d %s\n", (int)err, em.text);
        abort();
    }
    json_decref(sub);
    return 0;
}
