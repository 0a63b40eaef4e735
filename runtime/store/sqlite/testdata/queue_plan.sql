-- A queue for the plan test (plan_test.go): 20,000 contacts due at one
-- instant, as after a bulk import, and 20,000 outbox rows due at one
-- instant, 2,000 of them leased by one dispatcher until one instant; then
-- the statistics, so the planner sees these sizes.
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || n, '2026-01-05T09:00:00.000000000Z' FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
SELECT 'k' || n, 'c' || n, 'j', 'v1', 's', 'send', 'welcome', '{}', '2026-01-05T09:00:00.000000000Z',
       '2026-01-05T09:00:00.000000000Z'
FROM g;

UPDATE outbox
SET lease_owner = 'd', lease_until = '2026-01-05T09:01:00.000000000Z', attempts = 1
WHERE seq <= 2000;

ANALYZE;
