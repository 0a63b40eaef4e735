-- The bucket of the outbox row the lease takes first on one Postgres
-- (queries/lease_outbox.sql): an expired lease, earliest first, else the
-- earliest due row, over every shard (a read, no lock). The lease
-- starts at its shard. $1 now.
SELECT bucket
FROM (
    (SELECT bucket, 0 AS rank, lease_until AS at, seq
     FROM outbox
     WHERE lease_owner IS NOT NULL AND lease_until <= $1
     ORDER BY lease_until, seq
     LIMIT 1)
    UNION ALL
    (SELECT bucket, 1 AS rank, next_attempt_at AS at, seq
     FROM outbox
     WHERE status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= $1
     ORDER BY next_attempt_at, seq
     LIMIT 1)
) AS first
ORDER BY rank, at, seq
LIMIT 1;
