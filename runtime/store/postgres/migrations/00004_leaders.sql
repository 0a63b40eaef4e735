-- +goose Up
-- Leases on chores that one runner at a time does (rescuing expired
-- leases, gauges, retention): a row per chore, held by one runner until
-- it expires unless renewed. See Store.Lead.
CREATE TABLE leaders (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Retention deletes old event identities by time: see Store.Prune.
CREATE INDEX event_ids_at ON event_ids (at);

-- +goose Down
DROP INDEX event_ids_at;
DROP TABLE leaders;
