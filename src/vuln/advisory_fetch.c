/* SPDX-License-Identifier: MIT */
/*
 * hikeshi advisory fetch: downloads another CSAF provider's advisories with libcurl (http and
 * https only, also across redirects; bounded sizes and times), starting from its
 * provider-metadata.json (each distribution's directory index.txt, or ROLIE feeds), a
 * directory's index.txt, an Atom feed (enclosure links), or one advisory. Each advisory's
 * .sha256 must match; its .asc is verified when the signer's key is in the GnuPG home (a bad
 * signature refuses the advisory, an unknown key is recorded as unverified). Each document is
 * validated and imported (hk_advisory import path: early warning included) in a transaction
 * of its own, so one bad advisory does not stop the others; a tracking id + version already
 * stored is counted as a duplicate, which makes the command idempotent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "handling/handling_int.h"
#include "hikeshi/csaf.h"
#include "vuln/advisory_int.h"

#define META_MAX  (1u << 20)  /* provider-metadata.json */
#define INDEX_MAX (16u << 20) /* index.txt, feeds */
#define DOC_MAX   (32u << 20) /* one advisory */
#define SIDE_MAX  (64u << 10) /* .sha256, .asc */
#define MAX_DOCS  10000

struct dl {
    struct hk_buf b;
    bool over;
};

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
    struct dl *d = arg;

    if (hk_buf_append(&d->b, p, sz * n)) {
        d->over = true;
        return 0;
    }
    return sz * n;
}

static bool http_url(const char *u)
{
    return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

/* GET url into out (at most max bytes). HK_ENOTFOUND on 404. */
static hk_err get(const char *url, size_t max, struct hk_buf *out, struct hk_errmsg *em)
{
    CURL *h;
    struct dl d = {HK_BUF_INIT(max), false};
    long code = 0;
    CURLcode rc;

    if (!http_url(url))
        return hk_errf(em, HK_EINVAL, "'%.200s': only http and https URLs are fetched", url);
    if (!(h = curl_easy_init()))
        return HK_ENOMEM;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "hikeshi-csaf-fetch/1");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &d);
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    if (d.over || rc == CURLE_FILESIZE_EXCEEDED) {
        hk_buf_release(&d.b);
        return hk_errf(em, HK_ETOOBIG, "'%.200s' is larger than %zu bytes", url, max);
    }
    if (rc != CURLE_OK) {
        hk_buf_release(&d.b);
        return hk_errf(em, HK_ENET, "'%.200s': %s", url, curl_easy_strerror(rc));
    }
    if (code == 404 || code == 401 || code == 403) {
        hk_buf_release(&d.b);
        return hk_errf(em, HK_ENOTFOUND, "'%.200s': HTTP %ld", url, code);
    }
    if (code != 200) {
        hk_buf_release(&d.b);
        return hk_errf(em, HK_ENET, "'%.200s': HTTP %ld", url, code);
    }
    *out = d.b;
    return HK_OK;
}

/* Resolves a link against base (the URL of the document that named it). */
static void resolve(const char *base, const char *link, char *out, size_t cap)
{
    const char *sl;

    if (http_url(link)) {
        (void)snprintf(out, cap, "%s", link);
        return;
    }
    if (link[0] == '/') { /* scheme://host + link */
        const char *h = strstr(base, "://");
        const char *p = h ? strchr(h + 3, '/') : NULL;
        (void)snprintf(out, cap, "%.*s%s", p ? (int)(p - base) : (int)strlen(base), base, link);
        return;
    }
    sl = strrchr(base, '/');
    (void)snprintf(out, cap, "%.*s%s", sl ? (int)(sl - base + 1) : 0, base, link);
}

static void add_url(json_t *list, const char *base, const char *link)
{
    char u[2048];

    if (!link || !*link || json_array_size(list) >= MAX_DOCS)
        return;
    resolve(base, link, u, sizeof(u));
    if (http_url(u) && !strstr(u, "/../"))
        json_array_append_new(list, json_string(u));
}

