/* SPDX-License-Identifier: MIT */
/*
 * Observations pushed by sensors (`hikeshi sensor --push`): a batch of alerts and
 * per-interval port summaries. The whole batch is validated before anything is stored, so
 * one bad item refuses the batch with a message naming the item and the member. Items are
 * idempotent per (sensor, item id): a re-sent item is counted as a duplicate and ignored,
 * so a sensor that lost an answer may send the batch again. Each new alert becomes a
 * report through hk_report_submit, the path of POST /api/v1/reports (observable
 * extraction, duplicate folding, correlation with incidents), classified
 * information-gathering/scanner (port surge) or malicious-code/infected-system (worm-like
 * source) at TLP:AMBER unless the batch names another label. Intervals are stored only.
 *
 * The report text carries the addresses, numbers, times and names made of letters and '-'
 * only (protocol, strategy, kind, tool) and nothing else: the sensor name and the item id stay
 * out of it (they are in the report's reporter field and the observation row), so the
 * only observables a report yields are the IP addresses the sensor named, and every
 * alert from one sensor does not end up sharing an observable with every other.
 */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handling/handling_int.h"

#define MAX_ITEMS       500
#define MAX_SOURCES     20
#define MAX_PORTS       64
#define MAX_ID          128
#define MAX_SENSOR      64
#define MAX_NAME        24 /* shorter than any hash (32 hex digits) */
#define SUBJECT_SOURCES 5

/* ---- validation ---- */

/* "items[3].port: must be ..." (key may be NULL: the item itself). */
static hk_err bad(struct hk_errmsg *em, size_t i, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static hk_err bad(struct hk_errmsg *em, size_t i, const char *key, const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (key)
        return hk_errf(em, HK_EINVAL, "items[%zu].%s: %s", i, key, why);
    return hk_errf(em, HK_EINVAL, "items[%zu]: %s", i, why);
}

/* Canonical text of an IPv4 or IPv6 address (inet_ntop), or false. */
static bool ip_canon(const char *s, char out[INET6_ADDRSTRLEN])
{
    unsigned char a[16];

    if (inet_pton(AF_INET, s, a) == 1)
        return inet_ntop(AF_INET, a, out, INET6_ADDRSTRLEN) != NULL;
    if (inet_pton(AF_INET6, s, a) == 1)
        return inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN) != NULL;
    return false;
}

/* A name: lowercase letters and '-', 1..max characters. Without digits or dots it can
 * never be read as an observable (AS number, CVE id, hash, domain) in the report text. */
static bool is_name(json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);

    if (!s || !n || n > max)
        return false;
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || s[k] == '-'))
            return false;
    return true;
}

/* The protocols a sensor decodes (and a catch-all); a fixed set, so the name cannot be
 * read as an observable either. */
static bool is_proto(json_t *v)
{
    static const char *const protos[] = {"tcp", "udp", "icmp", "icmp6", "sctp",
                                         "gre", "esp", "ah",   "other", NULL};
    const char *s = json_string_value(v);

    for (int k = 0; s && protos[k]; k++)
        if (!strcmp(protos[k], s))
            return true;
    return false;
}

#define PROTO_HELP "must be one of tcp, udp, icmp, icmp6, sctp, gre, esp, ah, other"

/* RFC 3339 section 5.6 date-time: full date, 'T', time, and a zone (Z or +hh:mm). */
static bool rfc3339(json_t *v, int64_t *t)
{
    const char *s = json_string_value(v);
    size_t n = s ? strlen(s) : 0;

    if (!s || n < 20 || n > 40 || n != json_string_length(v) || (s[10] != 'T' && s[10] != 't'))
        return false;
    if (s[n - 1] != 'Z' && s[n - 1] != 'z' &&
        !((s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':'))
        return false;
    return hk_time_parse(s, t) == HK_OK;
}

static bool uint_in(json_t *v, int64_t lo, int64_t hi)
{
    return json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi;
}

static bool nonneg_number(json_t *v)
{
    return json_is_number(v) && json_number_value(v) >= 0;
}

/* Rejects members of o that are not in allowed (NULL-terminated). */
static hk_err only(struct hk_errmsg *em, size_t i, json_t *o, const char *const *allowed,
                   const char *what)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        int ok = 0;
        for (int a = 0; allowed[a] && !ok; a++)
            ok = !strcmp(allowed[a], k);
        if (!ok)
            return bad(em, i, NULL, "unknown member '%.64s' for %s", k, what);
    }
    return HK_OK;
}

