/* SPDX-License-Identifier: MIT */
/*
 * hikeshi advisory publish | show | fetch | sync, hikeshi asset import and hikeshi vuln
 * publish: the commands of advisories and early warning that need more than one API call.
 * Publishing runs through the API (in-process on a data directory, or against a server);
 * on a data directory the CSAF provider files are then rewritten from the committed data
 * (a server does that itself before it serves them). Signing options: --sign-key KEY and
 * --gnupghome DIR (or HIKESHI_SIGN_KEY, HIKESHI_GNUPGHOME), the public base URL of the
 * provider directory --public-url (or HIKESHI_PUBLIC_URL). vuln publish --early REASON lifts
 * the embargo of a case before its agreed publication date (the server audits the reason).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hikeshi/advisory.h"

#define DOC_MAX (64u << 20)

static int only(const struct args *a, const char *const *allowed, const char *what)
{
    for (int i = 0; i < a->nkv; i++) {
        bool ok = false;
        for (int k = 0; allowed[k] && !ok; k++)
            ok = !strcmp(allowed[k], a->kv[i].k);
        if (!ok)
            return cli_fail(HK_EINVAL, "unknown option '--%s'; see 'hikeshi %s --help'", a->kv[i].k,
                            what);
    }
    return 0;
}

static void setup(struct cli *c, const struct args *a)
{
    struct hk_advisory_opts o = {c->data, arg_get(a, "public-url"), arg_get(a, "sign-key"),
                                 arg_get(a, "gnupghome")};

    hk_advisory_setup(&o);
}

/* Rewrites the provider directory of the local data directory from committed data. */
static int sync_local(struct cli *c, bool force)
{
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    int rc;
    hk_err err;

    if (c->server)
        return 0;
    if ((rc = cli_store(c, &st)))
        return rc;
    if ((err = hk_advisory_sync(st, force, &em)))
        return cli_fail(err, "writing the provider directory: %s",
                        em.text[0] ? em.text : hk_strerror(err));
    return 0;
}

static int slurp(const char *path, size_t max, struct hk_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char chunk[65536];
    size_t n;
    int rc = 0;

    hk_buf_init(b, max);
    if (!f)
        return cli_fail(HK_EIO, "cannot open '%s'", path);
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(b, chunk, n))
            rc = cli_fail(HK_ETOOBIG, "'%s' is larger than %zu bytes", path, max);
    if (!rc && ferror(f))
        rc = cli_fail(HK_EIO, "cannot read '%s'", path);
    if (f != stdin)
        (void)fclose(f);
    return rc;
}

static void print_published(struct cli *c, json_t *out)
{
    json_t *w;
    size_t i;

    if (c->json) {
        cli_print(c, out);
        return;
    }
    printf("published %s version %s (TLP:%s) as %s\n",
           json_string_value(json_object_get(out, "tracking_id")),
           json_string_value(json_object_get(out, "version")),
           json_string_value(json_object_get(out, "tlp")),
           json_string_value(json_object_get(out, "url")));
    printf("  sha256 %s, %s\n", json_string_value(json_object_get(out, "sha256")),
           json_is_true(json_object_get(out, "signed"))
               ? "signed"
               : "not signed (no signing key: --sign-key KEY or HIKESHI_SIGN_KEY)");
    printf("  %lld matching assets\n",
           (long long)json_integer_value(json_object_get(out, "matches")));
    json_array_foreach(json_object_get(out, "warned"), i, w)
    {
        const char *skip = json_string_value(json_object_get(w, "skipped"));
        printf("  early warning to %s: %lld assets%s%s\n",
               json_string_value(json_object_get(w, "team")),
               (long long)json_integer_value(json_object_get(w, "assets")),
               skip ? ", skipped: " : "", skip ? skip : "");
    }
}

int cmd_advisory_publish(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const opts[] = {"sign-key", "gnupghome", "public-url", NULL};
    struct hk_buf b;
    json_t *doc, *out = NULL;
    json_error_t je;
    int rc;

    (void)cmd;
    if ((rc = only(a, opts, "advisory publish")))
        return rc;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi advisory publish FILE");
    setup(c, a);
    if ((rc = slurp(a->pos[0], DOC_MAX, &b)))
        return rc;
    doc = json_loadb(b.buf ? b.buf : "", b.len, JSON_REJECT_DUPLICATES, &je);
    hk_buf_release(&b);
    if (!doc)
        return cli_fail(HK_EPARSE, "%s: line %d column %d: %s", a->pos[0], je.line, je.column,
                        je.text);
    rc = cli_call(c, "POST", "/api/v1/advisories", NULL, doc, &out);
    json_decref(doc);
    if (!rc)
        rc = sync_local(c, false);
    if (!rc)
        print_published(c, out);
    json_decref(out);
    return rc;
}

int cmd_advisory_show(struct cli *c, const struct cmd *cmd, struct args *a)
{
    char path[256], ref[128];
    size_t k = 0;
    json_t *out = NULL;
    int rc;

    (void)cmd;
    if (a->npos != 1 || a->nkv)
        return cli_fail(HK_EINVAL, "usage: hikeshi advisory show ID|TRACKING-ID");
    for (const char *p = a->pos[0]; *p && k + 4 < sizeof(ref); p++) {
        if (*p == '#' || *p == '%' || *p == '/' || *p == '?' || *p == ' ') {
            (void)snprintf(ref + k, sizeof(ref) - k, "%%%02X", (unsigned char)*p);
            k += 3;
        } else {
            ref[k++] = *p;
        }
    }
    ref[k] = '\0';
    (void)snprintf(path, sizeof(path), "/api/v1/advisories/%s", ref);
    rc = cli_call(c, "GET", path, NULL, NULL, &out);
    if (!rc)
        cli_print(c, out);
    json_decref(out);
    return rc;
}

