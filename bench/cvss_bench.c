/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/cvss.sh. `cvss_bench bench FILE [N]` loads the vectors of FILE (one a
 * line) and parses and scores them round-robin until N (default 10,000,000) have been done,
 * five times, printing the best round's vectors per second and nanoseconds per vector in
 * thread CPU time. `cvss_bench print FILE` prints, per vector, the scores in the form that
 * bench/cvss_peer.js prints, for the differential check against the peer.
 * Not a test: nothing here asserts a time. Built by bench/cvss.sh against libhikeshi.a.
 */
#include "hikeshi/cvss.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5

struct vecs {
    char **v;
    size_t *len;
    size_t n;
};

static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int load(const char *path, struct vecs *vs)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    size_t cap = 0;

    if (!f) {
        perror(path);
        return -1;
    }
    memset(vs, 0, sizeof(*vs));
    while (fgets(line, sizeof(line), f)) {
        size_t n = strcspn(line, "\r\n");

        if (n == 0)
            continue;
        if (vs->n == cap) {
            cap = cap ? cap * 2 : 1024;
            vs->v = realloc(vs->v, cap * sizeof(*vs->v));
            vs->len = realloc(vs->len, cap * sizeof(*vs->len));
            if (!vs->v || !vs->len)
                abort();
        }
        vs->v[vs->n] = strndup(line, n);
        vs->len[vs->n++] = n;
    }
    fclose(f);
    return vs->n ? 0 : -1;
}

static void tenths(char *buf, size_t size, int t)
{
    (void)snprintf(buf, size, "%s%d.%d", t < 0 ? "-" : "", abs(t) / 10, abs(t) % 10);
}

/* "VECTOR<TAB>base<TAB>temporal|-<TAB>environmental|-<TAB>score", or "VECTOR<TAB>error". For
 * v4.0, base is CVSS-B and temporal the CVSS-BT score; a dash where the vector gives no
 * metric of that kind. */
static int print_all(const struct vecs *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        struct hk_cvss cv;
        struct hk_cvss_scores s;
        char b[16], t[16] = "-", e[16] = "-", o[16];

        if (hk_cvss_parse(vs->v[i], vs->len[i], &cv, NULL) != HK_OK) {
            printf("%s\terror\n", vs->v[i]);
            continue;
        }
        hk_cvss_score(&cv, &s);
        tenths(b, sizeof(b), s.base);
        if (s.has_temporal)
            tenths(t, sizeof(t), s.version == HK_CVSS_V40 ? s.threat : s.temporal);
        if (s.has_environmental)
            tenths(e, sizeof(e), s.environmental);
        tenths(o, sizeof(o), s.score);
        printf("%s\t%s\t%s\t%s\t%s\n", vs->v[i], b, t, e, o);
    }
    return 0;
}

static int bench(const struct vecs *vs, long total)
{
    uint64_t best = UINT64_MAX;
    unsigned long check = 0;

    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = cpu_ns(), dt;
        size_t j = 0;

        for (long k = 0; k < total; k++) {
            struct hk_cvss cv;
            struct hk_cvss_scores s;

            if (hk_cvss_parse(vs->v[j], vs->len[j], &cv, NULL) != HK_OK) {
                fprintf(stderr, "refused: %s\n", vs->v[j]);
                return 1;
            }
            hk_cvss_score(&cv, &s);
            check += (unsigned long)s.score;
            if (++j == vs->n)
                j = 0;
        }
        dt = cpu_ns() - t0;
        if (dt < best)
            best = dt;
    }
    printf("vectors %ld (%zu distinct), best of %d rounds: %.0f vectors/s, %.1f ns/vector "
           "(checksum %lu)\n",
           total, vs->n, ROUNDS, total / (best / 1e9), (double)best / total, check);
    return 0;
}

int main(int argc, char **argv)
{
    struct vecs vs;

    if (argc < 3 || load(argv[2], &vs) != 0) {
        fprintf(stderr, "usage: cvss_bench bench|print FILE [N]\n");
        return 2;
    }
    if (strcmp(argv[1], "print") == 0)
        return print_all(&vs);
    return bench(&vs, argc > 3 ? strtol(argv[3], NULL, 10) : 10000000L);
}
