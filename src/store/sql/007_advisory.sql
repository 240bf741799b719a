-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 7: advisories and early warning (issue 7, engineer C).
-- Assets: what a constituent team runs, as CPE 2.3 names or package URLs with a version;
-- matched against every published or imported CSAF advisory. Advisories: the exact CSAF
-- JSON text we serve (or imported), its SHA-256 and detached OpenPGP signature, so the
-- provider directory on disk is a pure function of committed rows (rewritten from them).
-- The outbox is rebuilt so it can also carry early warnings, which belong to no
-- investigation: investigation_id becomes optional and kind admits 'warning'.

CREATE TABLE assets (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind = 'cpe' OR kind = 'purl'),
    name       TEXT NOT NULL,            -- normalised CPE 2.3 formatted string or purl
    version    TEXT NOT NULL DEFAULT '', -- the version the team runs ('' = unknown)
    label      TEXT NOT NULL DEFAULT '', -- free text ("mail gateway, Osaka office")
    created_at INTEGER NOT NULL,
    UNIQUE (team_id, kind, name)
);
CREATE INDEX assets_team ON assets(team_id);

CREATE TABLE advisories (
    id                   INTEGER PRIMARY KEY,
    publisher_ns         TEXT NOT NULL,            -- document.publisher.namespace
    tracking_id          TEXT NOT NULL,            -- document.tracking.id
    version              TEXT NOT NULL,            -- document.tracking.version
    tlp                  TEXT NOT NULL,            -- WHITE, GREEN, AMBER, RED or UNLABELED
    title                TEXT NOT NULL,
    initial_release_date TEXT NOT NULL,
    current_release_date TEXT NOT NULL,
    origin               TEXT NOT NULL CHECK (origin = 'own' OR origin = 'imported'),
    case_id              INTEGER,                  -- the vulnerability case it was made from
    source_url           TEXT,                     -- imported: where it came from
    file_name            TEXT NOT NULL,            -- CSAF 5.1 file name ("hkvu_2026-0001.json")
    year                 TEXT NOT NULL,            -- folder (year of the initial release)
    document             TEXT NOT NULL,            -- the JSON text, byte for byte as served
    sha256               TEXT NOT NULL,
    signature            TEXT,                     -- armored detached OpenPGP signature
    signer               TEXT,                     -- its key fingerprint
    matches              INTEGER NOT NULL DEFAULT 0,
    warned_teams         INTEGER NOT NULL DEFAULT 0,
    published_at         INTEGER NOT NULL,
    UNIQUE (publisher_ns, tracking_id, version)
);
CREATE INDEX advisories_tracking ON advisories(tracking_id);

CREATE TABLE outbox_v7 (
    id               INTEGER PRIMARY KEY,
    investigation_id INTEGER REFERENCES investigations(id),  -- NULL for early warnings
    team_id          INTEGER,
    kind             TEXT NOT NULL DEFAULT 'notify'
                     CHECK (kind = 'notify' OR kind = 'reminder' OR kind = 'warning'),
    recipient        TEXT NOT NULL,
    notice           TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state = 'queued' OR state = 'sent' OR state = 'failed'),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    message_id       TEXT,
    sent_at          INTEGER,
    smtp_code        INTEGER,
    smtp_text        TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    advisory_id      INTEGER REFERENCES advisories(id)       -- early warnings: the advisory
);
INSERT INTO outbox_v7(id, investigation_id, team_id, kind, recipient, notice, state, attempts,
                      next_attempt_at, message_id, sent_at, smtp_code, smtp_text, created_at,
                      updated_at)
    SELECT id, investigation_id, team_id, kind, recipient, notice, state, attempts,
           next_attempt_at, message_id, sent_at, smtp_code, smtp_text, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_queued ON outbox(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_investigation ON outbox(investigation_id);
CREATE INDEX outbox_advisory ON outbox(advisory_id) WHERE advisory_id IS NOT NULL;
CREATE UNIQUE INDEX outbox_message_id ON outbox(message_id) WHERE message_id IS NOT NULL;
