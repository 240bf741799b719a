/* SPDX-License-Identifier: MIT */
/*
 * Mail: the outgoing part (cooperation requests, reminders and acknowledgements rendered
 * from templates, CSV / X-ARF v4 / ready-made IODEF attachments, MIME with GMime, OpenPGP
 * with gpgme, SMTP with libcurl) and, in its own block below, the incoming part. The
 * outgoing functions take plain inputs (strings, rows, byte buffers), never directory or
 * store rows: the caller groups an incident's observables by team and calls
 * hk_mail_notice_send once per team. Nothing here touches the store.
 */
#ifndef HIKESHI_MAIL_H
#define HIKESHI_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hikeshi/core.h"

/* ======================== outgoing mail (src/mail/out*.c) ======================== */

/* Bounds. Every input-controlled size is capped; past a cap the call fails with HK_ETOOBIG. */
#define HK_MAIL_TPL_MAX      (64 * 1024)        /* one template's text */
#define HK_MAIL_TPL_DEPTH    8                  /* nested #if / #each sections */
#define HK_MAIL_BODY_MAX     (1024 * 1024)      /* rendered subject + body */
#define HK_MAIL_ROWS_MAX     1000000            /* affected addresses in one message */
#define HK_MAIL_MSG_MAX_DFLT (25 * 1024 * 1024) /* whole message, when the config says 0 */
#define HK_MAIL_INLINE_DFLT  20                 /* addresses listed in the body */
#define HK_MAIL_ATTACH_MAX   16                 /* ready-made attachments per message */
#define HK_MAIL_FIELD_MAX    4096               /* one scalar input (title, summary, ...) */
#define HK_MAIL_MSGID_MAX    256

/* Which message a template renders; with the language it names "notify-ja" etc. */
enum hk_mail_kind {
    HK_MAIL_NOTIFY,   /* first cooperation request to a team */
    HK_MAIL_REMINDER, /* follow-up past the deadline (human-equivalent: no Auto-Submitted) */
    HK_MAIL_ACK,      /* automatic acknowledgement of a report (Auto-Submitted: auto-generated) */
    HK_MAIL_WARNING, /* early warning of an advisory to a team with affected assets ([hikeshi#A<n>])
                      */
    HK_MAIL_VULN_REMINDER, /* embargo reminder to a vendor of a vulnerability case ([hikeshi#V<n>])
                            */
};

/* The machine-readable attachment(s) a recipient prefers, as flags (several allowed). */
enum hk_mail_format_flags {
    HK_MAIL_ATTACH_CSV = 1 << 0,  /* affected.csv, RFC 4180 with a header row */
    HK_MAIL_ATTACH_XARF = 1 << 1, /* xarf.json, X-ARF v4: one object, or an array of them */
};

/* One affected address (or other observable) of the receiving team. Borrowed. */
struct hk_mail_row {
    const char *observable;  /* "198.51.100.7", "2001:db8::1", "mail.example.org" */
    int64_t time;            /* when seen, seconds since the epoch UTC; 0 = unknown */
    int port;                /* 0 = unknown */
    const char *proto;       /* "tcp", "udp", ... or NULL */
    const char *description; /* free text or NULL */
};

/* A ready-made attachment (an IODEF v2 document from src/exchange, for instance). Borrowed. */
struct hk_mail_attachment {
    const char *filename;     /* "incident-123.xml" */
    const char *content_type; /* "application/xml" (RFC 7970 §8 suggests it for IODEF) */
    const void *data;
    size_t len;
};

/*
 * What one message says. Every pointer is borrowed for the call; NULL optional strings are
 * left out of the text. Times are seconds since the epoch, UTC; 0 = not given.
 */
struct hk_mail_notice {
    enum hk_mail_kind kind;
    const char *lang;            /* "en" or "ja"; anything else falls back to "en" */
    int64_t ticket;              /* the tag "[hikeshi#<ticket>]" (investigation or incident id) */
    const char *team_name;       /* the receiving team, "CERT Example" */
    const char *team_tz;         /* IANA zone of the receiving team ("Asia/Tokyo") or NULL */
    const char *title;           /* the incident's title: "what was seen", short */
    const char *summary;         /* longer explanation, may hold newlines, or NULL */
    const char *rsit_class;      /* classification, "information-gathering" (or NULL) */
    const char *rsit_type;       /* "scanner" (or NULL) */
    const char *tlp;             /* "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" (TLP: opt.) */
    const char *request;         /* what is asked; NULL = the template's default request */
    int64_t first_seen;          /* 0 = earliest row time */
    int64_t last_seen;           /* 0 = latest row time */
    int64_t reply_by;            /* deadline shown to the receiver, 0 = none */
    const char *their_reference; /* the team's own ticket, for reminders; NULL = none */
    const struct hk_mail_row *rows;
    size_t nrows;
    size_t inline_max;                      /* rows listed in the body; 0 = HK_MAIL_INLINE_DFLT */
    unsigned formats;                       /* enum hk_mail_format_flags */
    const struct hk_mail_attachment *extra; /* IODEF etc., attached as given */
    size_t nextra;
};

