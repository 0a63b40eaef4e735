-- When the earliest contact becomes claimable: the later of its wake-up
-- and its lease's end; NULL when no contact has a wake-up. The first
-- wake-up without a lease bounds the answer, so only the leased rows due
-- before it (the batches in flight, and those of a worker that died) are
-- read besides; both go through the wake_at index. Times are fixed-width
-- UTC text, so text order is time order, and '9' sorts after any of them.
-- min() and max() of two arguments are scalar; min() of one, the
-- aggregate, skips NULLs.
WITH free AS (
    SELECT wake_at
    FROM wakeups
    WHERE wake_at IS NOT NULL
      AND lease_owner IS NULL
    ORDER BY wake_at
    LIMIT 1
),
leased AS (
    SELECT min(max(wake_at, lease_until)) AS at
    FROM wakeups
    WHERE wake_at IS NOT NULL
      AND lease_owner IS NOT NULL
      AND wake_at < coalesce((SELECT wake_at FROM free), '9')
)
SELECT CASE
    WHEN (SELECT at FROM leased) IS NULL THEN (SELECT wake_at FROM free)
    WHEN (SELECT wake_at FROM free) IS NULL THEN (SELECT at FROM leased)
    ELSE min((SELECT wake_at FROM free), (SELECT at FROM leased))
END;
