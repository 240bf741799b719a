#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make.sh: regenerate the real scanner captures in this directory (see
# README.md). Every probe, scan and flood goes to 127.0.0.0/8 on interface lo
# only, or to the loopback interface of a private network namespace
# ("hkcap", created and deleted here). Nothing leaves the machine. Each
# destination range is checked by check_lo before use, and every tool is
# rate-limited. Run as root; needs nmap masscan zmap hping3 tcpdump curl
# python3 iproute2 (apt-get install -y nmap masscan zmap hping3 tcpdump curl).
# Not run by CI; the captures are committed.
#
# Usage: sh make.sh [NAME...]   (default: all; NAME is a file name without
#        .pcap, e.g. "sh make.sh masscan zmap"). OUT=dir to write elsewhere.

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE}
SNAP=96
RAWSEND=$HERE/rawsend.py
NS=hkcap
WORK=$(mktemp -d /tmp/hkcap.XXXXXX)
TP=""

cleanup() {
    if [ -n "$TP" ]; then kill -INT "$TP" 2>/dev/null || true; fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# check_lo RANGE...: abort unless every range lies inside 127.0.0.0/8
check_lo() {
    python3 - "$@" <<'EOF'
import ipaddress, sys
lo = ipaddress.IPv4Network("127.0.0.0/8")
for r in sys.argv[1:]:
    if "-" in r:
        a, b = r.split("-")
        b = a.rsplit(".", 1)[0] + "." + b if "." not in b else b
        nets = [ipaddress.IPv4Network(a + "/32"), ipaddress.IPv4Network(b + "/32")]
    else:
        nets = [ipaddress.IPv4Network(r, strict=False)]
    for n in nets:
        if not n.subnet_of(lo):
            sys.exit("make.sh: %s is not inside 127.0.0.0/8, refusing" % r)
EOF
}

# cap_start FILE FILTER [netns]: start tcpdump on lo, wait until it listens
cap_start() {
    rm -f "$OUT/$1"
    if [ $# -ge 3 ]; then
        ip netns exec "$3" tcpdump -Z root -i lo -n -s "$SNAP" -U -w "$OUT/$1" "$2" \
            2>"$WORK/tcpdump.err" &
    else
        tcpdump -Z root -i lo -n -s "$SNAP" -U -w "$OUT/$1" "$2" 2>"$WORK/tcpdump.err" &
    fi
    TP=$!
    i=0
    while ! grep -qs listening "$WORK/tcpdump.err" && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.5
}

cap_stop() {
    sleep "${1:-1}"
    kill -INT "$TP"
    wait "$TP" || true
    TP=""
    tail -n 3 "$WORK/tcpdump.err"
}

# a private namespace whose lo treats DARK as a darknet: packets to DARK are
# sent on lo (and captured) but nobody answers them, as in a real telescope
ns_up() {
    ip netns del "$NS" 2>/dev/null || true
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    for dark in "$@"; do
        check_lo "$dark"
        ip -n "$NS" route add "$dark" dev lo table local
    done
}

ns_down() { ip netns del "$NS"; }

# 1. nmap, default host order, SYN scan of a /24 on two ports
nmap_seq() {
    check_lo 127.1.0.0/24
    cap_start nmap-seq.pcap 'src host 127.0.0.21'
    nmap -sS -n -Pn --max-retries 0 -p 80,445 -S 127.0.0.21 -e lo \
        127.1.0.0/24 >"$WORK/nmap-seq.txt"
    cap_stop
}

# 2. nmap --randomize-hosts over a /20, one port, fast timing
nmap_random() {
    check_lo 127.16.0.0/20
    cap_start nmap-random.pcap 'src host 127.0.0.22'
    nmap -sS -n -Pn --max-retries 0 -T4 --randomize-hosts -p 445 \
        -S 127.0.0.22 -e lo 127.16.0.0/20 >"$WORK/nmap-random.txt"
    cap_stop
}

# 3. masscan over a /21 at 2000 packets/s; on lo it needs explicit MACs
# (lo has the all-zero MAC, which masscan takes as "unknown")
masscan_cap() {
    check_lo 127.6.0.0/21
    cap_start masscan.pcap 'src host 127.0.0.23'
    masscan 127.6.0.0/21 -p445 --rate 2000 --seed 5 --adapter lo \
        --adapter-ip 127.0.0.23 --source-mac 00-00-00-00-00-01 \
        --router-mac 00-00-00-00-00-02 --wait 1 >"$WORK/masscan.txt" 2>&1
    cap_stop
}

# 4. zmap over a /21 at 2000 packets/s; zmap's own blocklist excludes
# 127/8, so use an empty config, an empty blocklist and an allowlist that
# holds only the target range
zmap_cap() {
    check_lo 127.7.0.0/21
    : >"$WORK/zmap.conf"
    : >"$WORK/zmap-block.txt"
    echo 127.7.0.0/21 >"$WORK/zmap-allow.txt"
    cap_start zmap.pcap 'src host 127.0.0.24'
    zmap -C "$WORK/zmap.conf" -b "$WORK/zmap-block.txt" \
        -w "$WORK/zmap-allow.txt" -M tcp_synscan -p 445 -i lo -S 127.0.0.24 \
        --source-mac 00:00:00:00:00:01 -G 00:00:00:00:00:02 -r 2000 -c 1 \
        -e 1234 -o "$WORK/zmap.csv" 2>"$WORK/zmap.err"
    cap_stop
}

# 5. hping3 --rand-dest over 127.2.x.x, 100 packets/s, 2000 packets
hping3_randdest() {
    check_lo 127.2.0.0/16
    cap_start hping3-randdest.pcap 'src host 127.0.0.25'
    hping3 -S -p 445 --rand-dest 127.2.x.x -I lo -a 127.0.0.25 -i u10000 \
        -c 2000 -q >"$WORK/hping3.txt" 2>&1 || true
    cap_stop
}

# 6. slow nmap: one host at a time, one probe every 3.5 s, 64 hosts (~4 min)
nmap_slow() {
    check_lo 127.5.0.1-64
    cap_start nmap-slow.pcap 'src host 127.0.0.26'
    nmap -sS -n -Pn --max-retries 0 --max-hostgroup 1 --scan-delay 3500ms \
        -p 445 -S 127.0.0.26 -e lo 127.5.0.1-64 >"$WORK/nmap-slow.txt"
    cap_stop
}

# 7. backscatter, seen from a telescope on 127.200.0.0/16: spoofed SYNs
# (to an open and a closed port) and UDP (closed port) reach the victim
# 127.0.0.50 in namespace hkcap; the victim answers SYN-ACK (retransmitted,
# as nobody answers), RST-ACK and ICMP port unreachable to the spoofed
# sources. Only the victim's replies are captured.
backscatter() {
    check_lo 127.200.0.0/16 127.0.0.50
    ns_up 127.200.0.0/16
    ip netns exec "$NS" python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.50", 80))
s.listen(1024)
time.sleep(70)' &
    LP=$!
    sleep 0.5
    cap_start backscatter.pcap 'src host 127.0.0.50 and dst net 127.200.0.0/16 and (tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack) or tcp[tcpflags] & tcp-rst != 0 or icmp)' "$NS"
    ip netns exec "$NS" python3 "$RAWSEND" --src 127.200.0.0/16 --dst 127.0.0.50 \
        --dport 80,443 --count 600 --interval 0.025 --seed 7 &
    ip netns exec "$NS" python3 "$RAWSEND" --proto udp --src 127.200.0.0/16 \
        --dst 127.0.0.50 --dport 27015 --count 150 --interval 0.1 --seed 8
    wait $!
    # SYN-ACK retransmissions: 1+2+4+8+16 s after each SYN
    cap_stop 33
    kill "$LP" 2>/dev/null || true
    wait "$LP" 2>/dev/null || true
    ns_down
}

# 8. spoofed SYN flood at 127.0.0.1:80 (a listener in namespace hkcap): 2000
# SYNs from random 127.201.0.0/16 sources at 1000/s, then 1000 SYNs from
# the one spoofed source 127.0.0.31 (hping3, 1000/s). Only the flood packets
# are captured.
synflood() {
    check_lo 127.201.0.0/16 127.0.0.31 127.0.0.1
    ns_up 127.201.0.0/16 127.0.0.31/32
    ip netns exec "$NS" python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 80))
s.listen(128)
time.sleep(15)' &
    LP=$!
    sleep 0.5
    cap_start synflood.pcap 'dst host 127.0.0.1 and tcp dst port 80 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' "$NS"
    ip netns exec "$NS" python3 "$RAWSEND" --src 127.201.0.0/16 --dst 127.0.0.1 \
        --dport 80 --count 2000 --interval 0.001 --seed 9
    ip netns exec "$NS" hping3 -S -p 80 -a 127.0.0.31 -I lo -i u1000 \
        -c 1000 -q 127.0.0.1 >"$WORK/hping3-flood.txt" 2>&1 || true
    cap_stop
    kill "$LP" 2>/dev/null || true
    wait "$LP" 2>/dev/null || true
    ns_down
}

