/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the files of the handling module.
 */
#ifndef HIKESHI_HANDLING_INT_H
#define HIKESHI_HANDLING_INT_H

#include "hikeshi/handling.h"

/* Loads an incident the caller may see (HK_ENOTFOUND otherwise). */
hk_err hk_incident_load(struct hk_ctx *ctx, int64_t id, json_t **out);
/* Loads a report the caller may see (HK_ENOTFOUND otherwise). */
hk_err hk_report_load(struct hk_ctx *ctx, int64_t id, json_t **out);
/* Refuses callers who are not admin or handler. */
hk_err hk_require_staff(struct hk_ctx *ctx);
/* Marks the incident touched and, for staff actions, first-responded. */
hk_err hk_incident_touch(struct hk_ctx *ctx, int64_t id, bool response);
/* Recomputes an incident's observable set from its linked reports. */
hk_err hk_incident_relink_observables(struct hk_ctx *ctx, int64_t id);
const char *hk_jstr(json_t *o, const char *key);
/* True when p[0..n) holds only spaces, tabs and line ends (a blank JSON line). */
bool hk_is_blank(const char *p, size_t n);

/* A validated report, pointing into its JSON body (report.c). */
struct report_in {
    const char *content;
    size_t content_len;
    const char *source;
    const char *reporter;
    const char *subject;
    char tlp[16];
    const char *rsit_class;
    const char *rsit_type;
    int64_t received_at;
};

struct report_out {
    int64_t id;
    int64_t incident_id;
    bool dup;
};

/* Report intake steps shared by single submission and the bulk importer (report.c). */
hk_err hk_report_parse_in(struct hk_ctx *ctx, json_t *body, struct report_in *in);
/* Computes the dedup hash and extracts the observables into obs (no store access). */
hk_err hk_report_prepare(struct hk_ctx *ctx, const struct report_in *in, uint8_t hash[32],
                         struct hk_obs_list *obs);
/* Stores a prepared report: dedup, observables, correlation, audit. */
hk_err hk_report_store(struct hk_ctx *ctx, const struct report_in *in, const uint8_t hash[32],
                       const struct hk_obs_list *obs, struct report_out *out);
/* Bulk mode on/off (caches, batch audit) and the batch's audit entry. */
hk_err hk_report_bulk_begin(struct hk_ctx *ctx);
void hk_report_bulk_end(struct hk_ctx *ctx);
hk_err hk_report_bulk_flush(struct hk_ctx *ctx);

/* 1 if label[0..len) is a known top-level domain, case-insensitive (observables_tld.c). */
int hk_obs_tld_known(const char *label, size_t len);

/* Bulk-import caches (import_cache.c). */
struct hk_import_cache;
struct hk_import_cache *hk_import_cache_new(void);
void hk_import_cache_free(struct hk_import_cache *c);
/* The cached id of an observable, or 0. */
int64_t hk_import_cache_obs_get(struct hk_import_cache *c, unsigned type, const char *v, size_t n);
void hk_import_cache_obs_put(struct hk_import_cache *c, unsigned type, const char *v, size_t n,
                             int64_t id);
/* Observable ids linked to open incidents (may answer 1 spuriously after overflow). */
int hk_import_cache_set_has(struct hk_import_cache *c, int64_t id);
void hk_import_cache_set_add(struct hk_import_cache *c, int64_t id);

/*
 * What TLP hides from the caller in the statistics (stats_hidden.c): the restricted
 * incidents and reports the caller may not read, in a time range ([from, to) in seconds,
 * 0 = open; incidents by creation, reports by receipt). open_or_since (0 = no limit)
 * keeps only the incidents still open or created at that time or later (the dashboard's
 * needs). Empty for admin.
 */
struct hk_hidden_inc {
    int64_t id, created_at, first_response_at, resolved_at;
    bool has_fr, has_res, merged;
    char state[16], severity[16];
    char *team, *cls;
};
struct hk_hidden_rep {
    int64_t received_at;
    bool is_new;
    char *cls, *source;
};
struct hk_hidden {
    struct hk_hidden_inc *inc;
    size_t ninc, cinc;
    struct hk_hidden_rep *rep;
    size_t nrep, crep;
};
#define HK_HIDDEN_INCIDENTS 1u
#define HK_HIDDEN_REPORTS   2u
hk_err hk_hidden_load(struct hk_ctx *ctx, int64_t from, int64_t to, int64_t open_or_since,
                      unsigned what, struct hk_hidden *h);
void hk_hidden_free(struct hk_hidden *h);
/* The hidden incidents counted per key of dim and creation day: rows {key, pts} with pts
 * "day:n,..." (the shape of HK_Q_STAT_DAILY_PACKED); *rows NULL for admin. */
hk_err hk_hidden_packed(struct hk_ctx *ctx, int64_t from, int64_t to, const char *dim,
                        json_t **rows);
/* The counter key of a hidden row in dimension dim (none, class, team / source). */
const char *hk_hidden_inc_key(const struct hk_hidden_inc *e, const char *dim);
const char *hk_hidden_rep_key(const struct hk_hidden_rep *e, const char *dim);
/* Whether the row is among the counted times to first response / to resolution. */
bool hk_hidden_counts_f(const struct hk_hidden_inc *e);
bool hk_hidden_counts_r(const struct hk_hidden_inc *e);

#endif
