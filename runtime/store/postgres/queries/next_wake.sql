-- When the earliest contact becomes claimable: the later of its wake-up
-- and its lease's end; NULL when no contact has a wake-up. The first
-- wake-up without a lease bounds the answer, so only the leased rows due
-- before it (the batches in flight, and those of a worker that died) are
-- read besides; both go through the wake_at index.
WITH free AS (
    SELECT wake_at
    FROM wakeups
    WHERE wake_at IS NOT NULL
      AND lease_until IS NULL
    ORDER BY wake_at
    LIMIT 1
)
SELECT least(
    (SELECT wake_at FROM free),
    (SELECT min(greatest(wake_at, lease_until))
     FROM wakeups
     WHERE wake_at IS NOT NULL
       AND lease_until IS NOT NULL
       AND wake_at < coalesce((SELECT wake_at FROM free), 'infinity'))
);
