#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# rawsend.py: a tiny raw-socket packet sender used by make.sh to produce the
# traffic no Debian tool makes safely on loopback: spoofed SYN floods and the
# spoofed probes that cause backscatter (sources confined to 127.0.0.0/8,
# unlike hping3 --rand-source), and a WannaCry-paced sequential /24 sweep.
#
# Every source and destination address is checked against 127.0.0.0/8 before
# anything is sent; the program refuses to run otherwise. Root is required.
#
# Address specs (for --src and --dst):
#   A.B.C.D           one fixed address
#   A.B.C.D/N         a uniformly random address of that prefix per packet
#   seq:A.B.C.D-E.F.G.H   walk the range in order (wraps around)
# Ports: --dport 80 or --dport 80,443 (chosen at random per packet).
#
# Example: 200 spoofed SYNs per second for 5 s at 127.0.0.1:80
#   rawsend.py --src 127.201.0.0/16 --dst 127.0.0.1 --dport 80 \
#              --count 1000 --interval 0.005

import argparse
import ipaddress
import random
import socket
import struct
import sys
import time

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class AddrSpec:
    def __init__(self, spec, rng):
        self.rng = rng
        if spec.startswith("seq:"):
            lo, hi = spec[4:].split("-")
            self.lo = int(ipaddress.IPv4Address(lo))
            self.hi = int(ipaddress.IPv4Address(hi))
            self.mode = "seq"
            self.cur = self.lo
            first, last = self.lo, self.hi
        elif "/" in spec:
            net = ipaddress.IPv4Network(spec, strict=False)
            self.base = int(net.network_address)
            self.size = net.num_addresses
            self.mode = "rand"
            first, last = self.base, self.base + self.size - 1
        else:
            self.addr = int(ipaddress.IPv4Address(spec))
            self.mode = "fixed"
            first = last = self.addr
        for a in (first, last):
            if ipaddress.IPv4Address(a) not in LOOPBACK:
                sys.exit("rawsend: refusing non-loopback address %s"
                         % ipaddress.IPv4Address(a))
        if last < first:
            sys.exit("rawsend: empty range")

    def next(self):
        if self.mode == "fixed":
            a = self.addr
        elif self.mode == "rand":
            a = self.base + self.rng.randrange(self.size)
        else:
            a = self.cur
            self.cur = self.cur + 1 if self.cur < self.hi else self.lo
        assert ipaddress.IPv4Address(a) in LOOPBACK
        return a


def build(proto, src, dst, sport, dport, ipid, seq, ttl):
    if proto == "tcp":
        # SYN with an MSS option, like a connect() from a common stack
        opts = struct.pack("!BBH", 2, 4, 1460)
        off = (20 + len(opts)) // 4
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, off << 4,
                          0x02, 64240, 0, 0) + opts
        pseudo = struct.pack("!IIBBH", src, dst, 0, 6, len(hdr))
        csum = checksum(pseudo + hdr)
        l4 = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
        pnum = 6
    else:
        payload = b"\0" * 8
        hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
        pseudo = struct.pack("!IIBBH", src, dst, 0, 17, 8 + len(payload))
        csum = checksum(pseudo + hdr + payload) or 0xFFFF
        l4 = hdr[:6] + struct.pack("!H", csum) + payload
        pnum = 17
    total = 20 + len(l4)
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, total, ipid, 0, ttl, pnum, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + l4


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--proto", choices=("tcp", "udp"), default="tcp")
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--dport", required=True)
    ap.add_argument("--sport", type=int, default=0,
                    help="fixed source port (default: random per packet)")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--interval", type=float, required=True,
                    help="seconds between packets (>= 0.0005)")
    ap.add_argument("--ttl", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.interval < 0.0005:
        sys.exit("rawsend: interval below 0.5 ms refused (rate limit)")
    if a.count > 100000:
        sys.exit("rawsend: count above 100000 refused")
    rng = random.Random(a.seed)
    src = AddrSpec(a.src, rng)
    dst = AddrSpec(a.dst, rng)
    dports = [int(p) for p in a.dport.split(",")]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    t0 = time.monotonic()
    for i in range(a.count):
        sa, da = src.next(), dst.next()
        sport = a.sport or rng.randrange(1024, 65536)
        pkt = build(a.proto, sa, da, sport, rng.choice(dports),
                    rng.randrange(65536), rng.randrange(1 << 32), a.ttl)
        s.sendto(pkt, (str(ipaddress.IPv4Address(da)), 0))
        delay = t0 + (i + 1) * a.interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    s.close()


if __name__ == "__main__":
    main()
