/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the observable extractor (src/handling/observables.c). It extracts
 * from the raw bytes with a list that is reused across inputs, as the bulk importer does,
 * and checks the invariants of struct hk_obs_list: n <= max, truncated only when full,
 * every value NUL-terminated with len == strlen(value) and 0 < len <= HK_OBS_VALUE_MAX, no
 * duplicate (type, value), and every value classifying back to itself, since extraction and
 * hk_obs_classify share their parsers and values are stored refanged and normalised.
 * The first byte picks a small or the default cap, so truncation is fuzzed too.
 */
#include "hikeshi/observables.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct hk_observable *it)
{
    (void)fprintf(stderr, "fuzz_observables: %s: %s '%s'\n", what,
                  it ? hk_obs_type_name(it->type) : "-", it ? it->value : "");
    abort();
}

static void check_item(const struct hk_obs_list *l, size_t i)
{
    const struct hk_observable *it = &l->items[i];
    enum hk_obs_type type;
    char out[HK_OBS_VALUE_MAX + 1];

    if ((unsigned)it->type >= HK_OBS__COUNT)
        fail("type out of range", NULL);
    if (!memchr(it->value, '\0', sizeof(it->value)) || it->len != strlen(it->value))
        fail("len differs from strlen", it);
    if (it->len == 0 || it->len > HK_OBS_VALUE_MAX)
        fail("bad length", it);
    for (size_t j = 0; j < i; j++)
        if (l->items[j].type == it->type && !strcmp(l->items[j].value, it->value))
            fail("duplicate", it);
    /* Values are normalised and refanged, and classify uses the same parsers, so this must
     * hold for every type. */
    if (hk_obs_classify(it->value, &type, out, sizeof(out)) != HK_OK)
        fail("value does not classify", it);
    if (type != it->type || strcmp(out, it->value) != 0)
        fail("value classifies differently", it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hk_obs_list l;
    static int ready;

    if (!ready) {
        hk_obs_list_init(&l, HK_OBS_DEFAULT_MAX);
        ready = 1;
    }
    l.max = (size && (data[0] & 1)) ? 3 : HK_OBS_DEFAULT_MAX;
    if (hk_obs_extract((const char *)data, size, &l) != HK_OK)
        fail("extract failed", NULL);
    if (l.n > l.max || (l.truncated && l.n != l.max) || (l.n && !l.items))
        fail("list invariant", NULL);
    for (size_t i = 0; i < l.n; i++)
        check_item(&l, i);
    return 0;
}
