-- Leases up to :limit pending rows due at :now, earliest first, counting
-- the attempt about to be made. Times are fixed-width UTC text, so text
-- order is time order.
UPDATE outbox
SET attempts = attempts + 1, lease_owner = :worker, lease_until = :lease_until
WHERE seq IN (
    SELECT seq
    FROM outbox
    WHERE status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= :now
    ORDER BY next_attempt_at, seq
    LIMIT :limit
)
RETURNING seq, key, contact_id, journey, version, step, kind, target, payload, due,
          status, attempts, next_attempt_at, lease_owner, lease_until, last_error, sent_at;
