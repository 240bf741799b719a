/* SPDX-License-Identifier: MIT */
/*
 * The notification template language: {{name}} substitution from a JSON context, {{#if}},
 * {{#unless}}, {{#each}} sections and {{! comments }} — a small, logic-less subset in the
 * spirit of mustache, without partials, lambdas or re-expansion, so a template can only
 * arrange the caller's values. It is bounded: the template's size (HK_MAIL_TPL_MAX), the
 * nesting depth (HK_MAIL_TPL_DEPTH) and the output (the hk_buf's max) are capped, and a
 * section's body is rendered once per array item, so the work is at most
 * template length x items. Unknown names are errors: a notice with a hole must not go out.
 * A block tag alone on its line takes the line with it (mustache's "standalone" rule), so
 * templates can put each tag on its own line without leaving blank lines behind.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hikeshi/mail.h"

struct tpl {
    const char *base; /* start of the (preprocessed) template, for line numbers */
    unsigned flags;
    struct hk_buf *out;
    struct hk_errmsg *m;
    const json_t *scope[HK_MAIL_TPL_DEPTH + 2];
    size_t index[HK_MAIL_TPL_DEPTH + 2]; /* 1-based item number of an #each scope, else 0 */
    int nscope;
};

static int line_of(const struct tpl *t, const char *p)
{
    int line = 1;

    for (const char *q = t->base; q < p; q++)
        line += *q == '\n';
    return line;
}

/* Finds the next "{{" in [p, end); returns NULL if none. */
static const char *find_open(const char *p, const char *end)
{
    while (p + 1 < end) {
        const char *q = memchr(p, '{', (size_t)(end - p - 1));

        if (!q)
            return NULL;
        if (q[1] == '{')
            return q;
        p = q + 1;
    }
    return NULL;
}

/* A parsed tag: kind is one of '#', '/', '!', 'e' (else) or 'v' (value); op is "if",
 * "unless" or "each" for sections; name/nlen the argument. */
struct tag {
    const char *start, *after; /* the "{{" and the byte after "}}" */
    char kind;
    char op[8];
    const char *name;
    size_t nlen;
};

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 128)
        return false;
    if (n == 1 && s[0] == '.')
        return true;
    if (n == 2 && s[0] == '@' && s[1] == 'n')
        return true;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return s[0] != '.' && s[n - 1] != '.';
}

static hk_err parse_tag(struct tpl *t, const char *open, const char *end, struct tag *tg)
{
    const char *close = NULL, *p = open + 2, *e;

    for (const char *q = p; q + 1 < end; q++)
        if (q[0] == '}' && q[1] == '}') {
            close = q;
            break;
        }
    if (!close)
        return hk_errf(t->m, HK_EPARSE, "template line %d: '{{' without '}}'", line_of(t, open));
    memset(tg, 0, sizeof(*tg));
    tg->start = open;
    tg->after = close + 2;
    while (p < close && isspace((unsigned char)*p))
        p++;
    e = close;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    if (p < e && *p == '!') {
        tg->kind = '!';
        return HK_OK;
    }
    if (p < e && (*p == '#' || *p == '/')) {
        const char *w = ++p;
        size_t wl;

        tg->kind = w[-1];
        while (p < e && isalpha((unsigned char)*p))
            p++;
        wl = (size_t)(p - w);
        if (wl >= sizeof(tg->op) ||
            (strncmp(w, "if", wl) && strncmp(w, "unless", wl) && strncmp(w, "each", wl)) || wl == 0)
            return hk_errf(t->m, HK_EPARSE, "template line %d: unknown section '%.*s'",
                           line_of(t, open), (int)wl, w);
        memcpy(tg->op, w, wl);
        while (p < e && isspace((unsigned char)*p))
            p++;
    } else if ((size_t)(e - p) == 4 && !memcmp(p, "else", 4)) {
        tg->kind = 'e';
        return HK_OK;
    } else {
        tg->kind = 'v';
    }
    tg->name = p;
    tg->nlen = (size_t)(e - p);
    if (tg->kind == '/' && tg->nlen == 0)
        return HK_OK;
    if (!name_ok(p, tg->nlen))
        return hk_errf(t->m, HK_EPARSE, "template line %d: bad name '%.*s'", line_of(t, open),
                       (int)(tg->nlen > 60 ? 60 : tg->nlen), p);
    return HK_OK;
}

