/* SPDX-License-Identifier: MIT */
/*
 * X-ARF v3 and v4 documents: the schema rules (with the checkers of xarf_check.c), the
 * mapping of report kinds to RSIT, and the report submission a document becomes. The v3
 * rules are those of abusix/xarf schemas/3 (XarfBase, ReportBase, IpBasedReport,
 * IpAndUrlBasedReport, AccountBasedReport and the mixins WithDestination, WithAttacker,
 * WithTrafficStats, CommonProps, Sample, File, EMail, Service, TransportProtocol,
 * Harassment, CVE, CVSS, Password); the v4 rules those of xarf-spec schemas/v4/xarf-core.json.
 */
#include <string.h>

#include "exchange/exchange_int.h"

/* Mixins of a v3 report type (one bit each). */
enum {
    M_DEST = 1 << 0,
    M_ATTACKER = 1 << 1,
    M_TRAFFIC = 1 << 2,
    M_COMMON = 1 << 3,
    M_FILE = 1 << 4,
    M_EMAIL = 1 << 5,
    M_SERVICE = 1 << 6,
    M_TRANSPORT = 1 << 7,
    M_HARASS = 1 << 8,
    M_CVE = 1 << 9,
    M_CVSS = 1 << 10,
    M_PASSWORD = 1 << 11,
};
enum base { B_IP, B_IPURL, B_ACCOUNT };

struct v3type {
    const char *cls, *type;
    enum base base;
    unsigned mix;
    const char *rsit_class, *rsit_type;
};

/* IMPLEMENTATION-OF: abusix/xarf schemas/3, the 16 report-type schemas of xarf.schema.json. */
static const struct v3type v3types[] = {
    {"Activity", "DOS", B_IP, M_DEST | M_TRAFFIC | M_COMMON, "availability", "ddos"},
    {"Activity", "Exploit", B_IP, M_TRANSPORT | M_CVE | M_CVSS | M_DEST | M_SERVICE | M_COMMON,
     "intrusion-attempts", "exploit"},
    {"Activity", "Harassment", B_IPURL, M_HARASS | M_COMMON, "abusive-content", "harmful-speech"},
    {"Activity", "LoginAttack", B_IP, M_DEST | M_TRAFFIC | M_COMMON, "intrusion-attempts",
     "brute-force"},
    {"Activity", "Malware", B_IP, 0, "malicious-code", "infected-system"}, /* RPZ rewrite */
    {"Activity", "PortScan", B_IP, M_DEST | M_TRAFFIC | M_COMMON, "information-gathering",
     "scanner"},
    {"Activity", "PotentiallyCompromisedAccount", B_ACCOUNT,
     M_ATTACKER | M_DEST | M_COMMON | M_PASSWORD, "intrusions", "unprivileged-account-compromise"},
    {"Activity", "Spam", B_IP, M_DEST | M_COMMON | M_EMAIL, "abusive-content", "spam"},
    {"Activity", "WebCrawler", B_IPURL, M_COMMON, "information-gathering", "scanner"},
    {"Content", "Botnet", B_IPURL, M_COMMON, "malicious-code", "infected-system"},
    {"Content", "ChildAbuse", B_IPURL, 0, "abusive-content", "violence"},
    {"Content", "Copyright", B_IPURL, M_FILE, "fraud", "copyright"},
    {"Content", "Malware", B_IPURL, M_COMMON, "malicious-code", "malware-distribution"},
    {"Content", "Phishing", B_IPURL, M_COMMON, "fraud", "phishing"},
    {"Content", "Trademark", B_IPURL, 0, "fraud", "masquerade"},
    {"Vulnerability", "OpenService", B_IPURL, M_TRANSPORT | M_SERVICE | M_COMMON, "vulnerable",
     "potentially-unwanted-accessible"},
};

static const struct v3type *v3find(const char *cls, const char *type)
{
    for (size_t i = 0; i < sizeof(v3types) / sizeof(v3types[0]); i++)
        if (cls && type && !strcmp(v3types[i].cls, cls) && !strcmp(v3types[i].type, type))
            return &v3types[i];
    return NULL;
}

/* ---- v3: shared definitions ---- */

