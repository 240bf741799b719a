/* SPDX-License-Identifier: MIT */
/*
 * Mail intake (`hikeshi mail-in`): one RFC 5322 message at a time, from an MTA pipe or a
 * Maildir. The rule is that nothing is ever lost: every message is stored raw in the
 * mail_in table (migration 004) in the same transaction as the reports it creates, even
 * when it cannot be parsed; a report then says why. A message is removed from a Maildir only
 * after the transaction holding it has committed, and storing is idempotent (the SHA-256 of
 * the raw bytes is unique), so a run killed at any point loses nothing and doubles nothing.
 *
 * Parsing (GMime 3) recognises, in this order: X-ARF (v3 and v4 JSON, as an attachment or
 * as the body), IODEF documents (application/iodef+xml, or XML in the IODEF namespace), and
 * else plain text (the text parts, observables extracted by the normal report path).
 * PGP/MIME signatures (multipart/signed, RFC 3156) are verified with gpgme against the
 * keyring named by gnupghome; the result and the signer's fingerprint are recorded.
 *
 * Replies: the ticket tag "[hikeshi#N]" of the subject and the In-Reply-To/References
 * message ids are exposed in the parse result and handed to the thread hook (see
 * struct hk_mailin_opts); a message the hook threads onto an investigation is recorded
 * there and creates no report. Acknowledgements: with ack on, a new report from a person
 * (never an auto-reply, a bounce or a list message: RFC 3834) is acknowledged through the
 * ack hook after commit, and the acknowledgement is kept in mail_in (ack = pending, sent,
 * failed, suppressed, none) so one not yet handed over can be sent later.
 */
#ifndef HIKESHI_MAILIN_H
#define HIKESHI_MAILIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hikeshi/core.h"
#include "hikeshi/handling.h"

/* Default bound on one message stored raw (bytes); beyond it the first max_raw bytes are
 * stored with truncated = 1, the message is not parsed, and its report says so. */
#define HK_MAILIN_MAX_RAW_DFLT (25u << 20)
/* Attachments larger than this (decoded) are not parsed; the report lists them. */
#define HK_MAILIN_MAX_PART (4u << 20)

enum hk_mailin_kind {
    HK_MAILIN_XARF,     /* one or more X-ARF documents */
    HK_MAILIN_IODEF,    /* one or more IODEF documents */
    HK_MAILIN_TEXT,     /* plain text (or HTML stripped to text) */
    HK_MAILIN_BOUNCE,   /* delivery status notification (RFC 3464) or MAILER-DAEMON */
    HK_MAILIN_UNPARSED, /* malformed MIME, truncated, or every document refused */
};
const char *hk_mailin_kind_name(enum hk_mailin_kind k); /* "xarf", "iodef", ... */

enum hk_mailin_pgp {
    HK_PGP_UNSIGNED,    /* no multipart/signed part */
    HK_PGP_NOT_CHECKED, /* signed, but no keyring configured */
    HK_PGP_GOOD,        /* valid signature by a key in the keyring */
    HK_PGP_BAD,         /* the signature does not match the content */
    HK_PGP_UNKNOWN_KEY, /* signed by a key not in the keyring */
    HK_PGP_ERROR,       /* malformed signature part, or gpgme failed */
};
const char *hk_mailin_pgp_name(enum hk_mailin_pgp p); /* "good", "unknown-key", ... */

#define HK_MAILIN_REFS_MAX 32

/* The result of parsing one message; all strings owned (hk_mailin_parsed_release). */
struct hk_mailin_parsed {
    enum hk_mailin_kind kind;
    char *message_id;               /* without angle brackets; "" when absent */
    char *in_reply_to;              /* first id of In-Reply-To, without brackets; "" when absent */
    char *refs[HK_MAILIN_REFS_MAX]; /* References ids, oldest first, without brackets */
    size_t nrefs;
    char *from;              /* bare address of From (or Sender); "" when absent */
    char *from_full;         /* From as written (display name and address), UTF-8 */
    char *reply_to;          /* bare address to answer (Reply-To, else From) */
    char *subject;           /* decoded UTF-8 */
    int64_t ticket;          /* N of "[hikeshi#N]" in the subject; 0 when none */
    int64_t date;            /* Date header, unix seconds; 0 when absent or invalid */
    const char *auto_reason; /* why this is automatic mail (never acknowledged); NULL = a person */
    enum hk_mailin_pgp pgp;
    char pgp_fpr[72];    /* signer's fingerprint (good, bad) or key id (unknown-key) */
    json_t *submissions; /* array of report submissions (hk_report_submit bodies) */
    char *error;         /* "; "-joined parse errors; "" when none */
    char *text;          /* the message's text parts (bounded), for replies and failed parses */
};

void hk_mailin_parsed_release(struct hk_mailin_parsed *p);

