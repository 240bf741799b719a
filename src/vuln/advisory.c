/* SPDX-License-Identifier: MIT */
/*
 * Advisory publication and import, and the early warning. Publishing validates the CSAF
 * document (hk_csaf_validate), serialises it once (the bytes stored are the bytes served and
 * hashed), signs it when a key is configured, stores it, and matches it against every
 * registered asset through a cached index (rebuilt when meta "asset_gen" changes); each team
 * with matching assets gets one outbox row of kind "warning" that lists only its assets. All
 * of it runs in the caller's transaction; the provider directory on disk follows from the
 * committed rows (advisory_files.c). Reads apply TLP: staff see every advisory, anyone else
 * only TLP:WHITE ones.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handling/handling_int.h"
#include "hikeshi/advisory.h"
#include "hikeshi/csaf.h"
#include "hikeshi/directory.h"
#include "hikeshi/vcase.h"
#include "vuln/advisory_int.h"
#include "vuln/vcase_int.h"

/* ---- settings ---- */

static pthread_mutex_t opts_mu = PTHREAD_MUTEX_INITIALIZER;
static char o_data[4096], o_url[512], o_key[256], o_home[4096], o_root[4200];

static void set(char *dst, size_t cap, const char *v, const char *env)
{
    const char *e = v ? v : getenv(env);
    (void)snprintf(dst, cap, "%s", e ? e : "");
}

void hk_advisory_setup(const struct hk_advisory_opts *o)
{
    pthread_mutex_lock(&opts_mu);
    if (o->data_dir) {
        (void)snprintf(o_data, sizeof(o_data), "%s", o->data_dir);
        (void)snprintf(o_root, sizeof(o_root), "%s/csaf", o_data);
    }
    set(o_url, sizeof(o_url), o->public_url, "HIKESHI_PUBLIC_URL");
    if (!o_url[0])
        (void)snprintf(o_url, sizeof(o_url), "http://127.0.0.1:8080");
    {
        size_t n = strlen(o_url);
        while (n && o_url[n - 1] == '/')
            o_url[--n] = '\0';
    }
    set(o_key, sizeof(o_key), o->sign_key, "HIKESHI_SIGN_KEY");
    set(o_home, sizeof(o_home), o->gnupghome, "HIKESHI_GNUPGHOME");
    pthread_mutex_unlock(&opts_mu);
}

void hk_advisory_set_public_url(const char *url)
{
    pthread_mutex_lock(&opts_mu);
    (void)snprintf(o_url, sizeof(o_url), "%s", url);
    pthread_mutex_unlock(&opts_mu);
}

const char *hk_advisory_root(void)
{
    return o_root[0] ? o_root : NULL;
}

const char *hk_adv_public_url(void)
{
    return o_url[0] ? o_url : "http://127.0.0.1:8080";
}
const char *hk_adv_sign_key(void)
{
    return o_key[0] ? o_key : NULL;
}
const char *hk_adv_gnupghome(void)
{
    return o_home[0] ? o_home : NULL;
}

/* ---- names ---- */

void hk_csaf_file_name(const char *tracking_id, char *out, size_t cap)
{
    size_t k = 0;

    for (const char *p = tracking_id; *p && k + 6 < cap; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-'))
            c = '_';
        out[k++] = c;
    }
    (void)snprintf(out + k, cap - k, ".json");
}

const char *hk_adv_tlp_dir(const char *tlp)
{
    if (!strcmp(tlp, "WHITE"))
        return "white";
    if (!strcmp(tlp, "GREEN"))
        return "green";
    if (!strcmp(tlp, "AMBER"))
        return "amber";
    if (!strcmp(tlp, "RED"))
        return "red";
    return "unlabeled";
}

static const char *jget(json_t *o, const char *path)
{
    char key[64];
    const char *p = path;

    while (o && *p) {
        size_t n = strcspn(p, "/");
        (void)snprintf(key, sizeof(key), "%.*s", (int)n, p);
        o = json_object_get(o, key);
        p += n + (p[n] == '/');
    }
    return json_string_value(o);
}