static hk_err check_ips(struct hk_errmsg *em, size_t i, json_t *item, const char *key, size_t max)
{
    json_t *a = json_object_get(item, key), *v;
    char canon[INET6_ADDRSTRLEN];
    size_t k;

    if (!json_is_array(a))
        return bad(em, i, key, "must be an array of IP addresses");
    if (json_array_size(a) > max)
        return bad(em, i, key, "holds %zu addresses; at most %zu", json_array_size(a), max);
    json_array_foreach(a, k, v)
    {
        const char *s = json_string_value(v);
        if (!s || strlen(s) != json_string_length(v) || !ip_canon(s, canon))
            return hk_errf(em, HK_EINVAL, "items[%zu].%s[%zu]: '%.64s' is not an IP address", i,
                           key, k, s ? s : "(not a string)");
    }
    return HK_OK;
}

/* Members common to both kinds of alert: port, proto, magnitude, sources and extras. */
static hk_err check_alert_common(struct hk_errmsg *em, size_t i, json_t *it)
{
    json_t *v;

    if (!uint_in(json_object_get(it, "port"), 0, 65535))
        return bad(em, i, "port", "must be an integer from 0 to 65535");
    if (!is_proto(json_object_get(it, "proto")))
        return bad(em, i, "proto", PROTO_HELP);
    if (!nonneg_number(json_object_get(it, "magnitude")))
        return bad(em, i, "magnitude", "must be a non-negative number");
    if ((v = json_object_get(it, "count")) && !uint_in(v, 0, INT64_MAX))
        return bad(em, i, "count", "must be a non-negative integer");
    if ((v = json_object_get(it, "baseline")) && !nonneg_number(v))
        return bad(em, i, "baseline", "must be a non-negative number");
    if ((v = json_object_get(it, "interval_s")) && !uint_in(v, 60, 60) && !uint_in(v, 3600, 3600))
        return bad(em, i, "interval_s", "must be 60 or 3600");
    return check_ips(em, i, it, "sources", MAX_SOURCES);
}

static hk_err check_worm(struct hk_errmsg *em, size_t i, json_t *it)
{
    char canon[INET6_ADDRSTRLEN];
    const char *src = json_string_value(json_object_get(it, "src"));
    json_t *v, *p;
    int64_t t;
    size_t k;

    if (!src || strlen(src) != json_string_length(json_object_get(it, "src")) ||
        !ip_canon(src, canon))
        return bad(em, i, "src", "must be an IP address");
    if (!is_name(json_object_get(it, "strategy"), MAX_NAME))
        return bad(em, i, "strategy", "must be a strategy name such as \"hybrid\"");
    if (!is_name(json_object_get(it, "kind"), MAX_NAME))
        return bad(em, i, "kind", "must be a kind name such as \"scan\"");
    if (!uint_in(json_object_get(it, "probes"), 0, INT64_MAX))
        return bad(em, i, "probes", "must be a non-negative integer");
    v = json_object_get(it, "confidence");
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1)
        return bad(em, i, "confidence", "must be a number from 0 to 1");
    v = json_object_get(it, "ports");
    if (!json_is_array(v) || json_array_size(v) > MAX_PORTS)
        return bad(em, i, "ports", "must be an array of at most %d ports", MAX_PORTS);
    json_array_foreach(v, k, p)
    {
        if (!uint_in(p, 0, 65535))
            return hk_errf(em, HK_EINVAL,
                           "items[%zu].ports[%zu]: must be an integer from 0 to 65535", i, k);
    }
    if ((v = json_object_get(it, "tool")) && !is_name(v, MAX_NAME))
        return bad(em, i, "tool", "must be a tool name such as \"masscan\"");
    if ((v = json_object_get(it, "targets")) && !uint_in(v, 0, INT64_MAX))
        return bad(em, i, "targets", "must be a non-negative integer");
    if ((v = json_object_get(it, "rate_pps")) && !nonneg_number(v))
        return bad(em, i, "rate_pps", "must be a non-negative number");
    if ((v = json_object_get(it, "sweep24_s")) && !nonneg_number(v))
        return bad(em, i, "sweep24_s", "must be a non-negative number");
    if ((v = json_object_get(it, "first")) && !rfc3339(v, &t))
        return bad(em, i, "first", "must be an RFC 3339 time");
    if ((v = json_object_get(it, "last")) && !rfc3339(v, &t))
        return bad(em, i, "last", "must be an RFC 3339 time");
    return HK_OK;
}

