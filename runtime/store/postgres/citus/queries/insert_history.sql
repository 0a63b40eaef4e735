-- Appends a batch's records to the history, in the order given (on one
-- Postgres this is part of queries/write_batch.sql): a call of
-- journey_insert_history
-- (citus/functions.sql), sent whole to the worker that holds the
-- batch's shard, named by its first contact's bucket. $1..$7:
-- contact, journey, entry, kind, step, detail and time of each record.
SELECT journey_insert_history(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::integer[], $4::text[],
                              $5::text[], $6::text[], $7::timestamptz[]);
