/* SPDX-License-Identifier: MIT */
/*
 * Strict readers for members of untrusted JSON request bodies: wrong types, oversize
 * strings and unknown members are refused with a message naming the member.
 */
#include <string.h>

#include "hikeshi/handling.h"

hk_err hk_json_str(struct hk_ctx *ctx, json_t *o, const char *key, size_t max, const char **out)
{
    json_t *v = o ? json_object_get(o, key) : NULL;

    *out = NULL;
    if (!v || json_is_null(v))
        return HK_OK;
    if (!json_is_string(v))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be a string", key);
    if (json_string_length(v) > max)
        return hk_errf(ctx->em, HK_ETOOBIG, "'%s' is longer than %zu bytes", key, max);
    if (memchr(json_string_value(v), '\0', json_string_length(v)))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' contains a NUL character", key);
    *out = json_string_value(v);
    return HK_OK;
}

hk_err hk_json_int(struct hk_ctx *ctx, json_t *o, const char *key, int64_t *out, bool *present)
{
    json_t *v = o ? json_object_get(o, key) : NULL;

    if (present)
        *present = false;
    if (!v || json_is_null(v))
        return HK_OK;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
    } else if (!json_is_string(v) || hk_parse_i64(json_string_value(v), out)) {
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an integer", key);
    }
    if (present)
        *present = true;
    return HK_OK;
}

hk_err hk_json_time(struct hk_ctx *ctx, json_t *o, const char *key, int64_t *out)
{
    json_t *v = o ? json_object_get(o, key) : NULL;

    *out = 0;
    if (!v || json_is_null(v))
        return HK_OK;
    if (json_is_integer(v))
        *out = json_integer_value(v);
    else if (!json_is_string(v) || hk_time_parse(json_string_value(v), out))
        return hk_errf(ctx->em, HK_EINVAL, "'%s' must be an ISO 8601 time or Unix seconds", key);
    /* 1970 to 9999: every stored time formats, and windows around it cannot overflow. */
    if (*out < 0 || *out > 253402300799)
        return hk_errf(ctx->em, HK_EINVAL, "'%s' is out of range (years 1970 to 9999)", key);
    return HK_OK;
}

hk_err hk_json_only(struct hk_ctx *ctx, json_t *o, const char *const *allowed)
{
    const char *key;
    json_t *v;

    if (!json_is_object(o))
        return hk_errf(ctx->em, HK_EINVAL, "request body must be a JSON object");
    json_object_foreach(o, key, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(allowed[i], key);
        if (!ok)
            return hk_errf(ctx->em, HK_EINVAL, "unknown field '%s'", key);
    }
    return HK_OK;
}
