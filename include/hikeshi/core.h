/* SPDX-License-Identifier: MIT */
/*
 * Core utilities shared by every module: aborting allocators, a bounded growable byte
 * buffer (always NUL-terminated), time, randomness, digests, number parsing and a small
 * logger. Nothing here allocates on behalf of the caller without saying who frees it.
 */
#ifndef HIKESHI_CORE_H
#define HIKESHI_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/err.h"

/* Allocators that log file and line then abort on out-of-memory (redis zmalloc). */
#define hk_xmalloc(n)     hk_xmalloc_at((n), __FILE__, __LINE__)
#define hk_xcalloc(n, s)  hk_xcalloc_at((n), (s), __FILE__, __LINE__)
#define hk_xrealloc(p, n) hk_xrealloc_at((p), (n), __FILE__, __LINE__)
#define hk_xstrdup(s)     hk_xstrdup_at((s), __FILE__, __LINE__)
void *hk_xmalloc_at(size_t n, const char *file, int line);
void *hk_xcalloc_at(size_t n, size_t size, const char *file, int line);
void *hk_xrealloc_at(void *p, size_t n, const char *file, int line);
char *hk_xstrdup_at(const char *s, const char *file, int line);
char *hk_xstrndup(const char *s, size_t n);

/*
 * struct hk_buf: a growable byte buffer, always NUL-terminated, with an upper bound.
 * Invariants: buf[len] == '\0' whenever buf != NULL; len < cap; len <= max.
 * Appends that would exceed max fail with HK_ETOOBIG and leave the buffer unchanged.
 * A zeroed struct with max set (or HK_BUF_INIT) is a valid empty buffer.
 */
struct hk_buf {
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
};
#define HK_BUF_INIT(maxlen)  \
    {                        \
        NULL, 0, 0, (maxlen) \
    }
#define HK_BUF_UNBOUNDED ((size_t)1 << 40)

void hk_buf_init(struct hk_buf *b, size_t max);
void hk_buf_release(struct hk_buf *b);
void hk_buf_reset(struct hk_buf *b);
hk_err hk_buf_append(struct hk_buf *b, const void *p, size_t n);
hk_err hk_buf_appends(struct hk_buf *b, const char *s);
hk_err hk_buf_appendc(struct hk_buf *b, char c);
hk_err hk_buf_appendf(struct hk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
hk_err hk_buf_vappendf(struct hk_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Returns the buffer's string (never NULL: "" when empty); borrowed until the next change. */
const char *hk_buf_str(const struct hk_buf *b);
/* Hands the heap string to the caller (free with free()); leaves b empty. */
char *hk_buf_detach(struct hk_buf *b, size_t *len);

/* Time: seconds since the epoch (UTC), and ISO 8601 "2026-11-22T04:26:47Z" formatting. */
int64_t hk_now(void);
/* Monotonic nanoseconds, for benchmarks and latency only. */
uint64_t hk_mono_ns(void);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) into out. */
void hk_time_fmt(int64_t t, char out[32]);
/* Parses RFC 3339 / ISO 8601 UTC ("2026-11-22T04:26:47Z", offsets, or a plain date). */
hk_err hk_time_parse(const char *s, int64_t *out);

/* Strict decimal parsing: the whole string must be a number within range. */
hk_err hk_parse_i64(const char *s, int64_t *out);
hk_err hk_parse_u64(const char *s, uint64_t *out);

/* Cryptographic randomness and digests (libsodium). hex output is lowercase. */
void hk_random(void *p, size_t n);
void hk_sha256(const void *p, size_t n, uint8_t out[32]);
void hk_hex(const uint8_t *p, size_t n, char *out); /* out holds 2n+1 bytes */
/* Replaces, in place, every byte of s that does not belong to a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, surrogates or values above U+10FFFF) with '?'; returns the
 * number replaced. For text that echoes outside input into JSON. */
size_t hk_utf8_fix(char *s);
/* True when s is well-formed UTF-8 (the same rules). */
bool hk_utf8_valid(const char *s);
/* Initialises libsodium; call once at program start. */
hk_err hk_core_init(void);

/* A text file carried inside the binary (scripts/embed_files.cmake): name without extension. */
struct hk_embedded {
    const char *name;
    const char *text;
};

/* Logger: one line per call to stderr, "2026-11-22T04:26:47Z level msg". */
enum hk_log_level { HK_LOG_DEBUG, HK_LOG_INFO, HK_LOG_WARN, HK_LOG_ERROR };
void hk_log_set_level(enum hk_log_level lvl);
void hk_log(enum hk_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
