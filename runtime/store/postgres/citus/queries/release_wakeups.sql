-- Sets each run contact's wake-up to its run's, or to its first pending
-- input if sooner, and ends its lease (on one Postgres this is part of
-- queries/write_batch.sql), routed to the batch's shard: the
-- inputs are read in the batch's buckets too, which Citus needs to see
-- to keep the subquery on that shard.
-- $1 contact ids, $2 the runs' wake-ups (NULL for none).
UPDATE wakeups AS w
SET wake_at = least(u.wake, (SELECT min(i.at) FROM inputs AS i
                             WHERE i.bucket = ANY (journey_buckets($1)) AND i.bucket = w.bucket
                               AND i.contact_id = w.contact_id)),
    lease_owner = NULL,
    lease_until = NULL
FROM unnest($1::text[], $2::timestamptz[]) AS u (id, wake)
WHERE w.bucket = ANY (journey_buckets($1)) AND w.contact_id = u.id;
