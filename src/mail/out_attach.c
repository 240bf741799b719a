/* SPDX-License-Identifier: MIT */
/*
 * The machine-readable attachments of a notice: CSV (RFC 4180: CRLF records, a header row,
 * fields quoted when they hold a comma, quote, CR or LF, quotes doubled) and X-ARF v4 JSON
 * (xarf-core.json of the Abusix X-ARF specification, version 4.0.0: one report per affected
 * address with xarf_version, a UUID v4 report_id, timestamp, reporter and sender contact
 * objects, source_identifier, category and type, plus the connection types' protocol and
 * first_seen). IODEF is not made here: src/exchange/ writes it and the caller passes the
 * bytes in as a struct hk_mail_attachment.
 */
#include <stdio.h>
#include <string.h>

#include "hikeshi/mail.h"
#include "mail/out_int.h"

static hk_err csv_field(struct hk_buf *b, const char *s)
{
    hk_err err;

    if (!s)
        return HK_OK;
    if (!strpbrk(s, ",\"\r\n"))
        return hk_buf_appends(b, s);
    if ((err = hk_buf_appendc(b, '"')))
        return err;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && (err = hk_buf_appendc(b, '"')))
            return err;
        if ((err = hk_buf_appendc(b, *p)))
            return err;
    }
    return hk_buf_appendc(b, '"');
}

hk_err hk_mail_csv_fmt(const struct hk_mail_row *rows, size_t n, struct hk_buf *out)
{
    hk_err err = hk_buf_appends(out, "time,observable,port,proto,description\r\n");

    for (size_t i = 0; i < n && !err; i++) {
        const struct hk_mail_row *r = &rows[i];
        char t[32] = "";

        if (r->time)
            hk_time_fmt(r->time, t);
        if ((err = hk_buf_appendf(out, "%s,", t)) || (err = csv_field(out, r->observable)))
            break;
        if (r->port > 0)
            err = hk_buf_appendf(out, ",%d,", r->port);
        else
            err = hk_buf_appends(out, ",,");
        if (err || (err = csv_field(out, r->proto)) || (err = hk_buf_appendc(out, ',')) ||
            (err = csv_field(out, r->description)))
            break;
        err = hk_buf_appends(out, "\r\n");
    }
    return err;
}

static const struct {
    const char *cls, *type; /* RSIT; type NULL = any type of the class */
    const char *category, *xtype;
} xmap[] = {
    {"information-gathering", "scanner", "connection", "port_scan"},
    {"intrusion-attempts", "brute-force", "connection", "login_attack"},
    {"intrusion-attempts", "ids-alert", "connection", "reconnaissance"},
    {"intrusion-attempts", "exploit", "connection", "vuln_scanning"},
    {"availability", "ddos", "connection", "ddos"},
    {"availability", "dos", "connection", "ddos"},
    {"malicious-code", "infected-system", "connection", "bot"},
    {"malicious-code", "c2-server", "infrastructure", "botnet"},
    {"malicious-code", "malware-distribution", "content", "malware"},
    {"intrusions", NULL, "infrastructure", "compromised_server"},
    {"abusive-content", "spam", "messaging", "spam"},
    {"fraud", "phishing", "content", "phishing"},
    {"fraud", "copyright", "copyright", "copyright"},
    {"vulnerable", "misconfiguration", "vulnerability", "misconfiguration"},
    {"availability", "misconfiguration", "vulnerability", "misconfiguration"},
    {"vulnerable", NULL, "vulnerability", "open"},
    {"information-content-security", NULL, "content", "exposed_data"},
};

void hk_mail_xarf_class(const char *rsit_class, const char *rsit_type, const char **category,
                        const char **type)
{
    *category = "reputation";
    *type = "threat_intelligence";
    for (size_t i = 0; rsit_class && i < sizeof(xmap) / sizeof(xmap[0]); i++)
        if (!strcmp(xmap[i].cls, rsit_class) &&
            (!xmap[i].type || (rsit_type && !strcmp(xmap[i].type, rsit_type)))) {
            *category = xmap[i].category;
            *type = xmap[i].xtype;
            return;
        }
}

