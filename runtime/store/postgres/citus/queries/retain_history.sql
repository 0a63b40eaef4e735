-- queries/retain_history.sql on Citus, over the buckets of one shard
-- ($3), by which Citus routes it. Store.Retain takes the shards in turn.
-- $1 before, $2 limit, $3 the buckets of a shard.
DELETE FROM history
WHERE bucket = ANY ($3::integer[])
  AND (bucket, seq) IN (
    SELECT bucket, seq
    FROM history
    WHERE bucket = ANY ($3::integer[]) AND at < $1
    ORDER BY at
    LIMIT $2
);
