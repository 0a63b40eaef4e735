-- The buckets of each shard of the store's co-located tables, for the
-- claims that take one shard at a time.
SELECT get_shard_id_for_distribution_column(to_regclass('wakeups'), b) AS shard,
       array_agg(b ORDER BY b) AS buckets
FROM generate_series(0, 1023) AS b
GROUP BY 1
ORDER BY 1;
