-- Makes due at :now up to :limit contacts with an active enrollment in
-- :journey under a version other than :version, so the engine brings them
-- to it soon: not those due sooner already, nor those leased (their
-- worker's Complete sets the wake-up; a later call takes them).
UPDATE wakeups
SET wake_at = :now
WHERE contact_id IN (
    SELECT w.contact_id
    FROM wakeups AS w
    JOIN enrollments AS e ON e.contact_id = w.contact_id
    WHERE e.journey = :journey
      AND e.status = 'active'
      AND e.version <> :version
      AND (w.wake_at IS NULL OR w.wake_at > :now)
      AND (w.lease_owner IS NULL OR w.lease_until <= :now)
    LIMIT :limit
);
