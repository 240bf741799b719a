/* SPDX-License-Identifier: MIT */
/*
 * In-process driver for bench/csaf.sh: reads, parses (jansson) and validates
 * (hk_csaf_validate, report built) every file given, ROUNDS times, and prints the thread CPU
 * time of those rounds, the counterpart of the reference's validation loop timed inside node.
 * The schemas are compiled before the clock starts (the first call compiles them once).
 * Usage: csaf_bench ROUNDS FILE...
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hikeshi/csaf.h"

static double cpu_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 0;
    long docs = 0, invalid = 0;
    double t0;
    json_t *warm = json_object();

    if (rounds < 1 || argc < 3) {
        (void)fprintf(stderr, "usage: csaf_bench ROUNDS FILE...\n");
        return 2;
    }
    (void)hk_csaf_validate(warm, NULL); /* compiles the schemas */
    json_decref(warm);
    t0 = cpu_now();
    for (int r = 0; r < rounds; r++)
        for (int i = 2; i < argc; i++) {
            json_error_t je;
            json_t *doc = json_load_file(argv[i], JSON_REJECT_DUPLICATES, &je), *rep = NULL;

            if (doc && hk_csaf_validate(doc, &rep) != HK_OK)
                invalid++;
            docs++;
            json_decref(rep);
            json_decref(doc);
        }
    printf("%.3f s CPU, %ld documents (%ld invalid), %.1f us/document\n", cpu_now() - t0, docs,
           invalid, (cpu_now() - t0) * 1e6 / (double)docs);
    return 0;
}
