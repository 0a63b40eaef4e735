-- +goose Up
-- Delivery state of the outbox, for the dispatcher: when a pending row is
-- next due, who holds it and until when (the lease is committed before
-- the call), the last failure, and when it was sent. Every row written so
-- far is due at its own time.
ALTER TABLE outbox
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN lease_owner     text,
    ADD COLUMN lease_until     timestamptz,
    ADD COLUMN last_error      text,
    ADD COLUMN sent_at         timestamptz;
UPDATE outbox SET next_attempt_at = due;

-- The due pending rows, for the lease; and the rows held, few at any
-- time, to find the leases that expired mid-call. They replace the index
-- of pending rows by order written.
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (next_attempt_at, seq) WHERE status = 'pending' AND lease_owner IS NULL;
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE lease_owner IS NOT NULL;

-- +goose Down
DROP INDEX outbox_leased;
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (seq) WHERE status = 'pending';
ALTER TABLE outbox
    DROP COLUMN sent_at,
    DROP COLUMN last_error,
    DROP COLUMN lease_until,
    DROP COLUMN lease_owner,
    DROP COLUMN next_attempt_at;
