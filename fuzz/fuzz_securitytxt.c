/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the security.txt parser (src/directory/securitytxt.c): any bytes,
 * plain or cleartext-signed. A refusal must come with a message and leave the struct
 * empty; an accepted file has at least one Contact, every string is NUL-terminated and
 * within the value limit, and parsing the same bytes again gives the same result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    (void)fprintf(stderr, "fuzz_securitytxt: %s\n", what);
    abort();
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_securitytxt s, s2;
    struct hk_errmsg em = {{0}};
    hk_err err = hk_securitytxt_parse((const char *)data, size, &s, &em);

    if (err) {
        if (!em.text[0] || s.ncontacts || s.policy || s.encryption || s.languages)
            fail("refusal without a message, or not empty");
        return 0;
    }
    if (!s.ncontacts)
        fail("accepted without a Contact");
    for (size_t i = 0; i < s.ncontacts; i++)
        if (!s.contacts[i] || strlen(s.contacts[i]) > 1024 || !s.contacts[i][0])
            fail("bad contact string");
    if (hk_securitytxt_parse((const char *)data, size, &s2, &em))
        fail("second parse refused");
    if (s2.ncontacts != s.ncontacts || !same(s.policy, s2.policy) ||
        !same(s.encryption, s2.encryption) || !same(s.languages, s2.languages) ||
        s.expires != s2.expires || s.signed_ != s2.signed_)
        fail("second parse differs");
    hk_securitytxt_release(&s);
    hk_securitytxt_release(&s2);
    return 0;
}
