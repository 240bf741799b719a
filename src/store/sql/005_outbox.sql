-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 5: the outbox of notifications (cooperation requests, reminders).
-- "Notify the responsible parties" queues one row per team inside its transaction; a
-- deliverer sends each queued row through SMTP after the commit (never holding the writer
-- during network I/O) and records the Message-ID, time and SMTP result, so replies can be
-- threaded onto their investigation by In-Reply-To / References.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    investigation_id INTEGER NOT NULL REFERENCES investigations(id),
    team_id          INTEGER,                  -- the team notified (directory), if any
    kind             TEXT NOT NULL DEFAULT 'notify'
                     CHECK (kind = 'notify' OR kind = 'reminder'),
    recipient        TEXT NOT NULL,            -- To:
    notice           TEXT NOT NULL,            -- JSON: what to render (rows, language, TLP, key)
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state = 'queued' OR state = 'sent' OR state = 'failed'),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    message_id       TEXT,                     -- "<...@...>" once sent
    sent_at          INTEGER,
    smtp_code        INTEGER,
    smtp_text        TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX outbox_queued ON outbox(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_investigation ON outbox(investigation_id);
CREATE UNIQUE INDEX outbox_message_id ON outbox(message_id) WHERE message_id IS NOT NULL;
