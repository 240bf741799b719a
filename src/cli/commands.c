/* SPDX-License-Identifier: MIT */
/*
 * The command table. Most commands are one API call: a method, a path with the
 * positional arguments, and options mapped onto body or query members, run by
 * cli_run_generic. Commands with more to do name a function (cmd_*.c).
 * A field map entry whose option is "@N" takes the N-th positional argument instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct fieldmap list_q[] = {
    {"state", "state", 0},
    {"severity", "severity", 0},
    {"team", "team", 0},
    {"class", "class", 0},
    {"tlp", "tlp", 0},
    {"q", "q", 0},
    {"observable", "observable", 0},
    {"since", "updated_since", 0},
    {"from", "from", 0},
    {"to", "to", 0},
    {"cursor", "cursor", 0},
    {"limit", "limit", 0},
    {"order", "order", 0},
    {"sort", "sort", 0},
    {"incident", "incident", 0},
    {NULL, NULL, 0},
};

static const struct fieldmap incident_fields[] = {
    {"title", "title", 0},
    {"description", "description", 0},
    {"severity", "severity", 0},
    {"tlp", "tlp", 0},
    {"pap", "pap", 0},
    {"class", "rsit_class", 0},
    {"type", "rsit_type", 0},
    {"malware-class", "malware_class", 0},
    {"route", "infection_route", 0},
    {"team", "team", 0},
    {"assignee", "assignee", 0},
    {NULL, NULL, 0},
};

static const struct fieldmap triage_fields[] = {
    {"incident", "incident_id", 1},
    {"title", "title", 0},
    {"description", "description", 0},
    {"severity", "severity", 0},
    {"tlp", "tlp", 0},
    {"pap", "pap", 0},
    {"class", "rsit_class", 0},
    {"type", "rsit_type", 0},
    {"malware-class", "malware_class", 0},
    {"route", "infection_route", 0},
    {"team", "team", 0},
    {"assignee", "assignee", 0},
    {NULL, NULL, 0},
};

static const struct fieldmap asset_fields[] = {{"team", "team", 0},   {"cpe", "cpe", 0},
                                               {"purl", "purl", 0},   {"version", "version", 0},
                                               {"label", "label", 0}, {NULL, NULL, 0}};
static const struct fieldmap asset_edit_fields[] = {
    {"version", "version", 0}, {"label", "label", 0}, {NULL, NULL, 0}};
static const struct fieldmap asset_list_q[] = {
    {"team", "team", 0}, {"cursor", "cursor", 0}, {"limit", "limit", 0}, {NULL, NULL, 0}};
static const struct fieldmap adv_list_q[] = {
    {"cursor", "cursor", 0}, {"limit", "limit", 0}, {NULL, NULL, 0}};

static const struct fieldmap transition_fields[] = {{"resolution", "resolution", 0},
                                                    {NULL, NULL, 0}};
static const struct fieldmap link_fields[] = {{"incident", "incident_id", 1}, {NULL, NULL, 0}};
static const struct fieldmap merge_fields[] = {{"@1", "source", 1}, {NULL, NULL, 0}};
static const struct fieldmap split_fields[] = {{"@1", "report_id", 1}, {NULL, NULL, 0}};
static const struct fieldmap member_fields[] = {{"@1", "user", 0}, {NULL, NULL, 0}};
static const struct fieldmap user_name_fields[] = {{"@0", "user", 0}, {NULL, NULL, 0}};
static const struct fieldmap state_fields[] = {{"@1", "state", 0}, {NULL, NULL, 0}};
static const struct fieldmap inv_fields[] = {{"party", "party", 0},
                                             {"subject", "subject", 0},
                                             {"message", "message", 0},
                                             {"due", "due_at", 0},
                                             {NULL, NULL, 0}};
static const struct fieldmap msg_fields[] = {
    {"body", "body", 0}, {"direction", "direction", 0}, {NULL, NULL, 0}};
static const struct fieldmap cm_fields[] = {
    {"kind", "kind", 0}, {"description", "description", 0}, {NULL, NULL, 0}};
static const struct fieldmap task_fields[] = {
    {"title", "title", 0}, {"assignee", "assignee", 0}, {"due", "due_at", 0}, {NULL, NULL, 0}};
static const struct fieldmap task_update_fields[] = {{"title", "title", 0},
                                                     {"assignee", "assignee", 0},
                                                     {"due", "due_at", 0},
                                                     {"done", "done", 2},
                                                     {NULL, NULL, 0}};
static const struct fieldmap token_fields[] = {
    {"user", "user", 0}, {"name", "name", 0}, {"ttl", "ttl", 1}, {NULL, NULL, 0}};
static const struct fieldmap report_state_fields[] = {{"@1", "state", 0}, {NULL, NULL, 0}};
static const struct fieldmap empty[] = {{NULL, NULL, 0}};
static const struct fieldmap notify_fields[] = {
    {"due", "due_at", 0}, {"request", "request", 0}, {NULL, NULL, 0}};

#define TRANSITION(verb, what)                                                                     \
    {                                                                                              \
        "incident", verb, "POST", "/api/v1/incidents/%s/" verb, 1, "ID [--resolution TEXT]", what, \
            transition_fields, NULL, NULL, NULL                                                    \
    }

extern const char hk_cli_sensor_help[]; /* cmd_sensor.c */
extern const char hk_cli_team_help[];   /* cmd_team.c */

