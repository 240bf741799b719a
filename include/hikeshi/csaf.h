/* SPDX-License-Identifier: MIT */
/*
 * CSAF 2.0 document validation (OASIS Common Security Advisory Framework 2.0, section 9.1.14
 * "CSAF basic validator"): the JSON schema of section 3 (with the FIRST CVSS v2.0/v3.0/v3.1
 * schemas it references), embedded in the binary and compiled once, then every mandatory test
 * of section 6.1 (6.1.1 to 6.1.33 including 6.1.27.1 to 6.1.27.11). Optional (6.2) and
 * informative (6.3) tests are not run.
 */
#ifndef HIKESHI_CSAF_H
#define HIKESHI_CSAF_H

#include <jansson.h>

#include "hikeshi/err.h"

/* Input bounds. Readers refuse files larger than HK_CSAF_MAX_BYTES before parsing;
 * hk_csaf_validate refuses documents nested deeper than HK_CSAF_MAX_DEPTH or holding more than
 * HK_CSAF_MAX_VALUES JSON values (HK_ETOOBIG, with one error of test "limit" in the report).
 * A report lists at most HK_CSAF_MAX_ERRORS errors (then one "too many errors" entry). */
#define HK_CSAF_MAX_BYTES  (64u * 1024u * 1024u)
#define HK_CSAF_MAX_DEPTH  128
#define HK_CSAF_MAX_VALUES 4000000
#define HK_CSAF_MAX_ERRORS 1000

/* Validates a CSAF 2.0 document: the JSON schema checks and the mandatory tests of section 6.1.
 * Returns HK_OK when valid, HK_EINVAL when not, another error on internal failure (HK_ETOOBIG
 * for a document beyond the bounds above). When report is not NULL, *report (caller owns) =
 * {"valid":true|false,"errors":[{"test":"6.1.1"|"schema","path":"/json/pointer",
 * "message":"..."}]}: "schema" for the JSON schema, the section number for a mandatory test
 * ("6.1.8" repeats the schema's CVSS findings, as the standard makes it a test of its own),
 * "limit" for the bounds above. doc is borrowed and not modified. Thread-safe (schema
 * compiled once). */
hk_err hk_csaf_validate(json_t *doc, json_t **report);

#endif
