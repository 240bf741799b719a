/* SPDX-License-Identifier: MIT */
/*
 * Incident handling: reports, incidents, investigations, countermeasures, tasks, their
 * lifecycles, classification (RSIT, malware class, infection route, severity, TLP, PAP),
 * observables and correlation, SLA, users and tokens, and the hash-chained audit log.
 *
 * Every operation takes a struct hk_ctx (store connection, acting principal, clock,
 * config) and speaks JSON: inputs are borrowed jansson values, outputs are new values the
 * caller owns (json_decref). Operations do not open transactions themselves: the caller
 * wraps each call in hk_ctx_begin / hk_ctx_commit (or hk_ctx_rollback on error), so one
 * API call is one transaction and a failure writes nothing. Errors carry a one-line
 * explanation in ctx->em.
 *
 * Visibility (TLP 2.0) is enforced here, on every read path: TLP:RED items only for
 * admins and the users explicitly on the incident; TLP:AMBER+STRICT only for those and
 * the owning team; reporters read back only their own reports. An item the caller may
 * not see is reported as HK_ENOTFOUND, never as its content.
 */
#ifndef HIKESHI_HANDLING_H
#define HIKESHI_HANDLING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hikeshi/core.h"
#include "hikeshi/observables.h"
#include "hikeshi/store.h"

enum hk_role { HK_ROLE_ADMIN, HK_ROLE_HANDLER, HK_ROLE_REPORTER, HK_ROLE_SENSOR, HK_ROLE_PEER };

const char *hk_role_name(enum hk_role r);
hk_err hk_role_parse(const char *s, enum hk_role *out);

/* Who is acting. user_id 0 is the local operator (CLI on the data directory: admin). */
struct hk_principal {
    int64_t user_id;
    enum hk_role role;
    char name[64];
    char team[64];
    int64_t token_expires; /* set by token authentication: unix seconds, 0 = never */
};

struct hk_config {
    int64_t correlation_window;    /* seconds; default 30 days */
    int64_t sla_first_response[4]; /* seconds per severity: low, medium, high, critical */
    size_t max_body;               /* bytes; default 1 MiB */
    size_t max_content;            /* bytes of one report's content; default 1 MiB */
    int64_t session_idle;          /* web sessions: idle timeout, seconds; default 2 h */
    int64_t session_lifetime;      /* web sessions: absolute lifetime, seconds; default 12 h */
    bool cookie_secure;            /* the session cookie carries Secure (behind a TLS proxy) */
};
void hk_config_defaults(struct hk_config *c);
/* Parses SLA first-response targets, "low=72h,medium=24h,high=4h,critical=30m" (any
 * subset; units d, h, m, s) into c. HK_EINVAL with a message on bad input (c unchanged). */
hk_err hk_config_sla_parse(struct hk_config *c, const char *s, struct hk_errmsg *em);

/* Pending audit-chain head, kept for the duration of one transaction. */
struct hk_audit_state {
    int loaded;
    int dirty;
    int64_t seq;
    uint8_t hash[32];
};

struct hk_ctx {
    struct hk_store *st;
    struct hk_principal who;
    const struct hk_config *cfg;
    int64_t now;
    struct hk_errmsg *em;
    struct hk_audit_state audit;
    struct hk_obs_list obs; /* scratch list reused by extraction */
    /* Bulk import only: caches, and one audit entry per batch instead of per report
     * (it names the id range and a digest chained over every stored report's id and
     * content hash, so the batch's contents are still pinned by the audit chain). */
    struct hk_import_cache *import;
    /* Group commit: the caller holds an open transaction; begin/commit/rollback of this
     * context become a savepoint, its release, and a rollback to it. */
    bool nested;
    struct {
        int active;
        uint64_t stored, folded;
        int64_t first, last;
        uint8_t digest[32];
    } batch;
};

/* Sets up a context; ctx borrows st, cfg and em for its lifetime. */
void hk_ctx_init(struct hk_ctx *ctx, struct hk_store *st, const struct hk_principal *who,
                 const struct hk_config *cfg, struct hk_errmsg *em);
