-- SPDX-License-Identifier: MIT
-- Server-side sorting of the incident and report lists (GET /api/v1/incidents and
-- /api/v1/reports with sort=...). Each sort walks one of these indexes (the rowid, that
-- is the id, is the implicit last column, so ties fall in id order), so the first page of
-- any sort reads about limit rows even in a store of a million; a page from a cursor is
-- two seeks of the same index (src/store/sqlite_list.c). incidents_updated(updated_at, id)
-- and reports_state(state, id) of 001_init.sql already serve sort=updated on incidents and
-- sort=state on reports. Severity and incident state sort by rank, not by name: the two
-- expression indexes hold exactly the CASE expressions of SEV_RANK and STATE_RANK in
-- sqlite_list.c (SQLite matches an indexed expression only when the query's is the same),
-- and tests/unit/store/test_list_sort.c checks that each sort's plan reads its index.
-- Titles and subjects sort case-insensitively (ASCII, COLLATE NOCASE).
-- Nothing else changes: building the indexes over the existing rows is all.
CREATE INDEX IF NOT EXISTS incidents_created ON incidents(created_at);
CREATE INDEX IF NOT EXISTS incidents_team ON incidents(team);
CREATE INDEX IF NOT EXISTS incidents_title ON incidents(title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS incidents_severity_rank ON incidents((CASE severity WHEN 'low' THEN 1
    WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END));
CREATE INDEX IF NOT EXISTS incidents_state_rank ON incidents((CASE state WHEN 'new' THEN 1
    WHEN 'triage' THEN 2 WHEN 'analysis' THEN 3 WHEN 'mitigation' THEN 4 WHEN 'resolved' THEN 5
    WHEN 'abandoned' THEN 6 END));
CREATE INDEX IF NOT EXISTS reports_received ON reports(received_at);
CREATE INDEX IF NOT EXISTS reports_updated ON reports(updated_at);
CREATE INDEX IF NOT EXISTS reports_subject ON reports(subject COLLATE NOCASE);
