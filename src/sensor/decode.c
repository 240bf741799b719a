/* SPDX-License-Identifier: MIT */
/*
 * The packet decoder: one captured frame of a supported link type in, a fixed-size
 * struct hk_pkt out (addresses, ports, TCP flags, sequence number, IP ID, ICMP type and
 * the quoted header of ICMP errors). It never reads outside [p, p + caplen) and never
 * allocates. Link layers: Ethernet (IEEE 802.3) with any number (up to 4) of 802.1Q/802.1ad
 * tags, Linux cooked captures v1 and v2 (see pcap-linktype(7)), raw IP, BSD NULL and
 * OpenBSD LOOP. Network: IPv4 (RFC 791, non-first fragments are reported, not decoded) and
 * IPv6 (RFC 8200, extension headers skipped). Transport: TCP (RFC 9293), UDP (RFC 768),
 * ICMP (RFC 792) and ICMPv6 (RFC 4443).
 */
#include "sensor/decode_impl.h"

bool hk_sensor_linktype_ok(int lt)
{
    switch (lt) {
    case HK_DLT_NULL:
    case HK_DLT_EN10MB:
    case HK_DLT_RAW:
    case HK_DLT_RAW14:
    case HK_LINKTYPE_RAW:
    case HK_DLT_LOOP:
    case HK_DLT_LINUX_SLL:
    case HK_LINKTYPE_IPV4:
    case HK_LINKTYPE_IPV6:
    case HK_DLT_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

enum hk_dec hk_sensor_decode(int lt, const uint8_t *p, uint32_t n, int64_t ts_ns, struct hk_pkt *o)
{
    return decode_frame(lt, p, n, ts_ns, o);
}
