-- +goose Up
-- As in migrations/postgres: an event identity is kept for a window from
-- when the event was received. The identities taken before this migration
-- are taken as received now, in the store's time layout (UTC, nine
-- digits of fraction): each is kept a whole window from here. The default
-- stays in the table's definition (SQLite cannot drop it), but every
-- insert gives the column.
ALTER TABLE event_ids ADD COLUMN received_at TEXT NOT NULL DEFAULT '';
UPDATE event_ids SET received_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000000Z';

-- Pruning finds identities by the time they were received.
DROP INDEX event_ids_at;
CREATE INDEX event_ids_received_at ON event_ids (received_at);

-- +goose Down
DROP INDEX event_ids_received_at;
CREATE INDEX event_ids_at ON event_ids (at);
ALTER TABLE event_ids DROP COLUMN received_at;