/* Who we are and how we send. Borrowed by every call that takes it. */
struct hk_mail_config {
    const char *from;       /* "Example CSIRT <csirt@example.net>" (required) */
    const char *reply_to;   /* NULL = no Reply-To header */
    const char *org;        /* our organisation for X-ARF reporter/sender ("Example CSIRT") */
    const char *org_domain; /* "example.net" (also the Message-ID's right-hand side) */
    const char *smtp_url;   /* "smtp://127.0.0.1:25" or "smtps://..." (required to send) */
    const char *smtp_user;  /* NULL = no AUTH */
    const char *smtp_pass;
    bool smtp_starttls;       /* require STARTTLS (CURLUSESSL_ALL) */
    bool smtp_insecure;       /* do not verify the relay's certificate (tests only) */
    long smtp_timeout_s;      /* whole transfer; 0 = 60 */
    const char *gnupghome;    /* GnuPG home for sign/encrypt; NULL = gpgme's default */
    const char *sign_key;     /* fingerprint or user id of our signing key; NULL = unsigned */
    const char *template_dir; /* directory with <name>.txt overriding the embedded ones */
    size_t max_message;       /* 0 = HK_MAIL_MSG_MAX_DFLT */
};

/* The receiving side of one message. Borrowed. */
struct hk_mail_recipient {
    const char *to;          /* "CERT Example <cert@example.org>" (one or more, comma list) */
    const char *cc;          /* NULL = none */
    const char *pgp_key;     /* the team's armored public key; imported into gnupghome */
    const char *pgp_fpr;     /* or a fingerprint already in gnupghome; NULL + NULL = clear */
    const char *in_reply_to; /* "<msgid@host>" for reminders/acks; also sets References */
    const char *references;  /* extra References (space separated) or NULL */
};

/* A built message: the wire bytes (CRLF line ends) and its identity. Owned by the caller. */
struct hk_mail_msg {
    char *raw;
    size_t len;
    char message_id[HK_MAIL_MSGID_MAX]; /* without angle brackets */
    char subject[512];                  /* the rendered subject, UTF-8, possibly truncated */
    int64_t date;
    bool is_signed;
    bool is_encrypted;
    char *env_from;  /* bare address for MAIL FROM */
    char **env_rcpt; /* NULL-terminated bare addresses for RCPT TO */
};

/* The outcome of one SMTP submission. */
struct hk_mail_result {
    char message_id[HK_MAIL_MSGID_MAX];
    int64_t sent_at;     /* when the relay accepted it (0 if it did not) */
    long smtp_code;      /* last SMTP reply code (250 on success), 0 if none was read */
    char smtp_text[256]; /* last SMTP reply line, or the transport error */
};

/* -- template engine (out_tpl.c) --
 * The language: {{name}} inserts a value of the context (a JSON object): strings as they
 * are, numbers in decimal, true/false, null as nothing. Names are letters, digits, '_' and
 * '.' paths ({{team.name}}). {{#if name}}...{{else}}...{{/if}} tests truthiness (non-empty
 * string or array, non-zero number, true); {{#unless name}}...{{/unless}} the opposite;
 * {{#each name}}...{{/each}} repeats over an array, with each item's members visible by name
 * (outer names stay visible) and {{.}} for the item itself, {{@n}} its 1-based number.
 * {{! comment }} renders nothing. A name that is not defined anywhere is an error (a
 * notice with a hole must not be sent), so optional fields are wrapped in #if. Inserted
 * values never contain control characters other than newline and tab (the rest are
 * dropped), and in HK_MAIL_TPL_LINE mode newlines and tabs become spaces (for Subject).
 * There is no way to run code, include files, or re-expand an inserted value.
 */