/* ---- the asset index cache ---- */

static pthread_mutex_t ix_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hk_asset_index *ix_cur;
static char ix_gen[64];

static hk_err add_row(json_t *row, void *arg)
{
    struct hk_asset_index *ix = arg;

    (void)hk_asset_index_add(ix, json_integer_value(json_object_get(row, "id")),
                             json_integer_value(json_object_get(row, "team_id")),
                             hk_jstr(row, "kind"), hk_jstr(row, "name"), hk_jstr(row, "version"));
    return HK_OK;
}

/* Locks the cache and returns the index for the current asset generation (rebuilt when it
 * changed). Unlock with index_release. */
static hk_err index_acquire(struct hk_ctx *ctx, struct hk_asset_index **out)
{
    json_t *row = NULL;
    char gen[64] = "none";
    int64_t n = 0;
    hk_err err;

    *out = NULL;
    pthread_mutex_lock(&ix_mu);
    err = hk_store_row(ctx->st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text("asset_gen")), &row);
    if (!err)
        (void)snprintf(gen, sizeof(gen), "%s", hk_jstr(row, "value"));
    json_decref(row);
    if (err && err != HK_ENOTFOUND)
        goto fail;
    if (!ix_cur || strcmp(gen, ix_gen)) {
        struct hk_asset_index *ix;
        if ((err = hk_store_scalar(ctx->st, HK_Q_ASSET_COUNT, NULL, 0, &n)))
            goto fail;
        ix = hk_asset_index_new((size_t)n);
        if ((err = hk_store_each(ctx->st, HK_Q_ASSET_ALL, NULL, 0, add_row, ix))) {
            hk_asset_index_free(ix);
            goto fail;
        }
        hk_asset_index_free(ix_cur);
        ix_cur = ix;
        (void)snprintf(ix_gen, sizeof(ix_gen), "%s", gen);
    }
    *out = ix_cur;
    return HK_OK;
fail:
    pthread_mutex_unlock(&ix_mu);
    return err;
}

static void index_release(void)
{
    pthread_mutex_unlock(&ix_mu);
}

/* ---- early warning ---- */

struct team_hits {
    int64_t team;
    json_t *rows;
};

struct hit_order {
    int64_t team;
    size_t hit;
};

static int th_cmp(const void *a, const void *b)
{
    const struct hit_order *x = a, *y = b;

    if (x->team != y->team)
        return x->team < y->team ? -1 : 1;
    return (x->hit > y->hit) - (x->hit < y->hit);
}

static const char *team_lang(json_t *team)
{
    const char *l = hk_jstr(team, "language");
    json_t *langs = json_object_get(team, "languages");

    if (!*l && json_is_array(langs) && json_array_size(langs))
        l = json_string_value(json_array_get(langs, 0));
    return l && !strcmp(l, "ja") ? "ja" : "en";
}

static const char *mail_tlp(const char *tlp)
{
    return !strcmp(tlp, "WHITE") ? "CLEAR" : !strcmp(tlp, "UNLABELED") ? "AMBER" : tlp;
}

