/* SPDX-License-Identifier: MIT */
/*
 * The CSAF provider directory (CSAF 2.0 section 7) and the human-facing pages, written from
 * committed rows: <data>/csaf/.well-known/csaf/provider-metadata.json, per TLP folder
 * (white, green, amber, red, unlabeled) <year>/<file>.json with .sha256 and .asc, index.txt
 * and changes.csv, the signing keys under openpgp/, and <data>/csaf/advisories/<tlp>/ with
 * one HTML page per advisory (escaped, no script) and an Atom feed (RFC 4287). Every file
 * goes through a temporary file and a rename, so a reader sees the old or the new file,
 * never half of one; files are written only from data a committed transaction holds (the
 * generation in meta "advisory_gen" is compared with the one last written). Also the
 * OpenPGP signing and verification of advisories (gpgme).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpgme.h>

#include "handling/handling_int.h"
#include "vuln/advisory_int.h"

/* ---- OpenPGP ---- */

static hk_err gpg_ctx(gpgme_ctx_t *g, struct hk_errmsg *em)
{
    gpgme_error_t ge;

    (void)gpgme_check_version(NULL);
    if ((ge = gpgme_new(g)))
        return hk_errf(em, HK_EIO, "gpgme: %s", gpgme_strerror(ge));
    (void)gpgme_set_protocol(*g, GPGME_PROTOCOL_OpenPGP);
    if (hk_adv_gnupghome() &&
        (ge = gpgme_ctx_set_engine_info(*g, GPGME_PROTOCOL_OpenPGP, NULL, hk_adv_gnupghome()))) {
        gpgme_release(*g);
        return hk_errf(em, HK_EIO, "gpgme home: %s", gpgme_strerror(ge));
    }
    gpgme_set_armor(*g, 1);
    return HK_OK;
}

static hk_err data_out(gpgme_data_t d, struct hk_buf *out)
{
    size_t n = 0;
    char *p = gpgme_data_release_and_get_mem(d, &n);
    hk_err err = p ? hk_buf_append(out, p, n) : HK_ENOMEM;

    gpgme_free(p);
    return err;
}

hk_err hk_adv_sign(const void *data, size_t len, struct hk_buf *sig, char fpr[80],
                   struct hk_errmsg *em)
{
    gpgme_ctx_t g;
    gpgme_key_t key = NULL;
    gpgme_data_t in = NULL, out = NULL;
    gpgme_error_t ge;
    hk_err err;

    fpr[0] = '\0';
    if ((err = gpg_ctx(&g, em)))
        return err;
    if ((ge = gpgme_get_key(g, hk_adv_sign_key(), &key, 1))) {
        err = hk_errf(em, HK_EINVAL, "signing key '%.60s': %s", hk_adv_sign_key(),
                      gpgme_strerror(ge));
        goto out;
    }
    if (key->subkeys && key->subkeys->fpr)
        (void)snprintf(fpr, 80, "%s", key->subkeys->fpr);
    if ((ge = gpgme_signers_add(g, key)) || (ge = gpgme_data_new_from_mem(&in, data, len, 0)) ||
        (ge = gpgme_data_new(&out)) || (ge = gpgme_op_sign(g, in, out, GPGME_SIG_MODE_DETACH))) {
        err = hk_errf(em, HK_EIO, "signing the advisory: %s", gpgme_strerror(ge));
        goto out;
    }
    err = data_out(out, sig);
    out = NULL;
out:
    if (out)
        gpgme_data_release(out);
    if (in)
        gpgme_data_release(in);
    if (key)
        gpgme_key_unref(key);
    gpgme_release(g);
    return err;
}

