/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CPE 2.3 parser, formatter, matcher and version ordering
 * (src/vuln/cpe.c). Every input is parsed; a refusal must come with HK_EPARSE or HK_ETOOBIG
 * and a non-empty message. An accepted name is formatted back, and the text parses again to
 * the same name and formats to the same text; a name matched against itself is EQUAL, or
 * DISJOINT when it holds a pattern (a target may not); each attribute value is equal to itself
 * as a version. Independently the input's two halves are compared as versions: the order must
 * be antisymmetric.
 */
#include "hikeshi/cpe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
    (void)fprintf(stderr, "fuzz_cpe: %s: '%.*s'\n", what, (int)(size > 600 ? 600 : size),
                  (const char *)data);
    abort();
}

static int sign(int c)
{
    return (c > 0) - (c < 0);
}

static void check_name(const struct hk_cpe *c, const uint8_t *data, size_t size)
{
    char text[HK_CPE_MAX_LEN + 1], text2[HK_CPE_MAX_LEN + 1];
    struct hk_cpe again;
    int pattern = 0;

    if (hk_cpe_format(c, text, sizeof(text)) != HK_OK)
        fail("format failed", data, size);
    if (hk_cpe_parse(text, strlen(text), &again, NULL) != HK_OK)
        fail("formatted name refused", data, size);
    if (memcmp(c, &again, sizeof(again)) != 0)
        fail("round trip changed the name", data, size);
    if (hk_cpe_format(&again, text2, sizeof(text2)) != HK_OK || strcmp(text, text2) != 0)
        fail("format not stable", data, size);
    for (int a = 0; a < HK_CPE_NATTR; a++) {
        size_t n;
        const char *v = hk_cpe_value(c, (enum hk_cpe_attr)a, &n);

        if (c->kind[a] > HK_CPE_NA || c->off[a] + n > HK_CPE_BUF)
            fail("attribute out of bounds", data, size);
        pattern |= c->kind[a] == HK_CPE_PATTERN;
        if (hk_cpe_version_cmp(v, n, v, n) != 0)
            fail("version not equal to itself", data, size);
    }
    if (hk_cpe_match(c, c) != (pattern ? HK_CPE_DISJOINT : HK_CPE_EQUAL))
        fail("self match", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_cpe c;
    struct hk_errmsg em = {{0}};
    hk_err err = hk_cpe_parse((const char *)data, size, &c, &em);
    size_t h = size / 2;

    if (err != HK_OK) {
        if ((err != HK_EPARSE && err != HK_ETOOBIG) || em.text[0] == '\0' ||
            !memchr(em.text, '\0', sizeof(em.text)))
            fail("bad refusal", data, size);
    } else {
        check_name(&c, data, size);
    }
    if (sign(hk_cpe_version_cmp((const char *)data, h, (const char *)data + h, size - h)) !=
        -sign(hk_cpe_version_cmp((const char *)data + h, size - h, (const char *)data, h)))
        fail("version order not antisymmetric", data, size);
    return 0;
}
