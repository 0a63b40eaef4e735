-- Leases up to $2 contacts due at $1 to worker $3 until $4: the earliest
-- wake-ups first, skipping rows another transaction holds, so workers never
-- wait on each other. A lease that ran out is taken over.
-- The batch is read through the index wakeups_claim, in its order (no
-- sort however many contacts share a wake-up), and each row is updated
-- through the primary key (no scan of the table to join it).
UPDATE wakeups AS w
SET lease_owner = $3, lease_until = $4
WHERE w.contact_id = ANY (ARRAY(
    SELECT contact_id
    FROM wakeups
    WHERE wake_at <= $1
      AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY wake_at, contact_id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
))
RETURNING w.contact_id, w.wake_at;