static hk_err check_alert(struct hk_errmsg *em, size_t i, json_t *it)
{
    static const char *const surge[] = {"id",    "type",     "time",       "alert",
                                        "port",  "proto",    "magnitude",  "sources",
                                        "count", "baseline", "interval_s", NULL};
    static const char *const worm[] = {"id",         "type",      "time",     "alert",   "port",
                                       "proto",      "magnitude", "sources",  "count",   "baseline",
                                       "interval_s", "src",       "strategy", "kind",    "probes",
                                       "confidence", "ports",     "tool",     "targets", "rate_pps",
                                       "sweep24_s",  "first",     "last",     NULL};
    const char *a = json_string_value(json_object_get(it, "alert"));
    bool is_worm = a && !strcmp(a, "worm-source");
    hk_err err;

    if (!a || (strcmp(a, "port-surge") && !is_worm))
        return bad(em, i, "alert", "must be \"port-surge\" or \"worm-source\"");
    if ((err = only(em, i, it, is_worm ? worm : surge,
                    is_worm ? "a worm-source alert" : "a port-surge alert")) ||
        (err = check_alert_common(em, i, it)))
        return err;
    return is_worm ? check_worm(em, i, it) : HK_OK;
}

static hk_err check_interval(struct hk_errmsg *em, size_t i, json_t *it)
{
    static const char *const allowed[] = {"id",    "type",    "time",    "interval_s", "port",
                                          "proto", "packets", "sources", "targets",    NULL};
    static const char *const counts[] = {"packets", "sources", "targets"};
    hk_err err;

    if ((err = only(em, i, it, allowed, "an interval")))
        return err;
    if (!uint_in(json_object_get(it, "interval_s"), 60, 60) &&
        !uint_in(json_object_get(it, "interval_s"), 3600, 3600))
        return bad(em, i, "interval_s", "must be 60 or 3600");
    if (!uint_in(json_object_get(it, "port"), 0, 65535))
        return bad(em, i, "port", "must be an integer from 0 to 65535");
    if (!is_proto(json_object_get(it, "proto")))
        return bad(em, i, "proto", PROTO_HELP);
    for (size_t k = 0; k < 3; k++)
        if (!uint_in(json_object_get(it, counts[k]), 0, INT64_MAX))
            return bad(em, i, counts[k], "must be a non-negative integer");
    return HK_OK;
}

static hk_err check_item(struct hk_errmsg *em, size_t i, json_t *it)
{
    json_t *id = json_object_get(it, "id");
    const char *type, *s = json_string_value(id);
    int64_t t;

    if (!json_is_object(it))
        return bad(em, i, NULL, "must be a JSON object");
    if (!s || !json_string_length(id))
        return bad(em, i, "id", "must be a non-empty string");
    if (json_string_length(id) > MAX_ID)
        return bad(em, i, "id", "is longer than %d bytes", MAX_ID);
    for (size_t k = 0; k < json_string_length(id); k++)
        if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
            return bad(em, i, "id", "contains a control character");
    type = json_string_value(json_object_get(it, "type"));
    if (!type || (strcmp(type, "alert") && strcmp(type, "interval")))
        return bad(em, i, "type", "must be \"alert\" or \"interval\"");
    if (!rfc3339(json_object_get(it, "time"), &t))
        return bad(em, i, "time", "must be an RFC 3339 time such as \"2026-11-22T10:01:00Z\"");
    return !strcmp(type, "alert") ? check_alert(em, i, it) : check_interval(em, i, it);
}

static bool valid_sensor(json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);

    if (!s || !n || n > MAX_SENSOR)
        return false;
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
              (s[k] >= '0' && s[k] <= '9') || strchr("._:@-", s[k])))
            return false;
    return true;
}

