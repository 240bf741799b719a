-- SPDX-License-Identifier: MIT
-- hikeshi schema, version 4: mail received (`hikeshi mail-in`). Every message is stored raw,
-- in the transaction that creates its reports, even when it cannot be parsed (parse_error
-- then says why, and so does its report): nothing received is ever lost. raw is bounded
-- (25 MiB by default): a larger message keeps its head with truncated = 1 and raw_size the
-- size received. raw_sha256 (over the bytes received) is unique, so storing is idempotent:
-- a Maildir run killed between commit and moving its files stores nothing twice.

CREATE TABLE mail_in (
    id               INTEGER PRIMARY KEY,
    raw              BLOB NOT NULL,             -- the message as received (maybe truncated)
    raw_size         INTEGER NOT NULL,          -- bytes received
    truncated        INTEGER NOT NULL DEFAULT 0,
    raw_sha256       BLOB NOT NULL,
    message_id       TEXT NOT NULL DEFAULT '',  -- without angle brackets
    in_reply_to      TEXT NOT NULL DEFAULT '',
    refs             TEXT NOT NULL DEFAULT '[]', -- JSON array of References ids
    from_addr        TEXT NOT NULL DEFAULT '',
    reply_to         TEXT NOT NULL DEFAULT '',  -- where an acknowledgement goes
    subject          TEXT NOT NULL DEFAULT '',
    ticket           INTEGER,                   -- N of "[hikeshi#N]" in the subject
    kind             TEXT NOT NULL
                     CHECK (kind = 'xarf' OR kind = 'iodef' OR kind = 'text' OR kind = 'bounce' OR kind = 'unparsed'),
    auto_reason      TEXT NOT NULL DEFAULT '',  -- why it is automatic mail ('' = a person)
    parse_error      TEXT NOT NULL DEFAULT '',
    pgp              TEXT NOT NULL DEFAULT 'unsigned'
                     CHECK (pgp = 'unsigned' OR pgp = 'not-checked' OR pgp = 'good' OR pgp = 'bad' OR pgp = 'unknown-key' OR pgp = 'error'),
    pgp_fpr          TEXT NOT NULL DEFAULT '',
    report_id        INTEGER REFERENCES reports(id), -- the first report it created
    report_ids       TEXT NOT NULL DEFAULT '[]',     -- JSON array: every report it created
    investigation_id INTEGER REFERENCES investigations(id), -- a reply threaded onto it
    ack              TEXT NOT NULL DEFAULT 'none'
                     CHECK (ack = 'none' OR ack = 'pending' OR ack = 'sent' OR ack = 'failed' OR ack = 'suppressed'),
    ack_note         TEXT NOT NULL DEFAULT '',
    received_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX mail_in_sha256 ON mail_in(raw_sha256);
CREATE INDEX mail_in_message_id ON mail_in(message_id) WHERE message_id <> '';
CREATE INDEX mail_in_ack_pending ON mail_in(id) WHERE ack = 'pending';