static bool hash(struct xchk *c, json_t *o, const char *k)
{
    static const char *const algs[] = {"sha1",     "sha2",   "sha3",   "sha256", "sha512", "md5",
                                       "argon2id", "scrypt", "bcrypt", "pbkdf2", NULL};
    json_t *h = json_object_get(o, k);
    char sv[96];
    bool ok;

    if (!h)
        return true;
    if (!json_is_object(h))
        return hk_xchk_type(c, o, k, true, JSON_OBJECT);
    hk_xchk_enter(c, k, sv, sizeof(sv));
    ok = hk_xchk_str(c, h, "HashValue", true, 0, NULL, NULL) &&
         hk_xchk_enum(c, h, "HashAlgorithm", true, algs) &&
         hk_xchk_type(c, h, "HashComplete", false, JSON_TRUE);
    hk_xchk_leave(c, sv);
    return ok;
}

/* ReporterInfo (additionalProperties: false) and OnBehalfOf share one shape. */
static bool party(struct xchk *c, json_t *doc, const char *k, const char *pfx, bool req,
                  bool closed)
{
    static const char *const types[] = {"Org", "Person", NULL};
    static const char *const allowed[] = {
        "ReporterType",        "ReporterOrg",          "ReporterOrgDomain",
        "ReporterOrgEmail",    "ReporterOrgAddress",   "ReporterContactEmail",
        "ReporterContactName", "ReporterContactPhone", NULL};
    json_t *o = json_object_get(doc, k), *t;
    char n[9][48], sv[96];
    bool ok;

    if (!o)
        return req ? hk_xchk_fail(c, k, "is required") : true;
    if (!json_is_object(o))
        return hk_xchk_type(c, doc, k, true, JSON_OBJECT);
    static const char *const sfx[] = {"Type",       "Org",          "OrgDomain",   "OrgEmail",
                                      "OrgAddress", "ContactEmail", "ContactName", "ContactPhone"};
    for (int i = 0; i < 8; i++)
        (void)snprintf(n[i], sizeof(n[i]), "%s%s", pfx, sfx[i]);
    hk_xchk_enter(c, k, sv, sizeof(sv));
    ok = (!closed || hk_xchk_only(c, o, allowed)) && hk_xchk_enum(c, o, n[0], false, types) &&
         hk_xchk_str(c, o, n[1], false, 3, NULL, NULL) &&
         hk_xchk_str(c, o, n[2], false, 0, hk_xfmt_hostname, "a host name") &&
         hk_xchk_str(c, o, n[3], false, 0, hk_xfmt_email, "an e-mail address") &&
         hk_xchk_str(c, o, n[4], false, 0, NULL, NULL) &&
         hk_xchk_str(c, o, n[5], false, 0, hk_xfmt_email, "an e-mail address") &&
         hk_xchk_str(c, o, n[6], false, 3, NULL, NULL) &&
         hk_xchk_str(c, o, n[7], false, 3, NULL, NULL);
    /* if not {Type: const Person} then required Org, OrgDomain, OrgEmail: "not" of a
     * properties schema holds only when Type is present and is not "Person". */
    t = json_object_get(o, n[0]);
    if (ok && t && !(json_is_string(t) && !strcmp(json_string_value(t), "Person")))
        ok = hk_xchk_str(c, o, n[1], true, 3, NULL, NULL) &&
             hk_xchk_str(c, o, n[2], true, 0, hk_xfmt_hostname, "a host name") &&
             hk_xchk_str(c, o, n[3], true, 0, hk_xfmt_email, "an e-mail address");
    hk_xchk_leave(c, sv);
    return ok;
}

static bool str_map(struct xchk *c, json_t *o, const char *k)
{
    json_t *m = json_object_get(o, k), *v;
    const char *key;

    if (!m)
        return true;
    if (!json_is_object(m))
        return hk_xchk_type(c, o, k, true, JSON_OBJECT);
    json_object_foreach(m, key, v) if (!json_is_string(v)) return hk_xchk_type(c, m, key, true,
                                                                               JSON_STRING);
    return true;
}

static bool internal(struct xchk *c, json_t *doc)
{
    json_t *ip = json_object_get(doc, "InternalProcessing"), *x, *tags;
    static const char *const part[] = {"SubscriberInformation", "ContractInformation"};
    static const char *const map[] = {"SubscriberData", "ResolverData"};
    char sv[96], sv2[96];
    bool ok = true;
    size_t i;

    if (!ip)
        return true;
    if (!json_is_object(ip))
        return hk_xchk_type(c, doc, "InternalProcessing", true, JSON_OBJECT);
    hk_xchk_enter(c, "InternalProcessing", sv, sizeof(sv));
    for (int p = 0; p < 2 && ok; p++) {
        x = json_object_get(ip, part[p]);
        if (!x)
            continue;
        if (!json_is_object(x)) {
            ok = hk_xchk_type(c, ip, part[p], true, JSON_OBJECT);
            break;
        }
        hk_xchk_enter(c, part[p], sv2, sizeof(sv2));
        ok = hk_xchk_str(c, x, "ID", false, 0, NULL, NULL) && str_map(c, x, map[p]);
        hk_xchk_leave(c, sv2);
    }
    tags = json_object_get(ip, "EventTags");
    if (ok && tags && !json_is_array(tags))
        ok = hk_xchk_type(c, ip, "EventTags", true, JSON_ARRAY);
    json_array_foreach(ok ? tags : NULL, i, x) if (!json_is_string(x)) ok =
        hk_xchk_fail(c, "EventTags", "must hold strings only");
    hk_xchk_leave(c, sv);
    return ok;
}

