/* SPDX-License-Identifier: MIT */
/*
 * IODEF v2 (RFC 7970): import of a document as a report submission (libxml2 tree, network
 * access off, documents with a DTD refused so no entity is ever expanded) and export of an
 * incident, or of any list of observables, as a document valid against iodef-2.0.xsd
 * (section 8 of the RFC; checked with xmllint in tests/integration/t_mailin_iodef.sh).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <string.h>

#include "exchange/exchange_int.h"
#include "hikeshi/observables.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static bool iodef_ns(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           (!strcmp((const char *)n->ns->href, HK_IODEF_NS) ||
            !strcmp((const char *)n->ns->href, HK_IODEF1_NS));
}

static bool is(const xmlNode *n, const char *name)
{
    return iodef_ns(n) && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* Text of an element (its text children only; entity references are never expanded). */
static void text_of(const xmlNode *n, char *out, size_t cap)
{
    size_t len = 0;

    out[0] = '\0';
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t k = strlen((const char *)c->content);
            if (len + k >= cap)
                k = cap - 1 - len;
            memcpy(out + len, c->content, k);
            len += k;
            out[len] = '\0';
        }
    /* trim */
    while (len && (out[len - 1] == ' ' || out[len - 1] == '\n' || out[len - 1] == '\t' ||
                   out[len - 1] == '\r'))
        out[--len] = '\0';
    if (out[0] == ' ' || out[0] == '\n' || out[0] == '\t' || out[0] == '\r') {
        size_t s = strspn(out, " \n\t\r");
        memmove(out, out + s, len - s + 1);
    }
}

static const char *attr(const xmlNode *n, const char *name, char *buf, size_t cap)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

    buf[0] = '\0';
    if (v) {
        (void)snprintf(buf, cap, "%s", (const char *)v);
        xmlFree(v);
    }
    return buf;
}

int hk_iodef_detect(const char *text, size_t len)
{
    const char *root = NULL;

    /* Cheap test first: the namespace must be in the first few kilobytes. */
    for (size_t i = 0; i + 31 < len && i < 8192 && !root; i++)
        if (!memcmp(text + i, "urn:ietf:params:xml:ns:iodef-", 29))
            root = text + i;
    if (!root)
        return 0;
    return memmem(text, len < 8192 ? len : 8192, "IODEF-Document", 14) != NULL;
}

/* ---- import ---- */

struct imp {
    struct hk_buf *b;
    const char *rc, *rt; /* classification found */
    char reporter[256];
    char rcb[64], rtb[64];
};

/* Dumps an EventData subtree: one "Path: text" line per element with text. */
static void dump(struct imp *im, const xmlNode *n, const char *path, int depth)
{
    char p[512], a[64], t[2048];

    if (depth > 24)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        attr(c, "category", a, sizeof(a));
        if (!*a)
            attr(c, "type", a, sizeof(a));
        (void)snprintf(p, sizeof(p), "%s%s%s%s%s%s", path, *path ? "/" : "", (const char *)c->name,
                       *a ? "(" : "", a, *a ? ")" : "");
        text_of(c, t, sizeof(t));
        if (*t)
            (void)hk_buf_appendf(im->b, "  %s: %s\n", p, t);
        if (!strcmp((const char *)c->name, "EventData"))
            (void)hk_buf_appends(im->b, "  (nested event)\n");
        dump(im, c, p, depth + 1);
    }
}

static void classify(struct imp *im, const xmlNode *assess)
{
    static const struct {
        const char *impact, *rc, *rt;
    } map[] = {
        {"takeover-account", "intrusions", "unprivileged-account-compromise"},
        {"takeover-service", "intrusions", "application-compromise"},
        {"takeover-system", "intrusions", "system-compromise"},
        {"availability-data", "availability", "outage"},
        {"availability-account", "availability", "outage"},
        {"availability-service", "availability", "dos"},
        {"availability-system", "availability", "dos"},
        {"breach-proprietary", "information-content-security", "data-leak"},
        {"breach-privacy", "information-content-security", "data-leak"},
        {"breach-credential", "information-content-security", "data-leak"},
        {"integrity-data", "information-content-security", "unauthorised-information-modification"},
        {"monitoring-traffic", "information-gathering", "sniffing"},
    };
    char t[128], cls[64], *slash;

    for (const xmlNode *c = assess->children; c && !im->rc; c = c->next) {
        if (is(c, "IncidentCategory")) {
            text_of(c, t, sizeof(t));
            slash = strchr(t, '/');
            if (slash && (size_t)(slash - t) < sizeof(cls)) {
                memcpy(cls, t, (size_t)(slash - t));
                cls[slash - t] = '\0';
                if (hk_rsit_check(cls, slash + 1) == HK_OK) {
                    (void)snprintf(im->rcb, sizeof(im->rcb), "%s", cls);
                    (void)snprintf(im->rtb, sizeof(im->rtb), "%.63s", slash + 1);
                    im->rc = im->rcb;
                    im->rt = im->rtb;
                }
            }
        } else if (is(c, "SystemImpact")) {
            attr(c, "type", t, sizeof(t));
            for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && !im->rc; i++)
                if (!strcmp(map[i].impact, t)) {
                    im->rc = map[i].rc;
                    im->rt = map[i].rt;
                }
        }
    }
}

