#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Start-up and idle-memory probe for bench/startup.sh. Spawns the server command given
# after "--", polls GET /healthz over a raw loopback socket in a tight loop, and records
# the time from just before the spawn to the first 200 answer. It then makes a few typical
# requests (whoami, a list page, a report submission, an incident read), lets the server
# idle for a moment, reads VmRSS, RssAnon, RssFile and VmHWM from /proc/PID/status, and
# stops the server with SIGTERM. Repeated RUNS times; prints each run and the median.
#
# Usage: startup_probe.py PORT TOKEN RUNS -- hikeshi --data DIR serve --listen 127.0.0.1:PORT
# Standard library only (Debian's /usr/bin/python3).
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def http(port, method, path, token=None, body=None):
    """One request on a fresh connection; returns (status, body bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, path)
        if token:
            head += "Authorization: Bearer %s\r\n" % token
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data)
        s.sendall(head.encode() + b"\r\n" + data)
        chunks = []
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
    finally:
        s.close()
    resp = b"".join(chunks)
    status = int(resp.split(b" ", 2)[1]) if resp.startswith(b"HTTP/") else 0
    return status, resp


def first_answer(port, deadline):
    """Polls /healthz until it answers 200; returns the monotonic time of that answer."""
    while time.monotonic() < deadline:
        try:
            if http(port, "GET", "/healthz")[0] == 200:
                return time.monotonic()
        except OSError:
            pass
    return None


def status_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def one_run(port, token, cmd, n):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = first_answer(port, t0 + 10)
    if t1 is None:
        p.kill()
        p.wait()
        sys.exit("the server did not answer /healthz within 10 s")
    ok = 0
    for i in range(5):
        ok += http(port, "GET", "/api/v1/whoami", token)[0] == 200
        ok += http(port, "GET", "/api/v1/incidents?limit=50", token)[0] == 200
        ok += http(port, "POST", "/api/v1/reports", token,
                   {"content": "probe %d/%d from 192.0.2.%d, see hxxp://probe[.]example/x"
                               % (n, i, 1 + i)})[0] in (200, 201)
        ok += http(port, "GET", "/api/v1/incidents/1", token)[0] in (200, 404)
        ok += http(port, "GET", "/metrics")[0] == 200
    if ok != 25:
        print("warning: %d of 25 probe requests failed" % (25 - ok), file=sys.stderr)
    time.sleep(0.5)
    mem = status_kb(p.pid)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return (t1 - t0) * 1000.0, mem


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit(__doc__ if __doc__ else "usage: startup_probe.py PORT TOKEN RUNS -- CMD...")
    port, token, runs, cmd = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[5:]
    starts, rss = [], []
    for n in range(runs):
        ms, mem = one_run(port, token, cmd, n)
        starts.append(ms)
        rss.append(mem)
        print("run %2d  first answer %7.2f ms  VmRSS %6d kB (anon %d, file %d, shmem %d)  "
              "VmHWM %d kB" % (n + 1, ms, mem["VmRSS"], mem.get("RssAnon", 0),
                               mem.get("RssFile", 0), mem.get("RssShmem", 0),
                               mem.get("VmHWM", 0)))
    med_rss = statistics.median(m["VmRSS"] for m in rss)
    print()
    print("start-up to first answered request  median %.2f ms (min %.2f, max %.2f)  "
          "target < 100 ms: %s" % (statistics.median(starts), min(starts), max(starts),
                                   "met" if statistics.median(starts) < 100 else "MISSED"))
    print("idle VmRSS after start and 25 requests  median %.1f MB (max %.1f MB)  "
          "target < 20 MB: %s" % (med_rss / 1024, max(m["VmRSS"] for m in rss) / 1024,
                                  "met" if med_rss < 20 * 1024 else "MISSED"))


if __name__ == "__main__":
    main()
