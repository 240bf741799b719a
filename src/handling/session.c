/* SPDX-License-Identifier: MIT */
/*
 * Browser sessions for the web UI. Sign-in checks the password (Argon2id) and stores a
 * session row holding only the SHA-256 digest of a 256-bit random secret (the cookie),
 * a CSRF token the browser echoes in X-CSRF-Token on every state-changing request, and
 * its idle (last_seen) and absolute (expires_at) limits. Sign-in attempts are rate
 * limited per user name and per client address in a fixed-size in-memory table guarded
 * by a mutex (exponential back-off after a few failures; bounded, oldest entry evicted).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "handling/handling_int.h"
#include "hikeshi/webui.h"

/* ---- rate limiting ---- */

#define RL_SLOTS      4096
#define RL_PROBE      8
#define RL_WINDOW     900 /* failures older than this are forgotten (s) */
#define RL_USER_FREE  5   /* failures allowed per user name before back-off */
#define RL_ADDR_FREE  20  /* failures allowed per address before back-off */
#define RL_MAX_WAIT   900
#define RL_FIRST_WAIT 30

struct rl_slot {
    uint64_t key; /* hash of "u:name" / "a:addr"; 0 = empty */
    int64_t last; /* time of the last failure */
    uint32_t fails;
};

static struct rl_slot rl_table[RL_SLOTS];
static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t rl_hash(char kind, const char *s)
{
    uint8_t d[32];
    uint64_t h = 0;
    char buf[300];
    int n = snprintf(buf, sizeof(buf), "%c:%s", kind, s ? s : "");

    hk_sha256(buf, n > 0 ? (size_t)n : 0, d);
    memcpy(&h, d, sizeof(h));
    return h ? h : 1;
}

/* The slot of key (NULL if absent; with create, the emptiest or oldest of the probe). */
static struct rl_slot *rl_find(uint64_t key, bool create)
{
    struct rl_slot *victim = NULL;

    for (size_t i = 0; i < RL_PROBE; i++) {
        struct rl_slot *s = &rl_table[(key + i) % RL_SLOTS];
        if (s->key == key)
            return s;
        if (!victim || (victim->key && (!s->key || s->last < victim->last)))
            victim = s;
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    victim->key = key;
    return victim;
}

static int64_t rl_wait(const struct rl_slot *s, uint32_t free_fails, int64_t now)
{
    int64_t wait = RL_FIRST_WAIT;

    if (!s || now - s->last > RL_WINDOW || s->fails < free_fails)
        return 0;
    for (uint32_t i = free_fails; i < s->fails && wait < RL_MAX_WAIT; i++)
        wait *= 2;
    if (wait > RL_MAX_WAIT)
        wait = RL_MAX_WAIT;
    return s->last + wait > now ? s->last + wait - now : 0;
}

int64_t hk_signin_blocked(const char *user, const char *addr, int64_t now)
{
    int64_t a, b;

    pthread_mutex_lock(&rl_lock);
    a = rl_wait(rl_find(rl_hash('u', user), false), RL_USER_FREE, now);
    b = addr ? rl_wait(rl_find(rl_hash('a', addr), false), RL_ADDR_FREE, now) : 0;
    pthread_mutex_unlock(&rl_lock);
    return a > b ? a : b;
}

static void rl_fail(uint64_t key, int64_t now)
{
    struct rl_slot *s = rl_find(key, true);

    if (now - s->last > RL_WINDOW)
        s->fails = 0;
    s->fails++;
    s->last = now;
}

void hk_signin_failed(const char *user, const char *addr, int64_t now)
{
    pthread_mutex_lock(&rl_lock);
    rl_fail(rl_hash('u', user), now);
    if (addr)
        rl_fail(rl_hash('a', addr), now);
    pthread_mutex_unlock(&rl_lock);
}

void hk_signin_succeeded(const char *user)
{
    struct rl_slot *s;

    pthread_mutex_lock(&rl_lock);
    s = rl_find(rl_hash('u', user), false);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&rl_lock);
}

void hk_signin_reset(void)
{
    pthread_mutex_lock(&rl_lock);
    memset(rl_table, 0, sizeof(rl_table));
    pthread_mutex_unlock(&rl_lock);
}

