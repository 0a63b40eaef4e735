-- Reports for the plan test (plan_test.go): 20,000 enrollments, each
-- with its first records in one history row (a send, after the enrolled
-- and stage records it stands for), a split arm, and for one in two a
-- second stage; then the statistics, so the planner sees these sizes.
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
INSERT INTO enrollments (contact_id, journey, entry, version, status, stage, stage_at, entered_at)
SELECT 'c' || n, 'j', 1, 'v1', 'active', CASE WHEN n % 2 = 0 THEN 'B' ELSE 'A' END,
       '2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z'
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000)
INSERT INTO history (contact_id, journey, entry, kind, step, detail, at, first_stage)
SELECT 'c' || n, 'j', 1, k.kind, k.step, k.detail, k.at, k.first_stage
FROM g
JOIN (SELECT 1 AS i, 'sent' AS kind, 'A/send:welcome#1' AS step, 'welcome' AS detail,
             '2026-01-05T09:00:00.000Z' AS at, 'A' AS first_stage
      UNION ALL SELECT 2, 'arm', 'A/split:offer#1', 'treated', '2026-01-05T10:00:00.000Z', NULL
      UNION ALL SELECT 3, 'stage', NULL, 'B', '2026-01-06T09:00:00.000Z', NULL) AS k
  ON k.i < 3 OR g.n % 2 = 0
ORDER BY g.n, k.i;

ANALYZE;
