-- queries/list_outbox.sql on Citus: in the order written (written_at,
-- citus/functions.sql), as one Postgres orders by number.
-- Outbox rows with their delivery state, in the order written: those of
-- status $1, or ($1 = '') all; the row of key $3 only, unless $3 = '';
-- at most $2 (NULL for all).
SELECT seq, key, contact_id, journey, version, step, kind, target, payload, due,
       status, attempts, next_attempt_at, lease_owner, lease_until, last_error, sent_at
FROM outbox
WHERE ($1 = '' OR status = $1)
  AND ($3 = '' OR key = $3)
ORDER BY written_at NULLS FIRST, seq
LIMIT $2;
