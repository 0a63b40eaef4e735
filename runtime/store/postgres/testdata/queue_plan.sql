-- A queue for the plan tests (plan_test.go): 100,000 contacts due at one
-- instant, as after a bulk import, 2,000 of them leased by a worker in
-- flight; 100,000 outbox rows due at one instant, 2,000 of them leased by
-- one dispatcher until one instant, and 100,000 more sent at one instant;
-- and 200,000 history records at one instant. The statistics are taken
-- afterwards, so the planner sees these sizes.
INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || g, timestamptz '2026-01-05 09:00:00+00'
FROM generate_series(1, 100000) AS g;

UPDATE wakeups
SET lease_owner = 'w', lease_until = timestamptz '2026-01-05 09:01:00+00'
WHERE contact_id IN (SELECT 'c' || g FROM generate_series(1, 2000) AS g);

INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at)
SELECT 'k' || g, 'c' || g, 'j', 'v1', 's', 'send', 'welcome', '{}', timestamptz '2026-01-05 09:00:00+00',
       timestamptz '2026-01-05 09:00:00+00'
FROM generate_series(1, 100000) AS g;

UPDATE outbox
SET lease_owner = 'd', lease_until = timestamptz '2026-01-05 09:01:00+00', attempts = 1
WHERE seq <= 2000;

INSERT INTO outbox (key, contact_id, journey, version, step, kind, target, payload, due, next_attempt_at,
                    status, attempts, sent_at)
SELECT 'sent' || g, 'c' || g, 'j', 'v1', 's', 'send', 'welcome', '{}', timestamptz '2026-01-04 09:00:00+00',
       timestamptz '2026-01-04 09:00:00+00', 'sent', 1, timestamptz '2026-01-04 09:00:00+00'
FROM generate_series(1, 100000) AS g;

INSERT INTO history (contact_id, journey, entry, kind, step, detail, at)
SELECT 'c' || (g % 100000), 'j', 1, 'stage', 's', 's', timestamptz '2026-01-04 09:00:00+00'
FROM generate_series(1, 200000) AS g;

ANALYZE wakeups;
ANALYZE outbox;
ANALYZE history;
