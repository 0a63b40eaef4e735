-- queries/lease_outbox.sql on Citus, over the buckets of one shard ($5),
-- by which Citus routes it (it locks rows only on one shard).
-- Store.LeaseOutbox takes the shards in turn.
-- $1 now, $2 limit, $3 worker, $4 lease until, $5 the buckets of a shard.
WITH expired AS (
    SELECT bucket, seq, lease_until AS at
    FROM outbox
    WHERE bucket = ANY ($5::integer[]) AND lease_owner IS NOT NULL AND lease_until <= $1
    ORDER BY lease_until, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), due AS (
    SELECT bucket, seq, next_attempt_at AS at
    FROM outbox
    WHERE bucket = ANY ($5::integer[]) AND status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= $1
    ORDER BY next_attempt_at, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT bucket, seq, at, true AS expired FROM expired
    UNION ALL
    SELECT bucket, seq, at, false AS expired FROM due
    ORDER BY expired DESC, at, seq
    LIMIT $2
)
UPDATE outbox AS o
SET status = CASE WHEN p.expired THEN 'unknown' ELSE o.status END,
    attempts = CASE WHEN p.expired THEN o.attempts ELSE o.attempts + 1 END,
    lease_owner = $3,
    lease_until = $4
FROM picked AS p
WHERE o.bucket = ANY ($5::integer[]) AND o.bucket = p.bucket AND o.seq = p.seq
RETURNING o.seq, o.key, o.contact_id, o.journey, o.version, o.step, o.kind, o.target, o.payload, o.due,
          o.status, o.attempts, o.next_attempt_at, o.lease_owner, o.lease_until, o.last_error, o.sent_at,
          o.written_at, p.expired;
