-- Whether the connection's schema holds a store: its wakeups table.
SELECT EXISTS (
    SELECT 1
    FROM pg_catalog.pg_tables
    WHERE schemaname = current_schema()
      AND tablename = 'wakeups'
);