void hk_ctx_release(struct hk_ctx *ctx);
/* Transaction bracket: commit also writes the audit-chain head. */
hk_err hk_ctx_begin(struct hk_ctx *ctx, bool write);
hk_err hk_ctx_commit(struct hk_ctx *ctx);
void hk_ctx_rollback(struct hk_ctx *ctx);

/* ---- classification (taxonomy.c) ---- */

/* Normalises a TLP label ("amber+strict", "TLP:RED", "white" -> "CLEAR") into out[16]. */
hk_err hk_tlp_parse(const char *s, char out[16]);
/* PAP: CLEAR, GREEN, AMBER, RED (WHITE accepted as CLEAR). */
hk_err hk_pap_parse(const char *s, char out[16]);
hk_err hk_severity_check(const char *s);
/* RSIT class and, when non-empty, type within that class. */
hk_err hk_rsit_check(const char *cls, const char *type);
hk_err hk_malware_class_check(const char *s);
hk_err hk_infection_route_check(const char *s);
/* The whole taxonomy as JSON (for GET /api/v1/taxonomy). */
json_t *hk_taxonomy_json(void);
/* Severity rank 0..3 (low..critical), -1 if unknown. */
int hk_severity_rank(const char *s);

/* ---- lifecycles (lifecycle.c) ---- */

enum hk_object { HK_OBJ_REPORT, HK_OBJ_INCIDENT, HK_OBJ_INVESTIGATION, HK_OBJ_COUNTERMEASURE };
/* HK_OK when from -> to is allowed for this kind of object; HK_ESTATE otherwise;
 * HK_EINVAL when to is not a state of this object at all. */
hk_err hk_lifecycle_check(enum hk_object o, const char *from, const char *to);
/* The states reachable from 'from' as a JSON array of strings. */
json_t *hk_lifecycle_next(enum hk_object o, const char *from);
/* Incident actions: triage, analyse, mitigate, resolve, abandon, reopen -> target state. */
hk_err hk_incident_action_state(const char *action, const char **state);

/* ---- visibility (access.c) ---- */

bool hk_can_read_incident(struct hk_ctx *ctx, json_t *incident);
bool hk_can_read_report(struct hk_ctx *ctx, json_t *report);
bool hk_is_staff(const struct hk_ctx *ctx); /* admin or handler */

/* ---- reports (report.c) ---- */

/*
 * Submits a report: {"content": "...", "source"?, "reporter"?, "subject"?, "tlp"?,
 * "rsit_class"?, "rsit_type"?, "received_at"?}. Extracts observables, folds an exact
 * duplicate (same reporter, same content) into the existing row, and links the report to
 * an open incident sharing an observable within the correlation window. *out is the
 * stored report; *is_dup tells whether it was folded.
 */
hk_err hk_report_submit(struct hk_ctx *ctx, json_t *body, json_t **out, bool *is_dup);
hk_err hk_report_get(struct hk_ctx *ctx, int64_t id, json_t **out);
/* Sets the state (open, resolved, rejected) after checking the lifecycle. */
hk_err hk_report_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out);
/*
 * Triage: classify a report and attach it to an incident. body: {"incident_id": N} to
 * attach to an existing one, or incident fields (title, severity, tlp, ...) to open a new
 * one, plus optional rsit_class/rsit_type/tlp for the report. Returns the incident.
 */