hk_err hk_observation_check(json_t *body, struct hk_errmsg *em)
{
    static const char *const allowed[] = {"sensor", "items", "tlp", NULL};
    json_t *items = json_object_get(body, "items"), *it, *tlp = json_object_get(body, "tlp");
    char norm[16];
    const char *k;
    json_t *v;
    size_t i;

    if (!json_is_object(body))
        return hk_errf(em, HK_EINVAL, "request body must be a JSON object");
    json_object_foreach(body, k, v)
    {
        int ok = 0;
        for (int a = 0; allowed[a] && !ok; a++)
            ok = !strcmp(allowed[a], k);
        if (!ok)
            return hk_errf(em, HK_EINVAL, "unknown member '%.64s' (sensor, items, tlp)", k);
    }
    if (!valid_sensor(json_object_get(body, "sensor")))
        return hk_errf(em, HK_EINVAL,
                       "'sensor' must be a name of 1 to %d letters, digits or . _ : @ -",
                       MAX_SENSOR);
    if (tlp && (!json_is_string(tlp) || strlen(json_string_value(tlp)) != json_string_length(tlp) ||
                hk_tlp_parse(json_string_value(tlp), norm)))
        return hk_errf(em, HK_EINVAL,
                       "'tlp' must be a TLP label (CLEAR, GREEN, AMBER, "
                       "AMBER+STRICT, RED)");
    if (!json_is_array(items))
        return hk_errf(em, HK_EINVAL, "'items' must be an array");
    if (json_array_size(items) > MAX_ITEMS)
        return hk_errf(em, HK_ETOOBIG, "%zu items in one batch; at most %d (send smaller batches)",
                       json_array_size(items), MAX_ITEMS);
    json_array_foreach(items, i, it)
    {
        hk_err err = check_item(em, i, it);
        if (err)
            return err;
    }
    return HK_OK;
}

/* ---- report text ---- */

static void append_sources(struct hk_buf *b, json_t *a, size_t max, const char *sep)
{
    char canon[INET6_ADDRSTRLEN];
    json_t *v;
    size_t k;

    json_array_foreach(a, k, v)
    {
        if (k == max)
            break;
        if (ip_canon(json_string_value(v), canon))
            (void)hk_buf_appendf(b, "%s%s", k ? sep : "", canon);
    }
}

static void surge_text(json_t *it, const char *when, struct hk_buf *sub, struct hk_buf *con)
{
    json_t *src = json_object_get(it, "sources"), *cnt = json_object_get(it, "count");
    json_t *base = json_object_get(it, "baseline"), *iv = json_object_get(it, "interval_s");
    int64_t port = json_integer_value(json_object_get(it, "port"));
    const char *proto = json_string_value(json_object_get(it, "proto"));
    double mag = json_number_value(json_object_get(it, "magnitude"));
    size_t n = json_array_size(src);

    (void)hk_buf_appendf(sub, "Port %lld/%s surge: ", (long long)port, proto);
    if (cnt)
        (void)hk_buf_appendf(sub, "%lld sources (x%.3g baseline)",
                             (long long)json_integer_value(cnt), mag);
    else
        (void)hk_buf_appendf(sub, "x%.3g baseline", mag);
    (void)hk_buf_appendf(sub, " at %s", when);
    if (n) {
        (void)hk_buf_appends(sub, "; top sources: ");
        append_sources(sub, src, SUBJECT_SOURCES, ", ");
        if (n > SUBJECT_SOURCES)
            (void)hk_buf_appendf(sub, " and %zu more", n - SUBJECT_SOURCES);
    }
    (void)hk_buf_appends(con, "Early warning from an observation sensor: the number of distinct "
                              "sources reaching one port rose above that port's own baseline.\n");
    (void)hk_buf_appendf(con, "Port: %lld/%s\nTime: %s", (long long)port, proto, when);
    if (iv)
        (void)hk_buf_appendf(con, " (interval %lld s)", (long long)json_integer_value(iv));
    (void)hk_buf_appendf(con, "\nMagnitude: x%.3g the baseline\n", mag);
    if (cnt)
        (void)hk_buf_appendf(con, "Distinct sources: %lld\n", (long long)json_integer_value(cnt));
    if (base)
        (void)hk_buf_appendf(con, "Baseline: %.3g distinct sources per interval\n",
                             json_number_value(base));
    (void)hk_buf_appendf(con, "Top sources (%zu):\n", n);
    append_sources(con, src, MAX_SOURCES, "\n");
    if (n)
        (void)hk_buf_appendc(con, '\n');
}

