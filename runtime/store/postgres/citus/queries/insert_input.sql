-- queries/insert_input.sql on Citus: a call of journey_insert_inputs
-- (citus/functions.sql) with the one input, sent whole to the worker
-- that holds the contact's shard, which numbers it: every input is
-- numbered on its shard's worker, the batches' too (add_batch.sql).
-- $1 contact, $2 kind, $3 event id, $4 event name, $5 payload (JSON or
-- NULL), $6 attributes (JSON or NULL), $7 time.
SELECT journey_insert_inputs(journey_bucket($1), ARRAY[$1::text], ARRAY[$2::text], ARRAY[$3::text],
                             ARRAY[$4::text], ARRAY[$5::jsonb], ARRAY[$6::jsonb], ARRAY[$7::timestamptz], NULL);