/* Queues one warning per team with matches; fills *warned. */
static hk_err warn(struct hk_ctx *ctx, int64_t adv_id, json_t *csaf, const char *tlp,
                   const char *url, size_t *nmatch, json_t *warned)
{
    struct hk_adv_criteria *cr = NULL;
    struct hk_asset_index *ix = NULL;
    struct hk_adv_hit *hits = NULL;
    size_t nhits = 0, i;
    struct team_hits *th = NULL;
    struct hit_order *order = NULL;
    size_t nth = 0;
    hk_err err;

    *nmatch = 0;
    if ((err = hk_adv_criteria_build(csaf, &cr, ctx->em)))
        return err;
    if ((err = index_acquire(ctx, &ix))) {
        hk_adv_criteria_free(cr);
        return err;
    }
    err = hk_adv_match(ix, cr, &hits, &nhits);
    /* group by team (sorted by team, then index order within a team) */
    order = hk_xcalloc(nhits + 1, sizeof(*order));
    for (i = 0; i < nhits; i++) {
        int64_t id;
        const char *kind, *name, *version;
        hk_asset_index_get(ix, hits[i].asset, &id, &order[i].team, &kind, &name, &version);
        order[i].hit = i;
    }
    qsort(order, nhits, sizeof(*order), th_cmp);
    th = hk_xcalloc(nhits + 1, sizeof(*th));
    for (i = 0; i < nhits && !err; i++) {
        const struct hk_adv_hit *hh = &hits[order[i].hit];
        int64_t id, team;
        const char *kind, *name, *version;
        json_t *c;
        char desc[600];
        bool show_range;
        hk_asset_index_get(ix, hh->asset, &id, &team, &kind, &name, &version);
        if (!nth || th[nth - 1].team != team) {
            th[nth].team = team;
            th[nth].rows = json_array();
            nth++;
        }
        c = hk_adv_criterion_json(cr, hh->criterion);
        /* the range, unless the product's name already says it */
        show_range = *hk_jstr(c, "range") && !strstr(hk_jstr(c, "product"), hk_jstr(c, "range"));
        (void)snprintf(desc, sizeof(desc), "%s: %s%s%s%s%s%s", hk_jstr(c, "status"),
                       hk_jstr(c, "product"), show_range ? " " : "",
                       show_range ? hk_jstr(c, "range") : "", *hk_jstr(c, "cve") ? " (" : "",
                       hk_jstr(c, "cve"), *hk_jstr(c, "cve") ? ")" : "");
        json_array_append_new(th[nth - 1].rows,
                              json_pack("{s:s, s:I, s:s, s:I}", "observable", name, "time",
                                        (json_int_t)0, "description", desc, "asset_id",
                                        (json_int_t)id));
        json_decref(c);
    }
    free(order);
    index_release();
    *nmatch = nhits;
    for (size_t k = 0; k < nth && !err; k++) {
        json_t *team = NULL, *notice = NULL;
        char ref[32], summary[2048], *text = NULL;
        const char *to;
        int64_t ob = 0;
        (void)snprintf(ref, sizeof(ref), "%lld", (long long)th[k].team);
        if ((err = hk_team_get(ctx, ref, &team)))
            break;
        to = hk_jstr(team, "email");
        {
            size_t ci;
            json_t *ct;
            json_array_foreach(json_object_get(team, "contacts"), ci, ct)
            {
                const char *role = hk_jstr(ct, "role");
                if ((!strcmp(role, "abuse") || !strcmp(role, "incident") ||
                     !strcmp(role, "security")) &&
                    *hk_jstr(ct, "email")) {
                    to = hk_jstr(ct, "email");
                    break;
                }
            }
        }
        if (!*to) {
            json_array_append_new(warned,
                                  json_pack("{s:s, s:I, s:s}", "team", hk_jstr(team, "name"),
                                            "assets", (json_int_t)json_array_size(th[k].rows),
                                            "skipped", "the team has no e-mail address"));
            json_decref(team);
            continue;
        }
        (void)snprintf(
            summary, sizeof(summary),
            "%s (version %s, %s), published by %s.\nCVE: %s\nThe advisory: %s",
            jget(csaf, "document/tracking/id"), jget(csaf, "document/tracking/version"),
            jget(csaf, "document/tracking/current_release_date"),
            jget(csaf, "document/publisher/name"),
            json_string_value(
                json_object_get(json_array_get(json_object_get(csaf, "vulnerabilities"), 0), "cve"))
                ? json_string_value(json_object_get(
                      json_array_get(json_object_get(csaf, "vulnerabilities"), 0), "cve"))
                : "-",
            url);
        notice = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:O, "
                           "s:[s], s:s, s:s, s:I}",
                           "kind", "warning", "lang", team_lang(team), "ticket", (json_int_t)adv_id,
                           "team_name", hk_jstr(team, "name"), "team_tz", hk_jstr(team, "timezone"),
                           "title", jget(csaf, "document/title"), "summary", summary, "rsit_class",
                           "", "rsit_type", "", "tlp", mail_tlp(tlp), "request", "", "reply_by",
                           (json_int_t)0, "rows", th[k].rows, "formats", "csv", "pgp_key",
                           hk_jstr(team, "pgp_key"), "pgp_fpr", hk_jstr(team, "pgp_fingerprint"),
                           "advisory_id", (json_int_t)adv_id);
        text = notice ? json_dumps(notice, JSON_COMPACT) : NULL;
        if (!text)
            err = HK_ENOMEM;
        if (!err)
            err =
                hk_store_exec(ctx->st, HK_Q_ADV_OUTBOX_INSERT,
                              HK_SQL_ARGS(hk_sql_int(adv_id), hk_sql_int(th[k].team),
                                          hk_sql_text(to), hk_sql_text(text), hk_sql_int(ctx->now)),
                              &ob);
        if (!err) {
            json_t *a = json_pack("{s:I, s:s, s:s, s:I}", "outbox_id", (json_int_t)ob, "team",
                                  hk_jstr(team, "name"), "to", to, "assets",
                                  (json_int_t)json_array_size(th[k].rows));
            err = hk_audit(ctx, "advisory.warn", "advisory", adv_id, NULL, a);
            json_array_append_new(warned, a); /* hk_audit borrowed it */
        }
        free(text);
        json_decref(notice);
        json_decref(team);
    }
    for (size_t k = 0; k < nth; k++)
        json_decref(th[k].rows);
    free(th);
    free(hits);
    hk_adv_criteria_free(cr);
    return err;
}

