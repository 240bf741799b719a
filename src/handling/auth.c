/* SPDX-License-Identifier: MIT */
/*
 * Users, roles and API tokens. Passwords are hashed with Argon2id (libsodium
 * crypto_pwhash_str, interactive limits); tokens are 256-bit random secrets shown once
 * and stored only as their SHA-256 digest, so checking one on every request is a single
 * indexed lookup and a stolen database yields no usable token.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/webui.h"

/* Bumped by every token revocation: empties all threads' token caches at once. */
static atomic_uint auth_generation;

static const char *const role_names[] = {"admin", "handler", "reporter", "sensor", "peer"};

const char *hk_role_name(enum hk_role r)
{
    return (unsigned)r < 5 ? role_names[r] : "?";
}

hk_err hk_role_parse(const char *s, enum hk_role *out)
{
    for (int i = 0; s && i < 5; i++) {
        if (!strcmp(role_names[i], s)) {
            *out = (enum hk_role)i;
            return HK_OK;
        }
    }
    return HK_EINVAL;
}

static hk_err valid_name(struct hk_ctx *ctx, const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n < 1 || n > 63)
        return hk_errf(ctx->em, HK_EINVAL, "user name must be 1 to 63 characters");
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@'))
            return hk_errf(ctx->em, HK_EINVAL,
                           "user name '%s' has a character other than "
                           "letters, digits, '.', '_', '-', '@'",
                           name);
    }
    return HK_OK;
}

static hk_err valid_password(struct hk_ctx *ctx, const char *pw)
{
    if (!pw || strlen(pw) < 8 || strlen(pw) > 1024)
        return hk_errf(ctx->em, HK_EINVAL, "password must be 8 to 1024 characters");
    return HK_OK;
}

/* Argon2id (libsodium's interactive limits), the string with its salt and parameters. */
static hk_err hash_password(const char *pw, char hash[crypto_pwhash_STRBYTES])
{
    if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        return HK_ENOMEM;
    return HK_OK;
}

hk_err hk_user_add(struct hk_ctx *ctx, const char *name, const char *role, const char *team,
                   const char *password, json_t **out)
{
    char hash[crypto_pwhash_STRBYTES];
    enum hk_role r;
    int64_t id = 0;
    json_t *after = NULL;
    hk_err err;

    if (ctx->who.role != HK_ROLE_ADMIN)
        return hk_errf(ctx->em, HK_EPERM, "only admins can add users");
    if ((err = valid_name(ctx, name)))
        return err;
    if (hk_role_parse(role, &r))
        return hk_errf(ctx->em, HK_EINVAL,
                       "unknown role '%s' (admin, handler, reporter, sensor, peer)",
                       role ? role : "");
    if (team && strlen(team) > 63)
        return hk_errf(ctx->em, HK_EINVAL, "team name longer than 63 characters");
    if (password &&
        ((err = valid_password(ctx, password)) || (err = hash_password(password, hash))))
        return err;
    err = hk_store_exec(ctx->st, HK_Q_USER_INSERT,
                        HK_SQL_ARGS(hk_sql_text(name), hk_sql_text(role),
                                    hk_sql_text(team ? team : ""), hk_sql_text(""),
                                    hk_sql_text(password ? hash : NULL), hk_sql_int(ctx->now)),
                        &id);
    if (err == HK_ECONFLICT)
        return hk_errf(ctx->em, err, "user '%s' already exists", name);
    if (err)
        return err;
    err = hk_store_row(ctx->st, HK_Q_USER_BY_ID, HK_SQL_ARGS(hk_sql_int(id)), &after);
    if (!err)
        err = hk_audit(ctx, "user.create", "user", id, NULL, after);
    if (!err && out)
        *out = json_incref(after);
    json_decref(after);
    return err;
}

hk_err hk_user_list(struct hk_ctx *ctx, json_t **out)
{
    if (!hk_is_staff(ctx))
        return hk_errf(ctx->em, HK_EPERM, "listing users needs the handler or admin role");
    return hk_store_rows(ctx->st, HK_Q_USER_LIST, NULL, 0, out);
}

