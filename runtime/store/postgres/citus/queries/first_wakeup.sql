-- The bucket of the wake-up the claim takes first on one Postgres: the
-- earliest due and not leased, over every shard (a read, no lock; each
-- shard gives its first by index, and the coordinator the least). The
-- claim starts at its shard, so a claim takes the earliest work first,
-- as on one Postgres, and goes on to the other shards in turn.
-- $1 now.
SELECT bucket
FROM wakeups
WHERE wake_at <= $1
  AND (lease_until IS NULL OR lease_until <= $1)
ORDER BY wake_at, contact_id
LIMIT 1;