/* ---- publication ---- */

static hk_err bump_gen(struct hk_ctx *ctx)
{
    uint8_t r[16];
    char hex[33];

    hk_random(r, sizeof(r));
    hk_hex(r, sizeof(r), hex);
    return hk_store_exec(ctx->st, HK_Q_META_SET,
                         HK_SQL_ARGS(hk_sql_text("advisory_gen"), hk_sql_text(hex)), NULL);
}

static hk_err store(struct hk_ctx *ctx, json_t *csaf, const char *text, int64_t case_id,
                    const char *source_url, json_t **out)
{
    json_t *report = NULL, *warned = json_array();
    const char *id, *version, *title, *ns, *init, *cur, *tlp_in;
    char tlp[16], file[300], year[8], sha_hex[65], url[1200];
    uint8_t sha[32];
    struct hk_buf sig = HK_BUF_INIT(1 << 20);
    char fpr[80] = "";
    int64_t row_id = 0, existing;
    size_t nmatch = 0;
    bool own = case_id >= 0 && !source_url;
    char *owned_text = NULL;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)))
        goto out;
    err = hk_csaf_validate(csaf, &report);
    if (err == HK_EINVAL) {
        json_t *e0 = json_array_get(json_object_get(report, "errors"), 0);
        err = hk_errf(ctx->em, HK_EINVAL,
                      "the CSAF document is invalid (%zu errors; first: test %s at %s: %s); "
                      "nothing stored",
                      json_array_size(json_object_get(report, "errors")), hk_jstr(e0, "test"),
                      hk_jstr(e0, "path"), hk_jstr(e0, "message"));
        *out = report;
        report = NULL;
        goto out;
    }
    if (err) {
        if (!ctx->em->text[0])
            hk_errf(ctx->em, err, "CSAF validation failed");
        goto out;
    }
    id = jget(csaf, "document/tracking/id");
    version = jget(csaf, "document/tracking/version");
    title = jget(csaf, "document/title");
    ns = jget(csaf, "document/publisher/namespace");
    init = jget(csaf, "document/tracking/initial_release_date");
    cur = jget(csaf, "document/tracking/current_release_date");
    tlp_in = jget(csaf, "document/distribution/tlp/label");
    if (!id || !version || !title || !ns || !init || !cur) { /* the schema requires them */
        err = hk_errf(ctx->em, HK_EINVAL, "document.tracking or publisher incomplete");
        goto out;
    }
    (void)snprintf(tlp, sizeof(tlp), "%s", tlp_in ? tlp_in : "UNLABELED");
    hk_csaf_file_name(id, file, sizeof(file));
    (void)snprintf(year, sizeof(year), "%.4s", init);
    if (own) {
        json_t *other = NULL;
        err = hk_store_row(ctx->st, HK_Q_ADV_FILE_CLASH,
                           HK_SQL_ARGS(hk_sql_text(file), hk_sql_text(id), hk_sql_text(year)),
                           &other);
        if (!err) {
            err = hk_errf(ctx->em, HK_ECONFLICT,
                          "tracking ID '%.80s' would be served as '%s/%s', the file of "
                          "advisory '%.80s' (CSAF file names lowercase the ID and turn other "
                          "characters into '_'); choose another tracking ID",
                          id, year, file, hk_jstr(other, "tracking_id"));
            json_decref(other);
            goto out;
        }
        if (err != HK_ENOTFOUND)
            goto out;
    }
    err = hk_store_scalar(ctx->st, HK_Q_ADV_FIND,
                          HK_SQL_ARGS(hk_sql_text(ns), hk_sql_text(id), hk_sql_text(version)),
                          &existing);
    if (!err) {
        err = hk_errf(ctx->em, HK_EDUP,
                      "advisory '%.80s' version '%.20s' of %.80s is already stored (id %lld)", id,
                      version, ns, (long long)existing);
        goto out;
    }
    if (err != HK_ENOTFOUND)
        goto out;
    if (!text) {
        size_t n;
        owned_text = json_dumps(csaf, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!owned_text) {
            err = HK_ENOMEM;
            goto out;
        }
        n = strlen(owned_text);
        owned_text = hk_xrealloc(owned_text, n + 2);
        owned_text[n] = '\n';
        owned_text[n + 1] = '\0';
        text = owned_text;
    }
    hk_sha256(text, strlen(text), sha);
    hk_hex(sha, 32, sha_hex);
    if (own && hk_adv_sign_key()) {
        if ((err = hk_adv_sign(text, strlen(text), &sig, fpr, ctx->em)))
            goto out;
        if ((err = hk_adv_store_pubkey(ctx, fpr)))
            goto out;
    }
    if ((err = hk_store_exec(ctx->st, HK_Q_ADV_INSERT,
                             HK_SQL_ARGS(hk_sql_text(ns), hk_sql_text(id), hk_sql_text(version),
                                         hk_sql_text(tlp), hk_sql_text(title), hk_sql_text(init),
                                         hk_sql_text(cur), hk_sql_text(own ? "own" : "imported"),
                                         hk_sql_int0(case_id > 0 ? case_id : 0),
                                         hk_sql_text(source_url), hk_sql_text(file),
                                         hk_sql_text(year), hk_sql_text(text), hk_sql_text(sha_hex),
                                         hk_sql_text(sig.len ? hk_buf_str(&sig) : NULL),
                                         hk_sql_text(fpr[0] ? fpr : NULL), hk_sql_int(ctx->now)),
                             &row_id)))
        goto out;
    if (own)
        (void)snprintf(url, sizeof(url), "%s/.well-known/csaf/%s/%s/%s", hk_adv_public_url(),
                       hk_adv_tlp_dir(tlp), year, file);
    else
        (void)snprintf(url, sizeof(url), "%s", source_url);
    {
        json_t *a =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:I}", "tracking_id", id, "version", version,
                      "tlp", tlp, "sha256", sha_hex, "origin", own ? "own" : "imported",
                      "source_url", source_url, "case_id", (json_int_t)(case_id > 0 ? case_id : 0));
        err = hk_audit(ctx, own ? "advisory.publish" : "advisory.import", "advisory", row_id, NULL,
                       a);
        json_decref(a);
    }
    if (!err && own)
        err = bump_gen(ctx);
    if (!err)
        err = warn(ctx, row_id, csaf, tlp, url, &nmatch, warned);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_ADV_SET_MATCHES,
                            HK_SQL_ARGS(hk_sql_int(row_id), hk_sql_int((int64_t)nmatch),
                                        hk_sql_int((int64_t)json_array_size(warned))),
                            NULL);
    if (!err)
        *out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:O}", "id",
                         (json_int_t)row_id, "tracking_id", id, "version", version, "tlp", tlp,
                         "file", file, "url", url, "sha256", sha_hex, "signed", sig.len > 0,
                         "matches", (json_int_t)nmatch, "warned", warned);
