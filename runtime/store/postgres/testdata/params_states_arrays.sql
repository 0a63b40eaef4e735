-- BenchmarkBatchParameters: a batch's states as update_states took them
-- on plain Postgres before, and Citus still does: three arrays, the
-- states as JSON texts. It reads them and counts them.
SELECT count(*), sum(u.rev)
FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) AS u (id, rev, state);