static void from_index(json_t *list, const char *base, const char *p, size_t n)
{
    const char *s = p, *end = p + n;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end;
        char line[1024];
        size_t k = (size_t)(le - s);
        while (k && (s[k - 1] == '\r' || s[k - 1] == ' '))
            k--;
        if (k && k < sizeof(line)) {
            memcpy(line, s, k);
            line[k] = '\0';
            if (k > 5 && !strcmp(line + k - 5, ".json"))
                add_url(list, base, line);
        }
        s = le + (nl != NULL);
    }
}

/* Atom: every href="...json" (the enclosure links of hikeshi's and ROLIE-like feeds). */
static void from_atom(json_t *list, const char *base, const char *p)
{
    const char *s = p;

    while ((s = strstr(s, "href=\""))) {
        const char *e = strchr(s + 6, '"');
        char link[1024];
        if (!e)
            break;
        if ((size_t)(e - s - 6) < sizeof(link)) {
            (void)snprintf(link, sizeof(link), "%.*s", (int)(e - s - 6), s + 6);
            if (strlen(link) > 5 && !strcmp(link + strlen(link) - 5, ".json"))
                add_url(list, base, link);
        }
        s = e;
    }
}

/* ROLIE JSON feed: feed.entry[].content.src (or a link with rel self). */
static void from_rolie(json_t *list, const char *base, json_t *feed)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(json_object_get(feed, "feed"), "entry"), i, e)
    {
        const char *src = json_string_value(json_object_get(json_object_get(e, "content"), "src"));
        if (src)
            add_url(list, base, src);
    }
}

struct run {
    struct hk_store *st;
    const struct hk_config *cfg;
    json_t *imported, *errors, *skipped;
    size_t duplicates, fetched;
};

static void fail(struct run *r, const char *url, const char *msg)
{
    json_array_append_new(r->errors, json_pack("{s:s, s:s}", "url", url, "error", msg));
}

static void one(struct run *r, const char *url)
{
    struct hk_buf doc = HK_BUF_INIT(0), side = HK_BUF_INIT(0);
    struct hk_errmsg em = {{0}};
    char u[2100], hex[65], fpr[80] = "";
    uint8_t sha[32];
    const char *sig_state = "absent";
    json_error_t je;
    json_t *j = NULL, *res = NULL;
    hk_err err;

    if ((err = get(url, DOC_MAX, &doc, &em))) {
        fail(r, url, em.text);
        return;
    }
    r->fetched++;
    hk_sha256(doc.buf, doc.len, sha);
    hk_hex(sha, 32, hex);
    (void)snprintf(u, sizeof(u), "%s.sha256", url);
    if ((err = get(u, SIDE_MAX, &side, &em))) {
        fail(r, url, err == HK_ENOTFOUND ? "no .sha256 file next to the advisory" : em.text);
        goto out;
    }
    if (side.len < 64 || strncasecmp(side.buf, hex, 64)) {
        fail(r, url, "SHA-256 mismatch: the document is not the one the .sha256 file names");
        goto out;
    }
    hk_buf_release(&side);
    (void)snprintf(u, sizeof(u), "%s.asc", url);
    if (!get(u, SIDE_MAX, &side, &em)) {
        err = hk_adv_verify(doc.buf, doc.len, side.buf, side.len, fpr, &em);
        if (err == HK_EINTEGRITY) {
            fail(r, url, em.text);
            goto out;
        }
        sig_state = err ? "unverified (key not available)" : "good";
    }
    if (!(j = json_loadb(doc.buf, doc.len, JSON_REJECT_DUPLICATES, &je)) || !json_is_object(j)) {
        char m[300];
        (void)snprintf(m, sizeof(m), "not a JSON object: %s", j ? "another value" : je.text);
        fail(r, url, m);
        goto out;
    }
    {
        struct hk_ctx ctx;
        struct hk_principal who;
        memset(&who, 0, sizeof(who));
        who.role = HK_ROLE_ADMIN;
        (void)snprintf(who.name, sizeof(who.name), "advisory-fetch");
        em.text[0] = '\0';
        hk_ctx_init(&ctx, r->st, &who, r->cfg, &em);
        if (!(err = hk_ctx_begin(&ctx, true))) {
            err = hk_adv_import_text(&ctx, j, hk_buf_str(&doc), url, &res);
            if (!err)
                err = hk_ctx_commit(&ctx);
            else
                hk_ctx_rollback(&ctx);
        }
        hk_ctx_release(&ctx);
    }
    if (err == HK_EDUP)
        r->duplicates++;
    else if (err)
        fail(r, url, em.text[0] ? em.text : hk_strerror(err));
    else {
        json_object_set_new(res, "signature", json_string(sig_state));
        if (fpr[0])
            json_object_set_new(res, "signer", json_string(fpr));
        json_array_append(r->imported, res);
    }
out:
    json_decref(j);
    json_decref(res);
    hk_buf_release(&doc);
    hk_buf_release(&side);
}