/* Acknowledgement of new reports, handed to the ack hook after commit. Borrowed. */
struct hk_mailin_ack {
    int64_t mail_id;
    int64_t report_id;       /* the first new report: the ticket number the reporter gets */
    const char *to;          /* bare address: Reply-To, else From */
    const char *in_reply_to; /* "<message-id>" of the report mail ("" when it had none) */
    const char *title;       /* the report mail's subject */
    const char *tlp;         /* the report's TLP */
    const char *subject;     /* a ready subject: "[hikeshi#R<id>] Received: <title>" */
    const char *body;        /* a ready plain-text body (English) */
};
/* Sends one acknowledgement (e.g. through include/hikeshi/mail.h with HK_MAIL_ACK).
 * HK_OK marks it sent; any error marks it failed (it stays in mail_in). */
typedef hk_err (*hk_mailin_ack_fn)(void *arg, const struct hk_mailin_ack *ack);

/* Threads a reply onto an investigation: message_ids are In-Reply-To then References
 * (newest first), ticket the tag's number (0 = none). HK_OK with *investigation_id set when
 * threaded (the hook records the message and moves the investigation), HK_ENOTFOUND when not
 * a reply to anything we sent. Runs inside the message's transaction. The signature is that
 * of hk_investigation_thread_reply (src/handling/notify.c) so the lead can pass it as is. */
typedef hk_err (*hk_mailin_thread_fn)(struct hk_ctx *ctx, const char *const *message_ids,
                                      size_t nids, int64_t ticket, const char *body,
                                      int64_t *investigation_id);

struct hk_mailin_opts {
    size_t max_raw;          /* 0 = HK_MAILIN_MAX_RAW_DFLT */
    const char *gnupghome;   /* keyring for PGP/MIME verification; NULL = not checked */
    bool ack;                /* acknowledge new reports */
    const char *our_address; /* our own address: mail from it is never acknowledged */
    hk_mailin_ack_fn ack_fn; /* NULL: acknowledgements stay pending in mail_in */
    void *ack_arg;
    hk_mailin_thread_fn thread_fn; /* NULL: hk_mailin_thread_none (nothing is threaded) */
};

/* Parses one message (no store access). Never fails on bad input: a message that cannot be
 * parsed gives kind HK_MAILIN_UNPARSED, the reason in error, and one submission that says
 * why. truncated tells that raw is only the head of a larger message. */
void hk_mailin_parse(const char *raw, size_t len, bool truncated, const struct hk_mailin_opts *o,
                     struct hk_mailin_parsed *out);

/* The ticket number of "[hikeshi#N]" in s, 0 when none. */
int64_t hk_mailin_ticket(const char *s);

/* The default thread hook: nothing is threaded (HK_ENOTFOUND). */
hk_err hk_mailin_thread_none(struct hk_ctx *ctx, const char *const *message_ids, size_t nids,
                             int64_t ticket, const char *body, int64_t *investigation_id);

/*
 * Stores one message in the caller's transaction: raw first, then its reports (or the
 * threaded reply), the parse result, and a "mail.receive" audit entry. raw_size is the size
 * as received (larger than len when truncated). A message already stored (same SHA-256) is
 * not stored again. *out (caller owns): {"mail_id", "kind", "duplicate", "reports": [ids],
 * "investigation_id"?, "error"?, "pgp", "ack"}.
 */
hk_err hk_mailin_store(struct hk_ctx *ctx, const char *raw, size_t len, size_t raw_size,
                       const struct hk_mailin_opts *o, json_t **out);

/* Hands pending acknowledgements (up to max) to o->ack_fn, each marked sent or failed in
 * its own transaction; *count gets how many were handed over. No-op without ack_fn. */
hk_err hk_mailin_ack_flush(struct hk_ctx *ctx, const struct hk_mailin_opts *o, size_t max,
                           size_t *count);

struct hk_mailin_stats {
    uint64_t messages;   /* files seen */
    uint64_t stored;     /* new mail_in rows */
    uint64_t duplicates; /* already stored (e.g. a run killed before it moved them) */
    uint64_t reports;    /* reports created */
    uint64_t unparsed;   /* stored with a parse error */
    uint64_t threaded;   /* replies threaded onto investigations */
};

/*
 * Processes a Maildir: every file of new/ and cur/ is stored (hk_mailin_store) in
 * transactions of batch messages; after each commit the batch's files are moved to
 * processed (a Maildir, created when missing; NULL = delete them instead). A file that
 * cannot be read stays where it is (counted, logged). Errors of the store abort the run
 * after rolling back the current batch, leaving its files in place.
 */
hk_err hk_mailin_maildir(struct hk_ctx *ctx, const char *dir, const char *processed, size_t batch,
                         const struct hk_mailin_opts *o, struct hk_mailin_stats *st);

#endif
