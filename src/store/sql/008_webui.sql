-- SPDX-License-Identifier: MIT
-- Web UI (issue 3): browser sessions and the statistics counters.
--
-- Sessions: the cookie's secret is stored only as its SHA-256 digest (like API tokens),
-- with the CSRF token the browser must echo on every state-changing request, and the
-- idle (last_seen) and absolute (expires_at) limits. Times are Unix seconds (UTC).
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    digest      BLOB NOT NULL UNIQUE,
    csrf        TEXT NOT NULL,
    remote_addr TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Statistics counters, maintained by triggers in the same transaction as the change, so
-- a chart over a million rows reads a few hundred counter rows instead of the table.
-- object: 'r' (reports, by received time) or 'i' (incidents, by creation time);
-- dim: 'none' (key ''), 'class' (RSIT class), 'team' (incidents), 'source' (reports);
-- period: 'd' (day), 'w' (ISO week, Monday first), 'm' (calendar month), all UTC; day is
-- the period's first day (Unix day: seconds / 86400). The month's first day is computed with integer
-- arithmetic (days to civil date, H. Hinnant), cheaper than strftime on the report-import
-- path. Times before 1970 are not supported.
CREATE TABLE stat_daily (
    object TEXT NOT NULL,
    dim    TEXT NOT NULL,
    period TEXT NOT NULL,
    day    INTEGER NOT NULL,
    key    TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (object, dim, period, day, key)
) WITHOUT ROWID;

-- Incidents by (state, severity, team): the dashboard's open-incident tables.
CREATE TABLE incident_counts (
    state    TEXT NOT NULL,
    severity TEXT NOT NULL,
    team     TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (state, severity, team)
) WITHOUT ROWID;

-- Time to first response (kind 'f') and to resolution (kind 'r') per creation day and
-- severity: count, sum of seconds, and (kind 'f') how many met the first-response target
-- of their severity. The targets live in meta 'sla_first_response' (JSON, seconds per
-- severity) so the triggers can read them; `hikeshi serve --sla` rewrites them and
-- recounts (hk_stats_sla_sync). Means and SLA compliance then read a few thousand rows.
CREATE TABLE stat_durations (
    kind     TEXT NOT NULL,
    day      INTEGER NOT NULL,
    severity TEXT NOT NULL,
    n        INTEGER NOT NULL,
    sum      INTEGER NOT NULL,
    met      INTEGER NOT NULL,
    PRIMARY KEY (kind, day, severity)
) WITHOUT ROWID;

INSERT OR REPLACE INTO meta(key, value) VALUES ('sla_first_response',
    '{"low":259200,"medium":86400,"high":14400,"critical":3600}');

-- Medians: every counted duration in order, per kind, with its creation time (a plain
-- b-tree walk; an index on the expression would read the table row by row in 3.40).
CREATE TABLE stat_dur_order (
    kind       TEXT NOT NULL,
    d          INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    PRIMARY KEY (kind, d, created_at, id)
) WITHOUT ROWID;
INSERT INTO stat_dur_order SELECT 'f', first_response_at - created_at, created_at, id
    FROM incidents WHERE first_response_at IS NOT NULL;
INSERT INTO stat_dur_order SELECT 'r', resolved_at - created_at, created_at, id
    FROM incidents WHERE state = 'resolved' AND resolved_at IS NOT NULL AND merged_into IS NULL;