static void worm_details(json_t *it, struct hk_buf *con)
{
    json_t *v, *p, *ports;
    size_t k;

    (void)hk_buf_appendf(con, "Kind: %s\nStrategy: %s (confidence %.2f)\n",
                         json_string_value(json_object_get(it, "kind")),
                         json_string_value(json_object_get(it, "strategy")),
                         json_number_value(json_object_get(it, "confidence")));
    if ((v = json_object_get(it, "tool")))
        (void)hk_buf_appendf(con, "Scanning tool: %s\n", json_string_value(v));
    (void)hk_buf_appends(con, "Ports:");
    ports = json_object_get(it, "ports");
    json_array_foreach(ports, k, p)(void)
        hk_buf_appendf(con, "%s %lld", k ? "," : "", (long long)json_integer_value(p));
    (void)hk_buf_appendc(con, '\n');
    if ((v = json_object_get(it, "targets")))
        (void)hk_buf_appendf(con, "Distinct targets: %lld\n", (long long)json_integer_value(v));
    if ((v = json_object_get(it, "rate_pps")))
        (void)hk_buf_appendf(con, "Probe rate: %.3g probes/s\n", json_number_value(v));
    if ((v = json_object_get(it, "sweep24_s")))
        (void)hk_buf_appendf(con, "Time to sweep a /24 at this pace: %.0f s\n",
                             json_number_value(v));
    if ((v = json_object_get(it, "first"))) {
        char ts[32];
        int64_t t = 0;
        (void)rfc3339(v, &t);
        hk_time_fmt(t, ts);
        (void)hk_buf_appendf(con, "First seen: %s\n", ts);
    }
    if ((v = json_object_get(it, "last"))) {
        char ts[32];
        int64_t t = 0;
        (void)rfc3339(v, &t);
        hk_time_fmt(t, ts);
        (void)hk_buf_appendf(con, "Last seen: %s\n", ts);
    }
}

static void worm_text(json_t *it, const char *when, struct hk_buf *sub, struct hk_buf *con)
{
    char src[INET6_ADDRSTRLEN] = "";
    json_t *sources = json_object_get(it, "sources");
    int64_t port = json_integer_value(json_object_get(it, "port"));
    int64_t probes = json_integer_value(json_object_get(it, "probes"));
    const char *proto = json_string_value(json_object_get(it, "proto"));
    const char *strategy = json_string_value(json_object_get(it, "strategy"));

    (void)ip_canon(json_string_value(json_object_get(it, "src")), src);
    (void)hk_buf_appendf(sub, "Worm-like scanner %s: %s strategy, %lld probes to %lld/%s at %s",
                         src, strategy, (long long)probes, (long long)port, proto, when);
    (void)hk_buf_appends(con, "A newly seen source scans with a worm-like strategy "
                              "(observation sensor).\n");
    (void)hk_buf_appendf(con, "Source: %s\nTime: %s\nProbes: %lld to %lld/%s\n", src, when,
                         (long long)probes, (long long)port, proto);
    worm_details(it, con);
    (void)hk_buf_appendf(con, "Magnitude: %.3g\n",
                         json_number_value(json_object_get(it, "magnitude")));
    if (json_array_size(sources)) {
        (void)hk_buf_appendf(con, "Related sources (%zu):\n", json_array_size(sources));
        append_sources(con, sources, MAX_SOURCES, "\n");
        (void)hk_buf_appendc(con, '\n');
    }
}

hk_err hk_observation_alert_text(json_t *item, struct hk_buf *subject, struct hk_buf *content)
{
    const char *a = json_string_value(json_object_get(item, "alert"));
    char when[32];
    int64_t t = 0;

    if (!a || !rfc3339(json_object_get(item, "time"), &t))
        return HK_EINVAL;
    hk_time_fmt(t, when);
    if (!strcmp(a, "worm-source"))
        worm_text(item, when, subject, content);
    else
        surge_text(item, when, subject, content);
    return HK_OK;
}

/* ---- storing a batch ---- */

