-- Records the outcome of a leased row and releases the lease, if :worker
-- still holds it; no row changes otherwise, and the mark is lost.
-- :next_attempt_at is NULL except for a row to retry; :sent_at except for
-- a row sent.
UPDATE outbox
SET status = :status,
    attempts = :attempts,
    next_attempt_at = coalesce(:next_attempt_at, next_attempt_at),
    last_error = :last_error,
    sent_at = coalesce(:sent_at, sent_at),
    lease_owner = NULL,
    lease_until = NULL
WHERE key = :key AND lease_owner = :worker;
