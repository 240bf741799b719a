/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the validator of observation pushes (hk_observation_check in
 * src/handling/observation.c) and the report text made from each alert. The input is
 * parsed as the router parses a body (strict jansson, duplicate keys refused); a valid
 * batch must pass, an invalid one must fail with HK_EINVAL or HK_ETOOBIG and a message.
 * For every alert of a valid batch, the subject and content are rendered and run through
 * the observable extractor, and the result must be exactly the alert's IP addresses in
 * canonical form: nothing missing (correlation needs them all) and nothing else (the text
 * must not invent observables that would link unrelated reports).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/handling.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    (void)fprintf(stderr, "fuzz_observations: %s: %s\n", what, detail ? detail : "");
    abort();
}

static void canon(const char *s, char out[INET6_ADDRSTRLEN])
{
    unsigned char a[16];

    if (inet_pton(AF_INET, s, a) == 1 && inet_ntop(AF_INET, a, out, INET6_ADDRSTRLEN))
        return;
    if (inet_pton(AF_INET6, s, a) == 1 && inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN))
        return;
    fail("a valid item holds an invalid address", s);
}

/* Is value the canonical form of the alert's src or of one of its sources? */
static int expected(json_t *it, const char *value)
{
    char c[INET6_ADDRSTRLEN];
    json_t *v;
    size_t k;

    if (json_object_get(it, "src")) {
        canon(json_string_value(json_object_get(it, "src")), c);
        if (!strcmp(c, value))
            return 1;
    }
    json_array_foreach(json_object_get(it, "sources"), k, v)
    {
        canon(json_string_value(v), c);
        if (!strcmp(c, value))
            return 1;
    }
    return 0;
}

/* Is value in the list? The unspecified address "::" is the one address the extractor does
 * not take from free text (it would match C++ "std::" and the like); it carries no
 * information for correlation either. */
static int extracted(const struct hk_obs_list *l, const char *value)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].value, value))
            return 1;
    return !strcmp(value, "::");
}

static void check_alert(json_t *it, struct hk_obs_list *l)
{
    struct hk_buf text = HK_BUF_INIT(HK_BUF_UNBOUNDED), content = HK_BUF_INIT(HK_BUF_UNBOUNDED);
    char c[INET6_ADDRSTRLEN];
    json_t *v;
    size_t k;

    if (hk_observation_alert_text(it, &text, &content) != HK_OK || !text.len || !content.len)
        fail("alert text", NULL);
    /* As the report path extracts: subject, a line end, content. */
    (void)hk_buf_appendc(&text, '\n');
    (void)hk_buf_append(&text, content.buf, content.len);
    if (hk_obs_extract(text.buf, text.len, l) != HK_OK)
        fail("extract failed", NULL);
    for (size_t i = 0; i < l->n; i++)
        if ((l->items[i].type != HK_OBS_IPV4 && l->items[i].type != HK_OBS_IPV6) ||
            !expected(it, l->items[i].value))
            fail("unexpected observable in the alert text", l->items[i].value);
    if (json_object_get(it, "src")) {
        canon(json_string_value(json_object_get(it, "src")), c);
        if (!extracted(l, c))
            fail("src not extracted", c);
    }
    json_array_foreach(json_object_get(it, "sources"), k, v)
    {
        canon(json_string_value(v), c);
        if (!extracted(l, c))
            fail("source not extracted", c);
    }
    hk_buf_release(&text);
    hk_buf_release(&content);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hk_obs_list l;
    static int ready;
    struct hk_errmsg em = {{0}};
    json_error_t je;
    json_t *body, *it;
    size_t i;
    hk_err err;

    if (!ready) {
        hk_obs_list_init(&l, HK_OBS_DEFAULT_MAX);
        ready = 1;
    }
    body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!body)
        return 0;
    err = hk_observation_check(body, &em);
    if (err != HK_OK && err != HK_EINVAL && err != HK_ETOOBIG)
        fail("unexpected error code", hk_err_code(err));
    if (err && !em.text[0])
        fail("error without a message", NULL);
    if (!err) {
        if (!json_is_object(body))
            fail("a non-object passed", NULL);
        json_array_foreach(json_object_get(body, "items"), i, it)
        {
            if (!strcmp(json_string_value(json_object_get(it, "type")), "alert"))
                check_alert(it, &l);
        }
    }
    json_decref(body);
    return 0;
}
