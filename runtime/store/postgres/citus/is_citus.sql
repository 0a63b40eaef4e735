-- Whether the database has the citus extension: the store then runs on
-- a Citus coordinator.
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus');