/* Submits one alert as a report (the path of POST /api/v1/reports); *rid is its id. */
static hk_err alert_report(struct hk_ctx *ctx, json_t *it, const char *sensor, const char *tlp,
                           int64_t *rid, bool *dup)
{
    struct hk_buf sub = HK_BUF_INIT(HK_BUF_UNBOUNDED), con = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    bool worm = !strcmp(hk_jstr(it, "alert"), "worm-source");
    json_t *body = NULL, *rep = NULL;
    hk_err err = hk_observation_alert_text(it, &sub, &con);

    if (err)
        goto out;
    if (sub.len > 1000) /* the report's subject limit; the content has everything */
        memcpy(sub.buf + 997, "...", 4);
    body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "content", hk_buf_str(&con), "subject",
                     hk_buf_str(&sub), "source", "sensor", "reporter", sensor, "tlp", tlp,
                     "rsit_class", worm ? "malicious-code" : "information-gathering", "rsit_type",
                     worm ? "infected-system" : "scanner");
    err = hk_report_submit(ctx, body, &rep, dup);
    if (!err)
        *rid = json_integer_value(json_object_get(rep, "id"));
out:
    json_decref(rep);
    json_decref(body);
    hk_buf_release(&sub);
    hk_buf_release(&con);
    return err;
}

struct batch {
    const char *sensor;
    const char *tlp;
    uint64_t accepted, duplicates;
    int64_t first, last;
    json_t *reports;
    crypto_hash_sha256_state digest;
};

/* Stores one validated item; a (sensor, id) already stored is a duplicate. */
static hk_err store_item(struct hk_ctx *ctx, struct batch *b, json_t *it)
{
    json_t *iv = json_object_get(it, "interval_s");
    const char *type = hk_jstr(it, "type");
    char *txt = json_dumps(it, JSON_COMPACT);
    int64_t at = 0, oid = 0, rid = 0;
    bool dup = false;
    hk_err err;

    (void)rfc3339(json_object_get(it, "time"), &at);
    err = hk_store_exec(ctx->st, HK_Q_OBSERVATION_INSERT,
                        HK_SQL_ARGS(hk_sql_text(b->sensor), hk_sql_text(hk_jstr(it, "id")),
                                    hk_sql_text(type), hk_sql_int(at),
                                    iv ? hk_sql_int(json_integer_value(iv)) : hk_sql_int0(0),
                                    hk_sql_int(json_integer_value(json_object_get(it, "port"))),
                                    hk_sql_text(hk_jstr(it, "proto")), hk_sql_text(txt),
                                    hk_sql_int0(ctx->who.user_id), hk_sql_text(ctx->who.name),
                                    hk_sql_int(ctx->now)),
                        &oid);
    if (err || !oid) {
        b->duplicates += !err;
        goto out;
    }
    b->accepted++;
    if (!b->first)
        b->first = oid;
    b->last = oid;
    crypto_hash_sha256_update(&b->digest, (const unsigned char *)txt, strlen(txt) + 1);
    if (strcmp(type, "alert"))
        goto out;
    err = alert_report(ctx, it, b->sensor, b->tlp, &rid, &dup);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_OBSERVATION_SET_REPORT,
                            HK_SQL_ARGS(hk_sql_int(oid), hk_sql_int(rid)), NULL);
    if (!err && !dup)
        json_array_append_new(b->reports, json_integer(rid));
out:
    free(txt);
    return err;
}

/* One audit entry per batch: what was stored, pinned by a digest over the items. */
static hk_err audit_batch(struct hk_ctx *ctx, struct batch *b)
{
    uint8_t h[32];
    char hex[65];
    json_t *after;
    hk_err err;

    if (!b->accepted)
        return HK_OK; /* all duplicates: nothing changed */
    crypto_hash_sha256_final(&b->digest, h);
    hk_hex(h, 32, hex);
    after = json_pack("{s:s, s:I, s:I, s:I, s:I, s:O, s:s}", "sensor", b->sensor, "accepted",
                      (json_int_t)b->accepted, "duplicates", (json_int_t)b->duplicates, "first_id",
                      (json_int_t)b->first, "last_id", (json_int_t)b->last, "reports", b->reports,
                      "digest", hex);
    err = hk_audit(ctx, "observation.push", "observation", b->first, NULL, after);
    json_decref(after);
    return err;
}

