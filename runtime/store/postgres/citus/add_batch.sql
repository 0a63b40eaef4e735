-- A batch's intake in one shard on Citus (Store.AddBatch): a call of
-- journey_add_batch (citus/functions.sql), sent whole to the worker that
-- holds the shard, named by the first item's contact's bucket. Returns
-- the items (from 1) whose events are repeats.
-- $1 contacts, $2 kinds, $3 event ids ('' for none), $4 event names (''
-- for none), $5 payloads (JSON or NULL), $6 attributes (JSON or NULL),
-- $7 times, $8 when each event was received, $9 each contact's initial
-- state (JSON).
SELECT journey_add_batch(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::text[], $4::text[],
                         $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::timestamptz[], $9::jsonb[]);
