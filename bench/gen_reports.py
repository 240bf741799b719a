#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Generates N realistic abuse/incident reports as JSON lines for the bulk-import benchmark
# (bench/import.sh), and optionally the same rows as CSV for a bare sqlite3 .import.
#
# The output is deterministic for a given --seed. Reports come from a dozen templates
# (brute force, phishing, malware C2, vulnerable service, scan, DDoS, spam, defacement,
# botnet feed lines, ...) and mention IPv4/IPv6 addresses, domains, defanged URLs and hosts,
# MD5/SHA-1/SHA-256 hashes, CVE ids, e-mail addresses and AS numbers. Observables are drawn
# from a fixed "hot" pool (the same for every seed, so a separately generated seed file that
# is triaged into incidents shares observables with the big file and correlation happens)
# and from a cold pool five times the number of reports (5% hot, 95% cold draws); a
# fraction of lines (3% by default) are exact duplicates of recent lines.
#
# Usage: gen_reports.py N OUT.jsonl [--csv OUT.csv] [--seed S]
# Runs with Debian's /usr/bin/python3 (standard library only).
import argparse
import csv
import hashlib
import json
import random
import sys

TLDS = ["com", "net", "org", "ru", "cn", "io", "info", "xyz", "top", "de", "biz", "online",
        "site", "shop", "br", "in", "uk", "fr", "nl", "pl"]
WORDS = ["secure", "login", "update", "account", "bank", "mail", "cloud", "verify", "portal",
         "support", "paypal", "office", "micro", "web", "shop", "pay", "track", "parcel",
         "delivery", "invoice", "docs", "drive", "cdn", "static", "api", "auth", "id", "my",
         "online", "service", "billing", "wallet", "crypto", "apple", "amaz0n", "netflix"]
BRANDS = ["PayPal", "Microsoft 365", "DHL", "Deutsche Bank", "Apple ID", "Netflix", "ING",
          "Amazon", "Outlook Web Access", "DocuSign", "WeTransfer", "La Poste"]
ORGS = ["Example ISP", "Nordnet CERT", "Acme Hosting", "Honeynet NL", "Shadowserver",
        "abuse.ch", "Spamhaus", "CERT-XX", "University CSIRT", "Bank SOC", "Telco NOC"]
REPORTERS = ["abuse@isp.example", "soc@bank.example", "noc@telco.example",
             "honeypot@cert.example", "feeds@shadowserver.example", "alice@university.example",
             "reports@spamtrap.example", "ids-sensor-03", "misp-sync", "bob@hosting.example",
             "cert@national.example", "phishtank-feed", "urlhaus-feed", "customer-1234"]
SOURCES = ["email", "feed", "sensor", "api", "import", "web", "phone"]
PORTS = [22, 23, 80, 443, 445, 3389, 8080, 5900, 1433, 3306, 6379, 9200, 11211, 25, 53, 123]
CVES = ["CVE-2017-0144", "CVE-2021-44228", "CVE-2019-19781", "CVE-2021-26855",
        "CVE-2022-1388", "CVE-2023-4966", "CVE-2020-1472", "CVE-2018-13379", "CVE-2023-34362",
        "CVE-2024-3400", "CVE-2021-34473", "CVE-2014-0160", "CVE-2022-30190", "CVE-2023-20198"]

HOT = 2000  # size of the shared hot pool (per observable kind)
COLD_PER_REPORT = 5  # the cold pool grows with N, so most cold observables are seen once


def ipv4(i):
    # Spread over public-looking space, skipping 0, 10, 127 and >= 224 first octets.
    h = (i * 2654435761 + 12345) & 0xFFFFFFFF
    a = 11 + (h >> 24) % 212
    if a in (127, 169, 172, 192):
        a += 1
    return "%d.%d.%d.%d" % (a, (h >> 16) & 255, (h >> 8) & 255, 1 + (h & 255) % 254)


def ipv6(i):
    h = (i * 11400714819323198485) & 0xFFFFFFFFFFFFFFFF
    return "2001:db8:%x:%x::%x" % ((h >> 48) & 0xFFFF, (h >> 32) & 0xFFFF, 1 + (h & 0xFFF))