hk_err hk_user_set_disabled(struct hk_ctx *ctx, const char *name, bool disabled, json_t **out)
{
    json_t *before = NULL, *after = NULL;
    int64_t uid;
    hk_err err;

    if (ctx->who.role != HK_ROLE_ADMIN)
        return hk_errf(ctx->em, HK_EPERM, "only admins can disable or enable users");
    if (!name || (err = valid_name(ctx, name)))
        return name ? err : hk_errf(ctx->em, HK_EINVAL, "which user ('user')?");
    if (!strcmp(name, ctx->who.name))
        return hk_errf(ctx->em, HK_EINVAL, "you cannot disable or enable your own account");
    err = hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(name)), &before);
    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, err, "no user '%s'", name);
    if (err)
        return err;
    uid = json_integer_value(json_object_get(before, "id"));
    json_object_del(before, "password_hash");
    err = hk_store_exec(ctx->st, HK_Q_USER_SET_DISABLED,
                        HK_SQL_ARGS(hk_sql_int(uid), hk_sql_int(disabled ? 1 : 0)), NULL);
    if (!err && disabled)
        err = hk_store_exec(ctx->st, HK_Q_SESSION_DELETE_USER,
                            HK_SQL_ARGS(hk_sql_int(uid), hk_sql_int0(0)), NULL);
    if (!err)
        err = hk_store_row(ctx->st, HK_Q_USER_BY_ID, HK_SQL_ARGS(hk_sql_int(uid)), &after);
    if (!err)
        err = hk_audit(ctx, disabled ? "user.disable" : "user.enable", "user", uid, before, after);
    /* Cached token checks of this process must not outlive the change. */
    atomic_fetch_add(&auth_generation, 1);
    if (!err && out)
        *out = json_incref(after);
    json_decref(before);
    json_decref(after);
    return err;
}

hk_err hk_user_set_password(struct hk_ctx *ctx, const char *name, const char *current,
                            const char *password, const char *remote_addr, int64_t keep_session,
                            int64_t *retry_after, json_t **out)
{
    char hash[crypto_pwhash_STRBYTES];
    struct hk_principal tmp;
    const char *target = name && *name ? name : ctx->who.name;
    bool self = !strcmp(target, ctx->who.name);
    int64_t uid = 0, ended = 0;
    json_t *u = NULL, *after = NULL;
    hk_err err;

    *retry_after = 0;
    if (!self && ctx->who.role != HK_ROLE_ADMIN)
        return hk_errf(ctx->em, HK_EPERM, "only admins can set another user's password");
    if ((err = valid_password(ctx, password)) || (err = valid_name(ctx, target)))
        return err;
    err = hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(target)), &u);
    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, err, "no user '%s'", target);
    if (err)
        return err;
    uid = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    if (self) {
        /* Re-authentication, admins included: a stolen session or token alone must not be
         * enough to take the account and lock its owner out. (The local operator's name,
         * "local:...", is never a user's, so `hikeshi user passwd` needs no current one.) */
        int64_t wait = hk_signin_blocked(target, remote_addr, ctx->now);
        if (wait > 0) {
            *retry_after = wait;
            return hk_errf(ctx->em, HK_EAGAIN,
                           "too many failed attempts; try again in %lld seconds", (long long)wait);
        }
        if (!current || strlen(current) > 1024)
            return hk_errf(ctx->em, HK_EINVAL, "the current password is needed ('current')");
        err = hk_auth_password(ctx->st, target, current, &tmp);
        if (err == HK_EAUTH) {
            hk_signin_failed(target, remote_addr, ctx->now);
            after = json_pack("{s:s, s:s}", "user", target, "remote_addr",
                              remote_addr ? remote_addr : "");
            if (!(err = hk_ctx_begin(ctx, true))) {
                err = hk_audit(ctx, "user.password_failed", "user", uid, NULL, after);
                err = err ? (hk_ctx_rollback(ctx), err) : hk_ctx_commit(ctx);
            }
            json_decref(after);
            /* 403, not 401: the caller is signed in, only the check failed. */
            return err ? err : hk_errf(ctx->em, HK_EPERM, "the current password is wrong");
        }
        if (err)
            return err;
        hk_signin_succeeded(target); /* as a sign-in: earlier failures stop counting */
    }
    if ((err = hash_password(password, hash)))
        return err;
    if ((err = hk_ctx_begin(ctx, true)))
        goto out;
    err = hk_store_exec(ctx->st, HK_Q_USER_SET_PASSWORD,
                        HK_SQL_ARGS(hk_sql_int(uid), hk_sql_text(hash)), NULL);
    if (!err)
        err = hk_store_exec(ctx->st, HK_Q_SESSION_DELETE_USER,
                            HK_SQL_ARGS(hk_sql_int(uid), hk_sql_int0(keep_session)), NULL);
    if (!err)
        ended = hk_store_changes(ctx->st);
    if (!err) {
        after = json_pack("{s:s, s:s, s:I}", "user", target, "by", ctx->who.name, "sessions_ended",
                          (json_int_t)ended);
        err = hk_audit(ctx, "user.password", "user", uid, NULL, after);
    }
    if (err) {
        hk_ctx_rollback(ctx);
        goto out;
    }
    if ((err = hk_ctx_commit(ctx)))
        goto out;
    if (out)
        *out = json_incref(after);
