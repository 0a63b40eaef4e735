-- queries/insert_outbox.sql on Citus: a call of journey_insert_outbox
-- (citus/functions.sql), which Citus sends whole to the worker that
-- holds the batch's shard, named by its first contact's bucket; the
-- worker writes the rows, each with its contact's bucket, a key unique
-- within it. $1..$9 as there.
SELECT journey_insert_outbox(journey_bucket(($2::text[])[1]), $1::text[], $2::text[], $3::text[], $4::text[],
                             $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[]);
