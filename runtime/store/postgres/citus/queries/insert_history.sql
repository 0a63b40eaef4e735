-- queries/insert_history.sql on Citus: a call of journey_insert_history
-- (citus/functions.sql), sent whole to the worker that holds the
-- batch's shard, named by its first contact's bucket. $1..$7 as there.
SELECT journey_insert_history(journey_bucket(($1::text[])[1]), $1::text[], $2::text[], $3::integer[], $4::text[],
                              $5::text[], $6::text[], $7::timestamptz[]);
