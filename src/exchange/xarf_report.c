/* SPDX-License-Identifier: MIT */
/*
 * From a validated X-ARF document to a report submission (include/hikeshi/exchange.h):
 * subject "X-ARF Activity/DOS: 192.0.2.55", content listing the report's members one per
 * line and then its evidence (samples decoded when they are text), reporter "Org <e-mail>"
 * from ReporterInfo (v3) or reporter (v4), source "email", TLP:AMBER, RSIT from the kind.
 * The reporter's contact data stays out of the content so reports from one reporter are not
 * correlated through it.
 */
#include <sodium.h>
#include <string.h>

#include "exchange/exchange_int.h"
#include "hikeshi/observables.h"

#define SAMPLE_MAX (64u << 10) /* bytes of one sample shown in the content */

void hk_xarf_payload(struct hk_buf *content, const char *payload, bool b64, size_t max)
{
    size_t n = strlen(payload), len = 0;
    unsigned char *bin = NULL;
    const unsigned char *p = (const unsigned char *)payload;
    uint8_t digest[32];
    char hex[65];

    if (b64) {
        bin = hk_xmalloc(n / 4 * 3 + 4);
        if (sodium_base642bin(bin, n / 4 * 3 + 4, payload, n, " \r\n\t", &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL)) {
            (void)hk_buf_appends(content, "(payload is not valid base64)\n");
            free(bin);
            return;
        }
        p = bin;
        n = len;
    }
    if (n <= max) {
        json_t *s = NULL;
        bool text = true;
        for (size_t i = 0; i < n && text; i++)
            text = p[i] >= 0x20 || p[i] == '\n' || p[i] == '\r' || p[i] == '\t';
        if (text)
            s = json_stringn((const char *)p, n);
        if (s) {
            (void)hk_buf_append(content, p, n);
            if (n && p[n - 1] != '\n')
                (void)hk_buf_appendc(content, '\n');
            json_decref(s);
            free(bin);
            return;
        }
    }
    hk_sha256(p, n, digest);
    hk_hex(digest, 32, hex);
    (void)hk_buf_appendf(content, "(%s, %zu bytes, sha256 %s)\n",
                         n > max ? "too large to show" : "binary", n, hex);
    free(bin);
}

/* One "Key: value" line per member, nested objects as compact JSON; skip names those
 * printed elsewhere. */
static void members(struct hk_buf *b, json_t *o, const char *const *skip)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        bool skipped = false;
        for (int i = 0; skip[i] && !skipped; i++)
            skipped = !strcmp(skip[i], k);
        if (skipped)
            continue;
        if (json_is_string(v)) {
            (void)hk_buf_appendf(b, "%s: %s\n", k, json_string_value(v));
        } else {
            char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            (void)hk_buf_appendf(b, "%s: %s\n", k, t ? t : "?");
            free(t);
        }
    }
}

static json_t *submission(const char *subject, struct hk_buf *content, const char *reporter,
                          const char *rc, const char *rt)
{
    json_t *s = json_pack("{s:s, s:s, s:s, s:s}", "subject", subject, "source", "email", "tlp",
                          "AMBER", "reporter", reporter);
    json_t *c = json_stringn(hk_buf_str(content), content->len);

    if (!c) /* not UTF-8 after all: keep what JSON can carry */
        c = json_string("(content was not valid UTF-8)");
    json_object_set_new(s, "content", c);
    if (rc && rt) {
        json_object_set_new(s, "rsit_class", json_string(rc));
        json_object_set_new(s, "rsit_type", json_string(rt));
    }
    return s;
}

