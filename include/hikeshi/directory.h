/* SPDX-License-Identifier: MIT */
/*
 * The team directory and routing: who is responsible for an address, a domain or an AS.
 *
 * Directory: teams with the RFC 2350 fields, an organisational type, a parent (the
 * coordination tree, never a cycle), contacts, the notification preferences (attachment
 * format csv | xarf | iodef, language) and a constituency of IPv4/IPv6 prefixes, domain
 * suffixes and ASNs. A constituency value belongs to one team only. Every change is one
 * audit entry through the caller's hk_ctx and rewrites the meta key "directory_gen" (a
 * random 128-bit value), which is how every process and thread notices the change.
 *
 * Routing: a compiled, immutable snapshot of the directory (multibit tries for IPv4 and
 * IPv6, a label-wise suffix table for domains, an ASN table) plus the imported CAIDA
 * pfx2as table (its own snapshot, meta key "pfx2as_gen"). hk_route_acquire compares the
 * generations stored in the database with the snapshot's (one query) and rebuilds and
 * swaps the snapshot when they differ; readers keep the snapshot they acquired until they
 * release it, so lookups never lock and never see a half-built table.
 *
 * Rules, in order: a team prefix covering the address (longest prefix wins); else the
 * origin AS of the longest pfx2as prefix covering the address, when a team lists that
 * ASN; domains: the longest suffix, compared label by label ("mail.example.org" matches
 * "example.org", "badexample.org" does not); an ASN value: the team listing it.
 * The contact to use is the team's first contact with role "abuse" or "incident", else
 * the team e-mail, else its first contact with an e-mail address.
 *
 * Ownership follows the project's rules: json_t **out results belong to the caller;
 * functions taking a struct hk_ctx run in the caller's transaction and never open one,
 * except where a comment says so.
 */
#ifndef HIKESHI_DIRECTORY_H
#define HIKESHI_DIRECTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/core.h"
#include "hikeshi/handling.h"

/* ---- values: prefixes, domains, ASNs (prefix.c; pure functions) ---- */

/* An IPv4 or IPv6 prefix; addr holds 4 (family 4) or 16 (family 6) significant bytes. */
struct hk_prefix {
    uint8_t family; /* 4 or 6 */
    uint8_t len;    /* 0..32 or 0..128 */
    uint8_t addr[16];
};

/*
 * Parses "198.51.100.0/24", "2001:db8::/32" or a bare address (a /32 or /128). With
 * host bits set the prefix is refused (HK_EINVAL, "198.51.100.7/24 has host bits set;
 * the network is 198.51.100.0/24") unless mask is true, in which case they are cleared.
 */
hk_err hk_prefix_parse(const char *s, bool mask, struct hk_prefix *out, struct hk_errmsg *em);
/* Canonical text ("198.51.100.0/24", "2001:db8::/32") into out[64]. */
void hk_prefix_fmt(const struct hk_prefix *p, char out[64]);
/* True when p covers the address a (same family). */
bool hk_prefix_covers(const struct hk_prefix *p, const struct hk_prefix *a);

/* Normalises a domain (suffix): ASCII lower-cased, a trailing dot and a leading "*." or
 * "." removed, labels of 1-63 bytes of letters, digits, '-', '_' or UTF-8 (IDNA is left
 * as given; punycode "xn--" labels are ordinary labels), at most 253 bytes. */
hk_err hk_domain_norm(const char *s, char *out, size_t outsz, struct hk_errmsg *em);
/* Parses "AS64500", "as64500" or "64500" (1..4294967294). */
hk_err hk_asn_parse(const char *s, uint32_t *out, struct hk_errmsg *em);

/* ---- longest-prefix match (lpm.c; pure, no database) ---- */

/*
 * A multibit trie with leaf pushing: IPv4 a 2^16-entry root, then 256-entry chunks
 * (strides 16-8-8, at most 3 reads); IPv6 a 2^18-entry root, then a poptrie (compressed
 * 6-bit-stride nodes; a /48 takes 7 reads). Immutable once built; any
 * number of threads may look up concurrently. Values are 1..2^31-1; 0 means no match.
 */
