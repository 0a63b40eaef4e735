-- queries/erase_exits.sql on Citus: the exit records go into the
-- contact's bucket, beside its other records, from its enrollments there
-- (an INSERT … SELECT within one shard), written now (written_at,
-- citus/functions.sql).
-- $1 contact id, $2 pseudonym, $3 time.
INSERT INTO history (bucket, contact_id, journey, entry, kind, step, detail, at, written_at)
SELECT bucket, $2::text, journey, entry, 'exited', NULL, 'erased', $3::timestamptz, now()
FROM enrollments
WHERE bucket = journey_bucket($1) AND contact_id = $1 AND status = 'active'
ORDER BY journey, entry;
