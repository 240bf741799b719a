/* SPDX-License-Identifier: MIT */
/*
 * libmicrohttpd glue: the two-phase access handler (queue the answer only after the
 * first callback, or 0.9.75 drops keep-alive), a bounded request body (413 past
 * cfg.max_body, checked against Content-Length before reading), per-thread store
 * connections, security headers, and a clean shutdown on SIGINT/SIGTERM.
 * No domain logic lives here: every request goes to hk_api_handle.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hikeshi/http.h"
#include "hikeshi/server.h"
#include "hikeshi/vcase.h"

#define MAX_THREADS 64

struct server {
    const struct hk_server_opts *o;
    pthread_mutex_t lock;
    /*
     * Group commit. SQLite admits one writer at a time, and a commit per request costs
     * more than the request's own work (every b-tree page it touched goes to the WAL).
     * So writes share one connection (wst) and one open transaction: each request runs in
     * a savepoint of it, under write_lock; the writer that finds nobody else waiting
     * commits for the whole group and wakes the others. Nobody answers before the commit
     * that holds its change, so an acknowledged request survives kill -9 as before. A
     * lone writer commits at once, so a quiet server adds no latency.
     */
    pthread_mutex_t write_lock;
    struct hk_store *wst;
    atomic_int waiting; /* writers queued on write_lock */
    int tx_open;        /* a group transaction is open on wst */
    int members;        /* requests in the open group */
    uint64_t epoch;     /* number of the open (or last) group */
    pthread_mutex_t gm; /* guards committed, failed */
    pthread_cond_t gcv;
    uint64_t committed; /* last group committed (or failed) */
    uint64_t failed;    /* last group whose commit failed */
    struct hk_store *stores[MAX_THREADS];
    int nstores;
};

struct pending {
    struct hk_buf body;
    int too_big;
};

static __thread struct hk_store *tls_store;

static struct hk_store *thread_store(struct server *s)
{
    struct hk_errmsg em = {{0}};

    if (tls_store)
        return tls_store;
    pthread_mutex_lock(&s->lock);
    if (s->nstores < MAX_THREADS && !hk_store_sqlite.open(s->o->data_dir, &tls_store, &em))
        s->stores[s->nstores++] = tls_store;
    else
        hk_log(HK_LOG_ERROR, "serve: cannot open store: %s", em.text);
    pthread_mutex_unlock(&s->lock);
    return tls_store;
}

struct argfill {
    struct hk_http_req *req;
    int overflow;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    struct argfill *f = cls;