static json_t *from_v3(json_t *doc)
{
    static const char *const skip[] = {"Samples", NULL};
    json_t *r = json_object_get(doc, "Report"), *ri = json_object_get(doc, "ReporterInfo");
    json_t *ob = json_object_get(doc, "OnBehalfOf"), *ss = json_object_get(r, "Samples"), *s;
    const char *cls = hk_jstr_or(r, "ReportClass"), *type = hk_jstr_or(r, "ReportType");
    const char *src =
        *hk_jstr_or(r, "SourceIp") ? hk_jstr_or(r, "SourceIp") : hk_jstr_or(r, "SourceUrl");
    const char *rc = NULL, *rt = NULL, *mail = hk_jstr_or(ri, "ReporterOrgEmail");
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char subject[300], reporter[256];
    json_t *out;
    size_t i;

    (void)hk_xarf_rsit(3, cls, type, &rc, &rt);
    if (!*mail)
        mail = hk_jstr_or(ri, "ReporterContactEmail");
    (void)snprintf(reporter, sizeof(reporter), "%s%s%s%s",
                   *hk_jstr_or(ri, "ReporterOrg") ? hk_jstr_or(ri, "ReporterOrg")
                                                  : hk_jstr_or(ri, "ReporterContactName"),
                   *mail ? " <" : "", mail, *mail ? ">" : "");
    (void)snprintf(subject, sizeof(subject), "X-ARF %s/%s%s%.200s", cls, type, *src ? ": " : "",
                   src);
    (void)hk_buf_appendf(&b, "X-ARF v3 report: %s/%s\n", cls, type);
    if (*hk_jstr_or(ob, "ComplainantOrg"))
        (void)hk_buf_appendf(&b, "On behalf of: %s\n", hk_jstr_or(ob, "ComplainantOrg"));
    members(&b, r, skip);
    json_array_foreach(ss, i, s)
    {
        (void)hk_buf_appendf(
            &b, "\n--- sample %zu: %s%s%s%s\n", i + 1, hk_jstr_or(s, "ContentType"),
            *hk_jstr_or(s, "Description") ? " (" : "", hk_jstr_or(s, "Description"),
            *hk_jstr_or(s, "Description") ? ")" : "");
        if (*hk_jstr_or(s, "FileName"))
            (void)hk_buf_appendf(&b, "File name: %s\n", hk_jstr_or(s, "FileName"));
        if (json_is_string(json_object_get(s, "Payload")))
            hk_xarf_payload(&b, hk_jstr_or(s, "Payload"),
                            json_is_true(json_object_get(s, "Base64Encoded")), SAMPLE_MAX);
    }
    out = submission(subject, &b, reporter, rc, rt);
    hk_buf_release(&b);
    return out;
}

static json_t *from_v4(json_t *doc)
{
    static const char *const skip[] = {"evidence",  "reporter",     "sender",
                                       "_internal", "xarf_version", NULL};
    json_t *rep = json_object_get(doc, "reporter"), *ev = json_object_get(doc, "evidence"), *e;
    const char *cat = hk_jstr_or(doc, "category"), *type = hk_jstr_or(doc, "type");
    const char *rc = NULL, *rt = NULL;
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char subject[300], reporter[256];
    json_t *out;
    size_t i;

    (void)hk_xarf_rsit(4, cat, type, &rc, &rt);
    (void)snprintf(reporter, sizeof(reporter), "%s <%s>", hk_jstr_or(rep, "org"),
                   hk_jstr_or(rep, "contact"));
    (void)snprintf(subject, sizeof(subject), "X-ARF %s/%s: %.200s", cat, type,
                   hk_jstr_or(doc, "source_identifier"));
    (void)hk_buf_appendf(&b, "X-ARF v%s report: %s/%s\n", hk_jstr_or(doc, "xarf_version"), cat,
                         type);
    if (strcmp(hk_jstr_or(json_object_get(doc, "sender"), "org"), hk_jstr_or(rep, "org")))
        (void)hk_buf_appendf(&b, "Sent by: %s\n",
                             hk_jstr_or(json_object_get(doc, "sender"), "org"));
    members(&b, doc, skip);
    json_array_foreach(ev, i, e)
    {
        (void)hk_buf_appendf(
            &b, "\n--- evidence %zu: %s%s%s%s\n", i + 1, hk_jstr_or(e, "content_type"),
            *hk_jstr_or(e, "description") ? " (" : "", hk_jstr_or(e, "description"),
            *hk_jstr_or(e, "description") ? ")" : "");
        hk_xarf_payload(&b, hk_jstr_or(e, "payload"), true, SAMPLE_MAX);
    }
    out = submission(subject, &b, reporter, rc, rt);
    hk_buf_release(&b);
    return out;
}

hk_err hk_xarf_parse(const char *text, size_t len, json_t **submission_out, int *version,
                     struct hk_errmsg *em)
{
    json_error_t je;
    json_t *doc;
    hk_err err;

    *submission_out = NULL;
    if (len > HK_EXCHANGE_MAX_DOC)
        return hk_errf(em, HK_ETOOBIG, "X-ARF document larger than %u bytes", HK_EXCHANGE_MAX_DOC);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc)
        return hk_errf(em, HK_EPARSE, "X-ARF: not valid JSON: %s (line %d, column %d)", je.text,
                       je.line, je.column);
    if (json_is_object(doc) && json_object_get(doc, "xarf_version")) {
        *version = 4;
        err = hk_xarf4_validate(doc, em);
        if (!err)
            *submission_out = from_v4(doc);
    } else if (json_is_object(doc) && json_object_get(doc, "Version")) {
        *version = 3;
        err = hk_xarf3_validate(doc, em);
        if (!err)
            *submission_out = from_v3(doc);
    } else {
        err = hk_errf(em, HK_EPARSE,
                      "X-ARF: neither a v3 document (\"Version\") nor a v4 one (\"xarf_version\")");
    }
    json_decref(doc);
    return err;
}
