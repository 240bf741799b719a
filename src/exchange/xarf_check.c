/* SPDX-License-Identifier: MIT */
/*
 * Validation of X-ARF documents. v3 follows the draft-07 JSON schemas of abusix/xarf
 * (schemas/3: xarf_shared.schema.json and one schema per report type), rule by rule: the
 * top-level "oneOf" over the report types becomes a dispatch on (ReportClass, ReportType),
 * which accepts and rejects exactly the same documents whenever a Report is present (the
 * enums of the type schemas are disjoint), and a missing Report is refused outright (every
 * type schema would match it, so oneOf fails). v4 follows xarf-spec schemas/v4/xarf-core.json.
 * String formats are those of the schemas' validator (ajv): ipv4, ipv6, date-time (RFC 3339
 * section 5.6), email, hostname (RFC 1123), uri (a scheme is required), uuid.
 * Every failure names the member: "X-ARF v3: Report.SourcePort: must be an integer from 0
 * to 65535".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <regex.h>
#include <string.h>

#include "exchange/exchange_int.h"

/* ---- formats ---- */

bool hk_xfmt_ipv4(const char *s)
{
    unsigned char b[4];
    return inet_pton(AF_INET, s, b) == 1;
}

bool hk_xfmt_ipv6(const char *s)
{
    unsigned char b[16];
    return inet_pton(AF_INET6, s, b) == 1;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* RFC 3339 5.6 date-time: full-date "T" full-time, offset Z or +hh:mm. */
bool hk_xfmt_datetime(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int mon, day;

    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2) ||
        s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    mon = num2(s + 5);
    day = num2(s + 8);
    if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || num2(s + 11) > 23 ||
        num2(s + 14) > 59 || num2(s + 17) > 60)
        return false;
    s += 19;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if ((*s == 'Z' || *s == 'z') && !s[1])
        return true;
    return (*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
           !s[6] && num2(s + 1) <= 23 && num2(s + 4) <= 59;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and '-', 1..63 bytes, not
 * starting or ending with '-', 253 bytes in all. */
bool hk_xfmt_hostname(const char *s)
{
    size_t n = strlen(s), lab = 0;

    if (!n || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || !c) {
            if (!lab || lab > 63 || s[i - 1] == '-')
                return false;
            lab = 0;
            continue;
        }
        if (!isalnum((unsigned char)c) && c != '-')
            return false;
        if (!lab && c == '-')
            return false;
        lab++;
    }
    return true;
}

/* An e-mail address as ajv's "email" format: local@domain, the local part of atext and
 * dots, the domain a host name with at least one dot. */
bool hk_xfmt_email(const char *s)
{
    const char *at = strchr(s, '@');
    static const char atext[] = "!#$%&'*+/=?^_`{|}~-.";
    char dom[256];

    if (!at || at == s || strchr(at + 1, '@') || strlen(at + 1) >= sizeof(dom))
        return false;
    for (const char *p = s; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr(atext, *p))
            return false;
    if (s[0] == '.' || at[-1] == '.')
        return false;
    (void)snprintf(dom, sizeof(dom), "%s", at + 1);
    return strchr(dom, '.') && hk_xfmt_hostname(dom);
}

/* RFC 3986 URI: a scheme, ':', and no spaces or controls. */
bool hk_xfmt_uri(const char *s)
{
    const char *p = s;

    if (!isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':' || !p[1])
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' ||
            *p == '\\' || *p == '^' || *p == '`' || *p == '{' || *p == '|' || *p == '}')
            return false;
    return true;
}

bool hk_xfmt_uuid(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};

    if (strlen(s) != 36)
        return false;
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dash[d]) {
            if (s[i] != '-')
                return false;
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* POSIX extended regular expression match of the whole string. */
bool hk_xfmt_match(const char *re, const char *s)
{
    regex_t r;
    bool ok;

    if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB))
        return false;
    ok = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

/* ---- checking helpers: each returns true when the member is acceptable ---- */

static bool fail(struct xchk *c, const char *key, const char *what)
{
    if (c->failed)
        return false;
    c->failed = true;
    (void)hk_errf(c->em, HK_EINVAL, "X-ARF v%d: %s%s%s: %s", c->version, c->path,
                  *c->path && key ? "." : "", key ? key : "", what);
    return false;
}

static const char *shown(json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        (void)snprintf(buf, n, "'%.60s'", json_string_value(v));
    else
        (void)snprintf(buf, n, "%s",
                       json_is_integer(v)   ? "an integer"
                       : json_is_real(v)    ? "a number"
                       : json_is_boolean(v) ? "a boolean"
                       : json_is_array(v)   ? "an array"
                       : json_is_object(v)  ? "an object"
                                            : "null");
    return buf;
}

