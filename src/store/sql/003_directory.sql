-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 3: the team directory (RFC 2350 fields, the coordination tree,
-- contacts, constituency), the imported CAIDA prefix-to-AS table, and the routes found for
-- each report. The compiled routing tables live in memory (src/directory/table.c); every
-- directory change rewrites meta 'directory_gen' and a pfx2as load 'pfx2as_gen', which is
-- how every process notices that its tables are stale.

CREATE TABLE teams (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL COLLATE NOCASE UNIQUE,  -- the handle ("cert-a")
    full_name       TEXT NOT NULL DEFAULT '',
    type            TEXT NOT NULL DEFAULT 'security-team'
                    CHECK (type = 'security-team' OR type = 'distributed' OR type = 'centralized' OR type = 'combined' OR type = 'coordinating' OR type = 'vendor' OR type = 'psirt' OR type = 'isp' OR type = 'other'),
    parent_id       INTEGER REFERENCES teams(id),        -- the coordination tree (no cycles)
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    timezone        TEXT NOT NULL DEFAULT '',
    hours           TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '[]',          -- JSON array of language tags
    pgp_fingerprint TEXT NOT NULL DEFAULT '',
    pgp_key         TEXT NOT NULL DEFAULT '',            -- ASCII-armored public key
    web             TEXT NOT NULL DEFAULT '',
    notify_format   TEXT NOT NULL DEFAULT 'csv'
                    CHECK (notify_format = 'csv' OR notify_format = 'xarf' OR notify_format = 'iodef'),
    language        TEXT NOT NULL DEFAULT 'en',          -- language of notifications
    policy          TEXT NOT NULL DEFAULT '',            -- security.txt Policy
    encryption      TEXT NOT NULL DEFAULT '',            -- security.txt Encryption
    securitytxt_expires INTEGER,                         -- security.txt Expires
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX teams_parent ON teams(parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE team_contacts (
    id      INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name    TEXT NOT NULL DEFAULT '',
    email   TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT '',
    role    TEXT NOT NULL DEFAULT ''                     -- "abuse", "incident", "security-txt", ...
);
CREATE INDEX team_contacts_team ON team_contacts(team_id, id);

-- One owner per value: kind + canonical value is unique across the directory.
CREATE TABLE constituency (
    id      INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind = 'ipv4' OR kind = 'ipv6' OR kind = 'domain' OR kind = 'asn'),
    value   TEXT NOT NULL                                -- "198.51.100.0/24", "example.org", "64500"
);
CREATE UNIQUE INDEX constituency_value ON constituency(kind, value);
CREATE INDEX constituency_team ON constituency(team_id);

-- The imported CAIDA pfx2as table, one row, kept as canonical text (parsing 1 M lines
-- costs less than reading 1 M rows).
CREATE TABLE pfx2as (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    source    TEXT NOT NULL,
    ipv4      INTEGER NOT NULL,
    ipv6      INTEGER NOT NULL,
    data      TEXT NOT NULL,
    loaded_at INTEGER NOT NULL
);

-- Where each observable of a report was routed when it arrived. The team name is kept
-- as it was (a removed team's routes stay readable); rank orders a report's routes for
-- the incident-team rule (direct matches first, then depth in the coordination tree).
CREATE TABLE report_routes (
    report_id  INTEGER NOT NULL REFERENCES reports(id),
    pos        INTEGER NOT NULL,
    type       TEXT NOT NULL,
    observable TEXT NOT NULL,
    team_id    INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    team       TEXT NOT NULL,
    match      TEXT NOT NULL,                            -- JSON
    rank       INTEGER NOT NULL,
    PRIMARY KEY (report_id, pos)
) WITHOUT ROWID;
CREATE INDEX report_routes_team ON report_routes(team_id) WHERE team_id IS NOT NULL;
