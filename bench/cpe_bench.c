/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/cpe.sh: one advisory criterion, "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:
 * *:*" with versions from 2.4.0 (including) to 2.4.52 (excluding), matched against N
 * (default 1,000,000) synthetic assets. The assets are formatted strings generated with a
 * fixed seed: 3,000 vendors with 20 products each, versions major.minor.patch, some with an
 * update, a quoted character or a target_sw, and 2% apache http_server 2.2.x / 2.4.x; the
 * generator counts how many lie in the range and the driver checks that hk_cpe_affects finds
 * exactly those. Two timings, each the best of five rounds in thread CPU time: matching
 * names parsed beforehand (what a resident index holds) and parsing plus matching from the
 * strings (what a scan over the stored asset table costs). Not a test: no time is asserted.
 */
#include "hikeshi/cpe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5

static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Writes asset i into buf; returns 1 when it lies in the advisory's range. */
static int gen(char *buf, size_t cap)
{
    static const char *const tsw[] = {"*", "*", "linux", "windows", "-", "iphone_os"};
    uint32_t r = next();

    if (r % 50 == 0) {
        unsigned minor = next() % 2 ? 4 : 2, patch = next() % 61;

        snprintf(buf, cap, "cpe:2.3:a:apache:http_server:2.%u.%u:*:*:*:*:%s:*:*", minor, patch,
                 tsw[next() % 6]);
        return minor == 4 && patch < 52;
    }
    switch (r % 4) {
    case 0:
        snprintf(buf, cap, "cpe:2.3:a:vendor%u:product%u:%u.%u.%u:*:*:*:*:%s:*:*", next() % 3000,
                 next() % 20, next() % 20, next() % 30, next() % 100, tsw[next() % 6]);
        break;
    case 1:
        snprintf(buf, cap, "cpe:2.3:a:vendor%u:product%u\\+\\+:%u.%u:sp%u:*:*:*:*:*:*",
                 next() % 3000, next() % 20, next() % 20, next() % 30, next() % 4);
        break;
    case 2:
        snprintf(buf, cap, "cpe:2.3:o:Vendor%u:OS_%u:%u.%u-rc%u:-:*:en-us:*:*:x64:*", next() % 3000,
                 next() % 20, next() % 20, next() % 30, next() % 3);
        break;
    default:
        snprintf(buf, cap, "cpe:2.3:h:vendor%u:device%u:-:*:*:*:*:*:*:*", next() % 3000,
                 next() % 20);
        break;
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    const char *adv = "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*";
    struct hk_cpe_range range = {"2.4.0", true, "2.4.52", false};
    struct hk_cpe crit, *assets = malloc(n * sizeof(*assets));
    char **text = malloc(n * sizeof(*text));
    size_t *len = malloc(n * sizeof(*len)), expect = 0, bytes = 0;
    uint64_t t0, best_pre = UINT64_MAX, best_scan = UINT64_MAX, parse_ns;
    struct hk_errmsg em;
    char buf[HK_CPE_MAX_LEN + 1];

    if (!assets || !text || !len || hk_cpe_parse(adv, strlen(adv), &crit, &em) != HK_OK)
        return 1;
    for (size_t i = 0; i < n; i++) {
        expect += (size_t)gen(buf, sizeof(buf));
        len[i] = strlen(buf);
        bytes += len[i];
        text[i] = strdup(buf);
        if (!text[i])
            return 1;
    }
    t0 = cpu_ns();
    for (size_t i = 0; i < n; i++)
        if (hk_cpe_parse(text[i], len[i], &assets[i], &em) != HK_OK) {
            fprintf(stderr, "asset %s refused: %s\n", text[i], em.text);
            return 1;
        }
    parse_ns = cpu_ns() - t0;
    for (int round = 0; round < ROUNDS; round++) {
        size_t hits = 0;
        uint64_t d;

        t0 = cpu_ns();
        for (size_t i = 0; i < n; i++)
            hits += hk_cpe_affects(&crit, &range, &assets[i]);
        d = cpu_ns() - t0;
        if (hits != expect) {
            fprintf(stderr, "pre-parsed: %zu affected, expected %zu\n", hits, expect);
            return 1;
        }
        best_pre = d < best_pre ? d : best_pre;
        hits = 0;
        t0 = cpu_ns();
        for (size_t i = 0; i < n; i++) {
            struct hk_cpe a;

            if (hk_cpe_parse(text[i], len[i], &a, NULL) == HK_OK)
                hits += hk_cpe_affects(&crit, &range, &a);
        }
        d = cpu_ns() - t0;
        if (hits != expect) {
            fprintf(stderr, "scan: %zu affected, expected %zu\n", hits, expect);
            return 1;
        }
        best_scan = d < best_scan ? d : best_scan;
    }
    printf("assets: %zu (%.1f MB of CPE strings, %zu affected, checked)\n", n, bytes / 1e6, expect);
    printf("parse once: %.3f s (%.0f ns/asset)\n", parse_ns / 1e9, (double)parse_ns / n);
    printf("match, pre-parsed: %.3f s (%.1f ns/asset)\n", best_pre / 1e9, (double)best_pre / n);
    printf("parse+match from strings: %.3f s (%.1f ns/asset)\n", best_scan / 1e9,
           (double)best_scan / n);
    for (size_t i = 0; i < n; i++)
        free(text[i]);
    free(text);
    free(len);
    free(assets);
    return 0;
}