hk_err hk_adv_store_pubkey(struct hk_ctx *ctx, const char *fpr)
{
    gpgme_ctx_t g;
    gpgme_data_t out = NULL;
    struct hk_buf b = HK_BUF_INIT(1 << 20);
    char key[100];
    hk_err err;

    if ((err = gpg_ctx(&g, ctx->em)))
        return err;
    if (gpgme_data_new(&out) || gpgme_op_export(g, fpr, 0, out)) {
        err = hk_errf(ctx->em, HK_EIO, "cannot export the public key %.60s", fpr);
        if (out)
            gpgme_data_release(out);
    } else {
        err = data_out(out, &b);
    }
    gpgme_release(g);
    if (!err && b.len) {
        (void)snprintf(key, sizeof(key), "csaf_key:%s", fpr);
        err = hk_store_exec(ctx->st, HK_Q_META_SET,
                            HK_SQL_ARGS(hk_sql_text(key), hk_sql_text(hk_buf_str(&b))), NULL);
    }
    hk_buf_release(&b);
    return err;
}

hk_err hk_adv_verify(const void *data, size_t len, const char *sig, size_t siglen, char fpr[80],
                     struct hk_errmsg *em)
{
    gpgme_ctx_t g;
    gpgme_data_t d = NULL, s = NULL;
    gpgme_verify_result_t r;
    hk_err err;

    fpr[0] = '\0';
    if ((err = gpg_ctx(&g, em)))
        return err;
    if (gpgme_data_new_from_mem(&d, data, len, 0) || gpgme_data_new_from_mem(&s, sig, siglen, 0) ||
        gpgme_op_verify(g, s, d, NULL)) {
        err = hk_errf(em, HK_EINTEGRITY, "the signature cannot be read");
        goto out;
    }
    r = gpgme_op_verify_result(g);
    if (!r || !r->signatures) {
        err = hk_errf(em, HK_EINTEGRITY, "no signature");
        goto out;
    }
    if (r->signatures->fpr)
        (void)snprintf(fpr, 80, "%s", r->signatures->fpr);
    if (gpgme_err_code(r->signatures->status) == GPG_ERR_NO_PUBKEY)
        err = hk_errf(em, HK_ENOTFOUND, "the signer's key %.60s is not known", fpr);
    else if (!(r->signatures->summary & GPGME_SIGSUM_VALID) &&
             gpgme_err_code(r->signatures->status) != GPG_ERR_NO_ERROR)
        err =
            hk_errf(em, HK_EINTEGRITY, "bad signature: %s", gpgme_strerror(r->signatures->status));
out:
    if (d)
        gpgme_data_release(d);
    if (s)
        gpgme_data_release(s);
    gpgme_release(g);
    return err;
}

/* ---- files ---- */

static hk_err mkdirs(const char *path, struct hk_errmsg *em)
{
    char p[4096];
    size_t n = strlen(path);

    if (n >= sizeof(p))
        return hk_errf(em, HK_ETOOBIG, "path too long");
    memcpy(p, path, n + 1);
    for (size_t i = 1; i <= n; i++)
        if (p[i] == '/' || p[i] == '\0') {
            char c = p[i];
            p[i] = '\0';
            if (mkdir(p, 0755) && errno != EEXIST)
                return hk_errf(em, HK_EIO, "cannot create '%s': %s", p, strerror(errno));
            p[i] = c;
        }
    return HK_OK;
}

/* Writes root/rel atomically (a temporary file in the same folder, then rename). */
static hk_err write_file(const char *root, const char *rel, const void *data, size_t len,
                         struct hk_errmsg *em)
{
    char path[4500], tmp[4600], dir[4500];
    const char *sl;
    int fd;
    uint8_t r[6];
    char rh[13];
    hk_err err;