    (void)kind;
    if (f->req->nargs >= HK_HTTP_MAX_ARGS) {
        f->overflow = 1;
        return MHD_NO;
    }
    f->req->args[f->req->nargs].key = key;
    f->req->args[f->req->nargs].value = value ? value : "";
    f->req->nargs++;
    return MHD_YES;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct hk_http_resp *r)
{
    size_t len = 0;
    char *body = hk_buf_detach(&r->body, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    bool cache_set = false;
    enum MHD_Result ret;

    (void)MHD_add_response_header(resp, "Content-Type", r->content_type);
    (void)MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    (void)MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    (void)MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    /* No inline script, no plugins, nothing from elsewhere, on every response. */
    (void)MHD_add_response_header(resp, "Content-Security-Policy",
                                  "default-src 'self'; script-src 'self'; style-src 'self'; "
                                  "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                  "form-action 'self'; frame-ancestors 'none'");
    /* The handler's extra headers: "Name: value\n" lines. */
    if (r->headers.len) {
        char *h = r->headers.buf, *end = h + r->headers.len;
        while (h < end) {
            char *nl = memchr(h, '\n', (size_t)(end - h));
            char *colon;
            if (!nl)
                nl = end;
            *nl = '\0';
            colon = strchr(h, ':');
            if (colon) {
                *colon = '\0';
                for (colon++; *colon == ' '; colon++)
                    ;
                (void)MHD_add_response_header(resp, h, colon);
                if (!strcasecmp(h, "Cache-Control"))
                    cache_set = true;
            }
            h = nl + 1;
        }
    }
    if (!cache_set)
        (void)MHD_add_response_header(resp, "Cache-Control", "no-store");
    ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    hk_buf_release(&r->headers);
    return ret;
}

static enum MHD_Result simple_error(struct MHD_Connection *conn, hk_err err, const char *msg)
{
    struct hk_http_resp r = {0, "application/json", HK_BUF_INIT(4096), HK_BUF_INIT(4096)};

    r.status = hk_err_http_status(err);
    (void)hk_buf_appendf(&r.body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
                         hk_err_code(err), msg);
    return send_resp(conn, &r);
}

#define GROUP_MAX 64

static void group_answer_error(struct hk_http_resp *resp)
{
    hk_buf_reset(&resp->body);
    hk_buf_reset(&resp->headers); /* e.g. no Set-Cookie for a session that was rolled back */
    resp->status = 500;
    resp->content_type = "application/json";
    (void)hk_buf_appends(&resp->body, "{\"error\":{\"code\":\"HK_EDB\",\"message\":"
                                      "\"commit failed; nothing was written\"}}\n");
}

static void group_write(struct server *s, struct hk_http_req *req, struct hk_http_resp *resp)
{
    uint64_t mine;
    hk_err err = HK_OK;
    bool leader = false;

    atomic_fetch_add(&s->waiting, 1);
    pthread_mutex_lock(&s->write_lock);
    atomic_fetch_sub(&s->waiting, 1);
    if (!s->tx_open) {
        err = hk_store_begin(s->wst, true);
        if (err) {
            pthread_mutex_unlock(&s->write_lock);
            group_answer_error(resp);
            return;
        }
        s->tx_open = 1;
        s->members = 0;
        s->epoch++;
    }
    mine = s->epoch;
    req->in_group = true;
    hk_api_handle(&s->o->cfg, s->wst, req, resp);
    if (atomic_load(&s->waiting) == 0 || ++s->members >= GROUP_MAX) {
        err = hk_store_commit(s->wst);
        s->tx_open = 0;
        leader = true;
    }
    pthread_mutex_unlock(&s->write_lock);
    pthread_mutex_lock(&s->gm);
    if (leader) {
        s->committed = mine;
        if (err)
            s->failed = mine;
        pthread_cond_broadcast(&s->gcv);
    }
    while (s->committed < mine)
        pthread_cond_wait(&s->gcv, &s->gm);
    if (s->failed == mine)
        group_answer_error(resp);
    pthread_mutex_unlock(&s->gm);
}

/* The client's address as text, for per-address rate limits. */
static const char *client_addr(struct MHD_Connection *conn, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa)
        return NULL;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
                         (socklen_t)len);
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct server *s = cls;
    struct pending *p = *con_cls;
    struct hk_http_req req;
    struct hk_http_resp resp = {0, NULL, HK_BUF_INIT(HK_BUF_UNBOUNDED), HK_BUF_INIT(65536)};
    struct argfill fill = {&req, 0};
    struct hk_store *st;
    char addr[INET6_ADDRSTRLEN];

    (void)version;
    if (!p) {
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        uint64_t n = 0;
        p = hk_xcalloc(1, sizeof(*p));
        hk_buf_init(&p->body, s->o->cfg.max_body);
        if (cl && (hk_parse_u64(cl, &n) || n > s->o->cfg.max_body))
            p->too_big = 1;
        *con_cls = p;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!p->too_big && hk_buf_append(&p->body, upload_data, *upload_size))
            p->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (p->too_big)
        return simple_error(conn, HK_ETOOBIG, "request body larger than the limit");
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = url;
    (void)MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &fill);
    if (fill.overflow)
        return simple_error(conn, HK_ETOOBIG, "too many query parameters");
    req.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    req.cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
    req.csrf = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
    req.accept_language = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
    req.if_none_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    req.remote_addr = client_addr(conn, addr, sizeof(addr));
    req.body = p->body.buf;
    req.body_len = p->body.len;
    /* Sign-in and a password change do Argon2id work (tens of ms; sign-in is reachable
     * without an account): they run on this thread's own connection and transactions
     * instead of holding the group writer's lock, which every other write waits on. */
    if (strcmp(method, "GET") &&
        !(!strcmp(method, "POST") &&
          (!strcmp(url, "/api/v1/session") || !strcmp(url, "/api/v1/account/password")))) {
        group_write(s, &req, &resp);
        return send_resp(conn, &resp);
    }
    st = thread_store(s);
    if (!st)
        return simple_error(conn, HK_EDB, "database unavailable");
    hk_api_handle(&s->o->cfg, st, &req, &resp);
    return send_resp(conn, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct pending *p = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (p) {
        hk_buf_release(&p->body);
        free(p);
        *con_cls = NULL;
    }
}

hk_err hk_listen_parse(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(s, ':');
    uint64_t p;
    size_t n;

    if (!colon || hk_parse_u64(colon + 1, &p) || p > 65535)
        return HK_EINVAL;
    n = (size_t)(colon - s);
    if (n && s[0] == '[') {
        if (s[n - 1] != ']')
            return HK_EINVAL;
        s++;
        n -= 2;
    }
    if (n >= hostlen)
        return HK_EINVAL;
    memcpy(host, s, n);
    host[n] = '\0';
    *port = (int)p;
    return HK_OK;
}

