-- queries/erase_wakeup.sql on Citus. $1 contact id.
DELETE FROM wakeups WHERE bucket = journey_bucket($1) AND contact_id = $1;
