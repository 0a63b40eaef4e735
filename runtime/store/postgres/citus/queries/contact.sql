-- queries/contact.sql on Citus, routed to the contact's shard by its
-- bucket. $1 contact id.
SELECT state
FROM contacts
WHERE bucket = journey_bucket($1) AND id = $1;