const struct cmd hk_cli_cmds[] = {
    {"init", NULL, NULL, NULL, 0, "[--data DIR]",
     "create and initialise a data directory; prints the admin token once", NULL, NULL, cmd_init,
     "    Creates DIR (default ./hikeshi-data) with its SQLite database, runs the migrations\n"
     "    and, on first use, creates the user 'admin' and prints its API token. The token is\n"
     "    stored only as a SHA-256 digest and cannot be shown again.\n"},
    {"serve", NULL, NULL, NULL, 0, "[--listen ADDR:PORT] [--threads N] [--data DIR]",
     "serve the HTTP API (default 127.0.0.1:8080)", NULL, NULL, cmd_serve,
     "    Initialises the data directory if needed (printing the admin token once) and\n"
     "    answers the JSON API under /api/v1/, /healthz and /metrics until SIGINT/SIGTERM.\n"
     "    Binds to 127.0.0.1 unless --listen says otherwise. Options: --listen ADDR:PORT,\n"
     "    --threads N (default 4), --max-body BYTES (default 1048576),\n"
     "    --correlation-window DAYS (default 30), --sla low=72h,medium=24h,high=4h,critical=1h\n"
     "    (first-response targets per severity; units d, h, m, s), --session-idle SECONDS\n"
     "    (web sessions, default 7200), --session-lifetime SECONDS (default 43200),\n"
     "    --secure-cookies (mark the session cookie Secure: for use behind a TLS proxy). The\n"
     "    web UI is served at / (files embedded from web/); the first start also prints the\n"
     "    admin password for signing in.\n"},
    {"report", "add", "POST", "/api/v1/reports", 0,
     "[--content TEXT | --file PATH | < stdin] [--subject S] [--reporter R] [--tlp TLP]",
     "submit a report (observables extracted, correlated, duplicates folded)", NULL, NULL,
     cmd_report_add,
     "    Reads the report text from --content, --file or standard input. Options:\n"
     "    --subject, --reporter, --tlp (CLEAR, GREEN, AMBER, AMBER+STRICT, RED), --source,\n"
     "    --class and --type (RSIT), --received-at (ISO 8601).\n"},
    {"report", "list", "GET", "/api/v1/reports", 0,
     "[--state S] [--q TEXT] [--observable V] ... [--sort COL] [--order asc|desc]",
     "list reports (newest first, or --sort id|received|updated|state|subject)", NULL, list_q, NULL,
     NULL},
    {"report", "show", "GET", "/api/v1/reports/%s", 1, "ID", "show one report", NULL, NULL, NULL,
     NULL},
    {"report", "import", NULL, NULL, 1, "FILE|- [--batch N]",
     "bulk-import reports from JSON lines (one object per line)", NULL, NULL, cmd_report_import,
     "    Each line is a report object as for 'report add' ({\"content\": ...}). Locally the\n"
     "    import runs in transactions of --batch lines (default 10000); against a server it\n"
     "    is sent in chunks under the body limit. Malformed lines are skipped and counted.\n"},
    {"report", "import-iodef", NULL, NULL, 1, "FILE|- [--tlp TLP]",
     "submit an IODEF v2 document (RFC 7970) as a report", NULL, NULL, cmd_report_import_iodef,
     "    The document's incidents, assessments, contacts' names and event data (addresses,\n"
     "    domains, ports, URLs, times) become the report's content; its classification comes\n"
     "    from an IncidentCategory naming an RSIT class/type, or from the SystemImpact type.\n"},
    {"report", "triage", "POST", "/api/v1/reports/%s/triage", 1,
     "ID [--incident N | --title T --severity S ...]",
     "classify a report and attach it to an incident (or open a new one)", triage_fields, NULL,
     NULL, NULL},
    {"report", "reject", "POST", "/api/v1/reports/%s/reject", 1, "ID", "reject a report", NULL,
     NULL, NULL, NULL},
    {"report", "state", "POST", "/api/v1/reports/%s/state", 2, "ID STATE",
     "set a report's state (open, resolved, rejected)", report_state_fields, NULL, NULL, NULL},
    {"report", "link", "POST", "/api/v1/reports/%s/link", 1, "ID --incident N",
     "link a report to an incident", link_fields, NULL, NULL, NULL},
    {"report", "unlink", "POST", "/api/v1/reports/%s/unlink", 1, "ID",
     "unlink a report from its incident", empty, NULL, NULL, NULL},
    {"incident", "list", "GET", "/api/v1/incidents", 0,
     "[--state S] [--severity S] [--team T] [--class C] [--tlp T] [--q TEXT] [--observable V] "
     "[--sort COL] [--order asc|desc]",
     "list incidents (newest first, or --sort id|created|updated|severity|state|team|title; "
     "--cursor for the next page)",
     NULL, list_q, NULL, NULL},
    {"incident", "show", "GET", "/api/v1/incidents/%s", 1, "ID",
     "show an incident with its reports, observables, investigations, tasks", NULL, NULL, NULL,
     NULL},
    {"incident", "create", "POST", "/api/v1/incidents", 0, "--title T [--severity S] ...",
     "open an incident", incident_fields, NULL, NULL, NULL},
    {"incident", "update", "PATCH", "/api/v1/incidents/%s", 1, "ID [--title T] [--severity S] ...",
     "edit an incident", incident_fields, NULL, NULL, NULL},
    TRANSITION("triage", "move an incident to triage"),
    TRANSITION("analyse", "move an incident to analysis"),
    TRANSITION("mitigate", "move an incident to mitigation"),
    TRANSITION("resolve", "resolve an incident"),
    TRANSITION("abandon", "abandon an incident"),
    TRANSITION("reopen", "reopen a resolved or abandoned incident"),
    {"incident", "merge", "POST", "/api/v1/incidents/%s/merge", 2, "INTO FROM",
     "merge incident FROM into incident INTO", merge_fields, NULL, NULL, NULL},
    {"incident", "split", "POST", "/api/v1/incidents/%s/split", 2, "ID REPORT",
     "split a report out of an incident into a new one", split_fields, NULL, NULL, NULL},
    {"incident", "member", "POST", "/api/v1/incidents/%s/members", 2, "ID USER",
     "put a user on an incident (TLP:RED visibility)", member_fields, NULL, NULL, NULL},
    {"incident", "overdue", "GET", "/api/v1/incidents/overdue", 0, "",
     "incidents past their first-response target (SLA)", NULL, NULL, NULL, NULL},
    {"incident", "audit", "GET", "/api/v1/incidents/%s/audit", 1, "ID",
     "the audit history of an incident", NULL, NULL, NULL, NULL},
    {"incident", "notify", "POST", "/api/v1/incidents/%s/notify", 1,
     "ID [--due TIME] [--request TEXT]",
     "notify the responsible teams: one investigation and one message per team", notify_fields,
     NULL, NULL,
     "    Routes the incident's observables through the team directory and, for each team,\n"
     "    opens an investigation and queues one message with only that team's data, in its\n"
     "    language and preferred attachment format (CSV, X-ARF). A server started with\n"
     "    --smtp and --mail-from delivers it at once; on a data directory, run\n"
     "    'hikeshi mail flush'. Replies piped into 'hikeshi mail-in' are threaded back."},
    {"incident", "export-iodef", NULL, NULL, 1, "ID [--team NAME] [--contact EMAIL]",
     "print an incident as an IODEF v2 document (RFC 7970)", NULL, NULL, cmd_incident_export_iodef,
     "    IncidentID name= is --team (or env HIKESHI_TEAM), the issuing CSIRT. The incident's\n"
     "    observables become EventData/Flow/System/Node entries (Address ipv4-addr, ipv6-addr,\n"
     "    e-mail, site-uri; DomainData/Name), hashes and CVE names AdditionalData. The\n"
     "    document validates against iodef-2.0.xsd (tests/data/iodef/).\n"},
    {"investigation", "add", "POST", "/api/v1/incidents/%s/investigations", 1,
     "INCIDENT --party P [--subject S] [--message M] [--due TIME]",
     "open an investigation (a cooperation request to one party)", inv_fields, NULL, NULL, NULL},
    {"investigation", "show", "GET", "/api/v1/investigations/%s", 1, "ID",
     "show an investigation with its messages", NULL, NULL, NULL, NULL},
    {"investigation", "message", "POST", "/api/v1/investigations/%s/messages", 1,
     "ID --body TEXT [--direction in|out]", "record a message sent or received", msg_fields, NULL,
     NULL, NULL},
    {"investigation", "state", "POST", "/api/v1/investigations/%s/state", 2, "ID STATE",
     "set state (open, waiting, answered, resolved)", state_fields, NULL, NULL, NULL},
    {"countermeasure", "add", "POST", "/api/v1/incidents/%s/countermeasures", 1,
     "INCIDENT [--kind K] [--description D]", "add a countermeasure", cm_fields, NULL, NULL, NULL},
    {"countermeasure", "state", "POST", "/api/v1/countermeasures/%s/state", 2, "ID STATE",
     "set state (pending, active, pending-removal, removed)", state_fields, NULL, NULL, NULL},
    {"task", "add", "POST", "/api/v1/incidents/%s/tasks", 1,
     "INCIDENT --title T [--assignee U] [--due TIME]", "add a task", task_fields, NULL, NULL, NULL},
    {"task", "update", "PATCH", "/api/v1/tasks/%s", 1, "ID [--title T] [--assignee U] [--done]",
     "edit a task or mark it done", task_update_fields, NULL, NULL, NULL},
    {"mail-in", NULL, NULL, NULL, 0,
     "[--maildir DIR [--processed DIR | --delete] [--batch N]] [--ack] [--gnupghome DIR]",
     "take in received mail: one message on standard input, or a Maildir", NULL, NULL, cmd_mailin,
     "    Every message is stored raw (table mail_in) together with the reports it becomes:\n"
     "    X-ARF v3/v4 documents, IODEF documents, or else its text. A message that cannot be\n"
     "    parsed is stored anyway and its report says why. PGP/MIME signatures are verified\n"
     "    against --gnupghome (or env HIKESHI_MAIL_GNUPGHOME, GNUPGHOME). With --maildir, the\n"
     "    files of new/ and cur/ are stored in transactions of --batch (default 100) and moved\n"
     "    to --processed (default DIR/.Processed) or deleted (--delete) only after commit.\n"
     "    --ack queues acknowledgements of new reports (never for auto-replies, bounces or\n"
     "    lists). --max-size BYTES bounds a stored message (default 25 MiB). Exit 75 when a\n"
     "    message could not be stored (the MTA retries).\n"},
    {"mail", "flush", NULL, NULL, 0,
     "--smtp URL --mail-from ADDR [--sign-key KEY] [--gnupghome DIR] [--org NAME]",
     "deliver the outbox (notifications, reminders) of the data directory now", NULL, NULL,
     cmd_mail_flush, NULL},
    {"mail", "remind", "POST", "/api/v1/outbox/remind", 0, "",
     "queue reminders for investigations waiting past their due time", NULL, NULL, NULL, NULL},
    {"observable", NULL, "GET", "/api/v1/observables", 1, "VALUE",
     "which incidents and reports carry an observable (IP, domain, hash, ...)", NULL, NULL,
     cmd_observable, NULL},
    {"stats", NULL, NULL, NULL, 0,
     "[--object reports|incidents] [--by year|month|week|day] [--group none|class|team|source] "
     "[--from T] [--to T] [--svg FILE] [--csv] [--summary]",
     "report and incident statistics: table, CSV or SVG chart", NULL, NULL, cmd_stats,
     "    Counts reports (by received time) or incidents (by creation time) per year, month,\n"
     "    ISO week or day (UTC), optionally grouped by RSIT class, team (incidents) or source\n"
     "    (reports), from GET /api/v1/stats/series. Prints a table; --csv prints CSV; --svg\n"
     "    FILE writes the chart (--type bar|line, --lang en|ja, --title T) with the renderer of\n"
     "    GET /api/v1/stats/chart.svg, byte for byte. --summary prints totals, mean and median\n"
     "    time to first response and to resolution, and SLA compliance (--csv, --json too).\n"},
    {"demo", NULL, NULL, NULL, 0, "[--data DIR] [--bench-incidents N]",
     "load the [DEMO] data set (idempotent), or N synthetic incidents for benchmarks", NULL, NULL,
     cmd_demo,
     "    Loads, once, a clearly labelled demo set: a coordinating CSIRT with member teams,\n"
     "    the users handler and reporter (passwords printed once), reports per year\n"
     "    1996-2004 as the seed counted them (13 ... 5,196) and 2022 to today, incidents in\n"
     "    every state, some past their SLA. Running it again changes nothing.\n"
     "    --bench-incidents N inserts N synthetic [BENCH] incidents (bench/ui.sh).\n"},
    {"team", "add", "POST", "/api/v1/teams", 0,
     "--name N [--type T] [--parent P] [--email E] [--network PREFIX]... [--domain D]... "
     "[--asn N]...",
     "add a team to the directory", NULL, NULL, cmd_team, hk_cli_team_help},
    {"team", "list", "GET", "/api/v1/teams", 0, "", "list the team directory", NULL, NULL, cmd_team,
     NULL},
    {"team", "show", "GET", "/api/v1/teams/%s", 1, "TEAM",
     "show a team (name or id): contacts, constituency, member teams, chain", NULL, NULL, cmd_team,
     NULL},
    {"team", "edit", "PATCH", "/api/v1/teams/%s", 1,
     "TEAM [--email E] [--parent P] ... [--network P]... [--remove VALUE]...",
     "edit a team; --network/--domain/--asn add, --remove removes", NULL, NULL, cmd_team,
     hk_cli_team_help},
    {"team", "remove", "DELETE", "/api/v1/teams/%s", 1, "TEAM", "remove a team", NULL, NULL,
     cmd_team, NULL},
    {"team", "export", "GET", "/api/v1/teams/export", 0, "[--format json|csv]",
     "export the whole directory as JSON or CSV", NULL, NULL, cmd_team, NULL},
    {"team", "import", "POST", "/api/v1/teams/import", 1, "FILE",
     "import teams from JSON or CSV (created or replaced by name; all or nothing)", NULL, NULL,
     cmd_team, NULL},
    {"team", "import-securitytxt", "POST", "/api/v1/teams/%s/securitytxt", 2, "TEAM FILE",
     "import a team's security.txt (RFC 9116; signed files accepted)", NULL, NULL, cmd_team, NULL},
    {"route", "load-pfx2as", "POST", "/api/v1/route/pfx2as", 1, "FILE",
     "replace the prefix-to-AS table (CAIDA pfx2as text)", NULL, NULL, cmd_route,
     "    Each line is PREFIX<TAB>LENGTH<TAB>ASNS (origins joined by '_' or ','). A bad line\n"
     "    refuses the whole file with its line number. The table is stored and survives\n"
     "    restarts; it routes an address no team prefix covers to the team listing its\n"
     "    origin AS.\n"},
    {"route", NULL, "GET", "/api/v1/route", 1, "VALUE",
     "the responsible team for an IP address, domain, URL, e-mail address or ASN", NULL, NULL,
     cmd_route,
     "    Prints the most specific team whose constituency covers VALUE, the match (longest\n"
     "    prefix, longest domain suffix, ASN, or the origin AS from pfx2as), the chain up\n"
     "    to the coordinating team and the contact to use. Exits 3 when no team is.\n"},
    {"user", "add", NULL, NULL, 1, "NAME --role ROLE [--team T] [--password-stdin]",
     "create a user (roles: admin, handler, reporter, sensor, peer)", NULL, NULL, cmd_user_add,
     "    With --password-stdin the password (8 characters or more) is read from the first\n"
     "    line of standard input and stored as an Argon2id hash.\n"},
    {"user", "list", "GET", "/api/v1/users", 0, "", "list users", NULL, NULL, NULL, NULL},
    {"user", "disable", "POST", "/api/v1/users/disable", 1, "NAME",
     "disable a user: password, browser sessions and API tokens stop working", user_name_fields,
     NULL, NULL, NULL},
    {"user", "enable", "POST", "/api/v1/users/enable", 1, "NAME", "enable a disabled user again",
     user_name_fields, NULL, NULL, NULL},
    {"user", "passwd", NULL, NULL, 1, "NAME --password-stdin",
     "set a user's password (ends the user's browser sessions)", NULL, NULL, cmd_user_passwd,
     "    The new password (8 characters or more) is read from the first line of standard\n"
     "    input and stored as an Argon2id hash; the user's browser sessions end. Through\n"
     "    the API a user changes their own with the current one: POST\n"
     "    /api/v1/account/password {\"current\": ..., \"password\": ...}.\n"},
    {"token", "create", "POST", "/api/v1/tokens", 0, "[--user U] [--name N] [--ttl SECONDS]",
     "create an API token (shown once)", token_fields, NULL, NULL, NULL},
    {"token", "list", "GET", "/api/v1/tokens", 0, "", "list API tokens", NULL, NULL, NULL, NULL},
    {"token", "revoke", "DELETE", "/api/v1/tokens/%s", 1, "ID", "revoke an API token", NULL, NULL,
     NULL, NULL},
    {"audit", "verify", NULL, NULL, 0, "", "verify the audit log's hash chain", NULL, NULL,
     cmd_audit_verify,
     "    Recomputes every entry's hash and the chain between entries. Exits 0 when intact,\n"
     "    6 when any entry was edited, inserted or deleted (the first such entry is named).\n"},
    {"db", "migrate", NULL, NULL, 0, "", "apply pending schema migrations", NULL, NULL,
     cmd_db_migrate, NULL},
    {"db", "check", NULL, NULL, 0, "", "run the database integrity check", NULL, NULL, cmd_db_check,
     NULL},
    {"routes", NULL, NULL, NULL, 0, "", "list the HTTP API's routes", NULL, NULL, cmd_routes, NULL},
    {"sensor", NULL, NULL, NULL, 0,
     "[--interface IF | FILE...] [--monitor PREFIX]... [--out FILE] [options]",
     "observe scanning traffic: per-source profiles, scan strategies, port surges", NULL, NULL,
     cmd_sensor, hk_cli_sensor_help},
    {"simulate", NULL, NULL, NULL, 1,
     "SCENARIO [--out DIR] [--seed N] [--no-pcap] [--max-packets N] | --list",
     "run a worm-outbreak simulation (infection curve, sensor captures, summary)", NULL, NULL,
     cmd_simulate,
     "    SCENARIO is a shipped name (see --list: wannacry-lan, wannacry-internet, notpetya-lan,\n"
     "    badrabbit-lan, slammer-internet, codered2-internet, blaster-internet, ...) or an INI\n"
     "    file (a path with '/' or ending in .ini; format in docs/simulator.md). Prints the\n"
     "    summary: time to 50/90/100 % infected, early doubling time, peak probe rate.\n"
     "    --out DIR writes curve.csv, curve.svg, summary.json, ground-truth.json and one\n"
     "    sensor-NAME.pcap per sensor (Ethernet, correct checksums, time order). The same\n"
     "    --seed gives byte-identical outputs. --no-pcap skips the captures; --max-packets\n"
     "    bounds each capture (default 200,000,000)."},
    {"exercise", NULL, NULL, NULL, 1,
     "SCENARIO [--server URL --token T] [--speed 60] [--seed N] [--state FILE] | --score FILE",
     "play an outbreak against a running server and print the team's scorecard", NULL, NULL,
     cmd_exercise,
     "    Simulates SCENARIO, then plays it against the server (--server/--token, or the local\n"
     "    data directory) in accelerated time: --speed 60 plays an outbreak minute per second,\n"
     "    0 sends everything at once. Sensor alerts arrive through /api/v1/observations,\n"
     "    users' reports and the ISP's abuse notice through /api/v1/reports; every text says\n"
     "    EXERCISE. The ids of what was sent go to --state FILE (default\n"
     "    hikeshi-exercise.json). The scorecard, from the server's records: time from the\n"
     "    first report to the first triage, countermeasure and investigation, and the reports\n"
     "    left untriaged. --score FILE prints it again later, after the team has worked."},
    {"vuln", "cvss", NULL, NULL, 1, "VECTOR",
     "parse, validate and score a CVSS v2.0/3.x/4.0 vector", NULL, NULL, cmd_vuln_cvss, NULL},
    {"vuln", "add", NULL, NULL, 0,
     "--title T [--description TEXT | --file F] [--reporter-name N] [--reporter-email E] "
     "[--reporter-org O] [--tlp TLP] [--cve ID]... [--cwe ID]... [--cvss VECTOR]... "
     "[--vendor TEAM]... [--publish-at DATE]",
     "open a vulnerability case (HKVU#YYYY-NNNN)", NULL, NULL, cmd_vuln,
     "    The case starts in state received. --cve, --cwe, --cvss and --vendor repeat; CVSS\n"
     "    vectors (v3.0, v3.1, v4.0) are validated and scored; vendors are directory teams of\n"
     "    type vendor or psirt. Reporters may open cases and read back their own.\n"},
    {"vuln", "list", NULL, NULL, 0, "[--state S] [--limit N] [--cursor C]",
     "list vulnerability cases", NULL, NULL, cmd_vuln, NULL},
    {"vuln", "show", NULL, NULL, 1, "ID", "show a case with its products, vendors, remediations",
     NULL, NULL, cmd_vuln,
     "    ID is the case number or its public ID (HKVU#2026-0001 or 2026-0001).\n"},
    {"vuln", "edit", NULL, NULL, 1, "ID [--title T] [--tlp TLP] [--publish-at DATE] [--cve ID]...",
     "edit a case (list options replace the list)", NULL, NULL, cmd_vuln,
     "    Same options as 'vuln add' except --vendor. A change of --publish-at (the embargo)\n"
     "    is audited on its own. Published and rejected cases are read-only.\n"},
    {"vuln", "state", NULL, NULL, 2, "ID ACTION|STATE [--reason R] [--publish-at DATE]",
     "move a case: triage, coordinate, schedule, reject (or a state name)", NULL, NULL, cmd_vuln,
     "    received -> triage -> coordinating -> scheduled -> published | rejected. schedule\n"
     "    needs an agreed publication date (--publish-at, or one already set); reject needs\n"
     "    --reason; scheduled may go back to coordinating. Publishing is 'vuln publish'.\n"},
    {"vuln", "vendor", NULL, NULL, 2,
     "ID TEAM [--status S] [--statement TEXT] [--contacted-at T] [--replied-at T]",
     "add a vendor to a case, or set its status and statement", NULL, NULL, cmd_vuln,
     "    Status: affected, not_affected, under_investigation, fixed. A status or statement\n"
     "    counts as the vendor's reply (replied_at is set unless given).\n"},
    {"vuln", "product", NULL, NULL, 1,
     "ID --vendor V --product P [--version V | --version 'FROM<TO']... [--cpe CPE] [--purl P] | "
     "ID --remove PRODUCT_ID",
     "add an affected product to a case (or remove one)", NULL, NULL, cmd_vuln,
     "    --version repeats: '2.4.1', '2.0<2.4.2' (from 2.0, before 2.4.2), '2.0<=2.4.1'.\n"
     "    --cpe must be a CPE 2.3 formatted string; --purl a package URL.\n"},
    {"vuln", "remediation", NULL, NULL, 1,
     "ID --category C --details TEXT [--url URL] [--product PRODUCT_ID]",
     "add a remediation (vendor_fix, workaround, mitigation, no_fix_planned, none_available)", NULL,
     NULL, cmd_vuln, NULL},
    {"vuln", "remind", NULL, NULL, 0, "[--days N]",
     "queue embargo reminders to vendors that have not answered", NULL, NULL, cmd_vuln,
     "    For every scheduled case published within N days (default 7), queues one outbox\n"
     "    message (templates vuln-reminder-en/ja) to each vendor without a status or a\n"
     "    statement; at most one per case, vendor and UTC day. 'hikeshi serve' runs it too.\n"},
    {"vuln", "import-cve", NULL, NULL, 1, "FILE|- [--case ID]",
     "import a CVE JSON 5 record into a new case (or into --case)", NULL, NULL, cmd_vuln,
     "    The record is checked against the CVE JSON 5.0 rules first; a bad one is refused\n"
     "    with the JSON path of the problem and nothing is stored.\n"},
    {"vuln", "export-cve", NULL, NULL, 1, "ID [--cve CVE-YYYY-NNNN]",
     "print a case as a CVE JSON 5.0 record", NULL, NULL, cmd_vuln, NULL},
    {"vuln", "csaf", NULL, NULL, 1, "ID",
     "print the CSAF 2.0 security advisory generated from a case (preview)", NULL, NULL, cmd_vuln,
     NULL},
    {"vuln", "audit", NULL, NULL, 1, "ID", "the audit history of a case", NULL, NULL, cmd_vuln,
     NULL},
    {"vuln", "publish", NULL, NULL, 1,
     "ID|HKVU#YYYY-NNNN [--early REASON] [--sign-key KEY] [--gnupghome DIR] [--public-url URL]",
     "publish a case as a CSAF advisory (validated, signed, served; early warnings queued)", NULL,
     NULL, cmd_vuln_publish,
     "    Before the case's agreed publication date (publish_at) the embargo holds and publishing\n"
     "    is refused (exit code of a conflict). --early REASON lifts it deliberately (e.g.\n"
     "    exploitation in the wild, the vendor agreed); the lift and its reason are audited.\n"},
    {"advisory", "validate", NULL, NULL, 1, "[--json] FILE...",
     "validate CSAF 2.0 documents (schema and the mandatory tests of section 6.1)", NULL, NULL,
     cmd_advisory,
     "    Checks each FILE against the CSAF 2.0 JSON schema and every mandatory test (6.1.1 to\n"
     "    6.1.33) and prints, per file, valid or invalid and one line per error: test ID, JSON\n"
     "    pointer, message. --json prints one report object per file. Exit 0 when all are\n"
     "    valid, 1 when one is not, 2 on a usage error or an unreadable file.\n"},
    {"advisory", "publish", NULL, NULL, 1,
     "FILE [--sign-key KEY] [--gnupghome DIR] [--public-url URL]",
     "publish a CSAF 2.0 document: validate, store, sign, serve, warn affected teams", NULL, NULL,
     cmd_advisory_publish,
     "    The document is validated first (an invalid one is refused with the validator's\n"
     "    first error; nothing is stored). It is stored byte for byte as served, signed with\n"
     "    --sign-key (or HIKESHI_SIGN_KEY; without one no .asc is written), written to the\n"
     "    CSAF provider directory DATA/csaf/.well-known/csaf/ (served by 'hikeshi serve' under\n"
     "    /.well-known/csaf/, with HTML pages and Atom feeds under /advisories/), matched\n"
     "    against every registered asset, and each team with matching assets gets one early\n"
     "    warning in the outbox listing only its assets.\n"},
    {"advisory", "list", "GET", "/api/v1/advisories", 0, "[--cursor N] [--limit N]",
     "list published and imported advisories", NULL, adv_list_q, NULL, NULL},
    {"advisory", "show", NULL, NULL, 1, "ID|TRACKING-ID",
     "one advisory with its CSAF document and the early warnings queued for it", NULL, NULL,
     cmd_advisory_show, NULL},
    {"advisory", "fetch", NULL, NULL, 1, "URL [--gnupghome DIR]",
     "import another provider's advisories (provider-metadata.json, index.txt, feed or file)", NULL,
     NULL, cmd_advisory_fetch,
     "    Downloads (http/https only) the advisories URL leads to, checks each one's .sha256,\n"
     "    verifies its .asc when the signer's key is in the GnuPG home, validates it, imports\n"
     "    it with its source URL and runs the early warning. Advisories already stored (same\n"
     "    tracking id and version) are skipped, so running it again imports nothing twice.\n"},
    {"advisory", "sync", NULL, NULL, 0, "[--public-url URL]",
     "rewrite the CSAF provider directory of the data directory from the stored advisories", NULL,
     NULL, cmd_advisory_sync, NULL},
    {"asset", "add", "POST", "/api/v1/assets", 0,
     "--team T (--cpe CPE23 | --purl PURL) [--version V] [--label TEXT]",
     "register an asset of a constituent team for the early warning", asset_fields, NULL, NULL,
     NULL},
    {"asset", "list", "GET", "/api/v1/assets", 0, "[--team T] [--cursor N] [--limit N]",
     "list registered assets", NULL, asset_list_q, NULL, NULL},
    {"asset", "show", "GET", "/api/v1/assets/%s", 1, "ID", "one asset", NULL, NULL, NULL, NULL},
    {"asset", "edit", "PATCH", "/api/v1/assets/%s", 1, "ID [--version V] [--label TEXT]",
     "change an asset's version or label", asset_edit_fields, NULL, NULL, NULL},
    {"asset", "remove", "DELETE", "/api/v1/assets/%s", 1, "ID", "remove an asset", NULL, NULL, NULL,
     NULL},
    {"asset", "import", NULL, NULL, 1, "FILE [--team T]",
     "import assets from CSV (team,kind,name,version,label) or JSON lines; all or nothing", NULL,
     NULL, cmd_asset_import, NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};

static bool is_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool mapped(const struct fieldmap *m, const char *opt)
{
    for (; m && m->opt; m++)
        if (!strcmp(m->opt, opt))
            return true;
    return false;
}

static int fill(const struct fieldmap *m, const struct args *a, json_t *o)
{
    for (; m && m->opt; m++) {
        const char *v;
        if (m->opt[0] == '@') {
            int k = m->opt[1] - '0';
            v = k < a->npos ? a->pos[k] : NULL;
        } else {
            if (!arg_has(a, m->opt))
                continue;
            v = arg_get(a, m->opt);
        }
        if (m->type == 2) {
            json_object_set_new(o, m->field, json_boolean(!v || strcmp(v, "false")));
            continue;
        }
        if (!v)
            return cli_fail(HK_EINVAL, "option '--%s' needs a value", m->opt);
        if (m->type == 1) {
            int64_t n;
            if (hk_parse_i64(v, &n))
                return cli_fail(HK_EINVAL, "'%s' must be an integer", v);
            json_object_set_new(o, m->field, json_integer(n));
        } else {
            json_object_set_new(o, m->field, json_string(v));
        }
    }
    return 0;
}

int cli_run_generic(struct cli *c, const struct cmd *cmd, struct args *a)
{
    char path[256];
    json_t *body = NULL, *query = json_object(), *out = NULL;
    int rc = 0;

    if (a->npos < cmd->npos)
        return cli_fail(HK_EINVAL, "usage: hikeshi %s %s %s", cmd->group,
                        cmd->verb ? cmd->verb : "", cmd->usage);
    /* A positional argument that goes into the path is an ID; others (a user name) go into
     * the body through the field map. */
    if (cmd->npos && strstr(cmd->path, "%s") && !is_id(a->pos[0]))
        return cli_fail(HK_EINVAL, "'%s' is not an ID (a positive number)", a->pos[0]);
    for (int i = 0; i < a->nkv; i++)
        if (!mapped(cmd->body, a->kv[i].k) && !mapped(cmd->query, a->kv[i].k))
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi %s %s --help'",
                            a->kv[i].k, cmd->group, cmd->verb ? cmd->verb : "");
    {
        /* The table's paths have at most one "%s": the first positional argument. */
        const char *pct = strstr(cmd->path, "%s");
        if (pct)
            (void)snprintf(path, sizeof(path), "%.*s%s%s", (int)(pct - cmd->path), cmd->path,
                           a->pos[0], pct + 2);
        else
            (void)snprintf(path, sizeof(path), "%s", cmd->path);
    }
    if (cmd->body || strcmp(cmd->method, "GET")) {
        body = json_object();
        rc = fill(cmd->body, a, body);
    }
    if (!rc)
        rc = fill(cmd->query, a, query);
    if (!rc && strcmp(cmd->method, "GET") && !strcmp(cmd->method, "DELETE")) {
        json_decref(body);
        body = NULL;
    }
    if (!rc)
        rc = cli_call(c, cmd->method, path, query, body, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(body);
    json_decref(query);
    json_decref(out);
    return rc;
}
