-- Writes new states, each only over the revision it was claimed at, and
-- returns the contacts written. The batch is one JSON document, read
-- once, where Postgres parses an array of states element by element,
-- each unquoted first (Citus, which routes by the array of ids, keeps
-- its arrays: citus/queries/update_states.sql).
-- $1 [{"id": contact id, "rev": claimed revision, "state": new state}, …]
UPDATE contacts AS c
SET state = u.state, rev = c.rev + 1, updated_at = now()
FROM jsonb_to_recordset($1::jsonb) AS u (id text, rev bigint, state jsonb)
WHERE c.id = u.id AND c.rev = u.rev
RETURNING c.id;
