/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the packet decoder and the analysis behind it (src/sensor/decode.c,
 * engine.c): the first byte picks the link type, the rest is one frame, copied to a heap
 * buffer of its exact size so that ASan catches any read past it. A decoded packet is fed to
 * one sensor (LAN mode, small tables, so eviction, samples and the random walk are reached)
 * whose clock advances with every input; its profile must be found again and be sane.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int types[] = {
    HK_DLT_NULL, HK_DLT_EN10MB,    HK_DLT_RAW,       HK_DLT_RAW14,     HK_LINKTYPE_RAW,
    HK_DLT_LOOP, HK_DLT_LINUX_SLL, HK_LINKTYPE_IPV4, HK_LINKTYPE_IPV6, HK_DLT_LINUX_SLL2,
    147};

static struct hk_sensor *s;
static int64_t clock_ns = 1767225600000000000ll;

static void check(void)
{
    struct hk_sensor_stats st;

    hk_sensor_get_stats(s, &st);
    if (st.sources_now > 64) {
        (void)fprintf(stderr, "fuzz_decode: %llu sources above the cap\n",
                      (unsigned long long)st.sources_now);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_pkt p;
    uint8_t *f;
    int lt;

    if (size < 1)
        return 0;
    if (!s) {
        struct hk_sensor_opts o;
        hk_sensor_opts_defaults(&o);
        o.lan = true;
        o.max_sources = 64;
        o.max_samples = 4;
        o.ew_warmup = 0;
        if (hk_sensor_new(&o, &s, NULL) != HK_OK)
            abort();
    }
    lt = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    f = malloc(size - 1 ? size - 1 : 1);
    memcpy(f, data + 1, size - 1);
    clock_ns += 250000000; /* a quarter second per input: intervals close, walks time out */
    if (hk_sensor_decode(lt, f, (uint32_t)(size - 1), clock_ns, &p) == HK_DEC_OK) {
        struct hk_profile pr;
        struct hk_addr a;
        memset(&a, 0, sizeof(a));
        a.v6 = p.v6;
        if (p.v6) {
            memcpy(a.a, p.src6, 16);
        } else {
            a.a[0] = (uint8_t)(p.src >> 24);
            a.a[1] = (uint8_t)(p.src >> 16);
            a.a[2] = (uint8_t)(p.src >> 8);
            a.a[3] = (uint8_t)p.src;
        }
        hk_sensor_batch(s, &p, 1);
        if (hk_sensor_lookup(s, &a, &pr) == HK_OK &&
            (pr.probes == 0 || pr.targets == 0 || pr.targets > pr.probes || pr.confidence > 1)) {
            (void)fprintf(stderr, "fuzz_decode: bad profile\n");
            abort();
        }
        check();
    }
    free(f);
    return 0;
}
