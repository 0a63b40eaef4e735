-- Deletes the inputs a run consumed.
-- $1 contact ids, $2 the last sequence number consumed for each.
DELETE FROM inputs AS i
USING unnest($1::text[], $2::bigint[]) AS u (id, consumed)
WHERE i.contact_id = u.id AND i.seq <= u.consumed;
