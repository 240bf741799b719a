/* SPDX-License-Identifier: MIT */
/*
 * Private declarations shared by the files of the directory module: the compiled routing
 * snapshot (table.c), the team writer used by both the API and the importer (team.c), and
 * small helpers.
 */
#ifndef HIKESHI_DIRECTORY_INT_H
#define HIKESHI_DIRECTORY_INT_H

#include <stdatomic.h>

#include "hikeshi/directory.h"

/* The coordination tree is at most this deep (a guard, not a real-world limit). */
#define HK_DIR_MAX_DEPTH 32

/* A member's string value, or "" (never NULL). */
const char *hk_dir_jstr(json_t *o, const char *key);
/* HK_EPERM with a message unless the caller is admin or handler. */
hk_err hk_dir_require_staff(struct hk_ctx *ctx);
/* Rewrites meta key ("directory_gen" or "pfx2as_gen") with a new random value. */
hk_err hk_dir_bump_gen(struct hk_ctx *ctx, const char *key);
/* The team as stored (row, contacts, constituency; with tree: children and chain). */
hk_err hk_dir_team_json(struct hk_ctx *ctx, int64_t id, bool tree, json_t **out);
/* Creates a team from body, or with replace an existing team of the same name is
 * rewritten whole (fields, contacts, constituency). Audited; bumps the generation. */
hk_err hk_dir_team_upsert(struct hk_ctx *ctx, json_t *body, bool replace, int64_t *id,
                          bool *created);
/* Adds or removes {"networks", "domains", "asns"}; changed entries are appended to log. */
hk_err hk_dir_const_apply(struct hk_ctx *ctx, int64_t id, json_t *lists, bool add, json_t *log);

/* ---- the compiled snapshot (table.c) ---- */

struct dir_entry {
    int team;
    uint8_t len;
    char text[64]; /* canonical prefix */
};

struct dom_slot {
    char *name; /* NULL: empty */
    int team;
};

struct asn_slot {
    uint32_t asn; /* 0: empty */
    int team;
};

struct hk_dir {
    atomic_int refs;
    char gen[40];
    struct hk_route_team *teams;
    int *depth;
    size_t nteams;
    char **strings; /* every string the teams point to, freed with the snapshot */
    size_t nstrings, capstrings;
    struct dir_entry *entries;
    size_t nentries;
    struct hk_lpm *v4, *v6;
    struct dom_slot *dom;
    size_t dmask;
    struct asn_slot *asn;
    size_t amask;
};

struct hk_pfxtab {
    atomic_int refs;
    char gen[40];
    struct hk_pfx2as data;
    struct hk_lpm *v4, *v6;
};

/* Builds snapshots from the store (caller's transaction); the caller owns one reference. */
hk_err hk_dir_build(struct hk_ctx *ctx, const char *gen, struct hk_dir **out);
hk_err hk_pfxtab_build(struct hk_ctx *ctx, const char *gen, struct hk_pfxtab **out);
/* The same from memory (tests, bench): teams and entries given directly. */
void hk_dir_unref(struct hk_dir *d);
void hk_pfxtab_unref(struct hk_pfxtab *p);
/* The team index of a domain suffix or an ASN, -1 if none. */
int hk_dir_domain_team(const struct hk_dir *d, const char *name);
int hk_dir_asn_team(const struct hk_dir *d, uint32_t asn);

#endif