hk_err hk_report_triage(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/* Link a report to an incident / unlink it (incident observables follow). */
hk_err hk_report_link(struct hk_ctx *ctx, int64_t report_id, int64_t incident_id);
hk_err hk_report_unlink(struct hk_ctx *ctx, int64_t report_id);

/* Statistics of a bulk import. */
struct hk_import_stats {
    uint64_t lines;
    uint64_t stored;
    uint64_t duplicates;
    uint64_t correlated;
    uint64_t rejected;
};
/*
 * Imports JSON lines (one report object per line) from f, in transactions of batch rows;
 * a malformed line is skipped and counted as rejected (its line number logged), never
 * half-written. Audit entries are written for every stored report.
 */
hk_err hk_report_import(struct hk_ctx *ctx, FILE *f, size_t batch, struct hk_import_stats *st);
/* The same from a memory buffer (API bulk endpoint); runs in the caller's transaction. */
hk_err hk_report_import_buf(struct hk_ctx *ctx, const char *p, size_t n, struct hk_import_stats *st,
                            json_t **errors);

/* ---- observations pushed by sensors (observation.c) ---- */

/*
 * Validates a push body without touching the store: {"sensor": NAME, "items": [...],
 * "tlp"?}, at most 500 items, each an alert (port-surge or worm-source) or an interval
 * summary. HK_EINVAL with a message naming the item index and member ("items[3].port:
 * must be an integer from 0 to 65535"), HK_ETOOBIG for more than 500 items.
 */
hk_err hk_observation_check(json_t *body, struct hk_errmsg *em);
/* The report subject and content of a validated alert item, appended to the buffers. The
 * text names only the alert's IP addresses as observables. */
hk_err hk_observation_alert_text(json_t *item, struct hk_buf *subject, struct hk_buf *content);
/*
 * Stores a push in the caller's transaction (sensor, handler or admin): validates the
 * whole batch first, ignores items whose (sensor, id) is already stored, submits every new
 * alert as a report through hk_report_submit (classified, TLP:AMBER unless "tlp" says
 * otherwise), stores intervals only, and writes one audit entry for the batch.
 * *out: {"accepted": A, "duplicates": D, "reports": [ids of reports created]}.
 */
hk_err hk_observation_push(struct hk_ctx *ctx, json_t *body, json_t **out);
/* Lists stored observations (staff). params: sensor, type, port, proto, interval, from,
 * to (the item time), cursor, limit (1..500, default 50), order. *out: {"items": [...],
 * "next_cursor": id|null}. */
hk_err hk_observation_list(struct hk_ctx *ctx, json_t *params, json_t **out);

/* ---- notification of the responsible teams (notify.c) ---- */

struct hk_mail_config;
/*
 * Routes an incident's observables through the team directory, groups them by team, and
 * for each team with an e-mail address opens an investigation (the cooperation request,
 * due "due_at" or in three days) and queues one outbox message carrying only that team's
 * rows, in its language and attachment format. Staff; the caller's transaction.
 * body: {"due_at"?, "request"?}. *out: {"incident_id", "notified": [{team,
 * investigation_id, outbox_id, to, rows, language} | {team, skipped}], "unrouted": [...]}.
 */
hk_err hk_incident_notify(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out);
/* Queues one reminder (in reply to the first message) for each investigation still
 * waiting past its due time. Staff; the caller's transaction. *out: {"reminders": [...]}. */
hk_err hk_outbox_remind(struct hk_ctx *ctx, json_t **out);
/* The same in a transaction of its own, as the system ("outbox"): for the server's thread. */
hk_err hk_outbox_remind_run(struct hk_store *st, const struct hk_config *cfg, struct hk_errmsg *em);
/*
 * Delivers up to max due outbox messages through SMTP (mc), each outside any transaction,
 * then records its result in its own transaction: Message-ID, time, SMTP reply, an "out"
 * message on the investigation, which moves to "waiting". Failures are retried with
 * backoff, then marked failed. Counts what was sent and what failed.
 */
hk_err hk_outbox_deliver(struct hk_store *st, const struct hk_config *cfg,
                         const struct hk_mail_config *mc, size_t max, size_t *sent, size_t *failed,
                         struct hk_errmsg *em);
/*
 * Threads a reply onto its investigation: the first of message_ids (In-Reply-To, then
 * References) that is the Message-ID of a message we sent, else the ticket tag
 * ([hikeshi#N], an investigation id). Adds an "in" message and moves the investigation
 * to "answered". HK_ENOTFOUND when nothing matches. The caller's transaction.
 */
hk_err hk_investigation_thread_reply(struct hk_ctx *ctx, const char *const *message_ids,
                                     size_t nids, int64_t ticket, const char *body,
                                     int64_t *investigation_id);

/* ---- incidents (incident.c) ---- */

hk_err hk_incident_create(struct hk_ctx *ctx, json_t *body, json_t **out);
/* The full incident: fields, reports, observables (with other incidents sharing each),
 * investigations, countermeasures, tasks, members, allowed next states. */
hk_err hk_incident_get(struct hk_ctx *ctx, int64_t id, bool full, json_t **out);
hk_err hk_incident_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
/* Applies an action (triage, analyse, mitigate, resolve, abandon, reopen) or a target
 * "state"; body may carry "resolution". */
hk_err hk_incident_transition(struct hk_ctx *ctx, int64_t id, const char *action, json_t *body,
                              json_t **out);
/* Merges src into dst: reports, observables, children and members move; src is resolved
 * with merged_into = dst. */
hk_err hk_incident_merge(struct hk_ctx *ctx, int64_t dst, int64_t src, json_t **out);
/* Splits a report out of its incident into a new incident (same classification). */
hk_err hk_incident_split(struct hk_ctx *ctx, int64_t incident_id, int64_t report_id, json_t **out);
hk_err hk_incident_add_member(struct hk_ctx *ctx, int64_t id, int64_t user_id);
/* Incidents past their first-response target (SLA). */
hk_err hk_incident_overdue(struct hk_ctx *ctx, json_t **out);

/*
 * Lists incidents or reports with visibility applied. params: state, severity, team,
 * rsit_class (class), tlp, q, observable, updated_since, from, to, cursor, limit, order.
 * Writes {"items": [...], "next_cursor": id|null} as JSON text into out (no
 * intermediate JSON values: lists are the API's hottest read path).
 */
hk_err hk_list_text(struct hk_ctx *ctx, enum hk_list_kind kind, json_t *params, struct hk_buf *out);

/* ---- investigations, countermeasures, tasks (children.c) ---- */

hk_err hk_investigation_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out);
hk_err hk_investigation_get(struct hk_ctx *ctx, int64_t id, json_t **out);
hk_err hk_investigation_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out);
hk_err hk_investigation_message(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);
hk_err hk_countermeasure_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body,
                                json_t **out);
