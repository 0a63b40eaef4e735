-- Replaces the tallies with a new count, as of $1 (the contacts due at $1,
-- as a claim at $1 would find them): the active enrollments by journey and
-- stage, the contacts due, the outbox rows pending. The caller deletes the
-- old rows first, in the same transaction.
INSERT INTO tallies (what, journey, stage, n, oldest, counted_at)
SELECT 'active', journey, stage, count(*), NULL::timestamptz, $1::timestamptz
FROM enrollments
WHERE status = 'active'
GROUP BY journey, stage
UNION ALL
SELECT 'due', '', '', count(*), min(wake_at), $1::timestamptz
FROM wakeups
WHERE wake_at <= $1::timestamptz
UNION ALL
SELECT 'outbox', '', '', count(*), min(due), $1::timestamptz
FROM outbox
WHERE status = 'pending';
