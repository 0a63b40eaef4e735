-- Makes rows pending again, due at $2 with no attempts: the row $1 if it
-- is parked or unknown, or ($1 = '') every parked row. A row a dispatcher
-- holds is left alone. The last error stays, for the record.
UPDATE outbox
SET status = 'pending', attempts = 0, next_attempt_at = $2
WHERE lease_owner IS NULL
  AND (($1 = '' AND status = 'parked')
       OR (key = $1 AND status IN ('parked', 'unknown')));
