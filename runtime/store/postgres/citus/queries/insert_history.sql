-- Appends a batch's history rows, in the order given (on one Postgres
-- this is part of queries/write_batch.sql): a call of
-- journey_insert_history (citus/history_function.sql), sent whole to the
-- worker that holds the batch's shard, named by its first contact's
-- bucket. $1..$8: contact, journey, entry, kind, step, detail, time and
-- first stage ('' for none) of each row (store.HistoryRow).
SELECT journey_insert_history(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::integer[], $4::text[],
                              $5::text[], $6::text[], $7::timestamptz[], $8::text[]);
