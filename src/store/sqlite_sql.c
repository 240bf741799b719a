/* SPDX-License-Identifier: MIT */
/*
 * The SQLite text of every named query in the catalogue (include/hikeshi/store.h).
 * Parameters are numbered (?1, ?2, ...) so one argument can be used twice. A PostgreSQL
 * back end supplies the same names with its own text; callers never see either.
 */
#include "store/store_int.h"

#define INC_COLS                                                                                \
    "id, title, description, state, severity, tlp, pap, rsit_class, rsit_type, malware_class, " \
    "infection_route, team, assignee_id, (SELECT name FROM users WHERE id = assignee_id) AS "   \
    "assignee, created_by, merged_into, reopen_count, resolution, created_at, updated_at, "     \
    "first_response_at, triage_at, analysis_at, mitigation_at, resolved_at, abandoned_at"

#define REP_COLS                                                                                 \
    "id, source, reporter_id, reporter, subject, content, content_hash AS content_sha256, tlp, " \
    "state, rsit_class, rsit_type, incident_id, correlation AS correlation_json, "               \
    "dup_count AS duplicates, received_at, updated_at"

#define OBSERVATION_LIST                                                                          \
    "SELECT id, sensor, item_id, type, observed_at, interval_s, port, proto, item AS item_json, " \
    "report_id, user_id, principal, received_at FROM observations WHERE (?1 IS NULL OR sensor = " \
    "?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR port = ?3) AND (?4 IS NULL OR proto = " \
    "?4) AND (?5 IS NULL OR interval_s = ?5) AND (?6 IS NULL OR observed_at >= ?6) AND (?7 IS "   \
    "NULL OR observed_at < ?7) AND (?8 IS NULL OR "

#define TEAM_COLS                                                                                \
    "id, name, full_name, type, parent_id, (SELECT name FROM teams p WHERE p.id = t.parent_id) " \
    "AS parent, email, phone, timezone, hours, languages AS languages_json, pgp_fingerprint, "   \
    "pgp_key, web, notify_format, language, policy, encryption, securitytxt_expires AS "         \
    "securitytxt_expires_at, created_at, updated_at"

#define VCASE_COLS                                                                               \
    "id, public_id, title, description, reporter_name, reporter_email, reporter_org, "           \
    "reporter_user_id, tlp, state, reject_reason, publish_at, cve_ids AS cve_ids_json, cwe_ids " \
    "AS cwe_ids_json, cvss AS cvss_json, advisory_id, revision, created_by, created_at, "        \
    "updated_at, published_at"

#define VVENDOR_COLS                                                                             \
    "v.team_id, t.name AS team, t.full_name, t.type, t.email, t.pgp_fingerprint, v.status, "     \
    "v.statement, v.contacted_at, v.replied_at, v.updated_at FROM vcase_vendors v JOIN teams t " \
    "ON t.id = v.team_id"

