/* SPDX-License-Identifier: MIT */
/*
 * Advisories and early warning (issue 7): package URLs (purl) and "vers" version ranges, the
 * assets constituent teams register (CPE 2.3 names or purls with a version), CSAF 2.0
 * advisory publication (validation, storage, the CSAF provider directory of section 7 with
 * SHA-256 and OpenPGP signatures, an HTML page per advisory and an Atom feed), import from
 * another provider (hikeshi advisory fetch), and the early warning: every advisory, ours or
 * imported, is matched against all registered assets (CPE per NISTIR 7696 with version
 * ranges, purl by type/namespace/name and version) and each affected team gets one queued
 * message listing only its matching assets.
 *
 * The provider directory on disk is a pure function of committed rows: publishing stores
 * the exact JSON text served, its digest and signature, and bumps the meta key
 * "advisory_gen"; hk_advisory_sync rewrites the files (each through a temporary file and a
 * rename) from committed data when the generation it last wrote differs. A transaction
 * that rolls back therefore never leaves a file behind.
 *
 * Ownership follows the project's rules: json_t **out results belong to the caller;
 * functions taking a struct hk_ctx run in the caller's transaction.
 */
#ifndef HIKESHI_ADVISORY_H
#define HIKESHI_ADVISORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/core.h"
#include "hikeshi/cpe.h"
#include "hikeshi/handling.h"

/* ---- package URLs (purl.c; pure, no allocation) ---- */

#define HK_PURL_MAX_LEN 1024 /* the longest purl accepted (HK_ETOOBIG beyond) */

/* A parsed purl, every component percent-decoded and normalised (type lowercase; namespace
 * and name lowercased where the type says names are case-insensitive: github, bitbucket,
 * pypi (also '_' -> '-'), composer, deb, apk, npm; qualifier keys lowercase and sorted).
 * Empty strings for absent components. */
struct hk_purl {
    char type[32];
    char ns[256]; /* segments joined by '/' */
    char name[256];
    char version[128];
    char qualifiers[256]; /* canonical "k=v&k=v" (values percent-encoded), sorted by key */
    char subpath[256];
};

/* Parses "pkg:type/namespace/name@version?qualifiers#subpath". HK_EPARSE with em naming the
 * component and what is wrong; HK_ETOOBIG past HK_PURL_MAX_LEN or a component's room. */
hk_err hk_purl_parse(const char *s, size_t len, struct hk_purl *out, struct hk_errmsg *em);
/* The canonical string (with the version when with_version); HK_ETRUNC when cap is small.
 * Parsing the output gives the same value. */
hk_err hk_purl_format(const struct hk_purl *p, bool with_version, char *buf, size_t cap);
/* True when a and b name the same package: equal type, namespace and name. */
bool hk_purl_same_package(const struct hk_purl *a, const struct hk_purl *b);

/* ---- version ranges: "vers" (vers:<scheme>/<constraints>, as CSAF product_version_range
 * uses) and single intervals ---- */
#define HK_VERS_MAX 16
struct hk_vers {
    int n;                               /* intervals (union); 0 with all=false: nothing */
    struct hk_cpe_range iv[HK_VERS_MAX]; /* bounds point into buf */
    int nexcl;                           /* versions excluded by "!=" */
    const char *excl[HK_VERS_MAX];
    bool all; /* the constraint list is a lone star: every version */
    char buf[512];
};
/* Parses "vers:semver/>=1.0.0|<1.2.3" (also a bare constraint list ">=1.0|<2.0" and the
 * CVRF-era forms ">= 1.0, < 2.0" and "<=2.4.1"). HK_EPARSE with em on bad input. */
hk_err hk_vers_parse(const char *s, struct hk_vers *out, struct hk_errmsg *em);
/* Whether version v[0..len) lies within r (hk_cpe_version_cmp ordering). */
bool hk_vers_contains(const struct hk_vers *r, const char *v, size_t len);

