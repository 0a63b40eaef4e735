-- When the earliest contact becomes claimable: the later of its wake-up
-- and its lease's end; NULL when no contact has a wake-up. The first
-- wake-up without a lease bounds the answer, so the wake-ups are walked in
-- the claim's order (the index wakeups_claim, one step per row) from the
-- earliest up to the first without a lease: the leased ones before it
-- (the batches in flight, and those of a worker that died) are all that
-- is read besides, however large the table.
WITH RECURSIVE front AS (
    (SELECT wake_at, contact_id, lease_until
     FROM wakeups
     WHERE wake_at IS NOT NULL
     ORDER BY wake_at, contact_id
     LIMIT 1)
    UNION ALL
    SELECT n.wake_at, n.contact_id, n.lease_until
    FROM front AS f
    CROSS JOIN LATERAL (
        SELECT wake_at, contact_id, lease_until
        FROM wakeups
        WHERE wake_at IS NOT NULL
          AND (wake_at, contact_id) > (f.wake_at, f.contact_id)
        ORDER BY wake_at, contact_id
        LIMIT 1
    ) AS n
    WHERE f.lease_until IS NOT NULL
)
SELECT min(greatest(wake_at, lease_until)) FROM front;
