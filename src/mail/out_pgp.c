/* SPDX-License-Identifier: MIT */
/*
 * OpenPGP for outgoing mail through gpgme: detached armored signatures (RFC 3156 §5),
 * encryption signed in the same OpenPGP message (RFC 3156 §6.2), and key import. Every
 * context names its GnuPG home explicitly (gpgme_ctx_set_engine_info), so the configured
 * home is used and nothing depends on the process's GNUPGHOME; tests point it at a
 * throwaway directory. Pinentry is set to loopback with no passphrase callback: a signing
 * key that needs a passphrase fails with a clear error rather than waiting for a prompt.
 * Recipient keys come from the team directory, which is the trust decision, so encryption
 * uses GPGME_ENCRYPT_ALWAYS_TRUST.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpgme.h>

#include "hikeshi/mail.h"
#include "mail/out_int.h"

static hk_err gerr(struct hk_errmsg *m, const char *what, gpgme_error_t e)
{
    return hk_errf(m, gpgme_err_code(e) == GPG_ERR_EOF ? HK_ENOTFOUND : HK_EIO, "%s: %s", what,
                   gpgme_strerror(e));
}

static hk_err ctx_new(const char *home, gpgme_ctx_t *out, struct hk_errmsg *m)
{
    gpgme_ctx_t c = NULL;
    gpgme_error_t e;

    hk_mail_init();
    if ((e = gpgme_new(&c)))
        return gerr(m, "gpgme", e);
    if ((e = gpgme_set_protocol(c, GPGME_PROTOCOL_OpenPGP)) ||
        (home && (e = gpgme_ctx_set_engine_info(c, GPGME_PROTOCOL_OpenPGP, NULL, home)))) {
        gpgme_release(c);
        return gerr(m, "gpgme engine", e);
    }
    gpgme_set_armor(c, 1);
    gpgme_set_textmode(c, 0);
    (void)gpgme_set_pinentry_mode(c, GPGME_PINENTRY_MODE_LOOPBACK);
    *out = c;
    return HK_OK;
}

/* A key by fingerprint or key id, or else the first match of a user id pattern. */
static hk_err find_key(gpgme_ctx_t c, const char *id, bool secret, gpgme_key_t *k,
                       struct hk_errmsg *m)
{
    gpgme_error_t e;

    *k = NULL;
    if (!id || !*id)
        return hk_errf(m, HK_EINVAL, "no key given");
    if (!gpgme_get_key(c, id, k, secret) && *k)
        return HK_OK;
    if ((e = gpgme_op_keylist_start(c, id, secret)))
        return gerr(m, "key list", e);
    e = gpgme_op_keylist_next(c, k);
    (void)gpgme_op_keylist_end(c);
    if (e || !*k)
        return hk_errf(m, HK_ENOTFOUND, "no %s key '%.80s' in the keyring",
                       secret ? "secret" : "public", id);
    return HK_OK;
}

static hk_err take(gpgme_data_t d, struct hk_buf *out)
{
    size_t n = 0;
    char *p = gpgme_data_release_and_get_mem(d, &n);
    hk_err err = hk_buf_append(out, p, n);

    gpgme_free(p);
    return err;
}

/*
 * Signing contexts are cached per process (one home, one key): looking the secret key up
 * costs a gpg run of its own, as much as the signature. gpgme runs one gpg process per
 * signature, so a pool of contexts lets several threads sign at once (one per core is what
 * pays); each context is used by one thread at a time under its own mutex.
 */
#define SIGNERS 8

struct signer {
    pthread_mutex_t mu;
    gpgme_ctx_t c;
    char *home, *key;
};
static struct signer signers[SIGNERS] = {
    {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL}, {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL}, {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL}, {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL}, {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL},
};
static atomic_uint signer_next;

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void signer_drop(struct signer *s)
{
    if (s->c)
        gpgme_release(s->c);
    free(s->home);
    free(s->key);
    s->c = NULL;
    s->home = s->key = NULL;
}

/* A free signer, locked; when all are busy, waits for one in turn. */
static struct signer *signer_lock(void)
{
    unsigned start = atomic_fetch_add(&signer_next, 1);

    for (unsigned i = 0; i < SIGNERS; i++) {
        struct signer *s = &signers[(start + i) % SIGNERS];
        if (!pthread_mutex_trylock(&s->mu))
            return s;
    }
    pthread_mutex_lock(&signers[start % SIGNERS].mu);
    return &signers[start % SIGNERS];
}

static hk_err signer_get(struct signer *s, const char *home, const char *key, struct hk_errmsg *m)
{
    gpgme_key_t k = NULL;
    gpgme_error_t e;
    hk_err err;

    if (s->c && same(s->home, home) && same(s->key, key))
        return HK_OK;
    signer_drop(s);
    if ((err = ctx_new(home, &s->c, m)) || (err = find_key(s->c, key, true, &k, m)))
        goto out;
    if ((e = gpgme_signers_add(s->c, k))) {
        err = gerr(m, "signing", e);
        goto out;
    }
    s->home = home ? hk_xstrdup(home) : NULL;
    s->key = hk_xstrdup(key);
out:
    if (k)
        gpgme_key_unref(k);
    if (err)
        signer_drop(s);
    return err;
}

