/* SPDX-License-Identifier: MIT */
/*
 * Vulnerability cases (issue 7): intake, the coordination lifecycle, products, vendors,
 * remediations, embargo reminders, CVE JSON 5 import and export, and the CSAF 2.0 document
 * built from a case.
 *
 * A case has a public ID "HKVU#YYYY-NNNN" (a per-year sequence allocated inside the creating
 * transaction: no gaps, no duplicates) and moves received -> triage -> coordinating ->
 * scheduled -> published, or to rejected (with a reason) from any state before published;
 * scheduled needs an agreed publication date (the embargo) and may go back to coordinating.
 * Every function works in the caller's transaction (hk_ctx_begin / commit), validates its
 * whole input before writing anything, names the offending member in ctx->em, and writes
 * one audit entry ("vcase.*", object type "vcase") per change. Staff (admin, handler) read
 * and change every case; a reporter may open a case and reads back only the cases it opened
 * (anything else is HK_ENOTFOUND); sensors and peers see none.
 *
 * Case JSON (hk_vcase_get): {"id", "public_id", "title", "description", "reporter":
 * {"name", "email", "organisation", "user_id"}, "tlp", "state", "reject_reason",
 * "publish_at", "cve_ids": [...], "cwe_ids": [...], "cvss": [{"version", "vector", "score",
 * "severity"}], "advisory_id", "created_by", "created_at", "updated_at", "published_at",
 * "products": [{"id", "vendor", "product", "versions": [{"version", "less_than"?,
 * "less_than_or_equal"?, "status"?}], "cpe", "purl"}], "vendors": [{"team_id", "team",
 * "full_name", "type", "email", "status", "statement", "contacted_at", "replied_at"}],
 * "remediations": [{"id", "category", "details", "url", "product_id"}], "next": [states]}.
 */
#ifndef HIKESHI_VCASE_H
#define HIKESHI_VCASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "hikeshi/handling.h"

#define HK_VCASE_ID_MAX 40 /* "HKVU#2026-0001" and room for any sequence number */

/* ---- cases (vcase.c) ---- */

/*
 * Opens a case. body: {"title" (required), "description"?, "reporter"?: {"name", "email",
 * "organisation"} (or "reporter_name", "reporter_email", "reporter_org"), "tlp"? (default
 * AMBER), "publish_at"?, "cve_ids"?, "cwe_ids"?, "cvss"? (vector strings), "products"?,
 * "vendors"?}. Any role but sensor and peer; a reporter's case records its user. *out is
 * the stored case (as hk_vcase_get).
 */
hk_err hk_vcase_create(struct hk_ctx *ctx, json_t *body, json_t **out);
/* The full case (see above), visibility applied. */
hk_err hk_vcase_get(struct hk_ctx *ctx, int64_t id, json_t **out);
/* Resolves "HKVU#2026-0001" (also "hkvu#2026-0001", "2026-0001" or a decimal id) to the
 * case's id. HK_ENOTFOUND (message) when there is no such case or the caller may not see it. */
hk_err hk_vcase_find(struct hk_ctx *ctx, const char *ref, int64_t *id);
/* Lists cases, newest first. params (strings): state, public_id, cursor, limit (1..500,
 * default 50). *out: {"items": [case rows without products/vendors], "next_cursor"}. */
hk_err hk_vcase_list(struct hk_ctx *ctx, json_t *params, json_t **out);
/* Edits title, description, reporter, tlp, publish_at, cve_ids, cwe_ids, cvss (lists are
 * replaced). Staff. A published or rejected case is read-only (HK_ESTATE). A change of the
 * publication date is audited on its own ("vcase.embargo", before and after). */
hk_err hk_vcase_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/*
 * Applies a lifecycle action: triage, coordinate, schedule ({"publish_at"} unless already
 * set), reject ({"reason"} required), or "state" with {"state": S}. Staff. "publish" is not
 * an action here: publishing goes through the advisory (hk_vcase_mark_published).
 */
hk_err hk_vcase_transition(struct hk_ctx *ctx, int64_t id, const char *action, json_t *body,
                           json_t **out);
/* scheduled -> published, recording the advisory's id (CSAF tracking id); staff; audited. */
hk_err hk_vcase_mark_published(struct hk_ctx *ctx, int64_t id, const char *advisory_id);

/* Adds a vendor: body {"team" (directory team name or id, type vendor or psirt), "status"?,
 * "statement"?, "contacted_at"?, "replied_at"?}. Staff. HK_EDUP when already on the case. */
