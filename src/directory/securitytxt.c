/* SPDX-License-Identifier: MIT */
/*
 * security.txt (RFC 9116): the machine-readable contact file a team publishes under
 * /.well-known/. Section 2.5 (line format): "Field-Name: value", names case-insensitive,
 * '#' starts a comment, CRLF or LF. Section 2.3: the file may be an OpenPGP cleartext
 * signed message (RFC 4880 section 7); we take the signed text (undoing dash-escaping,
 * section 7.1) and leave the signature alone: hikeshi records what the team says, it does
 * not claim to have checked who said it. The parser is pure and bounded (fuzz target
 * fuzz_securitytxt.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/directory.h"

#define MAX_INPUT (256u * 1024u)
#define MAX_VALUE 1024

static const char BEGIN_SIGNED[] = "-----BEGIN PGP SIGNED MESSAGE-----";
static const char BEGIN_SIG[] = "-----BEGIN PGP SIGNATURE-----";

void hk_securitytxt_release(struct hk_securitytxt *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ncontacts; i++)
        free(s->contacts[i]);
    free(s->encryption);
    free(s->policy);
    free(s->languages);
    memset(s, 0, sizeof(*s));
}

/* Parses "2026-12-31T23:59:59Z", also with fractional seconds ("...59.000Z"). */
static hk_err parse_expires(const char *v, int64_t *out)
{
    char buf[64];
    const char *dot = strchr(v, '.');
    size_t n = strlen(v);

    if (!hk_time_parse(v, out))
        return HK_OK;
    if (!dot || n >= sizeof(buf))
        return HK_EPARSE;
    {
        const char *q = dot + 1;
        size_t k = (size_t)(dot - v);
        while (*q >= '0' && *q <= '9')
            q++;
        if (q == dot + 1 || k + strlen(q) >= sizeof(buf))
            return HK_EPARSE;
        memcpy(buf, v, k);
        memcpy(buf + k, q, strlen(q) + 1);
    }
    return hk_time_parse(buf, out) ? HK_EPARSE : HK_OK;
}

static hk_err field(struct hk_securitytxt *s, const char *name, size_t nn, const char *v,
                    unsigned line, struct hk_errmsg *em)
{
#define IS(lit) (nn == sizeof(lit) - 1 && !strncasecmp(name, lit, nn))
    if (IS("Contact")) {
        if (s->ncontacts < sizeof(s->contacts) / sizeof(s->contacts[0]))
            s->contacts[s->ncontacts++] = hk_xstrdup(v);
    } else if (IS("Encryption")) {
        if (!s->encryption)
            s->encryption = hk_xstrdup(v);
    } else if (IS("Policy")) {
        if (!s->policy)
            s->policy = hk_xstrdup(v);
    } else if (IS("Preferred-Languages")) {
        if (s->languages)
            return hk_errf(em, HK_EPARSE, "line %u: Preferred-Languages given twice", line);
        s->languages = hk_xstrdup(v);
    } else if (IS("Expires")) {
        if (s->expires)
            return hk_errf(em, HK_EPARSE, "line %u: Expires given twice", line);
        if (parse_expires(v, &s->expires) || !s->expires)
            return hk_errf(em, HK_EPARSE, "line %u: Expires '%.40s' is not an RFC 3339 time", line,
                           v);
    }
    return HK_OK;
#undef IS
}

/* One logical line [p, e): a comment, blank, or "Name: value". */
static hk_err line_of(struct hk_securitytxt *s, const char *p, const char *e, unsigned line,
                      struct hk_errmsg *em)
{
    const char *colon, *v;
    char val[MAX_VALUE + 1];
    size_t vn;

    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p == e || *p == '#')
        return HK_OK;
    colon = memchr(p, ':', (size_t)(e - p));
    if (!colon || colon == p)
        return hk_errf(em, HK_EPARSE, "line %u: expected 'Field: value'", line);
    for (const char *q = p; q < colon; q++)
        if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
              *q == '-'))
            return hk_errf(em, HK_EPARSE, "line %u: bad field name", line);
    v = colon + 1;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    vn = (size_t)(e - v);
    if (vn > MAX_VALUE)
        return hk_errf(em, HK_EPARSE, "line %u: value longer than %d bytes", line, MAX_VALUE);
    if (!vn)
        return hk_errf(em, HK_EPARSE, "line %u: empty value", line);
    memcpy(val, v, vn);
    val[vn] = '\0';
    if (memchr(val, '\0', vn))
        return hk_errf(em, HK_EPARSE, "line %u: NUL byte", line);
    return field(s, p, (size_t)(colon - p), val, line, em);
}

static bool starts(const char *p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - p) >= n && !memcmp(p, lit, n);
}

hk_err hk_securitytxt_parse(const char *p, size_t n, struct hk_securitytxt *out,
                            struct hk_errmsg *em)
{
    const char *end = p + n;
    unsigned line = 0;
    int state = 0; /* 0 plain, 1 armor headers, 2 signed text, 3 signature */
    hk_err err = HK_OK;

    memset(out, 0, sizeof(*out));
    if (n > MAX_INPUT)
        return hk_errf(em, HK_ETOOBIG, "security.txt larger than %u bytes", MAX_INPUT);
    while (p < end && !err) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        if (le > p && le[-1] == '\r')
            le--;
        if (line == 1 && starts(p, le, BEGIN_SIGNED)) {
            out->signed_ = true;
            state = 1;
        } else if (state == 1 && (le == p || starts(p, le, "Hash:") || starts(p, le, "Charset:"))) {
            if (le == p)
                state = 2; /* the blank line ends the armor headers ("Hash: SHA512") */
        } else if (state == 2 && starts(p, le, BEGIN_SIG)) {
            state = 3;
        } else if (state == 0 || state == 2 || state == 1) {
            const char *q = p;
            /* Lenient: a file whose blank line after the armor headers was lost. */
            state = state == 1 ? 2 : state;
            if (state == 2 && starts(p, le, "- "))
                q += 2; /* dash-escaped line */
            err = line_of(out, q, le, line, em);
        }
        p = nl ? nl + 1 : end;
    }
    if (!err && out->signed_ && state != 3)
        err = hk_errf(em, HK_EPARSE, "signed security.txt without a signature block");
    if (!err && !out->ncontacts)
        err = hk_errf(em, HK_EPARSE, "no Contact field (RFC 9116 section 2.5.3 requires one)");
    if (err)
        hk_securitytxt_release(out);
    return err;
}
