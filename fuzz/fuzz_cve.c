/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CVE JSON 5 record reader (src/vuln/cve.c). Every input goes
 * through hk_cve_parse: a refusal must come with HK_EPARSE, HK_EINVAL or HK_ETOOBIG and a
 * message, and an HK_EINVAL message must start with the JSON pointer of the problem ("/").
 * An accepted record must pass hk_cve_check again after a serialise/parse round trip (the
 * check depends on the content only), and the id and state checks agree with the record.
 */
#include "hikeshi/vcase.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *msg)
{
    (void)fprintf(stderr, "fuzz_cve: %s (%s)\n", what, msg ? msg : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_errmsg em;
    json_t *rec = NULL, *again;
    char *text;
    hk_err err;

    memset(&em, 0, sizeof(em));
    err = hk_cve_parse((const char *)data, size, &rec, &em);
    if (err != HK_OK) {
        if (rec)
            fail("refused record returned", em.text);
        if (err != HK_EPARSE && err != HK_EINVAL && err != HK_ETOOBIG)
            fail("unexpected error code", hk_err_code(err));
        if (!em.text[0])
            fail("refusal without a message", NULL);
        if (err == HK_EINVAL && em.text[0] != '/')
            fail("HK_EINVAL message without a JSON pointer", em.text);
        return 0;
    }
    if (!rec)
        fail("accepted without a record", NULL);
    if (!hk_cve_id_valid(
            json_string_value(json_object_get(json_object_get(rec, "cveMetadata"), "cveId"))))
        fail("accepted an invalid cveId", NULL);
    text = json_dumps(rec, JSON_COMPACT);
    if (!text)
        fail("cannot serialise", NULL);
    again = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    free(text);
    if (!again || hk_cve_check(again, &em) != HK_OK)
        fail("round trip refused", em.text);
    json_decref(again);
    json_decref(rec);
    return 0;
}
