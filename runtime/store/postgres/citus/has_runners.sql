-- Whether the store in the current schema has its runners' leases
-- (citus/runners.sql): a store distributed before they were added has
-- not.
SELECT to_regclass('runner_leases') IS NOT NULL;
