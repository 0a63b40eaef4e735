-- queries/history.sql on Citus: one contact's records come from its
-- shard; all contacts' ('') from every shard.
SELECT contact_id, journey, entry, kind, coalesce(step, '') AS step, coalesce(detail, '') AS detail, at
FROM history
WHERE $1 = '' OR (bucket = journey_bucket($1) AND contact_id = $1)
ORDER BY seq;
