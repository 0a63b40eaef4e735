-- The shard that holds a contact's rows: its bucket's shard of the
-- store's co-located tables, named by the wakeups table's shard (as
-- citus/shard_buckets.sql names them). $1 contact id.
SELECT get_shard_id_for_distribution_column(to_regclass('wakeups'), journey_bucket($1));