/* ---- v3: the report part ---- */

static bool report_base(struct xchk *c, json_t *r)
{
    static const char *const classes[] = {"Content", "Activity", "Vulnerability", NULL};
    static const char *const sev[] = {"low", "medium", "high", NULL};
    json_t *custom = json_object_get(r, "Custom"), *v;
    const char *k;

    if (!hk_xchk_enum(c, r, "ReportClass", true, classes) ||
        !hk_xchk_str(c, r, "ReportType", true, 1, NULL, NULL) ||
        !hk_xchk_str(c, r, "ReportSubType", false, 0, NULL, NULL) ||
        !hk_xchk_str(c, r, "ReporterCaseID", false, 0, NULL, NULL) ||
        !hk_xchk_enum(c, r, "ReporterSeverity", false, sev) ||
        !hk_xchk_str(c, r, "ReporterNotes", false, 0, NULL, NULL))
        return false;
    if (custom && !json_is_object(custom))
        return hk_xchk_type(c, r, "Custom", true, JSON_OBJECT);
    json_object_foreach(
        custom, k,
        v) if (!json_is_string(v) &&
               !json_is_integer(v)) return hk_xchk_fail(c, "Custom",
                                                        "values must be strings or integers");
    return hk_xchk_str(c, r, "Date", true, 0, hk_xfmt_datetime, "an RFC 3339 date-time") &&
           hk_xchk_str(c, r, "FirstSeen", false, 0, hk_xfmt_datetime, "an RFC 3339 date-time");
}

static bool asn(struct xchk *c, json_t *r)
{
    return hk_xchk_int(c, r, "ASN", false, 1, 4199999999LL);
}

/* The anyOf of IpAndUrlBasedReport, without recording a failure. */
static bool ipurl_holds(json_t *r)
{
    json_t *ip = json_object_get(r, "SourceIp"), *url = json_object_get(r, "SourceUrl");
    json_t *a = json_object_get(r, "ASN");
    bool ipok = json_is_string(ip) &&
                (hk_xfmt_ipv4(json_string_value(ip)) || hk_xfmt_ipv6(json_string_value(ip))) &&
                (!a || (json_is_integer(a) && json_integer_value(a) >= 1 &&
                        json_integer_value(a) <= 4199999999LL));
    bool urlok = json_is_string(url) && hk_xfmt_uri(json_string_value(url));
    return ipok || urlok;
}

static bool base(struct xchk *c, json_t *r, enum base b)
{
    json_t *acct;
    char sv[96];
    bool ok;

    if (!report_base(c, r))
        return false;
    switch (b) {
    case B_IP:
        return hk_xchk_ip(c, r, "SourceIp", true) && hk_xchk_ports(c, r, "SourcePort", false) &&
               asn(c, r);
    case B_IPURL:
        if (!hk_xchk_ports(c, r, "SourcePort", false))
            return false;
        if (ipurl_holds(r))
            return true;
        if (json_object_get(r, "SourceIp"))
            return hk_xchk_ip(c, r, "SourceIp", true) && asn(c, r);
        if (json_object_get(r, "SourceUrl"))
            return hk_xchk_str(c, r, "SourceUrl", true, 0, hk_xfmt_uri, "a URI");
        return hk_xchk_fail(c, NULL, "needs a SourceIp or a SourceUrl");
    case B_ACCOUNT:
        acct = json_object_get(r, "Account");
        if (!acct)
            return hk_xchk_fail(c, "Account", "is required");
        if (!json_is_object(acct))
            return hk_xchk_type(c, r, "Account", true, JSON_OBJECT);
        if (!json_object_size(acct))
            return hk_xchk_fail(c, "Account", "must have at least one member");
        hk_xchk_enter(c, "Account", sv, sizeof(sv));
        ok = hk_xchk_str(c, acct, "AccountIdentifier", false, 0, NULL, NULL) &&
             hk_xchk_str(c, acct, "AccountEmail", false, 0, NULL, NULL);
        if (ok && json_is_string(json_object_get(acct, "AccountIdentifier")) &&
            hk_xfmt_email(json_string_value(json_object_get(acct, "AccountIdentifier"))))
            ok = hk_xchk_fail(c, "AccountIdentifier",
                              "is an e-mail address; use AccountEmail for those");
        hk_xchk_leave(c, sv);
        return ok;
    }
    return false;
}

