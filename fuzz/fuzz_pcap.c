/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the memory-mapped pcap reader (src/sensor/pcap.c): every input is a
 * capture file held in memory. All records are read twice, one at a time and in batches
 * (the fast path), each record's bytes must lie inside the input, and both ways must agree
 * on the number of frames. Inputs that are not plain pcap go to libpcap (see fuzz_pcapng).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hikeshi/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_pcap *r;
    struct hk_rec rec;
    struct hk_pkt p[32];
    struct hk_read_counts c = {0, 0, {0}};
    uint64_t n1 = 0;
    size_t n;

    if (hk_pcap_open_mem(data, size, &r, NULL) != HK_OK)
        return 0;
    while (hk_pcap_next(r, &rec) == 1) {
        if (rec.data < data || rec.data + rec.caplen > data + size) {
            (void)fprintf(stderr, "fuzz_pcap: record outside the input\n");
            abort();
        }
        (void)hk_sensor_decode(hk_pcap_linktype(r), rec.data, rec.caplen, rec.ts_ns, &p[0]);
        n1++;
    }
    hk_pcap_close(r);
    if (hk_pcap_open_mem(data, size, &r, NULL) != HK_OK)
        abort();
    while (hk_pcap_read_batch(r, p, 32, &n, &c) == 1)
        ;
    if (c.frames != n1) {
        (void)fprintf(stderr, "fuzz_pcap: %llu frames one by one, %llu in batches\n",
                      (unsigned long long)n1, (unsigned long long)c.frames);
        abort();
    }
    hk_pcap_close(r);
    return 0;
}