int cmd_advisory_fetch(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const opts[] = {"gnupghome", NULL};
    struct hk_store *st;
    struct hk_errmsg em = {{0}};
    json_t *out = NULL;
    int rc;
    hk_err err;

    (void)cmd;
    if ((rc = only(a, opts, "advisory fetch")))
        return rc;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi advisory fetch URL");
    if (c->server)
        return cli_fail(HK_EINVAL, "advisory fetch works on the data directory (--data)");
    setup(c, a);
    if ((rc = cli_store(c, &st)))
        return rc;
    err = hk_advisory_fetch(st, &c->cfg, a->pos[0], &out, &em);
    if (err)
        return cli_fail(err, "%s", em.text[0] ? em.text : hk_strerror(err));
    if (c->json) {
        cli_print(c, out);
    } else {
        json_t *v;
        size_t i;
        printf("%lld listed, %lld fetched, %zu imported, %lld already stored, %zu errors\n",
               (long long)json_integer_value(json_object_get(out, "listed")),
               (long long)json_integer_value(json_object_get(out, "fetched")),
               json_array_size(json_object_get(out, "imported")),
               (long long)json_integer_value(json_object_get(out, "duplicates")),
               json_array_size(json_object_get(out, "errors")));
        json_array_foreach(json_object_get(out, "imported"), i, v)
            printf("  imported %s version %s (signature %s), %lld matching assets, %zu teams "
                   "warned\n",
                   json_string_value(json_object_get(v, "tracking_id")),
                   json_string_value(json_object_get(v, "version")),
                   json_string_value(json_object_get(v, "signature")),
                   (long long)json_integer_value(json_object_get(v, "matches")),
                   json_array_size(json_object_get(v, "warned")));
        json_array_foreach(json_object_get(out, "errors"), i, v)
            printf("  error: %s: %s\n", json_string_value(json_object_get(v, "url")),
                   json_string_value(json_object_get(v, "error")));
    }
    rc = json_array_size(json_object_get(out, "errors")) ? 1 : 0;
    json_decref(out);
    return rc;
}

int cmd_advisory_sync(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const opts[] = {"public-url", NULL};
    int rc;

    (void)cmd;
    if ((rc = only(a, opts, "advisory sync")))
        return rc;
    if (c->server)
        return cli_fail(HK_EINVAL, "advisory sync works on the data directory (--data)");
    setup(c, a);
    if (!(rc = sync_local(c, true)))
        printf("provider directory written to %s\n", hk_advisory_root());
    return rc;
}

int cmd_asset_import(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const opts[] = {"team", NULL};
    struct hk_buf b;
    json_t *out = NULL;
    char path[256];
    int rc;

    (void)cmd;
    if ((rc = only(a, opts, "asset import")))
        return rc;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL, "usage: hikeshi asset import FILE [--team T]");
    if ((rc = slurp(a->pos[0], 256u << 20, &b)))
        return rc;
    if (arg_get(a, "team")) {
        char t[200];
        size_t k = 0;
        for (const char *p = arg_get(a, "team"); *p && k + 4 < sizeof(t); p++) {
            bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                         (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';
            if (plain)
                t[k++] = *p;
            else
                k += (size_t)snprintf(t + k, sizeof(t) - k, "%%%02X", (unsigned char)*p);
        }
        t[k] = '\0';
        (void)snprintf(path, sizeof(path), "/api/v1/assets/import?team=%s", t);
    } else {
        (void)snprintf(path, sizeof(path), "/api/v1/assets/import");
    }
    rc = cli_call_raw(c, "POST", path, b.buf ? b.buf : "", b.len, &out);
    hk_buf_release(&b);
    if (!rc)
        cli_print(c, out);
    json_decref(out);
    return rc;
}

int cmd_vuln_publish(struct cli *c, const struct cmd *cmd, struct args *a)
{
    static const char *const opts[] = {"sign-key", "gnupghome", "public-url", "early", NULL};
    const char *ref, *early = arg_get(a, "early");
    char path[128];
    int64_t id = 0;
    json_t *out = NULL, *body = NULL;
    int rc;

    (void)cmd;
    if ((rc = only(a, opts, "vuln publish")))
        return rc;
    if (a->npos != 1)
        return cli_fail(HK_EINVAL,
                        "usage: hikeshi vuln publish ID|HKVU#YYYY-NNNN [--early REASON]");
    if (arg_has(a, "early") && (!early || !*early))
        return cli_fail(HK_EINVAL, "--early needs a reason (why the embargo is lifted early)");
    setup(c, a);
    ref = a->pos[0];
    if (hk_parse_i64(ref, &id) || id <= 0) { /* a public ID: look it up */
        json_t *q = json_pack("{s:s}", "public_id", ref), *l = NULL;
        rc = cli_call(c, "GET", "/api/v1/vulns", q, NULL, &l);
        json_decref(q);
        if (!rc) {
            json_t *it = json_array_get(json_object_get(l, "items"), 0);
            id = json_integer_value(json_object_get(it, "id"));
            if (!id)
                rc = cli_fail(HK_ENOTFOUND, "no case '%s'", ref);
        }
        json_decref(l);
        if (rc)
            return rc;
    }
    (void)snprintf(path, sizeof(path), "/api/v1/vulns/%lld/publish", (long long)id);
    if (early && !(body = json_pack("{s:b, s:s}", "early", 1, "reason", early)))
        return cli_fail(HK_ENOMEM, "out of memory");
    rc = cli_call(c, "POST", path, NULL, body, &out);
    json_decref(body);
    if (!rc)
        rc = sync_local(c, false);
    if (!rc)
        print_published(c, out);
    json_decref(out);
    return rc;
}
