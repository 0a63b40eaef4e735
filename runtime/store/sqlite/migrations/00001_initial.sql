-- +goose Up

-- The same tables as the Postgres store (see migrations/postgres); times
-- are RFC 3339 text in UTC with nanoseconds, JSON is text.
CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE wakeups (
    contact_id  TEXT PRIMARY KEY,
    wake_at     TEXT,
    lease_owner TEXT,
    lease_until TEXT
);
CREATE INDEX wakeups_due ON wakeups (wake_at) WHERE wake_at IS NOT NULL;

CREATE TABLE inputs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    event_id   TEXT,
    name       TEXT,
    payload    TEXT,
    attrs      TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX inputs_contact ON inputs (contact_id, seq);

CREATE TABLE event_ids (
    id         TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL,
    at         TEXT NOT NULL
);

CREATE TABLE enrollments (
    contact_id TEXT NOT NULL,
    journey    TEXT NOT NULL,
    entry      INTEGER NOT NULL,
    version    TEXT NOT NULL,
    status     TEXT NOT NULL,
    stage      TEXT NOT NULL,
    stage_at   TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    exited_at  TEXT,
    reason     TEXT,
    PRIMARY KEY (contact_id, journey, entry)
);
CREATE INDEX enrollments_position ON enrollments (journey, stage) WHERE status = 'active';

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    contact_id TEXT NOT NULL,
    journey    TEXT NOT NULL,
    version    TEXT NOT NULL,
    step       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    due        TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE status = 'pending';

CREATE TABLE history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    contact_id TEXT NOT NULL,
    journey    TEXT NOT NULL,
    entry      INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    step       TEXT,
    detail     TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX history_contact ON history (contact_id, seq);

CREATE TABLE journey_versions (
    journey    TEXT NOT NULL,
    version    TEXT NOT NULL,
    ir         TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (journey, version)
);

-- +goose Down
DROP TABLE journey_versions;
DROP TABLE history;
DROP TABLE outbox;
DROP TABLE enrollments;
DROP TABLE event_ids;
DROP TABLE inputs;
DROP TABLE wakeups;
DROP TABLE contacts;
