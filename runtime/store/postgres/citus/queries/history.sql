-- queries/history.sql on Citus: one contact's rows come from its
-- shard; all contacts' ('') from every shard, and an erased contact's,
-- under its pseudonym (store.ErasedPrefix), from every shard too: its
-- rows stay in the bucket of the id it had. In the order written
-- (written_at, citus/functions.sql), as one Postgres orders by number.
SELECT contact_id, journey, entry, kind, coalesce(step, '') AS step, coalesce(detail, '') AS detail, at,
       coalesce(first_stage, '') AS first_stage
FROM history
WHERE $1 = '' OR (contact_id = $1 AND (bucket = journey_bucket($1) OR starts_with($1, 'erased-')))
ORDER BY written_at NULLS FIRST, seq;