out:
    free(owned_text);
    hk_buf_release(&sig);
    json_decref(report);
    json_decref(warned);
    return err;
}

hk_err hk_advisory_publish(struct hk_ctx *ctx, json_t *csaf, int64_t case_id, json_t **out)
{
    return store(ctx, csaf, NULL, case_id > 0 ? case_id : 0, NULL, out);
}

hk_err hk_advisory_import(struct hk_ctx *ctx, json_t *csaf, const char *source_url, json_t **out)
{
    return store(ctx, csaf, NULL, -1, source_url ? source_url : "", out);
}

hk_err hk_adv_import_text(struct hk_ctx *ctx, json_t *csaf, const char *text,
                          const char *source_url, json_t **out)
{
    return store(ctx, csaf, text, -1, source_url ? source_url : "", out);
}

/* ---- reads ---- */

hk_err hk_advisory_list(struct hk_ctx *ctx, json_t *params, json_t **out)
{
    const char *cur = NULL, *lim = NULL;
    int64_t cursor = 0, limit = 100;
    json_t *rows = NULL, *items = json_array(), *v;
    size_t i;
    hk_err err;

    *out = NULL;
    if ((err = hk_json_str(ctx, params, "cursor", 20, &cur)) ||
        (err = hk_json_str(ctx, params, "limit", 20, &lim)))
        goto out;
    if ((cur && (hk_parse_i64(cur, &cursor) || cursor < 0)) ||
        (lim && (hk_parse_i64(lim, &limit) || limit < 1 || limit > 1000))) {
        err = hk_errf(ctx->em, HK_EINVAL, "cursor is an id; limit is 1 to 1000");
        goto out;
    }
    if ((err = hk_store_rows(ctx->st, HK_Q_ADV_LIST,
                             HK_SQL_ARGS(hk_sql_int(cursor), hk_sql_int(limit)), &rows)))
        goto out;
    json_array_foreach(rows, i, v)
    {
        if (hk_is_staff(ctx)) {
            json_array_append(items, v);
        } else if (!strcmp(hk_jstr(v, "tlp"), "WHITE")) {
            /* how many constituents run the product is not public */
            json_object_del(v, "matches");
            json_object_del(v, "warned_teams");
            json_array_append(items, v);
        }
    }
    {
        size_t n = json_array_size(rows);
        json_t *last = n ? json_array_get(rows, n - 1) : NULL;
        *out = json_pack("{s:O, s:o}", "items", items, "next_cursor",
                         n == (size_t)limit && last ? json_copy(json_object_get(last, "id"))
                                                    : json_null());
    }
out:
    json_decref(rows);
    json_decref(items);
    return err;
}