enum hk_mail_tpl_flags { HK_MAIL_TPL_LINE = 1 << 0 };
hk_err hk_mail_tpl_render(const char *tpl, size_t len, const json_t *ctx, unsigned flags,
                          struct hk_buf *out, struct hk_errmsg *m);

/* The shipped templates (the .txt files of templates/), NULL-terminated by name. */
extern const struct hk_embedded hk_mail_templates[];
/* Looks up an embedded template ("notify-en") or, when dir is set, <dir>/<name>.txt first.
 * *text is heap-allocated (free it). HK_ENOTFOUND when neither exists. */
hk_err hk_mail_template_load(const char *dir, const char *name, char **text, size_t *len,
                             struct hk_errmsg *m);

/* -- rendering (out_render.c) --
 * Builds the template context of a notice (json object; caller frees with json_decref). */
hk_err hk_mail_notice_context(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                              json_t **out, struct hk_errmsg *m);
/* Renders a notice's subject (one line, starting with the ticket tag) and body. A template
 * file holds "Subject: ..." on its first line, an empty line, then the body. */
hk_err hk_mail_notice_render(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                             struct hk_buf *subject, struct hk_buf *body, struct hk_errmsg *m);
/* The TLP 2.0 label normalised ("amber+strict" -> "AMBER+STRICT"), NULL if unknown, and its
 * sharing sentence in "en" or "ja". */
const char *hk_mail_tlp_norm(const char *tlp);
const char *hk_mail_tlp_sentence(const char *tlp, const char *lang);

/* -- attachments (out_attach.c) -- */
/* RFC 4180 CSV: header "time,observable,port,proto,description", CRLF line ends. */
hk_err hk_mail_csv_fmt(const struct hk_mail_row *rows, size_t n, struct hk_buf *out);
/* X-ARF v4 (xarf_version 4.0.0): one report per row, an object for one row, else an array. */
hk_err hk_mail_xarf_fmt(const struct hk_mail_notice *n, const struct hk_mail_config *cfg,
                        struct hk_buf *out, struct hk_errmsg *m);
/* The X-ARF v4 category and type that an RSIT class/type maps to (never NULL). */
void hk_mail_xarf_class(const char *rsit_class, const char *rsit_type, const char **category,
                        const char **type);

/* -- MIME and OpenPGP (out_mime.c, out_pgp.c) --
 * Builds one message for one recipient: multipart/mixed (text/plain UTF-8 + attachments);
 * PGP/MIME-signed (RFC 3156 §5) when cfg->sign_key is set; signed and encrypted (§6.2) when
 * the recipient has a key. Japanese subjects are RFC 2047 encoded. out is cleared first;
 * release it with hk_mail_msg_release. HK_ETOOBIG past cfg->max_message. */
hk_err hk_mail_notice_build(const struct hk_mail_config *cfg, const struct hk_mail_recipient *r,
                            const struct hk_mail_notice *n, struct hk_mail_msg *out,
                            struct hk_errmsg *m);
void hk_mail_msg_release(struct hk_mail_msg *msg);

/* Imports an armored public key into gnupghome (NULL = default) and writes its fingerprint
 * (40 or 64 hex digits) into fpr. */
hk_err hk_mail_pgp_import(const char *gnupghome, const char *armored, char fpr[72],
                          struct hk_errmsg *m);

/* -- SMTP (out_smtp.c) --
 * A session keeps one libcurl handle so consecutive messages reuse the relay connection. */
struct hk_mail_smtp;
hk_err hk_mail_smtp_new(const struct hk_mail_config *cfg, struct hk_mail_smtp **out);
void hk_mail_smtp_free(struct hk_mail_smtp *s);
/* Submits msg (MAIL FROM env_from, RCPT TO env_rcpt). res is filled on success and on
 * failure (code and text say why). HK_ENET when the relay is unreachable or refuses. */
hk_err hk_mail_smtp_send(struct hk_mail_smtp *s, const struct hk_mail_msg *msg,
                         struct hk_mail_result *res, struct hk_errmsg *m);

/* Build + send in one call; s may be NULL (a one-off session is used). */
hk_err hk_mail_notice_send(const struct hk_mail_config *cfg, struct hk_mail_smtp *s,
                           const struct hk_mail_recipient *r, const struct hk_mail_notice *n,
                           struct hk_mail_result *res, struct hk_errmsg *m);

/* Once per process before any other hk_mail_ call (GMime and gpgme initialisation). */
void hk_mail_init(void);

/* ====================== end of outgoing mail ====================== */

#endif
