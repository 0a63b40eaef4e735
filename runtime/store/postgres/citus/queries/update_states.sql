-- queries/update_states.sql on Citus, routed to the batch's shard.
-- $1 contact ids, $2 claimed revisions, $3 new states (JSON).
UPDATE contacts AS c
SET state = u.state, rev = c.rev + 1, updated_at = now()
FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) AS u (id, rev, state)
WHERE c.bucket = ANY (journey_buckets($1)) AND c.id = u.id AND c.rev = u.rev
RETURNING c.id;