static bool sample(struct xchk *c, json_t *s)
{
    json_t *b64 = json_object_get(s, "Base64Encoded"), *d = json_object_get(s, "Description");
    json_t *ct = json_object_get(s, "ContentType"), *p = json_object_get(s, "Payload");
    json_t *fn = json_object_get(s, "FileName"), *fs = json_object_get(s, "FileSize");
    bool content = json_is_string(ct) && json_is_string(p) && (!b64 || json_is_boolean(b64)) &&
                   (!d || json_is_string(d));
    bool file = json_is_string(fn) && (!fs || (json_is_integer(fs) && json_integer_value(fs) >= 0));

    if (!json_is_object(s))
        return hk_xchk_fail(c, NULL, "must be an object");
    if (file && !content)
        return hash(c, s, "FileHash");
    if (content)
        return true;
    if (!ct || !p)
        return hk_xchk_fail(c, NULL, "needs ContentType and Payload (or a FileName)");
    return hk_xchk_str(c, s, "ContentType", true, 0, NULL, NULL) &&
           hk_xchk_str(c, s, "Payload", true, 0, NULL, NULL) &&
           hk_xchk_type(c, s, "Base64Encoded", false, JSON_TRUE) &&
           hk_xchk_str(c, s, "Description", false, 0, NULL, NULL);
}

static bool common(struct xchk *c, json_t *r)
{
    json_t *ss = json_object_get(r, "Samples"), *s;
    char sv[96], idx[32];
    size_t i;

    if (!hk_xchk_type(c, r, "Ongoing", false, JSON_TRUE) ||
        !hk_xchk_str(c, r, "ThreatActor", false, 0, NULL, NULL))
        return false;
    if (!ss)
        return true;
    if (!json_is_array(ss))
        return hk_xchk_type(c, r, "Samples", true, JSON_ARRAY);
    if (!json_array_size(ss))
        return hk_xchk_fail(c, "Samples", "must not be empty");
    json_array_foreach(ss, i, s)
    {
        bool ok;
        (void)snprintf(idx, sizeof(idx), "Samples[%zu]", i);
        hk_xchk_enter(c, idx, sv, sizeof(sv));
        ok = sample(c, s);
        hk_xchk_leave(c, sv);
        if (!ok)
            return false;
    }
    return true;
}

static bool cvss(struct xchk *c, json_t *r)
{
    static const char *const vers[] = {"3.1", "3.0", "2", NULL};
    static const char *const sev2[] = {"Low", "Medium", "High", NULL};
    static const char *const sev3[] = {"None", "Low", "Medium", "High", "Critical", NULL};
    static const char v2re[] =
        "^\\(?AV:[LAN]/AC:[HML]/Au:[MSN]/C:[NPC]/I:[NPC]/A:[NPC](/E:((ND)|(POC)|[UFH])/RL:([WU]|"
        "(ND)|(OF)|(TF))/RC:(C|(ND)|(UC)|(UR)))?(/CDP:([NLH]|ND|LM|MH)/TD:(ND|[NLMH])/CR:(ND|[NLMH]"
        ")/IR:(ND|[LMH])/AR:(ND|[LMH]))?\\)?$";
    static const char v3re[] =
        "^CVSS:3.[01]/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[NLH]/I:[NLH]/A:[NLH](/E:[XUPFH]"
        "/RL:[XOTWU]/RC:[XURC])?(/CR:[XLMH]/IR:[XLMH]/AR:[XLMH]/MAV:[XNALP]/MAC:[XLH]/MPR:[XNLH]/"
        "MUI:[XNR]/MS:[XUC]/MC:[XNLH]/MI:[XNLH]/MA:[XNLH])?$";
    json_t *o = json_object_get(r, "CVSS"), *ver, *vec;
    char sv[96];
    bool ok, two;

    if (!o)
        return true;
    if (!json_is_object(o))
        return hk_xchk_type(c, r, "CVSS", true, JSON_OBJECT);
    hk_xchk_enter(c, "CVSS", sv, sizeof(sv));
    ok = hk_xchk_enum(c, o, "Version", true, vers) &&
         hk_xchk_str(c, o, "Vector", true, 0, NULL, NULL) &&
         hk_xchk_type(c, o, "Score", false, JSON_REAL) &&
         hk_xchk_str(c, o, "Severity", false, 0, NULL, NULL);
    ver = json_object_get(o, "Version");
    vec = json_object_get(o, "Vector");
    two = json_is_string(ver) && !strcmp(json_string_value(ver), "2");
    if (ok)
        ok = hk_xchk_enum(c, o, "Severity", false, two ? sev2 : sev3);
    if (ok && !hk_xfmt_match(two ? v2re : v3re, json_string_value(vec)))
        ok = hk_xchk_fail(c, "Vector", two ? "is not a CVSS v2 vector" : "is not a CVSS v3 vector");
    hk_xchk_leave(c, sv);
    return ok;
}

