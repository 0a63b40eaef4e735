-- Makes due at $1 up to $4 contacts with an active enrollment in journey
-- $2 under a version other than $3, so the engine brings them to it soon:
-- not those due sooner already, nor those leased (their worker's Complete
-- sets the wake-up; a later call takes them), nor rows another transaction
-- holds.
WITH stale AS (
    SELECT w.contact_id
    FROM wakeups AS w
    JOIN enrollments AS e ON e.contact_id = w.contact_id
    WHERE e.journey = $2
      AND e.status = 'active'
      AND e.version <> $3
      AND (w.wake_at IS NULL OR w.wake_at > $1)
      AND (w.lease_until IS NULL OR w.lease_until <= $1)
    LIMIT $4
    FOR UPDATE OF w SKIP LOCKED
)
UPDATE wakeups AS w
SET wake_at = $1
FROM stale
WHERE w.contact_id = stale.contact_id;