out:
    sodium_memzero(hash, sizeof(hash));
    json_decref(after);
    return err;
}

static void digest_of(const char *secret, uint8_t d[32])
{
    hk_sha256(secret, strlen(secret), d);
}

hk_err hk_token_create(struct hk_ctx *ctx, const char *user_name, const char *name,
                       int64_t ttl_seconds, char secret_out[80], json_t **out)
{
    uint8_t raw[32], d[32];
    json_t *u = NULL, *after = NULL;
    int64_t uid, id = 0;
    hk_err err;

    if (!user_name)
        user_name = ctx->who.name;
    err = hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(user_name)), &u);
    if (err == HK_ENOTFOUND)
        return hk_errf(ctx->em, HK_EINVAL, "unknown user '%s'", user_name);
    if (err)
        return err;
    uid = json_integer_value(json_object_get(u, "id"));
    json_decref(u);
    if (ctx->who.role != HK_ROLE_ADMIN && uid != ctx->who.user_id)
        return hk_errf(ctx->em, HK_EPERM, "only admins can create tokens for other users");
    if (ttl_seconds < 0)
        return hk_errf(ctx->em, HK_EINVAL, "token lifetime must not be negative");
    /* now + ttl must not overflow (signed overflow is undefined). */
    if (ttl_seconds > INT64_MAX - ctx->now)
        return hk_errf(ctx->em, HK_EINVAL, "token lifetime too long");
    hk_random(raw, sizeof(raw));
    memcpy(secret_out, "hk_", 3);
    sodium_bin2base64(secret_out + 3, 77, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    digest_of(secret_out, d);
    err = hk_store_exec(ctx->st, HK_Q_TOKEN_INSERT,
                        HK_SQL_ARGS(hk_sql_int(uid), hk_sql_blob(d, 32),
                                    hk_sql_text(name ? name : ""), hk_sql_int(ctx->now),
                                    hk_sql_int0(ttl_seconds ? ctx->now + ttl_seconds : 0)),
                        &id);
    if (err)
        return err;
    after = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "user_id", (json_int_t)uid,
                      "user", user_name, "name", name ? name : "");
    err = hk_audit(ctx, "token.create", "token", id, NULL, after);
    if (!err && out) {
        json_object_set_new(after, "token", json_string(secret_out));
        *out = json_incref(after);
    }
    json_decref(after);
    return err;
}

hk_err hk_token_list(struct hk_ctx *ctx, json_t **out)
{
    struct hk_sqlval a =
        ctx->who.role == HK_ROLE_ADMIN ? hk_sql_int0(0) : hk_sql_int(ctx->who.user_id);

    return hk_store_rows(ctx->st, HK_Q_TOKEN_LIST, &a, 1, out);
}

hk_err hk_token_revoke(struct hk_ctx *ctx, int64_t id)
{
    struct hk_sqlval a[2] = {hk_sql_int(id), ctx->who.role == HK_ROLE_ADMIN
                                                 ? hk_sql_int0(0)
                                                 : hk_sql_int(ctx->who.user_id)};
    hk_err err = hk_store_exec(ctx->st, HK_Q_TOKEN_REVOKE, a, 2, NULL);

    if (err)
        return err;
    if (!hk_store_changes(ctx->st))
        return hk_errf(ctx->em, HK_ENOTFOUND, "token %lld not found", (long long)id);
    atomic_fetch_add(&auth_generation, 1);
    return hk_audit(ctx, "token.revoke", "token", id, NULL, NULL);
}

static void fill(json_t *u, struct hk_principal *p)
{
    memset(p, 0, sizeof(*p));
    p->token_expires = json_integer_value(json_object_get(u, "token_expires"));
    p->user_id = json_integer_value(json_object_get(u, "id"));
    (void)hk_role_parse(hk_jstr(u, "role"), &p->role);
    (void)snprintf(p->name, sizeof(p->name), "%s", hk_jstr(u, "name"));
    (void)snprintf(p->team, sizeof(p->team), "%s", hk_jstr(u, "team"));
}

hk_err hk_auth_token(struct hk_store *st, const char *secret, int64_t now, struct hk_principal *out)
{
    uint8_t d[32];
    json_t *u = NULL;
    hk_err err;

    if (!secret || strncmp(secret, "hk_", 3) || strlen(secret) > 128)
        return HK_EAUTH;
    digest_of(secret, d);
    err = hk_store_row(st, HK_Q_TOKEN_LOOKUP, HK_SQL_ARGS(hk_sql_blob(d, 32), hk_sql_int(now)), &u);
    if (err)
        return err == HK_ENOTFOUND ? HK_EAUTH : err;
    fill(u, out);
    json_decref(u);
    return HK_OK;
}

