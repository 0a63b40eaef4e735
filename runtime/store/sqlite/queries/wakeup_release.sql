-- Releases a contact's lease and sets its next wake-up: the earlier of
-- the run's own (:wake, NULL for none) and the inputs still pending; NULL
-- when there is neither. The aggregate min() skips NULLs.
UPDATE wakeups
SET wake_at = (
        SELECT min(t) FROM (
            SELECT :wake AS t
            UNION ALL
            SELECT at FROM inputs WHERE contact_id = :contact_id
        )
    ),
    lease_owner = NULL,
    lease_until = NULL
WHERE contact_id = :contact_id;