hk_err hk_advisory_fetch(struct hk_store *st, const struct hk_config *cfg, const char *url,
                         json_t **out, struct hk_errmsg *em)
{
    struct hk_buf b = HK_BUF_INIT(0);
    struct run r = {st, cfg, json_array(), json_array(), json_array(), 0, 0};
    json_t *list = json_array(), *j = NULL, *v;
    json_error_t je;
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = get(url, INDEX_MAX, &b, em)))
        goto out;
    if (b.len && (b.buf[0] == '{' || b.buf[0] == '[' || b.buf[0] == ' ' || b.buf[0] == '\n'))
        j = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
    if (j && json_object_get(j, "document")) {
        json_array_append_new(list, json_string(url));
    } else if (j && json_object_get(j, "metadata_version")) { /* provider-metadata.json */
        json_array_foreach(json_object_get(j, "distributions"), i, v)
        {
            const char *dir = json_string_value(json_object_get(v, "directory_url"));
            size_t k;
            json_t *f;
            if (dir) {
                char iu[2048];
                struct hk_buf ib = HK_BUF_INIT(0);
                struct hk_errmsg iem = {{0}};
                (void)snprintf(iu, sizeof(iu), "%s%sindex.txt", dir,
                               dir[strlen(dir) - 1] == '/' ? "" : "/");
                if (!get(iu, INDEX_MAX, &ib, &iem))
                    from_index(list, iu, ib.buf, ib.len);
                else /* a folder we may not read (TLP:AMBER without a token) */
                    json_array_append_new(r.skipped,
                                          json_pack("{s:s, s:s}", "url", iu, "why", iem.text));
                hk_buf_release(&ib);
            }
            json_array_foreach(json_object_get(json_object_get(v, "rolie"), "feeds"), k, f)
            {
                const char *fu = json_string_value(json_object_get(f, "url"));
                struct hk_buf fb = HK_BUF_INIT(0);
                struct hk_errmsg fem = {{0}};
                json_t *fj;
                if (!fu || dir) /* the directory already lists everything */
                    continue;
                if (!get(fu, INDEX_MAX, &fb, &fem) &&
                    (fj = json_loadb(fb.buf, fb.len, JSON_REJECT_DUPLICATES, &je))) {
                    from_rolie(list, fu, fj);
                    json_decref(fj);
                } else {
                    fail(&r, fu, fem.text[0] ? fem.text : "not a ROLIE feed");
                }
                hk_buf_release(&fb);
            }
        }
    } else if (j && json_object_get(j, "feed")) {
        from_rolie(list, url, j);
    } else if (b.len > 5 && (strstr(hk_buf_str(&b), "<feed") || !strncmp(b.buf, "<?xml", 5))) {
        from_atom(list, url, hk_buf_str(&b));
    } else if (!j) {
        from_index(list, url, b.buf, b.len);
    } else {
        err = hk_errf(em, HK_EINVAL,
                      "'%.200s' is neither a provider-metadata.json, a feed, an index.txt nor a "
                      "CSAF document",
                      url);
        goto out;
    }
    json_array_foreach(list, i, v) one(&r, json_string_value(v));
    *out =
        json_pack("{s:s, s:I, s:I, s:O, s:I, s:O}", "url", url, "listed",
                  (json_int_t)json_array_size(list), "fetched", (json_int_t)r.fetched, "imported",
                  r.imported, "duplicates", (json_int_t)r.duplicates, "errors", r.errors);
out:
    hk_buf_release(&b);
    json_decref(j);
    json_decref(list);
    json_decref(r.imported);
    json_decref(r.errors);
    json_decref(r.skipped);
    return err;
}