/* ---- cookies and sessions ---- */

bool hk_cookie_get(const char *h, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);

    while (h && *h) {
        size_t vl;
        while (*h == ' ' || *h == ';')
            h++;
        if (!strncmp(h, name, nl) && h[nl] == '=') {
            h += nl + 1;
            vl = strcspn(h, ";");
            while (vl && h[vl - 1] == ' ')
                vl--;
            if (vl >= n)
                return false;
            memcpy(out, h, vl);
            out[vl] = '\0';
            return vl > 0;
        }
        h = strchr(h, ';');
    }
    return false;
}

json_t *hk_session_json(const struct hk_principal *who, const struct hk_session *s,
                        const struct hk_config *cfg)
{
    char exp[32];

    hk_time_fmt(s->expires_at, exp);
    return json_pack("{s:{s:I, s:s, s:s, s:s}, s:s, s:s, s:I}", "user", "id",
                     (json_int_t)who->user_id, "name", who->name, "role", hk_role_name(who->role),
                     "team", who->team, "csrf", s->csrf, "expires_at", exp, "idle_timeout_s",
                     (json_int_t)cfg->session_idle);
}

static bool is_safe_method(const char *m)
{
    return m && (!strcmp(m, "GET") || !strcmp(m, "HEAD"));
}

hk_err hk_session_auth(struct hk_store *st, const struct hk_config *cfg,
                       const struct hk_http_req *req, struct hk_principal *who,
                       struct hk_session *s, struct hk_errmsg *em)
{
    char secret[128];
    uint8_t d[32];
    json_t *row = NULL;
    int64_t now = hk_now(), seen, created;
    const char *csrf;
    hk_err err;

    if (!hk_cookie_get(req->cookie, HK_SESSION_COOKIE, secret, sizeof(secret)))
        return hk_errf(em, HK_EAUTH,
                       "missing bearer token (Authorization: Bearer hk_...) or session cookie");
    hk_sha256(secret, strlen(secret), d);
    sodium_memzero(secret, sizeof(secret));
    err = hk_store_row(st, HK_Q_SESSION_LOOKUP, HK_SQL_ARGS(hk_sql_blob(d, 32)), &row);
    if (err == HK_ENOTFOUND)
        return hk_errf(em, HK_EAUTH, "session unknown or signed out");
    if (err)
        return err;
    memset(s, 0, sizeof(*s));
    s->id = json_integer_value(json_object_get(row, "session_id"));
    s->expires_at = json_integer_value(json_object_get(row, "expires_s"));
    (void)snprintf(s->csrf, sizeof(s->csrf), "%s", hk_jstr(row, "csrf"));
    seen = json_integer_value(json_object_get(row, "seen_s"));
    created = json_integer_value(json_object_get(row, "created_s"));
    memset(who, 0, sizeof(*who));
    who->user_id = json_integer_value(json_object_get(row, "id"));
    if (hk_role_parse(hk_jstr(row, "role"), &who->role)) {
        json_decref(row);
        return hk_errf(em, HK_EAUTH, "session of a user with an unknown role");
    }
    (void)snprintf(who->name, sizeof(who->name), "%s", hk_jstr(row, "name"));
    (void)snprintf(who->team, sizeof(who->team), "%s", hk_jstr(row, "team"));
    json_decref(row);
    if (now >= s->expires_at || now - created >= cfg->session_lifetime)
        return hk_errf(em, HK_EAUTH, "session expired; sign in again");
    if (now - seen >= cfg->session_idle)
        return hk_errf(em, HK_EAUTH, "session expired after inactivity; sign in again");
    if (!is_safe_method(req->method)) {
        csrf = req->csrf;
        if (!csrf || strlen(csrf) != 64 || sodium_memcmp(csrf, s->csrf, 64))
            return hk_errf(em, HK_EPERM,
                           "missing or wrong X-CSRF-Token header (required with a session "
                           "cookie on %s)",
                           req->method);
    }
    /* Idle tracking at one-minute resolution: a write at most once a minute per session.
     * Outside a transaction this is its own small commit; a failure (busy) only delays
     * the touch. */
    if (now - seen >= 60)
        (void)hk_store_exec(st, HK_Q_SESSION_TOUCH, HK_SQL_ARGS(hk_sql_int(s->id), hk_sql_int(now)),
                            NULL);
    return HK_OK;
}

