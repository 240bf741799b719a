/* SPDX-License-Identifier: MIT */
/*
 * Pushing alerts and interval summaries to a hikeshi server (POST /api/v1/observations),
 * with an on-disk spool so that nothing is lost and nothing is counted twice:
 *
 * - every item gets a stable id (sensor name, item type, time, protocol/port, source), so a
 *   re-sent item is recognised by the server as a duplicate;
 * - queued items are first appended to DIR/spool.jsonl (one item per line, fsync'd); a send
 *   renames that file to DIR/batch-<time>-<pid>-<n>.jsonl and posts its items in batches of at
 *   most 500; a batch leaves the file only after a 200 answer;
 * - on a connection failure, a 5xx or a 429 the unsent rest of the file is kept (rewritten
 *   through a temporary file and rename) and retried at the next flush or the next run;
 * - 401 and 403 say the token is wrong, not the batch: the items stay spooled too;
 * - any other 4xx means the batch itself is refused: it is moved to DIR/rejected-*.jsonl with
 *   the server's message, reported, and never retried.
 * A crash between a 200 and the rewrite re-sends a batch the server already has; the server
 * counts it as duplicates.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hikeshi/core.h"
#include "sensor/sensor_int.h"

#define BATCH     500
#define MAX_SPOOL (256u << 20) /* bytes of one spool file read back */

struct hk_push {
    char *url;
    char *auth;
    char *dir;
    char name[65];
    json_t *queue;
    uint64_t sent, dups, rejected;
    unsigned seq;
};

const char *hk_port_proto_name(uint8_t proto);

static void sanitize(const char *in, char out[65])
{
    size_t n = 0;

    for (; in && *in && n < 64; in++) {
        char c = *in;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  strchr("._:@-", c);
        out[n++] = ok ? c : '-';
    }
    if (!n)
        out[n++] = 's';
    out[n] = '\0';
}

hk_err hk_push_new(const char *url, const char *token, const char *spool_dir, const char *name,
                   struct hk_push **out, struct hk_errmsg *em)
{
    struct hk_push *p;
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    size_t n = strlen(url);

    *out = NULL;
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return hk_errf(em, HK_EINVAL, "--push needs an http:// or https:// URL, not '%s'", url);
    if (mkdir(spool_dir, 0700) && errno != EEXIST)
        return hk_errf(em, HK_EIO, "cannot create the spool directory '%s': %s", spool_dir,
                       strerror(errno));
    p = hk_xcalloc(1, sizeof(*p));
    while (n && url[n - 1] == '/')
        n--;
    (void)hk_buf_append(&b, url, n);
    (void)hk_buf_appends(&b, "/api/v1/observations");
    p->url = hk_buf_detach(&b, NULL);
    (void)hk_buf_appendf(&b, "Authorization: Bearer %s", token ? token : "");
    p->auth = hk_buf_detach(&b, NULL);
    p->dir = hk_xstrdup(spool_dir);
    sanitize(name, p->name);
    p->queue = json_array();
    *out = p;
    return HK_OK;
}

void hk_push_free(struct hk_push *p)
{
    if (!p)
        return;
    free(p->url);
    free(p->auth);
    free(p->dir);
    json_decref(p->queue);
    free(p);
}

static void time3339(int64_t ms, char out[40])
{
    hk_fmt_time_ms(ms, out);
}

static json_t *sources_json(const struct hk_addr *a, int n)
{
    json_t *arr = json_array();
    char s[64];

    for (int i = 0; i < n && i < HK_ALERT_MAX_SRC; i++) {
        hk_addr_fmt(&a[i], s, sizeof(s));
        (void)json_array_append_new(arr, json_string(s));
    }
    return arr;
}

void hk_push_alert(struct hk_push *p, const struct hk_alert *a)
{
    char t[40], id[160], src[64];
    const char *proto = hk_port_proto_name(a->proto);
    json_t *it;

    time3339(a->ts_ms, t);
    if (a->type == HK_ALERT_PORT_SURGE) {
        (void)snprintf(id, sizeof(id), "%.48s:surge:%lld:%s/%u", p->name,
                       (long long)a->interval_start_ms, proto, a->port);
        it = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:o, s:i, s:f, s:i}", "id", id, "type",
                       "alert", "time", t, "alert", "port-surge", "port", (json_int_t)a->port,
                       "proto", proto, "magnitude", a->magnitude, "sources",
                       sources_json(a->srcs, a->nsrc), "count", (json_int_t)a->count, "baseline",
                       a->baseline, "interval_s", (json_int_t)60);
    } else {
        const struct hk_profile *pr = &a->prof;
        char first[40], last[40];
        json_t *ports = json_array();
        hk_addr_fmt(&pr->src, src, sizeof(src));
        (void)snprintf(id, sizeof(id), "%.48s:worm:%s:%lld", p->name, src, (long long)pr->first_ms);
        for (int i = 0; i < pr->nports_listed; i++)
            (void)json_array_append_new(ports, json_integer(pr->ports[i]));
        time3339(pr->first_ms, first);
        time3339(pr->last_ms, last);
        it = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:o, s:s, s:s, s:s, s:i, s:f, s:o, "
                       "s:i, s:f, s:s, s:s}",
                       "id", id, "type", "alert", "time", t, "alert", "worm-source", "port",
                       (json_int_t)a->port, "proto", proto, "magnitude", a->magnitude, "sources",
                       sources_json(a->srcs, a->nsrc), "src", src, "strategy",
                       hk_strat_name(pr->strategy), "kind", hk_kind_name(pr->kind), "probes",
                       (json_int_t)pr->probes, "confidence", pr->confidence, "ports", ports,
                       "targets", (json_int_t)pr->targets, "rate_pps", pr->rate_pps, "first", first,
                       "last", last);
        if (it && pr->sweep24_s >= 0)
            (void)json_object_set_new(it, "sweep24_s", json_real(pr->sweep24_s));
        if (it && pr->tool != HK_TOOL_NONE)
            (void)json_object_set_new(it, "tool", json_string(hk_tool_name(pr->tool)));
    }
    if (it)
        (void)json_array_append_new(p->queue, it);
}