static void assessment(struct imp *im, const xmlNode *as)
{
    char t[1024], a1[64], a2[64], a3[64];

    classify(im, as);
    for (const xmlNode *c = as->children; c; c = c->next) {
        if (!iodef_ns(c))
            continue;
        text_of(child(c, "Description"), t, sizeof(t));
        if (!*t)
            text_of(c, t, sizeof(t));
        (void)hk_buf_appendf(im->b, "Assessment: %s%s%s%s%s%s%s%s%s\n", (const char *)c->name,
                             *attr(c, "type", a1, sizeof(a1)) ? " type=" : "", a1,
                             *attr(c, "severity", a2, sizeof(a2)) ? " severity=" : "", a2,
                             *attr(c, "completion", a3, sizeof(a3)) ? " completion=" : "", a3,
                             *t ? ": " : "", t);
    }
}

static void contact(struct imp *im, const xmlNode *c)
{
    char name[256], mail[256], role[64];

    text_of(child(c, "ContactName"), name, sizeof(name));
    text_of(child(child(c, "Email"), "EmailTo"), mail, sizeof(mail));
    if (!*mail) /* IODEF v1: Email is a plain string */
        text_of(child(c, "Email"), mail, sizeof(mail));
    attr(c, "role", role, sizeof(role));
    /* The name only: addresses of the reporting team would correlate all its reports. */
    (void)hk_buf_appendf(im->b, "Contact (%s): %s\n", role, *name ? name : "(no name)");
    if (!im->reporter[0] || !strcmp(role, "creator"))
        (void)snprintf(im->reporter, sizeof(im->reporter), "%.120s%s%.120s%s", name,
                       *mail ? " <" : "", mail, *mail ? ">" : "");
}

static void incident(struct imp *im, const xmlNode *inc, char *subject, size_t cap)
{
    static const char *const times[] = {"DetectTime", "StartTime", "EndTime", "ReportTime",
                                        "GenerationTime"};
    char id[256], name[256], purpose[64], status[64], t[4096];
    const xmlNode *iid = child(inc, "IncidentID");
    int events = 0;

    text_of(iid, id, sizeof(id));
    attr(iid, "name", name, sizeof(name));
    (void)hk_buf_appendf(im->b, "IODEF incident %s#%s (purpose %s%s%s)\n", name, id,
                         attr(inc, "purpose", purpose, sizeof(purpose)),
                         *attr(inc, "status", status, sizeof(status)) ? ", status " : "", status);
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        text_of(child(inc, times[i]), t, sizeof(t));
        if (*t)
            (void)hk_buf_appendf(im->b, "%s: %s\n", times[i], t);
    }
    for (const xmlNode *c = inc->children; c; c = c->next) {
        if (is(c, "Description")) {
            text_of(c, t, sizeof(t));
            (void)hk_buf_appendf(im->b, "Description: %s\n", t);
            if (!*subject)
                (void)snprintf(subject, cap, "IODEF %.100s#%.60s: %.300s", name, id, t);
        } else if (is(c, "Assessment")) {
            assessment(im, c);
        } else if (is(c, "Contact")) {
            contact(im, c);
        } else if (is(c, "EventData")) {
            (void)hk_buf_appendf(im->b, "Event %d:\n", ++events);
            dump(im, c, "", 0);
        }
    }
    if (!*subject)
        (void)snprintf(subject, cap, "IODEF %.100s#%.60s", name, id);
}

