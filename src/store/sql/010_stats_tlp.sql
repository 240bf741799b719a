-- SPDX-License-Identifier: MIT
-- TLP on the statistics. The counters of 008_webui.sql keep counting every report and
-- incident; a caller who is not admin gets them minus what TLP hides from that caller
-- (src/handling/stats_hidden.c), read through these two partial indexes, which hold only
-- the restricted rows (TLP:RED and TLP:AMBER+STRICT, typically a few in a million).
-- incidents_restricted carries every column the statistics need (creation time, TLP,
-- team, state, severity, class, first response, resolution, merge), so the hidden
-- incidents are read from the index alone: about 1 ms for 2,000 of them in a store of a
-- million, against 6 ms through the table. reports_restricted finds the restricted
-- reports by received time; reports restricted through their incident are found through
-- incidents_restricted and reports_incident.
-- No counter changes, so an existing data directory needs no recount: building the two
-- indexes over its rows is all.
CREATE INDEX IF NOT EXISTS incidents_restricted ON incidents(created_at, tlp, team, state,
    severity, rsit_class, first_response_at, resolved_at, merged_into)
    WHERE tlp IN ('RED', 'AMBER+STRICT');
CREATE INDEX IF NOT EXISTS reports_restricted ON reports(received_at)
    WHERE tlp IN ('RED', 'AMBER+STRICT');
