-- Deletes the inputs a batch's runs consumed, routed to the batch's shard
-- (on one Postgres this is part of queries/write_batch.sql).
-- $1 contact ids, $2 the last sequence number consumed for each.
DELETE FROM inputs AS i
USING unnest($1::text[], $2::bigint[]) AS u (id, consumed)
WHERE i.bucket = ANY (journey_buckets($1)) AND i.contact_id = u.id AND i.seq <= u.consumed;
