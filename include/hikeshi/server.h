/* SPDX-License-Identifier: MIT */
/*
 * hikeshi serve: the HTTP server (libmicrohttpd, internal epoll thread pool) that answers
 * the API on one port. Each pool thread owns one store connection, opened on its first
 * request and closed at shutdown.
 */
#ifndef HIKESHI_SERVER_H
#define HIKESHI_SERVER_H

#include "hikeshi/handling.h"

struct hk_server_opts {
    const char *data_dir; /* SQLite data directory */
    const char *listen;   /* "127.0.0.1:8080", "[::1]:8080", ":8080" (all addresses) */
    unsigned threads;     /* pool size; default 4 */
    struct hk_config cfg;
    volatile int *stop; /* optional: set non-zero to stop (tests); else SIGINT/SIGTERM */
    void (*ready)(int port, void *arg); /* optional: called once listening */
    void *ready_arg;
    /* Optional: deliver the outbox (notifications, reminders) through this mail set-up,
     * from a thread of its own with its own store connection, polling every second. */
    const struct hk_mail_config *mail;
};

/* Parses "host:port" into its parts (host may be "[v6]" or empty for any). */
hk_err hk_listen_parse(const char *s, char *host, size_t hostlen, int *port);

/* Serves until SIGINT or SIGTERM (or *stop). Errors: HK_EINVAL (bad address),
 * HK_EIO (cannot bind). */
hk_err hk_server_run(const struct hk_server_opts *o, struct hk_errmsg *em);

#endif