static hk_err parse_doc(const char *text, size_t len, xmlDoc **out, struct hk_errmsg *em)
{
    xmlDoc *doc;
    const xmlError *e;

    (void)pthread_once(&xml_once, xml_init);
    if (len > HK_EXCHANGE_MAX_DOC)
        return hk_errf(em, HK_ETOOBIG, "IODEF document larger than %u bytes", HK_EXCHANGE_MAX_DOC);
    if (len > INT32_MAX)
        return hk_errf(em, HK_ETOOBIG, "IODEF document too large");
    xmlResetLastError();
    doc = xmlReadMemory(text, (int)len, "iodef.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                            XML_PARSE_NOCDATA);
    if (!doc) {
        e = xmlGetLastError();
        return hk_errf(em, HK_EPARSE, "IODEF: not well-formed XML: %.160s (line %d)",
                       e && e->message ? e->message : "parse error", e ? e->line : 0);
    }
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        return hk_errf(em, HK_EPARSE, "IODEF: documents with a DTD are not accepted");
    }
    *out = doc;
    return HK_OK;
}

hk_err hk_iodef_import(const char *text, size_t len, json_t **submission, struct hk_errmsg *em)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct imp im = {&b, NULL, NULL, "", "", ""};
    char subject[512] = "";
    xmlDoc *doc = NULL;
    xmlNode *root;
    json_t *c;
    int n = 0;
    hk_err err;

    *submission = NULL;
    if ((err = parse_doc(text, len, &doc, em)))
        return err;
    root = xmlDocGetRootElement(doc);
    if (!is(root, "IODEF-Document")) {
        err = hk_errf(em, HK_EPARSE,
                      "IODEF: the root element is not IODEF-Document in the "
                      "IODEF namespace");
        goto out;
    }
    for (xmlNode *inc = root->children; inc; inc = inc->next) {
        if (!is(inc, "Incident"))
            continue;
        if (!child(inc, "IncidentID")) {
            err = hk_errf(em, HK_EINVAL, "IODEF: Incident %d has no IncidentID", n + 1);
            goto out;
        }
        if (n++)
            (void)hk_buf_appendc(&b, '\n');
        incident(&im, inc, subject, sizeof(subject));
    }
    if (!n) {
        err = hk_errf(em, HK_EINVAL, "IODEF: the document has no Incident");
        goto out;
    }
    c = json_stringn(hk_buf_str(&b), b.len);
    if (!c) {
        err = hk_errf(em, HK_EPARSE, "IODEF: text is not valid UTF-8");
        goto out;
    }
    *submission =
        json_pack("{s:s, s:o, s:s, s:s, s:s}", "subject", subject, "content", c, "source", "email",
                  "tlp", "AMBER", "reporter", *im.reporter ? im.reporter : "IODEF");
    if (im.rc) {
        json_object_set_new(*submission, "rsit_class", json_string(im.rc));
        json_object_set_new(*submission, "rsit_type", json_string(im.rt));
    }
out:
    hk_buf_release(&b);
    xmlFreeDoc(doc);
    return err;
}

/* ---- export ---- */

static void esc(struct hk_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '<')
            (void)hk_buf_appends(b, "&lt;");
        else if (ch == '>')
            (void)hk_buf_appends(b, "&gt;");
        else if (ch == '&')
            (void)hk_buf_appends(b, "&amp;");
        else if (ch == '"')
            (void)hk_buf_appends(b, "&quot;");
        else if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')
            continue; /* not allowed in XML 1.0 */
        else
            (void)hk_buf_appendc(b, (char)ch);
    }
}

static void el(struct hk_buf *b, const char *indent, const char *name, const char *text)
{
    (void)hk_buf_appendf(b, "%s<%s>", indent, name);
    esc(b, text);
    (void)hk_buf_appendf(b, "</%s>\n", name);
}

static const char *restriction(const char *tlp)
{
    if (!tlp)
        return "amber";
    if (!strcmp(tlp, "CLEAR"))
        return "white";
    if (!strcmp(tlp, "GREEN"))
        return "green";
    if (!strcmp(tlp, "RED"))
        return "red";
    return "amber";
}

