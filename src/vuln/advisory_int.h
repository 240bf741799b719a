/* SPDX-License-Identifier: MIT */
/*
 * Private to the advisory files of src/vuln: the process-wide settings, the TLP folder
 * names, OpenPGP signing of advisories, and the import of a document whose bytes are kept
 * as downloaded.
 */
#ifndef HIKESHI_VULN_ADVISORY_INT_H
#define HIKESHI_VULN_ADVISORY_INT_H

#include "hikeshi/advisory.h"

const char *hk_adv_public_url(void);
const char *hk_adv_sign_key(void); /* NULL: advisories are not signed */
const char *hk_adv_gnupghome(void);
/* "WHITE" -> "white", ..., anything else "unlabeled". */
const char *hk_adv_tlp_dir(const char *tlp);
/* Detached armored signature of data with the configured key, appended to sig; fpr gets the
 * signing key's fingerprint. */
hk_err hk_adv_sign(const void *data, size_t len, struct hk_buf *sig, char fpr[80],
                   struct hk_errmsg *em);
/* Stores the armored public key of fpr in meta "csaf_key:<fpr>" (for the provider directory). */
hk_err hk_adv_store_pubkey(struct hk_ctx *ctx, const char *fpr);
/* hk_advisory_import keeping text (the downloaded bytes) as the stored document. */
hk_err hk_adv_import_text(struct hk_ctx *ctx, json_t *csaf, const char *text,
                          const char *source_url, json_t **out);
/* Verifies a detached armored signature over data with the keys of the configured GnuPG
 * home: HK_OK when good, HK_ENOTFOUND when the key is not there, HK_EINTEGRITY when bad. */
hk_err hk_adv_verify(const void *data, size_t len, const char *sig, size_t siglen, char fpr[80],
                     struct hk_errmsg *em);

#endif
