-- Outbox rows with their delivery state, in the order written: those of
-- one :status, or ('') all; the row of :key only, unless it is ''; at
-- most :limit (-1 for all).
SELECT seq, key, contact_id, journey, version, step, kind, target, payload, due,
       status, attempts, next_attempt_at, lease_owner, lease_until, last_error, sent_at
FROM outbox
WHERE (:status = '' OR status = :status)
  AND (:key = '' OR key = :key)
ORDER BY seq
LIMIT :limit;
