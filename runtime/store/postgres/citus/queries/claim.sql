-- queries/claim.sql on Citus, over the buckets of one shard ($5): the
-- due wake-ups, earliest first, FOR UPDATE SKIP LOCKED, leased to the
-- worker. Citus locks rows only in a statement routed to one shard, and
-- routes this one by $5. Store.Claim takes the shards in turn.
-- $1 now, $2 limit, $3 worker, $4 lease until, $5 the buckets of a shard.
UPDATE wakeups AS w
SET lease_owner = $3, lease_until = $4
WHERE w.bucket = ANY ($5::integer[])
  AND (w.bucket, w.contact_id) IN (
    SELECT bucket, contact_id
    FROM wakeups
    WHERE bucket = ANY ($5::integer[])
      AND wake_at <= $1
      AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY wake_at, contact_id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
RETURNING w.contact_id, w.wake_at;