hk_err hk_session_signin(struct hk_ctx *ctx, const char *user, const char *password,
                         const char *remote_addr, char secret_out[64], json_t **out,
                         int64_t *retry_after)
{
    struct hk_principal who;
    struct hk_session s;
    uint8_t raw[32], d[32], c[32];
    json_t *after;
    int64_t id = 0, wait;
    hk_err err;

    *retry_after = 0;
    if (!user || !*user || strlen(user) > 63 || !password || strlen(password) > 1024)
        return hk_errf(ctx->em, HK_EAUTH, "wrong user name or password");
    wait = hk_signin_blocked(user, remote_addr, ctx->now);
    if (wait > 0) {
        *retry_after = wait;
        hk_log(HK_LOG_WARN, "sign-in for '%s' from %s refused: rate limited for %lld s", user,
               remote_addr ? remote_addr : "?", (long long)wait);
        return hk_errf(ctx->em, HK_EAGAIN,
                       "too many failed sign-in attempts; try again in %lld seconds",
                       (long long)wait);
    }
    err = hk_auth_password(ctx->st, user, password, &who);
    if (err == HK_EAUTH) {
        json_t *u = NULL;
        int64_t uid = 0;
        if (!hk_store_row(ctx->st, HK_Q_USER_BY_NAME, HK_SQL_ARGS(hk_sql_text(user)), &u))
            uid = json_integer_value(json_object_get(u, "id"));
        json_decref(u);
        hk_signin_failed(user, remote_addr, ctx->now);
        after =
            json_pack("{s:s, s:s}", "user", user, "remote_addr", remote_addr ? remote_addr : "");
        err = hk_audit(ctx, "session.failed", "user", uid, NULL, after);
        json_decref(after);
        if (err)
            return err;
        return hk_errf(ctx->em, HK_EAUTH, "wrong user name or password");
    }
    if (err)
        return err;
    hk_signin_succeeded(user);
    /* Housekeeping: sessions past either limit are removed at each sign-in. */
    (void)hk_store_exec(
        ctx->st, HK_Q_SESSION_PURGE,
        HK_SQL_ARGS(hk_sql_int(ctx->now), hk_sql_int(ctx->now - ctx->cfg->session_idle)), NULL);
    hk_random(raw, sizeof(raw));
    hk_random(c, sizeof(c));
    sodium_bin2base64(secret_out, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    hk_sha256(secret_out, strlen(secret_out), d);
    memset(&s, 0, sizeof(s));
    hk_hex(c, sizeof(c), s.csrf);
    s.expires_at = ctx->now + ctx->cfg->session_lifetime;
    err =
        hk_store_exec(ctx->st, HK_Q_SESSION_INSERT,
                      HK_SQL_ARGS(hk_sql_int(who.user_id), hk_sql_blob(d, 32), hk_sql_text(s.csrf),
                                  hk_sql_text(remote_addr ? remote_addr : ""), hk_sql_int(ctx->now),
                                  hk_sql_int(s.expires_at)),
                      &id);
    if (err)
        return err;
    s.id = id;
    ctx->who = who;
    after =
        json_pack("{s:s, s:s}", "user", who.name, "remote_addr", remote_addr ? remote_addr : "");
    err = hk_audit(ctx, "session.create", "session", id, NULL, after);
    json_decref(after);
    if (err)
        return err;
    *out = hk_session_json(&who, &s, ctx->cfg);
    return HK_OK;
}

hk_err hk_session_signout(struct hk_ctx *ctx, const struct hk_session *s)
{
    hk_err err = hk_store_exec(ctx->st, HK_Q_SESSION_DELETE, HK_SQL_ARGS(hk_sql_int(s->id)), NULL);

    if (err)
        return err;
    return hk_audit(ctx, "session.delete", "session", s->id, NULL, NULL);
}
