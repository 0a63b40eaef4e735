-- Leases up to :limit contacts due at :now whose lease is free or has
-- expired, earliest wake-up first. Times are fixed-width UTC text, so text
-- order is time order.
UPDATE wakeups
SET lease_owner = :worker, lease_until = :lease_until
WHERE contact_id IN (
    SELECT contact_id
    FROM wakeups
    WHERE wake_at IS NOT NULL
      AND wake_at <= :now
      AND (lease_owner IS NULL OR lease_until <= :now)
    ORDER BY wake_at, contact_id
    LIMIT :limit
)
RETURNING contact_id, wake_at;
