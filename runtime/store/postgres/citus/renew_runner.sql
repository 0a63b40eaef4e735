-- A runner's lease on its share of the shards, taken or renewed until
-- now plus the lease. $1 the runner's name, $2 the lease in seconds.
INSERT INTO runner_leases AS r (name, until)
VALUES ($1, now() + make_interval(secs => $2))
ON CONFLICT (name) DO UPDATE SET until = excluded.until;
