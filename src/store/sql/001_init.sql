-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 1: users and tokens, reports, incidents and their children,
-- observables, the hash-chained audit log. Times are Unix seconds (UTC).

-- CHECK constraints are written as OR chains, not IN lists: SQLite 3.40 builds a
-- temporary b-tree for an IN list with more than two values on every INSERT and UPDATE
-- (3.5 us against 0.95 us per row measured on the bulk-import path).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role = 'admin' OR role = 'handler' OR role = 'reporter' OR role = 'sensor' OR role = 'peer'),
    team          TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    created_at    INTEGER NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    digest     BLOB NOT NULL UNIQUE,        -- SHA-256 of the secret; the secret is never stored
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'new'
                    CHECK (state = 'new' OR state = 'triage' OR state = 'analysis' OR state = 'mitigation' OR state = 'resolved' OR state = 'abandoned'),
    severity        TEXT NOT NULL DEFAULT 'medium'
                    CHECK (severity = 'low' OR severity = 'medium' OR severity = 'high' OR severity = 'critical'),
    tlp             TEXT NOT NULL DEFAULT 'AMBER',
    pap             TEXT NOT NULL DEFAULT 'AMBER',
    rsit_class      TEXT NOT NULL DEFAULT '',
    rsit_type       TEXT NOT NULL DEFAULT '',
    malware_class   TEXT NOT NULL DEFAULT '',
    infection_route TEXT NOT NULL DEFAULT '',
    team            TEXT NOT NULL DEFAULT '',
    assignee_id     INTEGER REFERENCES users(id),
    created_by      INTEGER REFERENCES users(id),
    merged_into     INTEGER REFERENCES incidents(id),
    reopen_count    INTEGER NOT NULL DEFAULT 0,
    resolution      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    first_response_at INTEGER,
    triage_at       INTEGER,
    analysis_at     INTEGER,
    mitigation_at   INTEGER,
    resolved_at     INTEGER,
    abandoned_at    INTEGER
);
CREATE INDEX incidents_state ON incidents(state, id);
CREATE INDEX incidents_severity ON incidents(severity, id);
CREATE INDEX incidents_updated ON incidents(updated_at, id);

-- Handlers explicitly "on" an incident: they may read it even at TLP:RED.
CREATE TABLE incident_members (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (incident_id, user_id)
) WITHOUT ROWID;

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL DEFAULT 'api',
    reporter_id     INTEGER REFERENCES users(id),
    reporter        TEXT NOT NULL DEFAULT '',   -- who told us (free text: name or address)
    subject         TEXT NOT NULL DEFAULT '',
    content         TEXT NOT NULL,              -- verbatim
    content_hash    BLOB NOT NULL,              -- SHA-256(reporter || 0 || content)
    tlp             TEXT NOT NULL DEFAULT 'AMBER',
    state           TEXT NOT NULL DEFAULT 'new'
                    CHECK (state = 'new' OR state = 'open' OR state = 'resolved' OR state = 'rejected'),
    rsit_class      TEXT NOT NULL DEFAULT '',
    rsit_type       TEXT NOT NULL DEFAULT '',
    incident_id     INTEGER REFERENCES incidents(id),
    correlation     TEXT NOT NULL DEFAULT '',   -- why it was linked automatically (JSON)
    dup_count       INTEGER NOT NULL DEFAULT 0, -- exact duplicates folded into this row
    observable_ids  TEXT NOT NULL DEFAULT '[]', -- JSON array: the forward side of report_observables
    received_at     INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX reports_dedup ON reports(content_hash);
CREATE INDEX reports_incident ON reports(incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX reports_reporter ON reports(reporter_id, id) WHERE reporter_id IS NOT NULL;
CREATE INDEX reports_state ON reports(state, id);

-- Observables are found through a 64-bit hash of (type, value) rather than an index on
-- the text itself: the index is 3-4 times smaller, so it stays in the page cache far
-- longer on the bulk-import path. Uniqueness is kept by the writer, which looks up before
-- it inserts inside its write transaction (SQLite admits one writer at a time).
CREATE TABLE observables (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL,
    value      TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    vhash      INTEGER NOT NULL
);
CREATE INDEX observables_vhash ON observables(vhash);

-- The reverse side (observable -> reports); the forward side is reports.observable_ids,
-- which saves a second index insert per link on the bulk-import path.
CREATE TABLE report_observables (
    observable_id INTEGER NOT NULL REFERENCES observables(id),
    report_id     INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (observable_id, report_id)
) WITHOUT ROWID;

-- Observables of an incident: kept so correlation is one indexed probe per observable.
CREATE TABLE incident_observables (
    observable_id INTEGER NOT NULL REFERENCES observables(id),
    incident_id   INTEGER NOT NULL REFERENCES incidents(id),
    last_seen     INTEGER NOT NULL,
    PRIMARY KEY (observable_id, incident_id)
) WITHOUT ROWID;
CREATE INDEX incident_observables_incident ON incident_observables(incident_id);

CREATE TABLE investigations (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    party       TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state = 'open' OR state = 'waiting' OR state = 'answered' OR state = 'resolved'),
    due_at      INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX investigations_incident ON investigations(incident_id);

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id),
    direction        TEXT NOT NULL CHECK (direction = 'out' OR direction = 'in'),
    body             TEXT NOT NULL,
    author_id        INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL
);
CREATE INDEX messages_investigation ON messages(investigation_id);

CREATE TABLE countermeasures (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind        TEXT NOT NULL DEFAULT 'block',
    description TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state = 'pending' OR state = 'active' OR state = 'pending-removal' OR state = 'removed'),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX countermeasures_incident ON countermeasures(incident_id);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    title       TEXT NOT NULL,
    assignee_id INTEGER REFERENCES users(id),
    due_at      INTEGER,
    done        INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX tasks_incident ON tasks(incident_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical row text). No trigger
-- forbids edits: the chain is the protection, and `hikeshi audit verify` finds any edit.
CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    before      TEXT NOT NULL DEFAULT '',
    after       TEXT NOT NULL DEFAULT '',
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX audit_object ON audit(object_type, object_id);

-- Settings and the audit head (last seq and hash), so truncating the log is detected too.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- SLA: incidents still waiting for a first response, oldest first.
CREATE INDEX incidents_unanswered ON incidents(created_at) WHERE first_response_at IS NULL;