static bool mixins(struct xchk *c, json_t *r, unsigned m)
{
    static const char *const tp[] = {"tcp", "udp", NULL};
    static const char *const htype[] = {"doxing",     "stalking",  "sexual", "believes",
                                        "defamation", "extortion", "hate",   NULL};
    static const char *const hloc[] = {"website", "chat", "game", NULL};

    if ((m & M_DEST) && (!hk_xchk_ip(c, r, "DestinationIp", false) ||
                         !hk_xchk_ports(c, r, "DestinationPort", true)))
        return false;
    if ((m & M_ATTACKER) &&
        (!hk_xchk_ip(c, r, "AttackerIp", false) || !hk_xchk_ports(c, r, "AttackerPort", true)))
        return false;
    if ((m & M_TRAFFIC) && (!hk_xchk_type(c, r, "ByteCount", false, JSON_INTEGER) ||
                            !hk_xchk_type(c, r, "PacketCount", false, JSON_INTEGER)))
        return false;
    if ((m & M_COMMON) && !common(c, r))
        return false;
    if ((m & M_FILE) &&
        (!hk_xchk_str(c, r, "FileName", true, 0, NULL, NULL) ||
         !hk_xchk_int(c, r, "FileSize", false, 0, INT64_MAX) || !hash(c, r, "FileHash")))
        return false;
    if ((m & M_EMAIL) &&
        (!hk_xchk_str(c, r, "SmtpMailFromAddress", false, 0, hk_xfmt_email, "an e-mail address") ||
         !hk_xchk_str(c, r, "SmtpRcptToAddress", false, 0, hk_xfmt_email, "an e-mail address")))
        return false;
    if ((m & M_SERVICE) && (!hk_xchk_str(c, r, "ServiceName", false, 0, NULL, NULL) ||
                            !hk_xchk_str(c, r, "ServiceVersion", false, 0, NULL, NULL)))
        return false;
    if ((m & M_TRANSPORT) && !hk_xchk_enum(c, r, "TransportProtocol", false, tp))
        return false;
    if ((m & M_HARASS) && (!hk_xchk_str(c, r, "Harasser", true, 0, NULL, NULL) ||
                           !hk_xchk_str(c, r, "HarassmentDescription", true, 0, NULL, NULL) ||
                           !hk_xchk_enum(c, r, "HarassmentType", false, htype) ||
                           !hk_xchk_enum(c, r, "HarassmentLocation", false, hloc)))
        return false;
    if ((m & M_CVE) && json_object_get(r, "CVE") &&
        (!hk_xchk_str(c, r, "CVE", true, 0, NULL, NULL) ||
         !hk_xfmt_match("^CVE-[0-9]{4}-[0-9]{4,7}$", json_string_value(json_object_get(r, "CVE")))))
        return c->failed ? false : hk_xchk_fail(c, "CVE", "is not a CVE name (CVE-YYYY-NNNN)");
    if ((m & M_CVSS) && !cvss(c, r))
        return false;
    return !(m & M_PASSWORD) || hash(c, r, "PasswordHash");
}

