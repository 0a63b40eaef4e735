-- BenchmarkBatchParameters: a batch's states as update_states takes them
-- on plain Postgres: one JSON document. It reads them and counts them.
SELECT count(*), sum(u.rev)
FROM jsonb_to_recordset($1::jsonb) AS u (id text, rev bigint, state jsonb);
