/* SPDX-License-Identifier: MIT */
/*
 * The append-only audit log. Each entry's hash is SHA-256 over the previous entry's hash
 * followed by the entry's fields, each length-prefixed (so no two different entries can
 * serialise alike); the chain head (last seq and hash) is also kept in the meta table, so
 * editing, inserting, deleting or truncating entries all break verification.
 * The head is read once per transaction and written once at commit (hk_ctx_commit), which
 * keeps a bulk import at one extra write per batch, not per row.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hikeshi/handling.h"

static void field(crypto_hash_sha256_state *h, const char *s, size_t n)
{
    char len[24];
    int k = snprintf(len, sizeof(len), "%zu:", n);

    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(h, (const unsigned char *)s, n);
}

static void entry_hash(const uint8_t prev[32], int64_t seq, int64_t at, const char *actor,
                       const char *action, const char *otype, int64_t oid, const char *before,
                       const char *after, uint8_t out[32])
{
    crypto_hash_sha256_state h;
    char num[64];

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    (void)snprintf(num, sizeof(num), "%lld/%lld/%lld", (long long)seq, (long long)at,
                   (long long)oid);
    field(&h, num, strlen(num));
    field(&h, actor, strlen(actor));
    field(&h, action, strlen(action));
    field(&h, otype, strlen(otype));
    field(&h, before, strlen(before));
    field(&h, after, strlen(after));
    crypto_hash_sha256_final(&h, out);
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
    if (!s || strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = s[2 * i + j];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= (unsigned)(c - 'a' + 10);
            else
                return -1;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* Reads "seq:hexhash" from meta; a fresh database has seq 0 and a zero hash. */
static hk_err load_head(struct hk_store *st, int64_t *seq, uint8_t hash[32])
{
    json_t *row = NULL;
    const char *v;
    hk_err err = hk_store_row(st, HK_Q_META_GET, HK_SQL_ARGS(hk_sql_text("audit_head")), &row);
    long long s = 0;
    char hex[65];

    *seq = 0;
    memset(hash, 0, 32);
    if (err == HK_ENOTFOUND)
        return HK_OK;
    if (err)
        return err;
    v = json_string_value(json_object_get(row, "value"));
    if (!v || sscanf(v, "%lld:%64s", &s, hex) != 2 || unhex(hex, hash, 32))
        err = HK_EINTEGRITY;
    *seq = s;
    json_decref(row);
    return err;
}

hk_err hk_audit(struct hk_ctx *ctx, const char *action, const char *otype, int64_t oid,
                json_t *before, json_t *after)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *bs = b ? b : "", *as = a ? a : "";
    uint8_t h[32];
    hk_err err = HK_OK;

    if (!ctx->audit.loaded) {
        err = load_head(ctx->st, &ctx->audit.seq, ctx->audit.hash);
        if (err)
            goto out;
        ctx->audit.loaded = 1;
    }
    entry_hash(ctx->audit.hash, ctx->audit.seq + 1, ctx->now, ctx->who.name, action, otype, oid, bs,
               as, h);
    err = hk_store_exec(ctx->st, HK_Q_AUDIT_APPEND,
                        HK_SQL_ARGS(hk_sql_int(ctx->audit.seq + 1), hk_sql_int(ctx->now),
                                    hk_sql_text(ctx->who.name), hk_sql_text(action),
                                    hk_sql_text(otype), hk_sql_int(oid), hk_sql_text(bs),
                                    hk_sql_text(as), hk_sql_blob(ctx->audit.hash, 32),
                                    hk_sql_blob(h, 32)),
                        NULL);
    if (err)
        goto out;
    ctx->audit.seq++;
    memcpy(ctx->audit.hash, h, 32);
    ctx->audit.dirty = 1;
out:
    free(b);
    free(a);
    return err;
}

hk_err hk_ctx_begin(struct hk_ctx *ctx, bool write)
{
    ctx->audit.loaded = 0;
    ctx->audit.dirty = 0;
    ctx->now = hk_now();
    if (ctx->nested)
        return ctx->st->ops->savepoint(ctx->st, HK_SP_BEGIN);
    return hk_store_begin(ctx->st, write);
}

