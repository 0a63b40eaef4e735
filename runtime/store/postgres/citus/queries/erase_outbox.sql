-- queries/erase_outbox.sql on Citus. $1 contact id, $2 pseudonym.
UPDATE outbox
SET contact_id = $2,
    payload = 'null'::jsonb,
    status = CASE WHEN status IN ('pending', 'parked', 'unknown') AND lease_owner IS NULL THEN 'cancelled' ELSE status END
WHERE bucket = journey_bucket($1) AND contact_id = $1;
