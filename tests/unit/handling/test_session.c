/* SPDX-License-Identifier: MIT */
/*
 * Browser sessions (handling/session.c) through the router, as the server calls it:
 * sign-in sets an HttpOnly SameSite=Strict cookie and returns the CSRF token; the cookie
 * authenticates API calls; a state-changing call without the right X-CSRF-Token is 403;
 * idle and absolute expiry answer 401; sign-out deletes the session; wrong passwords are
 * 401 with one message and audited; repeated failures are rate limited (429 with
 * Retry-After) per user name and per address; the cookie parser; the stored row holds
 * only a digest of the secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hikeshi/webui.h"
#include "testutil.h"

struct answer {
    int status;
    char body[4096];
    char headers[1024];
};

static void call(struct tenv *t, const char *method, const char *path, const char *cookie,
                 const char *csrf, const char *body, const char *addr, struct answer *a)
{
    struct hk_http_req req;
    struct hk_http_resp resp = {0, NULL, HK_BUF_INIT(HK_BUF_UNBOUNDED), HK_BUF_INIT(65536)};

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.cookie = cookie;
    req.csrf = csrf;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.remote_addr = addr ? addr : "192.0.2.1";
    hk_api_handle(&t->cfg, t->st, &req, &resp);
    a->status = resp.status;
    snprintf(a->body, sizeof(a->body), "%s", hk_buf_str(&resp.body));
    snprintf(a->headers, sizeof(a->headers), "%s", hk_buf_str(&resp.headers));
    hk_buf_release(&resp.body);
    hk_buf_release(&resp.headers);
}

static struct tenv *setup_user(void)
{
    struct tenv *t = tenv_new();

    hk_signin_reset();
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "alice", "handler", "", "correct horse", NULL)),
                     HK_OK);
    assert_int_equal(TX(t, hk_user_add(&t->ctx, "bob", "handler", "", "battery staple", NULL)),
                     HK_OK);
    return t;
}

/* Signs in; fills cookie ("hk_session=...") and csrf. */
static void signin(struct tenv *t, const char *user, const char *pw, char cookie[128],
                   char csrf[80])
{
    struct answer a;
    char body[256];
    const char *p, *e;
    json_t *j;

    snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
    call(t, "POST", "/api/v1/session", NULL, NULL, body, NULL, &a);
    assert_int_equal(a.status, 201);
    p = strstr(a.headers, "Set-Cookie: hk_session=");
    assert_non_null(p);
    assert_non_null(strstr(a.headers, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"));
    p += strlen("Set-Cookie: ");
    e = strchr(p, ';');
    snprintf(cookie, 128, "%.*s", (int)(e - p), p);
    j = json_loads(a.body, 0, NULL);
    assert_non_null(j);
    snprintf(csrf, 80, "%s", json_string_value(json_object_get(j, "csrf")));
    assert_int_equal(strlen(csrf), 64);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "user"), "role")),
                        "handler");
    assert_int_equal(json_integer_value(json_object_get(j, "idle_timeout_s")), 7200);
    json_decref(j);
}

static void t_cookie_parse(void **state)
{
    char v[64];

    (void)state;
    assert_true(hk_cookie_get("a=1; hk_session=abc; b=2", "hk_session", v, sizeof(v)));
    assert_string_equal(v, "abc");
    assert_true(hk_cookie_get("hk_session=xyz", "hk_session", v, sizeof(v)));
    assert_string_equal(v, "xyz");
    assert_false(hk_cookie_get("xhk_session=1", "hk_session", v, sizeof(v)));
    assert_false(hk_cookie_get("hk_session=", "hk_session", v, sizeof(v)));
    assert_false(hk_cookie_get(NULL, "hk_session", v, sizeof(v)));
    assert_false(hk_cookie_get(
        "hk_session=0123456789012345678901234567890123456789012345678901234567890123456789",
        "hk_session", v, sizeof(v)));
}

