-- queries/erase_event_ids.sql on Citus. $1 contact id, $2 pseudonym.
UPDATE event_ids SET contact_id = $2 WHERE bucket = journey_bucket($1) AND contact_id = $1;
