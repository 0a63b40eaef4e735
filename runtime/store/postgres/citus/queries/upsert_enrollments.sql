-- Writes a batch's enrollments, each row by contact, journey and entry
-- (on one Postgres this is part of queries/write_batch.sql): a call of
-- journey_upsert_enrollments (citus/functions.sql), sent whole to the
-- worker that holds the batch's shard, named by its first contact's
-- bucket. $1..$10: contact, journey,
-- entry, version, status, stage, stage time, entry time, exit time (NULL
-- while enrolled) and exit reason of each.
SELECT journey_upsert_enrollments(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::integer[],
                                  $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                                  $9::timestamptz[], $10::text[]);
