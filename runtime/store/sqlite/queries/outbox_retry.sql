-- Makes rows pending again, due at :now with no attempts: the row :key if
-- it is parked or unknown, or (:key = '') every parked row. A row a
-- dispatcher holds is left alone. The last error stays, for the record.
UPDATE outbox
SET status = 'pending', attempts = 0, next_attempt_at = :now
WHERE lease_owner IS NULL
  AND ((:key = '' AND status = 'parked')
       OR (key = :key AND status IN ('parked', 'unknown')));
