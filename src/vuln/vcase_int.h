/* SPDX-License-Identifier: MIT */
/*
 * Private to the vulnerability-case files (vcase*.c, cve*.c): validation of the case's
 * list members shared by intake, editing and CVE import, and the audit helper.
 */
#ifndef HIKESHI_VCASE_INT_H
#define HIKESHI_VCASE_INT_H

#include "handling/handling_int.h"
#include "hikeshi/vcase.h"

/* Normalises a list of CVE ids (array of strings) into *out (deduplicated, upper case).
 * HK_EINVAL naming "key[i]" otherwise. */
hk_err vc_cve_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out);
hk_err vc_cwe_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out);
/* Vectors (strings or {"vector"}) -> [{version, vector, score, severity}], v3.0/3.1/4.0. */
hk_err vc_cvss_list(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out);
/* Validates a product object (key names it in messages); *out the normalised product. */
hk_err vc_product_check(struct hk_ctx *ctx, const char *key, json_t *in, json_t **out);
/* Inserts a checked product; *pid its id. */
hk_err vc_product_insert(struct hk_ctx *ctx, int64_t case_id, json_t *p, int64_t *pid);
/* Adds a vendor team (ref) to a case; status/statement may be NULL. */
hk_err vc_vendor_insert(struct hk_ctx *ctx, int64_t case_id, const char *ref, const char *status,
                        const char *statement, int64_t contacted, int64_t replied, const char *key);
/* The raw case row (no visibility check) and the check itself. */
hk_err vc_load(struct hk_ctx *ctx, int64_t id, json_t **row);
bool vc_can_read(struct hk_ctx *ctx, json_t *row);
/* hk_audit borrows its JSON; this takes ownership of after (NULL = out of memory). */
hk_err vc_audit(struct hk_ctx *ctx, const char *action, int64_t id, json_t *before, json_t *after);
/* Remediation categories. */
bool vc_remediation_category(const char *s);

#endif
