-- queries/retain_outbox.sql on Citus, over the buckets of one shard
-- ($3), by which Citus routes it. Store.Retain takes the shards in turn.
-- $1 before, $2 limit, $3 the buckets of a shard.
DELETE FROM outbox
WHERE bucket = ANY ($3::integer[])
  AND (bucket, seq) IN (
    SELECT bucket, seq
    FROM outbox
    WHERE bucket = ANY ($3::integer[])
      AND status IN ('sent', 'cancelled')
      AND coalesce(sent_at, next_attempt_at) < $1
      AND lease_owner IS NULL
    ORDER BY coalesce(sent_at, next_attempt_at)
    LIMIT $2
    FOR UPDATE SKIP LOCKED
);
