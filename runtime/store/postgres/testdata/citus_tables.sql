-- How the current schema's tables are placed on Citus: each table's
-- name, its method (h: hash-distributed, n: reference), its distribution
-- column ('' for a reference table) and its co-location group.
SELECT c.relname AS name,
       p.partmethod AS method,
       coalesce(column_to_column_name(p.logicalrelid, p.partkey), '') AS column,
       p.colocationid AS colocation
FROM pg_dist_partition AS p
JOIN pg_class AS c ON c.oid = p.logicalrelid
WHERE c.relnamespace = current_schema()::regnamespace
ORDER BY c.relname;