-- A range's durations by creation time (for medians over a date range).
CREATE INDEX stat_dur_order_created ON stat_dur_order(kind, created_at, d);
-- How many durations fall in each bucket (minutes below 1 h, 15 minutes below 1 day, 6 hours
-- below 30 days, then weeks): the median of all of them is found by summing at most a few
-- hundred buckets and walking one bucket, not half of stat_dur_order.
CREATE TABLE stat_dur_hist (
    kind TEXT NOT NULL,
    b    INTEGER NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, b)
) WITHOUT ROWID;
INSERT INTO stat_dur_hist SELECT kind, (CASE WHEN d < 3600 THEN d / 60 WHEN d < 86400 THEN 60 + d / 900 WHEN d < 2592000 THEN 156 + d / 21600 ELSE 276 + d / 604800 END), count(*) FROM stat_dur_order GROUP BY 1, 2;
-- Open incidents still waiting for a first response (the dashboard's SLA breaches).
CREATE INDEX incidents_waiting ON incidents(severity, created_at)
    WHERE first_response_at IS NULL AND state <> 'resolved' AND state <> 'abandoned';

INSERT INTO stat_durations(kind, day, severity, n, sum, met)
    SELECT 'f', created_at / 86400, severity, count(*), sum(first_response_at - created_at),
        sum(first_response_at - created_at <= coalesce((SELECT json_extract(value, '$.' || severity)
            FROM meta WHERE key = 'sla_first_response'), -1))
    FROM incidents WHERE first_response_at IS NOT NULL GROUP BY 2, 3;
INSERT INTO stat_durations(kind, day, severity, n, sum, met)
    SELECT 'r', created_at / 86400, severity, count(*), sum(resolved_at - created_at), 0
    FROM incidents WHERE state = 'resolved' AND resolved_at IS NOT NULL AND merged_into IS NULL
    GROUP BY 2, 3;

INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'none', 'd', received_at / 86400, '', count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'none', 'w', (received_at / 86400 - (received_at / 86400 + 3) % 7), '', count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'none', 'm', ((received_at / 86400) - ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), '', count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'class', 'd', received_at / 86400, rsit_class, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'class', 'w', (received_at / 86400 - (received_at / 86400 + 3) % 7), rsit_class, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'class', 'm', ((received_at / 86400) - ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), rsit_class, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'source', 'd', received_at / 86400, source, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'source', 'w', (received_at / 86400 - (received_at / 86400 + 3) % 7), source, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'r', 'source', 'm', ((received_at / 86400) - ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((received_at / 86400) + 719468) % 146097) - (365 * (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((received_at / 86400) + 719468) % 146097) - (((received_at / 86400) + 719468) % 146097) / 1460 + (((received_at / 86400) + 719468) % 146097) / 36524 - (((received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), source, count(*) FROM reports GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'none', 'd', created_at / 86400, '', count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'none', 'w', (created_at / 86400 - (created_at / 86400 + 3) % 7), '', count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'none', 'm', ((created_at / 86400) - ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), '', count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'class', 'd', created_at / 86400, rsit_class, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'class', 'w', (created_at / 86400 - (created_at / 86400 + 3) % 7), rsit_class, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'class', 'm', ((created_at / 86400) - ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), rsit_class, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'team', 'd', created_at / 86400, team, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'team', 'w', (created_at / 86400 - (created_at / 86400 + 3) % 7), team, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO stat_daily(object, dim, period, day, key, n)
    SELECT 'i', 'team', 'm', ((created_at / 86400) - ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((created_at / 86400) + 719468) % 146097) - (365 * (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((created_at / 86400) + 719468) % 146097) - (((created_at / 86400) + 719468) % 146097) / 1460 + (((created_at / 86400) + 719468) % 146097) / 36524 - (((created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), team, count(*) FROM incidents GROUP BY 4, 5;
INSERT INTO incident_counts(state, severity, team, n)
    SELECT state, severity, team, count(*) FROM incidents GROUP BY 1, 2, 3;

-- Bulk import (`hikeshi report import`) switches the per-row report counters off inside
-- its batch transaction: it sets stat_bulk.active to 1 after BEGIN, adds the batch's
-- counts with one INSERT ... SELECT ... GROUP BY over the id range it inserted, and sets
-- the flag back to 0 before COMMIT (src/handling/import.c), so no other connection ever
-- sees 1 committed and a crash rolls it back. Incident triggers are never skipped.
CREATE TABLE stat_bulk (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    active INTEGER NOT NULL
);
INSERT INTO stat_bulk VALUES (1, 0);

CREATE TRIGGER stat_report_insert AFTER INSERT ON reports
WHEN (SELECT active FROM stat_bulk) IS NOT 1 BEGIN
    INSERT INTO stat_daily VALUES ('r', 'none', 'd', new.received_at / 86400, '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'none', 'w', (new.received_at / 86400 - (new.received_at / 86400 + 3) % 7), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'none', 'm', ((new.received_at / 86400) - ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'class', 'd', new.received_at / 86400, new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'class', 'w', (new.received_at / 86400 - (new.received_at / 86400 + 3) % 7), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'class', 'm', ((new.received_at / 86400) - ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'source', 'd', new.received_at / 86400, new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'source', 'w', (new.received_at / 86400 - (new.received_at / 86400 + 3) % 7), new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'source', 'm', ((new.received_at / 86400) - ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_report_class AFTER UPDATE OF rsit_class ON reports
WHEN old.rsit_class IS NOT new.rsit_class BEGIN
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'd'
        AND day = old.received_at / 86400 AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'w'
        AND day = (old.received_at / 86400 - (old.received_at / 86400 + 3) % 7) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'm'
        AND day = ((old.received_at / 86400) - ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.rsit_class;
    INSERT INTO stat_daily VALUES ('r', 'class', 'd', new.received_at / 86400, new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'class', 'w', (new.received_at / 86400 - (new.received_at / 86400 + 3) % 7), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('r', 'class', 'm', ((new.received_at / 86400) - ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.received_at / 86400) + 719468) % 146097) - (365 * (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.received_at / 86400) + 719468) % 146097) - (((new.received_at / 86400) + 719468) % 146097) / 1460 + (((new.received_at / 86400) + 719468) % 146097) / 36524 - (((new.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_report_delete AFTER DELETE ON reports BEGIN
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'none' AND period = 'd'
        AND day = old.received_at / 86400 AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'none' AND period = 'w'
        AND day = (old.received_at / 86400 - (old.received_at / 86400 + 3) % 7) AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'none' AND period = 'm'
        AND day = ((old.received_at / 86400) - ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'd'
        AND day = old.received_at / 86400 AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'w'
        AND day = (old.received_at / 86400 - (old.received_at / 86400 + 3) % 7) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'class' AND period = 'm'
        AND day = ((old.received_at / 86400) - ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'source' AND period = 'd'
        AND day = old.received_at / 86400 AND key = old.source;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'source' AND period = 'w'
        AND day = (old.received_at / 86400 - (old.received_at / 86400 + 3) % 7) AND key = old.source;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'r' AND dim = 'source' AND period = 'm'
        AND day = ((old.received_at / 86400) - ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.received_at / 86400) + 719468) % 146097) - (365 * (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.received_at / 86400) + 719468) % 146097) - (((old.received_at / 86400) + 719468) % 146097) / 1460 + (((old.received_at / 86400) + 719468) % 146097) / 36524 - (((old.received_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.source;
END;

CREATE TRIGGER stat_incident_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO stat_daily VALUES ('i', 'none', 'd', new.created_at / 86400, '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'none', 'w', (new.created_at / 86400 - (new.created_at / 86400 + 3) % 7), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'none', 'm', ((new.created_at / 86400) - ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'class', 'd', new.created_at / 86400, new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'class', 'w', (new.created_at / 86400 - (new.created_at / 86400 + 3) % 7), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'class', 'm', ((new.created_at / 86400) - ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'team', 'd', new.created_at / 86400, new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'team', 'w', (new.created_at / 86400 - (new.created_at / 86400 + 3) % 7), new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'team', 'm', ((new.created_at / 86400) - ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO incident_counts VALUES (new.state, new.severity, new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_incident_class AFTER UPDATE OF rsit_class ON incidents
WHEN old.rsit_class IS NOT new.rsit_class BEGIN
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'd'
        AND day = old.created_at / 86400 AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'w'
        AND day = (old.created_at / 86400 - (old.created_at / 86400 + 3) % 7) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'm'
        AND day = ((old.created_at / 86400) - ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.rsit_class;
    INSERT INTO stat_daily VALUES ('i', 'class', 'd', new.created_at / 86400, new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'class', 'w', (new.created_at / 86400 - (new.created_at / 86400 + 3) % 7), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'class', 'm', ((new.created_at / 86400) - ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.rsit_class, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_incident_team AFTER UPDATE OF team ON incidents
WHEN old.team IS NOT new.team BEGIN
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'd'
        AND day = old.created_at / 86400 AND key = old.team;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'w'
        AND day = (old.created_at / 86400 - (old.created_at / 86400 + 3) % 7) AND key = old.team;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'm'
        AND day = ((old.created_at / 86400) - ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.team;
    INSERT INTO stat_daily VALUES ('i', 'team', 'd', new.created_at / 86400, new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'team', 'w', (new.created_at / 86400 - (new.created_at / 86400 + 3) % 7), new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_daily VALUES ('i', 'team', 'm', ((new.created_at / 86400) - ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((new.created_at / 86400) + 719468) % 146097) - (365 * (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((new.created_at / 86400) + 719468) % 146097) - (((new.created_at / 86400) + 719468) % 146097) / 1460 + (((new.created_at / 86400) + 719468) % 146097) / 36524 - (((new.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5), new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_incident_counts AFTER UPDATE OF state, severity, team ON incidents
WHEN old.state IS NOT new.state OR old.severity IS NOT new.severity OR old.team IS NOT new.team
BEGIN
    UPDATE incident_counts SET n = n - 1 WHERE state = old.state AND severity = old.severity
        AND team = old.team;
    INSERT INTO incident_counts VALUES (new.state, new.severity, new.team, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_incident_delete AFTER DELETE ON incidents BEGIN
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'none' AND period = 'd'
        AND day = old.created_at / 86400 AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'none' AND period = 'w'
        AND day = (old.created_at / 86400 - (old.created_at / 86400 + 3) % 7) AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'none' AND period = 'm'
        AND day = ((old.created_at / 86400) - ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = '';
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'd'
        AND day = old.created_at / 86400 AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'w'
        AND day = (old.created_at / 86400 - (old.created_at / 86400 + 3) % 7) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'class' AND period = 'm'
        AND day = ((old.created_at / 86400) - ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.rsit_class;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'd'
        AND day = old.created_at / 86400 AND key = old.team;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'w'
        AND day = (old.created_at / 86400 - (old.created_at / 86400 + 3) % 7) AND key = old.team;
    UPDATE stat_daily SET n = n - 1 WHERE object = 'i' AND dim = 'team' AND period = 'm'
        AND day = ((old.created_at / 86400) - ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + (153 * ((5 * ((((old.created_at / 86400) + 719468) % 146097) - (365 * (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) + (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 4 - (((((old.created_at / 86400) + 719468) % 146097) - (((old.created_at / 86400) + 719468) % 146097) / 1460 + (((old.created_at / 86400) + 719468) % 146097) / 36524 - (((old.created_at / 86400) + 719468) % 146097) / 146096) / 365) / 100)) + 2) / 153) + 2) / 5) AND key = old.team;
    UPDATE incident_counts SET n = n - 1 WHERE state = old.state AND severity = old.severity
        AND team = old.team;
END;

-- Durations: take the old row's contribution out and put the new one in.
CREATE TRIGGER stat_dur_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO stat_durations SELECT 'f', new.created_at / 86400, new.severity, 1,
        new.first_response_at - new.created_at, new.first_response_at - new.created_at <=
        coalesce((SELECT json_extract(value, '$.' || new.severity) FROM meta
                  WHERE key = 'sla_first_response'), -1)
        WHERE new.first_response_at IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1, sum = sum + excluded.sum, met = met + excluded.met;
    INSERT INTO stat_durations SELECT 'r', new.created_at / 86400, new.severity, 1,
        new.resolved_at - new.created_at, 0
        WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL AND new.merged_into IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1, sum = sum + excluded.sum;
    INSERT INTO stat_dur_order SELECT 'f', new.first_response_at - new.created_at, new.created_at,
        new.id WHERE new.first_response_at IS NOT NULL;
    INSERT INTO stat_dur_hist SELECT 'f', (CASE WHEN (new.first_response_at - new.created_at) < 3600 THEN (new.first_response_at - new.created_at) / 60 WHEN (new.first_response_at - new.created_at) < 86400 THEN 60 + (new.first_response_at - new.created_at) / 900 WHEN (new.first_response_at - new.created_at) < 2592000 THEN 156 + (new.first_response_at - new.created_at) / 21600 ELSE 276 + (new.first_response_at - new.created_at) / 604800 END), 1 WHERE new.first_response_at IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_dur_order SELECT 'r', new.resolved_at - new.created_at, new.created_at,
        new.id WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL
        AND new.merged_into IS NULL;
    INSERT INTO stat_dur_hist SELECT 'r', (CASE WHEN (new.resolved_at - new.created_at) < 3600 THEN (new.resolved_at - new.created_at) / 60 WHEN (new.resolved_at - new.created_at) < 86400 THEN 60 + (new.resolved_at - new.created_at) / 900 WHEN (new.resolved_at - new.created_at) < 2592000 THEN 156 + (new.resolved_at - new.created_at) / 21600 ELSE 276 + (new.resolved_at - new.created_at) / 604800 END), 1 WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL AND new.merged_into IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_dur_update AFTER UPDATE OF first_response_at, resolved_at, state, severity,
    merged_into, created_at ON incidents
WHEN old.first_response_at IS NOT new.first_response_at OR old.resolved_at IS NOT new.resolved_at
    OR old.state IS NOT new.state OR old.severity IS NOT new.severity
    OR old.merged_into IS NOT new.merged_into OR old.created_at IS NOT new.created_at
BEGIN
    UPDATE stat_durations SET n = n - 1, sum = sum - (old.first_response_at - old.created_at),
        met = met - (old.first_response_at - old.created_at <= coalesce((SELECT
            json_extract(value, '$.' || old.severity) FROM meta WHERE key = 'sla_first_response'), -1))
        WHERE old.first_response_at IS NOT NULL AND kind = 'f' AND day = old.created_at / 86400
        AND severity = old.severity;
    INSERT INTO stat_durations SELECT 'f', new.created_at / 86400, new.severity, 1,
        new.first_response_at - new.created_at, new.first_response_at - new.created_at <=
        coalesce((SELECT json_extract(value, '$.' || new.severity) FROM meta
                  WHERE key = 'sla_first_response'), -1)
        WHERE new.first_response_at IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1, sum = sum + excluded.sum, met = met + excluded.met;
    UPDATE stat_durations SET n = n - 1, sum = sum - (old.resolved_at - old.created_at)
        WHERE old.state = 'resolved' AND old.resolved_at IS NOT NULL AND old.merged_into IS NULL
        AND kind = 'r' AND day = old.created_at / 86400 AND severity = old.severity;
    INSERT INTO stat_durations SELECT 'r', new.created_at / 86400, new.severity, 1,
        new.resolved_at - new.created_at, 0
        WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL AND new.merged_into IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1, sum = sum + excluded.sum;
    DELETE FROM stat_dur_order WHERE kind = 'f' AND d = old.first_response_at - old.created_at
        AND created_at = old.created_at AND id = old.id;
    UPDATE stat_dur_hist SET n = n - 1 WHERE old.first_response_at IS NOT NULL AND kind = 'f' AND b = (CASE WHEN (old.first_response_at - old.created_at) < 3600 THEN (old.first_response_at - old.created_at) / 60 WHEN (old.first_response_at - old.created_at) < 86400 THEN 60 + (old.first_response_at - old.created_at) / 900 WHEN (old.first_response_at - old.created_at) < 2592000 THEN 156 + (old.first_response_at - old.created_at) / 21600 ELSE 276 + (old.first_response_at - old.created_at) / 604800 END);
    DELETE FROM stat_dur_order WHERE kind = 'r' AND d = old.resolved_at - old.created_at
        AND created_at = old.created_at AND id = old.id;
    UPDATE stat_dur_hist SET n = n - 1 WHERE old.state = 'resolved' AND old.resolved_at IS NOT NULL AND old.merged_into IS NULL AND kind = 'r' AND b = (CASE WHEN (old.resolved_at - old.created_at) < 3600 THEN (old.resolved_at - old.created_at) / 60 WHEN (old.resolved_at - old.created_at) < 86400 THEN 60 + (old.resolved_at - old.created_at) / 900 WHEN (old.resolved_at - old.created_at) < 2592000 THEN 156 + (old.resolved_at - old.created_at) / 21600 ELSE 276 + (old.resolved_at - old.created_at) / 604800 END);
    INSERT INTO stat_dur_order SELECT 'f', new.first_response_at - new.created_at, new.created_at,
        new.id WHERE new.first_response_at IS NOT NULL;
    INSERT INTO stat_dur_hist SELECT 'f', (CASE WHEN (new.first_response_at - new.created_at) < 3600 THEN (new.first_response_at - new.created_at) / 60 WHEN (new.first_response_at - new.created_at) < 86400 THEN 60 + (new.first_response_at - new.created_at) / 900 WHEN (new.first_response_at - new.created_at) < 2592000 THEN 156 + (new.first_response_at - new.created_at) / 21600 ELSE 276 + (new.first_response_at - new.created_at) / 604800 END), 1 WHERE new.first_response_at IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_dur_order SELECT 'r', new.resolved_at - new.created_at, new.created_at,
        new.id WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL
        AND new.merged_into IS NULL;
    INSERT INTO stat_dur_hist SELECT 'r', (CASE WHEN (new.resolved_at - new.created_at) < 3600 THEN (new.resolved_at - new.created_at) / 60 WHEN (new.resolved_at - new.created_at) < 86400 THEN 60 + (new.resolved_at - new.created_at) / 900 WHEN (new.resolved_at - new.created_at) < 2592000 THEN 156 + (new.resolved_at - new.created_at) / 21600 ELSE 276 + (new.resolved_at - new.created_at) / 604800 END), 1 WHERE new.state = 'resolved' AND new.resolved_at IS NOT NULL AND new.merged_into IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_dur_delete AFTER DELETE ON incidents BEGIN
    UPDATE stat_durations SET n = n - 1, sum = sum - (old.first_response_at - old.created_at),
        met = met - (old.first_response_at - old.created_at <= coalesce((SELECT
            json_extract(value, '$.' || old.severity) FROM meta WHERE key = 'sla_first_response'), -1))
        WHERE old.first_response_at IS NOT NULL AND kind = 'f' AND day = old.created_at / 86400
        AND severity = old.severity;
    UPDATE stat_durations SET n = n - 1, sum = sum - (old.resolved_at - old.created_at)
        WHERE old.state = 'resolved' AND old.resolved_at IS NOT NULL AND old.merged_into IS NULL
        AND kind = 'r' AND day = old.created_at / 86400 AND severity = old.severity;
    DELETE FROM stat_dur_order WHERE kind = 'f' AND d = old.first_response_at - old.created_at
        AND created_at = old.created_at AND id = old.id;
    UPDATE stat_dur_hist SET n = n - 1 WHERE old.first_response_at IS NOT NULL AND kind = 'f' AND b = (CASE WHEN (old.first_response_at - old.created_at) < 3600 THEN (old.first_response_at - old.created_at) / 60 WHEN (old.first_response_at - old.created_at) < 86400 THEN 60 + (old.first_response_at - old.created_at) / 900 WHEN (old.first_response_at - old.created_at) < 2592000 THEN 156 + (old.first_response_at - old.created_at) / 21600 ELSE 276 + (old.first_response_at - old.created_at) / 604800 END);
    DELETE FROM stat_dur_order WHERE kind = 'r' AND d = old.resolved_at - old.created_at
        AND created_at = old.created_at AND id = old.id;
    UPDATE stat_dur_hist SET n = n - 1 WHERE old.state = 'resolved' AND old.resolved_at IS NOT NULL AND old.merged_into IS NULL AND kind = 'r' AND b = (CASE WHEN (old.resolved_at - old.created_at) < 3600 THEN (old.resolved_at - old.created_at) / 60 WHEN (old.resolved_at - old.created_at) < 86400 THEN 60 + (old.resolved_at - old.created_at) / 900 WHEN (old.resolved_at - old.created_at) < 2592000 THEN 156 + (old.resolved_at - old.created_at) / 21600 ELSE 276 + (old.resolved_at - old.created_at) / 604800 END);
END;