/* The members a report type adds itself (its own "properties" and "required"). */
static bool own(struct xchk *c, json_t *r, const struct v3type *t)
{
    static const char *const rpz[] = {"RPZ-Rewrite", NULL};

    if (!strcmp(t->type, "Botnet"))
        return hk_xchk_str(c, r, "BotnetName", false, 0, NULL, NULL);
    if (!strcmp(t->type, "Copyright"))
        return hk_xchk_str(c, r, "InfringedMaterial", true, 0, NULL, NULL) &&
               hk_xchk_str(c, r, "MaterialType", false, 0, NULL, NULL) &&
               hk_xchk_str(c, r, "SharingProtocol", false, 0, NULL, NULL) &&
               hk_xchk_str(c, r, "CourtOrder", false, 0, hk_xfmt_uri, "a URI");
    if (!strcmp(t->type, "Malware") && !strcmp(t->cls, "Activity"))
        return hk_xchk_enum(c, r, "ReportSubType", false, rpz) &&
               hk_xchk_str(c, r, "RpzDomain", false, 0, hk_xfmt_hostname, "a host name") &&
               hk_xchk_str(c, r, "MalwareName", false, 0, NULL, NULL);
    if (!strcmp(t->type, "Malware"))
        return hk_xchk_str(c, r, "MalwareName", false, 0, NULL, NULL);
    if (!strcmp(t->type, "Phishing"))
        return hk_xchk_str(c, r, "SourceUrl", true, 0, NULL, NULL);
    if (!strcmp(t->type, "Trademark"))
        return hk_xchk_str(c, r, "TrademarkedMaterial", true, 0, NULL, NULL) &&
               hk_xchk_str(c, r, "RegistrationOffice", false, 0, NULL, NULL) &&
               hk_xchk_str(c, r, "RegistrationNumber", false, 0, NULL, NULL);
    if (!strcmp(t->type, "OpenService"))
        return hk_xchk_str(c, r, "ServiceName", true, 0, NULL, NULL);
    if (!strcmp(t->type, "PotentiallyCompromisedAccount") && ipurl_holds(r) &&
        hk_xchk_ports(c, r, "SourcePort", false))
        return hk_xchk_fail(c, NULL,
                            "a PotentiallyCompromisedAccount report must not name its source "
                            "(SourceIp, SourceUrl); use AttackerIp");
    return true;
}

hk_err hk_xarf3_validate(json_t *doc, struct hk_errmsg *em)
{
    struct xchk c = {em, 3, false, ""};
    json_t *r = json_object_get(doc, "Report"), *ver = json_object_get(doc, "Version");
    const struct v3type *t;
    char sv[96];
    bool ok;

    if (!json_is_object(doc))
        return hk_errf(em, HK_EINVAL, "X-ARF v3: the document must be a JSON object");
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "3"))
        return hk_errf(em, HK_EINVAL, "X-ARF v3: Version: must be \"3\"");
    if (!hk_xchk_type(&c, doc, "Disclosure", true, JSON_TRUE) ||
        !party(&c, doc, "ReporterInfo", "Reporter", true, true) ||
        !party(&c, doc, "OnBehalfOf", "Complainant", false, false) || !internal(&c, doc))
        return HK_EINVAL;
    if (!r)
        return hk_errf(em, HK_EINVAL, "X-ARF v3: Report: is required");
    if (!json_is_object(r))
        return hk_errf(em, HK_EINVAL, "X-ARF v3: Report: must be an object");
    hk_xchk_enter(&c, "Report", sv, sizeof(sv));
    t = v3find(hk_jstr_or(r, "ReportClass"), hk_jstr_or(r, "ReportType"));
    if (!t && report_base(&c, r)) {
        char m[200];
        (void)snprintf(m, sizeof(m), "unknown report kind '%.40s/%.40s'",
                       hk_jstr_or(r, "ReportClass"), hk_jstr_or(r, "ReportType"));
        (void)hk_xchk_fail(&c, NULL, m);
    }
    ok = t && base(&c, r, t->base) && mixins(&c, r, t->mix) && own(&c, r, t);
    hk_xchk_leave(&c, sv);
    return ok ? HK_OK : HK_EINVAL;
}

/* ---- v4 (xarf-core.json) ---- */

static bool contact(struct xchk *c, json_t *doc, const char *k)
{
    static const char *const allowed[] = {"org", "contact", "domain", NULL};
    json_t *o = json_object_get(doc, k);
    char sv[96];
    bool ok;

    if (!o)
        return hk_xchk_fail(c, k, "is required");
    if (!json_is_object(o))
        return hk_xchk_type(c, doc, k, true, JSON_OBJECT);
    hk_xchk_enter(c, k, sv, sizeof(sv));
    ok = hk_xchk_only(c, o, allowed) && hk_xchk_str(c, o, "org", true, 0, NULL, NULL) &&
         hk_xchk_str(c, o, "contact", true, 0, hk_xfmt_email, "an e-mail address") &&
         hk_xchk_str(c, o, "domain", true, 0, hk_xfmt_hostname, "a host name");
    if (ok && json_string_length(json_object_get(o, "org")) > 200)
        ok = hk_xchk_fail(c, "org", "must be at most 200 characters long");
    hk_xchk_leave(c, sv);
    return ok;
}

