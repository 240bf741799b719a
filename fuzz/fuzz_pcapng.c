/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the libpcap path of the capture reader (pcapng and anything that is
 * not plain pcap; src/sensor/pcap.c): the input is prefixed with a pcapng section header
 * unless it already starts with one, so mutations reach the interface and packet blocks.
 * Every record read is decoded; nothing may crash or read outside the record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0,    0,    0x4d, 0x3c,
                                0x2b, 0x1a, 1,    0,    0,  0, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 28, 0, 0,    0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hk_pcap *r;
    struct hk_rec rec;
    struct hk_pkt p;
    uint8_t *buf;
    size_t n = size;
    int k, guard = 0;

    if (size > (1u << 20))
        return 0;
    buf = malloc(size + sizeof(shb) + 1);
    if (size >= 4 && !memcmp(data, shb, 4)) {
        memcpy(buf, data, size);
    } else {
        memcpy(buf, shb, sizeof(shb));
        memcpy(buf + sizeof(shb), data, size);
        n += sizeof(shb);
    }
    if (hk_pcap_open_mem(buf, n, &r, NULL) == HK_OK) {
        while ((k = hk_pcap_next(r, &rec)) != 0 && guard++ < 100000)
            if (k == 1)
                (void)hk_sensor_decode(hk_pcap_linktype(r), rec.data, rec.caplen, rec.ts_ns, &p);
        hk_pcap_close(r);
    }
    free(buf);
    return 0;
}
