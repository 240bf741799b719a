#!/bin/sh
# SPDX-License-Identifier: MIT
# Server-side sorting of the incident and report lists (sort=, 011_list_sort.sql) through
# a real `hikeshi serve`. 40 incidents of every severity, state and team (and none), with
# titles that repeat in mixed case, and 24 reports, some triaged into the incidents, some
# rejected or resolved; TLP:RED and AMBER+STRICT rows among them. Creation and update
# times are then rewritten to a few values so most sort values tie. For every sort of
# both lists, in both directions, as the admin and as a handler of team cert, the pages of
# 4 rows are walked to the end through next_cursor: the concatenation must be exactly the
# rows the caller may read, each once, in the order of (sort value, id) computed here
# independently (severity and incident state by rank, titles and subjects ignoring ASCII
# case). The handler never sees the TLP:RED incident it is not on, nor the AMBER+STRICT
# incident of another team, nor their reports, in any sort. Refusals (400): an unknown
# sort, a sort of the other list, a cursor of another sort or list or of the id order, a
# forged cursor. Filters combine with every sort. The id order keeps its integer cursor. The CLI's --sort over the API
# gives the same pages.
. "$(dirname "$0")/hk_testlib.sh"

D=$HK_TMP/data
PY=$HK_PY
"$HK_BIN" --data "$D" init >/dev/null 2>&1
echo "password-of-hana" | "$HK_BIN" --data "$D" user add hana --role handler --team cert \
    --password-stdin >/dev/null 2>"$HK_TMP/setup.err"
tok() {
    "$HK_BIN" --data "$D" --json token create --user "$1" 2>/dev/null |
        sed -n 's/.*"token": *"\(hk_[A-Za-z0-9_-]*\)".*/\1/p'
}
T_admin=$(tok admin)
T_hana=$(tok hana)
check "tokens created" test -n "$T_admin" -a -n "$T_hana"

serve_or_finish "$D" "$HK_TMP/serve.log"

cat >"$HK_TMP/sort.py" <<'EOF'
import json, random, sqlite3, sys, urllib.error, urllib.parse, urllib.request

url, admin, hana, db = sys.argv[1:5]
random.seed(7)
passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - " + what)


