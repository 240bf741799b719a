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

#endif
