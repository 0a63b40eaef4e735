-- queries/wake_stale.sql on Citus, over the buckets of one shard ($5),
-- by which Citus routes it; the enrollments are joined in the same
-- bucket (co-located). Store.WakeStale takes the shards in turn.
-- $1 now, $2 journey, $3 the version in force, $4 limit, $5 the buckets
-- of a shard.
WITH stale AS (
    SELECT w.bucket, w.contact_id
    FROM wakeups AS w
    JOIN enrollments AS e ON e.bucket = w.bucket AND e.contact_id = w.contact_id
    WHERE w.bucket = ANY ($5::integer[])
      AND e.bucket = ANY ($5::integer[])
      AND e.journey = $2
      AND e.status = 'active'
      AND e.version <> $3
      AND (w.wake_at IS NULL OR w.wake_at > $1)
      AND (w.lease_until IS NULL OR w.lease_until <= $1)
    LIMIT $4
    FOR UPDATE OF w SKIP LOCKED
)
UPDATE wakeups AS w
SET wake_at = $1
FROM stale
WHERE w.bucket = ANY ($5::integer[]) AND w.bucket = stale.bucket AND w.contact_id = stale.contact_id;
