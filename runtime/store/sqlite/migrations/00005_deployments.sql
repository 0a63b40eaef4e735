-- +goose Up
-- The bundles deployed, in order, as in migrations/postgres: the latest
-- row (the highest id) is in force. AUTOINCREMENT: an id is never reused,
-- so a runner that saw one never takes a later deployment for it.
CREATE TABLE deployments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    digest      TEXT NOT NULL,
    bundle      BLOB NOT NULL,
    deployed_by TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- +goose Down
DROP TABLE deployments;
