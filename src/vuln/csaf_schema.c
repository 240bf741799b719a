/* SPDX-License-Identifier: MIT */
/*
 * A compact JSON Schema (draft 2020-12) interpreter for the CSAF 2.0 schema and the FIRST CVSS
 * v2.0/v3.0/v3.1 schemas it references, all embedded in the binary (src/vuln/csaf_schemas/,
 * scripts/embed_files.cmake). The schemas are parsed and compiled once (pthread_once) into a
 * graph of struct csaf_schema nodes: $ref is resolved at compile time (JSON pointers into the
 * same document or absolute URIs of the other embedded documents; recursive definitions such
 * as branches_t share one node), regular expressions are compiled once with PCRE2 (JIT when
 * available). Keywords: $ref, $defs/definitions, type, properties, patternProperties,
 * additionalProperties, propertyNames, required, dependentRequired, minProperties,
 * maxProperties, items, prefixItems, minItems, maxItems, uniqueItems, contains, enum, const,
 * pattern, minLength, maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 * multipleOf, format (date-time, uri and email as ajv-formats checks them in "full" mode;
 * date-time and email in csaf_format.c), allOf, anyOf, oneOf, not, if/then/else. Annotations
 * (title, description, examples, default) are ignored; an unknown keyword is ignored as JSON
 * Schema says. When no branch of a oneOf matches, the closest branch's errors are reported.
 * Patterns are ECMA-262 with the "u" flag (as ajv compiles them): PCRE2 runs them with UTF, $
 * matching only at the very end, and \s, \S and "." rewritten to their JavaScript meaning.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/csaf_int.h"

extern const struct hk_embedded hk_csaf_schemas[]; /* generated from src/vuln/csaf_schemas */

enum {
    T_NULL = 1,
    T_BOOL = 2,
    T_OBJ = 4,
    T_ARR = 8,
    T_NUM = 16,
    T_STR = 32,
    T_INT = 64,
};

enum { F_NONE, F_DATE_TIME, F_URI, F_EMAIL };

struct prop {
    const char *name;
    struct csaf_schema *s;
    pcre2_code *re; /* patternProperties */
};

struct csaf_schema {
    bool never; /* the boolean schema false */
    unsigned types;
    struct csaf_schema *ref;
    struct prop *props, *pprops;
    size_t nprops, npprops;
    struct csaf_schema *addl, *pnames;
    const char **required;
    size_t nreq;
    json_t *dep_required; /* borrowed: {"a":["b","c"]} */
    long long min_props, max_props;
    struct csaf_schema *items, *contains;
    struct csaf_schema **prefix;
    size_t nprefix;
    long long min_items, max_items, min_len, max_len;
    bool unique;
    pcre2_code *re;
    const char *pattern;
    int format;
    bool has_min, has_max, has_xmin, has_xmax, has_mult;
    double min, max, xmin, xmax, mult;
    json_t *enumv, *constv; /* borrowed */
    struct csaf_schema **all, **any, **one;
    size_t nall, nany, none;
    struct csaf_schema *not_, *if_, *then_, *else_;
};

/* The compiled state, built once. */
struct doc {
    char uri[128]; /* $id without its query and fragment */
    json_t *root;
};

static struct {
    struct doc docs[8];
    size_t ndocs;
    struct {
        json_t *node;
        struct csaf_schema *s;
    } * memo;
    size_t nmemo, capmemo;
    struct csaf_schema *csaf, *cvss2, *cvss3;
    pcre2_code *uri_re;
    bool failed;
} G;

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* ajv-formats (full mode) "uri": RFC 3986 URI with a scheme, as a case-insensitive regex. */
static const char uri_pattern[] =
    "^(?:[a-z][a-z0-9+\\-.]*:)(?:\\/?\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\\[(?:"
    "(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|"
    "(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-"
    "9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|"
    "(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-"
    "4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-"
    "f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\\.[a-z0-9"
    "\\-._~!$&'()*+,;=:]+)\\]|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]"
    "?\\d\\d?)|(?:[a-z0-9\\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\\d*)?(?:\\/(?:[a-z0-9\\-._~!$&'()*+"
    ",;=:@]|%[0-9a-f]{2})*)*|\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\"
    "-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:["
    "a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\\?(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{"
    "2})*)?(?:#(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$";