struct hk_lpm;
struct hk_lpm_prefix {
    uint8_t addr[16]; /* IPv4: the first 4 bytes */
    uint8_t len;
    uint32_t value; /* 1..0x7fffffff */
};
/* Builds a table of one family from n prefixes (reordered in place). Equal prefixes: the
 * later one in the input wins. HK_EINVAL for a bad length or value. Caller frees. */
hk_err hk_lpm_build(int family, struct hk_lpm_prefix *p, size_t n, struct hk_lpm **out);
void hk_lpm_free(struct hk_lpm *t);
/* The value of the longest prefix covering the address, 0 if none. */
uint32_t hk_lpm_lookup4(const struct hk_lpm *t, uint32_t addr_host_order);
uint32_t hk_lpm_lookup6(const struct hk_lpm *t, const uint8_t addr[16]);
/* The same for n addresses at once, with the memory reads of several lookups overlapped
 * (prefetching): the form for bulk work such as a feed of addresses. */
void hk_lpm_lookup4_batch(const struct hk_lpm *t, const uint32_t *addr, uint32_t *out, size_t n);
/* IPv6: addr holds n addresses of 16 bytes each, back to back. */
void hk_lpm_lookup6_batch(const struct hk_lpm *t, const uint8_t *addr, uint32_t *out, size_t n);
/* Bytes used by the table. */
size_t hk_lpm_memory(const struct hk_lpm *t);

/* ---- CAIDA prefix-to-AS text (pfx2as.c; pure) ---- */

/* One line of "PREFIX<TAB>LENGTH<TAB>ASNS": ASNS is "64500", "64500_64501" (multi-origin)
 * or "64500,64501" (an AS set), or a mix; all are kept as origins. */
struct hk_pfx2as_entry {
    struct hk_prefix p;
    uint32_t line;
    uint32_t asn_off; /* index of the first origin in hk_pfx2as.asns */
    uint32_t nasn;
};
struct hk_pfx2as {
    struct hk_pfx2as_entry *e;
    size_t n, n4, n6;
    uint32_t *asns;
    size_t nasns;
};
/* Parses the whole text; any malformed line fails it (HK_EPARSE, "line 12: ...") and
 * leaves out empty, so nothing is half-loaded. Blank lines and '#' comments are skipped;
 * a prefix given twice is an error naming both lines. At most 16 million lines. */
hk_err hk_pfx2as_parse(const char *p, size_t n, struct hk_pfx2as *out, struct hk_errmsg *em);
void hk_pfx2as_release(struct hk_pfx2as *t);

/* ---- security.txt (securitytxt.c; pure) ---- */

/* The fields hikeshi uses from an RFC 9116 file. Strings are owned by the struct. */
struct hk_securitytxt {
    char *contacts[16]; /* Contact: values in order ("mailto:", "tel:", "https:") */
    size_t ncontacts;
    char *encryption; /* the first Encryption: URI */
    char *policy;     /* the first Policy: URI */
    char *languages;  /* Preferred-Languages: "en, ja" */
    int64_t expires;  /* Expires: Unix seconds (0 when absent) */
    bool signed_;     /* the input was an OpenPGP cleartext-signed message */
};
/*
 * Parses a security.txt (RFC 9116 section 2.5: "Field: value" lines, '#' comments). A
 * cleartext-signed file (RFC 4880 section 7) is accepted: the signed text is extracted
 * (dash-escaping undone) and the signature itself is not verified. Unknown fields are
 * ignored; Contact is required (HK_EPARSE otherwise); Expires must parse as RFC 3339.
 */
hk_err hk_securitytxt_parse(const char *p, size_t n, struct hk_securitytxt *out,
                            struct hk_errmsg *em);
void hk_securitytxt_release(struct hk_securitytxt *s);

