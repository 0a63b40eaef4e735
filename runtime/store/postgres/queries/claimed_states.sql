-- The states of claimed contacts, with the revisions they are read at.
-- $1 contact ids.
SELECT id, state, rev
FROM contacts
WHERE id = ANY($1);