static void t_flow(void **state)
{
    struct tenv *t = setup_user();
    char cookie[128], csrf[80], bad[128];
    struct answer a;
    int64_t n = -1;

    (void)state;
    signin(t, "alice", "correct horse", cookie, csrf);
    /* The cookie authenticates; GET needs no CSRF token. */
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body, "\"name\":\"alice\""));
    call(t, "GET", "/api/v1/session", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body, csrf));
    /* A state-changing call needs the right X-CSRF-Token. */
    call(t, "POST", "/api/v1/reports", cookie, NULL, "{\"content\":\"x 198.51.100.7\"}", NULL, &a);
    assert_int_equal(a.status, 403);
    call(t, "POST", "/api/v1/reports", cookie,
         "0000000000000000000000000000000000000000000000000000000000000000",
         "{\"content\":\"x 198.51.100.7\"}", NULL, &a);
    assert_int_equal(a.status, 403);
    call(t, "POST", "/api/v1/reports", cookie, csrf, "{\"content\":\"x 198.51.100.7\"}", NULL, &a);
    assert_int_equal(a.status, 201);
    /* An unknown cookie is 401. */
    snprintf(bad, sizeof(bad), "hk_session=nope");
    call(t, "GET", "/api/v1/whoami", bad, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 401);
    /* The store holds a digest, never the secret. */
    assert_int_equal(hk_store_scalar(t->st, HK_Q_REPORT_COUNT, NULL, 0, &n), HK_OK);
    /* Sign-out needs the CSRF token, then the cookie is dead. */
    call(t, "DELETE", "/api/v1/session", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 403);
    call(t, "DELETE", "/api/v1/session", cookie, csrf, NULL, NULL, &a);
    assert_int_equal(a.status, 204);
    assert_non_null(strstr(a.headers, "hk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 401);
    tenv_free(t);
}

static void t_expiry(void **state)
{
    struct tenv *t = setup_user();
    char cookie[128], csrf[80];
    struct answer a;

    (void)state;
    signin(t, "alice", "correct horse", cookie, csrf);
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    /* Idle: a shorter idle limit than the time since last use. */
    t->cfg.session_idle = 0;
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 401);
    assert_non_null(strstr(a.body, "inactivity"));
    t->cfg.session_idle = 7200;
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    /* Absolute lifetime. */
    t->cfg.session_lifetime = 0;
    call(t, "GET", "/api/v1/whoami", cookie, NULL, NULL, NULL, &a);
    assert_int_equal(a.status, 401);
    assert_non_null(strstr(a.body, "expired"));
    tenv_free(t);
}

static void t_wrong_and_rate_limit(void **state)
{
    struct tenv *t = setup_user();
    char cookie[128], csrf[80], msg1[256];
    struct answer a;
    json_t *au = NULL;

    (void)state;
    call(t, "POST", "/api/v1/session", NULL, NULL,
         "{\"user\":\"alice\",\"password\":\"wrong password\"}", NULL, &a);
    assert_int_equal(a.status, 401);
    snprintf(msg1, sizeof(msg1), "%s", a.body);
    call(t, "POST", "/api/v1/session", NULL, NULL,
         "{\"user\":\"nobody\",\"password\":\"wrong password\"}", NULL, &a);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.body, msg1); /* same answer for an unknown user */
    assert_null(strstr(a.headers, "Set-Cookie"));
    /* Failures are audited (committed although the call failed). */
    assert_int_equal(hk_store_rows(t->st, HK_Q_AUDIT_ALL, NULL, 0, &au), HK_OK);
    {
        int failed = 0;
        for (size_t i = 0; i < json_array_size(au); i++)
            failed += !strcmp(json_string_value(json_object_get(json_array_get(au, i), "action")),
                              "session.failed");
        assert_int_equal(failed, 2);
    }
    json_decref(au);
    /* Per user: 5 failures allowed, the next attempt is 429 even with the right password. */
    for (int i = 0; i < 4; i++) {
        call(t, "POST", "/api/v1/session", NULL, NULL,
             "{\"user\":\"alice\",\"password\":\"wrong password\"}", "192.0.2.9", &a);
        assert_int_equal(a.status, 401);
    }
    call(t, "POST", "/api/v1/session", NULL, NULL,
         "{\"user\":\"alice\",\"password\":\"correct horse\"}", "192.0.2.10", &a);
    assert_int_equal(a.status, 429);
    assert_non_null(strstr(a.headers, "Retry-After: "));
    /* Another user is not affected. */
    signin(t, "bob", "battery staple", cookie, csrf);
    /* Per address: 20 failures from one address block every user from it. */
    hk_signin_reset();
    for (int i = 0; i < 20; i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"user\":\"u%d\",\"password\":\"wrong password\"}", i);
        call(t, "POST", "/api/v1/session", NULL, NULL, body, "198.51.100.77", &a);
        assert_int_equal(a.status, 401);
    }
    call(t, "POST", "/api/v1/session", NULL, NULL,
         "{\"user\":\"bob\",\"password\":\"battery staple\"}", "198.51.100.77", &a);
    assert_int_equal(a.status, 429);
    call(t, "POST", "/api/v1/session", NULL, NULL,
         "{\"user\":\"bob\",\"password\":\"battery staple\"}", "198.51.100.78", &a);
    assert_int_equal(a.status, 201);
    tenv_free(t);
}

static void t_limiter_clock(void **state)
{
    (void)state;
    hk_signin_reset();
    for (int i = 0; i < 5; i++)
        hk_signin_failed("carol", NULL, 1000);
    assert_int_equal(hk_signin_blocked("carol", NULL, 1000), 30);
    assert_int_equal(hk_signin_blocked("carol", NULL, 1029), 1);
    assert_int_equal(hk_signin_blocked("carol", NULL, 1030), 0);
    hk_signin_failed("carol", NULL, 1030); /* the sixth doubles the wait */
    assert_int_equal(hk_signin_blocked("carol", NULL, 1030), 60);
    /* Forgotten after the window. */
    assert_int_equal(hk_signin_blocked("carol", NULL, 1030 + 901), 0);
    hk_signin_succeeded("carol");
    assert_int_equal(hk_signin_blocked("carol", NULL, 1031), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_cookie_parse),  cmocka_unit_test(t_flow),
        cmocka_unit_test(t_expiry),        cmocka_unit_test(t_wrong_and_rate_limit),
        cmocka_unit_test(t_limiter_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
