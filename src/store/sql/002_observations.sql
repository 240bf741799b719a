-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 2: observations pushed by sensors (`hikeshi sensor --push`).
-- One row per pushed item (an alert or a per-interval port summary), unique per
-- (sensor, item id) so a sensor re-sending a batch after a lost answer stores nothing
-- twice. An alert also became a report (report_id); an interval is stored only.

CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    sensor      TEXT NOT NULL,              -- the sensor's name, as it reports itself
    item_id     TEXT NOT NULL,              -- the item's id, unique per sensor
    type        TEXT NOT NULL CHECK (type = 'alert' OR type = 'interval'),
    observed_at INTEGER NOT NULL,           -- the item's "time"
    interval_s  INTEGER,                    -- intervals: 60 or 3600
    port        INTEGER,
    proto       TEXT NOT NULL DEFAULT '',
    item        TEXT NOT NULL,              -- the item as received (JSON)
    report_id   INTEGER REFERENCES reports(id),
    user_id     INTEGER REFERENCES users(id), -- who pushed it (NULL: the local operator)
    principal   TEXT NOT NULL,              -- that principal's name
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX observations_item ON observations(sensor, item_id);
CREATE INDEX observations_port ON observations(port, id);