hk_err hk_mail_pgp_sign(const char *home, const char *key, const void *data, size_t len,
                        struct hk_buf *sig, const char **micalg, struct hk_errmsg *m)
{
    static const struct {
        gpgme_hash_algo_t a;
        const char *name;
    } algos[] = {{GPGME_MD_SHA256, "pgp-sha256"},
                 {GPGME_MD_SHA384, "pgp-sha384"},
                 {GPGME_MD_SHA512, "pgp-sha512"},
                 {GPGME_MD_SHA224, "pgp-sha224"},
                 {GPGME_MD_SHA1, "pgp-sha1"}};
    gpgme_data_t in = NULL, out = NULL;
    gpgme_sign_result_t r;
    struct signer *sg;
    gpgme_error_t e;
    hk_err err;

    *micalg = "pgp-sha256";
    hk_mail_init();
    sg = signer_lock();
    if ((err = signer_get(sg, home, key, m)))
        goto out;
    if ((e = gpgme_data_new_from_mem(&in, data, len, 0)) || (e = gpgme_data_new(&out)) ||
        (e = gpgme_op_sign(sg->c, in, out, GPGME_SIG_MODE_DETACH))) {
        err = gerr(m, "signing", e);
        signer_drop(sg);
        goto out;
    }
    r = gpgme_op_sign_result(sg->c);
    if (!r || !r->signatures || r->invalid_signers) {
        err = hk_errf(m, HK_EIO, "signing: key '%.80s' cannot sign", key);
        signer_drop(sg);
        goto out;
    }
    for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
        if (algos[i].a == r->signatures->hash_algo)
            *micalg = algos[i].name;
    err = take(out, sig);
    out = NULL;
out:
    pthread_mutex_unlock(&sg->mu);
    gpgme_data_release(out);
    gpgme_data_release(in);
    return err;
}

hk_err hk_mail_pgp_encrypt(const char *home, const char *key, const char *fpr, const void *data,
                           size_t len, struct hk_buf *outb, struct hk_errmsg *m)
{
    gpgme_ctx_t c = NULL;
    gpgme_key_t sk = NULL, rk[2] = {NULL, NULL};
    gpgme_data_t in = NULL, out = NULL;
    gpgme_encrypt_result_t r;
    gpgme_error_t e;
    hk_err err;

    if ((err = ctx_new(home, &c, m)) || (err = find_key(c, fpr, false, &rk[0], m)) ||
        (key && (err = find_key(c, key, true, &sk, m))))
        goto out;
    if ((sk && (e = gpgme_signers_add(c, sk))) ||
        (e = gpgme_data_new_from_mem(&in, data, len, 0)) || (e = gpgme_data_new(&out))) {
        err = gerr(m, "encryption", e);
        goto out;
    }
    e = sk ? gpgme_op_encrypt_sign(c, rk, GPGME_ENCRYPT_ALWAYS_TRUST, in, out)
           : gpgme_op_encrypt(c, rk, GPGME_ENCRYPT_ALWAYS_TRUST, in, out);
    r = gpgme_op_encrypt_result(c);
    if (e || (r && r->invalid_recipients)) {
        err = e ? gerr(m, "encryption", e)
                : hk_errf(m, HK_EIO, "encryption: key '%.80s' cannot encrypt", fpr);
        goto out;
    }
    err = take(out, outb);
    out = NULL;
out:
    gpgme_data_release(out);
    gpgme_data_release(in);
    if (sk)
        gpgme_key_unref(sk);
    if (rk[0])
        gpgme_key_unref(rk[0]);
    if (c)
        gpgme_release(c);
    return err;
}

hk_err hk_mail_pgp_import(const char *gnupghome, const char *armored, char fpr[72],
                          struct hk_errmsg *m)
{
    gpgme_ctx_t c = NULL;
    gpgme_data_t in = NULL;
    gpgme_import_result_t r;
    gpgme_error_t e;
    hk_err err;

    fpr[0] = '\0';
    if (!armored || strlen(armored) > 1024 * 1024)
        return hk_errf(m, HK_EINVAL, "no key or a key larger than 1 MiB");
    if ((err = ctx_new(gnupghome, &c, m)))
        return err;
    if ((e = gpgme_data_new_from_mem(&in, armored, strlen(armored), 0)) ||
        (e = gpgme_op_import(c, in))) {
        err = gerr(m, "key import", e);
        goto out;
    }
    r = gpgme_op_import_result(c);
    if (!r || !r->imports || !r->imports->fpr || r->imports->result) {
        err = hk_errf(m, HK_EPARSE, "key import: no usable OpenPGP key in the text");
        goto out;
    }
    (void)snprintf(fpr, 72, "%s", r->imports->fpr);
out:
    gpgme_data_release(in);
    gpgme_release(c);
    return err;
}
