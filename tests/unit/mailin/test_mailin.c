/* SPDX-License-Identifier: MIT */
/*
 * Mail intake in-process over a real store: the parse result of a reply (ticket tag,
 * In-Reply-To, References), the thread hook (called with the ids newest first; a threaded
 * reply creates no report), acknowledgements (queued for a person, suppressed for an
 * auto-reply, handed to the ack hook by hk_mailin_ack_flush and marked sent or failed),
 * idempotent storing, and a plain-text report's observables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hikeshi/mailin.h"
#include "testutil.h"

static const char reply[] = "From: Bob <bob@team.example>\r\nTo: csirt@example.net\r\n"
                            "Subject: Re: [hikeshi#77] scans from your network\r\n"
                            "In-Reply-To: <n2@csirt.example.net>\r\n"
                            "References: <n1@csirt.example.net> <n2@csirt.example.net>\r\n"
                            "Message-ID: <r1@team.example>\r\n\r\nWe cleaned 198.51.100.7.\r\n";

static void parse_reply(void **state)
{
    struct hk_mailin_parsed p;

    (void)state;
    hk_mailin_parse(reply, strlen(reply), false, NULL, &p);
    assert_int_equal(p.kind, HK_MAILIN_TEXT);
    assert_int_equal(p.ticket, 77);
    assert_string_equal(p.message_id, "r1@team.example");
    assert_string_equal(p.in_reply_to, "n2@csirt.example.net");
    assert_int_equal(p.nrefs, 2);
    assert_string_equal(p.refs[0], "n1@csirt.example.net");
    assert_string_equal(p.from, "bob@team.example");
    assert_null(p.auto_reason);
    assert_int_equal(p.pgp, HK_PGP_UNSIGNED);
    assert_int_equal(json_array_size(p.submissions), 1);
    hk_mailin_parsed_release(&p);
    assert_int_equal(hk_mailin_ticket("x [hikeshi#] [hikeshi#12a] [hikeshi#9]"), 9);
    assert_int_equal(hk_mailin_ticket("[hikeshi#R5]"), 0);
}

static int thread_calls;
static char thread_first[128];
static int64_t thread_inv;

static hk_err thread_hook(struct hk_ctx *ctx, const char *const *ids, size_t n, int64_t ticket,
                          const char *body, int64_t *inv)
{
    (void)ctx;
    thread_calls++;
    assert_int_equal(n, 3); /* In-Reply-To, then References newest first */
    assert_string_equal(ids[1], "n2@csirt.example.net");
    assert_string_equal(ids[2], "n1@csirt.example.net");
    (void)snprintf(thread_first, sizeof(thread_first), "%s", ids[0]);
    assert_int_equal(ticket, 77);
    assert_non_null(strstr(body, "198.51.100.7"));
    *inv = thread_inv;
    return HK_OK;
}

static void threaded_reply(void **state)
{
    struct tenv *t = tenv_new();
    struct hk_mailin_opts o = {.thread_fn = thread_hook};
    json_t *out = NULL, *body = json_pack("{s:s}", "title", "scans"), *inc = NULL, *inv = NULL;

    (void)state;
    assert_int_equal(TX(t, hk_incident_create(&t->ctx, body, &inc)), HK_OK);
    json_decref(body);
    body = json_pack("{s:s}", "party", "CERT Team");
    assert_int_equal(
        TX(t, hk_investigation_create(&t->ctx, json_integer_value(json_object_get(inc, "id")), body,
                                      &inv)),
        HK_OK);
    thread_inv = json_integer_value(json_object_get(inv, "id"));
    json_decref(body);
    json_decref(inc);
    json_decref(inv);
    assert_int_equal(TX(t, hk_mailin_store(&t->ctx, reply, strlen(reply), strlen(reply), &o, &out)),
                     HK_OK);
    assert_int_equal(thread_calls, 1);
    assert_string_equal(thread_first, "n2@csirt.example.net");
    assert_int_equal(json_integer_value(json_object_get(out, "investigation_id")), thread_inv);
    assert_int_equal(json_array_size(json_object_get(out, "reports")), 0);
    json_decref(out);
    /* Without a hook nothing is threaded: the reply becomes a report. */
    o.thread_fn = NULL;
    {
        char other[sizeof(reply) + 8];
        (void)snprintf(other, sizeof(other), "%s", reply);
        memcpy(strstr(other, "<r1@"), "<r2@", 4);
        assert_int_equal(
            TX(t, hk_mailin_store(&t->ctx, other, strlen(other), strlen(other), &o, &out)), HK_OK);
        assert_int_equal(json_array_size(json_object_get(out, "reports")), 1);
        json_decref(out);
    }
    tenv_free(t);
}

