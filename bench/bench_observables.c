/* SPDX-License-Identifier: MIT */
/*
 * Micro benchmark for hk_obs_extract on the bulk-import path: generates 100,000 synthetic
 * report texts of about 300 bytes (prose with a few indicators each, some defanged, some
 * reports with none) from a fixed seed, then extracts from all of them with one reused
 * list and prints reports per second and nanoseconds per report (best of five rounds, in
 * thread CPU time).
 * Not a test: nothing here asserts a time. Build by hand or through CMake, e.g.
 *   cc -O2 -Iinclude bench/bench_observables.c src/handling/observables.c \
 *      src/handling/observables_tld.c src/core/buf.c src/core/err.c src/core/util.c \
 *      -lsodium -o bench_observables
 */
#include "hikeshi/core.h"
#include "hikeshi/observables.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NREPORTS 100000
#define ROUNDS   5

static const char *const words[] = {
    "the",     "server",   "was",     "observed", "sending", "traffic", "to",      "our",
    "network", "customer", "reports", "phishing", "mail",    "with",    "a",       "link",
    "please",  "take",     "down",    "abuse",    "contact", "team",    "regards", "incident",
    "hosted",  "at",       "from",    "malware",  "sample",  "dropped", "via",     "exploit",
};

static const char *const iocs[] = {
    "198.51.100.23",
    "203.0.113[.]7",
    "hxxps://login-example[.]com/verify.php?id=42",
    "http://malware.example.net/a.bin",
    "abuse@isp.example.org",
    "evil[.]example[.]com",
    "d41d8cd98f00b204e9800998ecf8427e",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "CVE-2021-44228",
    "AS64496",
    "2001:db8::1",
    "192.0.2.0/24",
    "invoice.pdf",
    "version 1.2.3.4.5",
};

/* CPU time of this thread, so that other processes on a shared machine do not count. */
static uint64_t cpu_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
        return hk_mono_ns();
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* Appends one report of about 300 bytes to b; one report in five has no indicator. */
static hk_err make_report(struct hk_buf *b)
{
    size_t start = b->len;
    int with_iocs = rnd() % 5 != 0;
    hk_err err = HK_OK;

    while (!err && b->len - start < 300) {
        if (with_iocs && rnd() % 8 == 0)
            err = hk_buf_appendf(b, "%s ", iocs[rnd() % (sizeof(iocs) / sizeof(iocs[0]))]);
        else
            err = hk_buf_appendf(b, "%s%s", words[rnd() % (sizeof(words) / sizeof(words[0]))],
                                 rnd() % 10 == 0 ? ". " : " ");
    }
    return err;
}

int main(void)
{
    struct hk_buf text = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_obs_list l;
    size_t *off = malloc((NREPORTS + 1) * sizeof(*off));
    uint64_t best = UINT64_MAX;
    size_t found = 0;
    int rc = 1;

    if (!off)
        goto out;
    for (size_t i = 0; i < NREPORTS; i++) {
        off[i] = text.len;
        if (make_report(&text))
            goto out;
    }
    off[NREPORTS] = text.len;
    hk_obs_list_init(&l, HK_OBS_DEFAULT_MAX);
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t t0 = cpu_ns(), dt;

        found = 0;
        for (size_t i = 0; i < NREPORTS; i++) {
            (void)hk_obs_extract(text.buf + off[i], off[i + 1] - off[i], &l);
            found += l.n;
        }
        dt = cpu_ns() - t0;
        best = dt < best ? dt : best;
    }
    hk_obs_list_release(&l);
    printf("bench_observables: %d reports, %.0f bytes/report, %zu observables\n", NREPORTS,
           (double)text.len / NREPORTS, found);
    printf("bench_observables: %.0f reports/s, %.0f ns/report, %.0f MB/s\n",
           NREPORTS / ((double)best / 1e9), (double)best / NREPORTS,
           (double)text.len / ((double)best / 1e9) / 1e6);
    rc = 0;
out:
    free(off);
    hk_buf_release(&text);
    return rc;
}