/* A SystemImpact type for an RSIT class (the reverse of the import mapping, coarse). */
static const char *impact(const char *rc, const char *rt)
{
    if (!rc)
        return "unknown";
    if (!strcmp(rc, "intrusions"))
        return rt && !strcmp(rt, "unprivileged-account-compromise") ? "takeover-account"
               : rt && !strcmp(rt, "application-compromise")        ? "takeover-service"
                                                                    : "takeover-system";
    if (!strcmp(rc, "availability"))
        return "availability-service";
    if (!strcmp(rc, "information-content-security"))
        return rt && !strcmp(rt, "unauthorised-information-modification") ? "integrity-data"
                                                                          : "breach-proprietary";
    if (!strcmp(rc, "information-gathering") && rt && !strcmp(rt, "sniffing"))
        return "monitoring-traffic";
    return "unknown";
}

static const char *severity(const char *s)
{
    if (!s)
        return NULL;
    if (!strcmp(s, "critical"))
        return "high";
    return !strcmp(s, "low") || !strcmp(s, "medium") || !strcmp(s, "high") ? s : NULL;
}

static const char *status(const char *state)
{
    if (!state)
        return NULL;
    if (!strcmp(state, "new"))
        return "new";
    if (!strcmp(state, "resolved"))
        return "resolved";
    if (!strcmp(state, "abandoned"))
        return "rejected";
    return "in-progress";
}

/* One System in the Flow, or an AdditionalData line, per observable. */
static void observable(struct hk_buf *b, struct hk_buf *extra, json_t *o)
{
    static const struct {
        const char *type, *cat;
    } addr[] = {{"ipv4", "ipv4-addr"},
                {"ipv6", "ipv6-addr"},
                {"email", "e-mail"},
                {"url", "site-uri"},
                {"asn", "asn"}};
    const char *t = hk_jstr_or(o, "type"), *v = hk_jstr_or(o, "value"), *cat = NULL;
    json_t *port = json_object_get(o, "port");

    if (!*v)
        return;
    if (!strcmp(t, "cidr"))
        cat = strchr(v, ':') ? "ipv6-net" : "ipv4-net";
    for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]) && !cat; i++)
        if (!strcmp(addr[i].type, t))
            cat = addr[i].cat;
    if (!cat && strcmp(t, "domain")) {
        (void)hk_buf_appendf(extra, "      <AdditionalData dtype=\"string\" meaning=\"%s\">",
                             *t ? t : "other");
        esc(extra, v);
        (void)hk_buf_appends(extra, "</AdditionalData>\n");
        return;
    }
    (void)hk_buf_appends(b, "        <System category=\"source\">\n          <Node>\n");
    if (cat) {
        (void)hk_buf_appendf(b, "            <Address category=\"%s\">", cat);
        esc(b, !strcmp(t, "asn") && !strncmp(v, "AS", 2) ? v + 2 : v);
        (void)hk_buf_appends(b, "</Address>\n");
    } else {
        (void)hk_buf_appends(b, "            <DomainData>\n");
        el(b, "              ", "Name", v);
        (void)hk_buf_appends(b, "            </DomainData>\n");
    }
    (void)hk_buf_appends(b, "          </Node>\n");
    if (json_is_integer(port) && json_integer_value(port) >= 0 && json_integer_value(port) <= 65535)
        (void)hk_buf_appendf(b,
                             "          <Service>\n            <Port>%lld</Port>\n"
                             "          </Service>\n",
                             (long long)json_integer_value(port));
    (void)hk_buf_appends(b, "        </System>\n");
}

static void event_data(struct hk_buf *b, json_t *obs)
{
    struct hk_buf flow = HK_BUF_INIT(HK_BUF_UNBOUNDED), extra = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_t *o;
    size_t i;

    json_array_foreach(obs, i, o) observable(&flow, &extra, o);
    if (flow.len || extra.len) {
        (void)hk_buf_appends(b, "    <EventData>\n");
        if (flow.len) {
            (void)hk_buf_appends(b, "      <Flow>\n");
            (void)hk_buf_append(b, flow.buf, flow.len);
            (void)hk_buf_appends(b, "      </Flow>\n");
        }
        if (extra.len)
            (void)hk_buf_append(b, extra.buf, extra.len);
        (void)hk_buf_appends(b, "    </EventData>\n");
    }
    hk_buf_release(&flow);
    hk_buf_release(&extra);
}

