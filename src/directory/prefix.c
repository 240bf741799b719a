/* SPDX-License-Identifier: MIT */
/*
 * The values a constituency is made of, parsed strictly and written canonically so that
 * one network, domain or AS has exactly one spelling in the database (which is what makes
 * the "one owner per value" rule enforceable by a unique index): prefixes in inet_ntop
 * form with host bits refused, domains lower-cased without a trailing dot, ASNs as
 * decimal numbers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hikeshi/directory.h"

void hk_prefix_fmt(const struct hk_prefix *p, char out[64])
{
    char a[INET6_ADDRSTRLEN];

    if (!inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a)))
        a[0] = '\0';
    (void)snprintf(out, 64, "%s/%u", a, p->len);
}

static void mask_bits(uint8_t *addr, unsigned nbytes, unsigned len)
{
    for (unsigned i = 0; i < nbytes; i++) {
        unsigned keep = len > 8 * i ? len - 8 * i : 0;
        if (keep < 8)
            addr[i] &= (uint8_t)(0xff00u >> keep);
    }
}

hk_err hk_prefix_parse(const char *s, bool mask, struct hk_prefix *out, struct hk_errmsg *em)
{
    char buf[64], canon[64];
    const char *slash;
    size_t alen;
    unsigned maxlen, len;
    struct hk_prefix p;

    memset(&p, 0, sizeof(p));
    memset(out, 0, sizeof(*out));
    if (!s || !*s)
        return hk_errf(em, HK_EINVAL, "empty network prefix");
    slash = strchr(s, '/');
    alen = slash ? (size_t)(slash - s) : strlen(s);
    if (alen >= sizeof(buf))
        return hk_errf(em, HK_EINVAL, "'%.64s' is not a network prefix", s);
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    if (inet_pton(AF_INET, buf, p.addr) == 1)
        p.family = 4;
    else if (inet_pton(AF_INET6, buf, p.addr) == 1)
        p.family = 6;
    else
        return hk_errf(em, HK_EINVAL, "'%.64s' is not an IPv4 or IPv6 network prefix", s);
    maxlen = p.family == 4 ? 32 : 128;
    len = maxlen;
    if (slash) {
        const char *d = slash + 1;
        len = 0;
        if (!*d || strlen(d) > 3)
            return hk_errf(em, HK_EINVAL, "'%.64s': bad prefix length", s);
        for (; *d; d++) {
            if (*d < '0' || *d > '9')
                return hk_errf(em, HK_EINVAL, "'%.64s': bad prefix length", s);
            len = len * 10 + (unsigned)(*d - '0');
        }
        if (len > maxlen || (slash[1] == '0' && slash[2]))
            return hk_errf(em, HK_EINVAL, "'%.64s': prefix length must be 0 to %u", s, maxlen);
    }
    p.len = (uint8_t)len;
    {
        struct hk_prefix m = p;
        mask_bits(m.addr, maxlen / 8, len);
        if (memcmp(m.addr, p.addr, 16) && !mask) {
            hk_prefix_fmt(&m, canon);
            return hk_errf(em, HK_EINVAL, "'%.64s' has host bits set; the network is %s", s, canon);
        }
        p = m;
    }
    *out = p;
    return HK_OK;
}

bool hk_prefix_covers(const struct hk_prefix *p, const struct hk_prefix *a)
{
    uint8_t x[16];

    if (p->family != a->family || a->len < p->len)
        return false;
    memcpy(x, a->addr, 16);
    mask_bits(x, p->family == 4 ? 4 : 16, p->len);
    return !memcmp(x, p->addr, p->family == 4 ? 4 : 16);
}

static bool label_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

hk_err hk_domain_norm(const char *s, char *out, size_t outsz, struct hk_errmsg *em)
{
    size_t n, k = 0, lab = 0;

    if (!s)
        return hk_errf(em, HK_EINVAL, "empty domain");
    while (*s == ' ' || *s == '\t')
        s++;
    if (!strncmp(s, "*.", 2))
        s += 2;
    else if (*s == '.')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && s[n - 1] == '.')
        n--;
    if (!n)
        return hk_errf(em, HK_EINVAL, "empty domain");
    if (n > 253 || n >= outsz)
        return hk_errf(em, HK_EINVAL, "domain '%.64s...' is longer than 253 bytes", s);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c == '.') {
            if (!lab || out[k - 1] == '-')
                return hk_errf(em, HK_EINVAL,
                               "'%.*s' is not a domain (empty label or a label "
                               "ending in '-')",
                               (int)n, s);
            lab = 0;
        } else {
            if (!label_char(c))
                return hk_errf(em, HK_EINVAL, "'%.*s' is not a domain (character '%c')", (int)n, s,
                               c >= 0x20 && c < 0x7f ? c : '?');
            if (!lab && c == '-')
                return hk_errf(em, HK_EINVAL,
                               "'%.*s' is not a domain (a label starts with "
                               "'-')",
                               (int)n, s);
            if (++lab > 63)
                return hk_errf(em, HK_EINVAL,
                               "'%.*s' is not a domain (a label is longer "
                               "than 63 bytes)",
                               (int)n, s);
        }
        out[k++] = (char)c;
    }
    if (!lab)
        return hk_errf(em, HK_EINVAL, "'%.*s' is not a domain (empty label)", (int)n, s);
    if (out[k - 1] == '-')
        return hk_errf(em, HK_EINVAL, "'%.*s' is not a domain (a label ends in '-')", (int)n, s);
    out[k] = '\0';
    return HK_OK;
}

hk_err hk_asn_parse(const char *s, uint32_t *out, struct hk_errmsg *em)
{
    const char *d = s;
    uint64_t v = 0;

    if (!s)
        return hk_errf(em, HK_EINVAL, "empty ASN");
    if (!strncasecmp(d, "AS", 2))
        d += 2;
    if (!*d || strlen(d) > 10)
        return hk_errf(em, HK_EINVAL, "'%.32s' is not an AS number", s);
    for (; *d; d++) {
        if (*d < '0' || *d > '9')
            return hk_errf(em, HK_EINVAL, "'%.32s' is not an AS number", s);
        v = v * 10 + (uint64_t)(*d - '0');
    }
    if (v == 0 || v >= 4294967295u)
        return hk_errf(em, HK_EINVAL, "AS number '%.32s' is out of range (1 to 4294967294)", s);
    *out = (uint32_t)v;
    return HK_OK;
}
