-- queries/upsert_enrollments.sql on Citus: a call of
-- journey_upsert_enrollments (citus/functions.sql), sent whole to the
-- worker that holds the batch's shard, named by its first contact's
-- bucket. $1..$10 as there.
SELECT journey_upsert_enrollments(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::integer[],
                                  $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                                  $9::timestamptz[], $10::text[]);