void hk_push_interval(struct hk_push *p, const struct hk_port_iv *iv)
{
    char t[40], id[160];
    const char *proto = hk_port_proto_name(iv->proto);
    json_t *it;

    time3339(iv->start_ms, t);
    (void)snprintf(id, sizeof(id), "%.48s:iv%u:%lld:%s/%u", p->name, iv->interval_s,
                   (long long)iv->start_ms, proto, iv->port);
    it = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:I, s:i, s:i}", "id", id, "type", "interval",
                   "time", t, "interval_s", (json_int_t)iv->interval_s, "port",
                   (json_int_t)iv->port, "proto", proto, "packets", (json_int_t)iv->packets,
                   "sources", (json_int_t)iv->sources, "targets", (json_int_t)iv->targets);
    if (it)
        (void)json_array_append_new(p->queue, it);
}

/* ---- spool files ---- */

static hk_err write_lines(const char *path, int flags, json_t *items, size_t from, size_t to,
                          struct hk_errmsg *em)
{
    struct hk_buf b = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    int fd;
    hk_err err = HK_OK;

    for (size_t i = from; i < to; i++) {
        char *s = json_dumps(json_array_get(items, i), JSON_COMPACT);
        if (s) {
            (void)hk_buf_appends(&b, s);
            (void)hk_buf_appendc(&b, '\n');
            free(s);
        }
    }
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600);
    if (fd < 0) {
        hk_buf_release(&b);
        return hk_errf(em, HK_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    for (size_t off = 0; off < b.len;) {
        ssize_t k = write(fd, b.buf + off, b.len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            err = hk_errf(em, HK_EIO, "cannot write '%s': %s", path, strerror(errno));
            break;
        }
        off += (size_t)k;
    }
    if (err == HK_OK && fsync(fd))
        err = hk_errf(em, HK_EIO, "cannot sync '%s': %s", path, strerror(errno));
    (void)close(fd);
    hk_buf_release(&b);
    return err;
}

/* Reads a spool file: one JSON item per line; unreadable lines are skipped. */
static json_t *read_items(const char *path)
{
    FILE *f = fopen(path, "r");
    json_t *arr = json_array();
    char *line = NULL;
    size_t cap = 0, total = 0;
    ssize_t n;

    if (!f)
        return arr;
    while ((n = getline(&line, &cap, f)) > 0 && total < MAX_SPOOL) {
        json_t *v = json_loadb(line, (size_t)n, 0, NULL);
        total += (size_t)n;
        if (json_is_object(v))
            (void)json_array_append_new(arr, v);
        else
            json_decref(v);
    }
    free(line);
    (void)fclose(f);
    return arr;
}

static size_t on_body(char *d, size_t sz, size_t nm, void *u)
{
    struct hk_buf *b = u;

    return hk_buf_append(b, d, sz * nm) == HK_OK ? sz * nm : 0;
}

/* Posts items[from, to): 0 sent, 1 retry later, 2 refused (moved aside). */
static int post(struct hk_push *p, json_t *items, size_t from, size_t to, struct hk_errmsg *em)
{
    json_t *body = json_object(), *arr = json_array(), *ans;
    struct hk_buf resp = HK_BUF_INIT(1u << 20);
    struct curl_slist *hdr = NULL;
    CURL *c = curl_easy_init();
    char *txt;
    long code = 0;
    CURLcode rc = CURLE_FAILED_INIT;
    int result = 1;

    for (size_t i = from; i < to; i++)
        (void)json_array_append(arr, json_array_get(items, i));
    (void)json_object_set_new(body, "sensor", json_string(p->name));
    (void)json_object_set_new(body, "items", arr);
    txt = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (c && txt) {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, p->auth);
        (void)curl_easy_setopt(c, CURLOPT_URL, p->url);
        (void)curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        (void)curl_easy_setopt(c, CURLOPT_POSTFIELDS, txt);
        (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
        (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
        (void)curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
        (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK)
            (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    }
    if (rc != CURLE_OK) {
        (void)hk_errf(em, HK_ENET, "cannot reach %s: %s", p->url, curl_easy_strerror(rc));
    } else if (code == 200) {
        ans = json_loads(hk_buf_str(&resp), 0, NULL);
        p->sent += (uint64_t)json_integer_value(json_object_get(ans, "accepted"));
        p->dups += (uint64_t)json_integer_value(json_object_get(ans, "duplicates"));
        json_decref(ans);
        result = 0;
    } else if (code == 429 || code >= 500) {
        (void)hk_errf(em, HK_ENET, "%s answered %ld; the items stay spooled", p->url, code);
    } else if (code == 401 || code == 403) {
        /* The credentials are wrong, not the batch: keep it for a run with a good token. */
        (void)hk_errf(em, HK_EAUTH, "%s refused the token (%ld); the items stay spooled", p->url,
                      code);
    } else {
        (void)hk_errf(em, HK_EINVAL, "%s refused a batch of %zu items (%ld): %.160s", p->url,
                      to - from, code, hk_buf_str(&resp));
        result = 2;
    }
    curl_slist_free_all(hdr);
    if (c)
        curl_easy_cleanup(c);
    free(txt);
    hk_buf_release(&resp);
    return result;
}

/* Sends one batch file; HK_ENET when the rest must wait. */
static hk_err send_file(struct hk_push *p, const char *path, struct hk_errmsg *em)
{
    json_t *items = read_items(path);
    size_t n = json_array_size(items), off = 0;
    hk_err err = HK_OK;
    char tmp[4300], rej[4300];

    while (off < n) {
        size_t to = off + BATCH < n ? off + BATCH : n;
        struct hk_errmsg pe;
        int r = post(p, items, off, to, &pe);
        if (r == 1) {
            err = hk_errf(em, strstr(pe.text, "token") ? HK_EAUTH : HK_ENET, "%s", pe.text);
            break;
        }
        if (r == 2) {
            (void)snprintf(rej, sizeof(rej), "%s/rejected-%lld.jsonl", p->dir, (long long)hk_now());
            (void)write_lines(rej, O_APPEND, items, off, to, NULL);
            p->rejected += to - off;
            (void)fprintf(stderr, "hikeshi: %s; moved to %s\n", pe.text, rej);
        }
        off = to;
    }
    if (off >= n) {
        (void)unlink(path);
    } else if (off > 0) {
        (void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        if (write_lines(tmp, O_TRUNC, items, off, n, NULL) == HK_OK)
            (void)rename(tmp, path);
    }
    json_decref(items);
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

hk_err hk_push_flush(struct hk_push *p, struct hk_errmsg *em)
{
    char spool[4200], batch[4200];
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct stat st;
    hk_err err = HK_OK;
    DIR *d;
    struct dirent *de;

    (void)snprintf(spool, sizeof(spool), "%s/spool.jsonl", p->dir);
    if (json_array_size(p->queue)) {
        err = write_lines(spool, O_APPEND, p->queue, 0, json_array_size(p->queue), em);
        if (err)
            return err;
        (void)json_array_clear(p->queue);
    }
    if (stat(spool, &st) == 0) {
        (void)snprintf(batch, sizeof(batch), "%s/batch-%013lld-%d-%u.jsonl", p->dir,
                       (long long)hk_now(), (int)getpid(), p->seq++);
        if (rename(spool, batch))
            return hk_errf(em, HK_EIO, "cannot rename '%s': %s", spool, strerror(errno));
    }
    d = opendir(p->dir);
    if (!d)
        return hk_errf(em, HK_EIO, "cannot read '%s': %s", p->dir, strerror(errno));
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (strncmp(de->d_name, "batch-", 6) || l < 7 || strcmp(de->d_name + l - 6, ".jsonl"))
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 16;
            names = hk_xrealloc(names, cap * sizeof(*names));
        }
        names[nn++] = hk_xstrdup(de->d_name);
    }
    (void)closedir(d);
    qsort(names, nn, sizeof(*names), cmp_str);
    for (size_t i = 0; i < nn; i++) {
        if (err == HK_OK) {
            (void)snprintf(batch, sizeof(batch), "%s/%s", p->dir, names[i]);
            err = send_file(p, batch, em);
        }
        free(names[i]);
    }
    free(names);
    return err;
}

void hk_push_counts(const struct hk_push *p, uint64_t *sent, uint64_t *dups, uint64_t *rejected,
                    uint64_t *spooled)
{
    char path[4200];
    DIR *d = opendir(p->dir);
    struct dirent *de;
    uint64_t n = json_array_size(p->queue);

    *sent = p->sent;
    *dups = p->dups;
    *rejected = p->rejected;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, "batch-", 6) && strcmp(de->d_name, "spool.jsonl"))
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
        json_t *items = read_items(path);
        n += json_array_size(items);
        json_decref(items);
    }
    if (d)
        (void)closedir(d);
    *spooled = n;
}
