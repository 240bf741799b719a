#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Differential input for bench/csaf.sh --mutants: writes K mutants of every CSAF document given
# (default 8, seed 11), each with one or two random edits: a member deleted, an array item
# duplicated, or a value replaced by one of a list of edge values (dates, versions, language
# tags, purls, CVSS vectors and scores, empty and padded strings, wrong types).
# Usage: csaf_mutants.py OUTDIR FILE... [env K, SEED]
import copy
import json
import os
import random
import sys

VALS = ["", " x", "x ", "2021-02-29T00:00:00Z", "2021-07-21T10:00:00.000Z",
        "2021-07-21 10:00:00+01:00", "https://a.b/c", "a b", "1", "0", "1.0.0-rc.1", "01",
        "CVE-2021-1", "CWE-79", "en", "EZ", "de-DE", "pkg:npm/x@1", "pkg:/x", 0, 1.5, -1, 11,
        None, True, [], {}, ["a", "a"], "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P", "\u00a0x", "x\ny", "csaf_vex", "csaf_foo", "final",
        "draft", "NONE", "HIGH", "3.0", "3.1", 9.8, 5.0, "known_affected"]


def paths(x, p=()):
    yield p
    if isinstance(x, dict):
        for k, v in x.items():
            yield from paths(v, p + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from paths(v, p + (i,))


def get(x, p):
    for k in p:
        x = x[k]
    return x


def main():
    out, files = sys.argv[1], sys.argv[2:]
    k = int(os.environ.get("K", "8"))
    random.seed(int(os.environ.get("SEED", "11")))
    n = 0
    for f in files:
        d = json.load(open(f))
        for _ in range(k):
            m = copy.deepcopy(d)
            for _ in range(random.randint(1, 2)):
                ps = list(paths(m))[1:]
                if not ps:
                    break
                p = random.choice(ps)
                parent, key = get(m, p[:-1]), p[-1]
                r = random.random()
                if r < 0.25 and isinstance(parent, dict):
                    del parent[key]
                elif r < 0.35 and isinstance(parent, list):
                    parent.append(copy.deepcopy(parent[key]))
                else:
                    parent[key] = copy.deepcopy(random.choice(VALS))
            with open(os.path.join(out, "m%05d.json" % n), "w") as fh:
                json.dump(m, fh)
            n += 1
    print(n)


main()
