-- The claim at a million contacts due at one instant, with the index on
-- wake_at alone that the store had before migration 00009 and with the
-- index wakeups_claim on (wake_at, contact_id) that replaced it: the plan
-- and the time of one claim of 1,000 under each, and of the idle poll
-- over the drained queue before and after a vacuum. It works in a scratch
-- schema, dropped at the end. Run it, from the repository root, with
--
--     psql -h 127.0.0.1 -U postgres -f scripts/claim_at_scale.sql
--
-- Figures are in docs/performance.md, "The queue at scale on Postgres".
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS journey_claim_at_scale CASCADE;
CREATE SCHEMA journey_claim_at_scale;
SET search_path = journey_claim_at_scale;

-- The wake-ups table as migrations 00001 and 00009 make it.
CREATE TABLE wakeups (
    contact_id  text PRIMARY KEY,
    wake_at     timestamptz,
    lease_owner text,
    lease_until timestamptz
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
INSERT INTO wakeups (contact_id, wake_at)
SELECT 'c' || g, timestamptz '2026-01-05 09:00:00+00'
FROM generate_series(1, 1000000) AS g;

\echo '== Before: the index on wake_at alone, and the claim joining its batch back to the table'
CREATE INDEX wakeups_due ON wakeups (wake_at) WHERE wake_at IS NOT NULL;
ANALYZE wakeups;
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
WITH due AS (
    SELECT contact_id
    FROM wakeups
    WHERE wake_at <= '2026-01-05 09:00:00+00'
      AND (lease_until IS NULL OR lease_until <= '2026-01-05 09:00:00+00')
    ORDER BY wake_at, contact_id
    LIMIT 1000
    FOR UPDATE SKIP LOCKED
)
UPDATE wakeups AS w
SET lease_owner = 'w1', lease_until = '2026-01-05 09:01:00+00'
FROM due
WHERE w.contact_id = due.contact_id;
ROLLBACK;

\echo '== After: the index wakeups_claim, and queries/claim.sql'
CREATE INDEX wakeups_claim ON wakeups (wake_at, contact_id) WHERE wake_at IS NOT NULL;
DROP INDEX wakeups_due;
ANALYZE wakeups;
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
UPDATE wakeups AS w
SET lease_owner = 'w1', lease_until = '2026-01-05 09:01:00+00'
WHERE w.contact_id = ANY (ARRAY(
    SELECT contact_id
    FROM wakeups
    WHERE wake_at <= '2026-01-05 09:00:00+00'
      AND (lease_until IS NULL OR lease_until <= '2026-01-05 09:00:00+00')
    ORDER BY wake_at, contact_id
    LIMIT 1000
    FOR UPDATE SKIP LOCKED
));
ROLLBACK;

\echo '== The idle poll (queries/next_wake.sql) over the drained queue: each contact claimed and released, with its dead rows'
UPDATE wakeups SET lease_owner = 'w1', lease_until = '2026-01-05 09:01:00+00';
UPDATE wakeups SET lease_owner = NULL, lease_until = NULL, wake_at = NULL;
\i runtime/store/postgres/queries/next_wake.sql
\timing on
\i runtime/store/postgres/queries/next_wake.sql
\i runtime/store/postgres/queries/next_wake.sql
\timing off
\echo '== The same after VACUUM (ANALYZE), as the runner leading the chores runs it'
VACUUM (ANALYZE) wakeups;
\i runtime/store/postgres/queries/next_wake.sql
\timing on
\i runtime/store/postgres/queries/next_wake.sql
\i runtime/store/postgres/queries/next_wake.sql
\timing off

DROP SCHEMA journey_claim_at_scale CASCADE;
