-- Takes over up to :limit rows whose lease ran out at :now while their
-- holder was calling out: the call may or may not have been delivered, so
-- they become 'unknown'. Their attempts stay: the lost call was counted
-- when it was leased. Earliest expiry first.
UPDATE outbox
SET status = 'unknown', lease_owner = :worker, lease_until = :lease_until
WHERE seq IN (
    SELECT seq
    FROM outbox
    WHERE lease_owner IS NOT NULL AND lease_until <= :now
    ORDER BY lease_until, seq
    LIMIT :limit
)
RETURNING seq, key, contact_id, journey, version, step, kind, target, payload, due,
          status, attempts, next_attempt_at, lease_owner, lease_until, last_error, sent_at;
