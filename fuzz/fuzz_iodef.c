/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the IODEF importer (src/exchange/iodef.c, libxml2 with network
 * access off and DTDs refused) and the writer: any input either imports into a submission
 * or fails with a message starting "IODEF"; when it imports, its content (as an observable
 * list) is written back as an IODEF document that must import again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/exchange.h"
#include "hikeshi/observables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *observables_of(const char *text)
{
    struct hk_obs_list l;
    json_t *a = json_array();

    hk_obs_list_init(&l, 100);
    if (hk_obs_extract(text, strlen(text), &l) == HK_OK)
        for (size_t i = 0; i < l.n; i++)
            json_array_append_new(a,
                                  json_pack("{s:s, s:s}", "type", hk_obs_type_name(l.items[i].type),
                                            "value", l.items[i].value));
    hk_obs_list_release(&l);
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_errmsg em = {{0}};
    json_t *sub = NULL, *again = NULL, *obs;
    struct hk_buf out = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    hk_err err = hk_iodef_import((const char *)data, size, &sub, &em);

    (void)hk_iodef_detect((const char *)data, size);
    if (err) {
        if (sub || strncmp(em.text, "IODEF", 5))
            abort();
        return 0;
    }
    obs = observables_of(json_string_value(json_object_get(sub, "content")));
    {
        struct hk_iodef_doc d = {.team = "fuzz",
                                 .incident_id = "1",
                                 .title = json_string_value(json_object_get(sub, "subject")),
                                 .observables = obs,
                                 .generation_time = 1};
        if (hk_iodef_write(&d, &out, &em) || hk_iodef_import(out.buf, out.len, &again, &em)) {
            (void)fprintf(stderr, "fuzz_iodef: re-import failed: %s\n", em.text);
            abort();
        }
    }
    json_decref(again);
    json_decref(obs);
    json_decref(sub);
    hk_buf_release(&out);
    return 0;
}