# 9. LAN-tap view (both directions) of an nmap scan of 127.3.0.0/24 with
# three live web servers, plus an ordinary client fetching pages from them
# before, during and after the scan
nmap_lan() {
    check_lo 127.3.0.0/24
    mkdir -p "$WORK/www"
    echo hello >"$WORK/www/index.html"
    python3 -m http.server -d "$WORK/www" --bind 127.3.0.10 8000 \
        >/dev/null 2>&1 &
    S1=$!
    python3 -m http.server -d "$WORK/www" --bind 127.3.0.11 8000 \
        >/dev/null 2>&1 &
    S2=$!
    python3 -m http.server -d "$WORK/www" --bind 127.3.0.12 80 \
        >/dev/null 2>&1 &
    S3=$!
    sleep 1
    cap_start nmap-lan.pcap 'net 127.3.0.0/24'
    client() {
        for u in http://127.3.0.10:8000/ http://127.3.0.11:8000/ \
            http://127.3.0.12/; do
            curl -s -o /dev/null --interface 127.0.0.30 "$u" || true
        done
    }
    client
    sleep 1
    client
    # one refused connection: an ordinary client mistake, not a scan
    curl -s -o /dev/null --interface 127.0.0.30 http://127.3.0.10:8080/ || true
    sleep 1
    # --max-rate 100 stretches the scan to about 10 s so that the client's
    # fetches interleave with it (unthrottled it takes a few ms on lo);
    # --max-hostgroup 1 keeps the host order strictly ascending (with a
    # rate limit and large host groups nmap walks the group in strides)
    nmap -sS -n -Pn --max-retries 0 --max-rate 100 --max-hostgroup 1 \
        -p 80,8000 -S 127.0.0.29 -e lo 127.3.0.0/24 >"$WORK/nmap-lan.txt" &
    NP=$!
    sleep 0.5
    while kill -0 $NP 2>/dev/null; do
        client
        sleep 0.5
    done
    wait $NP
    sleep 1
    client
    cap_stop
    kill $S1 $S2 $S3
    wait $S1 $S2 $S3 2>/dev/null || true
}

