/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the query-string parser (hk_http_query_parse, src/api/router.c).
 * The first byte picks the scratch size (0 to 255 bytes, so both "fits" and "too small"
 * are fuzzed), the rest is the query string. The scratch buffer is heap-allocated at its
 * exact size so AddressSanitizer catches any write past it. Checks: the result is one of
 * HK_OK, HK_ETOOBIG, HK_EPARSE; nargs <= HK_HTTP_MAX_ARGS; on success every key and value
 * lies inside scratch and is NUL-terminated there, no argument overlaps the next, and
 * decoding never grows text (each decoded key or value is at most as long as its raw
 * segment, so the total fits the input).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, size_t i)
{
    (void)fprintf(stderr, "fuzz_query: %s (arg %zu)\n", what, i);
    abort();
}

/* s must start inside [scratch, scratch + n) and have its NUL there too; returns the end. */
static const char *inside(const char *s, const char *scratch, size_t n, size_t i)
{
    const char *nul;

    if (!s || s < scratch || s >= scratch + n)
        die("string outside scratch", i);
    nul = memchr(s, '\0', (size_t)(scratch + n - s));
    if (!nul)
        die("string not NUL-terminated inside scratch", i);
    return nul;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_http_req req;
    size_t n, total = 0;
    const char *prev_end = NULL;
    char *scratch;
    hk_err err;

    if (size < 1)
        return 0;
    n = data[0];
    scratch = malloc(n ? n : 1);
    if (!scratch)
        return 0;
    memset(&req, 0, sizeof(req));
    req.nargs = 12345; /* must be reset by the parser */
    err = hk_http_query_parse((const char *)data + 1, size - 1, &req, scratch, n);
    if (err != HK_OK && err != HK_ETOOBIG && err != HK_EPARSE)
        die("unexpected error code", (size_t)err);
    if (req.nargs > HK_HTTP_MAX_ARGS)
        die("nargs above HK_HTTP_MAX_ARGS", req.nargs);
    if (err == HK_OK) {
        for (size_t i = 0; i < req.nargs; i++) {
            const char *kend, *vend;
            if (prev_end && req.args[i].key <= prev_end)
                die("argument overlaps the previous one", i);
            kend = inside(req.args[i].key, scratch, n, i);
            vend = inside(req.args[i].value, scratch, n, i);
            if (req.args[i].value <= kend)
                die("value overlaps its key", i);
            total += (size_t)(kend - req.args[i].key) + (size_t)(vend - req.args[i].value);
            prev_end = vend;
        }
        if (total > size - 1)
            die("decoded text longer than the input", total);
    }
    free(scratch);
    return 0;
}
