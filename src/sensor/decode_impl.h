/* SPDX-License-Identifier: MIT */
/*
 * The packet decoder's code, as static inline functions so that the memory-mapped reader's
 * batch loop (pcap.c) decodes without a call per frame; decode.c wraps it as
 * hk_sensor_decode. See decode.c for what is decoded and the RFCs followed.
 */
#ifndef HIKESHI_SENSOR_DECODE_IMPL_H
#define HIKESHI_SENSOR_DECODE_IMPL_H

#include <stddef.h>
#include <string.h>

#include "sensor/sensor_int.h"

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Reply-type TCP segments (Moore et al. 2001): SYN-ACK, RST, and anything with ACK but
 * without SYN. Requests are SYN, FIN, NULL and Xmas probes. */
static inline uint8_t tcp_resp(uint8_t fl)
{
    if (fl & HK_TH_RST)
        return 1;
    if (fl & HK_TH_ACK)
        return 1;
    return 0;
}

static inline void icmp4(const uint8_t *l4, uint32_t n, struct hk_pkt *o)
{
    uint8_t t = l4[0];

    o->icmp_type = t;
    o->icmp_code = l4[1];
    o->dport = t;
    switch (t) {
    case 0:
    case 14:
    case 16:
    case 18:
        o->resp = 1;
        break;
    case 3:
    case 4:
    case 5:
    case 11:
    case 12:
        o->resp = 1;
        /* The quoted IPv4 header starts 8 bytes in (RFC 792). */
        if (n >= 8 + 20 && (l4[8] >> 4) == 4) {
            o->qsrc = rd32(l4 + 8 + 12);
            o->qdst = rd32(l4 + 8 + 16);
        }
        break;
    default:
        break;
    }
}

static inline void icmp6(const uint8_t *l4, uint32_t n, struct hk_pkt *o)
{
    uint8_t t = l4[0];

    o->icmp_type = t;
    o->icmp_code = l4[1];
    o->dport = t;
    if (t == 129) {
        o->resp = 1;
    } else if (t >= 1 && t <= 4) {
        o->resp = 1;
        /* The quoted IPv6 header starts 8 bytes in (RFC 4443 §3). */
        if (n >= 8 + 40 && (l4[8] >> 4) == 6) {
            o->qsrc = rd32(l4 + 8 + 8 + 12);
            o->qdst = rd32(l4 + 8 + 24 + 12);
        }
    }
}

/* Transport header at l4 with n bytes captured. */
static inline enum hk_dec transport(const uint8_t *l4, uint32_t n, struct hk_pkt *o)
{
    switch (o->proto) {
    case 6:
        if (n < 14)
            return HK_DEC_TRUNC;
        o->sport = rd16(l4);
        o->dport = rd16(l4 + 2);
        o->seq = rd32(l4 + 4);
        o->flags = l4[13];
        o->resp = tcp_resp(o->flags);
        return HK_DEC_OK;
    case 17:
        if (n < 4)
            return HK_DEC_TRUNC;
        o->sport = rd16(l4);
        o->dport = rd16(l4 + 2);
        return HK_DEC_OK;
    case 1:
        if (n < 2)
            return HK_DEC_TRUNC;
        icmp4(l4, n, o);
        return HK_DEC_OK;
    case 58:
        if (n < 2)
            return HK_DEC_TRUNC;
        icmp6(l4, n, o);
        return HK_DEC_OK;
    default:
        return HK_DEC_OK; /* another protocol: counted, no ports */
    }
}

static inline enum hk_dec ipv4(const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    uint32_t hl, tot;
    uint16_t frag;

    if (n < 20)
        return HK_DEC_TRUNC;
    if ((p[0] >> 4) != 4)
        return HK_DEC_BAD;
    hl = (uint32_t)(p[0] & 15) * 4;
    if (hl < 20)
        return HK_DEC_BAD;
    tot = rd16(p + 2);
    if (tot == 0) /* segmentation offload: the length is not filled in */
        tot = n;
    if (tot < hl)
        return HK_DEC_BAD;
    if (n < hl)
        return HK_DEC_TRUNC;
    if (tot < n)
        n = tot;
    o->ipid = rd16(p + 4);
    frag = rd16(p + 6);
    o->proto = p[9];
    o->src = rd32(p + 12);
    o->dst = rd32(p + 16);
    if (frag & 0x1fff)
        return HK_DEC_FRAG;
    return transport(p + hl, n - hl, o);
}

