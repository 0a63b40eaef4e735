-- The store's tables in this schema holding at least $1 dead rows and at
-- least $2 of their live rows, as the statistics count them, most dead
-- first.
SELECT relname AS name, n_dead_tup AS dead, n_live_tup AS live
FROM pg_stat_user_tables
WHERE schemaname = current_schema()
  AND relname IN ('wakeups', 'inputs', 'outbox', 'event_ids', 'contacts', 'enrollments', 'history', 'leaders')
  AND n_dead_tup >= $1::bigint
  AND n_dead_tup >= $2::float8 * n_live_tup
ORDER BY n_dead_tup DESC;