/* ---- matching (advisory_match.c; no store) ---- */

/* Registered assets compiled for matching: hashed by CPE (part, vendor, product) and by purl
 * (type, namespace, name), so an advisory's criterion looks at its own bucket only (a
 * criterion with a wildcard vendor or product scans every CPE asset). Immutable once built. */
struct hk_asset_index;
struct hk_asset_index *hk_asset_index_new(size_t expect);
void hk_asset_index_free(struct hk_asset_index *ix);
/* Adds one asset: kind "cpe" or "purl", name the stored (normalised) name. HK_EPARSE when the
 * name does not parse (the asset is skipped). */
hk_err hk_asset_index_add(struct hk_asset_index *ix, int64_t id, int64_t team_id, const char *kind,
                          const char *name, const char *version);
size_t hk_asset_index_count(const struct hk_asset_index *ix);

/* What an advisory affects, compiled from its product tree and product status. */
struct hk_adv_criteria;
/* Builds the criteria of a CSAF document (borrowed; must outlive the criteria): each product
 * named in known_affected, first_affected or last_affected with a CPE or purl (from
 * product_identification_helper, relationships resolved to their product_reference), its
 * version from the name, a product_version branch, or a product_version_range ("vers"), and
 * first_affected / last_affected / fixed turned into ranges over the same package. */
hk_err hk_adv_criteria_build(json_t *csaf, struct hk_adv_criteria **out, struct hk_errmsg *em);
void hk_adv_criteria_free(struct hk_adv_criteria *cr);
size_t hk_adv_criteria_count(const struct hk_adv_criteria *cr);
/* One criterion as JSON ({"product_id","product","status","cve","cpe"|"purl","range"?}). */
json_t *hk_adv_criterion_json(const struct hk_adv_criteria *cr, size_t i);

/* One affected asset: its position in the index and the first criterion it met. */
struct hk_adv_hit {
    size_t asset;
    size_t criterion;
};
/* Matches every criterion against ix; *hits (caller frees) holds each affected asset once, in
 * index order. */
hk_err hk_adv_match(const struct hk_asset_index *ix, const struct hk_adv_criteria *cr,
                    struct hk_adv_hit **hits, size_t *nhits);
/* The asset at index position i. */
void hk_asset_index_get(const struct hk_asset_index *ix, size_t i, int64_t *id, int64_t *team_id,
                        const char **kind, const char **name, const char **version);

/* ---- assets (asset.c) ---- */

/*
 * Registers an asset: {"team": name|id, "cpe": "cpe:2.3:..." | "purl": "pkg:...",
 * "version"?, "label"?}. The CPE is normalised (and its version attribute set from "version"
 * when it is ANY); a purl's version likewise. Refuses a duplicate of the same team. Staff;
 * audited (asset.create). *out is the stored asset.
 */
hk_err hk_asset_create(struct hk_ctx *ctx, json_t *body, json_t **out);
hk_err hk_asset_get(struct hk_ctx *ctx, int64_t id, json_t **out);
/* params: team, cursor, limit (1..1000). *out: {"items": [...], "next_cursor": id|null}. */
hk_err hk_asset_list(struct hk_ctx *ctx, json_t *params, json_t **out);
hk_err hk_asset_delete(struct hk_ctx *ctx, int64_t id);
/* Changes an asset's "version" (the name follows) and/or "label". Staff; audited. */
hk_err hk_asset_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/* Bulk import, all or nothing: JSON lines (objects as for hk_asset_create) or CSV with the
 * header "team,kind,name,version,label" (kind cpe|purl). The first bad line refuses the whole
 * file (HK_EINVAL naming the line). *out: {"imported": N}. One audit entry (asset.import). */
hk_err hk_asset_import(struct hk_ctx *ctx, const char *p, size_t n, const char *default_team,
                       json_t **out);

/* ---- publication (advisory.c) ---- */

