/* SPDX-License-Identifier: MIT */
/*
 * PGP/MIME signature verification (RFC 3156 section 5) with gpgme, against the keyring the
 * configuration names (its GnuPG home directory, set per context so the process
 * environment is left alone). The signed part is written back as it was received (GMime
 * keeps the raw headers and the encoded content of a parsed part) with CRLF line ends, the
 * canonical form the signature was made over.
 */
#include <gpgme.h>
#include <pthread.h>
#include <string.h>

#include "mail/in_int.h"

static pthread_once_t gpgme_once = PTHREAD_ONCE_INIT;

static void gpgme_setup(void)
{
    (void)gpgme_check_version(NULL);
}

const char *hk_mailin_pgp_name(enum hk_mailin_pgp p)
{
    static const char *const n[] = {"unsigned", "not-checked", "good",
                                    "bad",      "unknown-key", "error"};
    return (unsigned)p < sizeof(n) / sizeof(n[0]) ? n[p] : "error";
}

/* The part's bytes as received, LF line ends turned into CRLF. */
static GByteArray *canonical(GMimeObject *part)
{
    GByteArray *raw = g_byte_array_new(), *out = g_byte_array_new();
    GMimeStream *s = g_mime_stream_mem_new_with_byte_array(raw);
    GMimeFormatOptions *fo = g_mime_format_options_new();

    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_UNIX);
    (void)g_mime_object_write_to_stream(part, fo, s);
    for (guint i = 0; i < raw->len; i++) {
        if (raw->data[i] == '\n' && (i == 0 || raw->data[i - 1] != '\r'))
            g_byte_array_append(out, (const guint8 *)"\r", 1);
        g_byte_array_append(out, raw->data + i, 1);
    }
    g_mime_format_options_free(fo);
    g_object_unref(s);
    g_byte_array_unref(raw);
    return out;
}

static GByteArray *signature(GMimeObject *part)
{
    GByteArray *ba = g_byte_array_new();
    GMimeStream *s = g_mime_stream_mem_new_with_byte_array(ba);
    GMimeDataWrapper *w = GMIME_IS_PART(part) ? g_mime_part_get_content(GMIME_PART(part)) : NULL;

    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
    if (w)
        (void)g_mime_data_wrapper_write_to_stream(w, s);
    g_object_unref(s);
    return ba;
}

enum hk_mailin_pgp hk_mailin_pgp_verify(GMimeMultipartSigned *mps, const char *gnupghome, char *fpr,
                                        size_t fprsz)
{
    GMimeObject *content = g_mime_multipart_get_part(GMIME_MULTIPART(mps), 0);
    GMimeObject *sigpart = g_mime_multipart_get_part(GMIME_MULTIPART(mps), 1);
    enum hk_mailin_pgp res = HK_PGP_ERROR;
    gpgme_ctx_t ctx = NULL;
    gpgme_data_t sig = NULL, text = NULL;
    gpgme_verify_result_t vr;
    GByteArray *c = NULL, *s = NULL;

    fpr[0] = '\0';
    if (!gnupghome || !*gnupghome)
        return HK_PGP_NOT_CHECKED;
    if (!content || !sigpart ||
        !g_mime_content_type_is_type(g_mime_object_get_content_type(sigpart), "application",
                                     "pgp-signature"))
        return HK_PGP_ERROR;
    (void)pthread_once(&gpgme_once, gpgme_setup);
    c = canonical(content);
    s = signature(sigpart);
    if (gpgme_new(&ctx) || gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP) ||
        gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, gnupghome) ||
        gpgme_data_new_from_mem(&sig, (const char *)s->data, s->len, 0) ||
        gpgme_data_new_from_mem(&text, (const char *)c->data, c->len, 0) ||
        gpgme_op_verify(ctx, sig, text, NULL))
        goto out;
    vr = gpgme_op_verify_result(ctx);
    if (!vr || !vr->signatures)
        goto out;
    (void)snprintf(fpr, fprsz, "%s", vr->signatures->fpr ? vr->signatures->fpr : "");
    switch (gpg_err_code(vr->signatures->status)) {
    case GPG_ERR_NO_ERROR:
    case GPG_ERR_KEY_EXPIRED:
    case GPG_ERR_SIG_EXPIRED:
        res = HK_PGP_GOOD;
        break;
    case GPG_ERR_BAD_SIGNATURE:
        res = HK_PGP_BAD;
        break;
    case GPG_ERR_NO_PUBKEY:
        res = HK_PGP_UNKNOWN_KEY;
        break;
    default:
        res = HK_PGP_ERROR;
    }
out:
    gpgme_data_release(sig);
    gpgme_data_release(text);
    gpgme_release(ctx);
    if (c)
        g_byte_array_unref(c);
    if (s)
        g_byte_array_unref(s);
    return res;
}