static bool evidence(struct xchk *c, json_t *doc)
{
    static const char *const allowed[] = {"content_type", "description", "payload",
                                          "hash",         "size",        NULL};
    json_t *ev = json_object_get(doc, "evidence"), *e;
    char sv[96], idx[32];
    size_t i;

    if (!ev)
        return true;
    if (!json_is_array(ev))
        return hk_xchk_type(c, doc, "evidence", true, JSON_ARRAY);
    if (json_array_size(ev) > 50)
        return hk_xchk_fail(c, "evidence", "must have at most 50 items");
    json_array_foreach(ev, i, e)
    {
        bool ok;
        (void)snprintf(idx, sizeof(idx), "evidence[%zu]", i);
        if (!json_is_object(e))
            return hk_xchk_fail(c, idx, "must be an object");
        hk_xchk_enter(c, idx, sv, sizeof(sv));
        ok = hk_xchk_only(c, e, allowed) &&
             hk_xchk_str(c, e, "content_type", true, 0, NULL, NULL) &&
             hk_xchk_str(c, e, "payload", true, 0, NULL, NULL) &&
             hk_xchk_str(c, e, "description", false, 0, NULL, NULL) &&
             hk_xchk_int(c, e, "size", false, 0, 5242880);
        if (ok && json_string_length(json_object_get(e, "description")) > 500)
            ok = hk_xchk_fail(c, "description", "must be at most 500 characters long");
        if (ok && json_object_get(e, "hash") &&
            (!hk_xchk_str(c, e, "hash", true, 0, NULL, NULL) ||
             !hk_xfmt_match("^(md5|sha1|sha256|sha512):[a-fA-F0-9]+$",
                            json_string_value(json_object_get(e, "hash")))))
            ok = c->failed ? false : hk_xchk_fail(c, "hash", "must be 'algorithm:hex'");
        hk_xchk_leave(c, sv);
        if (!ok)
            return false;
    }
    return true;
}

static bool tags(struct xchk *c, json_t *doc)
{
    json_t *t = json_object_get(doc, "tags"), *x;
    size_t i;

    if (!t)
        return true;
    if (!json_is_array(t) || json_array_size(t) > 20)
        return hk_xchk_fail(c, "tags", "must be an array of at most 20 tags");
    json_array_foreach(
        t, i, x) if (!json_is_string(x) ||
                     !hk_xfmt_match(
                         "^[a-z0-9][a-z0-9_+-]*:[a-z0-9][-a-z0-9_+.]*$",
                         json_string_value(
                             x))) return hk_xchk_fail(c, "tags",
                                                      "must hold 'namespace:predicate' strings");
    return true;
}

hk_err hk_xarf4_validate(json_t *doc, struct hk_errmsg *em)
{
    static const char *const cats[] = {
        "messaging",     "content",        "copyright",  "connection",
        "vulnerability", "infrastructure", "reputation", NULL};
    static const char *const legacy[] = {"3", NULL};
    struct xchk c = {em, 4, false, ""};
    json_t *conf = json_object_get(doc, "confidence");

    if (!json_is_object(doc))
        return hk_errf(em, HK_EINVAL, "X-ARF v4: the document must be a JSON object");
    if (!hk_xchk_str(&c, doc, "xarf_version", true, 0, NULL, NULL))
        return HK_EINVAL;
    if (!hk_xfmt_match("^4\\.[0-9]+\\.[0-9]+$",
                       json_string_value(json_object_get(doc, "xarf_version"))))
        return hk_errf(em, HK_EINVAL, "X-ARF v4: xarf_version: must be 4.x.y");
    if (!hk_xchk_str(&c, doc, "report_id", true, 0, hk_xfmt_uuid, "a UUID") ||
        !hk_xchk_str(&c, doc, "timestamp", true, 0, hk_xfmt_datetime, "an RFC 3339 date-time") ||
        !contact(&c, doc, "reporter") || !contact(&c, doc, "sender") ||
        !hk_xchk_str(&c, doc, "source_identifier", true, 1, NULL, NULL) ||
        !hk_xchk_int(&c, doc, "source_port", false, 1, 65535) ||
        !hk_xchk_enum(&c, doc, "category", true, cats) ||
        !hk_xchk_str(&c, doc, "type", true, 1, NULL, NULL) ||
        !hk_xchk_str(&c, doc, "evidence_source", false, 0, NULL, NULL) || !evidence(&c, doc) ||
        !tags(&c, doc) || !hk_xchk_str(&c, doc, "description", false, 0, NULL, NULL) ||
        !hk_xchk_enum(&c, doc, "legacy_version", false, legacy) ||
        !hk_xchk_type(&c, doc, "_internal", false, JSON_OBJECT))
        return HK_EINVAL;
    if (json_string_length(json_object_get(doc, "description")) > 1000)
        return hk_errf(em, HK_EINVAL,
                       "X-ARF v4: description: must be at most 1000 characters long");
    if (conf &&
        (!json_is_number(conf) || json_number_value(conf) < 0.0 || json_number_value(conf) > 1.0))
        return hk_errf(em, HK_EINVAL, "X-ARF v4: confidence: must be a number from 0 to 1");
    return HK_OK;
}