/* ---- the directory (team.c, dirio.c) ---- */

/* Team types (the seed's organisational models plus the vulnerability roles). */
bool hk_team_type_valid(const char *s);

/*
 * Creates a team from a JSON object: "name" (required handle, 1-31 of [A-Za-z0-9._-],
 * not all digits, unique ignoring case), "full_name", "type", "parent" (name or id),
 * "email", "phone", "timezone", "hours", "languages" (array of tags or "ja,en"),
 * "pgp_fingerprint", "pgp_key", "web", "notify_format", "language", "policy",
 * "encryption", "contacts" ([{name, email, phone, role}]), "networks", "domains",
 * "asns". Staff only; *out is the stored team (as hk_team_get).
 */
hk_err hk_team_create(struct hk_ctx *ctx, json_t *body, json_t **out);
/* ref is a team id ("12") or name. Readers: any role but sensor. *out: the team with
 * "contacts", "networks", "domains", "asns", "children" and "chain" (names up the tree). */
hk_err hk_team_get(struct hk_ctx *ctx, const char *ref, json_t **out);
/* All teams ordered by name, each with its constituency counts. */
hk_err hk_team_list(struct hk_ctx *ctx, json_t **out);
/* Changes the members given (same names as create; "contacts" replaces the list) and
 * applies "add"/"remove": {"networks": [...], "domains": [...], "asns": [...]}. */
hk_err hk_team_update(struct hk_ctx *ctx, const char *ref, json_t *body, json_t **out);
/* Removes a team (its contacts and constituency go with it). Refused while member teams
 * name it as their parent. Past report routes keep the team's name. */
hk_err hk_team_delete(struct hk_ctx *ctx, const char *ref);
/* Adds or removes constituency entries: body {"networks", "domains", "asns"}. */
hk_err hk_team_constituency(struct hk_ctx *ctx, const char *ref, json_t *body, bool add,
                            json_t **out);
/* Resolves a reference to a team id (HK_ENOTFOUND with a message otherwise). */
hk_err hk_team_resolve(struct hk_ctx *ctx, const char *ref, int64_t *id);

/* Export: the whole directory as {"teams": [...]} (format "json") or as CSV (one row per
 * team, list columns joined with ';'), into out. */
hk_err hk_directory_export(struct hk_ctx *ctx, const char *format, struct hk_buf *out);
/*
 * Import: JSON ({"teams": [...]} or an array) or CSV (the export's columns; header
 * required). Teams are matched by name: created or replaced (fields, contacts and
 * constituency); teams not named are kept. All or nothing in the caller's transaction; an
 * error names the record ("teams[3] 'cert-b': ...") or the CSV line. Parents may refer to
 * teams later in the file. *out: {"created": N, "updated": M, "teams": N+M}.
 */
hk_err hk_directory_import(struct hk_ctx *ctx, const char *p, size_t n, json_t **out);
/* Imports a security.txt into an existing team: Contact mailto: becomes the team e-mail
 * when it has none and a contact (role "security-txt"), tel: the phone when empty;
 * Encryption, Policy, Preferred-Languages and Expires are stored. *out: the team. */
hk_err hk_team_import_securitytxt(struct hk_ctx *ctx, const char *ref, const char *p, size_t n,
                                  json_t **out);

/* ---- routing (route.c, table.c) ---- */

enum hk_match_kind {
    HK_MATCH_NONE,
    HK_MATCH_PREFIX, /* a team prefix covers the address */
    HK_MATCH_PFX2AS, /* the address's origin AS (pfx2as) is a team's ASN */
    HK_MATCH_DOMAIN, /* a team's domain suffix */
    HK_MATCH_ASN     /* the value is an ASN a team lists */
};

