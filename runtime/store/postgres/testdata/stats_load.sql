-- The gauges benchmark's store (stats_bench_test.go): $1 contacts, each
-- with a wake-up an hour after $2, an active enrollment in journey "j" in
-- one of ten stages, and a sent outbox row.
WITH contacts AS (
    INSERT INTO contacts (id, state)
    SELECT 'c' || g, jsonb_build_object('id', 'c' || g, 'attrs', '{}'::jsonb)
    FROM generate_series(1, $1::integer) AS g
), wakeups AS (
    INSERT INTO wakeups (contact_id, wake_at)
    SELECT 'c' || g, $2::timestamptz + interval '1 hour'
    FROM generate_series(1, $1::integer) AS g
), enrollments AS (
    INSERT INTO enrollments (contact_id, journey, entry, version, status, stage, stage_at, entered_at)
    SELECT 'c' || g, 'j', 1, 'v1', 'active', 'S' || (g % 10), $2, $2
    FROM generate_series(1, $1::integer) AS g
)
INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at, status)
SELECT 'k' || g, 'c' || g, 'j', 'v1', 'S/0', 'send', 'welcome', '{}', $2, $2, 'sent'
FROM generate_series(1, $1::integer) AS g;