hk_err hk_advisory_get(struct hk_ctx *ctx, const char *ref, json_t **out)
{
    int64_t id = 0;
    json_t *row = NULL, *doc, *ob = NULL;
    json_error_t je;
    hk_err err;

    *out = NULL;
    if (hk_parse_i64(ref, &id) || id <= 0) {
        err = hk_store_scalar(ctx->st, HK_Q_ADV_LATEST, HK_SQL_ARGS(hk_sql_text(ref)), &id);
        if (err == HK_ENOTFOUND)
            return hk_errf(ctx->em, err, "no advisory '%.80s'", ref);
        if (err)
            return err;
    }
    err = hk_store_row(ctx->st, HK_Q_ADV_GET, HK_SQL_ARGS(hk_sql_int(id)), &row);
    if (!err && !hk_is_staff(ctx) && strcmp(hk_jstr(row, "tlp"), "WHITE"))
        err = HK_ENOTFOUND; /* TLP: never reveal that it exists */
    if (err) {
        json_decref(row);
        return err == HK_ENOTFOUND ? hk_errf(ctx->em, err, "no advisory '%.80s'", ref) : err;
    }
    if (!hk_is_staff(ctx)) {
        json_object_del(row, "matches");
        json_object_del(row, "warned_teams");
    }
    doc = json_loads(hk_jstr(row, "document"), 0, &je);
    json_object_set_new(row, "document", doc ? doc : json_null());
    if (hk_is_staff(ctx) &&
        !hk_store_rows(ctx->st, HK_Q_ADV_OUTBOX_OF, HK_SQL_ARGS(hk_sql_int(id)), &ob))
        json_object_set_new(row, "warnings", ob);
    *out = row;
    return HK_OK;
}