hk_err hk_observation_push(struct hk_ctx *ctx, json_t *body, json_t **out)
{
    struct batch b;
    char tlp[16] = "AMBER";
    json_t *items = json_object_get(body, "items"), *it;
    size_t i;
    hk_err err = HK_OK;

    if (!hk_is_staff(ctx) && ctx->who.role != HK_ROLE_SENSOR)
        return hk_errf(ctx->em, HK_EPERM,
                       "role '%s' may not push observations (sensor, handler or admin)",
                       hk_role_name(ctx->who.role));
    if ((err = hk_observation_check(body, ctx->em)))
        return err;
    memset(&b, 0, sizeof(b));
    if (json_object_get(body, "tlp"))
        (void)hk_tlp_parse(hk_jstr(body, "tlp"), tlp);
    b.sensor = hk_jstr(body, "sensor");
    b.tlp = tlp;
    b.reports = json_array();
    crypto_hash_sha256_init(&b.digest);
    json_array_foreach(items, i, it)
    {
        if ((err = store_item(ctx, &b, it)))
            break;
    }
    if (!err)
        err = audit_batch(ctx, &b);
    if (!err)
        *out = json_pack("{s:I, s:I, s:O}", "accepted", (json_int_t)b.accepted, "duplicates",
                         (json_int_t)b.duplicates, "reports", b.reports);
    json_decref(b.reports);
    return err;
}

/* ---- listing ---- */

static const char *param(json_t *p, const char *k)
{
    const char *s = json_string_value(json_object_get(p, k));

    return s && *s ? s : NULL;
}

static hk_err int_param(struct hk_ctx *ctx, json_t *p, const char *k, int64_t lo, int64_t hi,
                        struct hk_sqlval *v)
{
    const char *s = param(p, k);
    int64_t n = 0;

    *v = hk_sql_int0(0);
    if (!s)
        return HK_OK;
    if (hk_parse_i64(s, &n) || n < lo || n > hi)
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an integer from %lld to %lld", k,
                       (long long)lo, (long long)hi);
    *v = hk_sql_int(n);
    return HK_OK;
}

static hk_err time_param(struct hk_ctx *ctx, json_t *p, const char *k, struct hk_sqlval *v)
{
    const char *s = param(p, k);
    int64_t t = 0;

    *v = hk_sql_int0(0);
    if (!s)
        return HK_OK;
    if (hk_time_parse(s, &t) && hk_parse_i64(s, &t))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an ISO 8601 time or Unix seconds", k);
    *v = hk_sql_int(t);
    return HK_OK;
}

hk_err hk_observation_list(struct hk_ctx *ctx, json_t *params, json_t **out)
{
    struct hk_sqlval port, iv, from, to, cursor, limit;
    const char *type = param(params, "type"), *order = param(params, "order");
    json_t *rows = NULL;
    size_t n;
    hk_err err;

    if ((err = hk_require_staff(ctx)))
        return err;
    if (type && strcmp(type, "alert") && strcmp(type, "interval"))
        return hk_errf(ctx->em, HK_EINVAL, "unknown type '%s' (alert, interval)", type);
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return hk_errf(ctx->em, HK_EINVAL, "'order' must be 'asc' or 'desc'");
    if ((err = int_param(ctx, params, "port", 0, 65535, &port)) ||
        (err = int_param(ctx, params, "interval", 1, 86400, &iv)) ||
        (err = time_param(ctx, params, "from", &from)) ||
        (err = time_param(ctx, params, "to", &to)) ||
        (err = int_param(ctx, params, "cursor", 0, INT64_MAX, &cursor)) ||
        (err = int_param(ctx, params, "limit", 1, 500, &limit)))
        return err;
    if (limit.t == HK_SQL_NULL)
        limit = hk_sql_int(50);
    if (cursor.t == HK_SQL_INT && !cursor.i)
        cursor = hk_sql_int0(0);
    err = hk_store_rows(
        ctx->st, order && !strcmp(order, "asc") ? HK_Q_OBSERVATION_LIST_ASC : HK_Q_OBSERVATION_LIST,
        HK_SQL_ARGS(hk_sql_text(param(params, "sensor")), hk_sql_text(type), port,
                    hk_sql_text(param(params, "proto")), iv, from, to, cursor, limit),
        &rows);
    if (err)
        return err;
    n = json_array_size(rows);
    *out = json_pack(
        "{s:o, s:o}", "items", rows, "next_cursor",
        n && (int64_t)n == limit.i
            ? json_integer(json_integer_value(json_object_get(json_array_get(rows, n - 1), "id")))
            : json_null());
    return HK_OK;
}
