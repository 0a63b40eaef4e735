-- queries/lock_leases.sql on Citus: FOR UPDATE, which Citus runs only on
-- one shard, routed to the batch's. $1 contact ids, $2 worker.
SELECT contact_id
FROM wakeups
WHERE bucket = ANY (journey_buckets($1)) AND contact_id = ANY ($1) AND lease_owner = $2
ORDER BY contact_id
FOR UPDATE;
