-- Sets the next wake-ups and releases the leases: the run's wake-up, or
-- the earliest input still pending if that is earlier; none if neither
-- (least ignores NULLs).
-- $1 contact ids, $2 the runs' wake-ups (NULL for none).
UPDATE wakeups AS w
SET wake_at = least(u.wake, (SELECT min(i.at) FROM inputs AS i WHERE i.contact_id = w.contact_id)),
    lease_owner = NULL,
    lease_until = NULL
FROM unnest($1::text[], $2::timestamptz[]) AS u (id, wake)
WHERE w.contact_id = u.id;
