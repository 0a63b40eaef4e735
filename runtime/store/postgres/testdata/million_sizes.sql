-- The size of each of the store's tables, with its indexes and TOAST, in
-- bytes, largest first.
SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r'
ORDER BY bytes DESC;