hk_err hk_countermeasure_set_state(struct hk_ctx *ctx, int64_t id, const char *state, json_t **out);
hk_err hk_task_create(struct hk_ctx *ctx, int64_t incident_id, json_t *body, json_t **out);
hk_err hk_task_update(struct hk_ctx *ctx, int64_t id, json_t *body, json_t **out);

/* ---- observables (lookup.c) ---- */

/* Finds the id of an observable; with create, adds it when absent (part of the caller's
 * transaction). *id is 0 when absent and not created. */
hk_err hk_observable_id(struct hk_ctx *ctx, enum hk_obs_type type, const char *value, size_t len,
                        bool create, int64_t *id);

/* Looks up one value (any form the extractor accepts): the incidents and reports the
 * caller may see that carry it. */
hk_err hk_observable_lookup(struct hk_ctx *ctx, const char *value, json_t **out);

/* ---- users and tokens (auth.c) ---- */

/* Creates a user; password may be NULL (token-only account). Admin only. */
hk_err hk_user_add(struct hk_ctx *ctx, const char *name, const char *role, const char *team,
                   const char *password, json_t **out);
hk_err hk_user_list(struct hk_ctx *ctx, json_t **out);
/*
 * Sets the password of user `name` (NULL: the caller's own). An admin may set anyone's; any
 * other user only their own. Changing one's own (admins too) needs the current one, checked
 * against the sign-in rate limit: a wrong one counts as a failed sign-in, and *retry_after is
 * set when blocked. API tokens are not touched. The new
 * password is hashed with Argon2id; the user's browser sessions other than keep_session (0:
 * none kept) are ended. Runs its own transactions: call it outside one (the Argon2id work is
 * done before the write transaction opens). Audited as user.password (and
 * user.password_failed).
 */
