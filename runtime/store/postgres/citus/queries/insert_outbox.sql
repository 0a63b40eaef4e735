-- Writes a batch's actions to the outbox (on one Postgres this is part
-- of queries/write_batch.sql): a call of journey_insert_outbox
-- (citus/functions.sql), which Citus sends whole to the worker that
-- holds the batch's shard, named by its first contact's bucket; the
-- worker writes the rows, each with its contact's bucket, a key unique
-- within it. $1..$9: key, contact,
-- journey, version, step, kind, target, payload and due time of each row.
SELECT journey_insert_outbox(journey_bucket(($2::text[])[1]), $1::text[], $2::text[], $3::text[], $4::text[],
                             $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[]);
