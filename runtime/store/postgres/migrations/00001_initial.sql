-- +goose Up

-- One row per contact: its attributes, positions and history for the
-- function library, as the engine's ContactState in JSON. rev guards
-- updates: a worker writes only the revision it claimed.
CREATE TABLE contacts (
    id         text PRIMARY KEY,
    state      jsonb NOT NULL,
    rev        bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The claim queue, kept narrow: when each contact next needs a run, and
-- who holds it. Updates change wake_at, so they are never HOT; three
-- indexes at most.
CREATE TABLE wakeups (
    contact_id  text PRIMARY KEY,
    wake_at     timestamptz,
    lease_owner text,
    lease_until timestamptz
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
CREATE INDEX wakeups_due ON wakeups (wake_at) WHERE wake_at IS NOT NULL;

-- Inputs waiting for the engine: events and attribute updates, in order
-- of arrival.
CREATE TABLE inputs (
    seq        bigserial PRIMARY KEY,
    contact_id text NOT NULL,
    kind       text NOT NULL,
    event_id   text,
    name       text,
    payload    jsonb,
    attrs      jsonb,
    at         timestamptz NOT NULL
);
CREATE INDEX inputs_contact ON inputs (contact_id, seq);

-- Every event identity ever taken, so a repeat is ignored.
CREATE TABLE event_ids (
    id         text PRIMARY KEY,
    contact_id text NOT NULL,
    at         timestamptz NOT NULL
);

-- One row per contact, journey and entry: the position, for reports and
-- the API (the engine's working copy is in contacts.state).
CREATE TABLE enrollments (
    contact_id text NOT NULL,
    journey    text NOT NULL,
    entry      integer NOT NULL,
    version    text NOT NULL,
    status     text NOT NULL,
    stage      text NOT NULL,
    stage_at   timestamptz NOT NULL,
    entered_at timestamptz NOT NULL,
    exited_at  timestamptz,
    reason     text,
    PRIMARY KEY (contact_id, journey, entry)
);
CREATE INDEX enrollments_position ON enrollments (journey, stage) WHERE status = 'active';

-- Actions to deliver, each once under its idempotency key.
CREATE TABLE outbox (
    seq        bigserial PRIMARY KEY,
    key        text NOT NULL UNIQUE,
    contact_id text NOT NULL,
    journey    text NOT NULL,
    version    text NOT NULL,
    step       text NOT NULL,
    kind       text NOT NULL,
    target     text NOT NULL,
    payload    jsonb NOT NULL,
    due        timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'pending',
    attempts   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE status = 'pending';

-- What happened, for reports and tests.
CREATE TABLE history (
    seq        bigserial PRIMARY KEY,
    contact_id text NOT NULL,
    journey    text NOT NULL,
    entry      integer NOT NULL,
    kind       text NOT NULL,
    step       text,
    detail     text,
    at         timestamptz NOT NULL
);
CREATE INDEX history_contact ON history (contact_id, seq);

-- Every journey version deployed, content-addressed.
CREATE TABLE journey_versions (
    journey    text NOT NULL,
    version    text NOT NULL,
    ir         jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (journey, version)
);

-- +goose Down
DROP TABLE journey_versions, history, outbox, enrollments, event_ids, inputs, wakeups, contacts;
