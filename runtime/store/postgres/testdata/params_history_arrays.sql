-- BenchmarkBatchParameters: a batch's history records as write_batch
-- takes them, seven arrays. It reads them and counts them.
SELECT count(*), sum(r.entry)
FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
    AS r (contact_id, journey, entry, kind, step, detail, at);