hk_err hk_ctx_commit(struct hk_ctx *ctx)
{
    char head[128], hex[65];
    hk_err err;

    if (ctx->audit.dirty) {
        hk_hex(ctx->audit.hash, 32, hex);
        (void)snprintf(head, sizeof(head), "%lld:%s", (long long)ctx->audit.seq, hex);
        err = hk_store_exec(ctx->st, HK_Q_META_SET,
                            HK_SQL_ARGS(hk_sql_text("audit_head"), hk_sql_text(head)), NULL);
        if (err) {
            hk_ctx_rollback(ctx);
            return err;
        }
    }
    ctx->audit.loaded = 0;
    ctx->audit.dirty = 0;
    if (ctx->nested)
        return ctx->st->ops->savepoint(ctx->st, HK_SP_RELEASE);
    return hk_store_commit(ctx->st);
}

void hk_ctx_rollback(struct hk_ctx *ctx)
{
    ctx->audit.loaded = 0;
    ctx->audit.dirty = 0;
    if (ctx->nested)
        (void)ctx->st->ops->savepoint(ctx->st, HK_SP_ROLLBACK);
    else
        hk_store_rollback(ctx->st);
}

struct verify_state {
    int64_t seq;
    uint8_t hash[32];
    struct hk_errmsg *em;
};

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));

    return s ? s : "";
}

static hk_err verify_row(json_t *row, void *arg)
{
    struct verify_state *v = arg;
    int64_t seq = json_integer_value(json_object_get(row, "seq"));
    uint8_t prev[32], stored[32], h[32];

    if (seq != v->seq + 1)
        return hk_errf(v->em, HK_EINTEGRITY, "audit entry %lld missing (deleted)",
                       (long long)(v->seq + 1));
    if (unhex(jstr(row, "prev_hash"), prev, 32) || memcmp(prev, v->hash, 32))
        return hk_errf(v->em, HK_EINTEGRITY, "audit entry %lld does not chain to entry %lld",
                       (long long)seq, (long long)v->seq);
    entry_hash(prev, seq, json_integer_value(json_object_get(row, "ts")), jstr(row, "actor"),
               jstr(row, "action"), jstr(row, "object_type"),
               json_integer_value(json_object_get(row, "object_id")), jstr(row, "before"),
               jstr(row, "after"), h);
    if (unhex(jstr(row, "hash"), stored, 32) || memcmp(stored, h, 32))
        return hk_errf(v->em, HK_EINTEGRITY, "audit entry %lld was modified", (long long)seq);
    v->seq = seq;
    memcpy(v->hash, h, 32);
    return HK_OK;
}

hk_err hk_audit_verify(struct hk_store *st, uint64_t *count, struct hk_errmsg *em)
{
    struct verify_state v = {0, {0}, em};
    int64_t head_seq;
    uint8_t head[32];
    hk_err err = hk_store_begin(st, false);

    if (err)
        return err;
    err = hk_store_each(st, HK_Q_AUDIT_ALL, NULL, 0, verify_row, &v);
    if (!err) {
        err = load_head(st, &head_seq, head);
        if (err == HK_EINTEGRITY)
            hk_errf(em, err, "audit head record is malformed");
    }
    if (!err && head_seq != v.seq)
        err = hk_errf(em, HK_EINTEGRITY,
                      "audit log ends at entry %lld but the recorded head is entry %lld",
                      (long long)v.seq, (long long)head_seq);
    if (!err && memcmp(head, v.hash, 32))
        err = hk_errf(em, HK_EINTEGRITY, "audit head hash does not match the last entry");
    hk_store_rollback(st);
    *count = (uint64_t)v.seq;
    return err;
}

hk_err hk_audit_of(struct hk_ctx *ctx, const char *otype, int64_t oid, json_t **out)
{
    return hk_store_rows(ctx->st, HK_Q_AUDIT_OF_OBJECT,
                         HK_SQL_ARGS(hk_sql_text(otype), hk_sql_int(oid)), out);
}
