/* SPDX-License-Identifier: MIT */
/*
 * Time, strict number parsing, randomness, digests and the logger. Digests and
 * randomness come from libsodium, which hk_core_init must initialise first.
 */
#include "hikeshi/core.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t hk_now(void)
{
    return (int64_t)time(NULL);
}

uint64_t hk_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void hk_time_fmt(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    if (!strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        out[0] = '\0';
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Accepts YYYY-MM-DD, optionally followed by [T ]HH:MM[:SS[.frac]] and Z or +-HH:MM. */
hk_err hk_time_parse(const char *s, int64_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    const char *p;

    memset(&tm, 0, sizeof(tm));
    if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return HK_EPARSE;
    p = s + 10;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (strlen(p) < 6 || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
            return HK_EPARSE;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return HK_EPARSE;
            p += 3;
            if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                    ;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (strlen(p) < 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return HK_EPARSE;
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return HK_EPARSE;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = (int64_t)timegm(&tm) - off;
    return HK_OK;
}

hk_err hk_parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
        return HK_EPARSE;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return HK_EPARSE;
    *out = (int64_t)v;
    return HK_OK;
}

hk_err hk_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || *s < '0' || *s > '9')
        return HK_EPARSE;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return HK_EPARSE;
    *out = (uint64_t)v;
    return HK_OK;
}

hk_err hk_core_init(void)
{
    return sodium_init() < 0 ? HK_EIO : HK_OK;
}

void hk_random(void *p, size_t n)
{
    randombytes_buf(p, n);
}

void hk_sha256(const void *p, size_t n, uint8_t out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)p, n);
}

void hk_hex(const uint8_t *p, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The length of the well-formed UTF-8 sequence at s (1-4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        /* E0: no overlong forms (second byte A0-BF); ED: no surrogates (80-9F). */
        unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        /* F0: no overlong forms (90-BF); F4: nothing above U+10FFFF (80-8F). */
        unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
}

size_t hk_utf8_fix(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t bad = 0;

    while (*p) {
        /* A NUL ends the string, and it fails every continuation test above, so a
         * sequence cut short at the end is never read past. */
        size_t k = utf8_len(p);
        if (!k) {
            *p++ = '?';
            bad++;
        } else {
            p += k;
        }
    }
    return bad;
}

bool hk_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t k = utf8_len(p);
        if (!k)
            return false;
        p += k;
    }
    return true;
}

static enum hk_log_level log_level = HK_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void hk_log_set_level(enum hk_log_level lvl)
{
    log_level = lvl;
}

void hk_log(enum hk_log_level lvl, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char ts[32];
    va_list ap;

    if (lvl < log_level)
        return;
    hk_time_fmt(hk_now(), ts);
    va_start(ap, fmt);
    pthread_mutex_lock(&log_lock);
    (void)fprintf(stderr, "%s %s ", ts, names[lvl]);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
    va_end(ap);
}
