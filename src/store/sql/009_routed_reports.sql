-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 9: reports that were routed, indexed by incident.
--
-- The incident-team rule (HK_Q_INCIDENT_ROUTE_TEAM: the most specific route of the
-- incident's earliest routed report) runs every time a report is linked to an incident,
-- on the bulk-import path for every correlated report. Through reports_incident it walked
-- every report of the incident until it met one with routes; with no directory match
-- (the common case) that is all of them, so importing into a store where a few incidents
-- collect thousands of reports cost time quadratic in their size (2.95 s CPU for 20,000
-- reports, 31.7 s for 80,000).
--
-- reports.routed is 1 when the report has at least one report_routes row. Routes are
-- written only when a report is created (directory/route.c) and never deleted, so the
-- trigger below keeps the flag exact; the partial index then holds only routed reports,
-- and the rule reads at most the routes of one report. The index is maintained by SQLite
-- when a report moves between incidents (link, unlink, merge, split).

ALTER TABLE reports ADD COLUMN routed INTEGER NOT NULL DEFAULT 0;

UPDATE reports SET routed = 1
    WHERE routed = 0 AND id IN (SELECT report_id FROM report_routes);

CREATE INDEX IF NOT EXISTS reports_incident_routed ON reports(incident_id, id)
    WHERE routed = 1;

CREATE TRIGGER IF NOT EXISTS report_routes_routed AFTER INSERT ON report_routes
BEGIN
    UPDATE reports SET routed = 1 WHERE id = new.report_id AND routed = 0;
END;
