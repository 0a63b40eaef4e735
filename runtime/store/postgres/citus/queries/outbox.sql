-- queries/outbox.sql on Citus: one contact's actions come from its shard
-- (the bucket is folded to a constant once $1 is bound); all contacts'
-- ('') from every shard, and an erased contact's, under its pseudonym
-- (store.ErasedPrefix), from every shard too: its rows stay in the
-- bucket of the id it had. In the order written (written_at,
-- citus/functions.sql), as one Postgres orders by number.
SELECT key, contact_id, journey, version, step, kind, target, payload, due
FROM outbox
WHERE $1 = '' OR (contact_id = $1 AND (bucket = journey_bucket($1) OR starts_with($1, 'erased-')))
ORDER BY written_at NULLS FIRST, seq;
