-- queries/erase_inputs.sql on Citus. $1 contact id.
DELETE FROM inputs WHERE bucket = journey_bucket($1) AND contact_id = $1;
