-- queries/erase_enrollments.sql on Citus. $1 contact id, $2 pseudonym,
-- $3 time.
UPDATE enrollments
SET contact_id = $2,
    status = CASE WHEN status = 'active' THEN 'exited' ELSE status END,
    reason = CASE WHEN status = 'active' THEN 'erased' ELSE reason END,
    exited_at = CASE WHEN status = 'active' THEN $3::timestamptz ELSE exited_at END
WHERE bucket = journey_bucket($1) AND contact_id = $1;
