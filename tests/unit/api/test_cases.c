/* SPDX-License-Identifier: MIT */
/*
 * The data-driven API test runner (curl's tests/data/testNNNN style). Every file
 * $HK_SRC/tests/api/cases/NNNN-<slug>.case is one cmocka test: the runner makes a fresh
 * temporary data directory, runs "$HK_BIN --data DIR init" and keeps the admin token,
 * starts "$HK_BIN --data DIR serve --listen 127.0.0.1:0" as a child, reads the port it
 * prints, runs the case's steps (HTTP requests through libcurl, CLI runs, setup SQL) and
 * checks each answer, then stops the server with SIGTERM, insists that it exits with
 * status 0 and that its log holds no sanitizer report, and removes the directory.
 * The case format is documented in tests/api/README.md; this file is its only parser.
 *
 * A case stops at its first failing step, and the failure names the file, the line of
 * the step, what was expected, what came back and the answer's body.
 * Arguments (or env HK_CASES): substrings of case file names to run only those cases.
 * HK_API_KEEP=1 keeps each case's directory (data and server.log) for debugging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hikeshi/core.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_VARS     256
#define MAX_ARGV     64
#define BODY_MAX     ((size_t)64 << 20)
#define ERR_MAX      ((size_t)64 << 10)
#define SHOW_MAX     1500
#define STOP_WAIT_MS 60000
#define PORT_WAIT_MS 60000

/* ---- the parsed case ---- */

enum step_kind { ST_HTTP, ST_USER, ST_TOKEN, ST_CLI, ST_CLI_HTTP, ST_SQL, ST_SET };

/* Which step kinds a modifier may follow (bit per enum step_kind). */
#define K_HTTP   (1u << ST_HTTP)
#define K_CLI    ((1u << ST_CLI) | (1u << ST_CLI_HTTP))
#define K_ANSWER (K_HTTP | K_CLI)

struct mod {
    const char *key; /* points into the static table below */
    char *val;
    int line;
};

struct step {
    enum step_kind kind;
    char method[16];
    char *arg; /* path, CLI arguments, SQL, user spec, ... */
    int line;
    struct mod *mods;
    size_t nmods;
};

struct casefile {
    const char *path;
    const char *name; /* file name, for messages */
    char *serve_args;
    char *known_bug; /* the case exposes this open bug: expected to fail */
    struct step *steps;
    size_t nsteps;
};

static const struct {
    const char *key;
    unsigned kinds;
} modifiers[] = {
    {"as", K_HTTP | (1u << ST_CLI_HTTP)},
    {"auth", K_HTTP},
    {"header", K_HTTP},
    {"body", K_HTTP},
    {"body-size", K_HTTP},
    {"stdin", K_CLI},
    {"status", K_HTTP},
    {"exit", K_CLI},
    {"expect", K_ANSWER},
    {"expect-not", K_ANSWER},
    {"absent", K_ANSWER},
    {"contains", K_ANSWER},
    {"not-contains", K_ANSWER},
    {"count", K_ANSWER},
    {"capture", K_ANSWER},
    {"ctype", K_HTTP},
};

static const struct {
    const char *key;
    enum step_kind kind;
} starters[] = {
    {"user", ST_USER},         {"token", ST_TOKEN}, {"cli", ST_CLI},
    {"cli-http", ST_CLI_HTTP}, {"sql", ST_SQL},     {"set", ST_SET},
};

static const char *const methods[] = {"GET",    "POST", "PUT",     "PATCH",
                                      "DELETE", "HEAD", "OPTIONS", NULL};

/* ---- one run of a case ---- */

struct var {
    char name[64];
    char *value;
};

struct run {
    const struct casefile *cf;
    const char *bin;
    char tmp[PATH_MAX];
    char data[PATH_MAX];
    char log[PATH_MAX];
    pid_t server;
    int out_fd;
    int port;
    char url[64];
    struct var vars[MAX_VARS];
    size_t nvars;
    struct hk_buf *err;
};

/* What a step got back: an HTTP answer or a CLI run (status = exit code). */
struct answer {
    long status;
    const char *body;
    size_t len;
    const char *ctype;
    json_t *json; /* parsed on first use */
    int json_tried;
};

/* ---- small helpers ---- */

static void buf_set(struct hk_buf *b, const char *s)
{
    hk_buf_reset(b);
    (void)hk_buf_appends(b, s);
}

static char *trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Appends "\n" + more to *dst (a heap string). */
static void str_cat_line(char **dst, const char *more)
{
    size_t a = strlen(*dst), b = strlen(more);
    char *p = hk_xrealloc(*dst, a + b + 2);

    p[a] = '\n';
    memcpy(p + a + 1, more, b + 1);
    *dst = p;
}

