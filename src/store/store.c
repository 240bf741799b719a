/* SPDX-License-Identifier: MIT */
/*
 * Back-end selection and the pieces every back end shares: query names for logs and
 * the column-name mapping rules of the row-to-JSON conversion (see store.h).
 */
#include <string.h>

#include "hikeshi/core.h"
#include "store/store_int.h"

static const char *const qnames[HK_Q__COUNT] = {
#define HK_Q_NAME(name) #name,
    HK_QUERIES(HK_Q_NAME)
#undef HK_Q_NAME
};

const char *hk_query_name(enum hk_query q)
{
    return (unsigned)q < HK_Q__COUNT ? qnames[q] : "?";
}

hk_err hk_store_open(const char *target, struct hk_store **out, struct hk_errmsg *m)
{
    const struct hk_store_ops *ops = &hk_store_sqlite;
    struct hk_store *s = NULL;
    hk_err err;

    if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11))
        return hk_errf(m, HK_EINVAL, "PostgreSQL back end not built in this version");
    err = ops->open(target, &s, m);
    if (err)
        return err;
    err = s->ops->migrate(s, NULL, NULL, m);
    if (err) {
        s->ops->close(s);
        return err;
    }
    *out = s;
    return HK_OK;
}

void hk_store_close(struct hk_store *s)
{
    if (s)
        s->ops->close(s);
}

static int ends_with(const char *name, size_t len, const char *suf)
{
    size_t n = strlen(suf);

    return len >= n && !memcmp(name + len - n, suf, n);
}

int hk_store_col_is_time(const char *name, size_t len)
{
    return ends_with(name, len, "_at") || ends_with(name, len, "_seen");
}

int hk_store_col_is_json(const char *name, size_t len)
{
    return ends_with(name, len, "_json");
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    size_t need;
    unsigned cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        need = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        need = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        need = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need;
}

hk_err hk_store_json_quote(struct hk_buf *b, const char *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)p;
    hk_err err = hk_buf_appendc(b, '"');

    for (size_t i = 0; i < n && !err;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            err = hk_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
            err = c ? hk_buf_append(b, esc, 6) : hk_buf_appends(b, "\xef\xbf\xbd");
            i++;
        } else {
            size_t k = utf8_seq(u + i, n - i);
            err = k ? hk_buf_append(b, p + i, k) : hk_buf_appends(b, "\xef\xbf\xbd");
            i += k ? k : 1;
        }
    }
    return err ? err : hk_buf_appendc(b, '"');
}

json_t *hk_store_json_text(const char *p, size_t n)
{
    json_t *v = json_stringn(p, n);
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    const unsigned char *u = (const unsigned char *)p;

    if (v)
        return v;
    /* Invalid UTF-8 (or NUL) from a non-JSON source: keep what is valid, mark the rest. */
    for (size_t i = 0; i < n;) {
        size_t k = u[i] ? utf8_seq(u + i, n - i) : 0;
        if (k) {
            (void)hk_buf_append(&b, p + i, k);
            i += k;
        } else {
            (void)hk_buf_appends(&b, "\xef\xbf\xbd");
            i++;
        }
    }
    v = json_stringn(hk_buf_str(&b), b.len);
    hk_buf_release(&b);
    return v ? v : json_string("");
}
