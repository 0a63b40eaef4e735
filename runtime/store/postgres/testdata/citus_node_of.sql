-- The port of the worker that holds a contact's shard. $1 contact id.
SELECT nodeport
FROM citus_shards
WHERE shardid = get_shard_id_for_distribution_column(to_regclass('outbox'), journey_bucket($1));
