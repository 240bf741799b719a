/* SPDX-License-Identifier: MIT */
/*
 * The single hikeshi error space. Every function that can fail returns hk_err and passes
 * results through out-parameters; foreign codes (SQLite, errno, libcurl) are converted at
 * the call site and never cross a module boundary. The table lives in include/hikeshi/errors.def.
 */
#ifndef HIKESHI_ERR_H
#define HIKESHI_ERR_H

#include <stddef.h>

typedef enum hk_err {
#define HK_ERR(name, msg, http, exitc) HK_##name,
#include "hikeshi/errors.def"
#undef HK_ERR
    HK_ERR__COUNT
} hk_err;

/* Static, human-readable text for err ("not found"). Never NULL. */
const char *hk_strerror(hk_err err);
/* The stable API code string ("HK_ENOTFOUND"). Never NULL. */
const char *hk_err_code(hk_err err);
/* The HTTP status that an API answer with this error carries. */
int hk_err_http_status(hk_err err);
/* The process exit code the CLI uses for this error (0 for HK_OK). */
int hk_err_exit_code(hk_err err);

/*
 * An optional detail sink: functions that accept a struct hk_errmsg * write a one-line,
 * lowercase, user-facing explanation into it (git style: "unknown state 'foo'").
 * NULL is always accepted and means "no detail wanted".
 */
struct hk_errmsg {
    char text[256];
};

/* Formats into m (if non-NULL) and returns err, so callers can write
 * `return hk_errf(m, HK_EINVAL, "bad tlp '%s'", s);`. */
hk_err hk_errf(struct hk_errmsg *m, hk_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Aborts with file and line: for programmer errors only. */
#define HK_BUG(msg) hk_bug(__FILE__, __LINE__, (msg))
void hk_bug(const char *file, int line, const char *msg) __attribute__((noreturn));
#ifndef NDEBUG
#define HK_ASSERT(c)                                             \
    do {                                                         \
        if (!(c))                                                \
            hk_bug(__FILE__, __LINE__, "assertion failed: " #c); \
    } while (0)
#else
#define HK_ASSERT(c) ((void)0)
#endif

#endif