# 10. WannaCry-paced sweep of the scanner's own /24 (127.4.0.77 walks
# 127.4.0.1..254 on 445/tcp, one probe every 0.125 s, about 32 s). The
# probe to its own address never leaves the host, so it is not captured.
wannacry_local() {
    check_lo 127.4.0.0/24
    cap_start wannacry-local.pcap 'src host 127.4.0.77 and not dst host 127.4.0.77'
    python3 "$RAWSEND" --src 127.4.0.77 --dst seq:127.4.0.1-127.4.0.254 --dport 445 \
        --count 254 --interval 0.125 --seed 10
    cap_stop
}

# 11. the same local sweep plus, at the same time, random probes elsewhere
# (127.64.0.0/10, about 27 probes/s as WannaCry's Internet threads), from
# 127.4.0.78
wannacry_hybrid() {
    check_lo 127.4.0.0/24 127.64.0.0/10
    cap_start wannacry-hybrid.pcap 'src host 127.4.0.78 and not dst host 127.4.0.78'
    python3 "$RAWSEND" --src 127.4.0.78 --dst 127.64.0.0/10 --dport 445 \
        --count 860 --interval 0.037 --seed 11 &
    RP=$!
    python3 "$RAWSEND" --src 127.4.0.78 --dst seq:127.4.0.1-127.4.0.254 --dport 445 \
        --count 254 --interval 0.125 --seed 12
    wait $RP
    cap_stop
}

# 12-14. nmap as someone else might run it, captured with the targets' answers (the filter
# takes both directions, as a capture of everything on lo would): three ports over a /24;
# its 20 most common ports over a /32-host block; one port with host discovery (no -Pn,
# so the discovery probes come first). The answering targets must not come out as scans.
nmap_ports() {
    check_lo 127.12.0.0/24
    cap_start nmap-ports.pcap 'host 127.0.0.41'
    nmap -sS -n -Pn -p 22,80,443 -S 127.0.0.41 -e lo 127.12.0.0/24 >"$WORK/nmap-ports.txt"
    cap_stop
}

nmap_top() {
    check_lo 127.13.0.0/27
    cap_start nmap-top.pcap 'host 127.0.0.42'
    nmap -sS -n -Pn --top-ports 20 -S 127.0.0.42 -e lo 127.13.0.0/27 >"$WORK/nmap-top.txt"
    cap_stop
}

nmap_discovery() {
    check_lo 127.14.0.0/24
    cap_start nmap-discovery.pcap 'host 127.0.0.43'
    nmap -sS -n -p 80 -S 127.0.0.43 -e lo 127.14.0.0/24 >"$WORK/nmap-discovery.txt"
    cap_stop
}

ALL="nmap-slow nmap-seq nmap-random masscan zmap hping3-randdest backscatter
synflood nmap-lan wannacry-local wannacry-hybrid nmap-ports nmap-top nmap-discovery"
[ "$(id -u)" -eq 0 ] || { echo "make.sh: run as root" >&2; exit 1; }
# shellcheck disable=SC2086 # ALL is a plain word list
[ $# -gt 0 ] || set -- $ALL
for name in "$@"; do
    echo "== $name"
    case $name in
    nmap-seq) nmap_seq ;;
    nmap-random) nmap_random ;;
    masscan) masscan_cap ;;
    zmap) zmap_cap ;;
    hping3-randdest) hping3_randdest ;;
    nmap-slow) nmap_slow ;;
    backscatter) backscatter ;;
    synflood) synflood ;;
    nmap-lan) nmap_lan ;;
    wannacry-local) wannacry_local ;;
    wannacry-hybrid) wannacry_hybrid ;;
    nmap-ports) nmap_ports ;;
    nmap-top) nmap_top ;;
    nmap-discovery) nmap_discovery ;;
    *)
        echo "make.sh: unknown capture $name" >&2
        exit 2
        ;;
    esac
done
