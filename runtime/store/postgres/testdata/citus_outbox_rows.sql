-- How many outbox rows a contact has. $1 contact id.
SELECT count(*) FROM outbox WHERE bucket = journey_bucket($1) AND contact_id = $1;
