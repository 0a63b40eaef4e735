-- The bucket of the wake-up the claim takes first on one Postgres: the
-- earliest due and not leased, over every shard (a read, no lock; each
-- shard gives its first by index, and the coordinator the least). The
-- claim starts at its shard, so a claim takes the earliest work first,
-- as on one Postgres, and goes on to the other shards in turn. A
-- runner that shares the shards with others (citus_share.go) reads only
-- its own.
-- $1 now, $2 the runner's buckets (NULL: every bucket).
SELECT bucket
FROM wakeups
WHERE ($2::integer[] IS NULL OR bucket = ANY ($2::integer[]))
  AND wake_at <= $1
  AND (lease_until IS NULL OR lease_until <= $1)
ORDER BY wake_at, contact_id
LIMIT 1;
