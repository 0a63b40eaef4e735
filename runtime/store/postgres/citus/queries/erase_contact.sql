-- queries/erase_contact.sql on Citus, routed to the contact's shard, as
-- is every erase_*.sql here: an erasure is one transaction on one
-- worker. The rows kept under the pseudonym stay in the contact's bucket
-- (history.sql and outbox.sql find them there). $1 contact id.
DELETE FROM contacts WHERE bucket = journey_bucket($1) AND id = $1;