/* ---- the glue: publish a case ---- */

/* The embargo: before the agreed date only a deliberate, reasoned early lift publishes; *lift
 * is then the audit record of the lift (NULL when there is nothing to lift). */
static hk_err embargo_check(struct hk_ctx *ctx, int64_t case_id, bool early, const char *reason,
                            json_t **lift)
{
    json_t *row = NULL;
    const char *at;
    char agreed[32], now[32];
    int64_t pub = 0;
    hk_err err;

    if ((err = vc_load(ctx, case_id, &row)))
        return err;
    at = hk_jstr(row, "publish_at");
    if (!*at || hk_time_parse(at, &pub) || ctx->now >= pub)
        goto out; /* no date or the date has come: nothing to lift */
    hk_time_fmt(pub, agreed);
    if (!early) {
        err = hk_errf(ctx->em, HK_ECONFLICT,
                      "the case is under embargo until %s (the agreed publication date); "
                      "publish then, or lift the embargo early with a reason (--early REASON, "
                      "or {\"early\": true, \"reason\": \"...\"})",
                      agreed);
        goto out;
    }
    if (!reason || !*reason || strlen(reason) > HK_EMBARGO_REASON_MAX) {
        err = hk_errf(ctx->em, HK_EINVAL,
                      "reason: lifting the embargo before %s needs a reason, 1-%d bytes", agreed,
                      HK_EMBARGO_REASON_MAX);
        goto out;
    }
    hk_time_fmt(ctx->now, now);
    *lift =
        json_pack("{s:s, s:s, s:s}", "publish_at", agreed, "published_at", now, "reason", reason);
    if (!*lift)
        err = HK_ENOMEM;
out:
    json_decref(row);
    return err;
}

hk_err hk_vuln_publish(struct hk_ctx *ctx, int64_t case_id, bool early, const char *reason,
                       json_t **out)
{
    json_t *doc = NULL, *res = NULL, *lift = NULL;
    hk_err err;

    *out = NULL;
    if ((err = hk_require_staff(ctx)) ||
        (err = embargo_check(ctx, case_id, early, reason, &lift)) ||
        (err = hk_vcase_csaf(ctx, case_id, &doc)))
        goto out;
    if ((err = hk_advisory_publish(ctx, doc, case_id, &res)))
        goto out;
    err = hk_vcase_mark_published(ctx, case_id,
                                  json_string_value(json_object_get(res, "tracking_id")));
    if (!err && lift) {
        err = vc_audit(ctx, "vcase.embargo_lifted", case_id, NULL, lift);
        lift = NULL; /* vc_audit took it */
    }
    if (!err) {
        *out = res;
        res = NULL;
    }
out:
    json_decref(doc);
    json_decref(res);
    json_decref(lift);
    return err;
}
