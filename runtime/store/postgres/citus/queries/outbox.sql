-- queries/outbox.sql on Citus: one contact's actions come from its shard
-- (the bucket is folded to a constant once $1 is bound); all contacts'
-- ('') from every shard.
SELECT key, contact_id, journey, version, step, kind, target, payload, due
FROM outbox
WHERE $1 = '' OR (bucket = journey_bucket($1) AND contact_id = $1)
ORDER BY seq;
