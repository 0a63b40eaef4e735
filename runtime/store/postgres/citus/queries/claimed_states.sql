-- queries/claimed_states.sql on Citus: a batch claimed from one shard is
-- read from that shard (journey_buckets($1) is a constant once $1 is
-- bound, and routes the statement). $1 contact ids.
SELECT id, state, rev
FROM contacts
WHERE bucket = ANY (journey_buckets($1)) AND id = ANY ($1);
