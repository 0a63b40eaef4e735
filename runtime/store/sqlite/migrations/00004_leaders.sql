-- +goose Up
-- Leases on chores that one runner at a time does, as in
-- migrations/postgres. Times are text, as everywhere in this store.
CREATE TABLE leaders (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX event_ids_at ON event_ids (at);

-- +goose Down
DROP INDEX event_ids_at;
DROP TABLE leaders;
