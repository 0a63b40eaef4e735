-- Leases up to $2 outbox rows to dispatcher $3 until $4, at $1, skipping
-- rows another transaction holds: first the rows whose lease ran out while
-- their holder was calling out (the call may or may not have been
-- delivered: they become 'unknown', and their attempts stay, the lost
-- call having been counted), earliest expiry first; then the pending rows
-- due, earliest first, counting the attempt about to be made.
WITH expired AS (
    SELECT seq, lease_until AS at
    FROM outbox
    WHERE lease_owner IS NOT NULL AND lease_until <= $1
    ORDER BY lease_until, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), due AS (
    SELECT seq, next_attempt_at AS at
    FROM outbox
    WHERE status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= $1
    ORDER BY next_attempt_at, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT seq, at, true AS expired FROM expired
    UNION ALL
    SELECT seq, at, false AS expired FROM due
    ORDER BY expired DESC, at, seq
    LIMIT $2
)
UPDATE outbox AS o
SET status = CASE WHEN p.expired THEN 'unknown' ELSE o.status END,
    attempts = CASE WHEN p.expired THEN o.attempts ELSE o.attempts + 1 END,
    lease_owner = $3,
    lease_until = $4
FROM picked AS p
WHERE o.seq = p.seq
RETURNING o.seq, o.key, o.contact_id, o.journey, o.version, o.step, o.kind, o.target, o.payload, o.due,
          o.status, o.attempts, o.next_attempt_at, o.lease_owner, o.lease_until, o.last_error, o.sent_at,
          p.expired;
