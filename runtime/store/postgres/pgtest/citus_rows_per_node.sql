-- How many rows of a distributed table ($1, in the current schema) each
-- worker holds: its shards counted where they are placed.
SELECT s.nodeport AS port, sum(r.result::bigint) AS rows
FROM run_command_on_shards(to_regclass($1), 'SELECT count(*) FROM %s') AS r
JOIN citus_shards AS s ON s.shardid = r.shardid
GROUP BY s.nodeport
ORDER BY s.nodeport;
