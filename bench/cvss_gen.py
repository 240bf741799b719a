#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The differential check of bench/cvss.sh. `cvss_gen.py N [SEED]` prints N random CVSS
# vectors, every version in turn (2.0, 3.0, 3.1, 4.0), each optional metric present with
# probability 1/2 and any of its values (X/ND included), in the specification's order.
# `cvss_gen.py --compare OURS PEER` compares two score listings (cvss_bench print and
# cvss_peer.js print) and prints, per version and score kind, how many agree.
import random
import sys

V2 = [("AV", "LAN"), ("AC", "HML"), ("Au", "MSN"), ("C", "NPC"), ("I", "NPC"), ("A", "NPC")]
V2_OPT = [("E", ["U", "POC", "F", "H", "ND"]), ("RL", ["OF", "TF", "W", "U", "ND"]),
          ("RC", ["UC", "UR", "C", "ND"]), ("CDP", ["N", "L", "LM", "MH", "H", "ND"]),
          ("TD", ["N", "L", "M", "H", "ND"]), ("CR", ["L", "M", "H", "ND"]),
          ("IR", ["L", "M", "H", "ND"]), ("AR", ["L", "M", "H", "ND"])]
V3 = [("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"), ("S", "UC"), ("C", "HLN"),
      ("I", "HLN"), ("A", "HLN")]
V3_OPT = [("E", "XUPFH"), ("RL", "XOTWU"), ("RC", "XURC"), ("CR", "XLMH"), ("IR", "XLMH"),
          ("AR", "XLMH"), ("MAV", "XNALP"), ("MAC", "XLH"), ("MPR", "XNLH"), ("MUI", "XNR"),
          ("MS", "XUC"), ("MC", "XNLH"), ("MI", "XNLH"), ("MA", "XNLH")]
V4 = [("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"), ("VC", "HLN"),
      ("VI", "HLN"), ("VA", "HLN"), ("SC", "HLN"), ("SI", "HLN"), ("SA", "HLN")]
V4_OPT = [("E", "XAPU"), ("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"), ("MAV", "XNALP"),
          ("MAC", "XLH"), ("MAT", "XNP"), ("MPR", "XNLH"), ("MUI", "XNPA"), ("MVC", "XHLN"),
          ("MVI", "XHLN"), ("MVA", "XHLN"), ("MSC", "XHLN"), ("MSI", "XSHLN"),
          ("MSA", "XSHLN"), ("S", "XNP"), ("AU", "XNY"), ("R", "XAUI"), ("V", "XDC"),
          ("RE", "XLMH"), ("U", ["X", "Clear", "Green", "Amber", "Red"])]


def vector(rnd, prefix, base, opt):
    parts = [m + ":" + rnd.choice(list(v)) for m, v in base]
    parts += [m + ":" + rnd.choice(list(v)) for m, v in opt if rnd.random() < 0.5]
    return prefix + "/".join(parts)


def compare(ours_path, peer_path):
    """Per (version, kind): compared, differing. v4.0's environmental score is compared only
    when no threat metric is given: the peer's is CVSS-BE (threat ignored), ours the
    vector's own CVSS-BTE, which both report as the overall score."""
    kinds = ["base", "temporal/threat", "environmental", "score"]
    tot, bad, examples = {}, {}, {}
    with open(ours_path) as fo, open(peer_path) as fp:
        for lo, lp in zip(fo, fp):
            o, p = lo.rstrip("\n").split("\t"), lp.rstrip("\n").split("\t")
            if o[0] != p[0]:
                sys.exit("listings out of step at " + o[0])
            ver = o[0][5:8] if o[0].startswith("CVSS:") else "2.0"
            if o[1] == "error" or p[1] == "error":
                key = (ver, "refused")
                tot[key] = tot.get(key, 0) + 1
                bad[key] = bad.get(key, 0) + (o[1] != p[1])
                continue
            for i, kind in enumerate(kinds, 1):
                if o[i] == "-" or p[i] == "-":
                    continue
                if ver == "4.0" and kind == "environmental" and o[2] != "-":
                    continue
                key = (ver, kind)
                tot[key] = tot.get(key, 0) + 1
                if o[i] != p[i]:
                    bad[key] = bad.get(key, 0) + 1
                    examples.setdefault(key, "%s: hikeshi %s, peer %s" % (o[0], o[i], p[i]))
    for key in sorted(tot):
        print("  CVSS %s %-16s %6d compared, %5d differ" % (key[0], key[1], tot[key],
                                                            bad.get(key, 0)))
    for key in sorted(examples):
        print("  e.g. " + examples[key])


def main():
    if sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
        return
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    kinds = [("", V2, V2_OPT), ("CVSS:3.0/", V3, V3_OPT), ("CVSS:3.1/", V3, V3_OPT),
             ("CVSS:4.0/", V4, V4_OPT)]
    out = sys.stdout
    for i in range(n):
        prefix, base, opt = kinds[i % 4]
        out.write(vector(rnd, prefix, base, opt) + "\n")


main()
