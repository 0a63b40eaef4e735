-- How long, in seconds, the oldest transaction in this database that holds
-- a snapshot has been open (0 when none, this session aside): no vacuum
-- removes the rows that died after it began until it ends.
SELECT coalesce(extract(epoch FROM max(clock_timestamp() - xact_start)), 0)::float8 AS seconds
FROM pg_stat_activity
WHERE datname = current_database()
  AND backend_xmin IS NOT NULL
  AND pid <> pg_backend_pid();