hk_err hk_vcase_vendor_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/* Changes a vendor's status (affected, not_affected, under_investigation, fixed),
 * statement, contacted_at, replied_at. Staff. */
hk_err hk_vcase_vendor_update(struct hk_ctx *ctx, int64_t id, const char *team, json_t *body,
                              json_t **out);
/* Adds a product: {"vendor", "product" (required), "versions"? ([strings or {"version",
 * "less_than"?, "less_than_or_equal"?, "status"?}]), "cpe"? (CPE 2.3), "purl"?}. Staff. */
hk_err hk_vcase_product_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/* Removes a product (remediations naming it then apply to the whole case). Staff. */
hk_err hk_vcase_product_remove(struct hk_ctx *ctx, int64_t id, int64_t product_id, json_t **out);
/* Adds a remediation: {"category" (vendor_fix, workaround, mitigation, no_fix_planned,
 * none_available), "details" (required), "url"?, "product_id"?}. Staff. */
hk_err hk_vcase_remediation_add(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);

/* Checks a CVE id "CVE-YYYY-NNNN" (4 or more digits), a CWE id "CWE-N". */
bool hk_cve_id_valid(const char *s);
bool hk_cwe_id_valid(const char *s);
/* Public ID of a case: "HKVU#2026-0001". */
void hk_vcase_public_id(int year, int64_t seq, char out[HK_VCASE_ID_MAX]);

/* ---- embargo reminders (vcase_remind.c) ---- */

/*
 * Queues one reminder through the outbox to each vendor of a scheduled case whose
 * publication date is within "days" (default 7) and that has not given a status or a
 * statement; at most one per case, vendor and UTC day (a second run the same day queues
 * nothing). Vendors without an e-mail address are listed as skipped. Staff.
 * body: {"days"?}. *out: {"reminders": [{case, public_id, team, to, outbox_id}], "skipped"}.
 */
hk_err hk_vcase_remind(struct hk_ctx *ctx, json_t *body, json_t **out);
/* The same in a transaction of its own as the system ("outbox"): for the server's thread. */
hk_err hk_vcase_remind_run(struct hk_store *st, const struct hk_config *cfg, struct hk_errmsg *em);

/* ---- CSAF 2.0 (vcase_csaf.c) ---- */

/*
 * Builds a CSAF 2.0 csaf_security_advisory from a case (not validated here: see
 * hk_csaf_validate). Publisher name and namespace come from the environment
 * (HIKESHI_ORG, HIKESHI_ORG_URL; defaults "hikeshi", "https://hikeshi.invalid"). The
 * tracking id is the case's public ID, status final, version "1". Readable by whoever may
 * read the case.
 */
hk_err hk_vcase_csaf(struct hk_ctx *ctx, int64_t id, json_t **doc);

/* ---- CVE JSON 5 (cve.c, vcase_cve.c) ---- */

#define HK_CVE_MAX_BYTES (4u << 20) /* a record larger than this is refused */

/*
 * Checks a CVE JSON 5 record structurally (dataType CVE_RECORD, dataVersion 5.0 or 5.1,
 * cveMetadata by state PUBLISHED / RESERVED / REJECTED with its required members, the
 * containers' required parts, types, unknown members of the known objects, date formats,
 * CVE/CWE id forms). HK_EINVAL with the JSON pointer of the first problem in em
 * ("/cveMetadata/state: ..."). Pure: no store, no allocation kept.
 */
hk_err hk_cve_check(json_t *rec, struct hk_errmsg *em);
/* Parses (bounded, duplicate members refused) and checks a record; *out owned by caller. */
hk_err hk_cve_parse(const char *p, size_t n, json_t **out, struct hk_errmsg *em);
/*
 * Imports a checked record into a new case (case_id 0) or an existing one: title,
 * description, CVE id, CWE ids, CVSS vectors (validated), affected products, vendors that
 * name a directory team of type vendor/psirt, workarounds and references as remediations.
 * Staff. Nothing is stored when the record is invalid. *out: the case.
 */
hk_err hk_vcase_import_cve(struct hk_ctx *ctx, json_t *rec, int64_t case_id, json_t **out);
/* Exports a case as a CVE JSON 5.0 record for one of its CVE ids (cve NULL: the first;
 * HK_EINVAL when the case has none). The result passes hk_cve_check. */
hk_err hk_vcase_export_cve(struct hk_ctx *ctx, int64_t id, const char *cve, json_t **out);

#endif