static int acks_sent;
static hk_err ack_hook(void *arg, const struct hk_mailin_ack *a)
{
    (void)arg;
    assert_string_equal(a->to, "alice@victim.example");
    assert_string_equal(a->in_reply_to, "<a1@victim.example>");
    assert_non_null(strstr(a->subject, "] Received: scans"));
    assert_non_null(strstr(a->body, "ticket number R"));
    return acks_sent++ ? HK_ENET : HK_OK;
}

static void acknowledgements(void **state)
{
    static const char person[] =
        "From: Alice <alice@victim.example>\r\nSubject: scans\r\n"
        "Message-ID: <a1@victim.example>\r\n\r\nscans from 203.0.113.5\r\n";
    static const char person2[] =
        "From: Alice <alice@victim.example>\r\nSubject: scans\r\n"
        "Message-ID: <a1@victim.example>\r\n\r\nscans from 203.0.113.6\r\n";
    static const char autorep[] = "From: Carol <carol@x.example>\r\nSubject: Out of office\r\n"
                                  "Auto-Submitted: auto-replied\r\n\r\naway until 203.0.113.7\r\n";
    struct tenv *t = tenv_new();
    struct hk_mailin_opts o = {.ack = true, .ack_fn = ack_hook};
    json_t *out = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(
        TX(t, hk_mailin_store(&t->ctx, person, strlen(person), strlen(person), &o, &out)), HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "ack")), "pending");
    json_decref(out);
    assert_int_equal(
        TX(t, hk_mailin_store(&t->ctx, person2, strlen(person2), strlen(person2), &o, &out)),
        HK_OK);
    json_decref(out);
    assert_int_equal(
        TX(t, hk_mailin_store(&t->ctx, autorep, strlen(autorep), strlen(autorep), &o, &out)),
        HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "ack")), "suppressed");
    json_decref(out);
    /* The same bytes again: stored once. */
    assert_int_equal(
        TX(t, hk_mailin_store(&t->ctx, person, strlen(person), strlen(person), &o, &out)), HK_OK);
    assert_true(json_is_true(json_object_get(out, "duplicate")));
    json_decref(out);
    assert_int_equal(hk_mailin_ack_flush(&t->ctx, &o, 10, &n), HK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(acks_sent, 2);
    assert_int_equal(hk_store_row(t->st, HK_Q_MAIL_IN_GET, HK_SQL_ARGS(hk_sql_int(1)), &out),
                     HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "ack")), "sent");
    json_decref(out);
    assert_int_equal(hk_store_row(t->st, HK_Q_MAIL_IN_GET, HK_SQL_ARGS(hk_sql_int(2)), &out),
                     HK_OK);
    assert_string_equal(json_string_value(json_object_get(out, "ack")), "failed");
    json_decref(out);
    /* Nothing pending any more. */
    assert_int_equal(hk_mailin_ack_flush(&t->ctx, &o, 10, &n), HK_OK);
    assert_int_equal(n, 0);
    tenv_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_reply),
        cmocka_unit_test(threaded_reply),
        cmocka_unit_test(acknowledgements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