/* ---- classification ---- */

struct v4map {
    const char *cat, *type, *rc, *rt;
};

/* Type NULL: the category's default for a type not listed. */
static const struct v4map v4types[] = {
    {"messaging", "phishing", "fraud", "phishing"},
    {"messaging", NULL, "abusive-content", "spam"},
    {"connection", "login_attack", "intrusion-attempts", "brute-force"},
    {"connection", "auth_failure", "intrusion-attempts", "brute-force"},
    {"connection", "port_scan", "information-gathering", "scanner"},
    {"connection", "reconnaissance", "information-gathering", "scanner"},
    {"connection", "scraping", "information-gathering", "scanner"},
    {"connection", "vuln_scanning", "information-gathering", "scanner"},
    {"connection", "vulnerability_scan", "information-gathering", "scanner"},
    {"connection", "ddos", "availability", "ddos"},
    {"connection", "ddos_amplification", "availability", "ddos"},
    {"connection", "bot", "malicious-code", "infected-system"},
    {"connection", "infected_host", "malicious-code", "infected-system"},
    {"connection", "sql_injection", "intrusion-attempts", "exploit"},
    {"connection", NULL, "other", "undetermined"},
    {"vulnerability", "open", "vulnerable", "potentially-unwanted-accessible"},
    {"vulnerability", "open_service", "vulnerable", "potentially-unwanted-accessible"},
    {"vulnerability", NULL, "vulnerable", "vulnerable-system"},
    {"infrastructure", "botnet", "malicious-code", "c2-server"},
    {"infrastructure", "bot", "malicious-code", "infected-system"},
    {"infrastructure", "compromised_account", "intrusions", "unprivileged-account-compromise"},
    {"infrastructure", NULL, "intrusions", "system-compromise"},
    {"content", "phishing", "fraud", "phishing"},
    {"content", "malware", "malicious-code", "malware-distribution"},
    {"content", "malware_distribution", "malicious-code", "malware-distribution"},
    {"content", "csam", "abusive-content", "violence"},
    {"content", "csem", "abusive-content", "violence"},
    {"content", "exposed_data", "information-content-security", "data-leak"},
    {"content", "brand_infringement", "fraud", "masquerade"},
    {"content", "fraud", "fraud", "masquerade"},
    {"content", "remote_compromise", "intrusions", "system-compromise"},
    {"content", "defacement", "intrusions", "application-compromise"},
    {"content", "web_hack", "intrusions", "application-compromise"},
    {"content", "spamvertised", "abusive-content", "spam"},
    {"content", NULL, "other", "undetermined"},
    {"copyright", NULL, "fraud", "copyright"},
    {"reputation", NULL, "other", "undetermined"},
};

hk_err hk_xarf_rsit(int version, const char *cls, const char *type, const char **rsit_class,
                    const char **rsit_type)
{
    if (!cls || !type)
        return HK_ENOTFOUND;
    if (version == 3) {
        const struct v3type *t = v3find(cls, type);
        if (!t)
            return HK_ENOTFOUND;
        *rsit_class = t->rsit_class;
        *rsit_type = t->rsit_type;
        return HK_OK;
    }
    for (size_t i = 0; i < sizeof(v4types) / sizeof(v4types[0]); i++)
        if (!strcmp(v4types[i].cat, cls) && (!v4types[i].type || !strcmp(v4types[i].type, type))) {
            *rsit_class = v4types[i].rc;
            *rsit_type = v4types[i].rt;
            return HK_OK;
        }
    return HK_ENOTFOUND;
}