static int failf(struct run *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first failure as "file:line: message". Returns -1. */
static int failf(struct run *r, int line, const char *fmt, ...)
{
    va_list ap;

    if (r->err->len)
        return -1;
    (void)hk_buf_appendf(r->err, "%s:%d: ", r->cf->path, line);
    va_start(ap, fmt);
    (void)hk_buf_vappendf(r->err, fmt, ap);
    va_end(ap);
    return -1;
}

static void show_text(struct hk_buf *b, const char *label, const char *s, size_t n)
{
    if (!s)
        return;
    (void)hk_buf_appendf(b, "\n    %s (%zu bytes): %.*s%s", label, n,
                         (int)(n > SHOW_MAX ? SHOW_MAX : n), s, n > SHOW_MAX ? " [...]" : "");
}

/* ---- parsing ---- */

static struct step *new_step(struct casefile *cf, enum step_kind kind, const char *arg, int line)
{
    struct step *s;

    cf->steps = hk_xrealloc(cf->steps, (cf->nsteps + 1) * sizeof(*cf->steps));
    s = &cf->steps[cf->nsteps++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->arg = hk_xstrdup(arg);
    s->line = line;
    return s;
}

static int add_mod(struct casefile *cf, const char *key, const char *val, int line,
                   struct hk_buf *err)
{
    struct step *s = cf->nsteps ? &cf->steps[cf->nsteps - 1] : NULL;

    for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++) {
        if (strcmp(modifiers[i].key, key) != 0)
            continue;
        if (!s || !(modifiers[i].kinds & (1u << s->kind))) {
            (void)hk_buf_appendf(err, "%s:%d: '%s:' does not belong to %s", cf->path, line, key,
                                 s ? "this kind of step" : "any step (none started yet)");
            return -1;
        }
        s->mods = hk_xrealloc(s->mods, (s->nmods + 1) * sizeof(*s->mods));
        s->mods[s->nmods].key = modifiers[i].key;
        s->mods[s->nmods].val = hk_xstrdup(val);
        s->mods[s->nmods].line = line;
        s->nmods++;
        return 0;
    }
    (void)hk_buf_appendf(err, "%s:%d: unknown directive '%s:'", cf->path, line, key);
    return -1;
}

/* A line that continues the previous value (it starts with white space). */
static int continue_line(struct casefile *cf, char *line, int no, struct hk_buf *err)
{
    struct step *s = cf->nsteps ? &cf->steps[cf->nsteps - 1] : NULL;

    if (!s) {
        (void)hk_buf_appendf(err, "%s:%d: continuation line before any step", cf->path, no);
        return -1;
    }
    str_cat_line(s->nmods ? &s->mods[s->nmods - 1].val : &s->arg, trim(line));
    return 0;
}

static int parse_line(struct casefile *cf, char *line, int no, struct hk_buf *err)
{
    char *colon, *val;
    size_t klen = strspn(line, "abcdefghijklmnopqrstuvwxyz-");

    for (int i = 0; methods[i]; i++) {
        size_t n = strlen(methods[i]);
        if (!strncmp(line, methods[i], n) && line[n] == ' ') {
            struct step *s = new_step(cf, ST_HTTP, trim(line + n), no);
            memcpy(s->method, methods[i], n + 1);
            return 0;
        }
    }
    colon = line + klen;
    if (!klen || *colon != ':') {
        (void)hk_buf_appendf(err, "%s:%d: cannot read line '%s'", cf->path, no, line);
        return -1;
    }
    *colon = '\0';
    val = trim(colon + 1);
    if (!strcmp(line, "title"))
        return 0;
    if (!strcmp(line, "known-bug")) {
        free(cf->known_bug);
        cf->known_bug = hk_xstrdup(val);
        return 0;
    }
    if (!strcmp(line, "serve")) {
        free(cf->serve_args);
        cf->serve_args = hk_xstrdup(val);
        return 0;
    }
    for (size_t i = 0; i < sizeof(starters) / sizeof(starters[0]); i++)
        if (!strcmp(line, starters[i].key)) {
            (void)new_step(cf, starters[i].kind, val, no);
            return 0;
        }
    return add_mod(cf, line, val, no, err);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct hk_buf b = HK_BUF_INIT(BODY_MAX);
    char chunk[8192];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (hk_buf_append(&b, chunk, n))
            break;
    (void)fclose(f);
    return hk_buf_detach(&b, len);
}

static void case_free(struct casefile *cf)
{
    for (size_t i = 0; i < cf->nsteps; i++) {
        for (size_t k = 0; k < cf->steps[i].nmods; k++)
            free(cf->steps[i].mods[k].val);
        free(cf->steps[i].mods);
        free(cf->steps[i].arg);
    }
    free(cf->steps);
    free(cf->serve_args);
    free(cf->known_bug);
    memset(cf, 0, sizeof(*cf));
}

static int case_parse(const char *path, struct casefile *cf, struct hk_buf *err)
{
    size_t len = 0;
    char *text = read_file(path, &len), *p, *nl;
    int no = 0, rc = 0;

    memset(cf, 0, sizeof(*cf));
    cf->path = path;
    cf->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!text) {
        (void)hk_buf_appendf(err, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    for (p = text; !rc && p < text + len; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl)
            nl = text + len;
        *nl = '\0';
        no++;
        if (*p == '#' || !*trim(p))
            continue;
        rc = (*p == ' ' || *p == '\t') ? continue_line(cf, p, no, err) : parse_line(cf, p, no, err);
    }
    free(text);
    if (!rc && !cf->nsteps) {
        (void)hk_buf_appendf(err, "%s: no steps", path);
        rc = -1;
    }
    return rc;
}

/* ---- variables ---- */

static const char *var_get(struct run *r, const char *name, size_t n)
{
    for (size_t i = 0; i < r->nvars; i++)
        if (strlen(r->vars[i].name) == n && !memcmp(r->vars[i].name, name, n))
            return r->vars[i].value;
    return NULL;
}

static int var_set(struct run *r, int line, const char *name, const char *value)
{
    size_t n = strlen(name);

    if (!n || n >= sizeof(r->vars[0].name) ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n)
        return failf(r, line, "bad variable name '%s'", name);
    for (size_t i = 0; i < r->nvars; i++) {
        if (!strcmp(r->vars[i].name, name)) {
            free(r->vars[i].value);
            r->vars[i].value = hk_xstrdup(value);
            return 0;
        }
    }
    if (r->nvars == MAX_VARS)
        return failf(r, line, "too many variables");
    memcpy(r->vars[r->nvars].name, name, n + 1);
    r->vars[r->nvars++].value = hk_xstrdup(value);
    return 0;
}

/* Replaces every ${name} in s; an unknown name fails the step. */
static int subst(struct run *r, int line, const char *s, struct hk_buf *out)
{
    hk_buf_reset(out);
    while (*s) {
        const char *d = strstr(s, "${"), *e, *v;
        if (!d) {
            (void)hk_buf_appends(out, s);
            break;
        }
        (void)hk_buf_append(out, s, (size_t)(d - s));
        e = strchr(d, '}');
        if (!e)
            return failf(r, line, "unterminated '${' in '%s'", s);
        v = var_get(r, d + 2, (size_t)(e - d - 2));
        if (!v)
            return failf(r, line, "unknown variable '%.*s'", (int)(e - d - 2), d + 2);
        (void)hk_buf_appends(out, v);
        s = e + 1;
    }
    return 0;
}

/* ---- JSON: paths and subset matching ---- */

/* Follows "a.b.0.c" (numbers index arrays, -1 is the last element; "." is the root). */
static json_t *json_at(json_t *root, const char *path)
{
    json_t *cur = root;
    char seg[128];

    if (!strcmp(path, "."))
        return root;
    while (cur && *path) {
        size_t n = strcspn(path, ".");
        int64_t idx;
        if (n >= sizeof(seg))
            return NULL;
        memcpy(seg, path, n);
        seg[n] = '\0';
        path += n + (path[n] == '.');
        if (json_is_array(cur) && !hk_parse_i64(seg, &idx)) {
            if (idx < 0)
                idx += (int64_t)json_array_size(cur);
            cur = idx < 0 ? NULL : json_array_get(cur, (size_t)idx);
        } else {
            cur = json_object_get(cur, seg);
        }
    }
    return cur;
}

static void dump_into(struct hk_buf *b, const json_t *v)
{
    char *t = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    size_t n = t ? strlen(t) : 0;

    (void)hk_buf_appendf(b, "%.*s%s", (int)(n > 300 ? 300 : n), t ? t : "(missing)",
                         n > 300 ? "..." : "");
    free(t);
}

static int match(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why);

static int mismatch(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why,
                    const char *what)
{
    (void)hk_buf_appendf(why, "at '%s': %s: expected ", where->len ? hk_buf_str(where) : ".", what);
    dump_into(why, exp);
    (void)hk_buf_appends(why, ", got ");
    dump_into(why, act);
    return -1;
}

/* "*" any value, "!null" any but null, "re:ERE" a string matching the expression. */
static int match_special(const char *s, json_t *act, int *res)
{
    regex_t re;

    if (!strcmp(s, "*")) {
        *res = act ? 0 : -1;
        return 1;
    }
    if (!strcmp(s, "!null")) {
        *res = act && !json_is_null(act) ? 0 : -1;
        return 1;
    }
    if (strncmp(s, "re:", 3) != 0)
        return 0;
    *res = -1;
    if (json_is_string(act) && !regcomp(&re, s + 3, REG_EXTENDED | REG_NOSUB)) {
        *res = regexec(&re, json_string_value(act), 0, NULL, 0) ? -1 : 0;
        regfree(&re);
    }
    return 1;
}

static int match_object(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why)
{
    const char *k;
    json_t *v;
    size_t mark = where->len;

    if (!json_is_object(act))
        return mismatch(exp, act, where, why, "not an object");
    json_object_foreach(exp, k, v)
    {
        int rc;
        (void)hk_buf_appendf(where, "%s%s", mark ? "." : "", k);
        rc = match(v, json_object_get(act, k), where, why);
        where->len = mark;
        where->buf[mark] = '\0';
        if (rc)
            return rc;
    }
    return 0;
}

/* Expected ["...", a, b]: a and b each match a distinct element, in any order. */
static int match_unordered(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why)
{
    size_t na = json_array_size(act), ne = json_array_size(exp);
    char *used = hk_xcalloc(na + 1, 1);
    struct hk_buf scratch = HK_BUF_INIT(HK_BUF_UNBOUNDED), w = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    int rc = 0;

    for (size_t i = 1; !rc && i < ne; i++) {
        size_t j;
        for (j = 0; j < na; j++) {
            hk_buf_reset(&scratch);
            buf_set(&w, hk_buf_str(where));
            if (!used[j] && !match(json_array_get(exp, i), json_array_get(act, j), &w, &scratch))
                break;
        }
        if (j == na)
            rc = mismatch(json_array_get(exp, i), act, where, why, "no element matches");
        else
            used[j] = 1;
    }
    free(used);
    hk_buf_release(&scratch);
    hk_buf_release(&w);
    return rc;
}

static int match_array(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why)
{
    size_t ne = json_array_size(exp), na = json_array_size(act), mark = where->len;
    const char *first = json_string_value(json_array_get(exp, 0));
    const char *last = json_string_value(json_array_get(exp, ne ? ne - 1 : 0));
    bool prefix = ne && last && !strcmp(last, "...");

    if (!json_is_array(act))
        return mismatch(exp, act, where, why, "not an array");
    if (first && !strcmp(first, "...") && ne > 1)
        return match_unordered(exp, act, where, why);
    if (prefix)
        ne--;
    if (prefix ? na < ne : na != ne) {
        (void)hk_buf_appendf(why, "(array of %zu, expected %s%zu) ", na, prefix ? "at least " : "",
                             ne);
        return mismatch(exp, act, where, why, "wrong length");
    }
    for (size_t i = 0; i < ne; i++) {
        int rc;
        (void)hk_buf_appendf(where, "%s%zu", mark ? "." : "", i);
        rc = match(json_array_get(exp, i), json_array_get(act, i), where, why);
        where->len = mark;
        where->buf[mark] = '\0';
        if (rc)
            return rc;
    }
    return 0;
}

/* Subset match: every member of exp is in act and matches; arrays element-wise.
 * The matchers recurse over the depth of the expectation, which a case file bounds. */
static int match(json_t *exp, json_t *act, struct hk_buf *where, struct hk_buf *why)
{
    int res;

    if (json_is_string(exp) && match_special(json_string_value(exp), act, &res))
        return res ? mismatch(exp, act, where, why, "no match") : 0;
    if (!act)
        return mismatch(exp, act, where, why, "missing");
    if (json_is_object(exp))
        return match_object(exp, act, where, why);
    if (json_is_array(exp))
        return match_array(exp, act, where, why);
    return json_equal(exp, act) ? 0 : mismatch(exp, act, where, why, "differs");
}

/* True when any object inside v has the member key. */
static bool has_key_anywhere(json_t *v, const char *key)
{
    const char *k;
    json_t *x;
    size_t i;

    if (json_is_object(v)) {
        if (json_object_get(v, key))
            return true;
        json_object_foreach(v, k, x)
        {
            if (has_key_anywhere(x, key))
                return true;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (has_key_anywhere(x, key))
                return true;
        }
    }
    return false;
}

/* ---- processes ---- */

static void child_env(void)
{
    (void)unsetenv("HIKESHI_DATA");
    (void)unsetenv("HIKESHI_URL");
    (void)unsetenv("HIKESHI_TOKEN");
    (void)unsetenv("HIKESHI_DEBUG");
    (void)signal(SIGPIPE, SIG_DFL);
    (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Reads fd until EOF into b. */
static void drain(int fd, struct hk_buf *b, bool *open_)
{
    char chunk[8192];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n > 0)
        (void)hk_buf_append(b, chunk, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        *open_ = false;
}

/* Runs argv to completion with stdin_text on its standard input; collects both outputs. */
static int spawn_wait(char *const argv[], const char *stdin_text, struct hk_buf *out,
                      struct hk_buf *err, int *status)
{
    int po[2], pe[2], pi[2];
    pid_t pid;
    bool oo = true, eo = true;

    if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) || pipe2(pi, O_CLOEXEC))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        child_env();
        (void)dup2(pi[0], 0);
        (void)dup2(po[1], 1);
        (void)dup2(pe[1], 2);
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    close(pi[0]);
    if (stdin_text && write(pi[1], stdin_text, strlen(stdin_text)) < 0)
        (void)0; /* the child may not read it; its exit status tells */
    close(pi[1]);
    while (oo || eo) {
        struct pollfd p[2] = {{oo ? po[0] : -1, POLLIN, 0}, {eo ? pe[0] : -1, POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (oo && p[0].revents)
            drain(po[0], out, &oo);
        if (eo && p[1].revents)
            drain(pe[0], err, &eo);
    }
    close(po[0]);
    close(pe[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

/* Splits s into words; '...' and "..." group words (no escapes). Modifies s. */
static int split_words(char *s, char **argv, int max)
{
    int n = 0;

    while (*s && n < max) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            argv[n++] = s;
            s = strchr(s, q);
            if (!s)
                return -1;
        } else {
            argv[n++] = s;
            s += strcspn(s, " \t\n");
        }
        if (*s)
            *s++ = '\0';
    }
    return *s ? -1 : n;
}

static bool sanitizer_report(const char *text)
{
    return strstr(text, "Sanitizer") || strstr(text, "runtime error:");
}

/* ---- the server ---- */

static int parse_port(const char *s)
{
    const char *p = strstr(s, "(port ");
    uint64_t v = 0;
    char digits[8];
    size_t n;

    if (!p)
        return 0;
    p += 6;
    n = strspn(p, "0123456789");
    if (!n || n >= sizeof(digits) || p[n] != ')')
        return 0;
    memcpy(digits, p, n);
    digits[n] = '\0';
    return hk_parse_u64(digits, &v) || v > 65535 ? 0 : (int)v;
}

static void server_exec(struct run *r, int out_fd)
{
    char *argv[MAX_ARGV] = {(char *)r->bin, "--data", r->data, "serve", "--listen", "127.0.0.1:0"};
    char *extra = r->cf->serve_args ? hk_xstrdup(r->cf->serve_args) : NULL;
    int fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

    child_env();
    if (extra && split_words(extra, argv + 6, MAX_ARGV - 7) < 0)
        _exit(126);
    (void)dup2(null, 0);
    (void)dup2(out_fd, 1);
    (void)dup2(fd, 2);
    execv(r->bin, argv);
    _exit(127);
}

static int server_start(struct run *r)
{
    int p[2];
    struct hk_buf out = HK_BUF_INIT(65536);
    bool open_ = true;

    if (pipe2(p, O_CLOEXEC))
        return failf(r, 0, "pipe: %s", strerror(errno));
    r->server = fork();
    if (r->server < 0)
        return failf(r, 0, "fork: %s", strerror(errno));
    if (r->server == 0)
        server_exec(r, p[1]);
    close(p[1]);
    r->out_fd = p[0];
    /* Bounded so a server that never comes up fails the case instead of hanging it. */
    while (open_ && !r->port) {
        struct pollfd pf = {p[0], POLLIN, 0};
        int n = poll(&pf, 1, PORT_WAIT_MS);
        if (n == 0)
            break;
        if (n > 0)
            drain(p[0], &out, &open_);
        r->port = parse_port(hk_buf_str(&out));
    }
    hk_buf_release(&out);
    if (!r->port)
        return failf(r, 0, "server did not print its port (see %s)", r->log);
    (void)snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%d", r->port);
    return 0;
}

/* Records a server failure even after a step failed (a crash explains that failure). */
static int server_fail(struct run *r, const char *msg)
{
    if (!r->err->len)
        return failf(r, 0, "%s", msg);
    (void)hk_buf_appendf(r->err, "\n    %s", msg);
    return -1;
}

/* Stops the server; it must exit 0 and its log must carry no sanitizer report. */
static int server_stop(struct run *r)
{
    char msg[128];
    int status = 0, waited = 0, rc = 0;
    pid_t w = 0;
    size_t len = 0;
    char *log;

    if (r->server <= 0)
        return 0;
    (void)kill(r->server, SIGTERM);
    while ((w = waitpid(r->server, &status, WNOHANG)) == 0 && waited < STOP_WAIT_MS) {
        struct timespec ts = {0, 10L * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 10;
    }
    if (w == 0) {
        (void)kill(r->server, SIGKILL);
        (void)waitpid(r->server, &status, 0);
        rc = server_fail(r, "server did not stop on SIGTERM");
    } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        (void)snprintf(msg, sizeof(msg), "server ended badly (%s %d)",
                       WIFEXITED(status) ? "exit status" : "signal",
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        rc = server_fail(r, msg);
    }
    r->server = 0;
    close(r->out_fd);
    log = read_file(r->log, &len);
    if (log && sanitizer_report(log))
        rc = server_fail(r, "sanitizer report in the server log");
    if (rc && log)
        show_text(r->err, "server log", log, len);
    free(log);
    return rc;
}

static int run_init(struct run *r)
{
    char *argv[] = {(char *)r->bin, "--data", r->data, "init", NULL};
    struct hk_buf out = HK_BUF_INIT(65536), err = HK_BUF_INIT(65536);
    int status = 0, rc = 0;
    const char *tok;

    if (spawn_wait(argv, NULL, &out, &err, &status))
        return failf(r, 0, "cannot run '%s': %s", r->bin, strerror(errno));
    tok = strstr(hk_buf_str(&out), "\n    hk_");
    if (!WIFEXITED(status) || WEXITSTATUS(status) || !tok || sanitizer_report(hk_buf_str(&err))) {
        rc = failf(r, 0, "'hikeshi init' failed (status %d)", status);
        show_text(r->err, "stdout", out.buf, out.len);
        show_text(r->err, "stderr", err.buf, err.len);
    } else {
        char secret[128];
        size_t n = strcspn(tok + 5, " \n");
        (void)snprintf(secret, sizeof(secret), "%.*s", (int)n, tok + 5);
        rc = var_set(r, 0, "admin", secret);
    }
    hk_buf_release(&out);
    hk_buf_release(&err);
    return rc;
}

/* ---- HTTP ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    return hk_buf_append(arg, p, size * n) ? 0 : size * n;
}

struct request {
    const char *method;
    const char *path;
    const char *auth; /* whole Authorization value, or NULL */
    const char *body; /* NULL: none */
    size_t body_len;
    struct curl_slist *headers;
};

/* Performs one request; resp gets the body, *ctype a copy of the content type. */
static int http_do(struct run *r, int line, const struct request *q, long *status,
                   struct hk_buf *resp, char **ctype)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    struct hk_buf url = HK_BUF_INIT(HK_BUF_UNBOUNDED), auth = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    const char *ct = NULL;
    CURLcode cc;

    (void)hk_buf_appendf(&url, "%s%s", r->url, q->path);
    hdr = curl_slist_append(hdr, "Expect:");
    if (q->body)
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (q->auth) {
        (void)hk_buf_appendf(&auth, "Authorization: %s", q->auth);
        hdr = curl_slist_append(hdr, hk_buf_str(&auth));
    }
    for (struct curl_slist *x = q->headers; x; x = x->next)
        hdr = curl_slist_append(hdr, x->data);
    (void)curl_easy_setopt(h, CURLOPT_URL, hk_buf_str(&url));
    (void)curl_easy_setopt(h, CURLOPT_PROXY, "");
    (void)curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
    (void)curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
    if (!strcmp(q->method, "HEAD"))
        (void)curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (q->body) {
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
        (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
    }
    (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    (void)curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    cc = curl_easy_perform(h);
    if (!cc) {
        (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        (void)curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
        *ctype = hk_xstrdup(ct ? ct : "");
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    hk_buf_release(&url);
    hk_buf_release(&auth);
    if (cc)
        return failf(r, line, "%s %s: %s", q->method, q->path, curl_easy_strerror(cc));
    return 0;
}

/* The Authorization value of a step: auth: verbatim, as: NAME (a token variable), or admin. */
static int auth_of(struct run *r, const struct step *s, struct hk_buf *out, const char **auth)
{
    const char *as = "admin";
    struct hk_buf tmp = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    int rc = 0;

    *auth = NULL;
    for (size_t i = 0; i < s->nmods; i++) {
        if (!strcmp(s->mods[i].key, "auth")) {
            rc = subst(r, s->mods[i].line, s->mods[i].val, out);
            *auth = rc ? NULL : hk_buf_str(out);
            return rc;
        }
        if (!strcmp(s->mods[i].key, "as"))
            as = s->mods[i].val;
    }
    if (!strcmp(as, "none"))
        return 0;
    if (!var_get(r, as, strlen(as)))
        return failf(r, s->line, "'as: %s': no token of that name", as);
    (void)hk_buf_appendf(&tmp, "Bearer %s", var_get(r, as, strlen(as)));
    buf_set(out, hk_buf_str(&tmp));
    hk_buf_release(&tmp);
    *auth = hk_buf_str(out);
    return rc;
}

/* A valid JSON body of exactly n bytes: {"content":"xxxx..."}. */
static void sized_body(struct hk_buf *b, size_t n)
{
    static const char head[] = "{\"content\":\"", tail[] = "\"}";

    hk_buf_reset(b);
    (void)hk_buf_appends(b, head);
    while (b->len + sizeof(tail) - 1 < n)
        (void)hk_buf_appendc(b, 'x');
    (void)hk_buf_appends(b, tail);
}

/* Collects body:, body-size: and header: of a step. */
static int body_of(struct run *r, const struct step *s, struct hk_buf *body, bool *has,
                   struct curl_slist **headers)
{
    struct hk_buf tmp = HK_BUF_INIT(BODY_MAX);
    int rc = 0;

    *has = false;
    for (size_t i = 0; !rc && i < s->nmods; i++) {
        const struct mod *m = &s->mods[i];
        if (!strcmp(m->key, "body") && !(rc = subst(r, m->line, m->val, &tmp))) {
            if (*has)
                (void)hk_buf_appendc(body, '\n');
            (void)hk_buf_appends(body, hk_buf_str(&tmp));
            *has = true;
        } else if (!strcmp(m->key, "body-size")) {
            uint64_t n = 0;
            if (hk_parse_u64(m->val, &n) || n < 16 || n > BODY_MAX)
                rc = failf(r, m->line, "body-size must be 16 to %zu", BODY_MAX);
            else
                sized_body(body, (size_t)n);
            *has = true;
        } else if (!strcmp(m->key, "header") && !(rc = subst(r, m->line, m->val, &tmp))) {
            *headers = curl_slist_append(*headers, hk_buf_str(&tmp));
        }
    }
    hk_buf_release(&tmp);
    return rc;
}

/* ---- checking an answer ---- */

static json_t *answer_json(struct answer *a)
{
    if (!a->json_tried) {
        a->json_tried = 1;
        a->json = json_loadb(a->body, a->len, JSON_DECODE_ANY, NULL);
    }
    return a->json;
}

static int fail_answer(struct run *r, int line, const struct step *s, const struct answer *a,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail_answer(struct run *r, int line, const struct step *s, const struct answer *a,
                       const char *fmt, ...)
{
    va_list ap;
    struct hk_buf msg = HK_BUF_INIT(HK_BUF_UNBOUNDED);

    va_start(ap, fmt);
    (void)hk_buf_vappendf(&msg, fmt, ap);
    va_end(ap);
    (void)failf(r, line, "step at line %d (%s %s): %s", s->line,
                s->kind == ST_HTTP ? s->method : "cli", s->arg, hk_buf_str(&msg));
    (void)hk_buf_appendf(r->err, "\n    %s %ld", s->kind == ST_HTTP ? "status" : "exit code",
                         a->status);
    show_text(r->err, "answer", a->body, a->len);
    hk_buf_release(&msg);
    return -1;
}

static int check_expect(struct run *r, const struct step *s, const struct mod *m, struct answer *a,
                        bool negate)
{
    struct hk_buf txt = HK_BUF_INIT(BODY_MAX), where = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct hk_buf why = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    json_error_t je;
    json_t *exp = NULL;
    int rc = subst(r, m->line, m->val, &txt);

    if (!rc && !(exp = json_loads(hk_buf_str(&txt), JSON_DECODE_ANY, &je)))
        rc = failf(r, m->line, "expectation is not JSON (%s): %s", je.text, hk_buf_str(&txt));
    else if (!rc && !answer_json(a))
        rc = fail_answer(r, m->line, s, a, "the answer is not JSON");
    else if (!rc && !negate && match(exp, answer_json(a), &where, &why))
        rc = fail_answer(r, m->line, s, a, "%s", hk_buf_str(&why));
    else if (!rc && negate && !match(exp, answer_json(a), &where, &why))
        rc = fail_answer(r, m->line, s, a, "the answer matches %s, and must not", hk_buf_str(&txt));
    json_decref(exp);
    hk_buf_release(&txt);
    hk_buf_release(&where);
    hk_buf_release(&why);
    return rc;
}

/* absent: KEY (no member KEY anywhere) or absent: a.b.c (that path does not resolve). */
static int check_absent(struct run *r, const struct step *s, const struct mod *m, struct answer *a)
{
    json_t *j = answer_json(a);
    bool path = strchr(m->val, '.') != NULL;

    if (!j)
        return fail_answer(r, m->line, s, a, "the answer is not JSON");
    if (path ? json_at(j, m->val) != NULL : has_key_anywhere(j, m->val))
        return fail_answer(r, m->line, s, a, "'%s' is present and must not be", m->val);
    return 0;
}

static int check_text(struct run *r, const struct step *s, const struct mod *m, struct answer *a,
                      bool want)
{
    struct hk_buf txt = HK_BUF_INIT(BODY_MAX);
    int rc = subst(r, m->line, m->val, &txt);
    bool found = !rc && a->body && memmem(a->body, a->len, txt.buf ? txt.buf : "", txt.len);

    if (!rc && found != want)
        rc = fail_answer(r, m->line, s, a, "the answer %s '%s'", want ? "lacks" : "contains",
                         hk_buf_str(&txt));
    hk_buf_release(&txt);
    return rc;
}

/* count: PATH=N: the array or object at PATH has N elements. */
static int check_count(struct run *r, const struct step *s, const struct mod *m, struct answer *a)
{
    char path[256];
    const char *eq = strrchr(m->val, '=');
    int64_t want = 0;
    json_t *v;
    size_t n;

    if (!eq || (size_t)(eq - m->val) >= sizeof(path) || hk_parse_i64(eq + 1, &want))
        return failf(r, m->line, "count wants PATH=N, got '%s'", m->val);
    (void)snprintf(path, sizeof(path), "%.*s", (int)(eq - m->val), m->val);
    v = answer_json(a) ? json_at(answer_json(a), path) : NULL;
    n = json_is_array(v) ? json_array_size(v) : json_object_size(v);
    if (!v || (!json_is_array(v) && !json_is_object(v)) || (int64_t)n != want)
        return fail_answer(r, m->line, s, a, "'%s' has %zu elements, expected %lld", path,
                           v ? n : 0, (long long)want);
    return 0;
}

/* capture: NAME=PATH [NAME=PATH ...]: strings raw, numbers in decimal, the rest as JSON. */
static int check_capture(struct run *r, const struct step *s, const struct mod *m, struct answer *a)
{
    char *spec = hk_xstrdup(m->val), *words[32];
    int n = split_words(spec, words, 32), rc = 0;

    for (int i = 0; !rc && i < n; i++) {
        char *eq = strchr(words[i], '=');
        json_t *v = eq && answer_json(a) ? json_at(answer_json(a), eq + 1) : NULL;
        if (!eq) {
            rc = failf(r, m->line, "capture wants NAME=PATH, got '%s'", words[i]);
            break;
        }
        *eq = '\0';
        if (!v || json_is_null(v)) {
            rc = fail_answer(r, m->line, s, a, "nothing to capture at '%s'", eq + 1);
        } else if (json_is_string(v)) {
            rc = var_set(r, m->line, words[i], json_string_value(v));
        } else {
            char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            rc = var_set(r, m->line, words[i], t);
            free(t);
        }
    }
    if (n < 0)
        rc = failf(r, m->line, "unbalanced quotes in '%s'", m->val);
    free(spec);
    return rc;
}

static int check_status(struct run *r, const struct step *s, struct answer *a)
{
    const char *key = s->kind == ST_HTTP ? "status" : "exit";
    int64_t want = -1;
    int line = s->line;

    for (size_t i = 0; i < s->nmods; i++) {
        if (strcmp(s->mods[i].key, key) != 0)
            continue;
        line = s->mods[i].line;
        if (hk_parse_i64(s->mods[i].val, &want))
            return failf(r, line, "%s wants a number", key);
    }
    if (want < 0 && s->kind == ST_HTTP && (a->status < 200 || a->status > 299))
        return fail_answer(r, line, s, a, "expected a 2xx status, got %ld", a->status);
    if (want < 0 && s->kind != ST_HTTP && a->status)
        return fail_answer(r, line, s, a, "expected exit code 0, got %ld", a->status);
    if (want >= 0 && a->status != want)
        return fail_answer(r, line, s, a, "expected %s %lld, got %ld", key, (long long)want,
                           a->status);
    return 0;
}

static int check_answer(struct run *r, const struct step *s, struct answer *a)
{
    int rc = check_status(r, s, a);

    for (size_t i = 0; !rc && i < s->nmods; i++) {
        const struct mod *m = &s->mods[i];
        if (!strcmp(m->key, "expect") || !strcmp(m->key, "expect-not"))
            rc = check_expect(r, s, m, a, m->key[6] == '-');
        else if (!strcmp(m->key, "absent"))
            rc = check_absent(r, s, m, a);
        else if (!strcmp(m->key, "contains") || !strcmp(m->key, "not-contains"))
            rc = check_text(r, s, m, a, m->key[0] == 'c');
        else if (!strcmp(m->key, "count"))
            rc = check_count(r, s, m, a);
        else if (!strcmp(m->key, "capture"))
            rc = check_capture(r, s, m, a);
        else if (!strcmp(m->key, "ctype") &&
                 strncmp(a->ctype ? a->ctype : "", m->val, strlen(m->val)) != 0)
            rc = fail_answer(r, m->line, s, a, "content type '%s', expected '%s'",
                             a->ctype ? a->ctype : "", m->val);
    }
    return rc;
}

/* ---- steps ---- */

static int step_http(struct run *r, const struct step *s)
{
    struct hk_buf path = HK_BUF_INIT(HK_BUF_UNBOUNDED), body = HK_BUF_INIT(BODY_MAX);
    struct hk_buf auth = HK_BUF_INIT(HK_BUF_UNBOUNDED), resp = HK_BUF_INIT(BODY_MAX);
    struct request q = {s->method, NULL, NULL, NULL, 0, NULL};
    struct answer a = {0, NULL, 0, NULL, NULL, 0};
    char *ctype = NULL;
    bool has = false;
    int rc = subst(r, s->line, s->arg, &path);

    if (!rc)
        rc = auth_of(r, s, &auth, &q.auth);
    if (!rc)
        rc = body_of(r, s, &body, &has, &q.headers);
    q.path = hk_buf_str(&path);
    if (has || !strcmp(s->method, "POST") || !strcmp(s->method, "PUT") ||
        !strcmp(s->method, "PATCH"))
        q.body = hk_buf_str(&body);
    q.body_len = body.len;
    if (!rc)
        rc = http_do(r, s->line, &q, &a.status, &resp, &ctype);
    a.body = hk_buf_str(&resp);
    a.len = resp.len;
    a.ctype = ctype;
    if (!rc)
        rc = check_answer(r, s, &a);
    json_decref(a.json);
    free(ctype);
    curl_slist_free_all(q.headers);
    hk_buf_release(&path);
    hk_buf_release(&body);
    hk_buf_release(&auth);
    hk_buf_release(&resp);
    return rc;
}

/* An internal admin request used by user: and token: steps; captures into vars. */
static int admin_call(struct run *r, const struct step *s, const char *path, json_t *body,
                      const char *cap1, const char *path1, const char *cap2, const char *path2)
{
    struct step fake = *s;
    struct mod m = {"capture", NULL, s->line};
    struct hk_buf spec = HK_BUF_INIT(HK_BUF_UNBOUNDED), auth = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char *txt = json_dumps(body, JSON_COMPACT);
    struct request q = {"POST", path, NULL, txt, strlen(txt), NULL};
    struct answer a = {0, NULL, 0, NULL, NULL, 0};
    struct hk_buf resp = HK_BUF_INIT(BODY_MAX);
    char *ctype = NULL;
    int rc;

    (void)hk_buf_appendf(&spec, "%s=%s", cap1, path1);
    if (cap2)
        (void)hk_buf_appendf(&spec, " %s=%s", cap2, path2);
    (void)hk_buf_appendf(&auth, "Bearer %s", var_get(r, "admin", 5));
    q.auth = hk_buf_str(&auth);
    m.val = spec.buf;
    fake.kind = ST_HTTP;
    memcpy(fake.method, "POST", 5);
    fake.mods = &m;
    fake.nmods = 1;
    rc = http_do(r, s->line, &q, &a.status, &resp, &ctype);
    a.body = hk_buf_str(&resp);
    a.len = resp.len;
    if (!rc && a.status != 201)
        rc = fail_answer(r, s->line, &fake, &a, "POST %s answered %ld", path, a.status);
    if (!rc)
        rc = check_capture(r, &fake, &m, &a);
    json_decref(a.json);
    free(ctype);
    free(txt);
    hk_buf_release(&spec);
    hk_buf_release(&auth);
    hk_buf_release(&resp);
    return rc;
}

/* user: NAME ROLE [TEAM]: creates the user and a token; ${NAME} is the token,
 * ${NAME_id} the user id, ${NAME_token_id} the token id. */
static int step_user(struct run *r, const struct step *s)
{
    char *spec = hk_xstrdup(s->arg), *w[4], cap[80], cap2[96];
    int n = split_words(spec, w, 4), rc;
    json_t *u, *t;

    if (n < 2 || n > 3) {
        free(spec);
        return failf(r, s->line, "user wants NAME ROLE [TEAM]");
    }
    u = json_pack("{s:s, s:s, s:s}", "name", w[0], "role", w[1], "team", n == 3 ? w[2] : "");
    t = json_pack("{s:s, s:s}", "user", w[0], "name", "api case");
    (void)snprintf(cap, sizeof(cap), "%s_id", w[0]);
    (void)snprintf(cap2, sizeof(cap2), "%s_token_id", w[0]);
    rc = admin_call(r, s, "/api/v1/users", u, cap, "id", NULL, NULL);
    if (!rc)
        rc = admin_call(r, s, "/api/v1/tokens", t, w[0], "token", cap2, "id");
    json_decref(u);
    json_decref(t);
    free(spec);
    return rc;
}

/* token: VAR USER: another token for USER in ${VAR}, its id in ${VAR_id}. */
static int step_token(struct run *r, const struct step *s)
{
    char *spec = hk_xstrdup(s->arg), *w[3], cap[80];
    int n = split_words(spec, w, 3), rc;
    json_t *t;

    if (n != 2) {
        free(spec);
        return failf(r, s->line, "token wants VAR USER");
    }
    t = json_pack("{s:s, s:s}", "user", w[1], "name", w[0]);
    (void)snprintf(cap, sizeof(cap), "%s_id", w[0]);
    rc = admin_call(r, s, "/api/v1/tokens", t, w[0], "token", cap, "id");
    json_decref(t);
    free(spec);
    return rc;
}

/* cli: ARGS runs "hikeshi --data DIR --json ARGS"; cli-http: goes through --server. */
static int step_cli(struct run *r, const struct step *s)
{
    struct hk_buf args = HK_BUF_INIT(HK_BUF_UNBOUNDED), in = HK_BUF_INIT(BODY_MAX);
    struct hk_buf out = HK_BUF_INIT(BODY_MAX), err = HK_BUF_INIT(BODY_MAX);
    struct hk_buf auth = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    struct answer a = {0, NULL, 0, NULL, NULL, 0};
    char *argv[MAX_ARGV];
    const char *tok = NULL;
    int k = 0, n, status = 0, rc = subst(r, s->line, s->arg, &args);
    bool has_in = false;

    argv[k++] = (char *)r->bin;
    if (s->kind == ST_CLI_HTTP && !rc && !(rc = auth_of(r, s, &auth, &tok))) {
        argv[k++] = "--server";
        argv[k++] = r->url;
        argv[k++] = "--token";
        argv[k++] = tok ? (char *)tok + 7 : "none"; /* past "Bearer " */
    } else {
        argv[k++] = "--data";
        argv[k++] = r->data;
    }
    argv[k++] = "--json";
    for (size_t i = 0; !rc && i < s->nmods; i++)
        if (!strcmp(s->mods[i].key, "stdin") &&
            !(rc = subst(r, s->mods[i].line, s->mods[i].val, &in)))
            has_in = true;
    n = rc ? 0 : split_words(args.buf ? args.buf : (char *)"", argv + k, MAX_ARGV - k - 1);
    if (n < 0)
        rc = failf(r, s->line, "cannot split CLI arguments");
    argv[k + (n > 0 ? n : 0)] = NULL;
    if (!rc && spawn_wait(argv, has_in ? hk_buf_str(&in) : NULL, &out, &err, &status))
        rc = failf(r, s->line, "cannot run '%s': %s", r->bin, strerror(errno));
    a.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    a.body = hk_buf_str(&out);
    a.len = out.len;
    if (!rc && sanitizer_report(hk_buf_str(&err)))
        rc = fail_answer(r, s->line, s, &a, "sanitizer report from the CLI: %s", err.buf);
    if (!rc && (rc = check_answer(r, s, &a)))
        show_text(r->err, "stderr", err.buf, err.len);
    json_decref(a.json);
    hk_buf_release(&args);
    hk_buf_release(&in);
    hk_buf_release(&out);
    hk_buf_release(&err);
    hk_buf_release(&auth);
    return rc;
}

/* sql: STATEMENTS run on the data directory's database (setup the API cannot express). */
static int step_sql(struct run *r, const struct step *s)
{
    struct hk_buf sql = HK_BUF_INIT(HK_BUF_UNBOUNDED), path = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc = subst(r, s->line, s->arg, &sql);

    (void)hk_buf_appendf(&path, "%s/hikeshi.db", r->data);
    if (!rc && sqlite3_open_v2(hk_buf_str(&path), &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = failf(r, s->line, "cannot open %s", hk_buf_str(&path));
    if (!rc) {
        sqlite3_busy_timeout(db, 30000);
        if (sqlite3_exec(db, hk_buf_str(&sql), NULL, NULL, &msg) != SQLITE_OK)
            rc = failf(r, s->line, "sql failed: %s", msg ? msg : "?");
        else if (sqlite3_changes(db) < 1 && strncmp(hk_buf_str(&sql), "SELECT", 6) != 0)
            rc = failf(r, s->line, "sql changed no row: %s", hk_buf_str(&sql));
    }
    sqlite3_free(msg);
    sqlite3_close(db);
    hk_buf_release(&sql);
    hk_buf_release(&path);
    return rc;
}

/* set: NAME=VALUE */
static int step_set(struct run *r, const struct step *s)
{
    struct hk_buf v = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char name[64];
    const char *eq = strchr(s->arg, '=');
    int rc;

    if (!eq || (size_t)(eq - s->arg) >= sizeof(name))
        return failf(r, s->line, "set wants NAME=VALUE");
    (void)snprintf(name, sizeof(name), "%.*s", (int)(eq - s->arg), s->arg);
    rc = subst(r, s->line, eq + 1, &v);
    if (!rc)
        rc = var_set(r, s->line, name, hk_buf_str(&v));
    hk_buf_release(&v);
    return rc;
}

static int run_step(struct run *r, const struct step *s)
{
    switch (s->kind) {
    case ST_HTTP:
        return step_http(r, s);
    case ST_USER:
        return step_user(r, s);
    case ST_TOKEN:
        return step_token(r, s);
    case ST_CLI:
    case ST_CLI_HTTP:
        return step_cli(r, s);
    case ST_SQL:
        return step_sql(r, s);
    case ST_SET:
        return step_set(r, s);
    }
    return failf(r, s->line, "unknown step");
}

/* ---- one case ---- */

/*
 * A case marked "known-bug: TEXT" documents an open bug in src/: its failure is reported
 * as a skip (with the details), so the suite stays green while the bug is open, and its
 * success fails the test, so the marker is removed as soon as the bug is fixed.
 */
static int known_bug_verdict(const struct casefile *cf, int rc, struct hk_buf *err)
{
    if (!cf->known_bug)
        return rc;
    if (!rc) {
        (void)hk_buf_appendf(err, "%s: passes now; remove its 'known-bug: %s' line", cf->path,
                             cf->known_bug);
        return -1;
    }
    /* A failure of the server itself (crash, sanitizer) is never excused. */
    if (strstr(hk_buf_str(err), "server ended badly") ||
        strstr(hk_buf_str(err), "sanitizer report"))
        return -1;
    return 1;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int run_setup(struct run *r)
{
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char port[16];

    (void)snprintf(r->tmp, sizeof(r->tmp), "%s/hk-api-XXXXXX", tmpdir);
    if (!mkdtemp(r->tmp))
        return failf(r, 0, "mkdtemp in '%s': %s", tmpdir, strerror(errno));
    (void)snprintf(r->data, sizeof(r->data), "%s/data", r->tmp);
    (void)snprintf(r->log, sizeof(r->log), "%s/server.log", r->tmp);
    if (run_init(r) || server_start(r))
        return -1;
    (void)snprintf(port, sizeof(port), "%d", r->port);
    if (var_set(r, 0, "url", r->url) || var_set(r, 0, "port", port) ||
        var_set(r, 0, "data", r->data))
        return -1;
    return 0;
}

/* Returns 0 on success, -1 on failure, 1 when a known-bug case failed as expected. */
static int case_run(const char *path, const char *bin, struct hk_buf *err)
{
    struct casefile cf;
    struct run *r;
    int rc;

    if (case_parse(path, &cf, err))
        return -1;
    r = hk_xcalloc(1, sizeof(*r));
    r->cf = &cf;
    r->bin = bin;
    r->err = err;
    rc = run_setup(r);
    for (size_t i = 0; !rc && i < cf.nsteps; i++)
        rc = run_step(r, &cf.steps[i]);
    if (server_stop(r))
        rc = -1;
    if (r->tmp[0] && getenv("HK_API_KEEP"))
        print_message("kept %s\n", r->tmp);
    else if (r->tmp[0])
        (void)nftw(r->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (size_t i = 0; i < r->nvars; i++)
        free(r->vars[i].value);
    free(r);
    rc = known_bug_verdict(&cf, rc, err);
    case_free(&cf);
    return rc;
}

/* ---- cmocka glue ---- */

static void test_case(void **state)
{
    const char *path = *state;
    const char *bin = getenv("HK_BIN");
    struct hk_buf err = HK_BUF_INIT(ERR_MAX);
    int rc;

    assert_non_null(bin);
    rc = case_run(path, bin, &err);
    if (rc > 0) {
        print_message("known bug, still open:\n%s\n", hk_buf_str(&err));
        hk_buf_release(&err);
        skip();
    }
    if (rc) {
        print_error("%s\n", hk_buf_str(&err));
        hk_buf_release(&err);
        fail();
    }
    hk_buf_release(&err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Arguments, or else env HK_CASES, are substrings of the case names to run. */
static bool selected(const char *name, int argc, char **argv)
{
    const char *env = getenv("HK_CASES");

    if (argc < 2)
        return !env || !*env || strstr(name, env);
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]))
            return true;
    return false;
}

/* Lists the selected *.case files of dir, sorted. */
static size_t find_cases(const char *dir, int argc, char **argv, char ***names)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    *names = NULL;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".case") != 0 ||
            !selected(e->d_name, argc, argv))
            continue;
        *names = hk_xrealloc(*names, (n + 1) * sizeof(**names));
        (*names)[n++] = hk_xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    if (n)
        qsort(*names, n, sizeof(**names), by_name);
    return n;
}

int main(int argc, char **argv)
{
    const char *src = getenv("HK_SRC");
    struct hk_buf dir = HK_BUF_INIT(PATH_MAX);
    struct CMUnitTest *tests;
    char **names = NULL, **paths;
    size_t n;
    int rc;

    if (!src || !getenv("HK_BIN")) {
        (void)fprintf(stderr, "test_cases: set HK_SRC (source dir) and HK_BIN (hikeshi)\n");
        return 1;
    }
    (void)hk_buf_appendf(&dir, "%s/tests/api/cases", src);
    n = find_cases(hk_buf_str(&dir), argc, argv, &names);
    if (!n) {
        (void)fprintf(stderr, "test_cases: no .case files in '%s'\n", hk_buf_str(&dir));
        hk_buf_release(&dir);
        return 1;
    }
    (void)signal(SIGPIPE, SIG_IGN);
    (void)curl_global_init(CURL_GLOBAL_DEFAULT);
    tests = hk_xcalloc(n, sizeof(*tests));
    paths = hk_xcalloc(n, sizeof(*paths));
    for (size_t i = 0; i < n; i++) {
        struct hk_buf p = HK_BUF_INIT(PATH_MAX);
        (void)hk_buf_appendf(&p, "%s/%s", hk_buf_str(&dir), names[i]);
        paths[i] = hk_buf_detach(&p, NULL);
        tests[i].name = names[i];
        tests[i].test_func = test_case;
        tests[i].initial_state = paths[i];
    }
    rc = _cmocka_run_group_tests("api_cases", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(paths[i]);
    }
    free(names);
    free(paths);
    free(tests);
    hk_buf_release(&dir);
    curl_global_cleanup();
    return rc;
}