    (void)snprintf(path, sizeof(path), "%s/%s", root, rel);
    sl = strrchr(path, '/');
    (void)snprintf(dir, sizeof(dir), "%.*s", (int)(sl - path), path);
    if ((err = mkdirs(dir, em)))
        return err;
    hk_random(r, sizeof(r));
    hk_hex(r, sizeof(r), rh);
    (void)snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", dir, rh);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return hk_errf(em, HK_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, (const char *)data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            (void)close(fd);
            (void)unlink(tmp);
            return hk_errf(em, HK_EIO, "cannot write '%s': %s", tmp, strerror(errno));
        }
        off += (size_t)w;
    }
    if (fsync(fd) || close(fd) || rename(tmp, path)) {
        (void)unlink(tmp);
        return hk_errf(em, HK_EIO, "cannot replace '%s': %s", path, strerror(errno));
    }
    return HK_OK;
}

static hk_err write_str(const char *root, const char *rel, const char *s, struct hk_errmsg *em)
{
    return write_file(root, rel, s, strlen(s), em);
}

/* Removes the files under root/<tlp>/<year>/ that the current rows did not write (keep holds
 * "<tlp>/<year>/<name>" keys): an advisory republished under another TLP or year must not stay
 * readable in its old folder. Hidden files (temporaries) are left alone. */
static void prune(const char *root, const char *const *tlp_dirs, json_t *keep)
{
    char d1[4400], d2[4500], f[4800];

    for (size_t t = 0; tlp_dirs[t]; t++) {
        DIR *top;
        struct dirent *y;
        (void)snprintf(d1, sizeof(d1), "%s/%s", root, tlp_dirs[t]);
        if (!(top = opendir(d1)))
            continue;
        while ((y = readdir(top))) {
            DIR *yd;
            struct dirent *e;
            if (strlen(y->d_name) != 4 || strspn(y->d_name, "0123456789") != 4)
                continue;
            (void)snprintf(d2, sizeof(d2), "%s/%.4s", d1, y->d_name);
            if (!(yd = opendir(d2)))
                continue;
            while ((e = readdir(yd))) {
                char key[600];
                if (e->d_name[0] == '.')
                    continue;
                (void)snprintf(key, sizeof(key), "%s/%s/%s", tlp_dirs[t], y->d_name, e->d_name);
                if (json_object_get(keep, key))
                    continue;
                (void)snprintf(f, sizeof(f), "%s/%s", d2, e->d_name);
                if (unlink(f) == 0)
                    hk_log(HK_LOG_INFO, "advisories: removed %s (no longer published there)", f);
            }
            (void)closedir(yd);
        }
        (void)closedir(top);
    }
}

static void esc(struct hk_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            (void)hk_buf_appends(b, "&amp;");
            break;
        case '<':
            (void)hk_buf_appends(b, "&lt;");
            break;
        case '>':
            (void)hk_buf_appends(b, "&gt;");
            break;
        case '"':
            (void)hk_buf_appends(b, "&quot;");
            break;
        case '\'':
            (void)hk_buf_appends(b, "&#39;");
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                (void)hk_buf_appendc(b, *s);
        }
    }
}

