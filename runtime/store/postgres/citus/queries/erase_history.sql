-- queries/erase_history.sql on Citus. $1 contact id, $2 pseudonym.
UPDATE history SET contact_id = $2 WHERE bucket = journey_bucket($1) AND contact_id = $1;
