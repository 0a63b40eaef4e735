-- +goose Up
-- Delivery state of the outbox, as in migrations/postgres: when a pending
-- row is next due, who holds it and until when, the last failure, and
-- when it was sent. Every row written so far is due at its own time.
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN sent_at TEXT;
UPDATE outbox SET next_attempt_at = due;

DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (next_attempt_at, seq) WHERE status = 'pending' AND lease_owner IS NULL;
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE lease_owner IS NOT NULL;

-- +goose Down
DROP INDEX outbox_leased;
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (seq) WHERE status = 'pending';
ALTER TABLE outbox DROP COLUMN sent_at;
ALTER TABLE outbox DROP COLUMN last_error;
ALTER TABLE outbox DROP COLUMN lease_until;
ALTER TABLE outbox DROP COLUMN lease_owner;
ALTER TABLE outbox DROP COLUMN next_attempt_at;
