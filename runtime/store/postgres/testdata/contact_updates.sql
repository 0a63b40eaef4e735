-- The updates of a schema's contacts Postgres has counted, and how many
-- of them were HOT. $1 the schema.
SELECT n_tup_upd, n_tup_hot_upd
FROM pg_stat_user_tables
WHERE schemaname = $1 AND relname = 'contacts';
