-- Whether the server vacuums by itself (autovacuum, which needs
-- track_counts), and the storage options of each of the store's tables in
-- this schema (autovacuum_enabled may turn it off for one table).
SELECT c.relname AS name,
       current_setting('autovacuum') AS autovacuum,
       current_setting('track_counts') AS track_counts,
       coalesce(c.reloptions, '{}') AS options
FROM pg_class AS c
WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
  AND c.relkind = 'r'
  AND c.relname IN ('wakeups', 'inputs', 'outbox', 'event_ids', 'contacts', 'enrollments', 'history', 'leaders')
ORDER BY c.relname;
