/* SPDX-License-Identifier: MIT */
/*
 * Private pieces of mail intake: PGP/MIME verification (in_pgp.c) used by the parser.
 */
#ifndef HIKESHI_MAIL_IN_INT_H
#define HIKESHI_MAIL_IN_INT_H

#include <gmime/gmime.h>

#include "hikeshi/mailin.h"

/* Verifies a multipart/signed part (RFC 3156 section 5) with gpgme against the keyring in
 * gnupghome (NULL: not checked). fpr gets the signer's fingerprint or key id. */
enum hk_mailin_pgp hk_mailin_pgp_verify(GMimeMultipartSigned *mps, const char *gnupghome, char *fpr,
                                        size_t fprsz);

#endif
