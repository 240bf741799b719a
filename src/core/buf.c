/* SPDX-License-Identifier: MIT */
/*
 * Aborting allocators and the bounded growable buffer (curl dynbuf, git strbuf).
 * Every size that input controls is capped by the buffer's max, so callers get
 * HK_ETOOBIG instead of unbounded growth.
 */
#include "hikeshi/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n, const char *file, int line)
{
    (void)fprintf(stderr, "hikeshi: out of memory allocating %zu bytes at %s:%d\n", n, file, line);
    abort();
}

void *hk_xmalloc_at(size_t n, const char *file, int line)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom(n, file, line);
    return p;
}

void *hk_xcalloc_at(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom(n * size, file, line);
    return p;
}

void *hk_xrealloc_at(void *p, size_t n, const char *file, int line)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom(n, file, line);
    return q;
}

char *hk_xstrdup_at(const char *s, const char *file, int line)
{
    size_t n = strlen(s) + 1;
    char *p = hk_xmalloc_at(n, file, line);

    memcpy(p, s, n);
    return p;
}

char *hk_xstrndup(const char *s, size_t n)
{
    char *p = hk_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void hk_buf_init(struct hk_buf *b, size_t max)
{
    b->buf = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void hk_buf_release(struct hk_buf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = 0;
    b->cap = 0;
}

void hk_buf_reset(struct hk_buf *b)
{
    b->len = 0;
    if (b->buf)
        b->buf[0] = '\0';
}

static hk_err grow(struct hk_buf *b, size_t extra)
{
    size_t need;
    size_t cap;

    if (extra > b->max || b->len > b->max - extra)
        return HK_ETOOBIG;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return HK_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->buf = hk_xrealloc(b->buf, cap);
    b->cap = cap;
    return HK_OK;
}

hk_err hk_buf_append(struct hk_buf *b, const void *p, size_t n)
{
    hk_err err = grow(b, n);

    if (err)
        return err;
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return HK_OK;
}

hk_err hk_buf_appends(struct hk_buf *b, const char *s)
{
    return hk_buf_append(b, s, strlen(s));
}

hk_err hk_buf_appendc(struct hk_buf *b, char c)
{
    return hk_buf_append(b, &c, 1);
}

hk_err hk_buf_vappendf(struct hk_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    hk_err err;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return HK_EINVAL;
    err = grow(b, (size_t)n);
    if (err)
        return err;
    (void)vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return HK_OK;
}

hk_err hk_buf_appendf(struct hk_buf *b, const char *fmt, ...)
{
    va_list ap;
    hk_err err;

    va_start(ap, fmt);
    err = hk_buf_vappendf(b, fmt, ap);
    va_end(ap);
    return err;
}

const char *hk_buf_str(const struct hk_buf *b)
{
    return b->buf ? b->buf : "";
}

char *hk_buf_detach(struct hk_buf *b, size_t *len)
{
    char *p = b->buf ? b->buf : hk_xstrdup("");

    if (len)
        *len = b->len;
    b->buf = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
