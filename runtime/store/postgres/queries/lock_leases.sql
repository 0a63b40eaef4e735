-- Locks, in a fixed order, the wake-ups of a batch that worker $2 still
-- holds: from here to commit no one can claim them. A contact missing from
-- the result lost its lease to another worker.
-- $1 contact ids.
SELECT contact_id
FROM wakeups
WHERE contact_id = ANY($1) AND lease_owner = $2
ORDER BY contact_id
FOR UPDATE;