#define TOKEN_CACHE     16
#define TOKEN_CACHE_TTL 5000000000ull /* ns */

struct token_slot {
    uint8_t digest[32];
    struct hk_principal who;
    uint64_t expires; /* monotonic ns; 0 = empty */
    unsigned generation;
    uint64_t data_version;
    int64_t token_expires; /* the token's own expiry (unix s); 0 = never */
};

static __thread struct token_slot token_cache[TOKEN_CACHE];

hk_err hk_auth_token_cached(struct hk_store *st, const char *secret, int64_t now,
                            struct hk_principal *out)
{
    uint8_t d[32];
    uint64_t t = hk_mono_ns();
    unsigned gen = atomic_load(&auth_generation);
    uint64_t dv = st->ops->data_version(st);
    struct token_slot *s;
    hk_err err;

    if (!secret || strncmp(secret, "hk_", 3) || strlen(secret) > 128)
        return HK_EAUTH;
    digest_of(secret, d);
    s = &token_cache[d[0] % TOKEN_CACHE];
    /* Exact, not merely recent: any commit by another connection (data_version), any
     * revocation through this process (generation) or the token's expiry misses. */
    if (s->expires > t && s->generation == gen && s->data_version == dv && dv &&
        (!s->token_expires || now < s->token_expires) && !memcmp(s->digest, d, 32)) {
        *out = s->who;
        return HK_OK;
    }
    err = hk_auth_token(st, secret, now, out);
    if (!err) {
        memcpy(s->digest, d, 32);
        s->who = *out;
        s->expires = t + TOKEN_CACHE_TTL;
        s->generation = gen;
        s->data_version = dv;
        s->token_expires = out->token_expires;
    }
    return err;
}

/* A hash of a random password with the users' parameters, verified (and failed) for unknown
 * user names. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_hash_init(void)
{
    char pw[33];
    uint8_t r[16];

    hk_random(r, sizeof(r));
    hk_hex(r, sizeof(r), pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        dummy_hash[0] = '\0';
}

hk_err hk_auth_password(struct hk_store *st, const char *user, const char *password,
                        struct hk_principal *out)
{
    json_t *u = NULL;
    const char *h;
    hk_err err = hk_store_row(st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(user)), &u);

    if (err == HK_ENOTFOUND) {
        /* Pay the same Argon2id cost as for a known user, so that the answer's timing does
         * not tell which user names exist. */
        (void)pthread_once(&dummy_once, dummy_hash_init);
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)))
            hk_log(HK_LOG_DEBUG, "sign-in: no user '%.63s'", user);
        return HK_EAUTH;
    }
    if (err)
        return err;
    h = json_string_value(json_object_get(u, "password_hash"));
    if (!h || json_integer_value(json_object_get(u, "disabled")) ||
        crypto_pwhash_str_verify(h, password, strlen(password)))
        err = HK_EAUTH;
    else
        fill(u, out);
    json_decref(u);
    return err;
}

hk_err hk_bootstrap(struct hk_store *st, char secret_out[80], bool *created)
{
    return hk_bootstrap_pw(st, secret_out, NULL, created);
}

hk_err hk_bootstrap_pw(struct hk_store *st, char secret_out[80], char password_out[32],
                       bool *created)
{
    uint8_t raw[15];
    struct hk_principal root = {0, HK_ROLE_ADMIN, "local:init", "", 0};
    struct hk_config cfg;
    struct hk_errmsg em = {{0}};
    struct hk_ctx ctx;
    int64_t n = 0;
    hk_err err;

    *created = false;
    hk_config_defaults(&cfg);
    hk_ctx_init(&ctx, st, &root, &cfg, &em);
    err = hk_ctx_begin(&ctx, true);
    if (!err)
        err = hk_store_scalar(st, HK_Q_USER_COUNT, NULL, 0, &n);
    if (!err && n == 0) {
        /* With password_out: a generated 20-character password (Argon2id-hashed) so the
         * web UI can be signed into at once. */
        if (password_out) {
            hk_random(raw, sizeof(raw));
            sodium_bin2base64(password_out, 32, raw, sizeof(raw),
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        }
        err = hk_user_add(&ctx, "admin", "admin", "", password_out, NULL);
        if (!err)
            err = hk_token_create(&ctx, "admin", "initial admin token", 0, secret_out, NULL);
        *created = !err;
    }
    if (!err)
        err = hk_ctx_commit(&ctx);
    else
        hk_ctx_rollback(&ctx);
    hk_ctx_release(&ctx);
    if (err && em.text[0])
        hk_log(HK_LOG_ERROR, "bootstrap: %s", em.text);
    return err;
}