/* ECMA-262 WhiteSpace and LineTerminator (what \s matches with the "u" flag), as class
 * members, and the line terminators that "." does not match. */
#define JS_SPACE \
    "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
#define JS_DOT "[^\\n\\r\\x{2028}\\x{2029}]"

/* Rewrites the ECMA-262 constructs whose PCRE2 meaning differs: \s and \S (Unicode white
 * space in JavaScript, ASCII in PCRE2 without UCP, which would also widen \d and \w) and "."
 * (JavaScript excludes CR, LS and PS too). Everything else the schemas use means the same. */
static char *ecma_to_pcre(const char *pat)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    bool in_class = false;

    for (const char *p = pat; *p; p++) {
        if (p[0] == '\\' && p[1]) {
            if ((p[1] == 's' || p[1] == 'S') && !in_class) {
                (void)hk_buf_appends(&b, p[1] == 's' ? "[" JS_SPACE "]" : "[^" JS_SPACE "]");
            } else if (p[1] == 's' && in_class) {
                (void)hk_buf_appends(&b, JS_SPACE);
            } else {
                (void)hk_buf_append(&b, p, 2);
            }
            p++;
            continue;
        }
        if (!in_class && p[0] == '[' && !strncmp(p, "[\\S]", 4)) {
            (void)hk_buf_appends(&b, "[^" JS_SPACE "]");
            p += 3;
            continue;
        }
        if (!in_class && *p == '.') {
            (void)hk_buf_appends(&b, JS_DOT);
            continue;
        }
        if (*p == '[' && !in_class)
            in_class = true;
        else if (*p == ']' && in_class)
            in_class = false;
        (void)hk_buf_appendc(&b, *p);
    }
    return hk_buf_detach(&b, NULL);
}

