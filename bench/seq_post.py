#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Sequential creation client for bench/rt_compare.sh: POSTs N JSON objects one after the
# other over a single keep-alive HTTP connection (as one user at one client would) and
# prints the rate. The same client drives Request Tracker's REST2 API and hikeshi's API,
# so both sides pay the same client cost. Bodies are deterministic: ticket i has the
# subject and content of report i of a fixed list of texts.
#
# Usage: seq_post.py rt URL USER:PASSWORD N        (POST URL/REST/2.0/ticket)
#        seq_post.py hikeshi-incidents URL TOKEN N (POST URL/api/v1/incidents)
#        seq_post.py hikeshi-reports URL TOKEN N   (POST URL/api/v1/reports)
# Prints "created N in S s = R/s". Standard library only (Debian's /usr/bin/python3).
import base64
import http.client
import json
import sys
import time
import urllib.parse

TEXTS = [
    ("SSH brute force from 203.0.113.%d",
     "Our honeypot saw 4,200 failed SSH logins from 203.0.113.%d overnight. Please act."),
    ("Phishing site hxxps://login-bank%d[.]example[.]com",
     "A phishing page for our bank is hosted at hxxps://login-bank%d[.]example[.]com/."),
    ("Malware beaconing (case %d)",
     "Host WS-%d beacons to 198.51.100.7 every 60 s; sample md5 "
     "44d88612fea8a8f36de82e1278abb02f."),
    ("Vulnerable service, ticket %d",
     "Scan %d found a host vulnerable to CVE-2021-44228 at 192.0.2.10:8080."),
]


def body(kind, i):
    subj, content = TEXTS[i % len(TEXTS)]
    subj, content = subj % i, content % i
    if kind == "rt":
        return {"Queue": "General", "Subject": subj, "Content": content}
    if kind == "hikeshi-incidents":
        return {"title": subj, "description": content, "severity": "medium"}
    return {"subject": subj, "content": content}


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: seq_post.py rt|hikeshi-incidents|hikeshi-reports URL CRED N")
    kind, url, cred, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
    if kind == "rt":
        path = u.path.rstrip("/") + "/REST/2.0/ticket"
        auth = "Basic " + base64.b64encode(cred.encode()).decode()
    else:
        path = u.path.rstrip("/") + ("/api/v1/incidents" if kind == "hikeshi-incidents"
                                     else "/api/v1/reports")
        auth = "Bearer " + cred
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    t0 = time.monotonic()
    for i in range(n):
        conn.request("POST", path, json.dumps(body(kind, i)), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status not in (200, 201):
            sys.exit("%s: request %d answered %d: %s" % (kind, i, r.status, data[:300]))
        if r.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
    secs = time.monotonic() - t0
    print("%s: created %d in %.2f s = %.2f/s" % (kind, n, secs, n / secs))


if __name__ == "__main__":
    main()
