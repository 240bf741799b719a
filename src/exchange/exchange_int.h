/* SPDX-License-Identifier: MIT */
/*
 * Private pieces of the exchange module: the string formats of the X-ARF schemas and the
 * small member checkers the X-ARF validators are written with.
 */
#ifndef HIKESHI_EXCHANGE_INT_H
#define HIKESHI_EXCHANGE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "hikeshi/exchange.h"

bool hk_xfmt_ipv4(const char *s);
bool hk_xfmt_ipv6(const char *s);
bool hk_xfmt_datetime(const char *s);
bool hk_xfmt_hostname(const char *s);
bool hk_xfmt_email(const char *s);
bool hk_xfmt_uri(const char *s);
bool hk_xfmt_uuid(const char *s);
bool hk_xfmt_match(const char *re, const char *s);

/* A validation in progress: the first failure is written into em and sets failed. */
struct xchk {
    struct hk_errmsg *em;
    int version;
    bool failed;
    char path[96]; /* "Report.Samples[0]" */
};

bool hk_xchk_str(struct xchk *c, json_t *o, const char *k, bool req, size_t minlen,
                 bool (*fmt)(const char *), const char *fmtname);
bool hk_xchk_enum(struct xchk *c, json_t *o, const char *k, bool req, const char *const *set);
bool hk_xchk_int(struct xchk *c, json_t *o, const char *k, bool req, json_int_t lo, json_int_t hi);
/* type: a json_type (JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_INTEGER, JSON_REAL for any
 * number, JSON_TRUE for a boolean). */
bool hk_xchk_type(struct xchk *c, json_t *o, const char *k, bool req, int type);
bool hk_xchk_ip(struct xchk *c, json_t *o, const char *k, bool req);
bool hk_xchk_ports(struct xchk *c, json_t *o, const char *k, bool lists);
bool hk_xchk_only(struct xchk *c, json_t *o, const char *const *allowed);
bool hk_xchk_fail(struct xchk *c, const char *k, const char *msg);
void hk_xchk_enter(struct xchk *c, const char *k, char *saved, size_t n);
void hk_xchk_leave(struct xchk *c, const char *saved);

/* The string value of member k, or "" when absent or not a string. */
static inline const char *hk_jstr_or(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* Appends the text of a sample or evidence payload to content: decoded from base64 when
 * b64, shown as text when it is printable UTF-8, else as its size and SHA-256. At most max
 * bytes of text are shown. */
void hk_xarf_payload(struct hk_buf *content, const char *payload, bool b64, size_t max);

#endif