/* Resolves a name (dotted path) through the scopes, innermost first. */
static hk_err lookup(struct tpl *t, const struct tag *tg, const json_t **out)
{
    const char *n = tg->name, *dot;
    size_t first;
    const json_t *v = NULL;

    if (tg->nlen == 1 && n[0] == '.') {
        *out = t->scope[t->nscope - 1];
        return HK_OK;
    }
    dot = memchr(n, '.', tg->nlen);
    first = dot ? (size_t)(dot - n) : tg->nlen;
    for (int i = t->nscope - 1; i >= 0 && !v; i--)
        if (json_is_object(t->scope[i]))
            v = json_object_getn(t->scope[i], n, first);
    while (v && dot) {
        const char *seg = dot + 1;

        dot = memchr(seg, '.', tg->nlen - (size_t)(seg - n));
        v = json_is_object(v)
                ? json_object_getn(v, seg, dot ? (size_t)(dot - seg) : tg->nlen - (size_t)(seg - n))
                : NULL;
    }
    if (!v)
        return hk_errf(t->m, HK_EINVAL, "template line %d: unknown name '%.*s'",
                       line_of(t, tg->start), (int)tg->nlen, n);
    *out = v;
    return HK_OK;
}

static bool truthy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_OBJECT:
        return json_object_size(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    case JSON_TRUE:
        return true;
    default:
        return false;
    }
}

/* Appends an inserted value: control characters dropped, newlines flattened in line mode. */
static hk_err put_text(struct tpl *t, const char *s, size_t n)
{
    const char *run = s;
    hk_err err;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = c >= 0x20 && c != 0x7f;

        if (keep || ((c == '\n' || c == '\t') && !(t->flags & HK_MAIL_TPL_LINE)))
            continue;
        if ((err = hk_buf_append(t->out, run, (size_t)(s + i - run))))
            return err;
        if ((c == '\n' || c == '\t') && (err = hk_buf_appendc(t->out, ' ')))
            return err;
        run = s + i + 1;
    }
    return hk_buf_append(t->out, run, (size_t)(s + n - run));
}