hk_err hk_iodef_write(const struct hk_iodef_doc *d, struct hk_buf *out, struct hk_errmsg *em)
{
    struct hk_buf doc = HK_BUF_INIT(HK_BUF_UNBOUNDED), *b = &doc;
    char when[32];
    const char *sev = severity(d->severity), *st = status(d->status);
    hk_err err;

    if (!d->team || !*d->team || !d->incident_id || !*d->incident_id)
        return hk_errf(em, HK_EINVAL, "IODEF export needs the team name and an incident id");
    (void)hk_buf_appends(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<IODEF-Document "
                            "version=\"2.00\" xml:lang=\"en\" xmlns=\"" HK_IODEF_NS "\">\n");
    (void)hk_buf_appendf(b, "  <Incident purpose=\"reporting\" restriction=\"%s\"%s%s%s>\n",
                         restriction(d->tlp), st ? " status=\"" : "", st ? st : "", st ? "\"" : "");
    (void)hk_buf_appends(b, "    <IncidentID name=\"");
    esc(b, d->team);
    (void)hk_buf_appends(b, "\">");
    esc(b, d->incident_id);
    (void)hk_buf_appends(b, "</IncidentID>\n");
    if (d->report_time) {
        hk_time_fmt(d->report_time, when);
        el(b, "    ", "ReportTime", when);
    }
    hk_time_fmt(d->generation_time ? d->generation_time : hk_now(), when);
    el(b, "    ", "GenerationTime", when);
    if (d->title && *d->title)
        el(b, "    ", "Description", d->title);
    if (d->description && *d->description)
        el(b, "    ", "Description", d->description);
    (void)hk_buf_appends(b, "    <Assessment occurrence=\"actual\">\n");
    if (d->rsit_class && *d->rsit_class) {
        (void)hk_buf_appends(b, "      <IncidentCategory>");
        esc(b, d->rsit_class);
        if (d->rsit_type && *d->rsit_type) {
            (void)hk_buf_appendc(b, '/');
            esc(b, d->rsit_type);
        }
        (void)hk_buf_appends(b, "</IncidentCategory>\n");
    }
    (void)hk_buf_appendf(b, "      <SystemImpact type=\"%s\"%s%s%s/>\n",
                         impact(d->rsit_class, d->rsit_type), sev ? " severity=\"" : "",
                         sev ? sev : "", sev ? "\"" : "");
    (void)hk_buf_appends(b, "    </Assessment>\n");
    (void)hk_buf_appends(b, "    <Contact type=\"organization\" role=\"creator\">\n");
    el(b, "      ", "ContactName", d->contact_name && *d->contact_name ? d->contact_name : d->team);
    if (d->contact_email && *d->contact_email) {
        (void)hk_buf_appends(b, "      <Email>\n");
        el(b, "        ", "EmailTo", d->contact_email);
        (void)hk_buf_appends(b, "      </Email>\n");
    }
    (void)hk_buf_appends(b, "    </Contact>\n");
    event_data(b, d->observables);
    (void)hk_buf_appends(b, "  </Incident>\n</IODEF-Document>\n");
    err = hk_buf_append(out, doc.buf, doc.len);
    hk_buf_release(&doc);
    return err ? hk_errf(em, err, "IODEF document larger than %zu bytes", out->max) : HK_OK;
}

hk_err hk_iodef_export_incident(struct hk_ctx *ctx, int64_t id, const char *team,
                                const char *contact_email, struct hk_buf *out)
{
    json_t *inc = NULL;
    char idtext[32];
    int64_t created = 0;
    hk_err err = hk_incident_get(ctx, id, true, &inc);

    if (err)
        return err;
    (void)snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
    (void)hk_time_parse(hk_jstr_or(inc, "created_at"), &created);
    {
        struct hk_iodef_doc d = {
            .team = team,
            .incident_id = idtext,
            .title = hk_jstr_or(inc, "title"),
            .description = hk_jstr_or(inc, "description"),
            .tlp = hk_jstr_or(inc, "tlp"),
            .rsit_class = hk_jstr_or(inc, "rsit_class"),
            .rsit_type = hk_jstr_or(inc, "rsit_type"),
            .severity = hk_jstr_or(inc, "severity"),
            .contact_name = team,
            .contact_email = contact_email,
            .status = hk_jstr_or(inc, "state"),
            .report_time = created,
            .generation_time = ctx->now ? ctx->now : hk_now(),
            .observables = json_object_get(inc, "observables"),
        };
        err = hk_iodef_write(&d, out, ctx->em);
    }
    json_decref(inc);
    return err;
}
