/* SPDX-License-Identifier: MIT */
/*
 * The capture writer: classic pcap (magic a1b2c3d4, microseconds, LINKTYPE_ETHERNET), one
 * Ethernet + IPv4 + TCP/UDP packet per call, with correct IP, TCP and UDP checksums so
 * tcpdump, tshark and the sensor read the files as real traffic. Packets are built in place
 * in a 4 MiB buffer and written in large blocks: no allocation and no system call per packet
 * (the bench asks for 10 million packets a second). UDP payloads beyond the snap length are
 * counted in the lengths and the checksum but not stored, as a real capture would do.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/sim.h"

#define BUFSZ           (4u << 20)
#define SLAMMER_PAYLOAD 376

struct hk_pcapw {
    FILE *f;
    uint8_t *buf;
    size_t len;
    uint32_t snaplen;
    uint64_t count;
    uint32_t payload_sum; /* one's complement sum of the synthetic UDP payload */
    bool failed;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void le32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* pcap headers are in the writer's byte order (x86: little) */
}

static uint16_t fold(uint32_t s)
{
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* The synthetic UDP payload: Slammer's first byte 0x04, then 0x01 filler. */
static uint8_t payload_byte(size_t i)
{
    return i == 0 ? 0x04 : 0x01;
}

static hk_err flush(struct hk_pcapw *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->f) != w->len) {
        w->failed = true;
        return HK_EIO;
    }
    w->len = 0;
    return HK_OK;
}

hk_err hk_pcapw_open(struct hk_pcapw **out, const char *path, uint32_t snaplen)
{
    struct hk_pcapw *w = calloc(1, sizeof(*w));
    uint8_t hdr[24];
    uint32_t sum = 0;

    if (!w)
        return HK_ENOMEM;
    if (!(w->buf = malloc(BUFSZ)) || !(w->f = fopen(path, "wb"))) {
        hk_err err = w->buf ? HK_EIO : HK_ENOMEM;
        free(w->buf);
        free(w);
        return err;
    }
    w->snaplen = snaplen < 64 ? 64 : snaplen > 65535 ? 65535 : snaplen;
    for (size_t i = 0; i < SLAMMER_PAYLOAD; i += 2)
        sum += (uint32_t)payload_byte(i) << 8 | payload_byte(i + 1);
    w->payload_sum = sum;
    le32(hdr, 0xa1b2c3d4);
    hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0; /* version 2.4 (little-endian u16s) */
    memset(hdr + 8, 0, 8);
    le32(hdr + 16, w->snaplen);
    le32(hdr + 20, 1); /* LINKTYPE_ETHERNET */
    memcpy(w->buf, hdr, sizeof(hdr));
    w->len = sizeof(hdr);
    *out = w;
    return HK_OK;
}

hk_err hk_pcapw_ip4(struct hk_pcapw *w, double ts, uint32_t src, uint32_t dst, uint8_t proto,
                    uint16_t sport, uint16_t dport, uint8_t tcp_flags, uint32_t seq, uint32_t ack,
                    uint16_t ip_id, uint16_t payload_len)
{
    uint8_t *p;
    uint32_t l4len = proto == 6 ? 20u : 8u + payload_len, iplen = 20 + l4len, wire = 14 + iplen;
    uint32_t cap = wire < w->snaplen ? wire : w->snaplen, sum;
    double sec = floor(ts);

    if (w->failed)
        return HK_EIO;
    if (w->len + 16 + cap > BUFSZ && flush(w))
        return HK_EIO;
    p = w->buf + w->len;
    le32(p, (uint32_t)sec);
    le32(p + 4, (uint32_t)((ts - sec) * 1e6));
    le32(p + 8, cap);
    le32(p + 12, wire);
    p += 16;
    /* Ethernet: locally administered MACs derived from the addresses. */
    p[0] = 0x02, p[1] = 0x00;
    put32(p + 2, dst);
    p[6] = 0x02, p[7] = 0x01;
    put32(p + 8, src);
    put16(p + 12, 0x0800);
    p += 14;
    /* IPv4 */
    p[0] = 0x45, p[1] = 0;
    put16(p + 2, (uint16_t)iplen);
    put16(p + 4, ip_id);
    put16(p + 6, 0x4000); /* DF */
    p[8] = proto == 17 ? 115 : 118, p[9] = proto;
    put16(p + 10, 0);
    put32(p + 12, src);
    put32(p + 16, dst);
    sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    put16(p + 10, fold(sum));
    p += 20;
    /* Pseudo-header sum. */
    sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + l4len;
    if (proto == 6) {
        put16(p, sport);
        put16(p + 2, dport);
        put32(p + 4, seq);
        put32(p + 8, (tcp_flags & 0x10) ? ack : 0);
        p[12] = 0x50, p[13] = tcp_flags;
        put16(p + 14, 64240);
        put16(p + 16, 0);
        put16(p + 18, 0);
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)p[i] << 8 | p[i + 1];
        put16(p + 16, fold(sum));
    } else {
        uint16_t c;
        put16(p, sport);
        put16(p + 2, dport);
        put16(p + 4, (uint16_t)l4len);
        put16(p + 6, 0);
        sum += sport + dport + l4len;
        if (payload_len == SLAMMER_PAYLOAD)
            sum += w->payload_sum;
        else
            for (size_t i = 0; i < payload_len; i += 2)
                sum += (uint32_t)payload_byte(i) << 8 |
                       (i + 1 < payload_len ? payload_byte(i + 1) : 0);
        c = fold(sum);
        put16(p + 6, c ? c : 0xffff);
        for (uint32_t i = 0; i + 42 < cap; i++)
            p[8 + i] = payload_byte(i);
    }
    w->len += 16 + cap;
    w->count++;
    return HK_OK;
}

uint64_t hk_pcapw_count(const struct hk_pcapw *w)
{
    return w ? w->count : 0;
}

hk_err hk_pcapw_close(struct hk_pcapw *w)
{
    hk_err err = HK_OK;

    if (!w)
        return HK_OK;
    if (flush(w))
        err = HK_EIO;
    if (fclose(w->f) && !err)
        err = HK_EIO;
    free(w->buf);
    free(w);
    return err;
}