static pcre2_code *regex_compile(const char *pat, uint32_t extra)
{
    int ec;
    PCRE2_SIZE off;
    char *tr = ecma_to_pcre(pat);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)tr, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | extra, &ec, &off, NULL);

    free(tr);
    if (!re) {
        hk_log(HK_LOG_WARN, "csaf: cannot compile schema pattern '%s' (pcre2 error %d at %zu)", pat,
               ec, (size_t)off);
        return NULL;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* ECMA-262 RegExp.prototype.test: a match anywhere. */
static bool regex_test(const pcre2_code *re, const char *s, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int rc;

    if (!md)
        HK_BUG("out of memory");
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

/* ---- compilation ---- */

static struct csaf_schema *compile(size_t doc, json_t *node);

/* An empty schema (accepts everything): the count bounds start absent (-1). */
static struct csaf_schema *schema_new(void)
{
    struct csaf_schema *s = hk_xcalloc(1, sizeof(*s));

    s->min_props = s->max_props = s->min_items = s->max_items = -1;
    s->min_len = s->max_len = -1;
    return s;
}

static struct doc *doc_by_uri(const char *uri, size_t len)
{
    for (size_t i = 0; i < G.ndocs; i++)
        if (strlen(G.docs[i].uri) == len && !memcmp(G.docs[i].uri, uri, len))
            return &G.docs[i];
    return NULL;
}

/* Resolves a JSON pointer fragment ("/$defs/x", RFC 6901 with percent-decoding, RFC 3986). */
static json_t *resolve_pointer(json_t *root, const char *frag)
{
    json_t *cur = root;
    char seg[256];

    while (*frag == '/') {
        size_t n = 0;

        frag++;
        while (*frag && *frag != '/' && n + 1 < sizeof(seg)) {
            char c = *frag++;

            if (c == '~' && (*frag == '0' || *frag == '1'))
                c = *frag++ == '0' ? '~' : '/';
            else if (c == '%' && frag[0] && frag[1]) {
                char hex[3] = {frag[0], frag[1], 0};

                c = (char)strtol(hex, NULL, 16);
                frag += 2;
            }
            seg[n++] = c;
        }
        seg[n] = '\0';
        if (json_is_object(cur))
            cur = json_object_get(cur, seg);
        else if (json_is_array(cur))
            cur = json_array_get(cur, strtoul(seg, NULL, 10));
        else
            return NULL;
        if (!cur)
            return NULL;
    }
    return *frag ? NULL : cur;
}

static struct csaf_schema *compile_ref(size_t doc, const char *ref)
{
    const char *hash = strchr(ref, '#');
    size_t blen = hash ? (size_t)(hash - ref) : strlen(ref);
    size_t target = doc;
    json_t *node;

    if (blen > 0) {
        const char *q = memchr(ref, '?', blen);
        struct doc *d = doc_by_uri(ref, q ? (size_t)(q - ref) : blen);

        if (!d) {
            hk_log(HK_LOG_WARN, "csaf: unresolvable $ref '%s'", ref);
            G.failed = true;
            return NULL;
        }
        target = (size_t)(d - G.docs);
    }
    node = resolve_pointer(G.docs[target].root, hash ? hash + 1 : "");
    if (!node) {
        hk_log(HK_LOG_WARN, "csaf: unresolvable $ref '%s'", ref);
        G.failed = true;
        return NULL;
    }
    return compile(target, node);
}

static unsigned type_bit(const char *t)
{
    static const char *const names[] = {"null",   "boolean", "object", "array",
                                        "number", "string",  "integer"};

    for (unsigned i = 0; i < 7; i++)
        if (!strcmp(t, names[i]))
            return 1u << i;
    return 0;
}

static struct csaf_schema **compile_list(size_t doc, json_t *arr, size_t *n)
{
    struct csaf_schema **v;

    *n = json_array_size(arr);
    if (*n == 0)
        return NULL;
    v = hk_xcalloc(*n, sizeof(*v));
    for (size_t i = 0; i < *n; i++)
        v[i] = compile(doc, json_array_get(arr, i));
    return v;
}

static struct prop *compile_props(size_t doc, json_t *obj, size_t *n, bool regex)
{
    struct prop *p;
    const char *k;
    json_t *v;
    size_t i = 0;

    *n = json_object_size(obj);
    if (*n == 0)
        return NULL;
    p = hk_xcalloc(*n, sizeof(*p));
    json_object_foreach(obj, k, v)
    {
        p[i].name = k;
        p[i].s = compile(doc, v);
        if (regex && !(p[i].re = regex_compile(k, 0)))
            G.failed = true;
        i++;
    }
    return p;
}

static long long int_kw(json_t *node, const char *kw)
{
    json_t *v = json_object_get(node, kw);

    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static bool num_kw(json_t *node, const char *kw, double *out)
{
    json_t *v = json_object_get(node, kw);

    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

static void compile_keywords(size_t doc, json_t *node, struct csaf_schema *s)
{
    json_t *v;

    if ((v = json_object_get(node, "$ref")) && json_is_string(v))
        s->ref = compile_ref(doc, json_string_value(v));
    v = json_object_get(node, "type");
    if (json_is_string(v))
        s->types = type_bit(json_string_value(v));
    else if (json_is_array(v))
        for (size_t i = 0; i < json_array_size(v); i++)
            s->types |= type_bit(json_string_value(json_array_get(v, i)));
    s->props = compile_props(doc, json_object_get(node, "properties"), &s->nprops, false);
    s->pprops = compile_props(doc, json_object_get(node, "patternProperties"), &s->npprops, true);
    if ((v = json_object_get(node, "additionalProperties")))
        s->addl = compile(doc, v);
    if ((v = json_object_get(node, "propertyNames")))
        s->pnames = compile(doc, v);
    if (json_is_array(v = json_object_get(node, "required")) && json_array_size(v) > 0) {
        s->nreq = json_array_size(v);
        s->required = hk_xcalloc(s->nreq, sizeof(*s->required));
        for (size_t i = 0; i < s->nreq; i++)
            s->required[i] = json_string_value(json_array_get(v, i));
    }
    if (json_is_object(v = json_object_get(node, "dependentRequired")))
        s->dep_required = v;
    s->min_props = int_kw(node, "minProperties");
    s->max_props = int_kw(node, "maxProperties");
    if ((v = json_object_get(node, "items")))
        s->items = compile(doc, v);
    if ((v = json_object_get(node, "contains")))
        s->contains = compile(doc, v);
    s->prefix = compile_list(doc, json_object_get(node, "prefixItems"), &s->nprefix);
    s->min_items = int_kw(node, "minItems");
    s->max_items = int_kw(node, "maxItems");
    s->unique = json_is_true(json_object_get(node, "uniqueItems"));
    s->min_len = int_kw(node, "minLength");
    s->max_len = int_kw(node, "maxLength");
    if (json_is_string(v = json_object_get(node, "pattern"))) {
        s->pattern = json_string_value(v);
        if (!(s->re = regex_compile(s->pattern, 0)))
            G.failed = true;
    }
    if (json_is_string(v = json_object_get(node, "format"))) {
        const char *f = json_string_value(v);

        s->format = !strcmp(f, "date-time") ? F_DATE_TIME
                    : !strcmp(f, "uri")     ? F_URI
                    : !strcmp(f, "email")   ? F_EMAIL
                                            : F_NONE;
    }
    s->has_min = num_kw(node, "minimum", &s->min);
    s->has_max = num_kw(node, "maximum", &s->max);
    s->has_xmin = num_kw(node, "exclusiveMinimum", &s->xmin);
    s->has_xmax = num_kw(node, "exclusiveMaximum", &s->xmax);
    s->has_mult = num_kw(node, "multipleOf", &s->mult) && s->mult > 0;
    if (json_is_array(v = json_object_get(node, "enum")))
        s->enumv = v;
    s->constv = json_object_get(node, "const");
    s->all = compile_list(doc, json_object_get(node, "allOf"), &s->nall);
    s->any = compile_list(doc, json_object_get(node, "anyOf"), &s->nany);
    s->one = compile_list(doc, json_object_get(node, "oneOf"), &s->none);
    if ((v = json_object_get(node, "not")))
        s->not_ = compile(doc, v);
    if ((v = json_object_get(node, "if"))) {
        s->if_ = compile(doc, v);
        if ((v = json_object_get(node, "then")))
            s->then_ = compile(doc, v);
        if ((v = json_object_get(node, "else")))
            s->else_ = compile(doc, v);
    }
}

static struct csaf_schema *compile(size_t doc, json_t *node)
{
    struct csaf_schema *s;

    if (!node)
        return NULL;
    for (size_t i = 0; i < G.nmemo; i++)
        if (G.memo[i].node == node)
            return G.memo[i].s;
    s = schema_new();
    if (G.nmemo == G.capmemo) {
        G.capmemo = G.capmemo ? 2 * G.capmemo : 256;
        G.memo = hk_xrealloc(G.memo, G.capmemo * sizeof(*G.memo));
    }
    G.memo[G.nmemo].node = node;
    G.memo[G.nmemo++].s = s;
    if (json_is_false(node)) {
        s->never = true;
        return s;
    }
    if (!json_is_object(node))
        return s; /* true or a non-schema: accepts everything */
    compile_keywords(doc, node, s);
    return s;
}

/* The schemas are kept for the life of the process: they are compiled once and shared. */
static void init_once(void)
{
    for (const struct hk_embedded *e = hk_csaf_schemas; e->name && G.ndocs < 8; e++) {
        json_error_t je;
        json_t *root = json_loads(e->text, 0, &je);
        const char *id = json_string_value(json_object_get(root, "$id"));
        size_t n;

        if (!root || !id) {
            hk_log(HK_LOG_WARN, "csaf: embedded schema '%s' unreadable: %s", e->name, je.text);
            G.failed = true;
            json_decref(root);
            continue;
        }
        n = strcspn(id, "?#");
        if (n >= sizeof(G.docs[0].uri))
            n = sizeof(G.docs[0].uri) - 1;
        memcpy(G.docs[G.ndocs].uri, id, n);
        G.docs[G.ndocs].uri[n] = '\0';
        G.docs[G.ndocs++].root = root;
    }
    for (size_t i = 0; i < G.ndocs; i++) {
        struct csaf_schema *s = compile(i, G.docs[i].root);
        const char *u = G.docs[i].uri;

        if (strstr(u, "csaf_json_schema"))
            G.csaf = s;
        else if (strstr(u, "cvss-v2.0"))
            G.cvss2 = s;
    }
    /* Test 6.1.8 checks cvss_v3 against oneOf(3.0, 3.1), as the CSAF schema does. */
    G.cvss3 = schema_new();
    G.cvss3->one = hk_xcalloc(2, sizeof(*G.cvss3->one));
    for (size_t i = 0; i < G.ndocs; i++)
        if (strstr(G.docs[i].uri, "cvss-v3.0") || strstr(G.docs[i].uri, "cvss-v3.1"))
            G.cvss3->one[G.cvss3->none++] = compile(i, G.docs[i].root);
    if (!(G.uri_re = regex_compile(uri_pattern, PCRE2_CASELESS)))
        G.failed = true;
    if (!G.csaf || !G.cvss2 || G.cvss3->none != 2)
        G.failed = true;
}

const struct csaf_schema *csaf_schema_root(void)
{
    (void)pthread_once(&once, init_once);
    return G.failed ? NULL : G.csaf;
}

const struct csaf_schema *csaf_schema_cvss(const char *which)
{
    (void)pthread_once(&once, init_once);
    if (G.failed)
        return NULL;
    return !strcmp(which, "2.0") ? G.cvss2 : G.cvss3;
}

/* ---- formats (date-time and email: csaf_format.c) ---- */

bool csaf_is_uri(const char *s)
{
    (void)pthread_once(&once, init_once);
    return G.uri_re && strpbrk(s, "/:") && regex_test(G.uri_re, s, strlen(s));
}

/* ---- validation ---- */

/* Deep equality with JSON numbers compared by value (1 == 1.0), as JSON Schema says. */
static bool jeq(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!jeq(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    }
    if (json_is_object(a)) {
        const char *k;
        json_t *v;

        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach(a, k, v)
        {
            json_t *w = json_object_get(b, k);

            if (!w || !jeq(v, w))
                return false;
        }
        return true;
    }
    return json_equal(a, b);
}

static unsigned inst_types(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
        return T_NULL;
    case JSON_TRUE:
    case JSON_FALSE:
        return T_BOOL;
    case JSON_OBJECT:
        return T_OBJ;
    case JSON_ARRAY:
        return T_ARR;
    case JSON_STRING:
        return T_STR;
    case JSON_INTEGER:
        return T_NUM | T_INT;
    case JSON_REAL: {
        double d = json_real_value(v);

        return T_NUM | (isfinite(d) && d == floor(d) ? T_INT : 0);
    }
    }
    return 0;
}

static void types_str(unsigned t, char *out, size_t size)
{
    static const char *const names[] = {"null",   "boolean", "object", "array",
                                        "number", "string",  "integer"};
    size_t n = 0;

    out[0] = '\0';
    for (unsigned i = 0; i < 7; i++)
        if (t & (1u << i))
            n +=
                (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n ? ", " : "", names[i]);
}

static size_t utf8_len(const char *s, size_t n)
{
    size_t cp = 0;

    for (size_t i = 0; i < n; i++)
        cp += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cp;
}

struct vctx {
    struct csaf_rep *r;
    const char *test;
    int depth;
};

static bool check(const struct csaf_schema *s, json_t *inst, struct vctx *c);

/* Reports a failure; returns true when validation should stop at the first failure (muted). */
#define FAIL(...)                                   \
    do {                                            \
        ok = false;                                 \
        if (c->r->mute)                             \
            return false;                           \
        csaf_err(c->r, c->test, NULL, __VA_ARGS__); \
    } while (0)

static bool quiet(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    bool ok;

    c->r->mute++;
    ok = check(s, inst, c);
    c->r->mute--;
    return ok;
}

static bool check_unique(json_t *inst, struct vctx *c)
{
    size_t n = json_array_size(inst);
    bool strings = true;
    bool ok = true;

    for (size_t i = 0; i < n && strings; i++)
        strings = json_is_string(json_array_get(inst, i));
    if (strings) {
        json_t *seen = json_object();

        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(inst, i);
            json_t *prev = json_object_getn(seen, json_string_value(e), json_string_length(e));

            if (prev) {
                json_decref(seen);
                FAIL("must NOT have duplicate items (items ## %lld and %zu are identical)",
                     (long long)json_integer_value(prev), i);
                return false;
            }
            (void)json_object_setn_new_nocheck(seen, json_string_value(e), json_string_length(e),
                                               json_integer((json_int_t)i));
        }
        json_decref(seen);
        return true;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (jeq(json_array_get(inst, i), json_array_get(inst, j))) {
                FAIL("must NOT have duplicate items (items ## %zu and %zu are identical)", i, j);
                return false;
            }
    return ok;
}

static bool check_object(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    const char *k;
    json_t *v;
    bool ok = true;
    size_t n = json_object_size(inst);

    for (size_t i = 0; i < s->nreq; i++)
        if (s->required[i] && !json_object_get(inst, s->required[i]))
            FAIL("must have required property '%s'", s->required[i]);
    if (s->min_props >= 0 && (long long)n < s->min_props)
        FAIL("must NOT have fewer than %lld properties", s->min_props);
    if (s->max_props >= 0 && (long long)n > s->max_props)
        FAIL("must NOT have more than %lld properties", s->max_props);
    if (s->dep_required) {
        json_t *deps;

        json_object_foreach(s->dep_required, k, deps)
        {
            if (!json_object_get(inst, k))
                continue;
            for (size_t i = 0; i < json_array_size(deps); i++) {
                const char *d = json_string_value(json_array_get(deps, i));

                if (d && !json_object_get(inst, d))
                    FAIL("must have property '%s' when property '%s' is present", d, k);
            }
        }
    }
    json_object_foreach(inst, k, v)
    {
        bool matched = false;
        size_t mark = csaf_path_push_key(c->r, k);

        for (size_t i = 0; i < s->nprops; i++)
            if (!strcmp(s->props[i].name, k)) {
                matched = true;
                if (!check(s->props[i].s, v, c))
                    ok = false;
                break;
            }
        for (size_t i = 0; i < s->npprops; i++)
            if (s->pprops[i].re && regex_test(s->pprops[i].re, k, strlen(k))) {
                matched = true;
                if (!check(s->pprops[i].s, v, c))
                    ok = false;
            }
        if (!matched && s->addl && s->addl->never) {
            ok = false;
            if (!c->r->mute)
                csaf_err(c->r, c->test, NULL, "must NOT have additional properties");
        } else if (!matched && s->addl && !check(s->addl, v, c)) {
            ok = false;
        }
        if (s->pnames) {
            json_t *name = json_string(k);

            if (!quiet(s->pnames, name, c)) {
                ok = false;
                if (!c->r->mute)
                    csaf_err(c->r, c->test, NULL, "property name '%s' is invalid", k);
            }
            json_decref(name);
        }
        csaf_path_pop(c->r, mark);
        if (!ok && c->r->mute)
            return false;
    }
    return ok;
}

static bool check_array(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    size_t n = json_array_size(inst);
    bool ok = true;

    if (s->min_items >= 0 && (long long)n < s->min_items)
        FAIL("must NOT have fewer than %lld items", s->min_items);
    if (s->max_items >= 0 && (long long)n > s->max_items)
        FAIL("must NOT have more than %lld items", s->max_items);
    if (s->unique && !check_unique(inst, c))
        ok = false;
    for (size_t i = 0; i < n; i++) {
        const struct csaf_schema *is = i < s->nprefix ? s->prefix[i] : s->items;
        size_t mark;

        if (!is)
            continue;
        mark = csaf_path_push_index(c->r, i);
        if (!check(is, json_array_get(inst, i), c))
            ok = false;
        csaf_path_pop(c->r, mark);
        if (!ok && c->r->mute)
            return false;
    }
    if (s->contains) {
        bool found = false;

        for (size_t i = 0; i < n && !found; i++)
            found = quiet(s->contains, json_array_get(inst, i), c);
        if (!found)
            FAIL("must contain at least 1 valid item");
    }
    return ok;
}

static bool check_string(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    const char *str = json_string_value(inst);
    size_t blen = json_string_length(inst), len = 0;
    bool ok = true;

    if (s->min_len >= 0 || s->max_len >= 0)
        len = utf8_len(str, blen);
    if (s->min_len >= 0 && (long long)len < s->min_len)
        FAIL("must NOT have fewer than %lld characters", s->min_len);
    if (s->max_len >= 0 && (long long)len > s->max_len)
        FAIL("must NOT have more than %lld characters", s->max_len);
    if (s->re && !regex_test(s->re, str, blen))
        FAIL("must match pattern \"%.200s\"", s->pattern);
    if (s->format == F_DATE_TIME && !csaf_is_date_time(str))
        FAIL("must match format \"date-time\" (RFC 3339 with a time zone)");
    else if (s->format == F_URI && !csaf_is_uri(str))
        FAIL("must match format \"uri\" (RFC 3986 URI with a scheme)");
    else if (s->format == F_EMAIL && !csaf_is_email(str))
        FAIL("must match format \"email\"");
    return ok;
}

static bool check_number(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    double d = json_number_value(inst);
    bool ok = true;

    if (s->has_min && !(d >= s->min))
        FAIL("must be >= %g", s->min);
    if (s->has_max && !(d <= s->max))
        FAIL("must be <= %g", s->max);
    if (s->has_xmin && !(d > s->xmin))
        FAIL("must be > %g", s->xmin);
    if (s->has_xmax && !(d < s->xmax))
        FAIL("must be < %g", s->xmax);
    if (s->has_mult) {
        double q = d / s->mult;

        if (fabs(q - round(q)) > 1e-9)
            FAIL("must be multiple of %g", s->mult);
    }
    return ok;
}

/* When no branch of a oneOf matches, the errors of the branch with the fewest of them say
 * best what is wrong (for cvss_v3: the branch of the version the document states). */
static void closest_branch(struct csaf_schema *const *br, size_t n, json_t *inst, struct vctx *c)
{
    json_t *saved = c->r->errors, *best = NULL;
    size_t savedn = c->r->n, bestn = (size_t)-1;

    for (size_t i = 0; i < n; i++) {
        c->r->errors = json_array();
        c->r->n = 0;
        (void)check(br[i], inst, c);
        if (c->r->n < bestn) {
            json_decref(best);
            best = c->r->errors;
            bestn = c->r->n;
        } else {
            json_decref(c->r->errors);
        }
    }
    c->r->errors = saved;
    c->r->n = savedn;
    for (size_t i = 0; i < json_array_size(best); i++) {
        if (c->r->n++ < HK_CSAF_MAX_ERRORS)
            (void)json_array_append(saved, json_array_get(best, i));
    }
    json_decref(best);
}

static bool check_combinators(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    bool ok = true;

    for (size_t i = 0; i < s->nall; i++)
        if (!check(s->all[i], inst, c))
            ok = false;
    if (s->nany) {
        bool any = false;

        for (size_t i = 0; i < s->nany && !any; i++)
            any = quiet(s->any[i], inst, c);
        if (!any)
            FAIL("must match a schema in anyOf");
    }
    if (s->none) {
        size_t matched = 0;

        for (size_t i = 0; i < s->none; i++)
            matched += quiet(s->one[i], inst, c);
        if (matched == 0 && !c->r->mute) {
            FAIL("must match exactly one schema in oneOf (matches none of %zu)", s->none);
            closest_branch(s->one, s->none, inst, c);
        } else if (matched != 1) {
            FAIL("must match exactly one schema in oneOf (matches %zu of %zu)", matched, s->none);
        }
    }
    if (s->not_ && quiet(s->not_, inst, c))
        FAIL("must NOT be valid against the \"not\" schema");
    if (s->if_) {
        if (quiet(s->if_, inst, c)) {
            if (s->then_ && !check(s->then_, inst, c))
                ok = false;
        } else if (s->else_ && !check(s->else_, inst, c)) {
            ok = false;
        }
    }
    return ok;
}

static bool check(const struct csaf_schema *s, json_t *inst, struct vctx *c)
{
    unsigned it;
    bool ok = true;

    if (!s)
        return true;
    if (s->never) {
        if (!c->r->mute)
            csaf_err(c->r, c->test, NULL, "must NOT be present (boolean schema false)");
        return false;
    }
    if (++c->depth > 2 * HK_CSAF_MAX_DEPTH + 64) {
        c->depth--;
        FAIL("schema recursion too deep");
        return false;
    }
    if (s->ref && !check(s->ref, inst, c)) {
        ok = false;
        if (c->r->mute)
            goto out;
    }
    it = inst_types(inst);
    if (s->types && !(s->types & it)) {
        char want[80];

        types_str(s->types, want, sizeof(want));
        ok = false;
        if (c->r->mute)
            goto out;
        csaf_err(c->r, c->test, NULL, "must be %s", want);
        goto out; /* the other keywords would only repeat the type error */
    }
    if (s->enumv) {
        bool found = false;

        for (size_t i = 0; i < json_array_size(s->enumv) && !found; i++)
            found = jeq(json_array_get(s->enumv, i), inst);
        if (!found) {
            char *allowed = json_dumps(s->enumv, JSON_COMPACT | JSON_ENCODE_ANY);

            ok = false;
            if (!c->r->mute)
                csaf_err(c->r, c->test, NULL, "must be equal to one of the allowed values %.300s",
                         allowed ? allowed : "");
            free(allowed);
            if (c->r->mute)
                goto out;
        }
    }
    if (s->constv && !jeq(s->constv, inst)) {
        ok = false;
        if (c->r->mute)
            goto out;
        csaf_err(c->r, c->test, NULL, "must be equal to constant");
    }
    if ((it & T_OBJ) && !check_object(s, inst, c))
        ok = false;
    else if ((it & T_ARR) && !check_array(s, inst, c))
        ok = false;
    else if ((it & T_STR) && !check_string(s, inst, c))
        ok = false;
    else if ((it & T_NUM) && !check_number(s, inst, c))
        ok = false;
    if (!ok && c->r->mute)
        goto out;
    if (!check_combinators(s, inst, c))
        ok = false;
out:
    c->depth--;
    return ok;
}

bool csaf_schema_check(const struct csaf_schema *s, json_t *inst, struct csaf_rep *r,
                       const char *test)
{
    struct vctx c = {r, test, 0};

    return check(s, inst, &c);
}