static const char *js(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Only http(s) links become links; anything else is shown as text. */
static bool safe_url(const char *u)
{
    return !strncmp(u, "https://", 8) || !strncmp(u, "http://", 7);
}

static const char *product_name(json_t *doc, const char *id)
{
    /* a linear walk of full_product_names, branches and relationships */
    json_t *pt = json_object_get(doc, "product_tree"), *stack[64], *v;
    size_t i, sp = 0;

    json_array_foreach(json_object_get(pt, "full_product_names"), i,
                       v) if (!strcmp(js(v, "product_id"), id)) return js(v, "name");
    json_array_foreach(json_object_get(pt, "relationships"), i, v)
    {
        json_t *f = json_object_get(v, "full_product_name");
        if (!strcmp(js(f, "product_id"), id))
            return js(f, "name");
    }
    stack[sp++] = json_object_get(pt, "branches");
    while (sp) {
        json_t *a = stack[--sp];
        json_array_foreach(a, i, v)
        {
            json_t *p = json_object_get(v, "product");
            if (p && !strcmp(js(p, "product_id"), id))
                return js(p, "name");
            if (json_object_get(v, "branches") && sp < 64)
                stack[sp++] = json_object_get(v, "branches");
        }
    }
    return id;
}

static void html_notes(struct hk_buf *b, json_t *notes)
{
    size_t i;
    json_t *n;

    json_array_foreach(notes, i, n)
    {
        (void)hk_buf_appends(b, "<h3>");
        esc(b, *js(n, "title") ? js(n, "title") : js(n, "category"));
        (void)hk_buf_appends(b, "</h3>\n<p>");
        esc(b, js(n, "text"));
        (void)hk_buf_appends(b, "</p>\n");
    }
}

static void html_refs(struct hk_buf *b, json_t *refs)
{
    size_t i;
    json_t *r;

    if (!json_array_size(refs))
        return;
    (void)hk_buf_appends(b, "<ul>\n");
    json_array_foreach(refs, i, r)
    {
        (void)hk_buf_appends(b, "<li>");
        if (safe_url(js(r, "url"))) {
            (void)hk_buf_appends(b, "<a href=\"");
            esc(b, js(r, "url"));
            (void)hk_buf_appends(b, "\" rel=\"noopener noreferrer\">");
            esc(b, js(r, "summary"));
            (void)hk_buf_appends(b, "</a>");
        } else {
            esc(b, js(r, "summary"));
            (void)hk_buf_appends(b, " (");
            esc(b, js(r, "url"));
            (void)hk_buf_appends(b, ")");
        }
        (void)hk_buf_appends(b, "</li>\n");
    }
    (void)hk_buf_appends(b, "</ul>\n");
}

/* The HTML page of one advisory. */
static void html_page(struct hk_buf *b, json_t *doc, const char *tlp, const char *json_url)
{
    json_t *d = json_object_get(doc, "document"), *tr = json_object_get(d, "tracking"), *v;
    size_t i;

    (void)hk_buf_appends(b, "<!DOCTYPE html>\n<html lang=\"");
    esc(b, *js(d, "lang") ? js(d, "lang") : "en");
    (void)hk_buf_appends(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    esc(b, js(tr, "id"));
    (void)hk_buf_appends(b, ": ");
    esc(b, js(d, "title"));
    (void)hk_buf_appends(b, "</title>\n</head>\n<body>\n<h1>");
    esc(b, js(d, "title"));
    (void)hk_buf_appends(b, "</h1>\n<dl>\n<dt>ID</dt><dd>");
    esc(b, js(tr, "id"));
    (void)hk_buf_appends(b, "</dd>\n<dt>Version</dt><dd>");
    esc(b, js(tr, "version"));
    (void)hk_buf_appends(b, "</dd>\n<dt>TLP</dt><dd>TLP:");
    esc(b, tlp);
    (void)hk_buf_appends(b, "</dd>\n<dt>Publisher</dt><dd>");
    esc(b, js(json_object_get(d, "publisher"), "name"));
    (void)hk_buf_appends(b, "</dd>\n<dt>First published</dt><dd>");
    esc(b, js(tr, "initial_release_date"));
    (void)hk_buf_appends(b, "</dd>\n<dt>Last updated</dt><dd>");
    esc(b, js(tr, "current_release_date"));
    (void)hk_buf_appends(b, "</dd>\n<dt>CSAF document</dt><dd><a href=\"");
    esc(b, json_url);
    (void)hk_buf_appends(b, "\">");
    esc(b, json_url);
    (void)hk_buf_appends(b, "</a></dd>\n</dl>\n");
    html_notes(b, json_object_get(d, "notes"));
    json_array_foreach(json_object_get(doc, "vulnerabilities"), i, v)
    {
        json_t *ps = json_object_get(v, "product_status"), *r, *id;
        size_t k;
        static const char *const sts[] = {"known_affected", "first_affected",     "last_affected",
                                          "fixed",          "known_not_affected", NULL};
        (void)hk_buf_appends(b, "<h2>");
        esc(b, *js(v, "cve") ? js(v, "cve") : "Vulnerability");
        if (*js(v, "title")) {
            (void)hk_buf_appends(b, ": ");
            esc(b, js(v, "title"));
        }
        (void)hk_buf_appends(b, "</h2>\n");
        html_notes(b, json_object_get(v, "notes"));
        for (int s = 0; sts[s]; s++) {
            json_t *a = json_object_get(ps, sts[s]);
            if (!json_array_size(a))
                continue;
            (void)hk_buf_appends(b, "<h3>");
            esc(b, sts[s]);
            (void)hk_buf_appends(b, "</h3>\n<ul>\n");
            json_array_foreach(a, k, id)
            {
                (void)hk_buf_appends(b, "<li>");
                esc(b, product_name(doc, json_string_value(id) ? json_string_value(id) : ""));
                (void)hk_buf_appends(b, "</li>\n");
            }
            (void)hk_buf_appends(b, "</ul>\n");
        }
        if (json_array_size(json_object_get(v, "remediations")))
            (void)hk_buf_appends(b, "<h3>Remediations</h3>\n<ul>\n");
        json_array_foreach(json_object_get(v, "remediations"), k, r)
        {
            (void)hk_buf_appends(b, "<li>");
            esc(b, js(r, "category"));
            (void)hk_buf_appends(b, ": ");
            esc(b, js(r, "details"));
            (void)hk_buf_appends(b, "</li>\n");
        }
        if (json_array_size(json_object_get(v, "remediations")))
            (void)hk_buf_appends(b, "</ul>\n");
    }
    if (json_array_size(json_object_get(d, "references"))) {
        (void)hk_buf_appends(b, "<h2>References</h2>\n");
        html_refs(b, json_object_get(d, "references"));
    }
    (void)hk_buf_appends(b, "</body>\n</html>\n");
}

static void atom_text(struct hk_buf *b, const char *tag, const char *v)
{
    (void)hk_buf_appendf(b, "  <%s>", tag);
    esc(b, v);
    (void)hk_buf_appendf(b, "</%s>\n", tag);
}

static const char *const tlps[] = {"WHITE", "GREEN", "AMBER", "RED", "UNLABELED", NULL};

struct gen_state {
    char written[64];
};
static pthread_mutex_t sync_mu = PTHREAD_MUTEX_INITIALIZER;
static struct gen_state last;

static hk_err write_all(struct hk_store *st, const char *root, json_t *rows, struct hk_errmsg *em)
{
    const char *base = hk_adv_public_url();
    char wk[4300], adv[4300], rel[1200], url[1600];
    json_t *v, *fprs = json_object(), *publisher = NULL, *keep_wk = json_object(),
               *keep_adv = json_object();
    /* Per TLP folder: its newest release and its publisher, so that one folder's feed never
     * tells anything of another's advisories. */
    json_t *tlp_pub[sizeof(tlps) / sizeof(tlps[0])] = {NULL};
    const char *newest = "", *tlp_newest[sizeof(tlps) / sizeof(tlps[0])];
    size_t i;
    hk_err err = HK_OK;

    for (size_t t = 0; t < sizeof(tlps) / sizeof(tlps[0]); t++)
        tlp_newest[t] = "";
    (void)snprintf(wk, sizeof(wk), "%s/.well-known/csaf", root);
    (void)snprintf(adv, sizeof(adv), "%s/advisories", root);
    /* one advisory at a time: json, sha256, asc, html */
    json_array_foreach(rows, i, v)
    {
        const char *dir = hk_adv_tlp_dir(js(v, "tlp")), *file = js(v, "file_name");
        const char *doc_text = js(v, "document");
        json_error_t je;
        json_t *doc = json_loads(doc_text, 0, &je);
        struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
        char html[400];
        if (!doc)
            continue;
        (void)snprintf(rel, sizeof(rel), "%s/%s/%s", dir, js(v, "year"), file);
        if ((err = write_str(wk, rel, doc_text, em)))
            goto next;
        json_object_set_new(keep_wk, rel, json_true());
        (void)hk_buf_appendf(&b, "%s  %s\n", js(v, "sha256"), file);
        (void)snprintf(rel, sizeof(rel), "%s/%s/%s.sha256", dir, js(v, "year"), file);
        if ((err = write_str(wk, rel, hk_buf_str(&b), em)))
            goto next;
        json_object_set_new(keep_wk, rel, json_true());
        if (*js(v, "signature")) {
            (void)snprintf(rel, sizeof(rel), "%s/%s/%s.asc", dir, js(v, "year"), file);
            if ((err = write_str(wk, rel, js(v, "signature"), em)))
                goto next;
            json_object_set_new(keep_wk, rel, json_true());
            json_object_set_new(fprs, js(v, "signer"), json_true());
        }
        hk_buf_reset(&b);
        (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/%s/%s", base, dir, js(v, "year"),
                       file);
        html_page(&b, doc, js(v, "tlp"), url);
        (void)snprintf(html, sizeof(html), "%.*s.html", (int)(strlen(file) - 5), file);
        (void)snprintf(rel, sizeof(rel), "%s/%s/%s", dir, js(v, "year"), html);
        err = write_str(adv, rel, hk_buf_str(&b), em);
        json_object_set_new(keep_adv, rel, json_true());
        json_decref(publisher);
        publisher = json_incref(json_object_get(json_object_get(doc, "document"), "publisher"));
        if (strcmp(js(v, "current_release_date"), newest) > 0)
            newest = js(v, "current_release_date");
        for (size_t t = 0; tlps[t]; t++) {
            if (strcmp(js(v, "tlp"), tlps[t]))
                continue;
            json_decref(tlp_pub[t]);
            tlp_pub[t] = json_incref(publisher);
            if (strcmp(js(v, "current_release_date"), tlp_newest[t]) > 0)
                tlp_newest[t] = js(v, "current_release_date");
        }
    next:
        hk_buf_release(&b);
        json_decref(doc);
        if (err)
            goto out;
    }
    {
        const char *dirs[sizeof(tlps) / sizeof(tlps[0])];
        size_t n = 0;
        for (; tlps[n]; n++)
            dirs[n] = hk_adv_tlp_dir(tlps[n]);
        dirs[n] = NULL;
        prune(wk, dirs, keep_wk);
        prune(adv, dirs, keep_adv);
    }
    /* per TLP: index.txt, changes.csv (newest first), the Atom feed */
    for (int t = 0; tlps[t] && !err; t++) {
        struct hk_buf idx = HK_BUF_INIT(HK_BUF_UNBOUNDED), chg = HK_BUF_INIT(HK_BUF_UNBOUNDED),
                      feed = HK_BUF_INIT(HK_BUF_UNBOUNDED);
        const char *dir = hk_adv_tlp_dir(tlps[t]);
        size_t count = 0;
        char feed_url[1200];
        (void)snprintf(feed_url, sizeof(feed_url), "%s/advisories/%s/feed.atom", base, dir);
        (void)hk_buf_appends(&feed, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        atom_text(&feed, "id", feed_url);
        (void)snprintf(rel, sizeof(rel), "TLP:%s advisories", tlps[t]);
        atom_text(&feed, "title", rel);
        atom_text(&feed, "updated", *tlp_newest[t] ? tlp_newest[t] : "1970-01-01T00:00:00Z");
        (void)hk_buf_appends(&feed, "  <link rel=\"self\" href=\"");
        esc(&feed, feed_url);
        (void)hk_buf_appends(&feed, "\"/>\n  <author><name>");
        esc(&feed, tlp_pub[t] ? js(tlp_pub[t], "name") : "hikeshi");
        (void)hk_buf_appends(&feed, "</name></author>\n");
        for (size_t k = json_array_size(rows); k-- > 0;) { /* newest first */
            json_t *r = json_array_get(rows, k);
            char html_url[1400], file_rel[600];
            if (strcmp(js(r, "tlp"), tlps[t]))
                continue;
            count++;
            (void)snprintf(file_rel, sizeof(file_rel), "%s/%s", js(r, "year"), js(r, "file_name"));
            (void)hk_buf_appendf(&chg, "\"%s\",\"%s\"\n", file_rel, js(r, "current_release_date"));
            (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/%s", base, dir, file_rel);
            (void)snprintf(html_url, sizeof(html_url), "%s/advisories/%s/%.*s.html", base, dir,
                           (int)(strlen(file_rel) - 5), file_rel);
            (void)hk_buf_appends(&feed, " <entry>\n");
            atom_text(&feed, "id", url);
            (void)snprintf(rel, sizeof(rel), "%s: %s", js(r, "tracking_id"), js(r, "title"));
            atom_text(&feed, "title", rel);
            atom_text(&feed, "updated", js(r, "current_release_date"));
            atom_text(&feed, "published", js(r, "initial_release_date"));
            (void)hk_buf_appends(&feed, "  <link rel=\"alternate\" type=\"text/html\" href=\"");
            esc(&feed, html_url);
            (void)hk_buf_appends(&feed, "\"/>\n  <link rel=\"enclosure\" "
                                        "type=\"application/json\" href=\"");
            esc(&feed, url);
            (void)hk_buf_appends(&feed, "\"/>\n  <category term=\"TLP:");
            esc(&feed, tlps[t]);
            (void)hk_buf_appends(&feed, "\"/>\n");
            (void)snprintf(rel, sizeof(rel), "%s version %s (TLP:%s)", js(r, "tracking_id"),
                           js(r, "version"), tlps[t]);
            atom_text(&feed, "summary", rel);
            (void)hk_buf_appends(&feed, " </entry>\n");
        }
        for (size_t k = 0; k < json_array_size(rows); k++) { /* index.txt: oldest first */
            json_t *r = json_array_get(rows, k);
            if (!strcmp(js(r, "tlp"), tlps[t]))
                (void)hk_buf_appendf(&idx, "%s/%s\n", js(r, "year"), js(r, "file_name"));
        }
        (void)hk_buf_appends(&feed, "</feed>\n");
        char dpath[4400];
        (void)snprintf(dpath, sizeof(dpath), "%s/%s", wk, dir);
        /* an emptied folder gets empty lists, not its old ones */
        if (count || access(dpath, F_OK) == 0) {
            (void)snprintf(rel, sizeof(rel), "%s/index.txt", dir);
            err = write_str(wk, rel, hk_buf_str(&idx), em);
            (void)snprintf(rel, sizeof(rel), "%s/changes.csv", dir);
            if (!err)
                err = write_str(wk, rel, hk_buf_str(&chg), em);
            (void)snprintf(rel, sizeof(rel), "%s/feed.atom", dir);
            if (!err)
                err = write_str(adv, rel, hk_buf_str(&feed), em);
            if (!err && !strcmp(dir, "white"))
                err = write_str(adv, "feed.atom", hk_buf_str(&feed), em);
        }
        hk_buf_release(&idx);
        hk_buf_release(&chg);
        hk_buf_release(&feed);
    }
    if (err)
        goto out;
    /* keys and provider-metadata.json */
    {
        json_t *keys = json_array(), *dists = json_array(), *meta, *krow = NULL;
        const char *fpr;
        json_t *dummy;
        char *text;
        char ts[32];
        json_object_foreach(fprs, fpr, dummy)
        {
            char mk[120];
            (void)snprintf(mk, sizeof(mk), "csaf_key:%s", fpr);
            if (!hk_store_row(st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text(mk)), &krow)) {
                (void)snprintf(rel, sizeof(rel), "openpgp/%s.asc", fpr);
                if (!err)
                    err = write_str(wk, rel, js(krow, "value"), em);
                (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/openpgp/%s.asc", base, fpr);
                json_array_append_new(keys,
                                      json_pack("{s:s, s:s}", "fingerprint", fpr, "url", url));
            }
            json_decref(krow);
            krow = NULL;
        }
        for (int t = 0; tlps[t]; t++)
            for (size_t k = 0; k < json_array_size(rows); k++)
                if (!strcmp(js(json_array_get(rows, k), "tlp"), tlps[t])) {
                    (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/", base,
                                   hk_adv_tlp_dir(tlps[t]));
                    json_array_append_new(dists, json_pack("{s:s}", "directory_url", url));
                    break;
                }
        (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/provider-metadata.json", base);
        hk_time_fmt(hk_now(), ts);
        meta = json_pack("{s:s, s:s, s:b, s:s, s:b, s:o, s:s}", "canonical_url", url,
                         "last_updated", ts, "list_on_CSAF_aggregators", 1, "metadata_version",
                         "2.0", "mirror_on_CSAF_aggregators", 1, "publisher",
                         publisher ? json_deep_copy(publisher)
                                   : json_pack("{s:s, s:s, s:s}", "category", "coordinator", "name",
                                               "hikeshi", "namespace", base),
                         "role", "csaf_provider");
        if (json_array_size(dists))
            json_object_set(meta, "distributions", dists);
        json_object_set(meta, "public_openpgp_keys", keys);
        text = json_dumps(meta, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!err)
            err = text ? write_str(wk, "provider-metadata.json", text, em) : HK_ENOMEM;
        free(text);
        json_decref(meta);
        json_decref(keys);
        json_decref(dists);
    }
out:
    for (size_t t = 0; t < sizeof(tlps) / sizeof(tlps[0]); t++)
        json_decref(tlp_pub[t]);
    json_decref(publisher);
    json_decref(keep_wk);
    json_decref(keep_adv);
    json_decref(fprs);
    return err;
}

hk_err hk_advisory_sync(struct hk_store *st, bool force, struct hk_errmsg *em)
{
    const char *root = hk_advisory_root();
    json_t *row = NULL, *rows = NULL;
    char gen[64] = "";
    hk_err err;

    if (!root)
        return hk_errf(em, HK_EINVAL, "no data directory for the provider files");
    pthread_mutex_lock(&sync_mu);
    if ((err = hk_store_begin(st, false)))
        goto unlock;
    err = hk_store_row(st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text("advisory_gen")), &row);
    if (!err)
        (void)snprintf(gen, sizeof(gen), "%s", js(row, "value"));
    if (err == HK_ENOTFOUND)
        err = HK_OK;
    if (!err && !force && !strcmp(gen, last.written)) {
        /* also compare with what is on disk (another process may have written) */
        char p[4400];
        FILE *f;
        char ondisk[64] = "";
        (void)snprintf(p, sizeof(p), "%s/.gen", root);
        if ((f = fopen(p, "r"))) {
            if (!fgets(ondisk, sizeof(ondisk), f))
                ondisk[0] = '\0';
            (void)fclose(f);
        }
        if (!strcmp(ondisk, gen))
            goto done;
    }
    if (!err && gen[0])
        err = hk_store_rows(st, HK_Q_ADV_OWN_LATEST, HK_SQL_ARGS(hk_sql_int(100000)), &rows);
    if (!err && gen[0])
        err = write_all(st, root, rows, em);
    if (!err && gen[0])
        err = write_str(root, ".gen", gen, em);
    if (!err)
        (void)snprintf(last.written, sizeof(last.written), "%s", gen);
done:
    hk_store_rollback(st);
unlock:
    pthread_mutex_unlock(&sync_mu);
    json_decref(row);
    json_decref(rows);
    return err;
}