bool hk_xchk_str(struct xchk *c, json_t *o, const char *k, bool req, size_t minlen,
                 bool (*fmt)(const char *), const char *fmtname)
{
    json_t *v = json_object_get(o, k);
    char b[96];

    if (!v)
        return req ? fail(c, k, "is required") : true;
    if (!json_is_string(v)) {
        char m[128];
        (void)snprintf(m, sizeof(m), "must be a string, not %s", shown(v, b, sizeof(b)));
        return fail(c, k, m);
    }
    if (json_string_length(v) < minlen) {
        (void)snprintf(b, sizeof(b), "must be at least %zu characters long", minlen);
        return fail(c, k, b);
    }
    if (fmt && !fmt(json_string_value(v))) {
        char m[160];
        (void)snprintf(m, sizeof(m), "'%.60s' is not %s", json_string_value(v), fmtname);
        return fail(c, k, m);
    }
    return true;
}

bool hk_xchk_enum(struct xchk *c, json_t *o, const char *k, bool req, const char *const *set)
{
    json_t *v = json_object_get(o, k);
    char b[96], list[160] = "";

    if (!v)
        return req ? fail(c, k, "is required") : true;
    for (int i = 0; set[i]; i++) {
        if (json_is_string(v) && !strcmp(json_string_value(v), set[i]))
            return true;
        (void)snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                       set[i]);
    }
    {
        char m[300];
        (void)snprintf(m, sizeof(m), "%s is not one of %s", shown(v, b, sizeof(b)), list);
        return fail(c, k, m);
    }
}

bool hk_xchk_int(struct xchk *c, json_t *o, const char *k, bool req, json_int_t lo, json_int_t hi)
{
    json_t *v = json_object_get(o, k);
    char m[128];

    if (!v)
        return req ? fail(c, k, "is required") : true;
    if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi)
        return true;
    (void)snprintf(m, sizeof(m), "must be an integer from %lld to %lld", (long long)lo,
                   (long long)hi);
    return fail(c, k, m);
}

bool hk_xchk_type(struct xchk *c, json_t *o, const char *k, bool req, int type)
{
    json_t *v = json_object_get(o, k);
    static const char *const names[] = {"an object", "an array",  "a string",  "an integer",
                                        "a number",  "a boolean", "a boolean", "null"};

    if (!v)
        return req ? fail(c, k, "is required") : true;
    if ((int)json_typeof(v) == type || (type == JSON_TRUE && json_is_boolean(v)) ||
        (type == JSON_REAL && json_is_number(v)))
        return true;
    {
        char m[64];
        (void)snprintf(m, sizeof(m), "must be %s", names[type]);
        return fail(c, k, m);
    }
}

/* Ip of xarf_shared $defs: a string in IPv4 or IPv6 form. */
bool hk_xchk_ip(struct xchk *c, json_t *o, const char *k, bool req)
{
    json_t *v = json_object_get(o, k);
    char b[96];

    if (!v)
        return req ? fail(c, k, "is required") : true;
    if (json_is_string(v) &&
        (hk_xfmt_ipv4(json_string_value(v)) || hk_xfmt_ipv6(json_string_value(v))))
        return true;
    {
        char m[160];
        (void)snprintf(m, sizeof(m), "%s is not an IPv4 or IPv6 address", shown(v, b, sizeof(b)));
        return fail(c, k, m);
    }
}

/* A port, or (lists allowed) an array of ports. */
bool hk_xchk_ports(struct xchk *c, json_t *o, const char *k, bool lists)
{
    json_t *v = json_object_get(o, k), *x;
    size_t i;

    if (!v || (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 65535))
        return true;
    if (lists && json_is_array(v)) {
        json_array_foreach(
            v, i, x) if (!json_is_integer(x) || json_integer_value(x) < 0 ||
                         json_integer_value(x) >
                             65535) return fail(c, k,
                                                "must be a port (0 to 65535) or a list of ports");
        return true;
    }
    return fail(c, k,
                lists ? "must be a port (0 to 65535) or a list of ports"
                      : "must be an integer from 0 to 65535");
}

/* Enters member k (an object) for nested checks; restores the path on leave. */
void hk_xchk_enter(struct xchk *c, const char *k, char *saved, size_t n)
{
    size_t len = strlen(c->path);

    (void)snprintf(saved, n, "%s", c->path);
    (void)snprintf(c->path + len, sizeof(c->path) - len, "%s%s", len ? "." : "", k);
}

void hk_xchk_leave(struct xchk *c, const char *saved)
{
    (void)snprintf(c->path, sizeof(c->path), "%s", saved);
}

/* Rejects members not in allowed (additionalProperties: false). */
bool hk_xchk_only(struct xchk *c, json_t *o, const char *const *allowed)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(allowed[i], k);
        if (!ok)
            return fail(c, k, "is not an allowed member");
    }
    return true;
}

bool hk_xchk_fail(struct xchk *c, const char *k, const char *msg)
{
    return fail(c, k, msg);
}