/* "Name <a@b>" -> "a@b" (into out); a bare address is copied. */
void hk_mail_bare_addr(const char *s, char *out, size_t cap)
{
    const char *lt = s ? strrchr(s, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;

    if (lt && gt)
        (void)snprintf(out, cap, "%.*s", (int)(gt - lt - 1), lt + 1);
    else
        (void)snprintf(out, cap, "%s", s ? s : "");
    for (char *p = out; *p; p++)
        if (*p == ' ' || *p == '\t') {
            memmove(p, p + 1, strlen(p));
            p--;
        }
}

static void uuid4(char out[37])
{
    uint8_t b[16];
    char h[33];

    hk_random(b, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    hk_hex(b, sizeof(b), h);
    (void)snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static json_t *contact(const struct hk_mail_config *cfg)
{
    char addr[256];
    const char *dom;

    hk_mail_bare_addr(cfg ? cfg->from : NULL, addr, sizeof(addr));
    dom = cfg && cfg->org_domain ? cfg->org_domain : strchr(addr, '@') ? strchr(addr, '@') + 1 : "";
    return json_pack("{s:s, s:s, s:s}", "org", cfg && cfg->org ? cfg->org : dom, "contact", addr,
                     "domain", dom);
}

static json_t *xarf_report(const struct hk_mail_notice *n, const struct hk_mail_row *r, json_t *who,
                           const char *cat, const char *type)
{
    char id[37], ts[32], tag[64];
    const char *tlp = hk_mail_tlp_norm(n->tlp);
    int64_t t = r->time ? r->time : n->first_seen ? n->first_seen : hk_now();
    const char *desc = r->description && *r->description ? r->description : n->title;
    json_t *o, *tags = json_array();

    uuid4(id);
    hk_time_fmt(t, ts);
    o = json_pack("{s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:s}", "xarf_version", "4.0.0", "report_id",
                  id, "timestamp", ts, "reporter", who, "sender", who, "source_identifier",
                  r->observable ? r->observable : "", "category", cat, "type", type);
    if (!o)
        return NULL; /* not UTF-8: the caller says so */
    if (!strcmp(cat, "connection")) {
        json_object_set_new(o, "first_seen", json_string(ts));
        if (r->proto && *r->proto)
            json_object_set_new(o, "protocol", json_string(r->proto));
        if (r->port > 0 && r->port < 65536)
            json_object_set_new(o, "destination_port", json_integer(r->port));
    }
    if (desc && *desc) {
        size_t len = strlen(desc);

        if (len > 1000) { /* maxLength 1000, cut on a character boundary */
            len = 1000;
            while (len > 0 && ((unsigned char)desc[len] & 0xc0) == 0x80)
                len--;
        }
        json_object_set_new(o, "description", json_stringn(desc, len));
    }
    if (tlp) {
        char low[32];

        (void)snprintf(low, sizeof(low), "tlp:%s", tlp);
        for (char *p = low; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        json_array_append_new(tags, json_string(low));
    }
    (void)snprintf(tag, sizeof(tag), "ticket:hikeshi-%lld", (long long)n->ticket);
    json_array_append_new(tags, json_string(tag));
    json_object_set_new(o, "tags", tags);
    return o;
}

static int dump_cb(const char *p, size_t n, void *data)
{
    return hk_buf_append(data, p, n) ? -1 : 0;
}

hk_err hk_mail_xarf_fmt(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                        struct hk_buf *out, struct hk_errmsg *m)
{
    const char *cat, *type;
    json_t *who = contact(cfg), *all = json_array(), *doc;
    hk_err err = HK_OK;

    hk_mail_xarf_class(n->rsit_class, n->rsit_type, &cat, &type);
    if (!who)
        err = hk_errf(m, HK_EINVAL, "our organisation or address is not valid UTF-8");
    for (size_t i = 0; i < n->nrows && !err; i++) {
        json_t *r = xarf_report(n, &n->rows[i], who, cat, type);

        if (!r)
            err = hk_errf(m, HK_EINVAL, "row %zu: observable is not valid UTF-8", i + 1);
        else
            json_array_append_new(all, r);
    }
    doc = json_array_size(all) == 1 ? json_array_get(all, 0) : all;
    if (!err && json_dump_callback(doc, dump_cb, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
        err = hk_errf(m, HK_ETOOBIG, "X-ARF attachment exceeds %zu bytes", out->max);
    if (!err)
        err = hk_buf_appendc(out, '\n');
    json_decref(all);
    json_decref(who);
    return err;
}