static hk_err make_addr(const char *listen, struct sockaddr_storage *ss, int *port,
                        struct hk_errmsg *em)
{
    char host[256];
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (hk_listen_parse(listen, host, sizeof(host), port))
        return hk_errf(em, HK_EINVAL, "bad listen address '%s' (want HOST:PORT)", listen);
    if (!strcmp(host, "localhost"))
        memcpy(host, "127.0.0.1", 10);
    if (!*host || inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)*port);
        return HK_OK;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)*port);
        return HK_OK;
    }
    return hk_errf(em, HK_EINVAL, "bad listen host '%s' (want an IP address)", host);
}

static int bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

    return info ? info->port : 0;
}

/* The outbox deliverer: its own connection, so SMTP never holds the request writer. It
 * also queues reminders for overdue investigations once a minute. */
struct outbox_thread {
    const struct hk_server_opts *o;
    atomic_int stop;
};

static void *outbox_main(void *arg)
{
    struct outbox_thread *t = arg;
    struct hk_store *st = NULL;
    struct hk_errmsg em = {{0}};
    int ticks = 0;

    if (hk_store_sqlite.open(t->o->data_dir, &st, &em)) {
        hk_log(HK_LOG_ERROR, "outbox: cannot open the store: %s", em.text);
        return NULL;
    }
    while (!atomic_load(&t->stop)) {
        size_t sent = 0, failed = 0;
        if (ticks++ % 60 == 0 && hk_outbox_remind_run(st, &t->o->cfg, &em))
            hk_log(HK_LOG_WARN, "outbox: reminders: %s", em.text);
        if (ticks % 60 == 1 && hk_vcase_remind_run(st, &t->o->cfg, &em)) /* embargoes */
            hk_log(HK_LOG_WARN, "outbox: embargo reminders: %s", em.text);
        if (hk_outbox_deliver(st, &t->o->cfg, t->o->mail, 100, &sent, &failed, &em))
            hk_log(HK_LOG_WARN, "outbox: %s", em.text);
        else if (sent || failed)
            hk_log(HK_LOG_INFO, "outbox: %zu sent, %zu failed (will retry)", sent, failed);
        for (int i = 0; i < 10 && !atomic_load(&t->stop); i++)
            usleep(100000);
    }
    hk_store_close(st);
    return NULL;
}

hk_err hk_server_run(const struct hk_server_opts *o, struct hk_errmsg *em)
{
    struct outbox_thread ot = {.o = o};
    pthread_t outbox_tid;
    bool outbox = false;
    struct server s;
    struct sockaddr_storage ss;
    struct MHD_Daemon *d;
    sigset_t set;
    int port, sig;
    unsigned threads = o->threads ? o->threads : 4;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    hk_err err = make_addr(o->listen, &ss, &port, em);

    if (err)
        return err;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    memset(&s, 0, sizeof(s));
    s.o = o;
    pthread_mutex_init(&s.lock, NULL);
    pthread_mutex_init(&s.write_lock, NULL);
    pthread_mutex_init(&s.gm, NULL);
    pthread_cond_init(&s.gcv, NULL);
    err = hk_store_sqlite.open(o->data_dir, &s.wst, em);
    if (err) {
        pthread_mutex_destroy(&s.lock);
        pthread_mutex_destroy(&s.write_lock);
        pthread_mutex_destroy(&s.gm);
        pthread_cond_destroy(&s.gcv);
        return err;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* Worker threads must not take the signals: the main thread waits for them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, &s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, &s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)4096, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!d) {
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        hk_store_close(s.wst);
        pthread_mutex_destroy(&s.lock);
        pthread_mutex_destroy(&s.write_lock);
        pthread_mutex_destroy(&s.gm);
        pthread_cond_destroy(&s.gcv);
        return hk_errf(em, HK_EIO, "cannot listen on '%s' (in use, or not permitted)", o->listen);
    }
    port = bound_port(d);
    hk_log(HK_LOG_INFO, "serve: listening on %s (port %d), data in '%s', %u threads", o->listen,
           port, o->data_dir, threads);
    if (o->mail)
        outbox = !pthread_create(&outbox_tid, NULL, outbox_main, &ot);
    if (o->ready)
        o->ready(port, o->ready_arg);
    if (o->stop) {
        while (!*o->stop)
            usleep(20000);
    } else {
        (void)sigwait(&set, &sig);
        hk_log(HK_LOG_INFO, "serve: signal %d, shutting down", sig);
    }
    if (outbox) {
        atomic_store(&ot.stop, 1);
        pthread_join(outbox_tid, NULL);
    }
    MHD_stop_daemon(d);
    for (int i = 0; i < s.nstores; i++)
        hk_store_close(s.stores[i]);
    hk_store_close(s.wst);
    pthread_mutex_destroy(&s.lock);
    pthread_mutex_destroy(&s.write_lock);
    pthread_mutex_destroy(&s.gm);
    pthread_cond_destroy(&s.gcv);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return HK_OK;
}