def domain(i):
    h = (i * 2246822519 + 7) & 0xFFFFFFFF
    w1 = WORDS[h % len(WORDS)]
    w2 = WORDS[(h >> 8) % len(WORDS)]
    return "%s-%s%d.%s" % (w1, w2, i % 9973, TLDS[(h >> 16) % len(TLDS)])


def digest(kind, i):
    return hashlib.new(kind, b"sample-%d" % i).hexdigest()


def cve(i):
    if i < len(CVES) * 4:
        return CVES[i % len(CVES)]
    return "CVE-%d-%d" % (2014 + i % 11, 1000 + (i * 7919) % 48000)


def email(i):
    return "%s.%s@%s" % (WORDS[i % len(WORDS)], WORDS[(i // 7) % len(WORDS)], domain(i + 7))


def defang_host(d):
    return d.replace(".", "[.]", 1) if "." in d else d


def defang_ip(ip):
    head, _, tail = ip.rpartition(".")
    return head + "[.]" + tail


class Gen:
    def __init__(self, seed, n):
        self.r = random.Random(seed)
        self.seq = 0
        self.cold = max(100000, COLD_PER_REPORT * n)

    def idx(self):
        # 5% from the hot pool (shared across seeds), 95% from the cold pool.
        r = self.r
        if r.random() < 0.05:
            return int(HOT * (r.random() ** 2))  # skewed: low indices are hotter
        return HOT + r.randrange(self.cold)

    def ip(self):
        return ipv4(self.idx())

    def ip6(self):
        return ipv6(self.idx())

    def dom(self):
        return domain(self.idx())

    def ts(self):
        r = self.r
        return "2025-%02d-%02d %02d:%02d:%02d UTC" % (r.randint(1, 12), r.randint(1, 28),
                                                    r.randrange(24), r.randrange(60),
                                                    r.randrange(60))

    def report(self):
        r = self.r
        self.seq += 1
        kind = r.randrange(12)
        org = r.choice(ORGS)
        ts = self.ts()
        if kind == 0:
            ip, tgt = self.ip(), self.ip()
            n = r.randint(50, 90000)
            subj = "SSH brute force from %s" % ip
            body = ("Hello,\n\nour honeypot %s recorded %d failed SSH logins from %s between %s "
                    "and the time of this mail. Usernames tried: root, admin, ubuntu, oracle.\n"
                    "Please take the appropriate action.\n\nRegards,\n%s abuse team"
                    % (tgt, n, ip, ts, org))
        elif kind == 1:
            d, ip = self.dom(), self.ip()
            subj = "Phishing site impersonating %s" % r.choice(BRANDS)
            body = ("Phishing page hxxps://%s/%s/%s[.]php hosted on %s (resolved %s). "
                    "The kit archive has SHA-256 %s. Credentials are posted to %s.\n"
                    "Please have it taken down."
                    % (defang_host(d), r.choice(WORDS), r.choice(WORDS), ip, ts,
                       digest("sha256", self.idx()), email(self.idx())))
        elif kind == 2:
            i = self.idx()
            subj = "Malware C2 beaconing"
            body = ("EDR alert on workstation WS-%04d: sample MD5 %s (SHA-1 %s) beacons every 60s "
                    "to %s and to %s over TCP/%d. First seen %s. Family suspected: %s."
                    % (r.randrange(10000), digest("md5", i), digest("sha1", i),
                       defang_host(self.dom()), self.ip6(), r.choice(PORTS), ts,
                       r.choice(["Emotet", "QakBot", "AgentTesla", "Cobalt Strike", "IcedID"])))
        elif kind == 3:
            c, ip = cve(r.randrange(400)), self.ip()
            port = r.choice(PORTS)
            subj = "Vulnerable service: %s" % c
            body = ("Our scan on %s found %s:%d vulnerable to %s. The service banner leaks its "
                    "version. Patch or restrict access; exploitation is ongoing in the wild."
                    % (ts, ip, port, c))
        elif kind == 4:
            ip = self.ip()
            asn = 64496 + self.idx() % 1000
            subj = ""
            body = ("Port scan from %s (AS%d) hitting %d hosts of 198.51.100.0/24 on ports %s "
                    "at %s." % (ip, asn, r.randint(20, 254),
                                ",".join(str(p) for p in r.sample(PORTS, 4)), ts))
        elif kind == 5:
            ips = [self.ip() for _ in range(r.randint(2, 6))]
            subj = "DDoS against %s" % self.dom()
            body = ("UDP amplification (NTP/memcached) peaking at %d Gbit/s since %s. Top "
                    "reflectors: %s. Victim prefix 203.0.113.0/24."
                    % (r.randint(1, 400), ts, ", ".join(ips)))
        elif kind == 6:
            e, ip = email(self.idx()), self.ip()
            subj = "Spam run via %s" % ip
            body = ("Spamtrap hits: %d messages from envelope sender %s relayed by %s; URLs in "
                    "the body point to hxxp://%s/track?id=%d."
                    % (r.randint(10, 50000), e, defang_ip(ip), defang_host(self.dom()),
                       r.randrange(10**6)))
        elif kind == 7:
            d = self.dom()
            subj = "Defacement of %s" % d
            body = ("The site https://%s/ was defaced at %s; the injected script loads "
                    "hxxp://%s/x.js. The web server %s runs an outdated CMS (%s)."
                    % (d, ts, defang_host(self.dom()), self.ip(), cve(r.randrange(400))))
        elif kind == 8:
            subj = "botnet feed"
            body = "; ".join("%s,%s,%d,%s" % (self.ip(), r.choice(["mirai", "gafgyt", "mozi"]),
                                              r.choice(PORTS), ts)
                             for _ in range(r.randint(1, 4)))
        elif kind == 9:
            i = self.idx()
            subj = "Ransomware note found"
            body = ("Files encrypted on file server FS-%02d at %s. Dropper SHA-256 %s, payload MD5 "
                    "%s. Lateral movement from %s via SMB (%s). Leak site %s[.]onion is not an "
                    "observable we track." % (r.randrange(40), ts, digest("sha256", i),
                                              digest("md5", i + 1), self.ip(), CVES[0],
                                              "abcdefghij"))
        elif kind == 10:
            a, b = self.ip6(), self.ip()
            subj = "Suspicious logins"
            body = ("Impossible-travel alert for user %s: logins from %s and %s within 5 minutes "
                    "(%s). MFA was bypassed via %s." % (email(self.idx()), a, b, ts,
                                                       defang_host(self.dom())))
        else:
            subj = "Open resolver / exposed service"
            body = ("Shadowserver scan report %s: %s has an open DNS resolver; %s exposes "
                    "Redis on 6379 without auth; %s exposes Elasticsearch on 9200."
                    % (ts, self.ip(), self.ip(), self.ip()))
        return {"source": r.choice(SOURCES), "reporter": r.choice(REPORTERS),
                "subject": subj, "content": body + "\n\n-- report %d" % self.seq}


def main():
    ap = argparse.ArgumentParser(description="generate benchmark reports as JSON lines")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--csv", help="also write the rows as CSV for sqlite3 .import")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dup", type=float, default=0.03, help="fraction of exact duplicates")
    a = ap.parse_args()
    g = Gen(a.seed, a.n)
    recent = []
    dups = 0
    with open(a.out, "w", encoding="utf-8") as jf:
        cf = open(a.csv, "w", encoding="utf-8", newline="") if a.csv else None
        cw = csv.writer(cf) if cf else None
        for _ in range(a.n):
            if recent and g.r.random() < a.dup:
                rep = recent[g.r.randrange(len(recent))]
                dups += 1
            else:
                rep = g.report()
                if len(recent) < 5000:
                    recent.append(rep)
                else:
                    recent[g.r.randrange(5000)] = rep
            jf.write(json.dumps(rep, separators=(",", ":")))
            jf.write("\n")
            if cw:
                cw.writerow((rep["source"], rep["reporter"], rep["subject"], rep["content"]))
        if cf:
            cf.close()
    print("generated %d reports (%d exact duplicates) into %s" % (a.n, dups, a.out),
          file=sys.stderr)


if __name__ == "__main__":
    main()