/* Disables (or enables again) user `name`; admins only, and not their own account. A disabled
 * user's password, browser sessions (all ended) and API tokens stop working at once; the
 * tokens work again when the user is enabled. Audited as user.disable / user.enable. */
hk_err hk_user_set_disabled(struct hk_ctx *ctx, const char *name, bool disabled, json_t **out);
hk_err hk_user_set_password(struct hk_ctx *ctx, const char *name, const char *current,
                            const char *password, const char *remote_addr, int64_t keep_session,
                            int64_t *retry_after, json_t **out);
/* Creates an API token for user_name (self, or anyone for admins). The secret is
 * returned once in *secret_out (65 bytes: "hk_" + 62 chars) and stored only as SHA-256. */
hk_err hk_token_create(struct hk_ctx *ctx, const char *user_name, const char *name,
                       int64_t ttl_seconds, char secret_out[80], json_t **out);
hk_err hk_token_list(struct hk_ctx *ctx, json_t **out);
hk_err hk_token_revoke(struct hk_ctx *ctx, int64_t id);
/* Resolves a bearer secret into a principal: HK_EAUTH if unknown, revoked or expired. */
hk_err hk_auth_token(struct hk_store *st, const char *secret, int64_t now,
                     struct hk_principal *out);
/*
 * The same through a small per-thread cache (16 entries, at most 5 s): saves the token
 * query on most requests. The cache stays exact: an entry is used only while no other
 * connection has committed anything since it was filled (SQLite data_version), no
 * revocation happened in this process, and the token has not expired.
 */
hk_err hk_auth_token_cached(struct hk_store *st, const char *secret, int64_t now,
                            struct hk_principal *out);
/* Checks a user name and password (Argon2id); HK_EAUTH on any mismatch. */
hk_err hk_auth_password(struct hk_store *st, const char *user, const char *password,
                        struct hk_principal *out);
/* First start: creates the "admin" user and returns its first token (once). */
hk_err hk_bootstrap(struct hk_store *st, char secret_out[80], bool *created);
/* The same, also giving "admin" a generated password (password_out, 20 characters). */
hk_err hk_bootstrap_pw(struct hk_store *st, char secret_out[80], char password_out[32],
                       bool *created);

/* ---- audit (audit.c) ---- */

/* Appends one hash-chained entry; before/after may be NULL. Part of the transaction. */
hk_err hk_audit(struct hk_ctx *ctx, const char *action, const char *otype, int64_t oid,
                json_t *before, json_t *after);
/* Walks the whole chain: HK_EINTEGRITY at the first edited, inserted or deleted entry
 * (detail in em), else HK_OK with *count entries checked. */
hk_err hk_audit_verify(struct hk_store *st, uint64_t *count, struct hk_errmsg *em);
hk_err hk_audit_of(struct hk_ctx *ctx, const char *otype, int64_t oid, json_t **out);

/* ---- small JSON helpers (jsonutil.c) ---- */

/* Reads an optional string member: HK_EINVAL (with message) if present but not a string
 * or longer than max bytes; *out is NULL when absent or null. */
hk_err hk_json_str(struct hk_ctx *ctx, json_t *o, const char *key, size_t max, const char **out);
/* Reads an optional integer member (also accepts a decimal string). *present tells. */
hk_err hk_json_int(struct hk_ctx *ctx, json_t *o, const char *key, int64_t *out, bool *present);
/* Reads an optional time member (ISO 8601 string or Unix seconds); 0 when absent. */
hk_err hk_json_time(struct hk_ctx *ctx, json_t *o, const char *key, int64_t *out);
/* Rejects members not in the NULL-terminated allow list (catches typos). */
hk_err hk_json_only(struct hk_ctx *ctx, json_t *o, const char *const *allowed);

#endif