static inline enum hk_dec ipv6(const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    uint32_t off = 40, plen;
    uint8_t nh;

    if (n < 40)
        return HK_DEC_TRUNC;
    if ((p[0] >> 4) != 6)
        return HK_DEC_BAD;
    plen = rd16(p + 4);
    if (plen != 0 && 40 + plen < n) /* 0: jumbogram or offload; keep what was captured */
        n = 40 + plen;
    o->v6 = 1;
    memcpy(o->src6, p + 8, 16);
    memcpy(o->dst6, p + 24, 16);
    o->src = rd32(p + 8 + 12);
    o->dst = rd32(p + 24 + 12);
    nh = p[6];
    /* Extension headers (RFC 8200 §4): at most 8, each bounded by the capture. */
    for (int i = 0; i < 8; i++) {
        uint32_t len;

        if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
            break;
        if (off + 8 > n)
            return HK_DEC_TRUNC;
        if (nh == 44) {
            if (rd16(p + off + 2) & 0xfff8) {
                o->proto = p[off];
                return HK_DEC_FRAG;
            }
            len = 8;
        } else if (nh == 51) {
            len = ((uint32_t)p[off + 1] + 2) * 4;
        } else {
            len = ((uint32_t)p[off + 1] + 1) * 8;
        }
        nh = p[off];
        off += len;
    }
    if (off > n)
        return HK_DEC_TRUNC;
    o->proto = nh;
    return transport(p + off, n - off, o);
}

static inline enum hk_dec by_version(const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    if (n < 1)
        return HK_DEC_TRUNC;
    switch (p[0] >> 4) {
    case 4:
        return ipv4(p, n, o);
    case 6:
        return ipv6(p, n, o);
    default:
        return HK_DEC_NOTIP;
    }
}

static inline enum hk_dec by_ethertype(uint16_t et, const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    if (et == 0x0800)
        return ipv4(p, n, o);
    if (et == 0x86dd)
        return ipv6(p, n, o);
    return HK_DEC_NOTIP;
}

static inline enum hk_dec ether(const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    uint32_t off = 12;
    uint16_t et;

    if (n < 14)
        return HK_DEC_TRUNC;
    et = rd16(p + 12);
    /* 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag: 4 bytes each. */
    for (int i = 0; i < 4 && (et == 0x8100 || et == 0x88a8 || et == 0x9100); i++) {
        off += 4;
        if (off + 2 > n)
            return HK_DEC_TRUNC;
        et = rd16(p + off);
    }
    off += 2;
    return by_ethertype(et, p + off, n - off, o);
}

/* BSD address families for IPv6 differ by system (10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD,
 * 30 macOS); 2 is IPv4 everywhere. */
static inline enum hk_dec null_af(uint32_t af, const uint8_t *p, uint32_t n, struct hk_pkt *o)
{
    switch (af) {
    case 2:
        return ipv4(p, n, o);
    case 10:
    case 24:
    case 28:
    case 30:
        return ipv6(p, n, o);
    default:
        return HK_DEC_NOTIP;
    }
}

static inline enum hk_dec decode_frame(int lt, const uint8_t *p, uint32_t n, int64_t ts_ns,
                                       struct hk_pkt *o)
{
    uint32_t af;

    memset(o, 0, offsetof(struct hk_pkt, src6));
    o->ts_ns = ts_ns;
    switch (lt) {
    case HK_DLT_EN10MB:
        return ether(p, n, o);
    case HK_DLT_RAW:
    case HK_DLT_RAW14:
    case HK_LINKTYPE_RAW:
    case HK_LINKTYPE_IPV4:
    case HK_LINKTYPE_IPV6:
        return by_version(p, n, o);
    case HK_DLT_LINUX_SLL:
        if (n < 16)
            return HK_DEC_TRUNC;
        return by_ethertype(rd16(p + 14), p + 16, n - 16, o);
    case HK_DLT_LINUX_SLL2:
        if (n < 20)
            return HK_DEC_TRUNC;
        return by_ethertype(rd16(p), p + 20, n - 20, o);
    case HK_DLT_NULL:
        if (n < 4)
            return HK_DEC_TRUNC;
        /* Host byte order of the capturing machine: take whichever reading is small. */
        af = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
             ((uint32_t)p[3] << 24);
        if (af > 0xff)
            af = rd32(p);
        return null_af(af, p + 4, n - 4, o);
    case HK_DLT_LOOP:
        if (n < 4)
            return HK_DEC_TRUNC;
        return null_af(rd32(p), p + 4, n - 4, o);
    default:
        return HK_DEC_LINKTYPE;
    }
}

#endif
