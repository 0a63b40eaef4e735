-- +goose Up
-- An event identity is kept for a window from when the event was
-- received, not from the time its sender stamped it (at): see Store.Prune.
-- The identities taken before this migration are taken as received now,
-- the latest they can have been: each is kept a whole window from here.
-- (now() is the time of this transaction, the same for every row, and
-- ADD COLUMN with it as the default rewrites no row.)
ALTER TABLE event_ids ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE event_ids ALTER COLUMN received_at DROP DEFAULT;

-- Pruning finds identities by the time they were received.
DROP INDEX event_ids_at;
CREATE INDEX event_ids_received_at ON event_ids (received_at);

-- +goose Down
DROP INDEX event_ids_received_at;
CREATE INDEX event_ids_at ON event_ids (at);
ALTER TABLE event_ids DROP COLUMN received_at;
