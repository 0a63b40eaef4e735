-- The report benchmark's store (report_bench_test.go): 200,000 enrollments
-- of journey bench, one a minute from 2026-01-05 09:00 UTC (20 weeks of
-- cohorts), and their 1,000,000 history records in 600,000 rows: as the
-- store writes them, each enrollment's enrolled, stage and sent records
-- at its start are one row (store.HistoryRow). By i mod 10: 0 and 1 reach
-- Engaged and then the goal bought; 2 exits from Welcome; 3, 4 and 5 are
-- active in Engaged; 6 to 9 are active in Welcome. Every contact gets a
-- welcome (an outbox row: 1 in 50 parked, 1 in 3 pending, the rest sent)
-- and a split arm (holdout for even i, treated for odd). One contact in
-- four has a wake-up pending.
INSERT INTO enrollments (contact_id, journey, entry, version, status, stage, stage_at, entered_at, exited_at, reason)
SELECT 'c' || i, 'bench', 1, 'v1',
       CASE WHEN i % 10 < 2 THEN 'converted' WHEN i % 10 = 2 THEN 'exited' ELSE 'active' END,
       CASE WHEN i % 10 < 6 AND i % 10 <> 2 THEN 'Engaged' ELSE 'Welcome' END,
       timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute'
         + CASE WHEN i % 10 < 6 AND i % 10 <> 2 THEN interval '1 day' + (i % 97) * interval '1 hour' ELSE interval '0' END,
       timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute',
       CASE WHEN i % 10 < 2 THEN timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute' + interval '3 days' + (i % 13) * interval '1 hour'
            WHEN i % 10 = 2 THEN timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute' + interval '12 hours' END,
       CASE WHEN i % 10 < 2 THEN 'goal bought' WHEN i % 10 = 2 THEN 'exit' END
FROM generate_series(1, 200000) AS i;

INSERT INTO history (contact_id, journey, entry, kind, step, detail, at, first_stage)
SELECT 'c' || i, 'bench', 1, k.kind, k.step, k.detail,
       timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute' + k.after, k.first_stage
FROM generate_series(1, 200000) AS i
CROSS JOIN LATERAL (VALUES
    (1, 'sent', 'Welcome/send:welcome#1', 'welcome', interval '0', true, 'Welcome'),
    (4, 'arm', 'Welcome/split:offer#1', CASE WHEN i % 2 = 0 THEN 'holdout' ELSE 'treated' END, interval '1 hour', true, NULL),
    (5, 'exited', NULL, 'exit', interval '12 hours', i % 10 = 2, NULL),
    (6, 'stage', NULL, 'Engaged', interval '1 day' + (i % 97) * interval '1 hour', i % 10 < 6 AND i % 10 <> 2, NULL),
    (7, 'goal', NULL, 'bought', interval '3 days' + (i % 13) * interval '1 hour', i % 10 < 2, NULL),
    (8, 'exited', NULL, 'goal bought', interval '3 days' + (i % 13) * interval '1 hour', i % 10 < 2, NULL)
) AS k(n, kind, step, detail, after, keep, first_stage)
WHERE k.keep
ORDER BY i, k.n;

INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, status, attempts, next_attempt_at)
SELECT 'k' || i, 'c' || i, 'bench', 'v1', 'Welcome/send:welcome#1', 'send', 'welcome', '{}',
       timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute',
       CASE WHEN i % 50 = 0 THEN 'parked' WHEN i % 3 = 0 THEN 'pending' ELSE 'sent' END, 1,
       timestamptz '2026-01-05 09:00:00Z' + i * interval '1 minute'
FROM generate_series(1, 200000) AS i;

INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || i, CASE WHEN i % 4 = 0 THEN timestamptz '2026-06-01 00:00:00Z' END
FROM generate_series(1, 200000) AS i;

ANALYZE enrollments;
ANALYZE history;
ANALYZE outbox;
ANALYZE wakeups;