static hk_err put_value(struct tpl *t, const struct tag *tg)
{
    const json_t *v;
    char num[48];
    hk_err err;

    if (tg->nlen == 2 && !memcmp(tg->name, "@n", 2)) {
        for (int i = t->nscope - 1; i >= 0; i--)
            if (t->index[i]) {
                (void)snprintf(num, sizeof(num), "%zu", t->index[i]);
                return hk_buf_appends(t->out, num);
            }
        return hk_errf(t->m, HK_EINVAL, "template line %d: '@n' outside #each",
                       line_of(t, tg->start));
    }
    if ((err = lookup(t, tg, &v)))
        return err;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return put_text(t, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        (void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return hk_buf_appends(t->out, num);
    case JSON_REAL:
        (void)snprintf(num, sizeof(num), "%g", json_real_value(v));
        return hk_buf_appends(t->out, num);
    case JSON_TRUE:
        return hk_buf_appends(t->out, "true");
    case JSON_FALSE:
        return hk_buf_appends(t->out, "false");
    case JSON_NULL:
        return HK_OK;
    default:
        return hk_errf(t->m, HK_EINVAL, "template line %d: '%.*s' is not a scalar",
                       line_of(t, tg->start), (int)tg->nlen, tg->name);
    }
}

/* Finds the close tag matching the section opened by open (and a top-level {{else}}). */
static hk_err find_close(struct tpl *t, const struct tag *open, const char *end, struct tag *els,
                         struct tag *close)
{
    const char *p = open->after;
    int depth = 0;
    struct tag tg;
    hk_err err;

    els->start = NULL;
    while ((p = find_open(p, end))) {
        if ((err = parse_tag(t, p, end, &tg)))
            return err;
        p = tg.after;
        if (tg.kind == '#') {
            depth++;
        } else if (tg.kind == 'e' && depth == 0 && !els->start) {
            *els = tg;
        } else if (tg.kind == '/') {
            if (depth-- > 0)
                continue;
            if (strcmp(tg.op, open->op) ||
                (tg.nlen && (tg.nlen != open->nlen || memcmp(tg.name, open->name, tg.nlen))))
                return hk_errf(t->m, HK_EPARSE, "template line %d: {{/%s}} closes {{#%s %.*s}}",
                               line_of(t, tg.start), tg.op, open->op, (int)open->nlen, open->name);
            *close = tg;
            return HK_OK;
        }
    }
    return hk_errf(t->m, HK_EPARSE, "template line %d: {{#%s %.*s}} is never closed",
                   line_of(t, open->start), open->op, (int)open->nlen, open->name);
}

static hk_err render(struct tpl *t, const char *p, const char *end, int depth);

static hk_err section(struct tpl *t, const struct tag *open, const char *end, const char **next,
                      int depth)
{
    struct tag els = {0}, close = {0};
    const json_t *v;
    hk_err err;

    *next = end;
    if (depth >= HK_MAIL_TPL_DEPTH)
        return hk_errf(t->m, HK_ETOOBIG, "template line %d: sections nested deeper than %d",
                       line_of(t, open->start), HK_MAIL_TPL_DEPTH);
    if ((err = find_close(t, open, end, &els, &close)))
        return err;
    *next = close.after;
    if ((err = lookup(t, open, &v)))
        return err;
    if (strcmp(open->op, "each")) {
        bool yes = truthy(v) == !strcmp(open->op, "if");
        const char *b = yes ? open->after : (els.start ? els.after : close.start);
        const char *e = yes ? (els.start ? els.start : close.start) : close.start;

        return render(t, b, e, depth + 1);
    }
    if (els.start)
        return hk_errf(t->m, HK_EPARSE, "template line %d: {{else}} inside #each",
                       line_of(t, els.start));
    if (!json_is_array(v))
        return hk_errf(t->m, HK_EINVAL, "template line %d: '%.*s' is not a list",
                       line_of(t, open->start), (int)open->nlen, open->name);
    for (size_t i = 0; i < json_array_size(v); i++) {
        t->scope[t->nscope] = json_array_get(v, i);
        t->index[t->nscope++] = i + 1;
        err = render(t, open->after, close.start, depth + 1);
        t->nscope--;
        if (err)
            return err;
    }
    return HK_OK;
}

static hk_err render(struct tpl *t, const char *p, const char *end, int depth)
{
    struct tag tg;
    const char *o;
    hk_err err;

    while ((o = find_open(p, end))) {
        if ((err = hk_buf_append(t->out, p, (size_t)(o - p))))
            return err;
        if ((err = parse_tag(t, o, end, &tg)))
            return err;
        p = tg.after;
        if (tg.kind == '!')
            continue;
        if (tg.kind == 'v')
            err = put_value(t, &tg);
        else if (tg.kind == '#')
            err = section(t, &tg, end, &p, depth);
        else
            err = hk_errf(t->m, HK_EPARSE, "template line %d: unexpected {{%s%s}}",
                          line_of(t, tg.start), tg.kind == 'e' ? "else" : "/", tg.op);
        if (err)
            return err;
    }
    return hk_buf_append(t->out, p, (size_t)(end - p));
}

/* Is the line [ls, le) whitespace + exactly one block tag + whitespace? */
static bool standalone(const char *ls, const char *le)
{
    const char *p = ls, *q;

    while (p < le && (*p == ' ' || *p == '\t'))
        p++;
    if (le - p < 5 || p[0] != '{' || p[1] != '{' ||
        (p[2] != '#' && p[2] != '/' && p[2] != '!' && strncmp(p + 2, "else}}", 6)))
        return false;
    for (q = p + 2; q + 1 < le; q++)
        if (q[0] == '}' && q[1] == '}')
            break;
    if (q + 1 >= le)
        return false;
    for (q += 2; q < le; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r')
            return false;
    return memmem(p + 2, (size_t)(le - p - 2), "{{", 2) == NULL;
}

/* Copies the template, reducing each standalone block-tag line to the bare tag. */
static hk_err strip_standalone(const char *tpl, size_t len, struct hk_buf *o)
{
    const char *p = tpl, *end = tpl + len;
    hk_err err = HK_OK;

    while (p < end && !err) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;

        if (standalone(p, le)) {
            const char *a = p, *b = le;

            while (*a != '{')
                a++;
            while (b[-1] != '}')
                b--;
            err = hk_buf_append(o, a, (size_t)(b - a));
        } else {
            err = hk_buf_append(o, p, (size_t)(nl ? nl + 1 - p : le - p));
        }
        p = nl ? nl + 1 : end;
    }
    return err;
}

hk_err hk_mail_tpl_render(const char *tpl, size_t len, const json_t *ctx, unsigned flags,
                          struct hk_buf *out, struct hk_errmsg *m)
{
    struct hk_buf pre = HK_BUF_INIT(HK_MAIL_TPL_MAX + 1);
    struct tpl t = {0};
    size_t mark = out->len;
    hk_err err;

    if (len > HK_MAIL_TPL_MAX)
        return hk_errf(m, HK_ETOOBIG, "template of %zu bytes exceeds %d", len, HK_MAIL_TPL_MAX);
    if (!json_is_object(ctx))
        return hk_errf(m, HK_EINVAL, "template context is not an object");
    if ((err = strip_standalone(tpl, len, &pre)))
        goto out;
    t.base = hk_buf_str(&pre);
    t.flags = flags;
    t.out = out;
    t.m = m;
    t.scope[0] = ctx;
    t.nscope = 1;
    if (m)
        m->text[0] = '\0';
    err = render(&t, t.base, t.base + pre.len, 0);
    if (err == HK_ETOOBIG && m && !m->text[0])
        (void)hk_errf(m, err, "rendered text exceeds %zu bytes", out->max);
out:
    if (err && out->buf) {
        out->len = mark; /* leave the buffer as it was */
        out->buf[mark] = '\0';
    }
    hk_buf_release(&pre);
    return err;
}