const char *const hk_sqlite_sql[HK_Q__COUNT] = {
    [HK_Q_USER_INSERT] = "INSERT INTO users(name, role, team, email, password_hash, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [HK_Q_USER_BY_NAME] = "SELECT id, name, role, team, email, password_hash, disabled, "
                          "created_at FROM users WHERE name = ?1",
    [HK_Q_USER_BY_ID] = "SELECT id, name, role, team, email, disabled, created_at FROM users "
                        "WHERE id = ?1",
    [HK_Q_USER_LIST] = "SELECT id, name, role, team, email, disabled, created_at FROM users "
                       "ORDER BY id",
    [HK_Q_USER_COUNT] = "SELECT count(*) FROM users",
    [HK_Q_TOKEN_INSERT] = "INSERT INTO tokens(user_id, digest, name, created_at, expires_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
    [HK_Q_TOKEN_LOOKUP] = "SELECT u.id, u.name, u.role, u.team, t.expires_at AS token_expires "
                          "FROM tokens t JOIN users u ON "
                          "u.id = t.user_id WHERE t.digest = ?1 AND t.revoked = 0 AND "
                          "u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?2)",
    [HK_Q_TOKEN_LIST] = "SELECT t.id, t.user_id, u.name AS user, t.name, t.created_at, "
                        "t.expires_at, t.revoked FROM tokens t JOIN users u ON u.id = t.user_id "
                        "WHERE (?1 IS NULL OR t.user_id = ?1) ORDER BY t.id",
    [HK_Q_TOKEN_REVOKE] = "UPDATE tokens SET revoked = 1 WHERE id = ?1 AND "
                          "(?2 IS NULL OR user_id = ?2)",

    [HK_Q_REPORT_INSERT] =
        "INSERT INTO reports(source, reporter_id, reporter, subject, content, content_hash, tlp, "
        "rsit_class, rsit_type, received_at, updated_at, observable_ids, incident_id, correlation, "
        "state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14) ON "
        "CONFLICT(content_hash) DO NOTHING",
    [HK_Q_REPORT_BY_HASH] = "SELECT id FROM reports WHERE content_hash = ?1",
    [HK_Q_REPORT_DUP_BUMP] = "UPDATE reports SET dup_count = dup_count + 1 WHERE id = ?1",
    [HK_Q_REPORT_GET] = "SELECT " REP_COLS " FROM reports WHERE id = ?1",
    [HK_Q_REPORT_SET_STATE] = "UPDATE reports SET state = ?2, updated_at = ?3 WHERE id = ?1 AND "
                              "state = ?4",
    [HK_Q_REPORT_SET_INCIDENT] =
        "UPDATE reports SET incident_id = ?2, correlation = ?3, updated_at = ?4, state = CASE "
        "WHEN ?2 IS NOT NULL AND state = 'new' THEN 'open' ELSE state END WHERE id = ?1",
    [HK_Q_REPORT_SET_CLASS] = "UPDATE reports SET rsit_class = coalesce(?2, rsit_class), "
                              "rsit_type = coalesce(?3, rsit_type), tlp = coalesce(?4, tlp), "
                              "updated_at = ?5 WHERE id = ?1",
    [HK_Q_REPORTS_OF_INCIDENT] = "SELECT id, source, reporter_id, reporter, subject, state, tlp, "
                                 "correlation AS correlation_json, observable_ids AS "
                                 "observable_ids_json, received_at FROM reports WHERE "
                                 "incident_id = ?1 ORDER BY id",
    [HK_Q_REPORTS_MOVE_INCIDENT] = "UPDATE reports SET incident_id = ?2, updated_at = ?3 WHERE "
                                   "incident_id = ?1",

    [HK_Q_OBS_INSERT] = "INSERT INTO observables(type, value, first_seen, vhash) VALUES (?1, ?2, "
                        "?3, ?4)",
    [HK_Q_OBS_GET_ID] = "SELECT id FROM observables WHERE vhash = ?3 AND type = ?1 AND value = ?2",
    [HK_Q_OBS_LINK_REPORT] = "INSERT OR IGNORE INTO report_observables(observable_id, "
                             "report_id) VALUES (?1, ?2)",
    [HK_Q_OBS_LINK_INCIDENT] =
        "INSERT INTO incident_observables(observable_id, incident_id, last_seen) VALUES (?1, ?2, "
        "?3) ON CONFLICT(observable_id, incident_id) DO UPDATE SET last_seen = "
        "max(last_seen, excluded.last_seen)",
    [HK_Q_OBS_OF_REPORT] = "SELECT o.id, o.type, o.value FROM reports r, "
                           "json_each(r.observable_ids) j JOIN observables o ON o.id = j.value "
                           "WHERE r.id = ?1 ORDER BY o.id",
    [HK_Q_OBS_OF_INCIDENT] =
        "SELECT o.id, o.type, o.value, io.last_seen, (SELECT count(*) FROM incident_observables "
        "x WHERE x.observable_id = o.id AND x.incident_id <> ?1) AS other_incidents FROM "
        "incident_observables io JOIN observables o ON o.id = io.observable_id WHERE "
        "io.incident_id = ?1 ORDER BY o.id LIMIT 5000",
    [HK_Q_OBS_CORRELATE] =
        "SELECT io.incident_id FROM incident_observables io JOIN incidents i ON i.id = "
        "io.incident_id WHERE io.observable_id = ?1 AND io.last_seen BETWEEN ?2 AND ?3 AND i.state NOT IN "
        "('resolved', 'abandoned') ORDER BY io.incident_id DESC LIMIT 16",
    [HK_Q_OBS_CORRELATE_RESOLVED] =
        "SELECT io.incident_id FROM incident_observables io JOIN incidents i ON i.id = "
        "io.incident_id WHERE io.observable_id = ?1 AND io.last_seen BETWEEN ?2 AND ?3 AND "
        "i.state = 'resolved' AND i.merged_into IS NULL ORDER BY io.incident_id DESC LIMIT 16",
    [HK_Q_OBS_OPEN_IDS] = "SELECT DISTINCT io.observable_id FROM incident_observables io JOIN "
                          "incidents i ON i.id = io.incident_id WHERE i.state <> 'abandoned' AND "
                          "i.merged_into IS NULL",
    /* Observable lookup: the newest 200. Ordered by the link table's key (equal to the
     * joined id) so SQLite walks the primary key backwards and stops at 200; "ORDER BY r.id"
     * read every report carrying the observable and sorted them (test_import_scale). */
    [HK_Q_OBS_INCIDENTS] =
        "SELECT i.id, i.title, i.state, i.severity, i.tlp, i.team, io.last_seen FROM "
        "incident_observables io JOIN incidents i ON i.id = io.incident_id WHERE "
        "io.observable_id = ?1 ORDER BY io.incident_id DESC LIMIT 200",
    [HK_Q_OBS_REPORTS] =
        "SELECT r.id, r.subject, r.state, r.tlp, r.reporter_id, r.incident_id, r.received_at "
        "FROM report_observables ro JOIN reports r ON r.id = ro.report_id WHERE "
        "ro.observable_id = ?1 ORDER BY ro.report_id DESC LIMIT 200",
    [HK_Q_OBS_MOVE_INCIDENT] =
        "INSERT INTO incident_observables(observable_id, incident_id, last_seen) SELECT "
        "observable_id, ?2, last_seen FROM incident_observables WHERE incident_id = ?1 AND 1 "
        "ON CONFLICT(observable_id, incident_id) DO UPDATE SET last_seen = max(last_seen, "
        "excluded.last_seen)",
    [HK_Q_OBS_RELINK_INCIDENT] =
        "INSERT INTO incident_observables(observable_id, incident_id, last_seen) SELECT "
        "j.value, ?1, max(r.received_at) FROM reports r, json_each(r.observable_ids) j WHERE "
        "r.incident_id = ?1 GROUP BY j.value",
    [HK_Q_OBS_UNLINK_INCIDENT] = "DELETE FROM incident_observables WHERE incident_id = ?1",

    [HK_Q_INCIDENT_INSERT] =
        "INSERT INTO incidents(title, description, severity, tlp, pap, rsit_class, rsit_type, "
        "malware_class, infection_route, team, assignee_id, created_by, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    [HK_Q_INCIDENT_GET] = "SELECT " INC_COLS " FROM incidents WHERE id = ?1",
    [HK_Q_INCIDENT_SET_STATE] =
        "UPDATE incidents SET state = ?2, updated_at = ?3, "
        "triage_at = coalesce(triage_at, CASE WHEN ?2 = 'triage' THEN ?3 END), "
        "analysis_at = coalesce(analysis_at, CASE WHEN ?2 = 'analysis' THEN ?3 END), "
        "mitigation_at = coalesce(mitigation_at, CASE WHEN ?2 = 'mitigation' THEN ?3 END), "
        "resolved_at = CASE WHEN ?2 = 'resolved' THEN ?3 WHEN ?4 THEN NULL ELSE resolved_at END, "
        "abandoned_at = CASE WHEN ?2 = 'abandoned' THEN ?3 WHEN ?4 THEN NULL ELSE abandoned_at "
        "END, reopen_count = reopen_count + ?4, resolution = coalesce(?5, resolution), "
        "first_response_at = coalesce(first_response_at, ?3) WHERE id = ?1 AND state = ?6",
    [HK_Q_INCIDENT_TOUCH] = "UPDATE incidents SET updated_at = ?2 WHERE id = ?1",
    [HK_Q_INCIDENT_FIRST_RESPONSE] = "UPDATE incidents SET first_response_at = "
                                     "coalesce(first_response_at, ?2), updated_at = ?2 WHERE "
                                     "id = ?1",
    [HK_Q_INCIDENT_UPDATE] =
        "UPDATE incidents SET title = coalesce(?2, title), description = coalesce(?3, "
        "description), severity = coalesce(?4, severity), tlp = coalesce(?5, tlp), pap = "
        "coalesce(?6, pap), rsit_class = coalesce(?7, rsit_class), rsit_type = coalesce(?8, "
        "rsit_type), malware_class = coalesce(?9, malware_class), infection_route = "
        "coalesce(?10, infection_route), team = coalesce(?11, team), assignee_id = CASE WHEN "
        "?12 IS NULL THEN assignee_id WHEN ?12 = 0 THEN NULL ELSE ?12 END, updated_at = ?13 "
        "WHERE id = ?1",
    [HK_Q_INCIDENT_MERGED] = "UPDATE incidents SET merged_into = ?2, state = 'resolved', "
                             "resolution = 'merged into #' || ?2, resolved_at = ?3, "
                             "updated_at = ?3 WHERE id = ?1",
    [HK_Q_INCIDENT_OVERDUE] =
        "SELECT id, title, severity, state, tlp, team, created_at, ?1 - created_at AS "
        "waiting_s FROM incidents WHERE first_response_at IS NULL AND state NOT IN ('resolved', "
        "'abandoned') AND created_at + CASE severity WHEN 'low' THEN ?2 WHEN 'medium' THEN ?3 "
        "WHEN 'high' THEN ?4 ELSE ?5 END < ?1 ORDER BY created_at LIMIT 1000",

    [HK_Q_MEMBER_ADD] = "INSERT OR IGNORE INTO incident_members(incident_id, user_id) VALUES "
                        "(?1, ?2)",
    [HK_Q_MEMBER_CHECK] = "SELECT count(*) FROM incident_members WHERE incident_id = ?1 AND "
                          "user_id = ?2",
    [HK_Q_MEMBER_LIST] = "SELECT u.id, u.name, u.role FROM incident_members m JOIN users u ON "
                         "u.id = m.user_id WHERE m.incident_id = ?1 ORDER BY u.id",
    [HK_Q_MEMBERS_MOVE] = "INSERT OR IGNORE INTO incident_members(incident_id, user_id) SELECT "
                          "?2, user_id FROM incident_members WHERE incident_id = ?1",

    /* The outbox (005_outbox.sql). */
    [HK_Q_OUTBOX_INSERT] =
        "INSERT INTO outbox(investigation_id, team_id, kind, recipient, notice, "
        "next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
    [HK_Q_OUTBOX_DUE] = "SELECT id, investigation_id, team_id, kind, recipient, notice, attempts "
                        "FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1 "
                        "ORDER BY next_attempt_at, id LIMIT coalesce(?2, 100)",
    [HK_Q_OUTBOX_SENT] = "UPDATE outbox SET state = 'sent', attempts = attempts + 1, "
                         "message_id = ?2, sent_at = ?3, smtp_code = ?4, smtp_text = ?5, "
                         "updated_at = ?3 WHERE id = ?1 AND state = 'queued'",
    /* ?2: the new state (queued again, or failed), ?3 the next attempt time. */
    [HK_Q_OUTBOX_RETRY] = "UPDATE outbox SET state = ?2, attempts = attempts + 1, "
                          "next_attempt_at = ?3, smtp_code = ?4, smtp_text = ?5, updated_at = ?6 "
                          "WHERE id = ?1 AND state = 'queued'",
    [HK_Q_OUTBOX_BY_MESSAGE_ID] = "SELECT id, investigation_id FROM outbox WHERE message_id = ?1",
    [HK_Q_OUTBOX_OF_INVESTIGATION] =
        "SELECT id, kind, recipient, state, attempts, message_id, sent_at, smtp_code, smtp_text, "
        "created_at FROM outbox WHERE investigation_id = ?1 ORDER BY id",
    /* Assets and advisories (007_advisory.sql, src/vuln/asset.c, src/vuln/advisory.c). */
    [HK_Q_ASSET_INSERT] = "INSERT INTO assets(team_id, kind, name, version, label, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [HK_Q_ASSET_FIND] = "SELECT id FROM assets WHERE team_id = ?1 AND kind = ?2 AND name = ?3",
    [HK_Q_ASSET_GET] = "SELECT a.id, t.name AS team, a.team_id, a.kind, a.name, a.version, "
                       "a.label, a.created_at FROM assets a JOIN teams t ON t.id = a.team_id "
                       "WHERE a.id = ?1",
    [HK_Q_ASSET_LIST] = "SELECT a.id, t.name AS team, a.team_id, a.kind, a.name, a.version, "
                        "a.label, a.created_at FROM assets a JOIN teams t ON t.id = a.team_id "
                        "WHERE (?1 IS NULL OR a.team_id = ?1) AND a.id > coalesce(?2, 0) "
                        "ORDER BY a.id LIMIT coalesce(?3, 100)",
    [HK_Q_ASSET_DELETE] = "DELETE FROM assets WHERE id = ?1",
    [HK_Q_ASSET_UPDATE] = "UPDATE assets SET name = ?2, version = ?3, label = ?4 WHERE id = ?1",
    [HK_Q_ASSET_ALL] = "SELECT id, team_id, kind, name, version FROM assets ORDER BY id",
    [HK_Q_ASSET_COUNT] = "SELECT count(*) FROM assets",
    [HK_Q_ADV_INSERT] =
        "INSERT INTO advisories(publisher_ns, tracking_id, version, tlp, title, "
        "initial_release_date, current_release_date, origin, case_id, source_url, file_name, "
        "year, document, sha256, signature, signer, published_at) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    [HK_Q_ADV_FIND] = "SELECT id FROM advisories WHERE publisher_ns = ?1 AND tracking_id = ?2 "
                      "AND version = ?3",
    [HK_Q_ADV_GET] =
        "SELECT id, publisher_ns, tracking_id, version, tlp, title, initial_release_date, "
        "current_release_date, origin, case_id, source_url, file_name, year, document, sha256, "
        "signature, signer, matches, warned_teams, published_at FROM advisories WHERE id = ?1",
    [HK_Q_ADV_LATEST] = "SELECT id FROM advisories WHERE tracking_id = ?1 ORDER BY (origin = "
                        "'own') DESC, id DESC LIMIT 1",
    [HK_Q_ADV_LIST] = "SELECT id, publisher_ns, tracking_id, version, tlp, title, "
                      "current_release_date, origin, case_id, source_url, file_name, year, "
                      "sha256, signer, matches, warned_teams, published_at FROM advisories "
                      "WHERE id > coalesce(?1, 0) ORDER BY id LIMIT coalesce(?2, 100)",
    /* The newest version of each of our own advisories: what the provider directory holds. */
    [HK_Q_ADV_OWN_LATEST] =
        "SELECT id, publisher_ns, tracking_id, version, tlp, title, initial_release_date, "
        "current_release_date, file_name, year, document, sha256, signature, signer, "
        "published_at FROM advisories a WHERE origin = 'own' AND id = (SELECT max(id) FROM "
        "advisories b WHERE b.origin = 'own' AND b.publisher_ns = a.publisher_ns AND "
        "b.tracking_id = a.tracking_id) ORDER BY current_release_date, id LIMIT "
        "coalesce(?1, 100000)",
    [HK_Q_ADV_SET_MATCHES] = "UPDATE advisories SET matches = ?2, warned_teams = ?3 WHERE id = ?1",
    [HK_Q_ADV_OUTBOX_INSERT] =
        "INSERT INTO outbox(investigation_id, advisory_id, team_id, kind, recipient, notice, "
        "next_attempt_at, created_at, updated_at) VALUES (NULL, ?1, ?2, 'warning', ?3, ?4, ?5, "
        "?5, ?5)",
    [HK_Q_ADV_OUTBOX_OF] = "SELECT o.id, o.team_id, t.name AS team, o.recipient, o.state, "
                           "o.message_id, o.sent_at, o.smtp_code FROM outbox o LEFT JOIN teams t "
                           "ON t.id = o.team_id WHERE o.advisory_id = ?1 ORDER BY o.id",
    /* Waiting past their due time, with a sent notification and no reminder since the due
     * time: the candidates for a reminder. */
    [HK_Q_INVESTIGATIONS_OVERDUE] =
        "SELECT i.id, i.incident_id, i.due_at, o.id AS outbox_id, o.team_id, o.recipient, "
        "o.notice, o.message_id FROM investigations i JOIN outbox o ON o.investigation_id = i.id "
        "AND o.kind = 'notify' AND o.state = 'sent' WHERE i.state = 'waiting' AND i.due_at IS "
        "NOT NULL AND i.due_at <= ?1 AND NOT EXISTS (SELECT 1 FROM outbox r WHERE "
        "r.investigation_id = i.id AND r.kind = 'reminder' AND r.created_at >= i.due_at) "
        "ORDER BY i.id LIMIT coalesce(?2, 100)",
    [HK_Q_INVESTIGATION_INSERT] =
        "INSERT INTO investigations(incident_id, party, subject, due_at, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    [HK_Q_INVESTIGATION_GET] = "SELECT id, incident_id, party, subject, state, due_at, "
                               "created_at, updated_at FROM investigations WHERE id = ?1",
    [HK_Q_INVESTIGATION_SET_STATE] = "UPDATE investigations SET state = ?2, updated_at = ?3 "
                                     "WHERE id = ?1 AND state = ?4",
    [HK_Q_INVESTIGATIONS_OF_INCIDENT] =
        "SELECT id, incident_id, party, subject, state, due_at, created_at, updated_at, "
        "(SELECT count(*) FROM messages m WHERE m.investigation_id = investigations.id) AS "
        "messages FROM investigations WHERE incident_id = ?1 ORDER BY id",
    [HK_Q_INVESTIGATIONS_MOVE] = "UPDATE investigations SET incident_id = ?2 WHERE "
                                 "incident_id = ?1",
    [HK_Q_MESSAGE_INSERT] = "INSERT INTO messages(investigation_id, direction, body, author_id, "
                            "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    [HK_Q_MESSAGES_OF_INVESTIGATION] =
        "SELECT m.id, m.direction, m.body, m.author_id, u.name AS author, m.created_at FROM "
        "messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.investigation_id = ?1 "
        "ORDER BY m.id",

    [HK_Q_CM_INSERT] = "INSERT INTO countermeasures(incident_id, kind, description, created_at, "
                       "updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
    [HK_Q_CM_GET] = "SELECT id, incident_id, kind, description, state, created_at, updated_at "
                    "FROM countermeasures WHERE id = ?1",
    [HK_Q_CM_SET_STATE] = "UPDATE countermeasures SET state = ?2, updated_at = ?3 WHERE id = ?1 "
                          "AND state = ?4",
    [HK_Q_CMS_OF_INCIDENT] = "SELECT id, incident_id, kind, description, state, created_at, "
                             "updated_at FROM countermeasures WHERE incident_id = ?1 ORDER BY id",
    [HK_Q_CMS_MOVE] = "UPDATE countermeasures SET incident_id = ?2 WHERE incident_id = ?1",

    [HK_Q_TASK_INSERT] = "INSERT INTO tasks(incident_id, title, assignee_id, due_at, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    [HK_Q_TASK_GET] = "SELECT t.id, t.incident_id, t.title, t.assignee_id, u.name AS assignee, "
                      "t.due_at, t.done, t.done_at, t.created_at, t.updated_at FROM tasks t "
                      "LEFT JOIN users u ON u.id = t.assignee_id WHERE t.id = ?1",
    [HK_Q_TASK_UPDATE] =
        "UPDATE tasks SET title = coalesce(?2, title), assignee_id = CASE WHEN ?3 IS NULL THEN "
        "assignee_id WHEN ?3 = 0 THEN NULL ELSE ?3 END, due_at = CASE WHEN ?4 IS NULL THEN "
        "due_at WHEN ?4 = 0 THEN NULL ELSE ?4 END, done_at = CASE WHEN ?5 = 1 AND done = 0 THEN "
        "?6 WHEN ?5 = 0 THEN NULL ELSE done_at END, done = coalesce(?5, done), updated_at = ?6 "
        "WHERE id = ?1",
    [HK_Q_TASKS_OF_INCIDENT] =
        "SELECT t.id, t.incident_id, t.title, t.assignee_id, u.name AS assignee, t.due_at, "
        "t.done, t.done_at, t.created_at, t.updated_at FROM tasks t LEFT JOIN users u ON u.id = "
        "t.assignee_id WHERE t.incident_id = ?1 ORDER BY t.id",
    [HK_Q_TASKS_MOVE] = "UPDATE tasks SET incident_id = ?2 WHERE incident_id = ?1",

    [HK_Q_AUDIT_APPEND] = "INSERT INTO audit(seq, at, actor, action, object_type, object_id, "
                          "before, after, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                          "?8, ?9, ?10)",
    [HK_Q_AUDIT_ALL] = "SELECT seq, at AS ts, actor, action, object_type, object_id, before, "
                       "after, prev_hash, hash FROM audit ORDER BY seq",
    [HK_Q_AUDIT_OF_OBJECT] = "SELECT seq, at, actor, action, before AS before_json, after AS "
                             "after_json FROM audit WHERE object_type = ?1 AND object_id = ?2 "
                             "ORDER BY seq",
    [HK_Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [HK_Q_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE "
                      "SET value = excluded.value",
    [HK_Q_REPORT_COUNT] = "SELECT count(*) FROM reports",

    /* Web UI (008_webui.sql): sessions and statistics. Times the caller needs as numbers
     * are aliased so the *_at mapping does not turn them into text. */
    [HK_Q_SESSION_INSERT] = "INSERT INTO sessions(user_id, digest, csrf, remote_addr, created_at, "
                            "last_seen, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
    [HK_Q_SESSION_LOOKUP] =
        "SELECT s.id AS session_id, s.csrf, s.created_at AS created_s, s.last_seen AS seen_s, "
        "s.expires_at AS expires_s, u.id, u.name, u.role, u.team FROM sessions s JOIN users u ON "
        "u.id = s.user_id WHERE s.digest = ?1 AND u.disabled = 0",
    [HK_Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 WHERE id = ?1",
    [HK_Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
    [HK_Q_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2",
    /* A user's sessions but the one making the change (?2, NULL for none). */
    [HK_Q_SESSION_DELETE_USER] =
        "DELETE FROM sessions WHERE user_id = ?1 AND id IS NOT coalesce(?2, -1)",
    [HK_Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?2 WHERE id = ?1",
    [HK_Q_USER_SET_DISABLED] = "UPDATE users SET disabled = ?2 WHERE id = ?1",
    /* Another tracking ID of ours already served under file name ?1 in year folder ?3 (CSAF
     * 5.1 names are the tracking ID lowercased with other characters as '_', so two IDs can
     * share one; the TLP folder is not compared, as a new version may move to another). */
    [HK_Q_ADV_FILE_CLASH] = "SELECT tracking_id FROM advisories WHERE origin = 'own' AND "
                            "file_name = ?1 AND tracking_id <> ?2 AND year = ?3 LIMIT 1",
    /* Counters of object ?1, dimension ?2, period ?5 ('d', 'w', 'm'; rows named by the
     * period's first day) in days [?3, ?4): per day and key; per key as "day:n,..."
     * points (a chart's series); summed per key. */
    [HK_Q_STAT_DAILY] = "SELECT day, key, n FROM stat_daily WHERE object = ?1 AND dim = ?2 AND "
                        "period = coalesce(?5, 'd') AND day >= coalesce(?3, -9000000000) AND day "
                        "< coalesce(?4, 9000000000) AND n <> 0 ORDER BY day, key",
    [HK_Q_STAT_DAILY_PACKED] =
        "SELECT key, group_concat(day || ':' || n, ',') AS pts FROM stat_daily WHERE object = ?1 "
        "AND dim = ?2 AND period = coalesce(?5, 'd') AND day >= coalesce(?3, -9000000000) AND "
        "day < coalesce(?4, 9000000000) AND n <> 0 GROUP BY key ORDER BY key",
    [HK_Q_STAT_DAILY_SUM] = "SELECT key, sum(n) AS n FROM stat_daily WHERE object = ?1 AND dim = "
                            "?2 AND period = coalesce(?5, 'd') AND day >= coalesce(?3, "
                            "-9000000000) AND day < coalesce(?4, 9000000000) GROUP BY key ORDER "
                            "BY key",
    [HK_Q_STAT_INCIDENT_COUNTS] = "SELECT state, severity, team, n FROM incident_counts WHERE "
                                  "n <> 0 ORDER BY state, severity, team",
    [HK_Q_STAT_DURATIONS] =
        "SELECT kind, severity, sum(n) AS n, sum(sum) AS total, sum(met) AS met FROM "
        "stat_durations WHERE day >= coalesce(?1, -9000000000) AND day < coalesce(?2, "
        "9000000000) GROUP BY kind, severity ORDER BY kind, severity",
    /* Medians (kind ?1: 'f' first response, 'r' resolution): the histogram, the walk
     * from a bucket's lower bound ?2, and a range's durations by creation time. */
    [HK_Q_STAT_DUR_HIST] = "SELECT b, n FROM stat_dur_hist WHERE kind = ?1 AND n <> 0 ORDER BY b",
    [HK_Q_STAT_DUR_MEDIAN_FROM] = "SELECT d FROM stat_dur_order WHERE kind = ?1 AND d >= "
                                  "coalesce(?2, -9000000000000000000) AND id NOT IN (SELECT value "
                                  "FROM json_each(coalesce(?4, '[]'))) ORDER BY d LIMIT 2 OFFSET "
                                  "coalesce(?3, 0)",
    [HK_Q_STAT_DUR_RANGE] = "SELECT d FROM stat_dur_order INDEXED BY stat_dur_order_created WHERE "
                            "kind = ?1 AND created_at >= coalesce(?2, -9000000000000) AND "
                            "created_at < coalesce(?3, 9000000000000)",
/* Open incidents without a first response, past the target of their severity (?2..?5
 * seconds for low..critical at time ?1), created in [?6, ?7). */
#define SLA_WAITING_SEV(sev, target)                                                          \
    "SELECT count(*) FROM incidents INDEXED BY incidents_waiting WHERE first_response_at IS " \
    "NULL AND state <> 'resolved' AND state <> 'abandoned' AND severity = '" sev "' AND "     \
    "created_at < ?1 - " target " AND created_at >= coalesce(?6, -9000000000000) AND "        \
    "created_at < coalesce(?7, 9000000000000)"
    [HK_Q_STAT_SLA_WAITING] = "SELECT (" SLA_WAITING_SEV("low", "?2") ") + (" SLA_WAITING_SEV(
        "medium", "?3") ") + (" SLA_WAITING_SEV("high", "?4") ") + (" SLA_WAITING_SEV("critical",
                                                                                      "?5") ")",
    /* The same rows, oldest first (at most ?8). */
    [HK_Q_STAT_SLA_BREACHES] =
        "SELECT id, title, severity, state, tlp, team, created_at, ?1 - created_at AS waiting_s "
        "FROM incidents INDEXED BY incidents_waiting WHERE first_response_at IS NULL AND state <> "
        "'resolved' AND state <> 'abandoned' AND severity IN ('low', 'medium', 'high', "
        "'critical') AND created_at < ?1 - CASE severity WHEN 'low' THEN ?2 WHEN 'medium' THEN ?3 "
        "WHEN 'high' THEN ?4 ELSE ?5 END AND created_at >= coalesce(?6, -9000000000000) AND "
        "created_at < coalesce(?7, 9000000000000) ORDER BY created_at LIMIT coalesce(?8, 50)",
#undef SLA_WAITING_SEV
    [HK_Q_STAT_TRIAGE_QUEUE] =
        "SELECT id, source, reporter_id, reporter, subject, substr(content, 1, 160) AS excerpt, "
        "tlp, state, rsit_class, rsit_type, incident_id, received_at, received_at AS created_at "
        "FROM reports WHERE state = 'new' ORDER BY id DESC LIMIT coalesce(?1, 50)",
    [HK_Q_STAT_TRIAGE_COUNT] = "SELECT count(*) FROM reports WHERE state = 'new'",
    /* New first-response targets: recount which responses met them. */
    [HK_Q_STAT_DUR_RESET] = "DELETE FROM stat_durations WHERE kind = 'f'",
    [HK_Q_STAT_DUR_FILL] =
        "INSERT INTO stat_durations(kind, day, severity, n, sum, met) SELECT 'f', created_at / "
        "86400, severity, count(*), sum(first_response_at - created_at), sum(first_response_at "
        "- created_at <= CASE severity WHEN 'low' THEN ?1 WHEN 'medium' THEN ?2 WHEN 'high' THEN "
        "?3 ELSE ?4 END) FROM incidents WHERE first_response_at IS NOT NULL GROUP BY 2, 3",
    /* First responses within targets ?3..?6 (low..critical), created in [?1, ?2): the
     * slow path when the process's targets differ from the counted ones. */
    [HK_Q_STAT_SLA_MET_SCAN] =
        "SELECT count(*) FROM incidents WHERE first_response_at IS NOT NULL AND created_at >= "
        "coalesce(?1, -9000000000000) AND created_at < coalesce(?2, 9000000000000) AND "
        "first_response_at - created_at <= CASE severity WHEN 'low' THEN ?3 WHEN 'medium' THEN "
        "?4 WHEN 'high' THEN ?5 ELSE ?6 END",
    /* What TLP hides from a caller who is not admin (user ?1 of team ?2; access.c's rule):
     * the restricted incidents created in [?3, ?4) (and, given ?5, only those still open or
     * created at ?5 or later) that ?1 is not on and, for AMBER+STRICT, that are not of ?2;
     * the reports received in [?3, ?4) that are
     * restricted themselves or through their incident, not submitted by ?1, and that ?1
     * may not read. Both start from the partial indexes of 010_stats_tlp.sql; times are
     * named *_s so that they stay Unix seconds. The reports' range is tested on the outer
     * row: on the join it made SQLite build a Bloom filter over the reports (6 ms). */
    [HK_Q_STAT_HIDDEN_INCIDENTS] =
        "SELECT id, created_at AS created_s, state, severity, team, rsit_class, "
        "first_response_at AS first_response_s, resolved_at AS resolved_s, merged_into FROM "
        "incidents AS x INDEXED BY incidents_restricted WHERE "
        "x.tlp IN ('RED', 'AMBER+STRICT') AND x.created_at >= coalesce(?3, -9000000000000) AND "
        "x.created_at < coalesce(?4, 9000000000000) AND (?5 IS NULL OR x.created_at >= ?5 OR "
        "x.state NOT IN ('resolved', 'abandoned')) AND NOT EXISTS (SELECT 1 FROM "
        "incident_members m WHERE m.incident_id = x.id AND m.user_id = coalesce(?1, 0)) AND NOT "
        "(x.tlp = 'AMBER+STRICT' AND x.team <> '' AND x.team = coalesce(?2, ''))",
    /* The same incidents (without ?5) counted per key of dimension ?5 (class, team; else
     * '') and creation day, packed like HK_Q_STAT_DAILY_PACKED: one row per key. */
    [HK_Q_STAT_HIDDEN_PACKED] =
        "SELECT key, group_concat(d || ':' || n, ',') AS pts FROM (SELECT CASE ?5 WHEN 'class' "
        "THEN x.rsit_class WHEN 'team' THEN x.team ELSE '' END AS key, x.created_at / 86400 AS "
        "d, count(*) AS n FROM incidents AS x INDEXED BY incidents_restricted WHERE x.tlp IN "
        "('RED', 'AMBER+STRICT') AND x.created_at >= coalesce(?3, -9000000000000) AND "
        "x.created_at < coalesce(?4, 9000000000000) AND NOT EXISTS (SELECT 1 FROM "
        "incident_members m WHERE m.incident_id = x.id AND m.user_id = coalesce(?1, 0)) AND NOT "
        "(x.tlp = 'AMBER+STRICT' AND x.team <> '' AND x.team = coalesce(?2, '')) GROUP BY 1, 2) "
        "GROUP BY key",
    [HK_Q_STAT_HIDDEN_REPORTS] =
        "SELECT x.received_at AS received_s, x.rsit_class, x.source, x.state FROM reports AS x "
        "WHERE x.id IN "
        "(SELECT id FROM reports INDEXED BY reports_restricted WHERE tlp IN ('RED', "
        "'AMBER+STRICT') AND received_at >= coalesce(?3, -9000000000000) AND received_at < "
        "coalesce(?4, 9000000000000) UNION SELECT r.id FROM incidents AS i INDEXED BY "
        "incidents_restricted JOIN reports AS r ON r.incident_id = i.id WHERE i.tlp IN ('RED', "
        "'AMBER+STRICT')) AND x.received_at >= coalesce(?3, -9000000000000) AND x.received_at < "
        "coalesce(?4, 9000000000000) AND x.reporter_id IS NOT coalesce(?1, 0) AND NOT ((x.tlp "
        "NOT IN ('RED', 'AMBER+STRICT') OR EXISTS (SELECT 1 FROM incident_members m WHERE "
        "m.incident_id = x.incident_id AND m.user_id = coalesce(?1, 0)) OR (x.tlp = "
        "'AMBER+STRICT' AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = x.incident_id AND "
        "i.team <> '' AND i.team = coalesce(?2, '')))) AND (x.incident_id IS NULL OR EXISTS "
        "(SELECT 1 FROM incidents i WHERE i.id = x.incident_id AND (i.tlp NOT IN ('RED', "
        "'AMBER+STRICT') OR EXISTS (SELECT 1 FROM incident_members m WHERE m.incident_id = i.id "
        "AND m.user_id = coalesce(?1, 0)) OR (i.tlp = 'AMBER+STRICT' AND i.team <> '' AND "
        "i.team = coalesce(?2, ''))))))",
    /* Bulk import: the per-row report counter trigger is off while stat_bulk.active = 1
     * (008_webui.sql); the batch's reports (ids above ?1) are then counted in one statement,
     * with the same day, week and month expressions as the trigger. */
    [HK_Q_STAT_BULK_ON] = "UPDATE stat_bulk SET active = 1",
    [HK_Q_STAT_BULK_OFF] = "UPDATE stat_bulk SET active = 0",
    [HK_Q_STAT_BULK_REPORTS] =
        "WITH b(day, cls, src, n) AS (SELECT received_at / 86400, rsit_class, source, count(*) "
        "FROM reports WHERE id > ?1 GROUP BY 1, 2, 3), dd(day) AS (SELECT DISTINCT day FROM "
        "b), p(day, period, pday) AS (SELECT day, 'd', day FROM dd UNION ALL SELECT day, 'w', "
        "day - (day + 3) % 7 FROM dd UNION ALL SELECT day, 'm', ((day) - ((((day) + 719468) % "
        "146097) - (365 * (((((day) + 719468) % 146097) - (((day) + 719468) % 146097) / 1460 + "
        "(((day) + 719468) % 146097) / 36524 - (((day) + 719468) % 146097) / 146096) / 365) + "
        "(((((day) + 719468) % 146097) - (((day) + 719468) % 146097) / 1460 + (((day) + "
        "719468) % 146097) / 36524 - (((day) + 719468) % 146097) / 146096) / 365) / 4 - "
        "(((((day) + 719468) % 146097) - (((day) + 719468) % 146097) / 1460 + (((day) + "
        "719468) % 146097) / 36524 - (((day) + 719468) % 146097) / 146096) / 365) / 100)) + "
        "(153 * ((5 * ((((day) + 719468) % 146097) - (365 * (((((day) + 719468) % 146097) - "
        "(((day) + 719468) % 146097) / 1460 + (((day) + 719468) % 146097) / 36524 - (((day) + "
        "719468) % 146097) / 146096) / 365) + (((((day) + 719468) % 146097) - (((day) + "
        "719468) % 146097) / 1460 + (((day) + 719468) % 146097) / 36524 - (((day) + 719468) % "
        "146097) / 146096) / 365) / 4 - (((((day) + 719468) % 146097) - (((day) + 719468) % "
        "146097) / 1460 + (((day) + 719468) % 146097) / 36524 - (((day) + 719468) % 146097) / "
        "146096) / 365) / 100)) + 2) / 153) + 2) / 5) FROM dd) INSERT INTO stat_daily(object, "
        "dim, period, day, key, n) SELECT 'r', dm.dim, p.period, p.pday, CASE dm.dim WHEN "
        "'none' THEN '' WHEN 'class' THEN b.cls ELSE b.src END, sum(b.n) FROM b JOIN p ON "
        "p.day = b.day JOIN (SELECT 'none' AS dim UNION ALL SELECT 'class' UNION ALL SELECT "
        "'source') dm WHERE true GROUP BY 2, 3, 4, 5 ON CONFLICT DO UPDATE SET n = n + "
        "excluded.n",
    [HK_Q_REPORT_MAX_ID] = "SELECT coalesce(max(id), 0) FROM reports",
    /* After a bulk load: fresh planner statistics. */
    [HK_Q_DEMO_ANALYZE] = "ANALYZE",
    /* Benchmark loader: ?1 synthetic incidents created over the ?3 seconds before ?2.
     * Those older than 60 days are closed (resolved, 1 in 10 abandoned); newer ones are
     * spread over every state. Severity, class and eight teams cycle. */
    [HK_Q_DEMO_BENCH_INCIDENTS] =
        "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?1) INSERT "
        "INTO incidents(title, state, severity, tlp, rsit_class, team, created_at, updated_at, "
        "first_response_at, triage_at, analysis_at, mitigation_at, resolved_at, abandoned_at) "
        "SELECT '[BENCH] incident ' || x, CASE st WHEN 0 THEN 'new' WHEN 1 THEN 'triage' WHEN 2 "
        "THEN 'analysis' WHEN 3 THEN 'mitigation' WHEN 4 THEN 'resolved' ELSE 'abandoned' END, "
        "CASE x % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'critical' "
        "END, 'AMBER', CASE x % 7 WHEN 0 THEN 'malicious-code' WHEN 1 THEN "
        "'information-gathering' WHEN 2 THEN 'intrusion-attempts' WHEN 3 THEN 'intrusions' WHEN "
        "4 THEN 'availability' WHEN 5 THEN 'fraud' ELSE 'abusive-content' END, 'bench-team-' || "
        "(x % 8), c, c + 600, CASE WHEN st = 0 THEN NULL ELSE c + (x * 37) % 14400 END, CASE "
        "WHEN st = 0 THEN NULL ELSE c + (x * 37) % 14400 END, CASE WHEN st >= 2 AND st <= 4 "
        "THEN c + 20000 END, CASE WHEN st >= 3 AND st <= 4 THEN c + 40000 END, CASE WHEN st = 4 "
        "THEN min(?2, c + 50000 + (x * 131) % 2592000) END, CASE WHEN st = 5 THEN c + 30000 END "
        "FROM (SELECT x, c, CASE WHEN ?2 - c < 5184000 THEN x % 5 WHEN x % 10 = 0 THEN 5 ELSE 4 "
        "END AS st FROM (SELECT x, ?2 - (x * 7919) % ?3 AS c FROM g))",

    /* Observations pushed by sensors: a conflict on (sensor, item_id) inserts nothing
     * (the id comes back 0), so a re-sent item is recognised as a duplicate. */
    [HK_Q_MAIL_IN_BY_SHA] = "SELECT id FROM mail_in WHERE raw_sha256 = ?1",
    [HK_Q_MAIL_IN_INSERT] =
        "INSERT INTO mail_in(raw, raw_size, truncated, raw_sha256, message_id, in_reply_to, refs, "
        "from_addr, reply_to, subject, ticket, kind, auto_reason, parse_error, pgp, pgp_fpr, "
        "report_id, report_ids, investigation_id, ack, ack_note, received_at) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
        "?22)",
    [HK_Q_MAIL_IN_GET] =
        "SELECT id, raw_size, truncated, message_id, in_reply_to, refs AS refs_json, from_addr, "
        "reply_to, subject, ticket, kind, auto_reason, parse_error, pgp, pgp_fpr, report_id, "
        "report_ids AS report_ids_json, investigation_id, ack, ack_note, received_at FROM mail_in "
        "WHERE id = ?1",
    [HK_Q_MAIL_IN_ACK_PENDING] =
        "SELECT m.id, m.report_id, m.reply_to, m.message_id, m.subject, r.tlp FROM mail_in m JOIN "
        "reports r ON r.id = m.report_id WHERE m.ack = 'pending' ORDER BY m.id LIMIT "
        "coalesce(?1, 100)",
    [HK_Q_MAIL_IN_SET_ACK] = "UPDATE mail_in SET ack = ?2, ack_note = ?3 WHERE id = ?1",
    [HK_Q_OBSERVATION_INSERT] =
        "INSERT INTO observations(sensor, item_id, type, observed_at, interval_s, port, proto, "
        "item, user_id, principal, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11) ON CONFLICT(sensor, item_id) DO NOTHING",
    [HK_Q_OBSERVATION_SET_REPORT] = "UPDATE observations SET report_id = ?2 WHERE id = ?1",
    /* Every filter is optional (NULL: none); ?8 is the cursor (the last id of the previous
     * page), ?9 the page size. */
    [HK_Q_OBSERVATION_LIST] = OBSERVATION_LIST "id < ?8) ORDER BY id DESC LIMIT coalesce(?9, 50)",
    [HK_Q_OBSERVATION_LIST_ASC] =
        OBSERVATION_LIST "id > ?8) ORDER BY id ASC LIMIT coalesce(?9, 50)",

    /* The team directory (003_directory.sql). Teams are written whole: the caller merges
     * an edit into the stored row, validates it and writes every column. */
    [HK_Q_TEAM_INSERT] =
        "INSERT INTO teams(name, full_name, type, parent_id, email, phone, timezone, hours, "
        "languages, pgp_fingerprint, pgp_key, web, notify_format, language, policy, encryption, "
        "securitytxt_expires, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)",
    [HK_Q_TEAM_UPDATE] =
        "UPDATE teams SET name = ?2, full_name = ?3, type = ?4, parent_id = ?5, email = ?6, "
        "phone = ?7, timezone = ?8, hours = ?9, languages = ?10, pgp_fingerprint = ?11, pgp_key "
        "= ?12, web = ?13, notify_format = ?14, language = ?15, policy = ?16, encryption = ?17, "
        "securitytxt_expires = ?18, updated_at = ?19 WHERE id = ?1",
    [HK_Q_TEAM_GET] = "SELECT " TEAM_COLS " FROM teams t WHERE id = ?1",
    [HK_Q_TEAM_BY_NAME] = "SELECT " TEAM_COLS " FROM teams t WHERE name = ?1",
    [HK_Q_TEAM_LIST] =
        "SELECT t.id, t.name, t.full_name, t.type, (SELECT name FROM teams p WHERE p.id = "
        "t.parent_id) AS parent, t.email, t.language, t.notify_format, (SELECT count(*) FROM "
        "constituency c WHERE c.team_id = t.id) AS constituency FROM teams t ORDER BY t.name",
    [HK_Q_TEAM_DELETE] = "DELETE FROM teams WHERE id = ?1",
    [HK_Q_TEAM_CHILDREN] = "SELECT id, name FROM teams WHERE parent_id = ?1 ORDER BY name",
    [HK_Q_TEAM_ALL] = "SELECT id, name, type, parent_id, email, language, notify_format FROM "
                      "teams ORDER BY id",
    [HK_Q_CONTACT_INSERT] = "INSERT INTO team_contacts(team_id, name, email, phone, role) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)",
    [HK_Q_CONTACTS_OF_TEAM] = "SELECT name, email, phone, role FROM team_contacts WHERE "
                              "team_id = ?1 ORDER BY id",
    [HK_Q_CONTACTS_CLEAR] = "DELETE FROM team_contacts WHERE team_id = ?1",
    [HK_Q_CONTACT_ALL] = "SELECT team_id, name, email, role FROM team_contacts ORDER BY "
                         "team_id, id",
    /* A conflict inserts nothing (the id comes back 0): the caller names the owner. */
    [HK_Q_CONST_INSERT] = "INSERT INTO constituency(team_id, kind, value) VALUES (?1, ?2, ?3) "
                          "ON CONFLICT(kind, value) DO NOTHING",
    [HK_Q_CONST_DELETE] = "DELETE FROM constituency WHERE team_id = ?1 AND kind = ?2 AND "
                          "value = ?3",
    [HK_Q_CONST_CLEAR] = "DELETE FROM constituency WHERE team_id = ?1",
    [HK_Q_CONST_OF_TEAM] = "SELECT kind, value FROM constituency WHERE team_id = ?1 ORDER BY id",
    [HK_Q_CONST_OWNER] = "SELECT t.id, t.name FROM constituency c JOIN teams t ON t.id = "
                         "c.team_id WHERE c.kind = ?1 AND c.value = ?2",
    [HK_Q_CONST_ALL] = "SELECT team_id, kind, value FROM constituency ORDER BY id",
    [HK_Q_PFX2AS_SET] =
        "INSERT INTO pfx2as(id, source, ipv4, ipv6, data, loaded_at) VALUES (1, ?1, ?2, ?3, ?4, "
        "?5) ON CONFLICT(id) DO UPDATE SET source = excluded.source, ipv4 = excluded.ipv4, ipv6 "
        "= excluded.ipv6, data = excluded.data, loaded_at = excluded.loaded_at",
    [HK_Q_PFX2AS_DATA] = "SELECT data FROM pfx2as WHERE id = 1",
    [HK_Q_PFX2AS_INFO] = "SELECT source, ipv4, ipv6, length(data) AS bytes, loaded_at FROM "
                         "pfx2as WHERE id = 1",
    [HK_Q_ROUTE_GENS] = "SELECT (SELECT value FROM meta WHERE key = 'directory_gen') AS dir, "
                        "(SELECT value FROM meta WHERE key = 'pfx2as_gen') AS pfx",
    [HK_Q_ROUTE_INSERT] = "INSERT INTO report_routes(report_id, pos, type, observable, team_id, "
                          "team, match, rank) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON "
                          "CONFLICT(report_id, pos) DO NOTHING",
    [HK_Q_ROUTES_OF_REPORT] = "SELECT type, observable, team_id, team, match AS match_json FROM "
                              "report_routes WHERE report_id = ?1 ORDER BY pos",
    [HK_Q_ROUTES_OF_INCIDENT] =
        "SELECT rr.report_id, rr.type, rr.observable, rr.team_id, rr.team, rr.match AS "
        "match_json FROM reports r JOIN report_routes rr ON rr.report_id = r.id WHERE "
        "r.incident_id = ?1 AND r.routed = 1 ORDER BY r.id, rr.pos LIMIT 5000",
    /* The incident-team rule: the earliest report with routes, its highest-ranked route
     * (direct matches, then depth in the tree), then the first observable. Only while the
     * incident has no team (HK_Q_INCIDENT_SET_TEAM changes nothing otherwise). It runs for
     * every report linked to an incident, so it must not walk the incident's reports:
     * "r.routed = 1" selects the partial index reports_incident_routed (009), which holds
     * only reports with routes (test_import_scale checks the plan and the VM steps). */
    [HK_Q_INCIDENT_ROUTE_TEAM] =
        "SELECT rr.team FROM incidents i JOIN reports r ON r.incident_id = i.id JOIN "
        "report_routes rr ON rr.report_id = r.id WHERE i.id = ?1 AND i.team = '' AND r.routed "
        "= 1 ORDER BY r.id, rr.rank DESC, rr.pos LIMIT 1",
    [HK_Q_INCIDENT_SET_TEAM] = "UPDATE incidents SET team = ?2, updated_at = ?3 WHERE id = ?1 "
                               "AND team = ''",

    /* Vulnerability cases (006_vuln.sql). */
    [HK_Q_VCASE_NEXT_SEQ] = "SELECT coalesce(max(seq), 0) + 1 FROM vcases WHERE year = ?1",
    [HK_Q_VCASE_INSERT] =
        "INSERT INTO vcases(year, seq, public_id, title, description, reporter_name, "
        "reporter_email, reporter_org, reporter_user_id, tlp, publish_at, cve_ids, cwe_ids, cvss, "
        "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    [HK_Q_VCASE_GET] = "SELECT " VCASE_COLS " FROM vcases WHERE id = ?1",
    [HK_Q_VCASE_BY_PUBLIC_ID] = "SELECT id FROM vcases WHERE public_id = ?1",
    [HK_Q_VCASE_UPDATE] =
        "UPDATE vcases SET title = ?2, description = ?3, reporter_name = ?4, reporter_email = ?5, "
        "reporter_org = ?6, tlp = ?7, publish_at = ?8, cve_ids = ?9, cwe_ids = ?10, cvss = ?11, "
        "updated_at = ?12 WHERE id = ?1",
    /* ?7: the state the case must still be in (the transition is checked by the caller). */
    [HK_Q_VCASE_SET_STATE] = "UPDATE vcases SET state = ?2, reject_reason = ?3, advisory_id = "
                             "coalesce(?4, advisory_id), published_at = coalesce(?5, "
                             "published_at), updated_at = ?6 WHERE id = ?1 AND state = ?7",
    [HK_Q_VCASE_LIST] = "SELECT " VCASE_COLS " FROM vcases WHERE (?1 IS NULL OR state = ?1) AND "
                        "(?2 IS NULL OR reporter_user_id = ?2) AND (?3 IS NULL OR public_id = ?3) "
                        "AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT coalesce(?5, 50)",
    [HK_Q_VPRODUCT_INSERT] = "INSERT INTO vcase_products(case_id, vendor, product, versions, cpe, "
                             "purl, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [HK_Q_VPRODUCT_GET] = "SELECT id, case_id, vendor, product, versions AS versions_json, cpe, "
                          "purl FROM vcase_products WHERE id = ?1 AND case_id = ?2",
    [HK_Q_VPRODUCTS_OF_CASE] = "SELECT id, vendor, product, versions AS versions_json, cpe, purl "
                               "FROM vcase_products WHERE case_id = ?1 ORDER BY id LIMIT 10000",
    [HK_Q_VVENDOR_INSERT] =
        "INSERT INTO vcase_vendors(case_id, team_id, status, statement, contacted_at, replied_at, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    [HK_Q_VVENDOR_GET] = "SELECT " VVENDOR_COLS " WHERE v.case_id = ?1 AND v.team_id = ?2",
    [HK_Q_VVENDOR_UPDATE] = "UPDATE vcase_vendors SET status = ?3, statement = ?4, contacted_at = "
                            "?5, replied_at = ?6, updated_at = ?7 WHERE case_id = ?1 AND team_id "
                            "= ?2",
    [HK_Q_VVENDORS_OF_CASE] = "SELECT " VVENDOR_COLS " WHERE v.case_id = ?1 ORDER BY v.id LIMIT "
                              "10000",
    [HK_Q_VREMED_INSERT] = "INSERT INTO vcase_remediations(case_id, category, details, url, "
                           "product_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [HK_Q_VREMEDS_OF_CASE] = "SELECT id, category, details, url, product_id FROM "
                             "vcase_remediations WHERE case_id = ?1 ORDER BY id LIMIT 10000",
    /* Vendors of scheduled cases published by ?1 that have not given a status or a
     * statement: the candidates for an embargo reminder. */
    [HK_Q_VREMIND_DUE] =
        "SELECT c.id AS case_id, c.public_id, c.title, c.tlp, c.publish_at, t.id AS team_id, "
        "t.name AS team, coalesce(nullif(t.email, ''), (SELECT k.email FROM team_contacts k "
        "WHERE k.team_id = t.id AND k.email <> '' ORDER BY k.id LIMIT 1), '') AS email, "
        "t.language, t.languages AS languages_json, t.timezone, t.pgp_key, t.pgp_fingerprint, "
        "v.status, v.statement FROM vcases c JOIN vcase_vendors v ON v.case_id = c.id JOIN teams "
        "t ON t.id = v.team_id WHERE c.state = 'scheduled' AND c.publish_at IS NOT NULL AND "
        "c.publish_at <= ?1 AND (v.status = '' OR v.statement = '') ORDER BY c.id, t.id LIMIT "
        "coalesce(?2, 1000)",
    [HK_Q_VREMIND_INSERT] = "INSERT INTO vcase_reminders(case_id, team_id, day, created_at) VALUES "
                            "(?1, ?2, ?3, ?4) ON CONFLICT(case_id, team_id, day) DO NOTHING",
    [HK_Q_VREMIND_SET_OUTBOX] = "UPDATE vcase_reminders SET outbox_id = ?4 WHERE case_id = ?1 AND "
                                "team_id = ?2 AND day = ?3",
    [HK_Q_OUTBOX_INSERT_VCASE] =
        "INSERT INTO outbox(investigation_id, team_id, kind, recipient, notice, next_attempt_at, "
        "created_at, updated_at) VALUES (NULL, ?1, 'reminder', ?2, ?3, ?4, ?4, ?4)",
    [HK_Q_VPRODUCT_DELETE] = "DELETE FROM vcase_products WHERE id = ?1 AND case_id = ?2",
    [HK_Q_VREMED_UNLINK_PRODUCT] = "UPDATE vcase_remediations SET product_id = NULL WHERE "
                                   "product_id = ?1 AND case_id = ?2",
};
