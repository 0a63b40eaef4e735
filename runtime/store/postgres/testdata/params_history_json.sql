-- BenchmarkBatchParameters: a batch's history records as one JSON
-- document. It reads them and counts them.
SELECT count(*), sum(r.entry)
FROM jsonb_to_recordset($1::jsonb)
    AS r (contact_id text, journey text, entry integer, kind text, step text, detail text, at timestamptz);
