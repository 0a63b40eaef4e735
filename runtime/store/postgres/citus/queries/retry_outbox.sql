-- queries/retry_outbox.sql on Citus, over the buckets of one shard ($3),
-- by which Citus routes it: Store.RetryOutbox takes the shards in turn,
-- each in a transaction on its worker (the statement over all shards
-- would commit in two phases across the workers). An operator names a
-- row by its key alone, without its contact, so every shard is asked.
-- $1 key ('' for every parked row), $2 due, $3 the buckets of a shard.
UPDATE outbox
SET status = 'pending', attempts = 0, next_attempt_at = $2
WHERE bucket = ANY ($3::integer[])
  AND lease_owner IS NULL
  AND (($1 = '' AND status = 'parked')
       OR (key = $1 AND status IN ('parked', 'unknown')));
