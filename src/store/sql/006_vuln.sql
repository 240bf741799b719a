-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 6: vulnerability cases (issue 7). A case ("HKVU#2026-0001", a
-- per-year sequence allocated inside the creating transaction, so it has no gaps) carries
-- the report, its reporter, TLP, the lifecycle state, the agreed publication date
-- (embargo), CVE/CWE ids and CVSS vectors (JSON arrays), the affected products, the vendors
-- involved (directory teams of type vendor or psirt, each with its status and statement) and
-- the remediations. Embargo reminders to vendors are queued through the outbox as rows of
-- kind 'reminder' without an investigation (007 makes investigation_id optional); the
-- vcase_reminders row names the outbox row.

CREATE TABLE vcases (
    id               INTEGER PRIMARY KEY,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    public_id        TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    reporter_name    TEXT NOT NULL DEFAULT '',
    reporter_email   TEXT NOT NULL DEFAULT '',
    reporter_org     TEXT NOT NULL DEFAULT '',
    reporter_user_id INTEGER REFERENCES users(id),
    tlp              TEXT NOT NULL DEFAULT 'AMBER',
    state            TEXT NOT NULL DEFAULT 'received'
                     CHECK (state IN ('received', 'triage', 'coordinating', 'scheduled',
                                      'published', 'rejected')),
    reject_reason    TEXT NOT NULL DEFAULT '',
    publish_at       INTEGER,                  -- the agreed publication date (embargo end)
    cve_ids          TEXT NOT NULL DEFAULT '[]',
    cwe_ids          TEXT NOT NULL DEFAULT '[]',
    cvss             TEXT NOT NULL DEFAULT '[]', -- [{version, vector, score, severity}]
    advisory_id      TEXT NOT NULL DEFAULT '',
    revision         INTEGER NOT NULL DEFAULT 1,
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    published_at     INTEGER,
    UNIQUE (year, seq)
);
CREATE INDEX vcases_state ON vcases(state, publish_at);
CREATE INDEX vcases_reporter ON vcases(reporter_user_id) WHERE reporter_user_id IS NOT NULL;

CREATE TABLE vcase_products (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES vcases(id),
    vendor      TEXT NOT NULL,
    product     TEXT NOT NULL,
    versions    TEXT NOT NULL DEFAULT '[]',    -- [{version, less_than?, status?}]
    cpe         TEXT NOT NULL DEFAULT '',
    purl        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX vcase_products_case ON vcase_products(case_id);

CREATE TABLE vcase_vendors (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES vcases(id),
    team_id      INTEGER NOT NULL REFERENCES teams(id),
    status       TEXT NOT NULL DEFAULT ''
                 CHECK (status IN ('', 'affected', 'not_affected', 'under_investigation', 'fixed')),
    statement    TEXT NOT NULL DEFAULT '',
    contacted_at INTEGER,
    replied_at   INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (case_id, team_id)
);
CREATE INDEX vcase_vendors_team ON vcase_vendors(team_id);

CREATE TABLE vcase_remediations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES vcases(id),
    category    TEXT NOT NULL CHECK (category IN ('vendor_fix', 'workaround', 'mitigation',
                                                  'no_fix_planned', 'none_available')),
    details     TEXT NOT NULL,
    url         TEXT NOT NULL DEFAULT '',
    product_id  INTEGER REFERENCES vcase_products(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX vcase_remediations_case ON vcase_remediations(case_id);

-- One embargo reminder per case, vendor and UTC day (idempotence of `vuln remind`).
CREATE TABLE vcase_reminders (
    case_id     INTEGER NOT NULL REFERENCES vcases(id),
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    day         TEXT NOT NULL,                 -- "2026-11-22"
    outbox_id   INTEGER,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, team_id, day)
);
