-- The runners whose leases have not expired, and how many have been
-- expired longer than $1 seconds (rows left by runners that stopped
-- without a word, to be pruned).
SELECT coalesce(array_agg(name ORDER BY name) FILTER (WHERE until > now()), '{}') AS live,
       count(*) FILTER (WHERE until < now() - make_interval(secs => $1)) AS stale
FROM runner_leases;