def call(method, path, token, body=None, params=None):
    q = ("?" + urllib.parse.urlencode(params)) if params else ""
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request(url + path + q, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


SEVS = ["low", "medium", "high", "critical"]
TEAMS = ["cert", "soc", "noc", ""]
TITLES = ["alpha", "Alpha", "beta", "BETA", "Gamma", "delta", "Delta: ssh", "epsilon"]
incidents = []
members = set()
for i in range(40):
    tlp = ["AMBER", "GREEN", "CLEAR", "AMBER"][i % 4]
    team = TEAMS[i % 4]
    if i in (5, 17):
        tlp = "RED"
    if i in (9, 22):
        tlp = "AMBER+STRICT"  # 9: team soc (hidden from hana), 22: ...
    if i == 22:
        team = "cert"  # AMBER+STRICT of hana's team: visible
    if i == 9:
        team = "soc"
    st, inc = call("POST", "/api/v1/incidents", admin,
                   {"title": TITLES[i % len(TITLES)], "severity": SEVS[(i * 3) % 4],
                    "tlp": tlp, "team": team})
    assert st == 201, (st, inc)
    incidents.append(inc["id"])
    for act in [[], ["triage"], ["triage", "analyse"], ["triage", "analyse", "mitigate"],
                ["triage", "analyse", "mitigate", "resolve"], ["abandon"]][i % 6]:
        body = {"resolution": "done"} if act == "resolve" else {}
        st, r = call("POST", "/api/v1/incidents/%d/%s" % (inc["id"], act), admin, body)
        assert st == 200, (act, st, r)
    if i == 17:  # the RED incident hana is on
        st, r = call("POST", "/api/v1/incidents/%d/members" % inc["id"], admin, {"user": "hana"})
        assert st in (200, 201), (st, r)
        members.add(inc["id"])
hidden_inc = {incidents[5], incidents[9]}

reports = []
hidden_rep = set()
for i in range(24):
    tlp = "RED" if i == 3 else "AMBER"
    st, rep = call("POST", "/api/v1/reports", admin,
                   {"content": "report %d about 198.51.100.%d" % (i, i + 1),
                    "subject": TITLES[(i * 5) % len(TITLES)], "tlp": tlp})
    assert st == 201, (st, rep)
    reports.append(rep["id"])
    if i % 4 == 1:
        target = incidents[[5, 9, 17, 2, 30][i % 5]]
        st, r = call("POST", "/api/v1/reports/%d/triage" % rep["id"], admin, {"incident_id": target})
        assert st in (200, 201), (st, r)
        if target in hidden_inc:
            hidden_rep.add(rep["id"])
    elif i % 4 == 2:
        st, r = call("POST", "/api/v1/reports/%d/reject" % rep["id"], admin)
        assert st == 200, (st, r)
    elif i % 4 == 3:
        st, r = call("POST", "/api/v1/reports/%d/state" % rep["id"], admin, {"state": "open"})
        assert st == 200, (st, r)
hidden_rep.add(reports[3])

# Few distinct times, so most sort values tie and the id decides.
con = sqlite3.connect(db, timeout=30)
for tab, created in (("incidents", "created_at"), ("reports", "received_at")):
    for (rid,) in con.execute("SELECT id FROM " + tab).fetchall():
        con.execute("UPDATE %s SET %s = ?, updated_at = ? WHERE id = ?" % (tab, created),
                    (1767225600 + random.randint(0, 4) * 3600,
                     1767225600 + random.randint(0, 3) * 60, rid))
con.commit()
con.close()


def fold(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


INC_STATES = ["new", "triage", "analysis", "mitigation", "resolved", "abandoned"]
KEYS = {
    "incidents": {
        "id": lambda r: 0,
        "created": lambda r: r["created_at"],
        "updated": lambda r: r["updated_at"],
        "severity": lambda r: SEVS.index(r["severity"]),
        "state": lambda r: INC_STATES.index(r["state"]),
        "team": lambda r: r["team"].encode(),
        "title": lambda r: fold(r["title"]).encode(),
    },
    "reports": {
        "id": lambda r: 0,
        "received": lambda r: r["received_at"],
        "updated": lambda r: r["updated_at"],
        "state": lambda r: r["state"].encode(),
        "subject": lambda r: fold(r["subject"]).encode(),
    },
}


def walk(kind, token, sort, order, limit=4, extra=None):
    rows, cursor, pages = [], None, 0
    while True:
        p = dict(extra or {}, limit=str(limit), order=order)
        if sort:
            p["sort"] = sort
        if cursor is not None:
            p["cursor"] = str(cursor)
        st, page = call("GET", "/api/v1/" + kind, token, params=p)
        if st != 200:
            return None, "status %d: %s" % (st, page)
        rows += page["items"]
        cursor = page["next_cursor"]
        pages += 1
        if sort in (None, "id") and cursor is not None and not isinstance(cursor, int):
            return None, "the id order's cursor is not an integer: %r" % (cursor,)
        if sort not in (None, "id") and cursor is not None and not isinstance(cursor, str):
            return None, "the cursor of sort=%s is not a string: %r" % (sort, cursor)
        if cursor is None or pages > 100:
            return rows, None


every = {}
for kind in ("incidents", "reports"):
    rows, err = walk(kind, admin, None, "desc", 500)
    every[kind] = {r["id"]: r for r in rows}
ok(len(every["incidents"]) == 40 and len(every["reports"]) == 24, "the admin lists every row")
visible = {
    "incidents": set(every["incidents"]) - hidden_inc,
    "reports": set(every["reports"]) - hidden_rep,
}
ok(not visible["incidents"] & hidden_inc and incidents[17] in visible["incidents"]
   and incidents[22] in visible["incidents"], "the handler's expected incidents")

for kind in ("incidents", "reports"):
    for user, token in (("admin", admin), ("hana", hana)):
        want_ids = set(every[kind]) if user == "admin" else visible[kind]
        for sort, key in KEYS[kind].items():
            for order in ("desc", "asc"):
                what = "%s sort=%s order=%s as %s" % (kind, sort, order, user)
                rows, err = walk(kind, token, sort, order)
                if err:
                    ok(False, what + ": " + err)
                    continue
                ids = [r["id"] for r in rows]
                want = sorted((every[kind][i] for i in want_ids),
                              key=lambda r: (key(r), r["id"]), reverse=order == "desc")
                ok(len(ids) == len(set(ids)), what + ": no row twice")
                ok(set(ids) == want_ids, what + ": every readable row, nothing else")
                ok(ids == [r["id"] for r in want], what + ": in order (sort value, then id)")
                if user == "hana":
                    leak = set(ids) & (hidden_inc if kind == "incidents" else hidden_rep)
                    ok(not leak, what + ": no TLP-hidden row")

# With filters: the same WHERE terms under every sort.
for sort in ("severity", "title", "updated"):
    for order in ("desc", "asc"):
        what = "incidents state=open&tlp=AMBER sort=%s order=%s as hana" % (sort, order)
        rows, err = walk("incidents", hana, sort, order, 3, {"state": "open", "tlp": "AMBER"})
        want = sorted((r for i, r in every["incidents"].items() if i in visible["incidents"]
                       and r["state"] not in ("resolved", "abandoned") and r["tlp"] == "AMBER"),
                      key=lambda r: (KEYS["incidents"][sort](r), r["id"]), reverse=order == "desc")
        ok(not err and [r["id"] for r in rows] == [r["id"] for r in want] and len(want) > 3,
           what + ": the filtered rows in order (%d)" % len(want))

# Refusals
def refused(kind, params, text, what):
    st, body = call("GET", "/api/v1/" + kind, admin, params=params)
    msg = (body or {}).get("error", {}).get("message", "")
    ok(st == 400 and text in msg, "%s: 400 (%d %s)" % (what, st, msg))


refused("incidents", {"sort": "bogus"}, "unknown sort column 'bogus'", "unknown sort")
refused("reports", {"sort": "severity"}, "unknown sort column 'severity'", "severity on reports")
refused("incidents", {"sort": "received"}, "unknown sort column", "received on incidents")
st, p1 = call("GET", "/api/v1/incidents", admin, params={"sort": "severity", "limit": "3"})
c_sev = p1["next_cursor"]
refused("incidents", {"sort": "updated", "cursor": c_sev}, "this cursor is for sort=severity",
        "a severity cursor with sort=updated")
refused("incidents", {"cursor": c_sev}, "this cursor is for sort=severity",
        "a severity cursor in the id order")
refused("reports", {"sort": "updated", "cursor": c_sev}, "not a cursor of the reports list",
        "an incident cursor on the report list")
st, p2 = call("GET", "/api/v1/incidents", admin, params={"limit": "3"})
refused("incidents", {"sort": "title", "cursor": str(p2["next_cursor"])},
        "this cursor is for the id order", "an id cursor with sort=title")
refused("incidents", {"sort": "title", "cursor": "bm90LWEtY3Vyc29y"}, "not a cursor",
        "a forged cursor")
refused("incidents", {"sort": "title", "cursor": "!!!"}, "not a cursor", "a malformed cursor")
import base64
forged = base64.urlsafe_b64encode(b"incidents:severity:5:urgent").decode().rstrip("=")
refused("incidents", {"sort": "severity", "cursor": forged}, "not a cursor",
        "a cursor with an unknown severity")
# Text from the client that is not UTF-8 once echoed (a cursor's sort field, a parameter cut
# at 64 bytes inside a character) crashed the server: the error body could not be JSON.
bad_sort = base64.urlsafe_b64encode(b"incidents:\xff\xfe:1:x").decode().rstrip("=")
refused("incidents", {"sort": "title", "cursor": bad_sort}, "this cursor is for another sort",
        "a cursor whose sort is not UTF-8")
refused("reports", {"sort": "a" + "\u00e9" * 40}, "unknown sort column 'a",
        "a sort name cut inside a character")
refused("incidents", {"sort": "title", "cursor": b"\xff"}, "is not valid UTF-8",
        "a cursor that is not UTF-8 (it gave the first page)")
refused("incidents", {"sort": b"\xff"}, "is not valid UTF-8",
        "a sort that is not UTF-8 (it gave the id order)")
st, _ = call("GET", "/api/v1/incidents", admin, params={"limit": "1"})
ok(st == 200, "the server still answers after those (%d)" % st)
st, p3 = call("GET", "/api/v1/incidents", admin, params={"sort": "severity", "limit": "3",
                                                       "cursor": c_sev})
ok(st == 200 and [r["id"] for r in p3["items"]] ==
   [r["id"] for r in sorted(every["incidents"].values(),
                            key=lambda r: (SEVS.index(r["severity"]), r["id"]),
                            reverse=True)[3:6]], "a cursor continues its own sort")
with open(sys.argv[5], "w") as f:
    f.write(c_sev + "\n")
print("PY %d %d" % (passed, failed))
EOF

"$PY" "$HK_TMP/sort.py" "$SRV_URL" "$T_admin" "$T_hana" "$D/hikeshi.db" "$HK_TMP/cursor" \
    >"$HK_TMP/py.out" 2>&1
grep -E '^(ok|FAIL) - ' "$HK_TMP/py.out"
res=$(sed -n 's/^PY \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$HK_TMP/py.out")
if [ -z "$res" ]; then
    bad "the sort walk ran to the end: $(tail -n 5 "$HK_TMP/py.out")"
else
    HK_PASS=$((HK_PASS + ${res% *}))
    HK_FAIL=$((HK_FAIL + ${res#* }))
fi

# The CLI over the API: --sort and the cursor it prints.
cli() { "$HK_BIN" --server "$SRV_URL" --token "$T_admin" --json "$@"; }
cli incident list --sort severity --limit 3 >"$HK_TMP/cli1.json" 2>"$HK_TMP/cli1.err"
check "cli: incident list --sort severity" test -s "$HK_TMP/cli1.json"
c=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["next_cursor"])' \
    "$HK_TMP/cli1.json" 2>/dev/null)
check "cli: the same cursor as the API" test "$c" = "$(cat "$HK_TMP/cursor" 2>/dev/null)"
cli incident list --sort severity --limit 3 --cursor "$c" --order desc >"$HK_TMP/cli2.json" \
    2>/dev/null
n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' \
    "$HK_TMP/cli2.json" 2>/dev/null)
check "cli: the next page from the cursor" test "$n" = 3
cli report list --sort subject --order asc --limit 2 >"$HK_TMP/cli3.json" 2>/dev/null
check "cli: report list --sort subject" test "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["items"]), isinstance(d["next_cursor"], str))' "$HK_TMP/cli3.json" 2>/dev/null)" = "2 True"
if cli incident list --sort nope >/dev/null 2>"$HK_TMP/cli4.err"; then
    bad "cli: an unknown sort fails"
else
    check "cli: an unknown sort fails with the message" grep -q "unknown sort column 'nope'" \
        "$HK_TMP/cli4.err"
fi

stop_server
check "server stopped cleanly" test "$SRV_RC" = 0
finish
