/* SPDX-License-Identifier: MIT */
/*
 * Private declarations shared by the outgoing-mail files (src/mail/out*.c): time
 * formatting in a team's zone, attachment names, and the OpenPGP steps the MIME builder
 * calls. Nothing outside src/mail/out*.c includes this.
 */
#ifndef HIKESHI_MAIL_OUT_INT_H
#define HIKESHI_MAIL_OUT_INT_H

#include <glib.h>

#include "hikeshi/mail.h"

const char *hk_mail_lang(const char *lang);
void hk_mail_time_utc(int64_t t, char out[40]);
GTimeZone *hk_mail_tz_new(const char *tz);
void hk_mail_time_local(int64_t t, GTimeZone *tz, char out[64]);
void hk_mail_attach_names(const struct hk_mail_notice *n, char csv[64], char xarf[64]);
/* "Name <a@b>" -> "a@b" into out (cap bytes); a bare address is copied. */
void hk_mail_bare_addr(const char *s, char *out, size_t cap);
/* The attachment formats a notice gets (CSV forced when rows would otherwise be lost). */
unsigned hk_mail_formats(const struct hk_mail_notice *n);

/* Detached, armored signature of data with key (RFC 3156 §5); *hash gets the micalg name
 * ("pgp-sha256", static). sig is appended to. */
hk_err hk_mail_pgp_sign(const char *home, const char *key, const void *data, size_t len,
                        struct hk_buf *sig, const char **micalg, struct hk_errmsg *m);
/* Armored ciphertext of data for the recipient key fpr, signed by key when key != NULL
 * (RFC 3156 §6.2 combined method). */
hk_err hk_mail_pgp_encrypt(const char *home, const char *key, const char *fpr, const void *data,
                           size_t len, struct hk_buf *out, struct hk_errmsg *m);

#endif
