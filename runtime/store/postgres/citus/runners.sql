-- The leases of the runners that share a distributed store's shards
-- (citus_share.go): one row a runner, renewed while it runs, deleted
-- when it stops. A reference table: every node has a copy, and a lease
-- is read where the runner's statements are planned.
CREATE TABLE runner_leases (
    name  text PRIMARY KEY,
    until timestamptz NOT NULL
);
SELECT create_reference_table('runner_leases');
