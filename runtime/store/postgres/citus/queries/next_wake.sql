-- queries/next_wake.sql on Citus: the earliest time a wake-up can be
-- claimed, min(greatest(wake_at, lease_until)) over every wake-up (the
-- same as the walk there: past the first unleased wake-up nothing is
-- earlier), computed in each shard and combined. Citus runs no recursive
-- query over distributed tables.
SELECT min(greatest(wake_at, lease_until))
FROM wakeups
WHERE wake_at IS NOT NULL;
