/* SPDX-License-Identifier: MIT */
/*
 * Exchange formats between CSIRTs: X-ARF (the abuse reporting format, v3 JSON as in the
 * abusix/xarf schemas and samples, and v4 JSON as in xarf/xarf-spec) and IODEF v2 (RFC 7970,
 * XML, read and written with libxml2).
 *
 * Incoming documents are turned into a report *submission*: a new JSON object of the form
 * hk_report_submit takes ({"subject", "content", "reporter", "source": "email", "tlp",
 * "rsit_class", "rsit_type"}), so an exchanged report follows the normal path (observable
 * extraction, duplicate folding, correlation, routing). The content is written for a handler
 * and carries the evidence; the reporter's own contact data goes into "reporter", never into
 * the content, so that reports from one reporter are not correlated through its address.
 *
 * Outgoing documents (IODEF) are written into a struct hk_buf. Parsers here never touch the
 * store; hk_iodef_export_incident reads one incident through handling.h.
 */
#ifndef HIKESHI_EXCHANGE_H
#define HIKESHI_EXCHANGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/core.h"
#include "hikeshi/handling.h"

/* Largest X-ARF or IODEF document accepted (bytes). */
#define HK_EXCHANGE_MAX_DOC (4u << 20)

/* ---- X-ARF (xarf.c) ---- */

/*
 * Parses and validates one X-ARF document (JSON text, v3 or v4, told apart by "Version":"3"
 * or "xarf_version":"4.x.y") and maps it to a report submission (see above). v3 is checked
 * against every rule of the v3 JSON schemas (xarf_shared and the 16 report-type schemas);
 * v4 against the v4 core schema, with the type free within its category.
 * On success *submission (caller owns) is set and *version is 3 or 4. On failure returns
 * HK_EPARSE (not JSON, not X-ARF) or HK_EINVAL (a schema rule) with a one-line explanation
 * naming the member, e.g. "X-ARF v3: Report.SourceIp: 'not an IP' is not an IPv4 or IPv6
 * address", and *submission stays NULL.
 */
hk_err hk_xarf_parse(const char *text, size_t len, json_t **submission, int *version,
                     struct hk_errmsg *em);

/* Validates a parsed v3 document (borrowed); HK_EINVAL with the explanation in em. */
hk_err hk_xarf3_validate(json_t *doc, struct hk_errmsg *em);
/* Validates a parsed v4 document (borrowed); HK_EINVAL with the explanation in em. */
hk_err hk_xarf4_validate(json_t *doc, struct hk_errmsg *em);

/*
 * The RSIT class and type of an X-ARF report kind: v3 (ReportClass, ReportType), e.g.
 * ("Activity", "DOS") -> availability/ddos; v4 (category, type), e.g. ("connection",
 * "port_scan") -> information-gathering/scanner. HK_ENOTFOUND when the kind is unknown
 * (v3) or the category is unknown (v4; an unknown type takes its category's default).
 * The strings are static.
 */
hk_err hk_xarf_rsit(int version, const char *cls, const char *type, const char **rsit_class,
                    const char **rsit_type);

/* ---- IODEF v2, RFC 7970 (iodef.c) ---- */

#define HK_IODEF_NS  "urn:ietf:params:xml:ns:iodef-2.0"
#define HK_IODEF1_NS "urn:ietf:params:xml:ns:iodef-1.0"

/* True when text[0..len) is an XML document whose root is IODEF-Document in the IODEF v2
 * (or v1) namespace. Cheap enough to run on every XML attachment. */
int hk_iodef_detect(const char *text, size_t len);

/*
 * Imports an IODEF document (v2; v1 documents are read the same way where the elements
 * agree) as a report submission: subject from the first incident's IncidentID and
 * Description; content listing, per Incident, the IncidentID (name and value), purpose,
 * times, descriptions, assessments (impacts with type, severity, completion), contacts'
 * names, and every EventData's Flow/System/Node: addresses (with their category), domain
 * names, services (ports, protocol), URLs, and the event times; classification from an
 * IncidentCategory naming an RSIT class/type ("malicious-code/infected-system"), else from
 * the first SystemImpact type where there is an obvious match. reporter = the creator
 * contact's e-mail (or name). Network access is disabled and entities are not expanded.
 * HK_EPARSE: not well-formed XML, or not IODEF; HK_EINVAL: an IODEF document without an
 * Incident or an IncidentID. *submission (caller owns) on success.
 */
hk_err hk_iodef_import(const char *text, size_t len, json_t **submission, struct hk_errmsg *em);

/*
 * What an exported IODEF document says. All strings are borrowed; NULL means absent.
 * observables is a JSON array (borrowed) of objects {"type": T, "value": V, "port"?: N}:
 * T is an observable type name of observables.h ("ipv4", "ipv6", "cidr", "domain", "url",
 * "email", "md5", "sha1", "sha256", "cve", "asn"). Addresses become
 * EventData/Flow/System/Node/Address (ipv4-addr, ipv6-addr, ipv4-net, ipv6-net, asn,
 * e-mail, site-uri for URLs), domains Node/DomainData/Name, "port" a System/Service/Port;
 * hashes and CVE names become EventData/AdditionalData (meaning = the type).
 * This is also the function for notification attachments: pass one team's rows as
 * observables (see include/hikeshi/mail.h).
 */
struct hk_iodef_doc {
    const char *team;          /* required: IncidentID name= (the issuing CSIRT's name) */
    const char *incident_id;   /* required: the IncidentID text, e.g. "42" */
    const char *title;         /* first Description */
    const char *description;   /* second Description */
    const char *tlp;           /* CLEAR/GREEN/AMBER/AMBER+STRICT/RED -> restriction */
    const char *rsit_class;    /* -> Assessment/IncidentCategory "class/type" and the */
    const char *rsit_type;     /*    SystemImpact type where one matches */
    const char *severity;      /* low/medium/high/critical -> SystemImpact severity */
    const char *contact_name;  /* Contact role="creator" (default: team) */
    const char *contact_email; /* its Email/EmailTo */
    const char *status;        /* incident state -> Incident status (new/in-progress/resolved) */
    int64_t report_time;       /* ReportTime (unix seconds; 0 = omit) */
    int64_t generation_time;   /* GenerationTime (0 = now) */
    json_t *observables;       /* borrowed array, may be NULL */
};

/* Writes an IODEF v2 document (UTF-8, valid against iodef-2.0.xsd) into out (appended).
 * HK_EINVAL when team or incident_id is missing; HK_ETOOBIG when out's bound is hit. */
hk_err hk_iodef_write(const struct hk_iodef_doc *doc, struct hk_buf *out, struct hk_errmsg *em);

/* Exports one incident (with the observables the caller may see) as IODEF v2 into out, in
 * the caller's transaction. team names the issuing CSIRT (IncidentID name=); contact_email
 * may be NULL. HK_ENOTFOUND when the incident does not exist or is not visible. */
hk_err hk_iodef_export_incident(struct hk_ctx *ctx, int64_t id, const char *team,
                                const char *contact_email, struct hk_buf *out);

#endif