/* The answer for one value. Strings point into the snapshot (valid until release). */
struct hk_route_result {
    enum hk_match_kind kind;
    int team;              /* index into the snapshot's teams, -1 if none */
    int64_t team_id;       /* 0 if none */
    const char *team_name; /* NULL if none */
    const char *matched;   /* "198.51.100.0/24", "example.org", "AS64500" */
    char via[64];          /* pfx2as: the announced prefix; else "" */
    uint32_t asn;          /* pfx2as and ASN matches */
    int depth;             /* the team's depth in the coordination tree (root 0) */
};

/* A consistent view: the compiled directory and the pfx2as table. */
struct hk_dir;
struct hk_pfxtab;
struct hk_route_snap {
    struct hk_dir *dir;
    struct hk_pfxtab *pfx;
};
/* Takes the current snapshot, rebuilding it first when the database's generations
 * differ from it (the build reads the directory in the caller's transaction). */
hk_err hk_route_acquire(struct hk_ctx *ctx, struct hk_route_snap *s);
void hk_route_release(struct hk_route_snap *s);
/* Routes one observable of the given type (hk_obs_type: ipv4, ipv6, domain, url, email,
 * asn; others never match). No database access. */
void hk_route_lookup(const struct hk_route_snap *s, enum hk_obs_type type, const char *value,
                     struct hk_route_result *r);
/* The team's id, name, e-mail, chosen contact and parent index (for notification). */
struct hk_route_team {
    int64_t id;
    const char *name, *type, *email, *language, *notify_format;
    const char *contact_name, *contact_email, *contact_role; /* the contact to use */
    int parent;                                              /* index, -1 for a root */
};
const struct hk_route_team *hk_route_team(const struct hk_route_snap *s, int team);
/* How many teams the snapshot holds (team indexes run from 0 to this, exclusive). */
size_t hk_route_team_count(const struct hk_route_snap *s);
/* The match of r as JSON: {"kind", "value"?, "via"?, "asn"?, "how"}. */
json_t *hk_route_match_json(const struct hk_route_result *r);

/*
 * Answers `hikeshi route VALUE`: VALUE is an IPv4 or IPv6 address, a domain, a URL or an
 * e-mail address (the host is taken) or an ASN ("AS64500"). *out: {"value", "type",
 * "lookup" (what was routed), "team" (object or null), "match", "chain" (from the team
 * up to the root), "contact"}. HK_EINVAL if VALUE is none of these.
 */
hk_err hk_route_value(struct hk_ctx *ctx, const char *value, json_t **out);

/* Replaces the stored pfx2as table with the parsed text (staff; all or nothing).
 * *out: {"prefixes", "ipv4", "ipv6", "origins"}. */
hk_err hk_pfx2as_load(struct hk_ctx *ctx, const char *source, const char *p, size_t n,
                      json_t **out);
/* What is loaded: {"loaded": bool, "source", "ipv4", "ipv6", "loaded_at"}. */
hk_err hk_pfx2as_info(struct hk_ctx *ctx, json_t **out);

/*
 * Auto-routing of a new report (called by hk_report_store): routes every observable
 * (IPs, domains, URL hosts, e-mail domains, ASNs) through the snapshot and records each
 * match in report_routes. One generation check per report, no query per observable.
 */
hk_err hk_route_report(struct hk_ctx *ctx, int64_t report_id, const struct hk_obs_list *obs);
/*
 * Gives an incident without a team (team = '') the team of its earliest report that has
 * routes: that report's most specific route, i.e. direct matches (prefix, domain, ASN)
 * before pfx2as ones, then the team deepest in the coordination tree, then the first
 * observable. Audited as "incident.team". No change when the incident has a team.
 */
hk_err hk_route_incident_team(struct hk_ctx *ctx, int64_t incident_id);
/* Adds "routes" ([{observable, type, team, match}]) to a report object. */
hk_err hk_route_attach_report(struct hk_ctx *ctx, json_t *report);
/* Adds "routes" (of the incident's visible reports, with report_id) and "teams" (the
 * distinct responsible team names) to an incident object carrying "reports". */
hk_err hk_route_attach_incident(struct hk_ctx *ctx, json_t *incident);

#endif
