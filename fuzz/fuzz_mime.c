/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for mail intake parsing (src/mail/in_parse.c with GMime 3, and through
 * it X-ARF and IODEF): any bytes give a parse result with every string set, at least one
 * report submission (a message is never dropped: a failure gives a report that says why),
 * and a kind; an unparsed result carries an error. No keyring is configured (signatures are
 * "not-checked"), so the target never starts gpg.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/mailin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_mailin_opts o = {0};
    struct hk_mailin_parsed p;

    hk_mailin_parse((const char *)data, size, false, &o, &p);
    if (!p.message_id || !p.in_reply_to || !p.from || !p.reply_to || !p.subject || !p.error ||
        !p.text || !json_array_size(p.submissions) || (p.kind == HK_MAILIN_UNPARSED && !*p.error) ||
        p.pgp == HK_PGP_GOOD)
        abort();
    for (size_t i = 0; i < json_array_size(p.submissions); i++)
        if (!json_is_string(json_object_get(json_array_get(p.submissions, i), "content")))
            abort();
    hk_mailin_parsed_release(&p);
    return 0;
}
