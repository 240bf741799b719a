/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/advisory_match.sh: the early warning's matcher (src/vuln/advisory_match.c)
 * on N synthetic registered assets. 80 % are CPE 2.3 names of 2,000 vendors x 50 products
 * with random versions, 20 % npm package URLs of 20,000 packages; 10 % of the CPE assets are
 * the advisory's own product (acme server) so the affected bucket is large. The advisory is
 * a CSAF product tree and product status with three criteria: acme server in
 * vers:generic/>=2.0|<2.4.2 (product_version_range), acme agent from 1.5 (first_affected) to
 * its fixed 1.9 and the npm package widgetlib <=1.3.0 (last_affected). The driver builds
 * the index from the strings, compiles the criteria from the JSON, matches, and checks the
 * number of affected assets against the generator's own count; it prints thread CPU time
 * (best of five rounds) for building the index and for compiling + matching one advisory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hikeshi/advisory.h"

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static const char *advisory =
    "{\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"acme\",\"branches\":["
    "{\"category\":\"product_name\",\"name\":\"server\",\"branches\":[{\"category\":"
    "\"product_version_range\",\"name\":\"vers:generic/>=2.0|<2.4.2\",\"product\":{"
    "\"product_id\":\"P1\",\"name\":\"acme server 2.x\",\"product_identification_helper\":{"
    "\"cpe\":\"cpe:2.3:a:acme:server:*:*:*:*:*:*:*:*\"}}}]},"
    "{\"category\":\"product_name\",\"name\":\"agent\",\"branches\":["
    "{\"category\":\"product_version\",\"name\":\"1.5\",\"product\":{\"product_id\":\"P2\","
    "\"name\":\"acme agent 1.5\",\"product_identification_helper\":{\"cpe\":"
    "\"cpe:2.3:a:acme:agent:1.5:*:*:*:*:*:*:*\"}}},"
    "{\"category\":\"product_version\",\"name\":\"1.9\",\"product\":{\"product_id\":\"P3\","
    "\"name\":\"acme agent 1.9\",\"product_identification_helper\":{\"cpe\":"
    "\"cpe:2.3:a:acme:agent:1.9:*:*:*:*:*:*:*\"}}}]}]}],"
    "\"full_product_names\":[{\"product_id\":\"L1\",\"name\":\"widgetlib 1.3.0\","
    "\"product_identification_helper\":{\"purl\":\"pkg:npm/widgetlib@1.3.0\"}}]},"
    "\"vulnerabilities\":[{\"cve\":\"CVE-2026-12345\",\"product_status\":{\"known_affected\":"
    "[\"P1\"],\"first_affected\":[\"P2\"],\"fixed\":[\"P3\"],\"last_affected\":[\"L1\"]}}]}";

/* The worst case: a criterion whose vendor is a wildcard cannot use the index's buckets and
 * parses every CPE asset. */
static const char *wild =
    "{\"product_tree\":{\"full_product_names\":[{\"product_id\":\"W\",\"name\":\"any server\","
    "\"product_identification_helper\":{\"cpe\":\"cpe:2.3:a:*:server:*:*:*:*:*:*:*:*\"}}]},"
    "\"vulnerabilities\":[{\"product_status\":{\"known_affected\":[\"W\"]}}]}";

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    char **names = calloc(n, sizeof(*names));
    size_t expect = 0, nhits = 0;
    double best_build = 1e9, best_match = 1e9, best_wild = 1e9;
    size_t nwild = 0;
    json_t *wdoc = json_loads(wild, 0, NULL);
    json_t *doc = json_loads(advisory, 0, NULL);

    if (!names || !doc)
        return 1;
    for (size_t i = 0; i < n; i++) {
        char buf[200];
        unsigned a = rnd(4), b = rnd(10), c = rnd(10);
        if (rnd(10) < 8) {
            if (rnd(10) == 0) { /* the advisory's product: acme server or agent */
                if (rnd(2)) {
                    (void)snprintf(buf, sizeof(buf), "cpe:2.3:a:acme:server:%u.%u.%u:*:*:*:*:*:*:*",
                                   a, b, c);
                    expect += a == 2 && b < 4 ? 1 : a == 2 && b == 4 && c < 2;
                } else {
                    (void)snprintf(buf, sizeof(buf), "cpe:2.3:a:acme:agent:1.%u:*:*:*:*:*:*:*", b);
                    expect += b >= 5 && b < 9;
                }
            } else {
                (void)snprintf(buf, sizeof(buf),
                               "cpe:2.3:a:vendor%u:product%u:%u.%u.%u:*:*:*:*:*:*:*", rnd(2000),
                               rnd(50), a, b, c);
            }
        } else {
            if (rnd(1000) == 0) {
                (void)snprintf(buf, sizeof(buf), "pkg:npm/widgetlib@1.%u.%u", b % 5, c);
                expect += b % 5 < 3 || (b % 5 == 3 && c == 0);
            } else {
                (void)snprintf(buf, sizeof(buf), "pkg:npm/package%u@%u.%u.%u", rnd(20000), a, b, c);
            }
        }
        names[i] = strdup(buf);
    }
    for (int round = 0; round < 5; round++) {
        struct hk_asset_index *ix;
        struct hk_adv_criteria *cr = NULL;
        struct hk_adv_hit *hits = NULL;
        double t0 = cpu(), t1, t2;
        ix = hk_asset_index_new(n);
        for (size_t i = 0; i < n; i++)
            if (hk_asset_index_add(ix, (int64_t)i + 1, (int64_t)(i % 5000) + 1,
                                   names[i][0] == 'c' ? "cpe" : "purl", names[i], ""))
                return 2;
        t1 = cpu();
        if (hk_adv_criteria_build(doc, &cr, NULL) || hk_adv_match(ix, cr, &hits, &nhits))
            return 3;
        t2 = cpu();
        if (t1 - t0 < best_build)
            best_build = t1 - t0;
        if (t2 - t1 < best_match)
            best_match = t2 - t1;
        free(hits);
        hk_adv_criteria_free(cr);
        t1 = cpu();
        if (hk_adv_criteria_build(wdoc, &cr, NULL) || hk_adv_match(ix, cr, &hits, &nwild))
            return 3;
        t2 = cpu();
        if (t2 - t1 < best_wild)
            best_wild = t2 - t1;
        free(hits);
        hk_adv_criteria_free(cr);
        hk_asset_index_free(ix);
    }
    printf("assets %zu, criteria 3, affected %zu (generator: %zu) %s\n", n, nhits, expect,
           nhits == expect ? "OK" : "MISMATCH");
    printf("index build from strings: %.3f s CPU (best of 5)\n", best_build);
    printf("compile + match one advisory: %.4f s CPU (best of 5)\n", best_match);
    printf("worst case, wildcard vendor (every CPE asset parsed): %.3f s CPU, %zu affected\n",
           best_wild, nwild);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    json_decref(doc);
    json_decref(wdoc);
    return nhits == expect ? 0 : 4;
}
