/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the advisory reading path of the early warning
 * (src/vuln/advisory_match.c): any JSON document is compiled into match criteria (product
 * tree branches, full product names, relationships, product status, CPE 2.2 and 2.3 names,
 * purls, vers ranges) and matched against a small fixed asset index. Nothing may crash or
 * leak; every hit must name a valid asset and criterion, and each asset is hit at most once.
 */
#include "hikeshi/advisory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const assets[][2] = {
    {"cpe", "cpe:2.3:a:acme:server:2.3.0:*:*:*:*:*:*:*"},
    {"cpe", "cpe:2.3:a:vend-a:widget_server:2.1:*:*:*:*:*:*:*"},
    {"cpe", "cpe:2.3:o:acme:os:10:*:*:*:*:*:*:*"},
    {"purl", "pkg:npm/widgetlib@1.2.0"},
    {"purl", "pkg:pypi/django@4.2"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    struct hk_adv_criteria *cr = NULL;
    struct hk_asset_index *ix;
    struct hk_adv_hit *h = NULL;
    size_t n = 0, na = sizeof(assets) / sizeof(assets[0]);

    if (!doc)
        return 0;
    ix = hk_asset_index_new(na);
    for (size_t i = 0; i < na; i++)
        if (hk_asset_index_add(ix, (int64_t)i + 1, 1, assets[i][0], assets[i][1], ""))
            abort();
    if (!hk_adv_criteria_build(doc, &cr, NULL)) {
        for (size_t i = 0; i < hk_adv_criteria_count(cr); i++)
            json_decref(hk_adv_criterion_json(cr, i));
        if (hk_adv_match(ix, cr, &h, &n))
            abort();
        if (n > na)
            abort();
        for (size_t i = 0; i < n; i++)
            if (h[i].asset >= na || h[i].criterion >= hk_adv_criteria_count(cr) ||
                (i && h[i].asset <= h[i - 1].asset))
                abort();
        free(h);
        hk_adv_criteria_free(cr);
    }
    hk_asset_index_free(ix);
    json_decref(doc);
    return 0;
}