/* Process-wide settings (the server and CLI set them once at start; NULL members take the
 * environment: HIKESHI_PUBLIC_URL, HIKESHI_SIGN_KEY, HIKESHI_GNUPGHOME). */
struct hk_advisory_opts {
    const char *data_dir;   /* the provider directory is <data_dir>/csaf */
    const char *public_url; /* "http://127.0.0.1:8080" (no trailing '/') */
    const char *sign_key;   /* OpenPGP key (fingerprint) for .asc files; NULL = unsigned */
    const char *gnupghome;
};
void hk_advisory_setup(const struct hk_advisory_opts *o);
/* Changes only the public base URL (the server learns its port when it is listening). */
void hk_advisory_set_public_url(const char *url);
/* The provider directory's root, "<data_dir>/csaf" (NULL when no data directory is set). */
const char *hk_advisory_root(void);

/*
 * Validates csaf (hk_csaf_validate; an invalid document is refused with HK_EINVAL and the
 * validator's report in *out's "errors", nothing stored), stores it (case_id 0: imported,
 * then source_url names where from), signs it when a key is configured, matches it against
 * every asset and queues one early warning per affected team; all in the caller's
 * transaction. Files follow at the next hk_advisory_sync (after the commit). Refuses a
 * tracking id + version already stored (HK_ECONFLICT; imports report "duplicate").
 * *out: {"id","tracking_id","version","tlp","file","url","signed","matches","warned":[...]}.
 */
hk_err hk_advisory_publish(struct hk_ctx *ctx, json_t *csaf, int64_t case_id, json_t **out);
hk_err hk_advisory_import(struct hk_ctx *ctx, json_t *csaf, const char *source_url, json_t **out);
/* The validator's report of the last refused document is in *out even on HK_EINVAL. */

/* List (no documents) and one advisory (by row id or tracking id) with its document and
 * the early warnings queued for it. TLP: staff see all; others only TLP:WHITE. */
hk_err hk_advisory_list(struct hk_ctx *ctx, json_t *params, json_t **out);
hk_err hk_advisory_get(struct hk_ctx *ctx, const char *ref, json_t **out);

/* Rewrites the provider directory from committed rows when "advisory_gen" changed since the
 * last write (force: always). Opens its own read transaction on st. */
hk_err hk_advisory_sync(struct hk_store *st, bool force, struct hk_errmsg *em);

/* The file name of CSAF section 5.1 for a tracking id ("HKVU#2026-0001" ->
 * "hkvu_2026-0001.json"). */
void hk_csaf_file_name(const char *tracking_id, char *out, size_t cap);

/* Publishes a vulnerability case: hk_vcase_csaf -> hk_advisory_publish ->
 * hk_vcase_mark_published, in the caller's transaction. The embargo holds: before the
 * case's agreed publication date (publish_at) HK_ECONFLICT naming the date, unless early
 * lifts it with a reason (1-HK_EMBARGO_REASON_MAX bytes, HK_EINVAL otherwise), audited on
 * the case as "vcase.embargo_lifted" (agreed date, actual time, reason) in the same
 * transaction. At or after the date early and reason are not needed (and ignored). */
#define HK_EMBARGO_REASON_MAX 1000
hk_err hk_vuln_publish(struct hk_ctx *ctx, int64_t case_id, bool early, const char *reason,
                       json_t **out);

/* ---- fetching another provider (advisory_fetch.c) ---- */

/* Downloads URL (a provider-metadata.json, a directory's index.txt, an Atom/ROLIE feed, or
 * one advisory .json): http/https only, bounded sizes; verifies each advisory's .sha256 (and
 * .asc when the signer's key is in the GnuPG home), validates and imports it with
 * hk_advisory_import in its own transaction per advisory. Idempotent. *out: {"fetched",
 * "imported":[...], "duplicates", "errors":[...]}. */
hk_err hk_advisory_fetch(struct hk_store *st, const struct hk_config *cfg, const char *url,
                         json_t **out, struct hk_errmsg *em);

#endif
