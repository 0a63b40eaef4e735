-- The bucket of the outbox row the lease takes first on one Postgres
-- (queries/lease_outbox.sql): an expired lease, earliest first, else the
-- earliest due row, over every shard (a read, no lock); of two alike,
-- the one written first (written_at, citus/functions.sql). The lease
-- starts at its shard. A runner that shares the shards with others
-- (citus_share.go) reads only its own.
-- $1 now, $2 the runner's buckets (NULL: every bucket).
SELECT bucket
FROM (
    (SELECT bucket, 0 AS rank, lease_until AS at, written_at, seq
     FROM outbox
     WHERE ($2::integer[] IS NULL OR bucket = ANY ($2::integer[]))
       AND lease_owner IS NOT NULL AND lease_until <= $1
     ORDER BY lease_until, written_at NULLS FIRST, seq
     LIMIT 1)
    UNION ALL
    (SELECT bucket, 1 AS rank, next_attempt_at AS at, written_at, seq
     FROM outbox
     WHERE ($2::integer[] IS NULL OR bucket = ANY ($2::integer[]))
       AND status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= $1
     ORDER BY next_attempt_at, written_at NULLS FIRST, seq
     LIMIT 1)
) AS first
ORDER BY rank, at, written_at NULLS FIRST, seq
LIMIT 1;
